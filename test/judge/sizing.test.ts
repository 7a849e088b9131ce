import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkText } from "../../src/cli/load.js";
import { runScenario } from "../../src/judge/run.js";
import type { RunRequest } from "../../src/explore/run.js";
import { root } from "../helpers.js";
import { buildMachine } from "../../src/model/machine.js";
import { Model } from "../../src/explore/model.js";
import { searchAll } from "../../src/explore/run.js";

/**
 * The values a state holds are sized from the scenario's numbers and widened when a run meets a
 * larger one (issue 10, item 4). Each case below ended in "the model is too small" before.
 */
async function run(text: string, extra: Partial<RunRequest> = {}) {
  const loaded = checkText(text, "sizing.tlb");
  expect(loaded.diagnostics).toEqual([]);
  return runScenario(loaded.scenario!, {
    ...searchAll,
    ...extra,
  });
}

const incrementers = (n: number): string => `tlb increments
init {
  X = mmap anon[1] private rw populate
}
${Array.from(
  { length: n },
  (_, i) => `thread T${i + 1} on cpu${i + 1} {
  a = load X
  store X (a + 1)
}`,
).join("\n")}
exists (X[0] == ${n})
`;

describe("value sizing", () => {
  it("holds a sum no literal writes: five threads increment a word to 5", async () => {
    const out = await run(incrementers(5));
    expect(out.modelError).toBeUndefined();
    expect(out.results[0]!.verdict).toBe("sometimes");
    expect(out.results[0]!.complete).toBe(true);
  });

  it("holds a negative value: a fault code stored, and a difference", async () => {
    const out = await run(`tlb negative
init {
  X = mmap anon[1] private rw
  Y = mmap anon[1] private rw populate
}
thread T1 on cpu1 {
  munmap X
  x = load X
  store Y x
  y = load Y
  store Y (y - 3)
}
exists (Y[0] == -5 && T1:x == segv)
`);
    expect(out.modelError).toBeUndefined();
    expect(out.results[0]!.verdict).toBe("always");
  });

  it("widens a register past the sizing (it used to be masked to its bits: a false Never)", async () => {
    const out = await run(`tlb wraps
init {
  X = mmap anon[1] private rw populate
  X[0] = 4
}
thread T1 on cpu1 {
  a = load X
  b = a + 7 + 7
}
exists (T1:b == 18)
`);
    expect(out.modelError).toBeUndefined();
    expect(out.results[0]!.verdict).toBe("always");
  });

  it("holds a refcount past 15: sixteen GUP references", async () => {
    const gups = Array.from({ length: 16 }, () => "  get_user_page(X)").join("\n");
    const out = await run(`tlb pinned
init {
  X = mmap anon[1] private rw populate
}
thread T1 on cpu1 {
${gups}
}
exists (X[0] == 0)
`);
    expect(out.modelError).toBeUndefined();
    expect(out.results[0]!.verdict).toBe("always");
  });

  it("widens the same way over worker threads (--jobs 2), and shards meet", () => {
    const dir = mkdtempSync(join(tmpdir(), "tlbl-sizing-"));
    const file = join(dir, "inc.tlb");
    writeFileSync(file, incrementers(4));
    const tlbl = (...args: string[]) => {
      const r = spawnSync(process.execPath, [join(root, "bin/tlbl.js"), ...args], {
        cwd: root,
        encoding: "utf8",
        env: { ...process.env, NO_COLOR: "1" },
      });
      expect(r.stderr).toBe("");
      return r.stdout;
    };
    type Answer = { verdict: string; states: number; executions: number; witnesses: number };
    const json = (...args: string[]) => JSON.parse(tlbl(...args)) as Answer[];
    const one = json("run", "--json", file)[0]!;
    const two = json("run", "--json", "--jobs", "2", file)[0]!;
    expect(two.verdict).toBe("sometimes");
    expect(two.states).toBe(one.states);
    expect(two.executions).toBe(one.executions);
    // Shards merge final states by value (Model.valuesKey), whatever sizing each one reached.
    for (const n of [2, 3]) {
      const parts = Array.from({ length: n }, (_, i) => {
        const part = join(dir, `shard-${i}.json`);
        writeFileSync(part, tlbl("run", "--json", "--shard", `${i + 1}/${n}`, file));
        return part;
      });
      const merged = json("merge", "--json", ...parts)[0]!;
      expect([merged.verdict, merged.executions, merged.witnesses]).toEqual([
        one.verdict,
        one.executions,
        one.witnesses,
      ]);
    }
  });

  it("says so, naming the limit, when values grow without bound", async () => {
    const out = await run(`tlb unbounded
init {
  X = mmap anon[1] private rw populate
}
thread T1 on cpu1 {
  while true {
    a = load X
    store X (a + 1000)
  }
}
exists (X[0] == 1)
`);
    expect(out.modelError).toMatch(/past tlbl's limit \(values up to ±1048575\)/);
  });
});

describe("a state's values key", () => {
  it("is the same whatever the sizing, though the bits differ", () => {
    const s = checkText(incrementers(2), "inc.tlb").scenario!;
    const config = { release: "6.1", fixes: new Map<string, boolean>() };
    const narrow = buildMachine(s, config, { sizing: { min: 0, max: 3, refcountBits: 4 } });
    const wide = buildMachine(s, config, { sizing: { min: -9, max: 300, refcountBits: 7 } });
    const [a, b] = [new Model(narrow.machine!), new Model(wide.machine!)];
    expect(Array.from(a.initial())).not.toEqual(Array.from(b.initial()));
    expect(a.valuesKey(a.initial())).toBe(b.valuesKey(b.initial()));
  });
});

describe("numbers past the limit", () => {
  it("are an error at check time, with the number", () => {
    const loaded = checkText(
      `tlb big
init {
  X = mmap anon[1] private rw
}
thread T1 on cpu1 {
  store X 2147483648
}
exists (X[0] == 0)
`,
      "big.tlb",
    );
    expect(loaded.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([
      "E202 a number in tlbl is at most 1048575, not 2147483648",
    ]);
  });
});
