import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
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

/** Runs a command as a user's shell would (npm test builds dist/ and the snapshot first). */
function sh(command: string, env: Record<string, string> = {}) {
  const r = spawnSync("sh", ["-c", command], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: undefined, ...env },
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** The report without its timing lines, which differ from run to run. */
const untimed = (s: string): string =>
  s
    .split("\n")
    .filter((l) => !l.startsWith("Time "))
    .join("\n");

const scenario = "scenarios/mremap/dirty-after-check.tlb";

describe("bin/tlbl, the launcher that starts from the V8 snapshot", () => {
  it("npm run build made the snapshot for this node, and this node starts from it", () => {
    expect(existsSync(join(root, "dist/tlbl.blob"))).toBe(true);
    const builder = readFileSync(join(root, "dist/tlbl.blob.node"), "utf8").trim();
    expect(builder).toBe(sh('readlink -f "$(command -v node)"').stdout.trim());
    // node refuses a blob it cannot load with status 14; this one answers as tlbl.
    const r = sh("node --snapshot-blob dist/tlbl.blob -- check /nonexistent.tlb");
    expect([r.status, r.stderr]).toEqual([
      2,
      "/nonexistent.tlb: error: cannot read: no such file [E001]\n/nonexistent.tlb: 1 error\n",
    ]);
  });

  it("prints what the bundle prints, and exits with its status", () => {
    const fromSnapshot = sh(`bin/tlbl run ${scenario}`);
    const fromBundle = sh(`node bin/tlbl.js run ${scenario}`);
    expect(fromSnapshot.stderr).toBe("");
    expect(fromSnapshot.status).toBe(0);
    expect(untimed(fromSnapshot.stdout)).toBe(untimed(fromBundle.stdout));
    const bad = sh("bin/tlbl check /nonexistent.tlb");
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("/nonexistent.tlb: error: cannot read");
  });

  it("runs through a symbolic link, as npm installs it", () => {
    const dir = mkdtempSync(join(tmpdir(), "tlbl-link-"));
    symlinkSync(join(root, "bin/tlbl"), join(dir, "tlbl"));
    const r = sh(`${dir}/tlbl run ${scenario}`);
    expect([r.status, r.stderr]).toEqual([0, ""]);
    expect(r.stdout).toContain("Expected sometimes: holds");
  });

  it("--version and --help are tlbl's, not node's", () => {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string };
    expect(sh("bin/tlbl --version").stdout.trim()).toBe(pkg.version);
    expect(sh("bin/tlbl --help").stdout).toContain("Usage: tlbl");
  });

  it("--jobs and fmt take the bundle, and work", () => {
    const jobs = sh(`bin/tlbl run -j 2 ${scenario}`);
    expect(jobs.stderr).toBe("");
    const verdicts = (s: string) => s.split("\n").filter((l) => l.startsWith("Expected"));
    expect(verdicts(jobs.stdout)).toEqual(verdicts(sh(`node bin/tlbl.js run ${scenario}`).stdout));
    expect(verdicts(jobs.stdout)).toHaveLength(3);
    expect(sh(`bin/tlbl fmt --check ${scenario}`).status).toBe(0);
  });

  it("a snapshot this node cannot load is skipped: the bundle runs instead", () => {
    const dir = mkdtempSync(join(tmpdir(), "tlbl-launcher-"));
    mkdirSync(join(dir, "bin"));
    mkdirSync(join(dir, "dist"));
    copyFileSync(join(root, "bin/tlbl"), join(dir, "bin/tlbl"));
    copyFileSync(join(root, "bin/tlbl.js"), join(dir, "bin/tlbl.js"));
    symlinkSync(join(root, "dist/tlbl.mjs"), join(dir, "dist/tlbl.mjs"));
    symlinkSync(join(root, "package.json"), join(dir, "package.json"));
    symlinkSync(join(root, "src"), join(dir, "src"));
    symlinkSync(join(root, "node_modules"), join(dir, "node_modules"));
    const expected = untimed(sh(`node bin/tlbl.js run ${scenario}`).stdout);
    // Built by another node: bin/tlbl does not even try it.
    copyFileSync(join(root, "dist/tlbl.blob"), join(dir, "dist/tlbl.blob"));
    writeFileSync(join(dir, "dist/tlbl.blob.node"), "/opt/other/bin/node\n");
    const other = sh(`sh ${dir}/bin/tlbl run ${scenario}`);
    expect([other.status, other.stderr]).toEqual([0, ""]);
    expect(untimed(other.stdout)).toBe(expected);
    // This node, other V8 flags (as a node upgraded in place would be): node refuses it with
    // status 14 and bin/tlbl falls back.
    const built = sh(
      `node --no-opt --snapshot-blob ${dir}/dist/tlbl.blob --build-snapshot ${root}/dist/tlbl-snapshot.cjs`,
    );
    expect(built.status).toBe(0);
    copyFileSync(join(root, "dist/tlbl.blob.node"), join(dir, "dist/tlbl.blob.node"));
    const refused = sh(`sh ${dir}/bin/tlbl run ${scenario}`);
    expect(refused.status).toBe(0);
    expect(refused.stderr).toContain("Failed to load the startup snapshot");
    expect(untimed(refused.stdout)).toBe(expected);
  });

  it("a reader that goes away ends the run quietly, with no stack trace and status 0", () => {
    // bash, for the status of tlbl rather than of head.
    const r = spawnSync(
      "bash",
      [
        "-c",
        'bin/tlbl run scenarios/numa-tlb-flush-pending.tlb | head -1; echo "tlbl: ${PIPESTATUS[0]}"',
      ],
      { cwd: root, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } },
    );
    const [first, status, ...rest] = r.stdout.split("\n");
    expect(first).toMatch(/^Test numa_tlb_flush_pending/);
    expect([status, ...rest]).toEqual(["tlbl: 0", ""]);
    expect(r.stderr).toBe("");
  });
});
