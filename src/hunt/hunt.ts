import { createHash } from "node:crypto";
import { checkText } from "../kernel/load.js";
import { loadPrelude } from "../kernel/prelude.js";
import { runScenario, type RunResult } from "../judge/run.js";
import { compareReleases } from "../semantics/kernel-versions.js";
import type { FixDef } from "../semantics/scenario.js";
import { scenarioText } from "./text.js";
import { ops, type Candidate } from "./vocabulary.js";
import { searchAll } from "../explore/run.js";
import { lower } from "../semantics/lower.js";
import { universeOf } from "../semantics/universe.js";
import { fixesFor } from "../semantics/kernel-versions.js";
import { fidelityOf, follows } from "../semantics/fidelity.js";

/** The releases to hunt on and the limits of each run. */
export interface HuntLimits {
  readonly releases: readonly string[];
  readonly timeoutMs?: number;
  readonly maxStates?: number;
  /** Ends the run under way as a limit would (Ctrl-C). */
  readonly signal?: AbortSignal;
}

/** A monitor that fired on a release, with the witness's schedule. */
export interface Firing {
  readonly release: string;
  readonly monitors: readonly string[];
  readonly schedule: string | undefined;
}

/** What one run of a candidate on one release said. */
export type Tried =
  | { readonly kind: "fired"; readonly firing: Firing }
  | { readonly kind: "quiet" }
  | { readonly kind: "open"; readonly reason: string };

/** A minimised, classified race, ready to be written as a scenario. */
export interface Finding {
  /** The witness's shape: the de-duplication key (see {@link shapeOf}). */
  readonly shape: string;
  /** A short hash of the shape: the finding's file name. */
  readonly id: string;
  readonly from: number | undefined;
  readonly candidate: Candidate;
  readonly release: string;
  readonly monitor: string;
  readonly schedule: string | undefined;
  /** The modelled fix that alone turns it Never on its release, or none: a candidate. */
  readonly fix: FixDef | undefined;
  /**
   * The later fixes that alone turn it Never too, oldest first (a race two commits closed each
   * on its own: a page's PageAnonExclusive flush under the PTL (6c287605fd56), then the same
   * flush for every page (60bae7370896)); empty without `fix`.
   */
  readonly alsoAlone: readonly FixDef[];
  /**
   * With no such fix: the fewest modelled fixes that turn it Never together (a race whose fix
   * took two commits), oldest first; undefined when even all of them do not.
   */
  readonly together: readonly FixDef[] | undefined;
  /** The finding as a ready-to-run .tlb file. */
  readonly text: string;
}

/** A fix map that notes which fixes lowering looked at, and what it found. */
class Consulted extends Map<string, boolean> {
  readonly read = new Map<string, boolean | undefined>();
  override get(commit: string): boolean | undefined {
    const on = super.get(commit);
    this.read.set(commit, on);
    return on;
  }
}

/**
 * A hunt's runs, remembered by the program they run. Lowering folds `fixed(…)` away and reads
 * nothing else of the release (judge/run.ts: the release names the run and its fidelity
 * warnings), so a candidate's program on a release, with fixes turned on, is a function of the
 * fixes lowering looked at: two runs whose scenario text and looked-at fixes agree explore the
 * same machine. So the same small scenario met again by another candidate's minimisation, a
 * release whose looked-at fixes equal another's, and a fix turned on that the program never
 * looks at, cost one lowering, not a search. One per hunt (or per worker): it only grows.
 */
export class Trials {
  private readonly seen = new Map<string, Tried>();
  constructor(readonly limits: HuntLimits) {}

  /** How many runs were answered from memory, and how many searched. */
  hits = 0;
  searches = 0;

