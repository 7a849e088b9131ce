import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { root } from "../helpers.js";
// @ts-expect-error: a plain ES module script, shared with `node scripts/pin-counts.mjs`
import { modes, pinnedRun } from "../../scripts/pin-counts.mjs";

/**
 * Refactorings must not move the library's verdicts or its state counts, with the reductions
 * on or off. A model change that is meant to move them rewrites the file with
 * `node scripts/pin-counts.mjs` and says in its commit which kernel commit explains the move.
 */
const pinned = JSON.parse(readFileSync(join(root, "test/pinned/counts.json"), "utf8")) as Record<
  string,
  unknown
>;

describe("pinned verdicts and state counts of the library", () => {
  for (const [mode, flags] of Object.entries(modes as Record<string, string[]>))
    it(`${mode}: every scenario and kernel as pinned`, () => {
      process.chdir(root);
      expect(pinnedRun(flags)).toEqual(pinned[mode]);
    });
});
