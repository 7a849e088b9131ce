import { Lexer, type IToken, type TokenType } from "chevrotain";
import type { DiagnosticBag } from "../diagnostics/diagnostic.js";
import {
  allTokens,
  AndAnd,
  EqEq,
  Greater,
  GreaterEq,
  Less,
  LessEq,
  Minus,
  NotEq,
  OrOr,
  Plus,
  LBrace,
  LBracket,
  LParen,
  Newline,
  RBrace,
  RBracket,
  RParen,
  Semicolon,
  StringLiteral,
  Keyword,
  UnterminatedComment,
} from "./tokens.js";

// The token definitions are validated by the tests; skipping it at run time saves start-up time.
const lexer = new Lexer(allTokens, {
  positionTracking: "full",
  ensureOptimizations: false,
  skipValidations: true,
});

export interface LexResult {
  /** What the parser reads: newlines kept only where they end a statement. */
  readonly tokens: IToken[];
  /** Comments, for the formatter. */
  readonly comments: IToken[];
}

/** Tokenizes, reporting bad characters and unterminated strings and comments. */
export function lex(text: string, bag: DiagnosticBag): LexResult {
  const result = lexer.tokenize(text);
  for (const e of result.errors) {
    const ch = text.slice(e.offset, e.offset + e.length);
    const shown = ch.length === 1 ? describeChar(ch) : `\`${ch}\``;
    bag.error(
      "E003",
      { start: e.offset, end: e.offset + Math.max(1, e.length) },
      `unexpected character ${shown}`,
    );
  }
  for (const t of result.groups["errors"] ?? []) {
    const what = t.tokenType === UnterminatedComment ? "comment" : "string";
    bag.error(
      "E004",
      { start: t.startOffset, end: t.startOffset + (what === "comment" ? 2 : 1) },
      `unterminated ${what}`,
    );
  }
  return { tokens: significantNewlines(result.tokens), comments: result.groups["comments"] ?? [] };
}

function describeChar(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
  return code < 32 || code === 127 ? hex : `\`${ch}\` (${hex})`;
}

/** A line ending with a binary operator goes on (the formatter breaks long conditions there). */
export const binaryOperators: ReadonlySet<TokenType> = new Set([
  AndAnd,
  OrOr,
  EqEq,
  NotEq,
  Less,
  LessEq,
  Greater,
  GreaterEq,
  Plus,
  Minus,
]);

/**
 * Newlines end statements, but not inside parentheses or brackets, not in runs, not after a
 * binary operator, not at the start of a block or file, not before `}`, and not before `{`,
 * `else` or a doc string (so those may start the next line). This keeps the grammar free of
 * newline noise.
 */
function significantNewlines(tokens: IToken[]): IToken[] {
  const out: IToken[] = [];
  let depth = 0;
  const elseKw = Keyword["else"];
  for (const t of tokens) {
    const type = t.tokenType;
    if (type === LParen || type === LBracket) depth++;
    else if ((type === RParen || type === RBracket) && depth > 0) depth--;
    if (type === Newline) {
      const prev = out[out.length - 1];
      if (depth > 0 || prev === undefined) continue;
      const pt = prev.tokenType;
      if (pt === Newline || pt === Semicolon || pt === LBrace || binaryOperators.has(pt)) continue;
      out.push(t);
      continue;
    }
    if (type === RBrace || type === LBrace || type === elseKw || type === StringLiteral) {
      while (out.length > 0 && out[out.length - 1]!.tokenType === Newline) out.pop();
    }
    out.push(t);
  }
  while (out.length > 0 && out[out.length - 1]!.tokenType === Newline) out.pop();
  return out;
}
