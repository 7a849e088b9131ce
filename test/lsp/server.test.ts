import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { root } from "../helpers.js";
import { startClient, type Client } from "./client.js";

/**
 * The language server over JSON-RPC, as an editor drives it: diagnostics, hover, definition,
 * completion, formatting, symbols and the run action, on library scenarios.
 */

let client: Client;
beforeAll(async () => {
  client = await startClient();
});
afterAll(async () => {
  await client.close();
});

const library = (path: string): { path: string; text: string } => ({
  path: join(root, path),
  text: readFileSync(join(root, path), "utf8"),
});

/** The 0-based position of the `nth` occurrence of `needle` in `text`, plus `shift` characters. */
function positionOf(
  text: string,
  needle: string,
  shift = 0,
  nth = 0,
): { line: number; character: number } {
  let at = -1;
  for (let i = 0; i <= nth; i++) at = text.indexOf(needle, at + 1);
  expect(at, needle).toBeGreaterThanOrEqual(0);
  const before = text.slice(0, at + shift).split("\n");
  return { line: before.length - 1, character: before.at(-1)!.length };
}

/** A scenario with three mistakes the checker reports at once. */
const three = readFileSync(join(root, "test/lsp/three.tlb"), "utf8");

describe("diagnostics", () => {
  it("a file with no error: the checker's verdict at once, lowering's warnings in a second publish, as tlbl check has them", async () => {
    const text = [
      "tlb lowering_later",
      "init {",
      "  X = mmap anon private rw",
      "}",
      "thread T1 on cpu1 {",
      "  store X 1",
      "  r = load X",
      "}",
      "exists (T1:r == 1)",
      "expect kernel 6.17 : always",
      "",
    ].join("\n");
    const uri = await client.open(join(root, "test/lsp/lowering-later.tlb"), text);
    // Lowering (every proc inlined, on each judged kernel) is most of check's time on a large
    // file; the first answer to an edit does not wait for it.
    expect((await client.diagnostics(uri)).diagnostics).toEqual([]);
    const second = (await client.diagnostics(uri)).diagnostics;
    expect(second.length).toBeGreaterThan(0);
    expect(second.every((d) => d.code === "W001" && d.range.start.line === 9)).toBe(true);
    expect(second.map((d) => d.message)).toContain(
      "kernel 6.17 is outside the releases proc `__do_page_fault` follows (3.12..6.16, src/kernel/x86.tlb): its body may not be that release's C",
    );
  });

  it("reports three mistakes at once, with the checker's codes and ranges", async () => {
    const uri = await client.open(join(root, "test/lsp/three.tlb"), three);
    const { diagnostics } = await client.diagnostics(uri);
    expect(diagnostics.map((d) => [d.code, d.range, d.severity, d.source])).toEqual([
      ["E101", { start: { line: 8, character: 2 }, end: { line: 8, character: 9 } }, 1, "tlbl"],
      ["E105", { start: { line: 15, character: 11 }, end: { line: 15, character: 12 } }, 1, "tlbl"],
      ["E107", { start: { line: 17, character: 14 }, end: { line: 17, character: 18 } }, 1, "tlbl"],
    ]);
    expect(diagnostics[0]!.message).toContain("did you mean `madvise`");
  });

  it("follows edits: fixing the mistakes clears them", async () => {
    const uri = await client.open(join(root, "test/lsp/edited.tlb"), three);
    expect((await client.diagnostics(uri)).diagnostics).toHaveLength(3);
    const fixed = three
      .replace("madvize", "madvise")
      .replace("T1:q", "T1:w")
      .replace("4.99", "4.13");
    client.connection.sendNotification("textDocument/didChange", {
      textDocument: { uri, version: 2 },
      contentChanges: [{ text: fixed }],
    });
    const after = await client.diagnostics(uri);
    expect(after.version).toBe(2);
    expect(after.diagnostics).toEqual([]);
  });

  it("a library scenario has none", async () => {
    const s = library("scenarios/madvise/parallel-dontneed.tlb");
    const uri = await client.open(s.path, s.text);
    expect((await client.diagnostics(uri)).diagnostics).toEqual([]);
  });
});

