import type { LoadedPrelude } from "../kernel/prelude.js";
import { runScenario, type RunResult } from "../judge/run.js";
import { check } from "../semantics/check.js";
import type { Scenario } from "../semantics/scenario.js";
import { calleesOf } from "../semantics/typecheck.js";
import type * as A from "../syntax/ast.js";
import { parse } from "../syntax/parse.js";
import type { Site } from "./sites.js";
import { preludeWithout } from "./transform.js";
import { searchAll } from "../explore/run.js";

/** A scenario to judge mutants by: parsed once, checked against the real prelude. */
export interface Judge {
  readonly file: string;
  readonly text: string;
  readonly ast: A.TestFile;
  readonly scenario: Scenario;
  /** The prelude procs its threads reach ({@link preludeProcsReached}). */
  readonly reaches: ReadonlySet<string>;
}

/** Why a scenario judges no mutant. */
export interface Skipped {
  readonly file: string;
  readonly reason: string;
}

/**
 * The scenarios that can judge mutants: those that check, have a `never` expectation, and hold
 * it on the real prelude (a Never that already fails would "catch" every site).
 */
export async function judgesOf(
  sources: readonly { readonly file: string; readonly text: string }[],
  prelude: LoadedPrelude,
  limits: MutateLimits,
  { baseline = true }: { readonly baseline?: boolean } = {},
): Promise<{ judges: Judge[]; skipped: Skipped[] }> {
  const judges: Judge[] = [];
  const skipped: Skipped[] = [];
  for (const { file, text } of sources) {
    const parsed = parse(text, file);
    const checked = parsed.ast && check(parsed.ast, text, file, prelude);
    if (parsed.ast === undefined || checked?.scenario === undefined) {
      skipped.push({ file, reason: "does not check (run `tlbl check`)" });
      continue;
    }
    if (neverOnly(checked.scenario) === undefined) {
      skipped.push({ file, reason: "no `never` expectation" });
      continue;
    }
    const j: Judge = {
      file,
      text,
      ast: parsed.ast,
      scenario: checked.scenario,
      reaches: preludeProcsReached(checked.scenario, prelude),
    };
    if (!baseline) {
      judges.push(j);
      continue;
    }
    const base = await judgeNever(j, prelude, limits);
    const bad = base.error ?? base.results.find((r) => r.ok !== true)?.kernel;
    if (bad !== undefined) {
      skipped.push({
        file,
        reason: base.error ?? `its \`never\` on ${bad} does not hold on the real prelude`,
      });
      continue;
    }
    judges.push(j);
  }
  return { judges, skipped };
}

/** The limits of one run of one scenario on a mutant (a mutant may blow a search up). */
export interface MutateLimits {
  readonly timeoutMs?: number;
  readonly maxStates?: number;
}

/** A `never` expectation that fails on the mutant: the mutant brought its race back. */
export interface Catch {
  readonly scenario: string;
  readonly kernel: string;
  readonly fixOverrides: readonly string[];
  /** The witness as a schedule `tlbl run --schedule` accepts. */
  readonly schedule: string | undefined;
}

/** A run that could not say: a search stopped at a limit, or the mutant broke the model. */
export interface Open {
  readonly scenario: string;
  readonly kernel: string | undefined;
  readonly reason: string;
}

export type SiteStatus = "caught" | "survives" | "open" | "unreached";

export interface SiteResult {
  readonly site: Site;
  /** caught: some scenario's Never fails without it; survives: every scenario that reaches it
   * still holds; open: none fails but some run could not answer; unreached: no scenario
   * with a `never` expectation calls its procs. */
  readonly status: SiteStatus;
  /** The scenarios whose threads reach the site's procs (and have a `never` expectation). */
  readonly reachedBy: readonly string[];
  readonly catches: readonly Catch[];
  readonly open: readonly Open[];
  readonly timeMs: number;
}

