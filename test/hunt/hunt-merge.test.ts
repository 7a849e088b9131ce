import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { MergedHunt } from "../../src/hunt/merge.js";
import { hunt } from "../../src/hunt/session.js";
import { defaultVocabulary, ops, type Vocabulary } from "../../src/hunt/vocabulary.js";
import { root, runTlbl } from "../helpers.js";

const tlbl = (...args: string[]) => runTlbl(args, { cwd: dir });

const dir = mkdtempSync(join(tmpdir(), "tlbl-hunt-merge-"));

// The seed race's words: candidates 7 and 46 (shard 2/3) and 48 (shard 1/3) minimise to the same
// race (7 is in the small tiers, 46 and 48 are random shapes).
const seedWords: Vocabulary = {
  ...defaultVocabulary,
  kinds: ["file-shared"],
  ops: ops.filter((o) => ["store", "fadvise", "mremap"].includes(o.name)),
  threads: [2, 2],
};

async function shard(index: number, budget: number, vocabulary = seedWords): Promise<string> {
  const results = join(dir, `s${index}-${vocabulary === seedWords ? "seed" : "other"}.jsonl`);
  await hunt({
    releases: ["4.8"],
    vocabulary,
    budget: { candidates: budget },
    shard: { index, count: 3 },
    out: join(dir, `found${index}`),
    results,
  });
  return results;
}

let s1: string, s2: string, s3: string;
beforeAll(async () => {
  // Up to candidate 48 on shard 1/3 (0, 3… 48) and 46 on 2/3 (1, 4… 46); 3/3 tries one.
  [s1, s2, s3] = [await shard(1, 17), await shard(2, 16), await shard(3, 1)];
}, 300_000);

describe("tlbl merge on hunt results", () => {
  it("combines the shards: candidates per shard, the same race on two shards once, by fix", () => {
    const text = tlbl("merge", s1, s2, s3);
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/: 34 candidates in 3 of 3 shards\n/);
    expect(text.stdout).toMatch(
      /shard 2\/3 .* 16 candidates in [\d.]+ s: 14 quiet, 0 open, 1 finding, 1 duplicate/,
    );
    expect(text.stdout).toContain('the race of 5d1904204c99 (4.9, "mremap: fix race');
    expect(text.stdout).toMatch(/3 candidates \(first 7\) on shards 1\/3, 2\/3/);
    expect(text.stdout).not.toMatch(/Partial/);
    const json = tlbl("merge", "--json", s3, s1, s2);
    const m = JSON.parse(json.stdout) as MergedHunt;
    expect(m.shards.map((s) => [s.shard, s.tried])).toEqual([
      ["1/3", 17],
      ["2/3", 16],
      ["3/3", 1],
    ]);
    expect(m.missing).toEqual([]);
    expect(m.races).toHaveLength(1);
    expect(m.races[0]).toMatchObject({
      monitor: "lost_write",
      kind: "file-shared",
      fix: { commit: "5d1904204c99" },
      releases: ["4.8"],
      candidates: [7, 46, 48],
      shards: ["1/3", "2/3"],
    });
    // Each shard wrote the race under the same name.
    const id = m.races[0]!.id;
    expect(readFileSync(join(dir, "found1", `${id}.tlb`), "utf8")).toContain("candidate 48");
    expect(readFileSync(join(dir, "found2", `${id}.tlb`), "utf8")).toContain("candidate 7)");
  });

  it("a partial merge says which shards are missing, and exits 3", () => {
    const r = tlbl("merge", s1, s3);
    expect(r.status).toBe(3);
    expect(r.stdout).toContain("  shard 2/3  missing");
    expect(r.stdout).toMatch(/Partial: 1 of 3 shards missing \(2\/3\)/);
    const json = JSON.parse(tlbl("merge", "--json", s1, s3).stdout) as MergedHunt;
    expect(json.missing).toEqual(["2/3"]);
  });

  it("refuses two corpora, a shard given twice, another split: every problem at once, exit 2", async () => {
    const other = await shard(3, 1, { ...seedWords, ops: ops.filter((o) => o.name === "store") });
    const split = join(dir, "split.jsonl");
    writeFileSync(split, readFileSync(s2, "utf8").replaceAll('"shard":"2/3"', '"shard":"2/4"'));
    const r = tlbl("merge", s1, s1, other, split);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    const errors = r.stderr.trim().split("\n");
    expect(errors).toContainEqual(
      expect.stringMatching(/s1-seed.jsonl: error: shard 1\/3 is given twice \(also in .*s1-seed/),
    );
    expect(errors).toContainEqual(
      expect.stringMatching(
        /s3-other.jsonl: error: the results of another corpus than .*s1-seed.jsonl:1's: "v3 kinds=file-shared ops=store threads/,
      ),
    );
    expect(errors).toContainEqual(
      expect.stringMatching(/split.jsonl: error: shard 2\/4 is of another split than 1\/3/),
    );
    // Candidates of another split are in the wrong shard too; counted, not listed line by line.
    expect(errors.length).toBeLessThan(12);
  });

  it("refuses lines that are not results, and a mix with run shards, naming file and line", () => {
    const broken = join(dir, "broken.jsonl");
    const lines = readFileSync(s3, "utf8").split("\n");
    writeFileSync(
      broken,
      [lines[0], '{"index": 2, "outcome": "quiet"}', "not json", ""].join("\n"),
    );
    const empty = join(dir, "empty.jsonl");
    writeFileSync(empty, "");
    const r = tlbl("merge", broken, join(root, "package.json"), empty);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/broken.jsonl:2: error: not a result of `tlbl hunt`: no `corpus`/);
    expect(r.stderr).toMatch(/broken.jsonl:3: error: not a result of `tlbl hunt`: not JSON/);
    expect(r.stderr).toMatch(/package.json: error: not the results of `tlbl hunt`/);
    expect(r.stderr).toMatch(/empty.jsonl: error: holds no results/);
    expect(r.stderr).not.toMatch(/internal error/);
  });

  it("a line cut off by a kill (no newline) is not a result: the merge goes on", () => {
    const cut = join(dir, "cut.jsonl");
    const text = readFileSync(s3, "utf8");
    writeFileSync(cut, text + text.slice(0, 40));
    const r = tlbl("merge", "--json", s1, s2, cut);
    expect(r.status, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as MergedHunt).tried).toBe(34);
  });
});
