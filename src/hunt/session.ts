import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { investigate, tryOn, type Finding, type HuntLimits } from "./hunt.js";
import { candidate, type Vocabulary } from "./vocabulary.js";

/** How long a hunt goes on: a number of candidates, or seconds. */
export type Budget = { readonly candidates: number } | { readonly seconds: number };

export interface HuntRequest extends HuntLimits {
  readonly vocabulary: Vocabulary;
  readonly budget: Budget;
  /** Only the candidates whose index is `index - 1` modulo `count` (1-based, as `--shard`). */
  readonly shard?: { readonly index: number; readonly count: number };
  /** Findings are written here, one .tlb file each, named by the shape's hash. */
  readonly out: string;
  /** Results are appended here (JSON lines); a candidate found in it is not run again. */
  readonly results: string;
}

/** One line of the results file: a candidate and what it gave. */
export interface ResultLine {
  readonly index: number;
  readonly releases: readonly string[];
  readonly outcome: "quiet" | "open" | "finding" | "duplicate";
  /** The finding's file id (for finding and duplicate), or why it stayed open. */
  readonly detail?: string;
  readonly ms: number;
}

export interface HuntProgress {
  readonly tried: number;
  readonly findings: number;
  readonly duplicates: number;
  readonly open: number;
  readonly elapsedMs: number;
  /** The budget's fraction used, for an ETA. */
  readonly done: number;
}

/** A finding, and when the hunt found it (ms from its start). */
export interface Found extends Finding {
  readonly atMs: number;
}

export interface HuntSummary extends HuntProgress {
  readonly skipped: number;
  readonly newFindings: readonly Found[];
}

/** The indexes a results file says are done, and the finding ids it holds. */
function resumed(file: string): { done: Set<number>; ids: Set<string> } {
  const done = new Set<number>();
  const ids = new Set<string>();
  if (!existsSync(file)) return { done, ids };
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (line.trim() === "") continue;
    try {
      const r = JSON.parse(line) as ResultLine;
      done.add(r.index);
      if (r.outcome === "finding" && r.detail) ids.add(r.detail);
    } catch {
      // A line cut off by a kill: the candidate runs again.
    }
  }
  return { done, ids };
}

/**
 * Runs candidates in index order (this shard's only), skipping those the results file has,
 * until the budget is spent: each on every release; on each release where it fires, minimised,
 * classified and written unless a finding of its shape exists.
 */
export async function hunt(
  req: HuntRequest,
  onProgress?: (p: HuntProgress) => void,
): Promise<HuntSummary> {
  mkdirSync(req.out, { recursive: true });
  const { done, ids } = resumed(req.results);
  const started = Date.now();
  const shard = req.shard ?? { index: 1, count: 1 };
  const newFindings: Found[] = [];
  let tried = 0;
  let skipped = 0;
  let duplicates = 0;
  let open = 0;
  const used = (): number =>
    "candidates" in req.budget
      ? tried / req.budget.candidates
      : (Date.now() - started) / 1000 / req.budget.seconds;
  const progress = (): HuntProgress => ({
    tried,
    findings: newFindings.length,
    duplicates,
    open,
    elapsedMs: Date.now() - started,
    done: Math.min(1, used()),
  });
  for (let index = shard.index - 1; used() < 1 && !req.signal?.aborted; index += shard.count) {
    if (done.has(index)) {
      skipped++;
      continue;
    }
    const t0 = Date.now();
    const c = candidate(index, req.vocabulary);
    let line: Omit<ResultLine, "ms"> = { index, releases: req.releases, outcome: "quiet" };
    for (const release of req.releases) {
      const t = await tryOn(c, release, req);
      if (req.signal?.aborted) break;
      if (t.kind === "open" && line.outcome === "quiet")
        line = { ...line, outcome: "open", detail: t.reason };
      if (t.kind !== "fired") continue;
      const f = await investigate(c, t.firing, req);
      const path = join(req.out, `${f.id}.tlb`);
      if (ids.has(f.id) || existsSync(path)) {
        duplicates++;
        if (line.outcome !== "finding") line = { ...line, outcome: "duplicate", detail: f.id };
      } else {
        writeFileSync(path, f.text);
        ids.add(f.id);
        newFindings.push({ ...f, atMs: Date.now() - started });
        line = { ...line, outcome: "finding", detail: f.id };
      }
    }
    if (req.signal?.aborted) break; // this candidate's runs were cut short: not done
    if (line.outcome === "open") open++;
    tried++;
    appendFileSync(req.results, JSON.stringify({ ...line, ms: Date.now() - t0 }) + "\n");
    onProgress?.(progress());
  }
  return { ...progress(), skipped, newFindings };
}
