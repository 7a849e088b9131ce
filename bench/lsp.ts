import { spawn } from "node:child_process";
import { availableParallelism, loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type PublishDiagnosticsParams,
} from "vscode-languageserver-protocol/node";
import { median } from "./measure.js";

/**
 * The language server's diagnostics on a 1,000-line scenario (issue 15's figure: under 100 ms on
 * this machine): `tlbl lsp` spawned as an editor spawns it, each edit timed from didChange to
 * the publishDiagnostics that answers it, and to the second one, with lowering's diagnostics.
 * `node dist/bench/lsp.js`, or part of `npm run bench`.
 */

const root = fileURLToPath(new URL("../..", import.meta.url));

/**
 * A scenario of `lines` lines that checks: three threads of loads and stores, each calling procs
 * of the scenario's own that read PTEs (one thread per CPU, so the bulk is in the procs).
 */
export function bigScenario(lines: number): string {
  const out = ["tlb lsp_bench", "", "init {", "  A = mmap anon[4] private rw populate", "}", ""];
  const tail = ["", "exists (T1:r0 == 1)", "", "expect kernel 5.15 : sometimes", ""];
  const threads = 3;
  const threadLines = 40;
  const procs: string[][] = [];
  const procLines = 52;
  const budget = lines - out.length - tail.length - threads * (threadLines + 3);
  for (let p = 0; p < Math.floor(budget / procLines); p++) {
    const body = [`proc peek${p}(x: page): bool {`];
    for (let i = 0; i < 48; i++)
      body.push(
        i % 2 === 0
          ? `  e${i} = ptep_get(x) // read the PTE again, as the C re-reads it`
          : `  b${i} = pte_present(e${i - 1}) && !pte_dirty(e${i - 1})`,
      );
    body.push("  return b1", "}", "");
    procs.push(body);
  }
  for (let t = 1; t <= threads; t++) {
    out.push(`thread T${t} on cpu${t} {`);
    for (let i = 0; i < threadLines; i++) {
      const page = i % 4;
      out.push(
        i % 4 === 0
          ? `  r${i} = load A[${page}]`
          : i % 4 === 1
            ? `  store A[${page}] ${i} // a comment to read past`
            : i % 4 === 2
              ? `  w${i} = store A[${page}].1 ${i}`
              : `  q${i} = peek${i % procs.length}(A[${page}])`,
      );
    }
    out.push("}", "");
  }
  const all = [...out, ...procs.flat(), ...tail];
  const pad = Array.from({ length: Math.max(0, lines - all.length) }, () => "// padding");
  return [...all, ...pad].join("\n") + "\n";
}

export interface LspFigures {
  readonly lines: number;
  readonly diagnostics: number;
  /** The first publish: everything before lowering (final when there is an error). */
  readonly medianMs: number;
  readonly maxMs: number;
  /** The second publish: lowering's errors and warnings too, after the server's typing pause. */
  readonly completeMedianMs: number;
  readonly edits: number;
  /** The machine's 1-minute load average during the run: the figure means little on a busy machine. */
  readonly load: number;
}

export async function lspBench(edits = 20): Promise<LspFigures> {
  const text = bigScenario(1000);
  const child = spawn(process.execPath, [join(root, "bin/tlbl.js"), "lsp"], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const c = createProtocolConnection(
    new StreamMessageReader(child.stdout),
    new StreamMessageWriter(child.stdin),
  );
  let answer: ((p: PublishDiagnosticsParams) => void) | undefined;
  c.onNotification("textDocument/publishDiagnostics", (p: PublishDiagnosticsParams) => answer?.(p));
  c.listen();
  await c.sendRequest("initialize", { processId: process.pid, rootUri: null, capabilities: {} });
  c.sendNotification("initialized", {});
  const uri = pathToFileURL(join(root, "bench", "out", "lsp-bench.tlb")).href;
  const next = (): Promise<PublishDiagnosticsParams> =>
    new Promise((resolve) => (answer = resolve));
  let published = next();
  c.sendNotification("textDocument/didOpen", {
    textDocument: { uri, languageId: "tlb", version: 1, text },
  });
  const first = await published;
  await next(); // lowering's publish of the opened version
  const times: number[] = [];
  const complete: number[] = [];
  for (let v = 2; v < 2 + edits; v++) {
    // Each edit changes one character of a comment, as typing does; the whole file is checked.
    const edited = text.replace("a comment to read past", `a comment to read past ${v}`);
    published = next();
    const start = process.hrtime.bigint();
    c.sendNotification("textDocument/didChange", {
      textDocument: { uri, version: v },
      contentChanges: [{ text: edited }],
    });
    await published;
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    await next();
    complete.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  await c.sendRequest("shutdown");
  c.sendNotification("exit");
  await new Promise((resolve) => child.once("exit", resolve));
  c.dispose();
  return {
    lines: text.split("\n").length - 1,
    diagnostics: first.diagnostics.length,
    medianMs: median(times),
    maxMs: Math.max(...times),
    completeMedianMs: median(complete),
    edits,
    load: loadavg()[0]!,
  };
}

export function lspLine(f: LspFigures): string {
  const mark = f.medianMs < 100 ? "met " : "MISS";
  return `  ${mark} tlbl lsp: diagnostics on a ${f.lines}-line file (${f.diagnostics} found), didChange to publishDiagnostics: median ${f.medianMs.toFixed(1)} ms, max ${f.maxMs.toFixed(1)} ms over ${f.edits} edits (with lowering's, after the 150 ms typing pause: median ${f.completeMedianMs.toFixed(1)} ms), load average ${f.load.toFixed(1)} on ${availableParallelism()} cores (target < 100 ms)`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href)
  process.stdout.write(`${lspLine(await lspBench())}\n`);
