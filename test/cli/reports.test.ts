import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runTlbl } from "../helpers.js";

const tlbl = (env: Record<string, string | undefined>, ...args: string[]) => runTlbl(args, { env });

/** The witness drawing's lines: between its title and its schedule. */
function drawingOf(out: string): string[] {
  const lines = out.split("\n");
  const from = lines.findIndex((l) => l.startsWith("Witness (shortest):"));
  const to = lines.findIndex((l, i) => i > from && l.startsWith("Schedule:"));
  expect(from).toBeGreaterThanOrEqual(0);
  return lines.slice(from + 1, to);
}

const three = ["--kernel", "4.12", "scenarios/reclaim/batched-flag-vs-zap.tlb"];
const widest = (ls: string[]): number => Math.max(...ls.map((l) => l.length));

describe("tlbl run: the width of a witness", () => {
  it("piped, 120 by default; COLUMNS when set; --width over both", () => {
    const plain = drawingOf(tlbl({}, "run", ...three).stdout);
    expect(widest(plain)).toBeGreaterThan(100);
    expect(widest(plain)).toBeLessThanOrEqual(120);
    const columns = drawingOf(tlbl({ COLUMNS: "80" }, "run", ...three).stdout);
    expect(widest(columns)).toBeLessThanOrEqual(80);
    expect(widest(columns)).toBeGreaterThan(70);
    const width = drawingOf(tlbl({ COLUMNS: "80" }, "run", "--width", "100", ...three).stdout);
    expect(widest(width)).toBeLessThanOrEqual(100);
    expect(widest(width)).toBeGreaterThan(80);
    expect(tlbl({}, "run", "--width", "0", ...three).status).toBe(2);
  });

  it("--compact draws for a commit message: 72 columns for 3 CPUs", () => {
    const r = tlbl({}, "run", "--compact", ...three);
    expect(r.status).toBe(0);
    const d = drawingOf(r.stdout);
    expect(widest(d)).toBeLessThanOrEqual(72);
    expect(d[0]).toMatch(/^CPU1 \(T1\) +CPU2 \(T2\) +kswapd$/);
  });

  it("--show positive:2,negative draws the executions asked for, each with its schedule; a bad --show is a usage error", () => {
    const r = tlbl({}, "run", "--show", "positive:2,negative", ...three);
    expect(r.status).toBe(0);
    const titles = r.stdout.split("\n").filter((l) => /^(Positive|Negative) execution/.test(l));
    expect(titles).toEqual([
      "Positive execution 1 of 2 (shortest first):",
      "Positive execution 2 of 2 (shortest first):",
      "Negative execution (shortest):",
    ]);
    expect(r.stdout.match(/^Schedule: /gm)).toHaveLength(3);
    const bad = tlbl({}, "run", "--show", "all", ...three);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("--show takes witness, positive, positive:N, negative, none");
  });
});

describe("tlbl check --json", () => {
  it("prints every error as typed JSON with its span, and exits as check does", () => {
    const dir = mkdtempSync(join(tmpdir(), "tlbl-check-"));
    const f = join(dir, "two.tlb");
    writeFileSync(
      f,
      "tlb two\ninit {\n  file F = [0]\n  X = mmap F[0] shared rw\n}\nthread T1 on cpu1 {\n  mremp X\n  store Z 1\n}\nexists (T1:w == ok)\n",
    );
    const r = tlbl({}, "check", "--json", f, "scenarios/mremap-vs-page-mkclean.tlb");
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("");
    const ds = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(ds.length).toBeGreaterThanOrEqual(2);
    for (const d of ds) {
      expect(Object.keys(d)).toEqual([
        "file",
        "line",
        "col",
        "endLine",
        "endCol",
        "code",
        "severity",
        "message",
      ]);
      expect(d["file"]).toBe(f);
      expect(d["code"]).toMatch(/^E\d{3}$/);
      expect(d["severity"]).toBe("error");
    }
    // `mremp X` on line 7, from column 3: the span covers the misspelt word at least.
    const mremp = ds.find((d) => d["line"] === 7)!;
    expect(mremp).toMatchObject({ col: 3, endLine: 7 });
    expect(mremp["endCol"] as number).toBeGreaterThanOrEqual(8);
    const ok = tlbl({}, "check", "--json", "scenarios/mremap-vs-page-mkclean.tlb");
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout)).toEqual([]);
  });

  it("a file that cannot be read has no position", () => {
    const r = tlbl({}, "check", "--json", "no/such/file.tlb");
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual([
      {
        file: "no/such/file.tlb",
        line: null,
        col: null,
        endLine: null,
        endCol: null,
        code: "E001",
        severity: "error",
        message: "cannot read: no such file",
      },
    ]);
  });
});
