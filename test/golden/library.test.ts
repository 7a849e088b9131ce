import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { root } from "../helpers.js";

describe("the library's expected outputs (NAME.tlb.expected)", () => {
  it("tlbl test scenarios: every scenario prints what its .expected file holds", () => {
    const r = spawnSync(process.execPath, [join(root, "bin/tlbl.js"), "test", "scenarios"], {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: undefined },
    });
    expect(r.stderr).toBe("");
    // On a mismatch the output is the diff: review it, then `tlbl test --promote FILE`.
    expect(r.stdout.split("\n").filter((l) => l !== "" && !l.endsWith(": OK"))).toEqual([]);
    expect(r.status).toBe(0);
  }, 1_800_000);
});
