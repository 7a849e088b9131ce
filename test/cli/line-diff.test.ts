import { describe, expect, it } from "vitest";
import { lineDiff } from "../../src/cli/line-diff.js";

describe("tlbl test's diff", () => {
  it("shows removed then added lines with context, and each hunk's place", () => {
    const a = ["a", "b", "c", "d", "e", "f", "g", "h"].join("\n");
    const b = ["a", "b", "c", "D", "e", "f", "g", "h", "i"].join("\n");
    expect(lineDiff(a, b, 1)).toBe(
      [
        "@@ at line 3 of the output",
        " c",
        "-d",
        "+D",
        " e",
        "@@ at line 8 of the output",
        " h",
        "+i",
      ].join("\n"),
    );
    expect(lineDiff(a, a)).toBe("");
  });
});