describe("on a library scenario", () => {
  const s = library("scenarios/madvise/parallel-dontneed.tlb");
  let uri: string;
  beforeAll(async () => {
    uri = await client.open(s.path, s.text);
    await client.diagnostics(uri);
  });
  const request = <T>(method: string, position: { line: number; character: number }): Promise<T> =>
    client.connection.sendRequest(method, { textDocument: { uri }, position });

  it("hover on a step shows its signature, the C it models and its releases", async () => {
    const h = await request<{ contents: { value: string } }>(
      "textDocument/hover",
      positionOf(s.text, "madvise A dontneed", 2),
    );
    expect(h.contents.value).toContain("proc madvise(r: range, advice: advice)");
    expect(h.contents.value).toContain("Follows the C of 4.5..6.16");
    expect(h.contents.value).toContain("mm/madvise.c");
  });

  it("hover on a kernel version lists the fixes it applies", async () => {
    const h = await request<{ contents: { value: string } }>(
      "textDocument/hover",
      positionOf(s.text, "kernel 4.13", 8),
    );
    expect(h.contents.value).toMatch(
      /`99baac21e458` \(4\.13\) mm: fix MADV_\[FREE\|DONTNEED\] TLB flush miss problem/,
    );
    expect(h.contents.value.indexOf("99baac21e458")).toBeLessThan(
      h.contents.value.indexOf("Not yet"),
    );
  });

  it("definition of a step jumps into the kernel prelude", async () => {
    const [loc] = await request<{ uri: string; range: { start: { line: number } } }[]>(
      "textDocument/definition",
      positionOf(s.text, "madvise A dontneed", 1),
    );
    const path = fileURLToPath(loc!.uri);
    expect(path).toBe(join(root, "src/kernel/madvise.tlb"));
    const line = readFileSync(path, "utf8").split("\n")[loc!.range.start.line];
    expect(line).toMatch(/^proc madvise\(/);
  });

  it("definition of a schedule label jumps to the label in the prelude", async () => {
    const locs = await request<{ uri: string; range: { start: { line: number } } }[]>(
      "textDocument/definition",
      positionOf(s.text, "until zapped", 7),
    );
    expect(locs.length).toBeGreaterThan(0);
    for (const loc of locs) {
      const line = readFileSync(fileURLToPath(loc.uri), "utf8").split("\n")[loc.range.start.line];
      expect(line).toMatch(/\blabel zapped\b/);
    }
  });

  it("completion after `kernel` offers releases, after `until` labels, elsewhere steps and primitives", async () => {
    const edited = s.text.replace(
      "expect kernel 4.13 : never",
      "expect kernel 4.13 : never\nexpect kernel ",
    );
    const euri = await client.open(join(root, "test/lsp/completing.tlb"), edited);
    await client.diagnostics(euri);
    const lines = edited.split("\n");
    const at = (line: number, character: number) =>
      client.connection.sendRequest<{ label: string; kind: number }[]>("textDocument/completion", {
        textDocument: { uri: euri },
        position: { line, character },
      });
    const kernelLine = lines.indexOf("expect kernel ");
    const kernels = (await at(kernelLine, "expect kernel ".length)).map((i) => i.label);
    expect(kernels).toContain("4.13");
    expect(kernels).toContain("6.18");
    const body = lines.findIndex((l) => l.includes("madvise A dontneed"));
    const general = (await at(body, 2)).map((i) => i.label);
    for (const name of ["madvise", "reclaim", "ptep_get_and_clear", "flush_tlb_range", "dontneed"])
      expect(general).toContain(name);
    const schedule = lines.findIndex((l) => l.includes("T2 until zapped"));
    const labels = await at(schedule, lines[schedule]!.indexOf("until zapped") + "until ".length);
    expect(labels.map((i) => i.label)).toContain("zapped");
  });

  it("formatting goes through the prettier plugin", async () => {
    const messy = s.text.replace("  store A 2", "store   A   2");
    const muri = await client.open(join(root, "test/lsp/messy.tlb"), messy);
    await client.diagnostics(muri);
    const edits = await client.connection.sendRequest<{ newText: string }[]>(
      "textDocument/formatting",
      {
        textDocument: { uri: muri },
        options: { tabSize: 2, insertSpaces: true },
      },
    );
    expect(edits).toHaveLength(1);
    expect(edits[0]!.newText).toBe(s.text);
  });

  it("folds the doc string, each declaration's body and comment runs", async () => {
    const folds = await client.connection.sendRequest<
      { startLine: number; endLine: number; kind?: string }[]
    >("textDocument/foldingRange", { textDocument: { uri } });
    const lines = s.text.split("\n");
    const at = (prefix: string): number => lines.findIndex((l) => l.startsWith(prefix));
    const pairs = folds.map((f) => [f.startLine, f.endLine, f.kind]);
    expect(pairs).toContainEqual([1, 6, undefined]); // the doc string
    expect(pairs).toContainEqual([at("thread T1"), at("thread T1") + 3, undefined]);
    expect(pairs).toContainEqual([at("// Mel Gorman"), at("// Mel Gorman") + 1, "comment"]);
  });

  it("document symbols list threads, the schedule and the expectations", async () => {
    const symbols = await client.connection.sendRequest<{ name: string; kind: number }[]>(
      "textDocument/documentSymbol",
      { textDocument: { uri } },
    );
    const names = symbols.map((x) => x.name);
    expect(names).toEqual(
      expect.arrayContaining(["init", "T1", "T2", "from_commit_message", "expect kernel 4.12"]),
    );
  });
});

describe("hover on a proc with fidelity annotations", () => {
  it("names the C functions, their files and the releases the body follows", async () => {
    const s = library("scenarios/userfaultfd/unprotect-vs-cow.tlb");
    const uri = await client.open(s.path, s.text);
    await client.diagnostics(uri);
    const h = await client.connection.sendRequest<{ contents: { value: string } }>(
      "textDocument/hover",
      {
        textDocument: { uri },
        position: positionOf(s.text, "uffd_unprotect X", 3),
      },
    );
    expect(h.contents.value).toContain("proc uffd_unprotect(r: range)");
    expect(h.contents.value).toContain("Models `userfaultfd_writeprotect()` in `fs/userfaultfd.c`");
    expect(h.contents.value).toContain("Models `mwriteprotect_range()` in `mm/userfaultfd.c`");
    expect(h.contents.value).toContain("Follows the C of 5.8..5.18");
  });
});

describe("registers", () => {
  const text = three.replace("madvize", "madvise").replace("T1:q", "T1:w").replace("4.99", "4.13");
  let uri: string;
  beforeAll(async () => {
    uri = await client.open(join(root, "test/lsp/registers.tlb"), text);
    await client.diagnostics(uri);
  });

  it("`T1:w` goes to its assignment", async () => {
    const [loc] = await client.connection.sendRequest<{ uri: string; range: unknown }[]>(
      "textDocument/definition",
      { textDocument: { uri }, position: positionOf(text, "T1:w", 3) },
    );
    expect(loc).toEqual({
      uri,
      range: { start: positionOf(text, "w = store"), end: positionOf(text, "w = store", 1) },
    });
  });

  it("completion after `T1:` offers T1's registers", async () => {
    const items = await client.connection.sendRequest<{ label: string }[]>(
      "textDocument/completion",
      {
        textDocument: { uri },
        position: positionOf(text, "T1:w", 3),
      },
    );
    expect(items.map((i) => i.label)).toEqual(["w"]);
  });
});

describe("the run action", () => {
  const s = library("scenarios/madvise/parallel-dontneed.tlb");
  let uri: string;
  beforeAll(async () => {
    uri = await client.open(s.path, s.text);
  });

  interface Lens {
    range: { start: { line: number } };
    command: { title: string; command: string; arguments: unknown[] };
  }

  it("puts a lens above each expect line and each schedule", async () => {
    const lenses = await client.connection.sendRequest<Lens[]>("textDocument/codeLens", {
      textDocument: { uri },
    });
    const lines = s.text.split("\n");
    expect(lenses.map((l) => [lines[l.range.start.line]!.split(" :")[0], l.command.title])).toEqual(
      [
        ["expect kernel 4.12", "▶ run all"],
        ["expect kernel 4.12", "▶ run kernel 4.12"],
        ["expect kernel 4.13", "▶ run kernel 4.13"],
        ["schedule from_commit_message {", "▶ run schedule from_commit_message"],
      ],
    );
  });

  it("runs one expectation through the judge and returns its verdict and witness", async () => {
    const lenses = await client.connection.sendRequest<Lens[]>("textDocument/codeLens", {
      textDocument: { uri },
    });
    const lens = lenses.find((l) => l.command.title === "▶ run kernel 4.12")!;
    const answer = await client.connection.sendRequest<{
      results: { kernel: string; verdict: string; expected: string; ok: boolean }[];
      text: string;
    }>("workspace/executeCommand", {
      command: lens.command.command,
      arguments: lens.command.arguments,
    });
    expect(answer.results.map((r) => [r.kernel, r.verdict, r.expected, r.ok])).toEqual([
      ["4.12", "sometimes", "sometimes", true],
    ]);
    // herd's log block, then the witness in per-CPU columns and its schedule.
    expect(answer.text).toMatch(/^Test parallel_dontneed\+4\.12 Allowed/m);
    expect(answer.text).toContain("Schedule:");
  });

  it("runs a schedule on each expected kernel", async () => {
    const answer = await client.connection.sendRequest<{
      results: { kernel: string; mode: string; verdict: string }[];
    }>("workspace/executeCommand", {
      command: "tlbl.run",
      arguments: [{ uri, target: { kind: "schedule", name: "from_commit_message" } }],
    });
    expect(answer.results.map((r) => [r.kernel, r.mode, r.verdict])).toEqual([
      ["4.12", "schedule", "sometimes"],
      // 99baac21e458: T1's zap waits for T2's flush, the store finds a fresh page: nothing shown.
      ["4.13", "schedule", null],
    ]);
  });
});