  /** Runs a candidate on one release (with fixes turned on), the monitors judging. */
  async tryOn(c: Candidate, release: string, fixesOn: readonly string[] = []): Promise<Tried> {
    const text = scenarioText(c, "candidate");
    const loaded = checkText(text, "candidate.tlb");
    if (loaded.scenario === undefined)
      return { kind: "open", reason: `does not check: ${loaded.diagnostics[0]?.message ?? ""}` };
    const s = loaded.scenario;
    const fixes = new Consulted(
      fixesFor(
        release,
        s.fixes.values(),
        fixesOn.map((commit) => ({ commit, enabled: true })),
      ),
    );
    lower(s, universeOf(s), { release, fixes });
    const key = `${text}\0${[...fixes.read].map(([k, v]) => `${k}=${v}`).join(" ")}`;
    const known = this.seen.get(key);
    if (known !== undefined) {
      this.hits++;
      return known.kind === "fired"
        ? { kind: "fired", firing: { ...known.firing, release } }
        : known;
    }
    this.searches++;
    const t = await this.search(s, release, fixesOn);
    // An interrupted run says nothing about the program.
    if (!this.limits.signal?.aborted) this.seen.set(key, t);
    return t;
  }

  private async search(
    s: NonNullable<ReturnType<typeof checkText>["scenario"]>,
    release: string,
    fixesOn: readonly string[],
  ): Promise<Tried> {
    const { limits } = this;
    const out = await runScenario(s, {
      ...searchAll,
      kernels: [release],
      fixes: fixesOn.map((commit) => ({ commit, enabled: true })),
      timeoutMs: limits.timeoutMs,
      maxStates: limits.maxStates,
      signal: limits.signal,
    });
    if (out.modelError !== undefined) return { kind: "open", reason: out.modelError };
    const r: RunResult | undefined = out.results[0];
    if (r === undefined) {
      // A limit can stop the run while its machine is built: that is the limit's open.
      const why = out.stopped?.[0]?.reason ?? out.diagnostics[0]?.message ?? "no run";
      return { kind: "open", reason: why };
    }
    const fired = Object.entries(r.monitors ?? {})
      .filter(([, n]) => n > 0)
      .map(([m]) => m);
    if (fired.length > 0)
      return { kind: "fired", firing: { release, monitors: fired, schedule: r.schedule } };
    return r.complete ? { kind: "quiet" } : { kind: "open", reason: r.stopReason ?? "incomplete" };
  }
}

const opNamed = new Map(ops.map((o) => [o.name, o]));

/**
 * The releases among `releases` a candidate runs on: those where the prelude models each of its
 * steps (the release is in the `follows` range of the step's proc). A step outside its proc's
 * range would be a syscall the release lacks (MADV_FREE before 4.5, uffd-wp before 5.7) or C
 * the proc was not compared with: a firing there would say nothing about that kernel.
 */
export function releasesOf(c: Candidate, releases: readonly string[]): string[] {
  const procs = loadPrelude().procs;
  const ranges = [...new Set(c.threads.flatMap((t) => t.map((s) => opNamed.get(s.op)?.proc)))]
    .flatMap((p) => (p === undefined ? [] : [procs.get(p)]))
    .flatMap((def) => (def === undefined ? [] : [fidelityOf(def.decl)]));
  return releases.filter((r) => ranges.every((f) => follows(f, r)));
}

/** The pages a candidate's steps need (KSM merges two). */
function pagesNeeded(c: Candidate): number {
  return Math.max(1, ...c.threads.flatMap((t) => t.map((s) => opNamed.get(s.op)?.pages ?? 1)));
}

/** The smaller candidates one step away: a thread, a step or a page fewer. */
function smaller(c: Candidate): Candidate[] {
  const out: Candidate[] = [];
  const n = c.threads.length;
  for (let t = 0; t < n && n > 1; t++)
    out.push({ ...c, threads: c.threads.filter((_, i) => i !== t) });
  c.threads.forEach((steps, t) => {
    if (steps.length < 2) return;
    for (let s = 0; s < steps.length; s++)
      out.push({
        ...c,
        threads: c.threads.map((x, i) => (i === t ? x.filter((_, j) => j !== s) : x)),
      });
  });
  if (c.pages > 1 && pagesNeeded(c) < 2)
    out.push({
      ...c,
      pages: 1,
      threads: c.threads.map((x) => x.map((s) => ({ ...s, page: 0 }))),
    });
  if (c.populated) out.push({ ...c, populated: false });
  return out.map((x) => ({ ...x, index: undefined }));
}

/**
 * The smallest candidate found by greedy steps (fewest threads, then steps, then pages) that
 * still makes `monitor` fire on `release`, with its firing.
 */
