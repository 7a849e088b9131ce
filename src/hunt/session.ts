import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runCandidate, Trials, type Finding, type HuntLimits, type Ran } from "./hunt.js";
import { inWorkers, type Task } from "./parallel.js";
import { recordOf, resumed, type FindingRecord, type Outcome, type ResultLine } from "./results.js";
import { candidate, corpusOf, type Vocabulary } from "./vocabulary.js";

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
  /** Candidates run at once, each in a worker thread when more than 1 (default 1). */
  readonly jobs?: number;
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

/**
 * Runs candidates in index order (this shard's only), skipping those the results file has,
 * until the budget is spent: each on every release; on each release where it fires, minimised,
 * classified and written unless a finding of its shape exists. With `jobs` > 1 the candidates
 * run in worker threads, and their results are recorded here in index order as they complete,
 * so that the same budget count gives the same results and findings as one job.
 */
export async function hunt(
  req: HuntRequest,
  onProgress?: (p: HuntProgress) => void,
): Promise<HuntSummary> {
  mkdirSync(req.out, { recursive: true });
  const { done, ids: resumedIds } = resumed(
    existsSync(req.results) ? readFileSync(req.results, "utf8") : "",
  );
  const ids = new Set(resumedIds);
  const started = Date.now();
  const shard = req.shard ?? { index: 1, count: 1 };
  const head = { shard: `${shard.index}/${shard.count}`, corpus: corpusOf(req.vocabulary) };
  const newFindings: Found[] = [];
  let index = shard.index - 1;
  let begun = 0;
  let tried = 0;
  let skipped = 0;
  let duplicates = 0;
  let open = 0;
  const elapsedMs = (): number => Date.now() - started;
  const used = (n: number): number =>
    "candidates" in req.budget
      ? n / req.budget.candidates
      : elapsedMs() / 1000 / req.budget.seconds;
  const progress = (): HuntProgress => ({
    tried,
    findings: newFindings.length,
    duplicates,
    open,
    elapsedMs: elapsedMs(),
    done: Math.min(1, used(tried)),
  });

  /** Started and not yet recorded, in index order; those that ended, with when. */
  const order: number[] = [];
  const ended = new Map<number, { ran: Ran; atMs: number }>();

  /** The next candidate not done, or none once the budget is spent or a signal came. */
  const next = (): Task | undefined => {
    if (used(begun) >= 1 || req.signal?.aborted) return undefined;
    for (; done.has(index); index += shard.count) skipped++;
    const t = { index, candidate: candidate(index, req.vocabulary) };
    index += shard.count;
    begun++;
    order.push(t.index);
    return t;
  };

  /** Writes a candidate's new findings and appends its line to the results file. */
  const record = (i: number, ran: Ran, atMs: number): void => {
    let outcome: Outcome = "quiet";
    let detail: string | undefined;
    const findings: FindingRecord[] = [];
    if (ran.releases.every((r) => r.kind === "skipped"))
      [outcome, detail] = ["open", "no release it hunts on models all its steps"];
    /** The findings this candidate wrote: one on two releases is no duplicate. */
    const own = new Set<string>();
    for (const r of ran.releases) {
      if (r.kind === "open" && outcome === "quiet") [outcome, detail] = ["open", r.reason];
      if (r.kind !== "found") continue;
      const f = r.finding;
      findings.push(recordOf(f));
      const path = join(req.out, `${f.id}.tlb`);
      if (own.has(f.id)) continue;
      own.add(f.id);
      if (ids.has(f.id) || existsSync(path)) {
        duplicates++;
        if (outcome !== "finding") [outcome, detail] = ["duplicate", f.id];
      } else {
        writeFileSync(path, f.text);
        ids.add(f.id);
        newFindings.push({ ...f, atMs });
        [outcome, detail] = ["finding", f.id];
      }
    }
    if (outcome === "open") open++;
    const line: ResultLine = {
      index: i,
      ...head,
      releases: req.releases,
      outcome,
      ...(detail === undefined ? {} : { detail }),
      findings,
      ms: ran.ms,
    };
    appendFileSync(req.results, JSON.stringify(line) + "\n");
  };

  /** Records every ended candidate whose predecessors are recorded (all of them at the end). */
  const flush = (all: boolean): void => {
    while (order.length > 0 && (all || ended.has(order[0]!))) {
      const i = order.shift()!;
      const e = ended.get(i);
      if (e === undefined) continue; // cut short by a signal: not done
      ended.delete(i);
      record(i, e.ran, e.atMs);
    }
  };
  const onDone = (i: number, ran: Ran): void => {
    tried++;
    ended.set(i, { ran, atMs: elapsedMs() });
    flush(false);
    onProgress?.(progress());
  };

  const jobs =
    "candidates" in req.budget ? Math.min(req.jobs ?? 1, req.budget.candidates) : (req.jobs ?? 1);
  try {
    if (jobs > 1) await inWorkers(jobs, next, onDone, req);
    else {
      const trials = new Trials(req);
      for (let t = next(); t !== undefined; t = next()) {
        const ran = await runCandidate(t.candidate, trials);
        if (ran === undefined) break; // a signal cut its runs short: not done
        onDone(t.index, ran);
      }
    }
  } finally {
    // What ended is kept, in index order, even when a signal (or a worker's error) left
    // a candidate before it unfinished: a rerun runs that one.
    flush(true);
  }
  return { ...progress(), skipped, newFindings };
}
