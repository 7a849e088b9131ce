import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readRepoFile, root } from "../helpers.js";
import { all, parseXml } from "../report/xml.js";

/** One job of a workflow: its matrix of shards (if any) and its `run:` steps, in order. */
interface Job {
  readonly name: string;
  readonly shards: readonly string[] | undefined;
  readonly steps: { readonly name: string; readonly run: string }[];
}

/**
 * The workflows of docs/ci.md, read line by line: enough YAML for what the doc writes (top-level
 * `env:`, jobs, a `shard:` matrix, steps with a one-line `run:`). A step the reader cannot place
 * fails the test rather than being skipped.
 */
function workflows(md: string): { env: Record<string, string>; jobs: Job[] }[] {
  return [...md.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => {
    const env: Record<string, string> = {};
    const jobs: Job[] = [];
    let section = "";
    let stepName = "";
    for (const line of m[1]!.split("\n")) {
      const top = /^(\w[\w-]*):/.exec(line);
      if (top) section = top[1]!;
      const kv = /^ {2}(\w+): (.*)$/.exec(line);
      if (section === "env" && kv) env[kv[1]!] = kv[2]!.replace(/\s+#.*$/, "");
      const job = /^ {2}([\w-]+):$/.exec(line);
      if (section === "jobs" && job) jobs.push({ name: job[1]!, shards: undefined, steps: [] });
      const current = jobs[jobs.length - 1];
      const shard = /^\s+shard: \[(.*)\]$/.exec(line);
      if (shard && current)
        jobs[jobs.length - 1] = { ...current, shards: shard[1]!.split(",").map((s) => s.trim()) };
      const step = /^\s+- (?:name|uses): (.*)$/.exec(line);
      if (step) stepName = step[1]!;
      const run = /^\s+run: (.*)$/.exec(line);
      if (run) {
        if (run[1] === "|" || run[1] === ">")
          throw new Error("a multi-line run: the test reads one line");
        jobs[jobs.length - 1]!.steps.push({ name: stepName, run: run[1]! });
      }
    }
    return { env, jobs };
  });
}

/** `tlbl` on the PATH: the repository's own command, as `npm install --global` would link it. */
function pathWithTlbl(): string {
  const bin = mkdtempSync(join(tmpdir(), "tlbl-bin-"));
  symlinkSync(join(root, "bin/tlbl"), join(bin, "tlbl"));
  return `${bin}:${process.env["PATH"]}`;
}

/** Runs every job's steps in `dir` (the jobs share it, as artifacts would carry the files). */
function runWorkflow(
  w: ReturnType<typeof workflows>[number],
  dir: string,
  env: Record<string, string>,
): { job: string; step: string; command: string; status: number; stderr: string }[] {
  const done = [];
  const PATH = pathWithTlbl();
  for (const job of w.jobs) {
    for (const shard of job.shards ?? [undefined]) {
      for (const step of job.steps) {
        // Installing the package is the smoke test's business (.ci/run); tlbl is on the PATH.
        if (step.name === "Install tlbl") continue;
        const command = step.run
          .replace(/\$\{\{ matrix\.shard \}\}/g, shard ?? "")
          .replace(/\$\{\{ strategy\.job-total \}\}/g, String(job.shards?.length ?? 1));
        expect(command, "an expression the test cannot fill in").not.toContain("${{");
        const r = spawnSync("bash", ["-eo", "pipefail", "-c", command], {
          cwd: dir,
          encoding: "utf8",
          env: { ...process.env, ...w.env, ...env, PATH, NO_COLOR: "1" },
        });
        done.push({
          job: job.name,
          step: step.name,
          command,
          status: r.status ?? -1,
          stderr: r.stderr,
        });
      }
    }
  }
  return done;
}

describe("docs/ci.md's workflows run here through the same commands", () => {
  const [folder, matrix] = workflows(readRepoFile("docs/ci.md"));

  it("the folder workflow: check, run with --junit; the report holds a passing case per expectation", () => {
    const dir = mkdtempSync(join(tmpdir(), "tlbl-ci-"));
    const steps = runWorkflow(folder!, dir, { SCENARIOS: join(root, "scenarios/zap") });
    expect(steps.map((s) => s.step)).toEqual(["Check the scenarios", "Run the scenarios"]);
    for (const s of steps) expect(s.status, `${s.command}\n${s.stderr}`).toBe(0);
    const doc = parseXml(readFileSync(join(dir, "tlbl-junit.xml"), "utf8"));
    const expects = ["delayed-rmap.tlb", "munmap-vs-page-mkclean.tlb"].flatMap(
      (f) => readRepoFile(`scenarios/zap/${f}`).match(/^expect /gm) ?? [],
    );
    expect(all(doc, "testcase")).toHaveLength(expects.length);
    expect(doc.attrs).toMatchObject({ failures: "0", errors: "0" });
  });

  it("the matrix workflow: each shard's --json, then tlbl merge --junit, agree with the whole search", () => {
    const dir = mkdtempSync(join(tmpdir(), "tlbl-ci-"));
    const big = "scenarios/mremap-vs-page-mkclean.tlb";
    const steps = runWorkflow(matrix!, dir, { BIG: join(root, big) });
    expect(steps.map((s) => `${s.job}: ${s.step}`)).toEqual([
      ...matrix!.jobs[0]!.shards!.map(() => "shard: Explore one shard"),
      "merge: Merge the shards",
    ]);
    for (const s of steps) expect(s.status, `${s.command}\n${s.stderr}`).toBe(0);
    const cases = all(parseXml(readFileSync(join(dir, "tlbl-junit.xml"), "utf8")), "testcase");
    expect(cases.map((c) => c.attrs["name"])).toEqual([
      "mremap_vs_page_mkclean+4.8 expect sometimes",
      "mremap_vs_page_mkclean+4.9 expect never",
    ]);
    for (const c of cases) expect(c.children.map((x) => x.name)).toEqual(["system-out"]);
    // The merged counts are the whole search's.
    expect(cases[0]!.children[0]!.text).toContain(
      "Observation mremap_vs_page_mkclean+4.8 Sometimes 1 4",
    );
  });
});
