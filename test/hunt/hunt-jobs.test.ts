import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { inWorkers } from "../../src/hunt/parallel.js";
import { candidate, defaultVocabulary } from "../../src/hunt/vocabulary.js";
import { root, runTlbl } from "../helpers.js";

const tlbl = (...args: string[]) => runTlbl(args);

// The seed race's words: 50 candidates hold one finding (7) and its duplicates (46, 48).
const seedWords = ["-k", "4.8", "--kinds", "file-shared", "--ops", "store,fadvise,mremap"];
const small = [...seedWords, "--threads", "2"];

/** A hunt's results without the times, by index; its findings' files and texts. */
function outcome(out: string): { results: unknown[]; files: Record<string, string> } {
  const results = readFileSync(join(out, "results.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => {
      const { ms: _ms, ...rest } = JSON.parse(l) as { ms: number; index: number };
      return rest;
    })
    .sort((a, b) => a.index - b.index);
  const files: Record<string, string> = {};
  for (const f of readdirSync(out).filter((f) => f.endsWith(".tlb")))
    files[f] = readFileSync(join(out, f), "utf8");
  return { results, files };
}

describe("tlbl hunt --jobs", () => {
  it("--jobs 2 gives the same results and findings as one job on the same count", () => {
    const dir = mkdtempSync(join(tmpdir(), "tlbl-hunt-jobs-"));
    const one = tlbl("hunt", ...small, "--budget", "50", "--out", join(dir, "one"));
    const two = tlbl("hunt", ...small, "--budget", "50", "--jobs", "2", "--out", join(dir, "two"));
    expect(one.status, one.stderr).toBe(0);
    expect(two.status, two.stderr).toBe(0);
    const a = outcome(join(dir, "one"));
    const b = outcome(join(dir, "two"));
    expect(a.results).toHaveLength(50);
    expect(Object.keys(a.files)).not.toHaveLength(0); // something to compare
    expect(b).toEqual(a);
    expect(two.stdout.split("\n").at(-2)).toMatch(/^50 scenarios in .* 1 new findings, 2 dup/);
  });

  it("caps --jobs at the cores, with a note", () => {
    const out = mkdtempSync(join(tmpdir(), "tlbl-hunt-jobs-"));
    const r = tlbl(
      "hunt",
      ...small,
      "--ops",
      "store",
      "--budget",
      "1",
      "--jobs",
      "512",
      "--out",
      out,
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/--jobs 512 capped at \d+, the cores this machine has/);
  });

  it("a worker's error ends the hunt with that error, and stops the other workers", async () => {
    // The compiled module (npm run build): a worker cannot load TypeScript.
    const url = pathToFileURL(join(root, "dist/src/hunt/parallel.js"));
    const good = candidate(0, defaultVocabulary);
    const bad = { ...good, threads: [[{ op: "no-such-step", page: 0 }]] };
    // One worker takes candidate 0 while the other fails on 1: the hunt must not wait for 2…5.
    let n = 0;
    const next = () => (n < 6 ? { index: n, candidate: n++ === 1 ? bad : good } : undefined);
    const started = Date.now();
    await expect(inWorkers(2, next, () => {}, { releases: ["4.8"] }, url)).rejects.toThrow(
      /undefined/,
    );
    expect(Date.now() - started).toBeLessThan(60_000);
  });

  it("refuses to resume a results file of another corpus, or of other releases", () => {
    const out = mkdtempSync(join(tmpdir(), "tlbl-hunt-jobs-"));
    const results = join(out, "results.jsonl");
    const line = {
      index: 0,
      shard: "1/1",
      corpus: "v1 kinds=anon ops=store threads=2..2 steps=1..3 pages=1..2",
      releases: ["6.1"],
      outcome: "quiet",
      findings: [],
      ms: 1,
    };
    writeFileSync(results, JSON.stringify(line) + "\n");
    const r = tlbl("hunt", ...small, "--budget", "1", "--out", out);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/results.jsonl:1: results of another corpus \(v1 kinds=anon/);
    expect(r.stderr).toMatch(/results.jsonl:1: results hunted on 6.1, not 4.8/);
    expect(readdirSync(out)).toEqual(["results.jsonl"]); // nothing ran
  });

  it("SIGINT with --jobs 2 keeps what ended, exits 130, and a rerun skips it", async () => {
    const out = mkdtempSync(join(tmpdir(), "tlbl-hunt-jobs-"));
    const results = join(out, "results.jsonl");
    const args = ["hunt", ...small, "--budget", "1h", "--jobs", "2", "--out", out];
    const child = spawn(process.execPath, [join(root, "bin/tlbl.js"), ...args], { cwd: root });
    const status = await new Promise<number | null>((resolve) => {
      const poll = setInterval(() => {
        if (existsSync(results) && readFileSync(results, "utf8").split("\n").length > 4) {
          clearInterval(poll);
          child.kill("SIGINT");
        }
      }, 100);
      child.on("exit", (code) => {
        clearInterval(poll);
        resolve(code);
      });
    });
    expect(status).toBe(130);
    const indexes = readFileSync(results, "utf8")
      .trim()
      .split("\n")
      .map((l) => (JSON.parse(l) as { index: number }).index);
    expect(new Set(indexes).size).toBe(indexes.length);
    // The candidates under way (two at most) were dropped: a rerun of three runs them, and
    // passes every one that is done.
    const again = tlbl("hunt", ...small, "--budget", "3", "--out", out, "--json");
    expect(again.status, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ skipped: indexes.length, tried: 3 });
  });
});
