/**
 * `npm run fuzz [-- --count N --first SEED --out DIR --slow MS --model-every K]`: the fuzz
 * harness of test/fuzz on many inputs (default 100,000): parse, check, format twice, and the
 * model (`runScenario`, as `tlbl run --max-states 2000 --timeout 2`, in a 1 GB worker heap) on every
 * K-th input that checks (default 1: all; 0: none). Each failure is minimised (delta debugging
 * over lines, then tokens) and written to DIR (default fuzz-out/, gitignored) as
 * <kind>-<seed>.tlb, with the original input and the error beside it; the figures go to stdout.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ModelRunner } from "../test/fuzz/model.js";
import { failsAs, fuzz, minimise } from "../test/fuzz/run.js";

const { values } = parseArgs({
  options: {
    count: { type: "string", default: "100000" },
    first: { type: "string", default: "1" },
    out: { type: "string", default: "fuzz-out" },
    slow: { type: "string", default: "5000" },
    "model-every": { type: "string", default: "1" },
  },
});
const count = Number(values.count);
const first = Number(values.first);
const modelEvery = Number(values["model-every"]);
mkdirSync(values.out, { recursive: true });

const started = performance.now();
const model = modelEvery > 0 ? new ModelRunner() : undefined;
const summary = await fuzz({
  first,
  count,
  slowMs: Number(values.slow),
  model,
  modelEvery,
  onFailure: (f) => {
    process.stdout.write(`seed ${f.seed}: ${f.kind}: ${f.detail.split("\n")[0]}\n`);
    const base = join(values.out, `${f.kind}-${f.seed}`);
    writeFileSync(`${base}.txt`, `${f.detail}\n`);
    writeFileSync(`${base}.original.tlb`, f.input);
  },
});
const fuzzSeconds = (performance.now() - started) / 1000;
// One reproducer per distinct first line of the error: the same crash found twice is one.
const seen = new Set<string>();
for (const f of summary.failures) {
  if (f.kind === "slow") continue; // a time is not reproducible enough to minimise against
  const key = `${f.kind}: ${f.detail.split("\n")[0]}`;
  if (seen.has(key)) continue;
  seen.add(key);
  const small = await minimise(f.input, failsAs(f.kind, model));
  writeFileSync(join(values.out, `${f.kind}-${f.seed}.tlb`), small);
}
await model?.close();
const byKind: Record<string, number> = {};
for (const f of summary.failures) byKind[f.kind] = (byKind[f.kind] ?? 0) + 1;
const seconds = (performance.now() - started) / 1000;
process.stdout.write(
  `${summary.inputs} inputs (seeds ${first}…${first + count - 1}): ${summary.parsed} parsed and formatted, ` +
    `${summary.checked} checked, ${summary.modelled} run through the model ` +
    `(${summary.explored} explored states, ${summary.modelLimits} stopped at a model-size limit); ` +
    `${summary.failures.length} failures ${JSON.stringify(byKind)}; ` +
    `${fuzzSeconds.toFixed(0)} s fuzzing, ${seconds.toFixed(0)} s with minimising` +
    (summary.failures.length ? `; reproducers in ${values.out}/` : "") +
    "\n",
);
process.exitCode = summary.failures.length > 0 ? 1 : 0;
