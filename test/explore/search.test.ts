import { describe, expect, it } from "vitest";
import { Model, moveOf } from "../../src/explore/model.js";
import { replay } from "../../src/explore/replay.js";
import { resolveSchedule, runSchedule } from "../../src/explore/schedule.js";
import { scheduleOption } from "../../src/explore/schedule-option.js";
import { search } from "../../src/explore/search.js";
import { runScenario } from "../../src/judge/run.js";
import type { Machine } from "../../src/model/machine.js";
import { readRepoFile, scenarioFiles } from "../helpers.js";
import { machineOf, scenarioOf } from "../model/helpers.js";

/** Every slot of a state, decoded: a representation independent of the packing and hashing. */
function decode(m: Machine, s: Uint32Array): string {
  return m.layout.slots.map((_, i) => m.runtime.rd(s, i)).join(",");
}

/**
 * A state's successors through the model's one-move interface (every move of every thread,
 * evicted ones included), and whether every thread has finished.
 */
function successors(model: Model, s: Uint32Array): { next: Uint32Array[]; finished: boolean } {
  const next: Uint32Array[] = [];
  let finished = true;
  for (let th = 0; th < model.threads; th++) {
    for (const evicted of [false, true]) {
      const t = new Uint32Array(s.length);
      const tr = model.step(s, moveOf(th, evicted), t);
      if (tr.kind === "step") next.push(t);
      if (!evicted && tr.kind !== "finished") finished = false;
    }
  }
  return { next, finished };
}

/** A plain breadth-first search with a Set of decoded strings: the reference for the store. */
function naiveSearch(m: Machine): { states: number; finals: Set<string> } {
  const model = new Model(m);
  const seen = new Set<string>([decode(m, m.initial)]);
  const finals = new Set<string>();
  let frontier = [m.initial];
  while (frontier.length) {
    const next: Uint32Array[] = [];
    for (const s of frontier) {
      const succ = successors(model, s);
      for (const t of succ.next) {
        const key = decode(m, t);
        if (!seen.has(key)) {
          seen.add(key);
          next.push(t);
        }
      }
      if (succ.finished) finals.add(decode(m, s));
    }
    frontier = next;
  }
  return { states: seen.size, finals };
}

/** Every interleaving, no visited set at all: for tiny scenarios only. */
function statelessFinals(m: Machine): Set<string> {
  const model = new Model(m);
  const finals = new Set<string>();
  const walk = (s: Uint32Array): void => {
    const succ = successors(model, s);
    succ.next.forEach(walk);
    if (succ.next.length === 0) finals.add(decode(m, s));
  };
  walk(m.initial);
  return finals;
}

const small = scenarioFiles().filter((f) => !f.includes("numa"));

describe("the visited set", () => {
  for (const file of small) {
    it(`${file}: the packed store and a naive search agree on states and final states`, async () => {
      const s = scenarioOf(readRepoFile(file), file);
      const out = await runScenario(s, {
        kernels: [],
        fixes: [],
        schedule: undefined,
        order: "bfs",
      });
      for (const r of out.results) {
        const finals = new Set<string>();
        const res = search(r.machine, {
          order: "bfs",
          onFinal: (st) => finals.add(decode(r.machine, st)),
        });
        const naive = naiveSearch(r.machine);
        expect(res.states).toBe(naive.states);
        expect([...finals].sort()).toEqual([...naive.finals].sort());
        const dfs = search(r.machine, { order: "dfs" });
        expect([dfs.states, dfs.positive, dfs.negative]).toEqual([
          res.states,
          res.positive,
          res.negative,
        ]);
      }
    });
  }

  it("a stateless search over every interleaving finds the same final states", async () => {
    const m = machineOf(`tlb tiny
init {
  X = mmap anon private rw populate
  Y = mmap anon private rw populate
}
thread T1 on cpu1 {
  store X 1
  r = load Y
}
thread T2 on cpu2 {
  store Y 1
  s = load X
}
exists (T1:r == 0 && T2:s == 0)
`);
    const finals = new Set<string>();
    search(m, { order: "bfs", onFinal: (st) => finals.add(decode(m, st)) });
    expect([...finals].sort()).toEqual([...statelessFinals(m)].sort());
  });

  it("the after block waits for every thread, with and without the reductions", async () => {
    const text = `tlb after_last
init {
  file F = [0]
}
thread T1 on cpu1 {
  pwrite F[0] 1
  pwrite F[0] 2
}
after {
  r = pread F[0]
}
forall (after:r == 2)
`;
    for (const reduce of [false, true]) {
      const out = await runScenario(scenarioOf(text), {
        kernels: [],
        fixes: [],
        schedule: undefined,
        order: "bfs",
        reduce,
      });
      expect(
        out.results.map((r) => [r.verdict, r.deadlocks]),
        `reduce ${reduce}`,
      ).toEqual([["always", 0]]);
    }
  });
});

describe("witnesses replay", () => {
  for (const file of small) {
    it(`${file}: every printed schedule, run back through --schedule, reaches the witness's final state`, async () => {
      const s = scenarioOf(readRepoFile(file), file);
      const out = await runScenario(s, {
        kernels: [],
        fixes: [],
        schedule: undefined,
        order: "bfs",
      });
      expect(out.results.some((r) => r.schedule !== undefined)).toBe(true);
      for (const r of out.results) {
        if (r.schedule === undefined) continue;
        const option = scheduleOption(s, r.schedule!);
        if ("error" in option) throw new Error(option.error.message);
        const model = new Model(r.machine);
        const run = runSchedule(r.machine, resolveSchedule(r.machine, option.items));
        expect(run.ok).toBe(true);
        const steps = replay(r.machine, r.witness!.path);
        const final = steps[steps.length - 1]!.after;
        if (run.ok) expect(decode(r.machine, run.final)).toBe(decode(r.machine, final));
        for (let th = 0; th < model.threads; th++) {
          const tr = model.step(final, moveOf(th, false), new Uint32Array(final.length));
          expect(tr.kind).toBe("finished");
        }
      }
    });
  }

  it("an unknown schedule name is E106", async () => {
    const file = small[0]!;
    const s = scenarioOf(readRepoFile(file), file);
    expect(scheduleOption(s, "from_comit_message")).toEqual({
      error: {
        code: "E106",
        message:
          "no schedule `from_comit_message` in this file; did you mean `from_commit_message`?",
      },
    });
  });
});
