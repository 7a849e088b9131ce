import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { root } from "../helpers.js";

/**
 * The SYNTAX TEST files in test/grammar/syntax/ (scopes asserted under each line, the format of
 * Sublime Text's syntax tests), run by vscode-tmgrammar-test against the committed grammar.
 */
const cli = join(
  createRequire(import.meta.url).resolve("vscode-tmgrammar-test/package.json"),
  "..",
  "dist",
  "unit.js",
);

describe("SYNTAX TEST files", () => {
  const files = readdirSync(join(root, "test/grammar/syntax")).filter((f) => f.endsWith(".tlb"));

  it("exist", () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)("%s passes vscode-tmgrammar-test", (file) => {
    const r = spawnSync(
      process.execPath,
      [cli, "--compact", "-g", "grammar/tlb.tmLanguage.json", `test/grammar/syntax/${file}`],
      { cwd: root, encoding: "utf8" },
    );
    expect(r.stdout + r.stderr).not.toMatch(/failed|error/i);
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });
});
