import { shardLabel, shardLabelForm } from "../judge/shards.js";
import type { FixDef } from "../semantics/scenario.js";
import type { Finding } from "./hunt.js";
import { regionKinds, type RegionKind } from "./vocabulary.js";

/**
 * The results file of `tlbl hunt`: one JSON line per candidate, appended as each is done. A rerun
 * skips the indexes it holds; `tlbl merge` combines the files of a hunt's shards.
 */

/** A finding as the results file records it: enough to combine shards without their folders. */
export interface FindingRecord {
  /** The finding's file name (without `.tlb`), a hash of the shape. */
  readonly id: string;
  readonly shape: string;
  readonly monitor: string;
  readonly kind: RegionKind;
  readonly release: string;
  /** The modelled fix that alone turns it Never; null: a candidate. */
  readonly fix: FixDef | null;
  /** The later fixes that alone turn it Never too (Finding.alsoAlone), if any. */
  readonly alsoAlone?: readonly FixDef[];
  /** With no such fix, the fixes that turn it Never together (Finding.together). */
  readonly together?: readonly FixDef[];
}

export type Outcome = "quiet" | "open" | "finding" | "duplicate";
const outcomes: readonly Outcome[] = ["quiet", "open", "finding", "duplicate"];

/** One line of the results file: a candidate and what it gave. */
export interface ResultLine {
  readonly index: number;
  /** `i/n` of the hunt that ran it (`1/1` without --shard). */
  readonly shard: string;
  /** The vocabulary that generated the candidate (corpusOf()). */
  readonly corpus: string;
  readonly releases: readonly string[];
  readonly outcome: Outcome;
  /** The finding's file id (for finding and duplicate), or why it stayed open. */
  readonly detail?: string;
  /** What each firing minimised to, in the releases' order: new or a duplicate by its shape. */
  readonly findings: readonly FindingRecord[];
  readonly ms: number;
}

export function recordOf(f: Finding): FindingRecord {
  return {
    id: f.id,
    shape: f.shape,
    monitor: f.monitor,
    kind: f.candidate.kind,
    release: f.release,
    fix: f.fix ?? null,
    ...(f.alsoAlone.length ? { alsoAlone: f.alsoAlone } : {}),
    ...(f.together ? { together: f.together } : {}),
  };
}

