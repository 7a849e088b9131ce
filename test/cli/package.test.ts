import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { root } from "../helpers.js";

/**
 * The npm package as a consumer sees it (npm test builds dist/ first). .ci/smoke-package does the
 * same from a packed tarball installed from the registry; this runs without the network.
 */

interface Manifest {
  main: string;
  types: string;
  exports: Record<string, string | Record<string, string>>;
  bin: Record<string, string>;
  engines: { node: string };
}
const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as Manifest;

function packed(): string[] {
  const r = spawnSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
    cwd: root,
    encoding: "utf8",
  });
  expect(r.status).toBe(0);
  const [pack] = JSON.parse(r.stdout) as { files: { path: string }[] }[];
  return pack!.files.map((f) => f.path);
}

/** A folder whose node_modules/tlbl is this package, as `npm i` would leave it. */
function consumer(): string {
  const dir = mkdtempSync(join(tmpdir(), "tlbl-consumer-"));
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(root, join(dir, "node_modules", "tlbl"));
  writeFileSync(join(dir, "package.json"), '{"private":true,"type":"module"}\n');
  return dir;
}

function run(cwd: string, command: string, args: string[]) {
  const r = spawnSync(command, args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("the npm package", () => {
  it("ships every entry point it names, docs and scenarios, and no snapshot blob", () => {
    const files = new Set(packed());
    const named = [
      manifest.main,
      manifest.types,
      ...Object.values(manifest.bin),
      ...Object.values(manifest.exports).flatMap((e) =>
        typeof e === "string" ? [e] : Object.values(e),
      ),
    ].map((p) => p.replace(/^\.\//, ""));
    for (const p of named) expect(files, p).toContain(p);
    expect(files).toContain("docs/diagnostics.md");
    expect(files).toContain("scenarios/mremap/dirty-after-check.tlb");
    expect(files).toContain("src/kernel/fixes.tlb");
    expect([...files].filter((f) => f.endsWith(".blob"))).toEqual([]);
    expect([...files].filter((f) => f.startsWith("dist/bench/"))).toEqual([]);
  });

  it("engines asks for the node that has every API the code uses (styleText: 20.12)", () => {
    expect(manifest.engines.node).toBe(">=20.12");
  });

  it("imports as a consumer would: the library and the prettier plugin", () => {
    const dir = consumer();
    const r = run(dir, "node", [
      "--input-type=module",
      "-e",
      `const t = await import("tlbl");
       const p = (await import("tlbl/prettier")).default;
       const fs = await import("node:fs");
       const text = fs.readFileSync(${JSON.stringify(join(root, "scenarios/reclaim-vs-munmap.tlb"))}, "utf8");
       const r = t.parse(text, "x.tlb");
       console.log(typeof t.check, typeof t.formatTlb, Object.keys(p.parsers).join(), r.diagnostics.length);`,
    ]);
    expect(r.stderr).toBe("");
    expect(r.stdout.trim()).toBe("function function tlb 0");
  });

  it("prettier formats through tlbl/prettier under the folder's .prettierrc, as tlbl fmt does", () => {
    const dir = consumer();
    writeFileSync(join(dir, ".prettierrc"), '{"printWidth":60,"plugins":["tlbl/prettier"]}\n');
    const source = join(root, "scenarios/mremap/dirty-after-check.tlb");
    copyFileSync(source, join(dir, "a.tlb"));
    copyFileSync(source, join(dir, "b.tlb"));
    const prettier = join(root, "node_modules/prettier/bin/prettier.cjs");
    expect(run(dir, "node", [prettier, "--write", "a.tlb"]).status).toBe(0);
    const viaPrettier = readFileSync(join(dir, "a.tlb"), "utf8");
    expect(viaPrettier).not.toBe(readFileSync(source, "utf8"));
    const tlbl = join(root, "bin/tlbl");
    expect(run(dir, tlbl, ["fmt", "--check", "a.tlb"])).toMatchObject({ status: 0, stdout: "" });
    expect(run(dir, tlbl, ["fmt", "--write", "b.tlb"]).status).toBe(0);
    expect(readFileSync(join(dir, "b.tlb"), "utf8")).toBe(viaPrettier);
  });
});