/** The scenario with only its `never` expectations: the runs a mutant is judged on. */
export function neverOnly(s: Scenario): Scenario | undefined {
  const expects = s.expects.filter((e) => e.verdict === "never");
  return expects.length === 0 ? undefined : { ...s, expects };
}

/**
 * The prelude procs a scenario's threads and after block reach, transitively; a user thread's
 * loads and stores reach the fault handler. A proc the scenario overrides is not the prelude's.
 */
export function preludeProcsReached(s: Scenario, prelude: LoadedPrelude): Set<string> {
  const out = new Set<string>();
  const visit = (name: string): void => {
    const def = s.procs.get(name);
    if (def === undefined || out.has(name)) return;
    if (prelude.sources.has(def.file)) out.add(name);
    for (const c of calleesOf(def.decl.body, s.procs)) visit(c);
  };
  const roots = [...s.threads.map((t) => t.decl.body), ...(s.after ? [s.after.body] : [])];
  for (const b of roots) for (const c of calleesOf(b, s.procs)) visit(c);
  if (s.threads.some((t) => !t.isKernel)) visit("__do_page_fault");
  return out;
}

const request = (limits: MutateLimits) => ({
  ...searchAll,
  timeoutMs: limits.timeoutMs,
  maxStates: limits.maxStates,
});

/** Judges a scenario's `never` expectations on the given prelude (the real one, or a mutant). */
export async function judgeNever(
  j: Judge,
  prelude: LoadedPrelude,
  limits: MutateLimits,
): Promise<{ results: readonly RunResult[]; error: string | undefined }> {
  const checked = check(j.ast, j.text, j.file, prelude);
  if (checked.scenario === undefined)
    return {
      results: [],
      error: `does not check: ${checked.diagnostics[0]?.message ?? "unknown error"}`,
    };
  const s = neverOnly(checked.scenario);
  if (s === undefined) return { results: [], error: undefined };
  let out;
  try {
    out = await runScenario(s, request(limits));
  } catch (e) {
    // A mutant the model cannot build is an open site, not the end of the whole mutation run.
    return { results: [], error: `the model cannot run it: ${(e as Error).message}` };
  }
  const error =
    out.modelError ?? (out.diagnostics.length ? out.diagnostics[0]!.message : undefined);
  return { results: out.results, error };
}

/** Builds the prelude without `site` and judges every scenario that reaches it. */
export async function mutateSite(
  site: Site,
  judges: readonly Judge[],
  limits: MutateLimits,
): Promise<SiteResult> {
  const started = Date.now();
  const reachedBy = judges.filter((j) => site.procs.some((p) => j.reaches.has(p)));
  const catches: Catch[] = [];
  const open: Open[] = [];
  if (reachedBy.length > 0) {
    const mutant = preludeWithout(site);
    if (mutant.diagnostics.length > 0)
      open.push({
        scenario: "(prelude)",
        kernel: undefined,
        reason: `the prelude without it does not check: ${mutant.diagnostics[0]!.message}`,
      });
    else
      for (const j of reachedBy) {
        const { results, error } = await judgeNever(j, mutant, limits);
        if (error !== undefined) open.push({ scenario: j.file, kernel: undefined, reason: error });
        for (const r of results) {
          if (r.ok === false)
            catches.push({
              scenario: j.file,
              kernel: r.kernel,
              fixOverrides: r.fixOverrides,
              schedule: r.schedule,
            });
          else if (r.ok === undefined)
            open.push({
              scenario: j.file,
              kernel: r.kernel,
              reason: r.stopReason ?? "no answer",
            });
        }
      }
  }
  const status: SiteStatus =
    reachedBy.length === 0
      ? "unreached"
      : catches.length > 0
        ? "caught"
        : open.length > 0
          ? "open"
          : "survives";
  return {
    site,
    status,
    reachedBy: reachedBy.map((j) => j.file),
    catches,
    open,
    timeMs: Date.now() - started,
  };
}
