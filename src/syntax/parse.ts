import type { IToken } from "chevrotain";
import { DiagnosticBag, type Diagnostic } from "../diagnostics/diagnostic.js";
import type { TestFile } from "./ast.js";
import { buildFile, tokenSpan } from "./cst-to-ast.js";
import { lex } from "./lexer.js";
import { parserInstance } from "./parser.js";

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
  const parser = parserInstance();
  parser.input = tokens;
  const cst = parser.file();
  for (const e of parser.errors) {
    const t = e.token;
    const at = Number.isNaN(t.startOffset) ? text.length : t.startOffset;
    const span = Number.isNaN(t.startOffset) ? { start: at, end: at } : tokenSpan(t);
    bag.error("E010", span, e.message);
  }
  const ast = bag.hasErrors ? undefined : buildFile(cst, text.length, bag);
  if (bag.hasErrors) return { ast: undefined, comments, diagnostics: dedupe(bag.items, text) };
  return { ast, comments, diagnostics: [] };
}

/**
 * After a syntax error, recovery often reports the rest of the line again; keep the first
 * syntax error of each line (other kinds of errors are all kept).
 */
function dedupe(ds: Diagnostic[], text: string): Diagnostic[] {
  const seenLines = new Set<number>();
  return ds.filter((d) => {
    if (d.code !== "E010") return true;
    const line = lineOf(text, d.span.start);
    if (seenLines.has(line)) return false;
    seenLines.add(line);
    return true;
  });
}

function lineOf(text: string, offset: number): number {
  let n = 0;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

function firstBinaryOffset(text: string): number | undefined {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0 || c === 0xfffd) return i;
  }
  return undefined;
}
