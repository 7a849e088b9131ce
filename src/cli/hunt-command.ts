import { existsSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { shardLabel, shardLabelForm } from "../judge/shards.js";
import { resumed, resumeProblems } from "../hunt/results.js";
import { hunt, type Budget, type Found, type HuntProgress } from "../hunt/session.js";
import {
  corpusOf,
  defaultVocabulary,
  ops,
  regionKinds,
  type RegionKind,
  type Vocabulary,
} from "../hunt/vocabulary.js";
import { isKnownRelease, knownReleases } from "../semantics/kernel-versions.js";
import { onInterrupt } from "./interrupt.js";
import { exitCode } from "./io.js";

export interface HuntOptions {
  readonly kernel?: string[];
  readonly budget?: string;
  readonly out?: string;
  readonly results?: string;
  readonly shard?: string;
  readonly kinds?: string;
  readonly ops?: string;
  readonly threads?: string;
  readonly steps?: string;
  readonly pages?: string;
  readonly timeout?: number;
  readonly jobs?: number;
  readonly json?: boolean;
}

/**
 * `tlbl hunt`: generate scenarios, run them with the monitors judging, and write each new race
 * as a scenario (docs/hunt.md). Exit 0 when the budget is spent, 2 on bad input, 130/143 when
 * interrupted (what was found is kept; a rerun resumes).
 */
export async function huntCommand(opts: HuntOptions): Promise<number> {
  const problems: string[] = [];
  const releases = opts.kernel ?? [knownReleases[knownReleases.length - 1]!];
  for (const k of releases) if (!isKnownRelease(k)) problems.push(`unknown release ${k}`);
  const budget = budgetOf(opts.budget ?? "100", problems);
  const vocabulary = vocabularyOf(opts, problems);
  const shard = shardOf(opts.shard, problems);
  const out = opts.out ?? "hunt-findings";
  const results = opts.results ?? join(out, "results.jsonl");
  if (problems.length === 0 && existsSync(results))
    problems.push(
      ...resumeProblems(
        results,
        resumed(readFileSync(results, "utf8")),
        corpusOf(vocabulary),
        releases,
      ),
    );
  if (problems.length) {
    process.stderr.write(problems.map((p) => `tlbl hunt: ${p}\n`).join(""));
    return exitCode.badInput;
  }
  const tty = process.stderr.isTTY && !opts.json;
  const interrupt = onInterrupt();
  const show = (p: HuntProgress): void => {
    if (!tty) return;
    const rate = p.tried / Math.max(p.elapsedMs / 1000, 0.001);
    const eta = p.done > 0 ? ((p.elapsedMs / p.done) * (1 - p.done)) / 1000 : 0;
    process.stderr.write(
      `\r\x1b[K${p.tried} scenarios, ${rate.toFixed(2)}/s, ${p.findings} findings (${p.duplicates} duplicates), ${p.open} open, ETA ${Math.round(eta)} s`,
    );
  };
  const summary = await hunt(
    {
      releases,
      vocabulary,
      budget,
      shard,
      out,
      results,
      jobs: jobsCapped(opts.jobs),
      timeoutMs: (opts.timeout ?? 60) * 1000,
      signal: interrupt.signal,
    },
    show,
  );
  if (tty) process.stderr.write("\r\x1b[K");
  const lines = summary.newFindings.map(
    (f) => `${join(out, `${f.id}.tlb`)}: ${f.monitor} on ${f.release}; ${raceOf(f)}`,
  );
  process.stdout.write(
    opts.json
      ? JSON.stringify(
          { ...summary, newFindings: summary.newFindings.map(({ text: _t, ...f }) => f) },
          null,
          2,
        ) + "\n"
      : [
          ...lines,
          `${summary.tried} scenarios in ${(summary.elapsedMs / 1000).toFixed(1)} s (${summary.skipped} done before), ${summary.findings} new findings, ${summary.duplicates} duplicates, ${summary.open} open`,
        ].join("\n") + "\n",
  );
  interrupt.dispose();
  return interrupt.status() ?? exitCode.ok;
}

/** `500` candidates, or `90s`, `10m`, `1h`. */
function budgetOf(text: string, problems: string[]): Budget {
  const m = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(text);
  if (!m || Number(m[1]) <= 0) {
    problems.push(`--budget wants a count (500) or a time (90s, 10m, 1h), not ${text}`);
    return { candidates: 0 };
  }
  const n = Number(m[1]);
  return m[2] === undefined
    ? { candidates: Math.ceil(n) }
    : { seconds: n * { s: 1, m: 60, h: 3600 }[m[2] as "s" | "m" | "h"] };
}

function rangeOf(
  text: string | undefined,
  fallback: readonly [number, number],
  name: string,
  problems: string[],
): readonly [number, number] {
  if (text === undefined) return fallback;
  const m = /^(\d+)(?:\.\.(\d+))?$/.exec(text);
  const lo = Number(m?.[1]);
  const hi = Number(m?.[2] ?? m?.[1]);
  if (!m || lo < 1 || hi < lo) {
    problems.push(`--${name} wants N or LO..HI (1 or more), not ${text}`);
    return fallback;
  }
  return [lo, hi];
}

function vocabularyOf(opts: HuntOptions, problems: string[]): Vocabulary {
  const list = (text: string | undefined): string[] | undefined =>
    text?.split(",").map((s) => s.trim());
  const kinds = list(opts.kinds) ?? [...regionKinds];
  for (const k of kinds)
    if (!regionKinds.includes(k as RegionKind))
      problems.push(`no region kind ${k}: ${regionKinds.join(", ")}`);
  // In their own order, as the ops are: the same kinds make the same corpus in any order.
  const names = list(opts.ops);
  for (const n of names ?? [])
    if (!ops.some((o) => o.name === n))
      problems.push(`no step ${n}: ${ops.map((o) => o.name).join(", ")}`);
  return {
    kinds: regionKinds.filter((k) => kinds.includes(k)),
    ops: names ? ops.filter((o) => names.includes(o.name)) : ops,
    threads: rangeOf(opts.threads, defaultVocabulary.threads, "threads", problems),
    steps: rangeOf(opts.steps, defaultVocabulary.steps, "steps", problems),
    pages: rangeOf(opts.pages, defaultVocabulary.pages, "pages", problems),
  };
}

function shardOf(
  text: string | undefined,
  problems: string[],
): { index: number; count: number } | undefined {
  if (text === undefined) return undefined;
  const label = shardLabel(text);
  if (label === undefined) problems.push(`--shard wants ${shardLabelForm}, not ${text}`);
  return label;
}

/** More workers than cores only contend for them (as `tlbl run --jobs`). */
function jobsCapped(jobs: number | undefined): number | undefined {
  const cores = availableParallelism();
  if (jobs === undefined || jobs <= cores) return jobs;
  process.stderr.write(
    `tlbl hunt: --jobs ${jobs} capped at ${cores}, the cores this machine has\n`,
  );
  return cores;
}

/** What a finding's line says of its fix: one (or several, each alone), several together, or none. */
function raceOf(f: Found): string {
  if (f.fix)
    return `the race of ${f.fix.commit}${f.alsoAlone.map((x) => `, or of ${x.commit} alone`).join("")}`;
  if (f.together) return `the race of ${f.together.map((x) => x.commit).join(" and ")} together`;
  return "no modelled fix: candidate";
}
