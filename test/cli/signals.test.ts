import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { root } from "../helpers.js";

/**
 * SIGINT and SIGTERM to the command's PID (what Ctrl-C, `Popen.terminate()` or a CI runner
 * sends) end the run with the answer so far, marked partial, and exit 128 + the signal. The PID
 * is the launcher's, bin/tlbl, a shell script: it must exec node, or the signal would reach the
 * shell and leave the search running as an orphan.
 */
function interrupted(
  signal: "SIGINT" | "SIGTERM",
  ...args: string[]
): Promise<{ status: number | null; stdout: string }> {
  const child = spawn(join(root, "bin/tlbl"), args, {
    cwd: root,
    env: { ...process.env, NO_COLOR: "1" },
  });
  let stdout = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  // The unreduced numa search takes tens of seconds: the signal comes in the middle of it.
  const timer = setTimeout(() => child.kill(signal), 3000);
  return new Promise((resolve) =>
    child.on("exit", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout });
    }),
  );
}

const long = ["--no-reduce", "--no-symmetry", "scenarios/numa-tlb-flush-pending.tlb"];

describe("signals", () => {
  it("SIGTERM: the partial answer as JSON, exit 143", async () => {
    const r = await interrupted("SIGTERM", "run", "--json", ...long);
    expect(r.status).toBe(143);
    const out = JSON.parse(r.stdout) as { complete: boolean; stopReason: string }[];
    expect(out.length).toBe(1); // the second kernel never starts
    expect(out[0]).toMatchObject({ complete: false, stopReason: "interrupted" });
  });

  it("SIGINT: the partial answer as text, exit 130", async () => {
    const r = await interrupted("SIGINT", "run", ...long);
    expect(r.status).toBe(130);
    expect(r.stdout).toMatch(/the search stopped when interrupted/);
  });

  it("SIGTERM with --jobs 2: the workers stop too", async () => {
    const r = await interrupted("SIGTERM", "run", "--json", "--jobs", "2", ...long);
    expect(r.status).toBe(143);
    const out = JSON.parse(r.stdout) as { complete: boolean; stopReason: string }[];
    expect(out[0]).toMatchObject({ complete: false, stopReason: "interrupted" });
  });
});

describe("limits", () => {
  it("--max-states stops within one expansion's successors of its value", async () => {
    const { spawnSync } = await import("node:child_process");
    const r = spawnSync(
      process.execPath,
      [join(root, "bin/tlbl.js"), "run", "--json", "--max-states", "1000", ...long],
      { cwd: root, encoding: "utf8" },
    );
    expect(r.status).toBe(3);
    const out = JSON.parse(r.stdout) as { states: number; stopReason: string }[];
    for (const o of out) {
      expect(o.stopReason).toBe("max-states");
      // Before: checked every 4,096 expansions, it stopped at 9,578.
      expect(o.states).toBeGreaterThanOrEqual(1000);
      expect(o.states).toBeLessThan(1100);
    }
  });

  it("a heap at its limit ends with the partial answer and exit 3, not a V8 abort", async () => {
    const { spawnSync } = await import("node:child_process");
    const { mkdtempSync, writeFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    // Four threads of loads and stores: ~50,000 outcomes and ~77,000 final states to collect.
    const threads = [1, 2, 3, 4].map(
      (i) =>
        `thread T${i} on cpu${i} {\n  a = load X\n  store X (a + ${i})\n  b = load Y\n  store Y (b + a)\n  c = load X\n}\n`,
    );
    const file = join(mkdtempSync(join(tmpdir(), "tlbl-heap-")), "many.tlb");
    writeFileSync(
      file,
      `tlb many\ninit {\n  X = mmap anon[1] private rw populate\n  Y = mmap anon[1] private rw populate\n}\n${threads.join("")}`,
    );
    // 160 MB: building the machine fits (a load or a store now inlines ~870 program points; at
    // 120 MB the limit came while building, with nothing explored), the search does not.
    // A shard collects every final state for tlbl merge. Before: the search ended near the
    // heap's limit (V8's heap use, garbage included, checked against nothing) and printing its
    // JSON as one string aborted V8 (status 134, "JavaScript heap out of memory").
    const r = spawnSync(
      process.execPath,
      [
        "--max-old-space-size=160",
        join(root, "bin/tlbl.js"),
        "run",
        "--json",
        "--no-reduce",
        "--no-symmetry",
        "--shard",
        "1/2",
        file,
      ],
      { cwd: root, encoding: "utf8" },
    );
    expect(r.stderr).not.toContain("out of memory");
    expect(r.status).toBe(3);
    const [o] = JSON.parse(r.stdout) as { complete: boolean; stopReason: string; states: number }[];
    expect(o).toMatchObject({ complete: false, stopReason: "max-memory" });
    expect(o!.states).toBeGreaterThan(0);
  }, 120_000);

  it("--jobs is capped at the cores there are, with a note", async () => {
    const { spawnSync } = await import("node:child_process");
    const { availableParallelism } = await import("node:os");
    const r = spawnSync(
      process.execPath,
      [
        join(root, "bin/tlbl.js"),
        "run",
        "--json",
        "--jobs",
        "100",
        "scenarios/reclaim-vs-munmap.tlb",
      ],
      { cwd: root, encoding: "utf8" },
    );
    expect(r.status).toBe(0);
    expect(r.stderr).toBe(
      `tlbl run: --jobs 100 capped at ${availableParallelism()}, the cores this machine has\n`,
    );
  });
});
