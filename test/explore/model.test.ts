import { describe, expect, it } from "vitest";
import {
  EXPANDED,
  FINAL,
  Model,
  isEvicted,
  maxThreads,
  moveOf,
  storedMove,
  threadOf,
  type Expansion,
} from "../../src/explore/model.js";
import { runSchedule } from "../../src/explore/schedule.js";
import { buildMachine, type Machine } from "../../src/model/machine.js";
import { fixesFor } from "../../src/semantics/kernel-versions.js";
import { readRepoFile } from "../helpers.js";
import { machineOf, scenarioOf } from "../model/helpers.js";

/** Two threads on one page, a stale writable TLB entry, and an after block that reads the disk. */
const evictAndAfter = `tlb model_parts
option tlb_evict
init {
  file F = [0]
  X = mmap F[0] shared r populate
  tlb cpu1 X rw dirty
}
thread T1 on cpu1 {
  w = store X 7
}
thread T2 on cpu2 {
  mprotect X r
}
after {
  r = pread F[0]
}
exists (T1:w == ok)
`;

/** Every reachable state of the plain model, through `expand` alone. */
function reachable(model: Model): Uint32Array[] {
  const out = model.successorBuffers();
  const seen = new Set<string>();
  const states: Uint32Array[] = [];
  const visit = (s: Uint32Array): void => {
    const key = s.join(",");
    if (seen.has(key)) return;
    seen.add(key);
    states.push(s);
  };
  visit(model.initial());
  for (let i = 0; i < states.length; i++) {
    model.expand(states[i]!, out);
    for (let th = 0; th < model.threads; th++) {
      if (out.ordinary[th]) visit(out.ordinaryNext[th]!.slice());
      if (out.evicted[th]) visit(out.evictedNext[th]!.slice());
    }
  }
  return states;
}

function machineOfFile(file: string, release: string): Machine {
  const s = scenarioOf(readRepoFile(file), file);
  const built = buildMachine(s, { release, fixes: fixesFor(release, s.fixes.values()) });
  return built.machine!;
}

describe("moves", () => {
  it("name a thread and whether its TLB entry was evicted, in a byte", () => {
    for (let th = 0; th < maxThreads; th++)
      for (const evicted of [false, true]) {
        const move = moveOf(th, evicted);
        expect([threadOf(move), isEvicted(move)]).toEqual([th, evicted]);
        expect(move).toBeLessThan(256);
        expect(storedMove(new Uint8Array([move])[0]!)).toBe(move);
      }
  });
});

describe("the model's two views of a state agree", () => {
  const machines: [string, Machine][] = [
    ["tlb_evict and an after block", machineOf(evictAndAfter)],
    ["mremap-vs-page-mkclean 4.8", machineOfFile("scenarios/mremap-vs-page-mkclean.tlb", "4.8")],
    ["reclaim-vs-munmap 4.12", machineOfFile("scenarios/reclaim-vs-munmap.tlb", "4.12")],
  ];
  for (const [name, m] of machines)
    it(`${name}: expand() enables exactly the moves step() takes, with the same successors`, () => {
      const model = new Model(m);
      const out = model.successorBuffers();
      const next = new Uint32Array(model.words);
      const kinds = new Set<string>();
      for (const s of reachable(model)) {
        const expansion: Expansion = model.expand(s, out);
        let enabled = 0;
        let allFinished = true;
        for (let th = 0; th < model.threads; th++) {
          const ordinary = model.step(s, moveOf(th, false), next);
          kinds.add(ordinary.kind);
          expect(out.ordinary[th]).toBe(ordinary.kind === "step" ? 1 : 0);
          if (ordinary.kind === "step") expect(next).toEqual(out.ordinaryNext[th]);
          expect(out.finished[th]).toBe(ordinary.kind === "finished" ? 1 : 0);
          if (ordinary.kind !== "finished") allFinished = false;
          const evicted = model.step(s, moveOf(th, true), next);
          if (evicted.kind === "step") kinds.add("evicted step");
          expect(out.evicted[th]).toBe(evicted.kind === "step" ? 1 : 0);
          if (evicted.kind === "step") expect(next).toEqual(out.evictedNext[th]);
          enabled += out.enabled[th]!;
        }
        expect(out.enabledCount).toBe(enabled);
        if (enabled > 0) expect(expansion).toBe(EXPANDED);
        else expect(expansion === FINAL).toBe(allFinished);
      }
      if (name.startsWith("tlb_evict")) {
        expect(kinds).toContain("evicted step");
        expect(kinds).toContain("waiting");
      } else expect(kinds).toContain("blocked");
    });
});

describe("the after block", () => {
  it("waits until every thread has finished", () => {
    const m = machineOf(evictAndAfter);
    const model = new Model(m);
    const after = m.afterThread;
    const next = new Uint32Array(model.words);
    for (const s of reachable(model)) {
      const others = Array.from({ length: model.threads }, (_, th) => th)
        .filter((th) => th !== after)
        .map((th) => model.step(s, moveOf(th, false), next).kind);
      const kind = model.step(s, moveOf(after, false), next).kind;
      if (others.some((k) => k !== "finished")) expect(kind).toBe("waiting");
      else expect(kind).not.toBe("waiting");
    }
  });
});

describe("evicted moves", () => {
  it("exist only with the tlb_evict option (or at a choice, which this program has not at its start)", () => {
    const without = machineOf(evictAndAfter.replace("option tlb_evict\n", ""));
    const model = new Model(without);
    const tr = model.step(model.initial(), moveOf(0, true), new Uint32Array(model.words));
    expect(tr.kind).toBe("unavailable");
    const run = runSchedule(without, [{ thread: 0, kind: "evicted" }]);
    expect(run.ok ? "" : run.message).toMatch(
      /neither an access whose TLB entry could be evicted nor a choice/,
    );
    expect(runSchedule(machineOf(evictAndAfter), [{ thread: 0, kind: "evicted" }]).ok).toBe(true);
  });
});
