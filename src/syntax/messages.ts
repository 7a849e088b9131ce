import type { IParserErrorMessageProvider, IToken, TokenType } from "chevrotain";
import * as T from "./tokens.js";

/** How a token type is named in syntax errors. */
export function describeTokenType(t: TokenType): string {
  if (t.name.startsWith("Kw_")) return `\`${t.name.slice(3)}\``;
  switch (t) {
    case T.Identifier:
      return "a name";
    case T.Integer:
    case T.HexInteger:
      return "a number";
    case T.Version:
      return "a kernel version";
    case T.CommitId:
      return "a commit id";
    case T.StringLiteral:
      return "a string";
    case T.SourcePath:
      return "a source path (mm/rmap.c)";
    case T.Newline:
      return "end of line";
    default: {
      const src =
        t.PATTERN instanceof RegExp ? t.PATTERN.source.replace(/\\/g, "") : String(t.PATTERN);
      return `\`${src}\``;
    }
  }
}

function describeToken(t: IToken): string {
  if (t.tokenType.name === "EOF") return "end of file";
  if (t.tokenType === T.Newline) return "end of line";
  return `\`${t.image}\``;
}

function oneOf(types: TokenType[]): string {
  // A long list that includes names and numbers is an expression.
  if (types.includes(T.Identifier) && types.includes(T.Integer) && new Set(types).size > 4) {
    return "an expression";
  }
  const names = [...new Set(types.map(describeTokenType))];
  if (names.length <= 1) return names[0] ?? "something else";
  return `${names.slice(0, -1).join(", ")} or ${names[names.length - 1]}`;
}

const declarationStart =
  "a declaration (`init`, `thread`, `proc`, `exists`, `expect`, `schedule`, …)";

/** Short, uniform syntax errors: "expected X, found Y". */
export const errorMessages: IParserErrorMessageProvider = {
  // At the top level the parser expects the end of the file where a declaration did not start.
  buildMismatchTokenMessage: ({ expected, actual }) =>
    `expected ${expected.name === "EOF" ? declarationStart : describeTokenType(expected)}, found ${describeToken(actual)}`,
  buildNotAllInputParsedMessage: ({ firstRedundant }) =>
    `unexpected ${describeToken(firstRedundant)}`,
  buildNoViableAltMessage: ({ expectedPathsPerAlt, actual }) => {
    const firsts = expectedPathsPerAlt
      .flat()
      .map((path) => path[0])
      .filter((t): t is TokenType => !!t);
    return `expected ${oneOf(firsts)}, found ${describeToken(actual[0]!)}`;
  },
  buildEarlyExitMessage: ({ expectedIterationPaths, actual }) => {
    const firsts = expectedIterationPaths.map((path) => path[0]).filter((t): t is TokenType => !!t);
    return `expected ${oneOf(firsts)}, found ${describeToken(actual[0]!)}`;
  },
};
