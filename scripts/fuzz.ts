/**
 * `npm run fuzz [-- --count N --first SEED --out DIR --slow MS]`: the fuzz harness of
 * test/fuzz on many inputs (default 100,000, checker on each). Each failure is minimised and
 * written to DIR (default fuzz-out/, gitignored) as <kind>-<seed>.tlb with a .txt beside it;
 * the figures go to stdout.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { fuzz, minimise } from "../test/fuzz/run.js";

const { values } = parseArgs({
  options: {
    count: { type: "string", default: "100000" },
    first: { type: "string", default: "1" },
    out: { type: "string", default: "fuzz-out" },
    slow: { type: "string", default: "5000" },
  },
});
const count = Number(values.count);
const first = Number(values.first);
mkdirSync(values.out, { recursive: true });

const started = performance.now();
let written = 0;
const summary = await fuzz({
  first,
  count,
  slowMs: Number(values.slow),
  onFailure: (f) => {
    process.stdout.write(`seed ${f.seed}: ${f.kind}\n`);
    written++;
    const base = join(values.out, `${f.kind}-${f.seed}`);
    writeFileSync(`${base}.txt`, `${f.detail}\n`);
    writeFileSync(`${base}.original.tlb`, f.input);
  },
});
for (const f of summary.failures) {
  if (f.kind === "slow") continue; // a time is not reproducible enough to minimise against
  const small = await minimise(f.input, f.kind);
  writeFileSync(join(values.out, `${f.kind}-${f.seed}.tlb`), small);
}
const byKind: Record<string, number> = {};
for (const f of summary.failures) byKind[f.kind] = (byKind[f.kind] ?? 0) + 1;
const seconds = (performance.now() - started) / 1000;
process.stdout.write(
  `${summary.inputs} inputs (seeds ${first}…${first + count - 1}), ${summary.parsed} parsed and formatted, ` +
    `${summary.failures.length} failures ${JSON.stringify(byKind)}, ${seconds.toFixed(0)} s` +
    (written ? `; reproducers in ${values.out}/` : "") +
    "\n",
);
process.exitCode = summary.failures.length > 0 ? 1 : 0;
