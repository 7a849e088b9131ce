import { availableParallelism } from "node:os";
import { didYouMean } from "../diagnostics/suggest.js";
import { loadPrelude } from "../kernel/prelude.js";
import { shardLabel, shardLabelForm } from "../judge/shards.js";
import { judgesOf, mutateSite, type MutateLimits, type SiteResult } from "../mutate/mutate.js";
import { mutateParallel } from "../mutate/parallel.js";
import { mutationJson, mutationReport, mutationText } from "../mutate/report.js";
import { findSites, type Site, type SiteKind } from "../mutate/sites.js";
import { exitCode, printDiagnostics, readSource } from "./io.js";

export interface MutateOptions {
  readonly site?: string[];
  readonly kind?: string[];
  readonly list?: boolean;
  readonly json?: boolean;
  readonly timeout?: number;
  readonly maxStates?: number;
  readonly jobs?: number;
  readonly shard?: string;
}

const kinds: readonly SiteKind[] = ["flush", "lock", "pending", "recheck"];

/**
 * `tlbl mutate`: for each protective site of the prelude, the scenarios whose `never`
 * expectation fails without it. Exit 0 with the table, 2 on bad input.
 */
export async function mutateCommand(files: string[], opts: MutateOptions): Promise<number> {
  const started = Date.now();
  const prelude = loadPrelude();
  const picked = pickSites(findSites(prelude), opts);
  if (typeof picked === "string") {
    process.stderr.write(`tlbl mutate: ${picked}\n`);
    return exitCode.badInput;
  }
  if (opts.list) {
    process.stdout.write(
      opts.json
        ? JSON.stringify(picked, null, 2) + "\n"
        : picked.map((s) => `${s.id}  ${s.kind}  ${s.what}\n`).join(""),
    );
    return exitCode.ok;
  }
  if (files.length === 0) {
    process.stderr.write("tlbl mutate: name the scenarios that judge (`tlbl mutate scenarios`)\n");
    return exitCode.badInput;
  }
  const sources: { file: string; text: string }[] = [];
  for (const file of files) {
    const src = readSource(file);
    if (src.ok) sources.push({ file, text: src.text });
    else printDiagnostics([src.diagnostic], undefined);
  }
  if (sources.length < files.length) return exitCode.badInput;
  const limits: MutateLimits = {
    timeoutMs: (opts.timeout ?? 60) * 1000,
    maxStates: opts.maxStates,
  };
  const { judges, skipped } = await judgesOf(sources, prelude, limits);
  const tty = process.stderr.isTTY && !opts.json;
  let done = 0;
  const tick = (r: SiteResult): void => {
    done++;
    if (tty)
      process.stderr.write(`\r\x1b[K${done}/${picked.length} sites: ${r.site.id} ${r.status}`);
  };
  const jobs = Math.min(opts.jobs ?? 1, availableParallelism());
  let results: SiteResult[];
  if (jobs > 1) {
    const accepted = new Set(judges.map((j) => j.file));
    const judged = sources.filter((s) => accepted.has(s.file));
    results = await mutateParallel(picked, judged, limits, jobs, tick);
  } else {
    results = [];
    for (const site of picked) {
      const r = await mutateSite(site, judges, limits);
      tick(r);
      results.push(r);
    }
  }
  if (tty) process.stderr.write("\r\x1b[K");
  const report = mutationReport(results, skipped, Date.now() - started);
  process.stdout.write(opts.json ? mutationJson(report) : mutationText(report));
  return exitCode.ok;
}

/** The sites `--site`, `--kind` and `--shard` leave, or what is wrong with them. */
function pickSites(all: readonly Site[], opts: MutateOptions): Site[] | string {
  const ids = new Set(all.map((s) => s.id));
  const problems = [
    ...(opts.site ?? [])
      .filter((id) => !ids.has(id))
      .map((id) => `no protective site ${id}${didYouMean(id, ids)} (\`tlbl mutate --list\`)`),
    ...(opts.kind ?? [])
      .filter((k) => !kinds.includes(k as SiteKind))
      .map((k) => `no site kind ${k}: ${kinds.join(", ")}`),
  ];
  const shard = opts.shard === undefined ? undefined : shardLabel(opts.shard);
  const [i, n] = shard ? [shard.index, shard.count] : [1, 1];
  if (opts.shard !== undefined && shard === undefined)
    problems.push(`--shard wants ${shardLabelForm}, not ${opts.shard}`);
  if (problems.length) return problems.join("\n");
  return all
    .filter((s) => opts.site === undefined || opts.site.includes(s.id))
    .filter((s) => opts.kind === undefined || opts.kind.includes(s.kind))
    .filter((_, k) => k % n === i - 1);
}
