import type { IToken } from "chevrotain";
import * as T from "./tokens.js";
import { binaryOperators } from "./lexer.js";

/**
 * The parser, the checker and the formatter walk the tree recursively, so its depth is bounded
 * before parsing: brackets and braces, runs of unary operators and `else if` chains nest at most
 * `maxNesting` deep, and a statement or condition holds at most `maxOperators` binary operators
 * (a left-deep chain). Far beyond any real scenario, far below the stack's limit.
 */
export const maxNesting = 100;
export const maxOperators = 1000;

export interface TooDeep {
  readonly token: IToken;
  readonly message: string;
}

interface Frame {
  elseIfs: number;
  operators: number;
}

/** The first token past either bound, if any; one pass over the tokens. */
export function tooDeep(tokens: readonly IToken[]): TooDeep | undefined {
  const frames: Frame[] = [{ elseIfs: 0, operators: 0 }];
  let elseIfs = 0;
  let operators = 0;
  let unaryRun = 0;
  const elseKw = T.Keyword["else"];
  const ifKw = T.Keyword["if"];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const type = t.tokenType;
    const top = frames[frames.length - 1]!;
    if (type === T.LParen || type === T.LBracket || type === T.LBrace) {
      frames.push({ elseIfs: 0, operators: 0 });
    } else if (type === T.RParen || type === T.RBracket || type === T.RBrace) {
      if (frames.length > 1) {
        elseIfs -= top.elseIfs;
        operators -= top.operators;
        frames.pop();
      }
    } else if (type === T.Newline || type === T.Semicolon) {
      elseIfs -= top.elseIfs;
      operators -= top.operators;
      top.elseIfs = 0;
      top.operators = 0;
    } else if (type === elseKw && tokens[i + 1]?.tokenType === ifKw) {
      top.elseIfs++;
      elseIfs++;
    } else if (binaryOperators.has(type)) {
      top.operators++;
      operators++;
    }
    const prev = tokens[i - 1]?.tokenType;
    const unary = type === T.Bang || type === T.Minus || type === T.Tilde;
    unaryRun =
      unary && (prev === T.Bang || prev === T.Minus || prev === T.Tilde) ? unaryRun + 1 : 0;
    if (frames.length - 1 + elseIfs + unaryRun > maxNesting)
      return { token: t, message: `nesting too deep: more than ${maxNesting} levels` };
    if (operators > maxOperators)
      return { token: t, message: `expression too long: more than ${maxOperators} operators` };
  }
  return undefined;
}
