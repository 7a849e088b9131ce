import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkText } from "../../src/cli/load.js";
import { Expander } from "../../src/explore/expander.js";
import { Model, threadOf, type Move } from "../../src/explore/model.js";
import { search } from "../../src/explore/search.js";
import type { RunResult } from "../../src/judge/run.js";
import { buildMachine } from "../../src/model/machine.js";
import { procsRun } from "../../src/model/procs-run.js";
import { fixesFor } from "../../src/semantics/kernel-versions.js";
import { readRepoFile, root } from "../helpers.js";
import { judge, machineOf } from "../model/helpers.js";

/**
 * T1 loads X and takes `rare` only if it read 5, which no thread stores: `rare` is inlined (its
 * deviation is in the static list) but never runs, so the Never rests only on `common`'s.
 */
const scenario = `tlb procs_run
init {
  X = mmap anon private rw populate
}
proc rare(a: addr)
  follows 3.12..4.19
  deviation removes "rare skips a lock"
{
  quiet(1)
  store a 7
}
proc quiet(v: int)
  deviation removes "quiet runs silently"
{
  y = v + 1
}
proc common(a: addr)
  deviation removes "common skips a recheck"
{
  store a 3
}
proc folded(a: page)
  deviation removes "folded runs inside an atomic block"
{
  set_pte_at(a, pte_mkclean(ptep_get(a)))
}
thread T1 on cpu1 {
  r = load X
  if r == 5 {
    rare(X)
  } else {
    common(X)
  }
}
thread T2 on cpu2 {
  store X 1
  quiet(2)
  atomic {
    folded(X)
  }
}
exists (X == 7)
expect kernel 6.18 : never
`;

const ours = (r: RunResult): string[] =>
  r.reliesOn
    .filter((x) => ["rare", "common", "folded", "quiet"].includes(x.proc))
    .map((x) => x.reason);

describe("what a Never relies on: the procs its executions ran", () => {
  it("a proc inlined on an arm no execution takes adds nothing; one folded into an atomic step does", async () => {
    const [r] = await judge(scenario);
    expect(r!.verdict).toBe("never");
    // `quiet` takes no step: T2 runs its code between two steps, and `rare` would before its store.
    expect(ours(r!)).toEqual([
      "common skips a recheck",
      "folded runs inside an atomic block",
      "quiet runs silently",
    ]);
    // The static list still has all three (check's view: every proc the kernel inlines).
    expect(machineOf(scenario).program.procs).toEqual(
      expect.arrayContaining(["common", "folded", "quiet", "rare"]),
    );
    // `rare` follows 3.12..4.19: `check` warns (it inlines it), `run` does not (it never ran).
    expect(r!.outOfRange).toEqual([]);
    const warned = checkText(scenario, "t.tlb").warnings.filter((w) =>
      w.message.includes("`rare`"),
    );
    expect(warned.map((w) => w.code)).toEqual(["W001"]);
    // With T2's call gone, `quiet` is reached only on `rare`'s arm: it did not run.
    const [alone] = await judge(scenario.replace("  quiet(2)\n", ""));
    expect(ours(alone!)).toEqual(["common skips a recheck", "folded runs inside an atomic block"]);
  });

  it("--jobs 2 and the merged shards of --shard 1/2 and 2/2 rely on what the whole search does", () => {
    const dir = mkdtempSync(join(tmpdir(), "tlbl-procs-run-"));
    const file = join(dir, "t.tlb");
    writeFileSync(file, scenario);
    const tlbl = (...args: string[]): string => {
      const r = spawnSync(process.execPath, [join(root, "bin/tlbl.js"), ...args], {
        encoding: "utf8",
      });
      expect(r.stderr).toBe("");
      return r.stdout;
    };
    const reliesOn = (json: string): unknown =>
      (JSON.parse(json) as { reliesOn: unknown }[])[0]!.reliesOn;
    const whole = reliesOn(tlbl("run", "--json", file));
    expect(whole).toContainEqual({ proc: "common", reason: "common skips a recheck" });
    expect(reliesOn(tlbl("run", "--json", "--jobs", "2", file))).toEqual(whole);
    const parts = [1, 2].map((i) => {
      const part = join(dir, `shard-${i}.json`);
      writeFileSync(part, tlbl("run", "--json", "--shard", `${i}/2`, file));
      return part;
    });
    expect(reliesOn(tlbl("merge", "--json", ...parts))).toEqual(whole);
  });
});

/** A few random executions, each step's procs (as its origin names them) collected. */
function procsOfRandomWalks(m: ReturnType<typeof machineOf>, walks: number): Set<string> {
  const model = new Model(m);
  const ex = new Expander(model, {});
  const out = new Set<string>();
  let seed = 12345;
  const random = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  for (let w = 0; w < walks; w++) {
    let s = ex.initial();
    for (let depth = 0; depth < 400; depth++) {
      const moves: [Move, Uint32Array][] = [];
      ex.expand(s, (succ, move) => moves.push([move, succ.slice()]));
      if (moves.length === 0) break;
      const [move, succ] = moves[random(moves.length)]!;
      const next = new Uint32Array(s.length);
      const t = model.step(s, move, next);
      expect(t.kind).toBe("step");
      if (t.kind === "step") {
        const th = threadOf(move);
        const node = m.program.threads[th]!.nodes[t.node]!;
        if (node.k === "step" || node.k === "access")
          for (const p of node.origin.procs.slice(1)) out.add(p);
      }
      s = succ;
    }
  }
  return out;
}

describe("a reduced search marks every step an unreduced random execution takes (the library)", () => {
  for (const file of [
    "scenarios/zap/munmap-vs-page-mkclean.tlb",
    "scenarios/madvise/parallel-dontneed.tlb",
    "scenarios/mremap/dirty-after-check.tlb",
    "scenarios/reclaim/batched-flag-vs-zap.tlb",
  ]) {
    it(file, () => {
      const s = checkText(readRepoFile(file), file).scenario!;
      for (const e of s.expects) {
        const release = e.kernel.text;
        const built = buildMachine(s, { release, fixes: fixesFor(release, s.fixes.values()) });
        const m = built.machine!;
        const r = search(m, { order: "bfs", reduce: true, symmetry: true });
        const ran = new Set(procsRun(m.program, r.visited));
        for (const p of procsOfRandomWalks(m, 60)) expect(ran, `${release}: ${p}`).toContain(p);
        // And it is a real selection: fewer procs than the kernel inlines.
        expect(ran.size).toBeLessThan(m.program.procs.length);
      }
    });
  }
});
