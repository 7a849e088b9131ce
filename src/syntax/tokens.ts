import { createToken, Lexer, type TokenType } from "chevrotain";
import {
  conditionKeywords,
  constantKeywords,
  controlKeywords,
  declarationKeywords,
  initKeywords,
  verdictKeywords,
} from "./keywords.js";

/** The chevrotain token types. Order in `allTokens` is the lexer's priority order. */

export const WhiteSpace = createToken({
  name: "WhiteSpace",
  pattern: /[ \t\f]+/,
  group: Lexer.SKIPPED,
});
/**
 * A line break is LF, CRLF or a lone CR, as for prettier (which turns every one into LF before
 * formatting) and for LineMap's line numbers: a lone CR ends a `//` comment and a statement.
 */
export const Newline = createToken({ name: "Newline", pattern: /\r\n?|\n/, line_breaks: true });
export const LineComment = createToken({
  name: "LineComment",
  pattern: /\/\/[^\r\n]*/,
  group: "comments",
});
export const BlockComment = createToken({
  name: "BlockComment",
  pattern: /\/\*[\s\S]*?\*\//,
  line_breaks: true,
  group: "comments",
});
/** Reported as E004; never reaches the parser. */
export const UnterminatedComment = createToken({
  name: "UnterminatedComment",
  pattern: /\/\*[\s\S]*/,
  line_breaks: true,
  group: "errors",
});
export const StringLiteral = createToken({
  name: "StringLiteral",
  pattern: /"(?:[^"\\]|\\.)*"/,
  line_breaks: true,
});
export const UnterminatedString = createToken({
  name: "UnterminatedString",
  pattern: /"(?:[^"\\]|\\.)*/,
  line_breaks: true,
  group: "errors",
});

export const Identifier = createToken({ name: "Identifier", pattern: /[A-Za-z_][A-Za-z0-9_]*/ });
/**
 * A kernel source path, `mm/rmap.c`, in a proc's `models` annotation. It needs a `/`, which no
 * other token has, so it comes before the keywords and names without taking any of theirs.
 */
export const SourcePath = createToken({
  name: "SourcePath",
  pattern: /[A-Za-z_][A-Za-z0-9_]*(?:\/[A-Za-z0-9_.-]+)+/,
});
export const Version = createToken({ name: "Version", pattern: /\d+\.\d+(?:\.\d+)?/ });
export const HexInteger = createToken({ name: "HexInteger", pattern: /0[xX][0-9a-fA-F]+/ });
/** A commit id that starts with a digit; ids that start with a letter lex as identifiers. */
export const CommitId = createToken({ name: "CommitId", pattern: /\d[0-9a-f]*[a-f][0-9a-f]*/ });
export const Integer = createToken({ name: "Integer", pattern: /\d+/ });

function keyword(word: string): TokenType {
  return createToken({ name: `Kw_${word}`, pattern: new RegExp(word), longer_alt: Identifier });
}

const keywordList = [
  ...declarationKeywords,
  ...controlKeywords,
  ...initKeywords,
  ...conditionKeywords,
  ...verdictKeywords,
  ...constantKeywords,
];
/** Longest first, so that `for` does not shadow `forall`. */
export const Keyword: Readonly<Record<string, TokenType>> = Object.fromEntries(
  [...keywordList].sort((a, b) => b.length - a.length).map((w) => [w, keyword(w)]),
);
export const kw = (word: (typeof keywordList)[number]): TokenType => Keyword[word]!;

export const Arrow = createToken({ name: "Arrow", pattern: /->/ });
export const DotDot = createToken({ name: "DotDot", pattern: /\.\./ });
export const EqEq = createToken({ name: "EqEq", pattern: /==/ });
export const NotEq = createToken({ name: "NotEq", pattern: /!=/ });
export const LessEq = createToken({ name: "LessEq", pattern: /<=/ });
export const GreaterEq = createToken({ name: "GreaterEq", pattern: /\>=/ });
export const AndAnd = createToken({ name: "AndAnd", pattern: /&&/ });
export const OrOr = createToken({ name: "OrOr", pattern: /\|\|/ });
export const Less = createToken({ name: "Less", pattern: /</ });
export const Greater = createToken({ name: "Greater", pattern: />/ });
export const Bang = createToken({ name: "Bang", pattern: /!/ });
export const Tilde = createToken({ name: "Tilde", pattern: /~/ });
export const Equals = createToken({ name: "Equals", pattern: /=/ });
export const Plus = createToken({ name: "Plus", pattern: /\+/ });
export const Minus = createToken({ name: "Minus", pattern: /-/ });
export const Colon = createToken({ name: "Colon", pattern: /:/ });
export const Comma = createToken({ name: "Comma", pattern: /,/ });
export const Semicolon = createToken({ name: "Semicolon", pattern: /;/ });
export const Dot = createToken({ name: "Dot", pattern: /\./ });
export const LBrace = createToken({ name: "LBrace", pattern: /\{/ });
export const RBrace = createToken({ name: "RBrace", pattern: /\}/ });
export const LParen = createToken({ name: "LParen", pattern: /\(/ });
export const RParen = createToken({ name: "RParen", pattern: /\)/ });
export const LBracket = createToken({ name: "LBracket", pattern: /\[/ });
export const RBracket = createToken({ name: "RBracket", pattern: /\]/ });

export const allTokens: TokenType[] = [
  WhiteSpace,
  Newline,
  LineComment,
  BlockComment,
  UnterminatedComment,
  StringLiteral,
  UnterminatedString,
  Version,
  HexInteger,
  CommitId,
  Integer,
  SourcePath,
  ...Object.values(Keyword),
  Identifier,
  Arrow,
  DotDot,
  EqEq,
  NotEq,
  LessEq,
  GreaterEq,
  AndAnd,
  OrOr,
  Less,
  Greater,
  Bang,
  Tilde,
  Equals,
  Plus,
  Minus,
  Colon,
  Comma,
  Semicolon,
  Dot,
  LBrace,
  RBrace,
  LParen,
  RParen,
  LBracket,
  RBracket,
];
