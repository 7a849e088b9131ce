import type { IToken } from "chevrotain";
import { DiagnosticBag, type Diagnostic } from "../diagnostics/diagnostic.js";
import { LineMap } from "../diagnostics/span.js";
import type { TestFile } from "./ast.js";
import { buildFile, tokenSpan } from "./cst-to-ast.js";
import { lex } from "./lexer.js";
import { tooDeep } from "./nesting.js";
import { maxSyntaxErrors, parserInstance } from "./parser.js";

export interface ParseResult {
  /** Present when the file parsed without errors. */
  readonly ast: TestFile | undefined;
  readonly comments: readonly IToken[];
  readonly diagnostics: readonly Diagnostic[];
}

/** Text to AST. Never throws on bad input: every problem comes back as a diagnostic. */
export function parse(text: string, file: string): ParseResult {
  const bag = new DiagnosticBag(file);
  const binary = firstBinaryOffset(text);
  if (binary !== undefined) {
    bag.error(
      "E002",
      { start: binary, end: binary + 1 },
      "the input is not text (it holds a NUL byte or invalid UTF-8)",
    );
    return { ast: undefined, comments: [], diagnostics: bag.items };
  }
  const { tokens, comments } = lex(text, bag);
  const deep = tooDeep(tokens);
  if (deep !== undefined) {
    bag.error("E010", tokenSpan(deep.token), deep.message);
    return { ast: undefined, comments, diagnostics: bag.items };
  }
  const parser = parserInstance();
  parser.input = tokens;
  const cst = parser.file();
  const gaveUp = parser.errors.length > maxSyntaxErrors;
  parser.errors.forEach((e, i) => {
    const t = e.token;
    const at = Number.isNaN(t.startOffset) ? text.length : t.startOffset;
    const span = Number.isNaN(t.startOffset) ? { start: at, end: at } : tokenSpan(t);
    const last = i === parser.errors.length - 1;
    const message =
      gaveUp && last ? `too many syntax errors: the rest of the file is not read` : e.message;
    bag.error("E010", span, message);
  });
  const ast = bag.hasErrors ? undefined : buildFile(cst, text.length, bag);
  if (bag.hasErrors) return { ast: undefined, comments, diagnostics: dedupe(bag.items, text) };
  return { ast, comments, diagnostics: [] };
}

/**
 * After a syntax error, recovery often reports the rest of the line again; keep the first
 * syntax error of each line (other kinds of errors are all kept).
 */
function dedupe(ds: Diagnostic[], text: string): Diagnostic[] {
  const lines = new LineMap(text);
  const seenLines = new Set<number>();
  return ds.filter((d) => {
    if (d.code !== "E010") return true;
    const line = lines.position(d.span.start).line;
    if (seenLines.has(line)) return false;
    seenLines.add(line);
    return true;
  });
}

function firstBinaryOffset(text: string): number | undefined {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0 || c === 0xfffd) return i;
  }
  return undefined;
}
