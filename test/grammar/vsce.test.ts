import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { root } from "../helpers.js";

/** `vsce package` on grammar/, as a release would run it: no prompt, the client bundled. */
describe("vsce package", () => {
  it("packages the extension unattended: client, grammar, snippets, icon", () => {
    const out = mkdtempSync(join(tmpdir(), "tlbl-vsix-"));
    try {
      const vsix = join(out, "tlbl.vsix");
      const r = spawnSync(
        process.execPath,
        [join(root, "node_modules/@vscode/vsce/vsce"), "package", "--no-dependencies", "-o", vsix],
        { cwd: join(root, "grammar"), encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
      );
      expect(r.status, r.stdout + r.stderr).toBe(0);
      // Zip entries keep their names in the clear.
      const zip = readFileSync(vsix).toString("latin1");
      for (const f of [
        "extension/dist/extension.js",
        "extension/tlb.tmLanguage.json",
        "extension/snippets.json",
        "extension/icon.png",
        "extension/package.json",
      ])
        expect(zip).toContain(f);
      expect(zip).not.toContain("extension/src/extension.ts");
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);
});
