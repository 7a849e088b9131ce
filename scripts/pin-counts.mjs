// Writes test/pinned/counts.json: every library scenario's verdicts and state counts on the
// kernels it expects, with the reductions on and off, from the built CLI. Run after a change
// that is meant to move them (a model change), never after a refactoring.
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";

export const modes = { reduced: [], unreduced: ["--no-reduce", "--no-symmetry"] };

export function pinnedRun(flags) {
  const r = spawnSync(process.execPath, ["bin/tlbl.js", "run", "--json", ...flags, "scenarios"], {
    encoding: "utf8",
    maxBuffer: 1 << 28,
  });
  if (r.status !== 0)
    throw new Error(`tlbl run ${flags.join(" ")} exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout).map((x) => ({
    file: x.file,
    kernel: x.kernel,
    verdict: x.verdict,
    states: x.states,
    transitions: x.transitions,
    executions: x.executions,
    witnesses: x.witnesses,
  }));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const out = Object.fromEntries(Object.entries(modes).map(([m, f]) => [m, pinnedRun(f)]));
  writeFileSync("test/pinned/counts.json", JSON.stringify(out, null, 1) + "\n");
}
