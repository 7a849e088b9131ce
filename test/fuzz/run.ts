import { readFileSync } from "node:fs";
import { join } from "node:path";
import { preludeFiles, root, scenarioFiles } from "../helpers.js";
import type { ModelReply, ModelRunner } from "./model.js";
import { examine, type Failure } from "./oracle.js";
import { excerpt, generateProgram, insertComments, mutate, Rng } from "./generate.js";
import { editScenario, generateScenario } from "./scenario-gen.js";

const sources = {
  scenarios: scenarioFiles().map((f) => readFileSync(join(root, f), "utf8")),
  prelude: preludeFiles().map((f) => readFileSync(join(root, f), "utf8")),
};

/**
 * The input of one seed: a generated program (with comments at random token boundaries, or
 * not), a mutation of a few declarations of a library scenario or of the prelude, a scenario
 * generated from the prelude's signatures, or an edited whole library scenario (the last two
 * mostly check, so the model runs on them). Small, so that ten thousand fit in `npm test`.
 */
export function input(seed: number): string {
  const r = new Rng(seed);
  switch (r.int(9)) {
    case 0:
      return generateProgram(r);
    case 1:
    case 2:
      return insertComments(r, generateProgram(r), 1 + r.int(4));
    case 3:
      return mutate(r, excerpt(r, r.pick(sources.scenarios), 3));
    case 4:
      return insertComments(r, excerpt(r, r.pick(sources.scenarios), 3), 1 + r.int(3));
    case 5: {
      const text = excerpt(r, r.pick(sources.prelude), 2);
      return r.chance(0.5) ? insertComments(r, text, 1 + r.int(3)) : mutate(r, text);
    }
    // Inputs that mostly check, for the model stage.
    case 6: {
      const text = generateScenario(r);
      return r.chance(0.3) ? insertComments(r, text, 1 + r.int(3)) : text;
    }
    default: {
      let text = r.pick(sources.scenarios);
      for (let n = 1 + r.int(3); n > 0; n--) text = editScenario(r, text);
      return r.chance(0.2) ? insertComments(r, text, 1 + r.int(2)) : text;
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
  /** Inputs the checker passed. */
  readonly checked: number;
  /** Inputs run through the model (`runScenario`, small limits). */
  readonly modelled: number;
  /** Of those, how many stopped cleanly at a model-size limit (exit 5 in `tlbl run`). */
  readonly modelLimits: number;
  /** Of those, how many explored states (not stopped before the search by a limit). */
  readonly explored: number;
  readonly failures: readonly FuzzFailure[];
}

export interface FuzzOptions {
  /** Seeds `first`…`first + count - 1`. */
  readonly first: number;
  readonly count: number;
  /** Check every input (1), or every n-th (the checker is the slowest stage but one). */
  readonly checkEvery?: number;
  /**
   * Run the model on every n-th input that checks (1: all of them), through `model`; none
   * without a runner. The model is the slowest stage by far.
   */
  readonly modelEvery?: number;
  readonly model?: ModelRunner;
  /** An input that takes longer is a failure ("slow"): a hang, or worse than linear. */
  readonly slowMs?: number;
  readonly onFailure?: (f: FuzzFailure) => void;
}

/** Examines the inputs of a range of seeds. */
export async function fuzz(o: FuzzOptions): Promise<FuzzSummary> {
  const failures: FuzzFailure[] = [];
  let parsed = 0;
  let checked = 0;
  let modelled = 0;
  let modelLimits = 0;
  let explored = 0;
  await examine(input(0)); // load the prelude and prettier before timing anything
  for (let seed = o.first; seed < o.first + o.count; seed++) {
    const text = input(seed);
    const check = (seed - o.first) % (o.checkEvery ?? 1) === 0;
    const r = await examine(text, { check, slowMs: o.slowMs });
    if (r.parsed) parsed++;
    let failure = r.failure;
    if (r.checked) {
      checked++;
      if (failure === undefined && o.model && (checked - 1) % (o.modelEvery ?? 1) === 0) {
        modelled++;
        const m = await o.model.run(text);
        if (m.kind === "model-limit") modelLimits++;
        if (m.kind === "ran" && m.states > 0) explored++;
        failure = modelFailure(m);
      }
    }
    if (failure !== undefined) {
      const f = { ...failure, seed, input: text };
      failures.push(f);
      o.onFailure?.(f);
    }
  }
  return { inputs: o.count, parsed, checked, modelled, modelLimits, explored, failures };
}

function modelFailure(m: ModelReply): Failure | undefined {
  switch (m.kind) {
    case "crash":
      return { kind: "model-crash", detail: m.detail };
    case "hang":
      return { kind: "model-hang", detail: m.detail };
    case "memory":
      return { kind: "model-memory", detail: m.detail };
    default:
      return undefined;
  }
}

/** Does a text fail the way `kind` names? (The model runs only for the model's kinds.) */
export function failsAs(
  kind: Failure["kind"],
  model?: ModelRunner,
): (text: string) => Promise<boolean> {
  return async (text) => {
    const r = await examine(text);
    if (!kind.startsWith("model-")) return r.failure?.kind === kind;
    if (r.failure !== undefined || !r.checked || model === undefined) return false;
    return modelFailure(await model.run(text))?.kind === kind;
  };
}

/**
 * Delta debugging (ddmin's complement steps): drops chunks of lines, then of tokens (the
 * blanks after a token go with it), halving the chunk size, while `fails` still holds; stops
 * early when `budgetMs` is spent (a hang costs the wall bound per try).
 */
export async function minimise(
  text: string,
  fails: (text: string) => Promise<boolean>,
  budgetMs = 120_000,
): Promise<string> {
  const deadline = performance.now() + budgetMs;
  let best = text;
  const splits: ((t: string) => string[])[] = [
    (t) => t.split(/(?<=\n)/),
    (t) => t.match(/[A-Za-z0-9_.]+\s*|"(?:[^"\\\n]|\\.)*"?\s*|\s+|[^]\s*/g) ?? [],
  ];
  for (const split of splits) {
    let parts = split(best);
    for (let chunk = Math.max(1, parts.length >> 1); chunk >= 1; chunk >>= 1) {
      for (let i = 0; i < parts.length && performance.now() < deadline; ) {
        const candidate = [...parts.slice(0, i), ...parts.slice(i + chunk)];
        if (candidate.length > 0 && (await fails(candidate.join("")))) parts = candidate;
        else i += chunk;
      }
    }
    best = parts.join("");
  }
  return best;
}
