import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Diagnostic } from "../../src/diagnostics/diagnostic.js";
import { renderDiagnostic } from "../../src/diagnostics/render.js";
import { checkText } from "../../src/kernel/load.js";
import { readRepoFile, root } from "../helpers.js";

/** The VS Code extension in grammar/: its manifest, snippets, problem matcher and package. */

const manifest = JSON.parse(readRepoFile("grammar/package.json"));

describe("the manifest", () => {
  it("names a repository, an icon (a PNG) and the bundled client", () => {
    expect(manifest.repository.url).toMatch(/^https:\/\//);
    const icon = readFileSync(join(root, "grammar", manifest.icon));
    expect(icon.subarray(1, 4).toString("ascii")).toBe("PNG");
    expect(icon.readUInt32BE(16)).toBe(128); // IHDR width
    expect(manifest.main).toBe("./dist/extension.js");
    expect(manifest.scripts["vscode:prepublish"]).toBe("node scripts/build.mjs");
  });
});

/** A snippet body as VS Code inserts it when every placeholder keeps its default. */
function expand(body: string[]): string {
  const defaults = new Map<string, string>();
  let text = body.join("\n").replace(/\t/g, "  ");
  // `${1:default}` (defaults may hold `$n` references) and `${1|a,b|}` (the first choice).
  for (let changed = true; changed; ) {
    const before = text;
    text = text.replace(/\$\{(\d+):([^${}]*)\}/g, (_, n: string, d: string) => {
      defaults.set(n, d);
      return d;
    });
    text = text.replace(/\$\{(\d+)\|([^|]*)\|\}/g, (_, n: string, choices: string) => {
      const d = choices.split(",")[0]!;
      defaults.set(n, d);
      return d;
    });
    text = text.replace(/\$(\d+)/g, (m, n: string) => defaults.get(n) ?? (n === "0" ? "" : m));
    changed = text !== before;
  }
  return text;
}

describe("snippets", () => {
  const snippets = JSON.parse(readRepoFile("grammar/snippets.json")) as Record<
    string,
    { prefix: string; body: string[] }
  >;

  it("cover a scenario, a thread, a proc and a schedule", () => {
    expect(Object.values(snippets).map((s) => s.prefix)).toEqual(
      expect.arrayContaining(["scenario", "thread", "proc", "schedule"]),
    );
  });

  it("the scenario snippet, as inserted, checks", () => {
    const text = expand(snippets["scenario"]!.body);
    const r = checkText(text, "snippet.tlb");
    expect(r.diagnostics.map((d) => d.message)).toEqual([]);
  });

  it("the others, inserted into a scenario, parse", () => {
    const base = expand(snippets["scenario"]!.body);
    for (const name of ["thread", "kthread", "proc", "schedule", "expect"]) {
      const text = `${base}\n${expand(snippets[name]!.body)}\n`;
      const r = checkText(text, `${name}.tlb`);
      expect(
        r.diagnostics.filter((d) => d.code.startsWith("E0")),
        name,
      ).toEqual([]);
    }
  });
});

describe("problem matchers with colour on", () => {
  const text = readRepoFile("test/lsp/three.tlb");
  const { diagnostics } = checkText(text, "scenarios/three.tlb");
  const heads = (color: boolean): string[] =>
    diagnostics.map((d: Diagnostic) => renderDiagnostic(d, text, { color }).split("\n")[0]!);
  const plain = heads(false);
  const coloured = heads(true);
  /** What VS Code's task terminal hands a problem matcher: the rendered line, escapes gone. */
  const rendered = (line: string): string => line.replace(/\u001b\[[0-9;]*m/g, "");
  const expected = [
    ["scenarios/three.tlb", "9", "3", "error", "E101"],
    ["scenarios/three.tlb", "16", "12", "error", "E105"],
    ["scenarios/three.tlb", "18", "15", "error", "E107"],
  ];

  it("colour is on (the test would prove nothing otherwise)", () => {
    expect(coloured.every((l) => l.includes("\u001b["))).toBe(true);
    expect(coloured.map(rendered)).toEqual(plain);
  });

  it("$tlbl reads the coloured lines themselves", () => {
    const { pattern } = manifest.contributes.problemMatchers[0];
    const re = new RegExp(pattern.regexp);
    for (const lines of [plain, coloured]) {
      const got = lines.map((l) => {
        const m = re.exec(l);
        expect(m, JSON.stringify(l)).not.toBeNull();
        return [pattern.file, pattern.line, pattern.column, pattern.severity, pattern.code].map(
          (g: number) => m![g],
        );
      });
      expect(got).toEqual(expected);
      expect(lines.map((l) => re.exec(l)![pattern.message])).toEqual(
        diagnostics.map((d) => d.message),
      );
    }
  });

  it("$gcc (the C/C++ extension's) reads the lines as VS Code's terminal renders them", () => {
    // ms-vscode.cpptools, package.json, problemPatterns "gcc".
    const gcc = /^(.*?):(\d+):(\d*):?\s+(?:fatal\s+)?(warning|error):\s+(.*)$/;
    for (const line of [...plain, ...coloured.map(rendered)]) {
      const m = gcc.exec(line);
      expect(m, line).not.toBeNull();
      expect(m!.slice(1, 5)).toEqual(expected[plain.indexOf(rendered(line))]!.slice(0, 4));
    }
  });
});
