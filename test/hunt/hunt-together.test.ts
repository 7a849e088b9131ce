import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runTlbl } from "../helpers.js";

describe("tlbl hunt: a race two fixes closed", () => {
  it("names both, on its line and in the finding's never expectation", () => {
    const out = mkdtempSync(join(tmpdir(), "tlbl-hunt-together-"));
    const r = runTlbl([
      "hunt",
      ...["-k", "3.14", "--kinds", "file-shared", "--ops", "store,fadvise,munmap"],
      ...["--threads", "2", "--budget", "12", "--out", out],
    ]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /lost_write on 3\.14; the race of 1cf35d47712d and 5df397dec7c4 together\n/,
    );
    const file = readdirSync(out).find((f) => f.endsWith(".tlb"))!;
    const text = readFileSync(join(out, file), "utf8");
    expect(text).toContain(
      "expect kernel 3.14 with fix 1cf35d47712d on, fix 5df397dec7c4 on : never",
    );
    // The finding's expectations hold: it runs as a scenario.
    const run = runTlbl(["run", "--quiet", join(out, file)]);
    expect(run.status, run.stdout + run.stderr).toBe(0);
  });
});
