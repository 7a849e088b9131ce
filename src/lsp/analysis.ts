import { LineMap, type Span } from "../diagnostics/span.js";
import { checkText, type Loaded } from "../kernel/load.js";
import type { Scenario } from "../semantics/scenario.js";
import type { TestFile } from "../syntax/ast.js";
import { parse } from "../syntax/parse.js";

/**
 * One version of an open document, parsed and checked as `tlbl check` does it (kernel/load.ts),
 * with the line map every position conversion uses; `lowered` false when the check stopped
 * before lowering (the quick first answer to an edit).
 */
export interface Analysis {
  readonly file: string;
  readonly text: string;
  readonly lines: LineMap;
  readonly loaded: Loaded;
  /** The syntax tree, when the text parses (it may still have checker errors). */
  readonly ast: TestFile | undefined;
  /** The checked scenario, when the text has no errors. */
  readonly scenario: Scenario | undefined;
  /** The check went through lowering: its diagnostics are tlbl check's, all of them. */
  readonly lowered: boolean;
}

export function analyze(text: string, file: string, { lower = true } = {}): Analysis {
  const loaded = checkText(text, file, { lower });
  // checkText parses once; a checker error leaves no scenario, so the tree is parsed again
  // (parsing is a small part of checking) to keep hover and definition working while one
  // mistake is being fixed.
  const ast = loaded.scenario?.ast ?? parse(text, file).ast;
  // With an error before lowering, lowering would not have run: the answer is complete.
  const lowered = lower || loaded.scenario === undefined;
  return { file, text, lines: new LineMap(text), loaded, ast, scenario: loaded.scenario, lowered };
}

/** A 0-based LSP position of a text offset. */
export function positionOf(lines: LineMap, offset: number): { line: number; character: number } {
  const p = lines.position(offset);
  return { line: p.line - 1, character: p.column - 1 };
}

export function rangeOf(
  lines: LineMap,
  span: Span,
): { start: { line: number; character: number }; end: { line: number; character: number } } {
  return {
    start: positionOf(lines, span.start),
    end: positionOf(lines, Math.max(span.start, span.end)),
  };
}
