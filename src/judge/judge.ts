import type { Machine } from "../model/machine.js";
import type { Quantifier, Verdict } from "../syntax/ast.js";

/** The final states an exploration found: how many, and on which side of the condition. */
export interface Tally {
  readonly finals: number;
  /** Final states where the condition's proposition holds / does not hold. */
  readonly positive: number;
  readonly negative: number;
  /** Every reachable final state was found: no limit stopped the search, no shard is missing. */
  readonly complete: boolean;
}

/** herd7's answer for one scenario on one kernel configuration, and the file's expectation. */
export interface Judgement {
  /**
   * The condition's proposition over the final states: sometimes, always or never. Undefined
   * when nothing settles it: no final state found (or nothing is judged: no condition and no
   * monitors), or an incomplete exploration whose finds leave it open (see {@link judge}).
   */
  readonly verdict: Verdict | undefined;
  /**
   * An incomplete exploration's Sometimes that rests on a positive final state alone: some
   * execution satisfies the proposition, but no negative one was found, so Always is not excluded.
   */
  readonly alwaysNotExcluded: boolean;
  /** herd7's Ok/No: the quantified condition holds. Undefined when the answer cannot tell. */
  readonly conditionOk: boolean | undefined;
  readonly expected: Verdict | undefined;
  /** The expectation holds (true) or fails (false); undefined when there is none or the answer cannot tell. */
  readonly ok: boolean | undefined;
  readonly complete: boolean;
}

/** The condition's quantifier; a scenario without one asks whether some monitor fired. */
export function quantifierOf(m: Machine): Quantifier | undefined {
  return m.scenario.condition?.quantifier ?? (m.program.monitors ? "exists" : undefined);
}

/**
 * Judges a tally against the condition's quantifier and the expected verdict.
 *
 * The rule for an incomplete exploration (a limit stopped it, or a shard is missing): the final
 * states it found are real, but more of either kind may still exist. So it claims only what every
 * completion of it would answer, which is what a witness or a counterexample in hand proves:
 * `exists` holds once a positive final state is found; `~exists` fails once a positive one is,
 * `forall` once a negative one is; an expected `never` fails once a positive one is found,
 * `always` once a negative one is, and `sometimes` holds once one of each is.
 *
 * The verdict of an incomplete exploration is Sometimes once one of each kind is found. For
 * `exists` and `~exists`, whose question is whether a positive final state exists, one positive
 * final state earns Sometimes (and an expected `sometimes`) on its own: that execution is real.
 * It is flagged `alwaysNotExcluded` when no negative one is in hand. Anything else is undecided
 * (undefined), and a reporter says so; it never reports the Never or Always of a partial count.
 */
export function judge(
  quantifier: Quantifier | undefined,
  expected: Verdict | undefined,
  t: Tally,
): Judgement {
  const verdictAt = (positive: number, negative: number): Verdict | undefined =>
    positive + negative > 0 && quantifier !== undefined ? verdictOf(positive, negative) : undefined;
  const witnessed =
    !t.complete && t.positive > 0 && (quantifier === "exists" || quantifier === "~exists");
  const verdict = settled(t, verdictAt) ?? (witnessed ? "sometimes" : undefined);
  const ok =
    expected === undefined
      ? undefined
      : (settled(t, (p, n) => verdictAt(p, n) === expected) ??
        (witnessed && expected === "sometimes" ? true : undefined));
  return {
    verdict,
    alwaysNotExcluded: witnessed && t.negative === 0,
    conditionOk: settled(t, (p, n) =>
      verdictAt(p, n) === undefined ? undefined : conditionHolds(quantifier!, p, n),
    ),
    expected,
    ok,
    complete: t.complete,
  };
}

/**
 * The answer a tally settles: on a complete one, the answer at its counts; on an incomplete one,
 * that answer only when it stays the same with one more final state of either kind or both.
 * Every answer here depends only on which kinds of final state exist, so those completions stand
 * for all of them.
 */
function settled<T>(t: Tally, answer: (positive: number, negative: number) => T): T | undefined {
  const now = answer(t.positive, t.negative);
  if (t.complete) return now;
  const agrees =
    answer(t.positive + 1, t.negative) === now &&
    answer(t.positive, t.negative + 1) === now &&
    answer(t.positive + 1, t.negative + 1) === now;
  return agrees ? now : undefined;
}

/** herd7's verdict: some final states satisfy the proposition and some not, all, or none. */
function verdictOf(positive: number, negative: number): Verdict {
  if (positive === 0) return "never";
  return negative === 0 ? "always" : "sometimes";
}

function conditionHolds(q: Quantifier, positive: number, negative: number): boolean {
  switch (q) {
    case "exists":
      return positive > 0;
    case "~exists":
      return positive === 0;
    case "forall":
      return negative === 0;
  }
}

/**
 * Does a judgement leave its question open: the exploration is incomplete and settles neither
 * the expectation nor, without one, the verdict? (`tlbl run` and `tlbl merge` exit with
 * "incomplete" then.)
 */
export function undecided(j: Judgement): boolean {
  return !j.complete && (j.expected === undefined ? j.verdict === undefined : j.ok === undefined);
}
