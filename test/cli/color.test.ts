import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { root } from "../helpers.js";

/**
 * Colour follows the stream it is written to. `script` gives the command a terminal; inside it
 * stdout is sent to /dev/null, so only stderr, where diagnostics go, is a terminal.
 */
describe("colour on a terminal", () => {
  it("diagnostics on a terminal stderr are coloured even when stdout is redirected", () => {
    const dir = mkdtempSync(join(tmpdir(), "tlbl-color-"));
    const bad = join(dir, "bad.tlb");
    writeFileSync(bad, "tlb bad\nthread T1 { mremp X -> Y }\n");
    const env = { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, TERM: "xterm" };
    const r = spawnSync(
      "script",
      ["-qec", `node ${join(root, "bin/tlbl.js")} check ${bad} >/dev/null`, "/dev/null"],
      { encoding: "utf8", env },
    );
    expect(r.stdout).toContain("error");
    // The file name is bold, the label bold red, the code dim: every part, not some.
    expect(r.stdout).toContain(`\u001b[1m${bad}:2:`);
    expect(r.stdout).toContain("\u001b[31merror:");
    expect(r.stdout).toMatch(/\u001b\[2m\[E\d{3}\]/);
  });
});
