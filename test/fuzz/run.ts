import { readFileSync } from "node:fs";
import { join } from "node:path";
import { preludeFiles, root, scenarioFiles } from "../helpers.js";
import { examine, type Failure } from "./oracle.js";
import { excerpt, generateProgram, insertComments, mutate, Rng } from "./generate.js";

const sources = {
  scenarios: scenarioFiles().map((f) => readFileSync(join(root, f), "utf8")),
  prelude: preludeFiles().map((f) => readFileSync(join(root, f), "utf8")),
};

/**
 * The input of one seed: a generated program (with comments at random token boundaries, or
 * not), or a mutation of a few declarations of a library scenario or of the prelude. Small, so
 * that ten thousand of them fit in `npm test`.
 */
export function input(seed: number): string {
  const r = new Rng(seed);
  switch (r.int(6)) {
    case 0:
      return generateProgram(r);
    case 1:
    case 2:
      return insertComments(r, generateProgram(r), 1 + r.int(4));
    case 3:
      return mutate(r, excerpt(r, r.pick(sources.scenarios), 3));
    case 4:
      return insertComments(r, excerpt(r, r.pick(sources.scenarios), 3), 1 + r.int(3));
    default: {
      const text = excerpt(r, r.pick(sources.prelude), 2);
      return r.chance(0.5) ? insertComments(r, text, 1 + r.int(3)) : mutate(r, text);
    }
  }
}

export interface FuzzFailure extends Failure {
  readonly seed: number;
  readonly input: string;
}

export interface FuzzSummary {
  readonly inputs: number;
  /** Inputs that parsed, so that the formatter ran on them. */
  readonly parsed: number;
  readonly failures: readonly FuzzFailure[];
}

export interface FuzzOptions {
  /** Seeds `first`…`first + count - 1`. */
  readonly first: number;
  readonly count: number;
  /** Check every input (1), or every n-th (the checker is the slowest stage). */
  readonly checkEvery?: number;
  /** An input that takes longer is a failure ("slow"): a hang, or worse than linear. */
  readonly slowMs?: number;
  readonly onFailure?: (f: FuzzFailure) => void;
}

/** Examines the inputs of a range of seeds. */
export async function fuzz(o: FuzzOptions): Promise<FuzzSummary> {
  const failures: FuzzFailure[] = [];
  let parsed = 0;
  await examine(input(0)); // load the prelude and prettier before timing anything
  for (let seed = o.first; seed < o.first + o.count; seed++) {
    const text = input(seed);
    const check = (seed - o.first) % (o.checkEvery ?? 1) === 0;
    const r = await examine(text, { check, slowMs: o.slowMs });
    if (r.parsed) parsed++;
    if (r.failure !== undefined) {
      const f = { ...r.failure, seed, input: text };
      failures.push(f);
      o.onFailure?.(f);
    }
  }
  return { inputs: o.count, parsed, failures };
}

/**
 * A smaller input that fails the same way: drops lines, then single characters, while the
 * failure keeps its kind.
 */
export async function minimise(text: string, kind: Failure["kind"]): Promise<string> {
  const fails = async (t: string): Promise<boolean> => (await examine(t)).failure?.kind === kind;
  let best = text;
  for (const sep of ["\n", ""]) {
    let parts = best.split(sep);
    for (let chunk = Math.max(1, parts.length >> 1); chunk >= 1; chunk >>= 1) {
      for (let i = 0; i < parts.length; ) {
        const candidate = [...parts.slice(0, i), ...parts.slice(i + chunk)];
        if (candidate.length > 0 && (await fails(candidate.join(sep)))) parts = candidate;
        else i += chunk;
      }
    }
    best = parts.join(sep);
  }
  return best;
}
