import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
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

/** Waits (a minute at most: the machine may be busy) for the launcher's background build. */
async function until(done: () => boolean): Promise<void> {
  for (let waited = 0; !done(); waited += 100) {
    if (waited > 60_000) throw new Error("the snapshot was not built within a minute");
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The cache folder bin/tlbl keeps its snapshot in, for this node and this checkout. */
function cachedBlob(cache: string): string {
  const node = sh("command -v node").stdout.trim();
  return join(cache, "tlbl", node, root.replace(/\/$/, ""), "tlbl.blob");
}

describe("bin/tlbl, the launcher that starts from the V8 snapshot", () => {
  it("builds the snapshot for this node into the cache after its first run, silently, then uses it", async () => {
    const cache = mkdtempSync(join(tmpdir(), "tlbl-cache-"));
    const env = { XDG_CACHE_HOME: cache };
    const expected = untimed(sh(`node bin/tlbl.js run ${scenario}`).stdout);
    const first = sh(`bin/tlbl run ${scenario}`, env);
    expect([first.status, first.stderr]).toEqual([0, ""]);
    expect(untimed(first.stdout)).toBe(expected);
    // Built in the background: the first run took the bundle and did not wait.
    const blob = cachedBlob(cache);
    await until(() => existsSync(blob));
    const built = statSync(blob).mtimeMs;
    const second = sh(`bin/tlbl run ${scenario}`, env);
    expect([second.status, second.stderr]).toEqual([0, ""]);
    expect(untimed(second.stdout)).toBe(expected);
    expect(statSync(blob).mtimeMs).toBe(built);
    expect(existsSync(`${blob}.lock`)).toBe(false);
  });

  it("a snapshot older than the node (upgraded in place) is built again, silently", async () => {
    const cache = mkdtempSync(join(tmpdir(), "tlbl-cache-"));
    const blob = cachedBlob(cache);
    mkdirSync(dirname(blob), { recursive: true });
    // A blob node would refuse (other V8 flags), and older than the node binary.
    const stale = sh(
      `node --no-opt --snapshot-blob ${blob} --build-snapshot ${root}/dist/tlbl-snapshot.cjs`,
    );
    expect(stale.status).toBe(0);
    utimesSync(blob, new Date(2000, 0, 1), new Date(2000, 0, 1));
    const r = sh(`bin/tlbl run ${scenario}`, { XDG_CACHE_HOME: cache });
    expect([r.status, r.stderr]).toEqual([0, ""]);
    expect(r.stdout).toContain("Expected sometimes: holds");
    await until(() => statSync(blob).mtime.getFullYear() > 2000);
    const again = sh(`bin/tlbl run ${scenario}`, { XDG_CACHE_HOME: cache });
    expect([again.status, again.stderr]).toEqual([0, ""]);
  });

  it("no cache to write to: the bundle runs, and says nothing of it", () => {
    const r = sh(`bin/tlbl run ${scenario}`, { XDG_CACHE_HOME: "/dev/null/nowhere" });
    expect([r.status, r.stderr]).toEqual([0, ""]);
    expect(r.stdout).toContain("Expected sometimes: holds");
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

  it("a snapshot node refuses all the same (status 14): the bundle runs instead", () => {
    const cache = mkdtempSync(join(tmpdir(), "tlbl-cache-"));
    const blob = cachedBlob(cache);
    mkdirSync(dirname(blob), { recursive: true });
    // Built with other V8 flags: what NODE_OPTIONS=--no-opt would make of a good one (bin/tlbl
    // does not try a snapshot when NODE_OPTIONS is set; this is the fallback should it be).
    const other = sh(
      `node --no-opt --snapshot-blob ${blob} --build-snapshot ${root}/dist/tlbl-snapshot.cjs`,
    );
    expect(other.status).toBe(0);
    const r = sh(`bin/tlbl run ${scenario}`, { XDG_CACHE_HOME: cache });
    expect(r.status).toBe(0);
    expect(untimed(r.stdout)).toBe(untimed(sh(`node bin/tlbl.js run ${scenario}`).stdout));
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
