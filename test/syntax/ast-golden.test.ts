import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "../../src/syntax/parse.js";
import { accepting, readRepoFile, root, scenarioFiles } from "../helpers.js";

const goldenDir = join(root, "test/golden/ast");
const goldenOf = (file: string): string => join(goldenDir, `${basename(file, ".tlb")}.json`);

/**
 * The AST of every scenario, against test/golden/ast/<name>.json. `npm run golden:accept`
 * (TLBL_ACCEPT=1) writes them after review and compares nothing; otherwise a missing golden
 * fails, and so does a golden left behind by a scenario that is gone.
 */
describe("AST goldens", () => {
  for (const file of scenarioFiles()) {
    it(file, () => {
      const r = parse(readRepoFile(file), file);
      expect(r.diagnostics).toEqual([]);
      const actual = `${JSON.stringify(r.ast, null, 1)}\n`;
      const golden = goldenOf(file);
      if (accepting) {
        mkdirSync(goldenDir, { recursive: true });
        writeFileSync(golden, actual);
        return;
      }
      expect(existsSync(golden), `${golden} is missing: run npm run golden:accept`).toBe(true);
      expect(actual).toBe(readFileSync(golden, "utf8"));
    });
  }

  it("one golden per scenario: no two scenarios share a name, no golden is left over", () => {
    const names = scenarioFiles().map((f) => `${basename(f, ".tlb")}.json`);
    expect(new Set(names).size).toBe(names.length);
    if (accepting) return;
    expect(readdirSync(goldenDir).sort()).toEqual([...names].sort());
  });
});
