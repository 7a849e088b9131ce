import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runTlbl } from "../helpers.js";

const tlbl = (...args: string[]) => runTlbl(args);

const dir = mkdtempSync(join(tmpdir(), "tlbl-merge-"));
const scenario = "scenarios/reclaim-vs-munmap.tlb";

function write(name: string, text: string): string {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
}

function shard(i: number, n: number): { file: string; json: Record<string, unknown>[] } {
  const out = tlbl("run", "--json", "--shard", `${i}/${n}`, scenario).stdout;
  return { file: write(`shard-${i}-${n}.json`, out), json: JSON.parse(out) };
}

describe("tlbl merge's input", () => {
  it("refuses what is not shard output, every problem at once, exit 2 (was: internal error, exit 4)", () => {
    const files = ["{}", "5", "null", "[null]"].map((t, i) => write(`bad${i}.json`, t));
    const r = tlbl("merge", ...files);
    expect(r.status).toBe(2);
    expect(r.stderr.split("\n").filter(Boolean)).toHaveLength(4);
    expect(r.stderr).not.toMatch(/internal error/);
  });

  it("refuses shard labels that are not i/n with 1 ≤ i ≤ n (was: taken as complete, or a hang)", () => {
    for (const label of ["abc", "1/0", "x", "3/2", "1/100000000"]) {
      const { json } = shard(1, 2);
      const f = write(`label.json`, JSON.stringify(json.map((e) => ({ ...e, shard: label }))));
      const r = tlbl("merge", f);
      expect(r.status, label).toBe(2);
      expect(r.stderr).toMatch(/is not i\/n/);
    }
  });

  it("refuses shards of two versions of a file, and a shard given twice", () => {
    const one = shard(1, 2);
    const two = shard(2, 2);
    const edited = write(
      "edited.json",
      JSON.stringify(two.json.map((e) => ({ ...e, hash: "0".repeat(32) }))),
    );
    expect(tlbl("merge", one.file, edited).stderr).toMatch(/two versions of the scenario/);
    const twice = tlbl("merge", one.file, one.file);
    expect(twice.status).toBe(2);
    expect(twice.stderr).toMatch(/given twice/);
    expect(tlbl("merge", one.file, two.file).status).toBe(0);
  });
});

describe("a lone shard", () => {
  it("says it is partial and settles nothing it did not find (was: Expected sometimes: FAILS, exit 1)", () => {
    const r = tlbl("run", "--shard", "1/2", scenario);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Partial: shard 1 of 2/);
    expect(r.stdout).not.toMatch(/FAILS/);
  });
});
