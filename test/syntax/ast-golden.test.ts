import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "../../src/syntax/parse.js";
import { accepting, readRepoFile, root, scenarioFiles } from "../helpers.js";

/** The AST of every scenario, against test/golden/ast/<name>.json. */
describe("AST goldens", () => {
  for (const file of scenarioFiles()) {
    it(file, () => {
      const r = parse(readRepoFile(file), file);
      expect(r.diagnostics).toEqual([]);
      const actual = `${JSON.stringify(r.ast, null, 1)}\n`;
      const golden = join(root, "test/golden/ast", `${basename(file, ".tlb")}.json`);
      if (accepting) {
        mkdirSync(dirname(golden), { recursive: true });
        writeFileSync(golden, actual);
      }
      // A scenario without a golden fails: `npm run golden:accept` writes it after review.
      expect(existsSync(golden), `${golden} is missing`).toBe(true);
      expect(actual).toBe(readFileSync(golden, "utf8"));
    });
  }
});
