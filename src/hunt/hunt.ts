import { createHash } from "node:crypto";
import { checkText } from "../kernel/load.js";
import { loadPrelude } from "../kernel/prelude.js";
import { runScenario, type RunResult } from "../judge/run.js";
import { compareReleases } from "../semantics/kernel-versions.js";
import type { FixDef } from "../semantics/scenario.js";
import { scenarioText } from "./text.js";
import type { Candidate } from "./vocabulary.js";
import { searchAll } from "../explore/run.js";

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
  /** The finding as a ready-to-run .tlb file. */
  readonly text: string;
}

/** Runs a candidate on one release (with fixes turned on), the monitors judging. */
export async function tryOn(
  c: Candidate,
  release: string,
  limits: HuntLimits,
  fixesOn: readonly string[] = [],
): Promise<Tried> {
  const loaded = checkText(scenarioText(c, "candidate"), "candidate.tlb");
  if (loaded.scenario === undefined)
    return { kind: "open", reason: `does not check: ${loaded.diagnostics[0]?.message ?? ""}` };
  const out = await runScenario(loaded.scenario, {
    ...searchAll,
    kernels: [release],
    fixes: fixesOn.map((commit) => ({ commit, enabled: true })),
    timeoutMs: limits.timeoutMs,
    maxStates: limits.maxStates,
    signal: limits.signal,
  });
  if (out.modelError !== undefined) return { kind: "open", reason: out.modelError };
  const r: RunResult | undefined = out.results[0];
  if (r === undefined) return { kind: "open", reason: out.diagnostics[0]?.message ?? "no run" };
  const fired = Object.entries(r.monitors ?? {})
    .filter(([, n]) => n > 0)
    .map(([m]) => m);
  if (fired.length > 0)
    return { kind: "fired", firing: { release, monitors: fired, schedule: r.schedule } };
  return r.complete ? { kind: "quiet" } : { kind: "open", reason: r.stopReason ?? "incomplete" };
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
  if (c.pages > 1)
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
  limits: HuntLimits,
): Promise<{ candidate: Candidate; firing: Firing }> {
  let best = { candidate: c, firing };
  for (let changed = true; changed; ) {
    changed = false;
    for (const s of smaller(best.candidate)) {
      const t = await tryOn(s, firing.release, limits);
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
 */
export async function classify(
  c: Candidate,
  release: string,
  limits: HuntLimits,
): Promise<FixDef | undefined> {
  const later = [...loadPrelude().fixes.values()]
    .filter((f) => compareReleases(f.release, release) > 0)
    .sort((a, b) => compareReleases(a.release, b.release));
  for (const f of later)
    if ((await tryOn(c, release, limits, [f.commit])).kind === "quiet") return f;
  return undefined;
}

/**
 * The de-duplication key: the monitor, the region's kind, each thread's steps (threads in any
 * order) and the fix that classifies it. Two candidates that minimise to the same steps and
 * are stopped by the same fix are one race.
 */
export function shapeOf(c: Candidate, monitor: string, fix: FixDef | undefined): string {
  const threads = c.threads.map((t) => t.map((s) => s.op).join(",")).sort();
  return `${monitor} ${c.kind} [${threads.join(" | ")}] ${fix?.commit ?? "no-fix"}`;
}

/** A fix's name as an `expect … with fix` line writes it. */
function commitText(id: string): string {
  return /^[0-9a-f]{7,40}$/.test(id) ? id : JSON.stringify(id);
}

/** Minimises a firing candidate, classifies it, and writes it as a scenario. */
export async function investigate(
  c: Candidate,
  firing: Firing,
  limits: HuntLimits,
): Promise<Finding> {
  const monitor = firing.monitors[0]!;
  const small = await minimise(c, firing, monitor, limits);
  const fix = await classify(small.candidate, firing.release, limits);
  const shape = shapeOf(small.candidate, monitor, fix);
  const id = createHash("sha256").update(shape).digest("hex").slice(0, 12);
  const what = fix
    ? `modelled fix ${fix.commit} (${fix.release}, "${fix.title}") alone turns it Never`
    : "no modelled fix turns it Never: a candidate, to read against the C";
  const expects = [`expect kernel ${firing.release} : sometimes`];
  if (fix)
    expects.push(`expect kernel ${firing.release} with fix ${commitText(fix.commit)} on : never`);
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
    text,
  };
}

/** What a candidate gave on one release: quiet, open, or a minimised, classified finding. */
export type OnRelease =
  | { readonly kind: "quiet" }
  | { readonly kind: "open"; readonly reason: string }
  | { readonly kind: "found"; readonly finding: Finding };

/** A candidate's runs on every release, and how long they took. */
export interface Ran {
  readonly releases: readonly OnRelease[];
  readonly ms: number;
}

/**
 * Runs a candidate on each release, investigating each firing. Undefined when the signal ended
 * a run: the candidate is not done.
 */
export async function runCandidate(c: Candidate, limits: HuntLimits): Promise<Ran | undefined> {
  const t0 = Date.now();
  const releases: OnRelease[] = [];
  for (const release of limits.releases) {
    const t = await tryOn(c, release, limits);
    if (limits.signal?.aborted) return undefined;
    releases.push(
      t.kind === "fired" ? { kind: "found", finding: await investigate(c, t.firing, limits) } : t,
    );
  }
  if (limits.signal?.aborted) return undefined;
  return { releases, ms: Date.now() - t0 };
}