export async function minimise(
  c: Candidate,
  firing: Firing,
  monitor: string,
  trials: Trials,
): Promise<{ candidate: Candidate; firing: Firing }> {
  let best = { candidate: c, firing };
  for (let changed = true; changed; ) {
    changed = false;
    for (const s of smaller(best.candidate)) {
      const t = await trials.tryOn(s, firing.release);
      if (t.kind === "fired" && t.firing.monitors.includes(monitor)) {
        best = { candidate: s, firing: t.firing };
        changed = true;
        break;
      }
    }
  }
  return best;
}

/**
 * The modelled fix that alone turns the race Never on its release: each fix the release lacks,
 * oldest first, turned on by itself; the first with no monitor firing and a complete search.
 * (A fix the program never looks at costs no search: Trials knows the run.)
 */
export async function classify(
  c: Candidate,
  release: string,
  trials: Trials,
): Promise<FixDef | undefined> {
  return (await fixesAlone(c, release, trials, true))[0];
}

/**
 * Every fix the release lacks that alone turns the race Never, oldest first (`first`: stop at
 * the first). Each fix the program never looks at costs a lowering, not a search.
 */
export async function fixesAlone(
  c: Candidate,
  release: string,
  trials: Trials,
  first = false,
): Promise<FixDef[]> {
  const later = [...loadPrelude().fixes.values()]
    .filter((f) => compareReleases(f.release, release) > 0)
    .sort((a, b) => compareReleases(a.release, b.release));
  const out: FixDef[] = [];
  for (const f of later)
    if ((await trials.tryOn(c, release, [f.commit])).kind === "quiet") {
      out.push(f);
      if (first) break;
    }
  return out;
}

/**
 * When no fix alone turns the race Never: the fixes that do together. The fixes the release lacks
 * are turned on oldest first, one more each time, until no monitor fires (a complete search);
 * then each of them but the last is left out again when the others still do without it. So a
 * race closed only by two commits (a flush moved under the PTL, then the rmap removal moved
 * after it) is named by both. Undefined when even all of them together leave it firing.
 */
export async function classifyTogether(
  c: Candidate,
  release: string,
  trials: Trials,
): Promise<FixDef[] | undefined> {
  const later = [...loadPrelude().fixes.values()]
    .filter((f) => compareReleases(f.release, release) > 0)
    .sort((a, b) => compareReleases(a.release, b.release));
  const quiet = async (fs: readonly FixDef[]): Promise<boolean> =>
    (
      await trials.tryOn(
        c,
        release,
        fs.map((f) => f.commit),
      )
    ).kind === "quiet";
  let n = 2;
  while (n <= later.length && !(await quiet(later.slice(0, n)))) n++;
  if (n > later.length) return undefined;
  let on: FixDef[] = later.slice(0, n);
  for (let i = on.length - 2; i >= 0; i--) {
    const without: FixDef[] = on.filter((_, j) => j !== i);
    if (await quiet(without)) on = without;
  }
  return on;
}

/**
 * The de-duplication key: the monitor, the region's kind, each thread's steps (threads in any
 * order) and the fix that classifies it. Two candidates that minimise to the same steps and
 * are stopped by the same fix are one race.
 */
export function shapeOf(
  c: Candidate,
  monitor: string,
  fix: FixDef | undefined,
  together?: readonly FixDef[],
): string {
  const threads = c.threads.map((t) => t.map((s) => s.op).join(",")).sort();
  const by = fix?.commit ?? together?.map((f) => f.commit).join("+") ?? "no-fix";
  return `${monitor} ${c.kind} [${threads.join(" | ")}] ${by}`;
}

/** A fix's name as an `expect … with fix` line writes it. */
function commitText(id: string): string {
  return /^[0-9a-f]{7,40}$/.test(id) ? id : JSON.stringify(id);
}

/**
 * Minimises a firing candidate, classifies it, and writes it as a scenario. `start`, when given,
 * is a smaller candidate that fires too (what the same candidate minimised to on another
 * release): minimisation goes on from it.
 */