/** The lines of a results file with their line numbers; a last line cut off by a kill is left out. */
function linesOf(text: string): { line: number; json: string }[] {
  const lines = text.split("\n");
  // A line is written whole with its newline: one without it is a candidate a kill cut off.
  const cut = lines.pop();
  const out = lines.map((json, i) => ({ line: i + 1, json }));
  if (cut !== undefined && cut.trim() !== "" && isJson(cut))
    out.push({ line: lines.length + 1, json: cut });
  return out.filter((l) => l.json.trim() !== "");
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** What a rerun needs from a results file: the indexes done, and whose corpus they are. */
export interface Resumed {
  readonly done: ReadonlySet<number>;
  /** The ids of the findings it wrote. */
  readonly ids: ReadonlySet<string>;
  /** Each corpus and release list (`4.8,6.1`) its lines were run with, and a line of each. */
  readonly corpora: ReadonlyMap<string, number>;
  readonly releases: ReadonlyMap<string, number>;
}

export function resumed(text: string): Resumed {
  const done = new Set<number>();
  const ids = new Set<string>();
  const corpora = new Map<string, number>();
  const releases = new Map<string, number>();
  for (const { line, json } of linesOf(text)) {
    let r: Partial<ResultLine>;
    try {
      r = JSON.parse(json) as Partial<ResultLine>;
    } catch {
      continue; // not a result: the candidate runs again
    }
    if (typeof r.index !== "number") continue;
    done.add(r.index);
    if (r.outcome === "finding" && r.detail) ids.add(r.detail);
    if (!corpora.has(String(r.corpus))) corpora.set(String(r.corpus), line);
    const key = releasesKey(r.releases ?? []);
    if (!releases.has(key)) releases.set(key, line);
  }
  return { done, ids, corpora, releases };
}

/** A release list as one string, in any order: `-k 6.1 -k 4.8` hunts as `-k 4.8 -k 6.1` does. */
export function releasesKey(releases: readonly string[]): string {
  return [...releases].sort().join(",");
}

/**
 * Why a rerun with `corpus` on `releases` must not resume this results file: its indexes name
 * other candidates, or were run on other releases. Empty when it may.
 */
export function resumeProblems(
  file: string,
  r: Resumed,
  corpus: string,
  releases: readonly string[],
): string[] {
  const problems: string[] = [];
  for (const [c, line] of r.corpora)
    if (c !== corpus)
      problems.push(
        c === "undefined"
          ? `${file}:${line}: a result with no corpus (written by an older tlbl): start another results file`
          : `${file}:${line}: results of another corpus (${c}, not ${corpus}): start another results file, or hunt with the options that made it`,
      );
  const key = releasesKey(releases);
  for (const [k, line] of r.releases)
    if (k !== key)
      problems.push(
        `${file}:${line}: results hunted on ${k || "no release"}, not ${key}: start another results file`,
      );
  return problems;
}

/** Whether a file's text looks like a hunt's results (its first line is a result line). */
export function isResultsText(text: string): boolean {
  const first = text.split("\n").find((l) => l.trim() !== "");
  if (first === undefined) return false;
  try {
    const o = JSON.parse(first) as unknown;
    return o !== null && typeof o === "object" && "index" in o && "outcome" in o;
  } catch {
    return false;
  }
}

/** A results file's lines, each checked, with the line it came from. */
export interface ParsedResults {
  readonly file: string;
  readonly lines: readonly (ResultLine & { readonly line: number })[];
}

const shownPerFile = 5;

/** Parses and checks a results file; each problem is `file:line: error: …`. */
export function parseResults(
  file: string,
  text: string,
): { results: ParsedResults; problems: string[] } {
  const problems: string[] = [];
  const lines: (ResultLine & { line: number })[] = [];
  for (const { line, json } of linesOf(text)) {
    let problem: string | undefined;
    try {
      const o = JSON.parse(json) as unknown;
      problem = lineProblem(o);
      if (problem === undefined) lines.push({ ...(o as ResultLine), line });
    } catch (e) {
      problem = `not JSON: ${(e as Error).message}`;
    }
    if (problem !== undefined)
      problems.push(`${file}:${line}: error: not a result of \`tlbl hunt\`: ${problem} [E001]`);
  }
  // A file of the wrong kind is wrong on every line: say so a few times, then count.
  if (problems.length > shownPerFile)
    problems.splice(
      shownPerFile,
      Infinity,
      `${file}: error: ${problems.length - shownPerFile} more lines are not results of \`tlbl hunt\` [E001]`,
    );
  if (lines.length === 0 && problems.length === 0)
    problems.push(
      `${file}: error: holds no results (a shard stopped before its first candidate ended?): leave it out, and its shard is missing [E001]`,
    );
  return { results: { file, lines }, problems };
}

const strings = (x: unknown): boolean => Array.isArray(x) && x.every((y) => typeof y === "string");

/** What is wrong with one parsed line, or undefined. */
function lineProblem(o: unknown): string | undefined {
  if (o === null || typeof o !== "object" || Array.isArray(o)) return "not an object";
  const r = o as Record<string, unknown>;
  if (!Number.isInteger(r["index"]) || (r["index"] as number) < 0)
    return "`index` is not a number from 0";
  if (typeof r["corpus"] !== "string")
    return "no `corpus` (written by a tlbl hunt older than merging)";
  const label = shardLabel(r["shard"]);
  if (label === undefined) return `shard \`${String(r["shard"])}\` is not ${shardLabelForm}`;
  if ((r["index"] as number) % label.count !== label.index - 1)
    return `candidate ${String(r["index"])} is not in shard ${String(r["shard"])}`;
  if (!strings(r["releases"])) return "`releases` is not a list of strings";
  if (!outcomes.includes(r["outcome"] as Outcome))
    return `\`outcome\` is not one of ${outcomes.join(", ")}`;
  if (typeof r["ms"] !== "number") return "`ms` is not a number";
  if (!Array.isArray(r["findings"]) || !r["findings"].every((f) => recordProblem(f) === undefined))
    return "`findings` is not a list of {id, shape, monitor, kind, release, fix}";
  return undefined;
}

function recordProblem(f: unknown): string | undefined {
  if (f === null || typeof f !== "object") return "not an object";
  const r = f as Record<string, unknown>;
  for (const k of ["id", "shape", "monitor", "release"])
    if (typeof r[k] !== "string") return `\`${k}\` is not a string`;
  if (!regionKinds.includes(r["kind"] as RegionKind)) return "`kind` is not a region kind";
  const fix = r["fix"] as Record<string, unknown> | null;
  if (fix !== null && (typeof fix !== "object" || !strings([fix.commit, fix.release, fix.title])))
    return "`fix` is not null or {commit, release, title}";
  return undefined;
}
