import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { hunt } from "../src/hunt/session.js";
import { defaultVocabulary } from "../src/hunt/vocabulary.js";
import { checkText } from "../src/kernel/load.js";
import { runScenario } from "../src/judge/run.js";
import { loadPrelude } from "../src/kernel/prelude.js";
import { compareReleases } from "../src/semantics/kernel-versions.js";
import { searchAll } from "../src/explore/run.js";

/**
 * `npm run bench:hunt [-- --seconds N]`: issue 16's goal. With no hand-written scenario, how many
 * of the library's races does `tlbl hunt` rediscover on their pre-fix releases, each classified
 * by its own fix, within the budget (an hour by default)? Writes bench/hunt-results.json.
 */

const root = fileURLToPath(new URL("../..", import.meta.url));

interface Race {
  readonly scenario: string;
  readonly commit: string;
  /** The release its `sometimes` expectation names: before the fix. */
  readonly release: string;
}

/** Each library scenario's race: the fix its doc names, and its pre-fix release. */
function libraryRaces(): Race[] {
  const fixes = [...loadPrelude().fixes.values()];
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (e.endsWith(".tlb")) files.push(p);
    }
  };
  walk(join(root, "scenarios"));
  const races: Race[] = [];
  for (const file of files.sort()) {
    const s = checkText(readFileSync(file, "utf8"), relative(root, file)).scenario;
    if (s === undefined) continue;
    const doc = s.ast.doc?.value ?? "";
    const plain = s.expects.filter((e) => e.fixes.length === 0);
    // The race is the one the first `never` release fixes: the fix the doc names that landed in
    // that release, found on the last `sometimes` release before it (delayed-rmap.tlb is
    // Sometimes on 3.14, 3.15 and 6.1 and Never on 6.2: 5df397dec7c4's race, found on 6.1).
    // The first `never` release with a `sometimes` release before it (unprotect-vs-cow.tlb is
    // also Never on 5.8, before the change that opened its race).
    const releasesOf = (v: string): string[] =>
      plain
        .filter((e) => e.verdict === v)
        .map((e) => e.kernel.text)
        .sort(compareReleases);
    const never = releasesOf("never").find((n) =>
      releasesOf("sometimes").some((k) => compareReleases(k, n) < 0),
    );
    const before = releasesOf("sometimes")
      .filter((k) => never === undefined || compareReleases(k, never) < 0)
      .at(-1);
    const named = fixes.filter((f) => doc.includes(f.commit));
    const fix = named.find((f) => f.release === never) ?? named[0];
    if (fix && before) races.push({ scenario: s.file, commit: fix.commit, release: before });
  }
  return races;
}

async function main(): Promise<void> {
  const option = (name: string, otherwise: number): number => {
    const at = process.argv.indexOf(name);
    return at >= 0 ? Number(process.argv[at + 1]) : otherwise;
  };
  const budgetSeconds = option("--seconds", 3600);
  // Two candidates at a time, one per core; --jobs 1 for one.
  const jobs = option("--jobs", 2);
  const races = libraryRaces();
  const releases = [...new Set(races.map((r) => r.release))].sort(compareReleases);
  const out = mkdtempSync(join(tmpdir(), "tlbl-bench-hunt-"));
  process.stderr.write(
    `hunting on ${releases.join(", ")} for ${budgetSeconds} s with ${jobs} jobs; ${races.length} library races; findings in ${out}\n`,
  );
  // The machine is shared: the load average beside the run, sampled each minute.
  const load: number[] = [loadavg()[0]!];
  const sampler = setInterval(() => load.push(loadavg()[0]!), 60_000);
  const summary = await hunt(
    {
      releases,
      vocabulary: defaultVocabulary,
      budget: { seconds: budgetSeconds },
      out,
      results: join(out, "results.jsonl"),
      // A search still going after 30 s is of a candidate too large for this budget.
      timeoutMs: 30_000,
      jobs,
    },
    (p) =>
      process.stderr.write(`\r${p.tried} scenarios, ${p.findings} findings, ${p.open} open   `),
  );
  clearInterval(sampler);
  process.stderr.write("\n");
  // A finding names the first release it fires on; the race is rediscovered when a finding
  // classified by the race's fix also fires on the race's own pre-fix release (run there).
  const firesOn = async (id: string, release: string): Promise<boolean> => {
    const file = join(out, `${id}.tlb`);
    const s = checkText(readFileSync(file, "utf8"), file).scenario;
    if (s === undefined) return false;
    const run = await runScenario(s, {
      ...searchAll,
      kernels: [release],
      timeoutMs: 120_000,
    });
    return run.results.some((x) => x.verdict === "sometimes");
  };
  const results = [];
  for (const r of races) {
    let f = undefined;
    // Its fix, alone: the first to close it, or a later one that closes it alone too.
    const closes = (y: (typeof summary.newFindings)[number]): boolean =>
      y.fix?.commit === r.commit || y.alsoAlone.some((f) => f.commit === r.commit);
    for (const x of summary.newFindings.filter(closes))
      if (x.release === r.release || (await firesOn(x.id, r.release))) {
        f = x;
        break;
      }
    results.push({
      scenario: r.scenario,
      commit: r.commit,
      release: r.release,
      found: f !== undefined,
      fix: f?.fix?.commit ?? null,
      alsoAlone: f?.alsoAlone.map((x) => x.commit) ?? [],
      firstFiresOn: f?.release ?? null,
      seconds: f ? Math.round(f.atMs / 100) / 10 : null,
      finding: f ? `${f.id}.tlb` : null,
    });
  }
  const report = {
    rediscovered: results.filter((r) => r.found).length,
    // Races that share a fix are told apart by no finding: how many distinct fixes were found.
    fixesRediscovered: new Set(results.filter((r) => r.found).map((r) => r.commit)).size,
    fixes: new Set(races.map((r) => r.commit)).size,
    budgetSeconds,
    jobs,
    loadAverage: {
      min: Math.min(...load),
      median: [...load].sort((a, b) => a - b)[Math.floor(load.length / 2)]!,
      max: Math.max(...load),
    },
    scenarios: summary.tried,
    findings: summary.newFindings.length,
    // Classified by no fix alone but by fixes together (a race two commits closed).
    together: summary.newFindings.filter((f) => f.together !== undefined).length,
    candidates: summary.newFindings.filter((f) => f.fix === undefined && f.together === undefined)
      .length,
    races: results,
  };
  writeFileSync(join(root, "bench", "hunt-results.json"), JSON.stringify(report, null, 2) + "\n");
  for (const r of results)
    process.stdout.write(
      `${r.found ? "found" : "     "}  ${r.commit.padEnd(14)} ${r.release.padEnd(5)} ${r.seconds ?? ""}  ${r.scenario}\n`,
    );
  process.stdout.write(
    `${report.rediscovered} of ${races.length} races (${report.fixesRediscovered} of ${report.fixes} fixes) rediscovered in ${budgetSeconds} s (${summary.tried} scenarios, ${report.findings} findings, ${report.together} closed by fixes together, ${report.candidates} with no modelled fix); bench/hunt-results.json\n`,
  );
}

await main();