export async function investigate(
  c: Candidate,
  firing: Firing,
  trials: Trials,
  start?: { candidate: Candidate; firing: Firing },
): Promise<Finding> {
  const monitor = firing.monitors[0]!;
  const from = start ?? { candidate: c, firing };
  const small = await minimise(from.candidate, from.firing, monitor, trials);
  const [fix, ...alsoAlone] = await fixesAlone(small.candidate, firing.release, trials);
  const together = fix
    ? undefined
    : await classifyTogether(small.candidate, firing.release, trials);
  const shape = shapeOf(small.candidate, monitor, fix, together);
  const id = createHash("sha256").update(shape).digest("hex").slice(0, 12);
  const named = (f: FixDef): string => `${f.commit} (${f.release}, "${f.title}")`;
  const what = fix
    ? `modelled fix ${named(fix)} alone turns it Never${alsoAlone.map((f) => `; so does ${named(f)} alone`).join("")}`
    : together
      ? `no modelled fix alone turns it Never; together, ${together.map(named).join(" and ")} do`
      : "no modelled fix turns it Never: a candidate, to read against the C";
  const expects = [`expect kernel ${firing.release} : sometimes`];
  const on = fix ? [fix] : (together ?? []);
  if (on.length > 0)
    expects.push(
      `expect kernel ${firing.release} with ${on.map((f) => `fix ${commitText(f.commit)} on`).join(", ")} : never`,
    );
  for (const f of alsoAlone)
    expects.push(`expect kernel ${firing.release} with fix ${commitText(f.commit)} on : never`);
  const text = scenarioText(small.candidate, `hunt_${id}`, {
    doc: `Found by tlbl hunt${c.index === undefined ? "" : ` (candidate ${c.index})`}: ${monitor} fires on ${firing.release}; ${what}.`,
    condition: `exists (fired(${monitor}))`,
    expects,
    schedule: small.firing.schedule,
  });
  return {
    shape,
    id,
    from: c.index,
    candidate: small.candidate,
    release: firing.release,
    monitor,
    schedule: small.firing.schedule,
    fix,
    alsoAlone,
    together,
    text,
  };
}

/**
 * What a candidate gave on one release: quiet, open, a minimised, classified finding, or not
 * run (`skipped`: the prelude does not model one of its steps on that release).
 */
export type OnRelease =
  | { readonly kind: "quiet" }
  | { readonly kind: "skipped" }
  | { readonly kind: "open"; readonly reason: string }
  | { readonly kind: "found"; readonly finding: Finding };

/** A candidate's runs on every release, and how long they took. */
export interface Ran {
  readonly releases: readonly OnRelease[];
  readonly ms: number;
}

/**
 * Runs a candidate on each release that models its steps (releasesOf()), investigating each
 * firing; a release it is not run on is open, with why. Once a search stops at the timeout, the
 * candidate's later releases are not run (their searches would be as large). On a release where
 * it fires with a monitor it already fired with on an earlier release, minimisation starts from
 * what it minimised to there, when that still fires. Undefined when the signal ended a run: the
 * candidate is not done.
 */
export async function runCandidate(c: Candidate, trials: Trials): Promise<Ran | undefined> {
  const limits = trials.limits;
  const t0 = Date.now();
  const releases: OnRelease[] = [];
  const modelled = new Set(releasesOf(c, limits.releases));
  const small: { monitor: string; candidate: Candidate }[] = [];
  let timedOut: string | undefined;
  for (const release of limits.releases) {
    if (!modelled.has(release)) {
      releases.push({ kind: "skipped" });
      continue;
    }
    if (timedOut !== undefined) {
      releases.push({ kind: "open", reason: `not run on ${release}: timed out on ${timedOut}` });
      continue;
    }
    const t = await trials.tryOn(c, release);
    if (limits.signal?.aborted) return undefined;
    if (t.kind === "open" && t.reason === "timeout") timedOut = release;
    if (t.kind !== "fired") {
      releases.push(t);
      continue;
    }
    const monitor = t.firing.monitors[0]!;
    let start: { candidate: Candidate; firing: Firing } | undefined;
    for (const k of small.filter((x) => x.monitor === monitor)) {
      const again = await trials.tryOn(k.candidate, release);
      if (again.kind === "fired" && again.firing.monitors.includes(monitor)) {
        start = { candidate: k.candidate, firing: again.firing };
        break;
      }
    }
    const finding = await investigate(c, t.firing, trials, start);
    small.push({ monitor, candidate: finding.candidate });
    releases.push({ kind: "found", finding });
  }
  if (limits.signal?.aborted) return undefined;
  return { releases, ms: Date.now() - t0 };
}
