import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { diagnosticEntries } from "../../src/cli/explain-command.js";
import { codes } from "../../src/diagnostics/codes.js";
import { buildProgram } from "../../src/cli/main.js";
import { loadPrelude } from "../../src/kernel/prelude.js";
import { knownReleases } from "../../src/semantics/kernel-versions.js";
import { root, runTlbl } from "../helpers.js";

const tlbl = (args: string[], cwd = root) => runTlbl(args, { cwd });

const seed = "scenarios/reclaim-vs-munmap.tlb";

describe("tlbl list", () => {
  it("fixes: every fix of the prelude, with its release and title", () => {
    const r = tlbl(["list", "fixes"]);
    expect(r.status).toBe(0);
    const fixes = [...loadPrelude().fixes.values()];
    expect(fixes.length).toBeGreaterThan(10);
    for (const f of fixes)
      expect(r.stdout).toMatch(
        new RegExp(`${f.release.replace(".", "\\.")} +${escape(f.commit)} +${escape(f.title)}`),
      );
    const json = JSON.parse(tlbl(["list", "fixes", "--json"]).stdout) as { id: string }[];
    expect(json.map((f) => f.id).sort()).toEqual(fixes.map((f) => f.commit).sort());
  });

  it("kernels: every release tlbl knows, with the fixes that landed in it", () => {
    const json = JSON.parse(tlbl(["list", "kernels", "--json"]).stdout) as {
      release: string;
      fixes: string[];
    }[];
    expect(json.map((k) => k.release)).toEqual(knownReleases);
    expect(json.find((k) => k.release === "4.13")!.fixes).toContain("3ea277194daa");
    expect(tlbl(["list", "kernels"]).stdout).toMatch(/^4\.13 +\S+ +/m);
  });

  it("anything else is a usage error", () => {
    const r = tlbl(["list", "kernel"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("kernels, fixes");
  });
});

describe("--kernel takes a release as git tags it", () => {
  it("v4.13 is 4.13", () => {
    const r = tlbl(["run", "--quiet", "--kernel", "v4.13", seed]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("Kernel 4.13");
    expect(tlbl(["run", "--kernel", "v4.88", seed]).status).toBe(2);
  });
});

describe("tlbl explain", () => {
  it("prints a code's kind, example and what to do, from docs/diagnostics.md", () => {
    const r = tlbl(["explain", "E203"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("E203: not allowed here");
    expect(r.stdout).toContain("Example: `return` belongs in a proc");
    expect(r.stdout).toMatch(/What to do: .*return in a proc/);
  });

  it("docs/diagnostics.md has every code of the catalogue, each with what to do", () => {
    const entries = diagnosticEntries(readFileSync(join(root, "docs/diagnostics.md"), "utf8"));
    expect(entries.map((e) => e.code).sort()).toEqual(Object.keys(codes).sort());
    for (const e of entries) {
      expect(e.advice, e.code).toBeDefined();
    }
  });

  it("an unknown code is a usage error with a suggestion", () => {
    const r = tlbl(["explain", "E2003"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("did you mean `E003`?");
  });
});

describe("tlbl init", () => {
  it("writes a commented template that checks, runs, holds its expectations and is formatted", () => {
    const dir = mkdtempSync(join(tmpdir(), "tlbl-init-"));
    expect(tlbl(["init", "my-race"], dir)).toMatchObject({ status: 0, stderr: "" });
    const text = readFileSync(join(dir, "my-race.tlb"), "utf8");
    expect(text).toContain("tlb my_race");
    expect(text.match(/\/\/ /g)!.length).toBeGreaterThan(5);
    expect(tlbl(["check", "my-race.tlb"], dir)).toMatchObject({
      status: 0,
      stdout: "my-race.tlb: OK\n",
    });
    const run = tlbl(["run", "--quiet", "my-race.tlb"], dir);
    expect(run.status).toBe(0);
    expect(run.stdout.match(/Expected \w+: holds/g)).toHaveLength(2);
    expect(tlbl(["run", "--schedule", "from_commit_message", "my-race.tlb"], dir).status).toBe(0);
    expect(tlbl(["fmt", "--check", "my-race.tlb"], dir).status).toBe(0);
  });

  it("never overwrites a file", () => {
    const dir = mkdtempSync(join(tmpdir(), "tlbl-init-"));
    writeFileSync(join(dir, "mine.tlb"), "keep");
    expect(tlbl(["init", "mine.tlb"], dir).status).toBe(2);
    expect(readFileSync(join(dir, "mine.tlb"), "utf8")).toBe("keep");
  });
});

describe("tlbl completion", () => {
  const program = buildProgram();
  const names = program.commands.map((c) => c.name());

  it("bash: completes every command, each command's options, and option values", () => {
    const script = tlbl(["completion", "bash"]).stdout;
    const complete = (words: string[]): string[] => {
      const r = spawnSync(
        "bash",
        [
          "-c",
          `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length - 1}; _tlbl; printf '%s\\n' "\${COMPREPLY[@]}"`,
        ],
        { cwd: root, encoding: "utf8" },
      );
      expect(r.stderr).toBe("");
      return r.stdout.split("\n").filter((l) => l !== "");
    };
    expect(complete(["tlbl", ""])).toEqual(expect.arrayContaining(names));
    for (const c of program.commands) {
      const longs = c.options.map((o) => o.long!);
      expect(complete(["tlbl", c.name(), "--"])).toEqual(expect.arrayContaining(longs));
    }
    expect(complete(["tlbl", "run", "--search", ""])).toEqual(["bfs", "dfs"]);
    expect(complete(["tlbl", "run", "-k", "6.1"])).toContain("6.18");
    expect(complete(["tlbl", "list", ""])).toEqual(["kernels", "fixes"]);
    expect(complete(["tlbl", "run", "scenarios/reclaim-vs-m"])).toEqual([
      "scenarios/reclaim-vs-mprotect.tlb",
      "scenarios/reclaim-vs-munmap.tlb",
    ]);
  });

  it("zsh and fish: every command and option, from the same tree", () => {
    for (const shell of ["zsh", "fish"]) {
      const r = tlbl(["completion", shell]);
      expect(r.status).toBe(0);
      for (const c of program.commands) {
        expect(r.stdout).toContain(c.name());
        for (const o of c.options)
          expect(r.stdout).toContain(shell === "fish" ? `-l ${o.long!.slice(2)}` : `'${o.long}[`);
      }
    }
    const zsh = spawnSync("zsh", ["-n"], { input: tlbl(["completion", "zsh"]).stdout });
    if (zsh.error === undefined) expect(zsh.status).toBe(0);
  });

  it("another shell is a usage error", () => {
    expect(tlbl(["completion", "tcsh"]).status).toBe(2);
  });
});

describe("tlbl compare", () => {
  it("two kernels: the verdicts that differ, as mcompare7 lists them", () => {
    const r = tlbl([
      "compare",
      "-k",
      "4.12",
      "-k",
      "v4.13",
      seed,
      "scenarios/reclaim-vs-mprotect.tlb",
      "--json",
    ]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const rows = JSON.parse(r.stdout) as { file: string; a: string; b: string; differ: boolean }[];
    const munmap = rows.find((x) => x.file === seed)!;
    // 3ea277194daa (v4.13) closed the race: its expect lines say so.
    expect([munmap.a, munmap.b, munmap.differ]).toEqual(["Sometimes", "Never", true]);
    const text = tlbl(["compare", "-k", "4.12", "-k", "4.13", seed]).stdout;
    expect(text).toMatch(/^\* scenarios\/reclaim-vs-munmap\.tlb +Sometimes +Never$/m);
    expect(text).toContain("1 of 1 verdict differ between 4.12 and 4.13");
  });

  it("one fix: reverted against applied, on each of the file's kernels", () => {
    const r = tlbl(["compare", "--fix", "3ea277194daa", seed, "--json"]);
    expect(r.status).toBe(0);
    const rows = JSON.parse(r.stdout) as { kernel: string; a: string; b: string }[];
    expect(rows.map((x) => [x.kernel, x.a, x.b])).toEqual([
      ["4.12", "Sometimes", "Never"],
      ["4.13", "Sometimes", "Never"],
    ]);
  });

  it("needs two kernels or one fix", () => {
    const r = tlbl(["compare", "-k", "4.12", seed]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("give two kernels");
    expect(tlbl(["compare", "--fix", "3ea277194dab", seed]).stderr).toContain("did you mean");
  });
});

describe("help", () => {
  it("bare tlbl prints the help on stderr and exits 2", () => {
    const r = tlbl([]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("Usage: tlbl");
    expect(r.stderr).toContain("Examples:");
  });

  it("every command's help has examples, and every file they name exists", () => {
    const program = buildProgram();
    const texts = [tlbl(["--help"]).stdout];
    for (const c of program.commands) {
      if (c.name() === "help") continue;
      const h = tlbl(["help", c.name()]);
      expect(h.status, c.name()).toBe(0);
      expect(h.stdout, c.name()).toMatch(/Examples:\n {2}.*tlbl /);
      texts.push(h.stdout);
    }
    const named = texts.join("\n").match(/scenarios\/[\w./-]+\.tlb/g) ?? [];
    expect(named.length).toBeGreaterThan(3);
    for (const f of new Set(named)) expect(() => readFileSync(join(root, f)), f).not.toThrow();
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
