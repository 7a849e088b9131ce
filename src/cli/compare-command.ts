import { didYouMean } from "../diagnostics/suggest.js";
import { runScenario, type RunResult } from "../judge/run.js";
import { loadPrelude } from "../kernel/prelude.js";
import { capitalized } from "../report/verdict.js";
import { isFixId, isKnownRelease, knownReleases } from "../semantics/kernel-versions.js";
import { unknownFix } from "../semantics/typecheck.js";
import { exitCode, printDiagnostics } from "./io.js";
import { loadScenario } from "./load.js";
import { searchAll } from "../explore/run.js";

export interface CompareOptions {
  readonly kernel?: string[];
  readonly fix?: string;
  readonly json?: boolean;
  readonly all?: boolean;
}

/** One side of the comparison: what runScenario is asked for. */
interface Side {
  readonly label: string;
  readonly kernels: string[];
  readonly fixes: { commit: string; enabled: boolean }[];
}

interface Row {
  readonly file: string;
  readonly test: string;
  readonly kernel: string;
  readonly a: string;
  readonly b: string;
}

/**
 * `tlbl compare`: every scenario on two kernels (`-k A -k B`) or with one fix reverted and
 * applied (`--fix ID`, on each scenario's own kernels, or one `-k`), and the verdicts that
 * differ, as herdtools' mcompare7 sets two models' logs side by side. The runs are `tlbl run`'s
 * (src/judge/run.ts) with the default search.
 */
export async function compareCommand(files: string[], opts: CompareOptions): Promise<number> {
  const sides = sidesOf(opts);
  if (typeof sides === "string") {
    process.stderr.write(`tlbl compare: ${sides}\n`);
    return exitCode.badInput;
  }
  const [left, right] = sides;
  const rows: Row[] = [];
  let bad = false;
  for (const file of files) {
    const loaded = loadScenario(file);
    if (loaded.scenario === undefined) {
      printDiagnostics(loaded.diagnostics, loaded.text);
      bad = true;
      continue;
    }
    const runs: RunResult[][] = [];
    for (const side of [left, right]) {
      const out = await runScenario(loaded.scenario, {
        ...searchAll,
        kernels: side.kernels,
        fixes: side.fixes,
      });
      if (out.diagnostics.length) printDiagnostics(out.diagnostics, loaded.text);
      if (out.modelError) process.stderr.write(`tlbl: the model is too small: ${out.modelError}\n`);
      bad ||= out.diagnostics.length > 0 || out.modelError !== undefined;
      runs.push(out.results);
    }
    const [as, bs] = runs as [RunResult[], RunResult[]];
    // Each side runs the same configurations in the same order (one kernel each, or the file's).
    as.forEach((a, i) => {
      const b = bs[i];
      if (b === undefined) return;
      rows.push({
        file,
        test: loaded.scenario!.name,
        kernel: opts.fix === undefined ? "" : a.kernel,
        a: verdictOf(a),
        b: verdictOf(b),
      });
    });
  }
  const differ = rows.filter((r) => r.a !== r.b);
  if (opts.json) {
    const json = rows.map((r) => ({
      ...r,
      differ: r.a !== r.b,
      left: left.label,
      right: right.label,
    }));
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  } else printTable(opts.all ? rows : differ, left.label, right.label);
  if (!opts.json)
    process.stdout.write(
      `${differ.length} of ${rows.length} verdict${rows.length === 1 ? "" : "s"} differ between ${left.label} and ${right.label}\n`,
    );
  return bad ? exitCode.badInput : exitCode.ok;
}

function sidesOf(o: CompareOptions): [Side, Side] | string {
  const kernels = o.kernel ?? [];
  for (const k of kernels)
    if (!isKnownRelease(k)) return `unknown kernel version \`${k}\`${didYouMean(k, knownReleases)}`;
  if (o.fix !== undefined) {
    if (!isFixId(o.fix))
      return `--fix takes a fix's id (see \`tlbl list fixes\`), not \`${o.fix}\``;
    const known = loadPrelude().fixes;
    if (!known.has(o.fix)) return `--fix ${o.fix}: ${unknownFix(o.fix, known)} [E108]`;
    if (kernels.length > 1) return "--fix compares on one kernel (-k) or the files' own kernels";
    const side = (enabled: boolean): Side => ({
      label: `${o.fix}=${enabled ? "on" : "off"}`,
      kernels,
      fixes: [{ commit: o.fix!, enabled }],
    });
    return [side(false), side(true)];
  }
  if (kernels.length !== 2)
    return "give two kernels (-k 4.8 -k 4.9), or one fix to revert and apply (--fix ID)";
  const side = (k: string): Side => ({ label: k, kernels: [k], fixes: [] });
  return [side(kernels[0]!), side(kernels[1]!)];
}

/** The verdict as herd7 names it, or why there is none. */
function verdictOf(r: RunResult): string {
  return r.verdict === undefined ? "Undecided" : capitalized(r.verdict);
}

function printTable(rows: readonly Row[], left: string, right: string): void {
  if (rows.length === 0) return;
  const withKernel = rows.some((r) => r.kernel !== "");
  const head: Row = { file: "file", test: "test", kernel: "kernel", a: left, b: right };
  const table = [head, ...rows];
  const w = (f: (r: Row) => string): number => Math.max(...table.map((r) => f(r).length));
  const [wf, wk, wa] = [w((r) => r.file), w((r) => r.kernel), w((r) => r.a)];
  for (const r of table) {
    const cells = [
      r.file.padEnd(wf),
      ...(withKernel ? [r.kernel.padEnd(wk)] : []),
      r.a.padEnd(wa),
      r.b,
    ];
    const mark = r === head ? " " : r.a !== r.b ? "*" : " ";
    process.stdout.write(`${mark} ${cells.join("  ")}\n`);
  }
}
