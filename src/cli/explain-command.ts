import { readFileSync } from "node:fs";
import { join } from "node:path";
import { didYouMean } from "../diagnostics/suggest.js";
import { exitCode } from "./io.js";
import { packageRoot } from "./package-root.js";

/**
 * `tlbl explain CODE`: a diagnostic code's entry in docs/diagnostics.md (shipped in the package,
 * the one home of the text): its kind and example from the table, and what to do about it.
 * Without a code, every code and its kind.
 */
export function explainCommand(code: string | undefined): number {
  const root = packageRoot();
  let doc: string;
  try {
    doc = readFileSync(join(root ?? ".", "docs", "diagnostics.md"), "utf8");
  } catch {
    process.stderr.write("tlbl explain: docs/diagnostics.md is missing from the package\n");
    return exitCode.internalError;
  }
  const entries = diagnosticEntries(doc);
  if (code === undefined) {
    for (const e of entries) process.stdout.write(`${e.code}  ${e.kind}\n`);
    return exitCode.ok;
  }
  const wanted = code.toUpperCase();
  const e = entries.find((x) => x.code === wanted);
  if (e === undefined) {
    const codes = entries.map((x) => x.code);
    process.stderr.write(`tlbl explain: no diagnostic \`${code}\`${didYouMean(wanted, codes)}\n`);
    return exitCode.badInput;
  }
  const out = [`${e.code}: ${e.kind}`, "", `Example: ${e.example}`];
  if (e.advice) out.push("", `What to do: ${e.advice}`);
  out.push("", "(docs/diagnostics.md)");
  process.stdout.write(`${out.join("\n")}\n`);
  return exitCode.ok;
}

export interface DiagnosticEntry {
  readonly code: string;
  readonly kind: string;
  readonly example: string;
  readonly advice: string | undefined;
}

/**
 * The codes of docs/diagnostics.md: its table (`| E203 | kind | example |`) and its list of what
 * to do (`- **E203**: …`, continued on indented lines), as plain text.
 */
export function diagnosticEntries(doc: string): DiagnosticEntry[] {
  const advice = new Map<string, string>();
  const lines = doc.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const m = /^- \*\*([EW]\d{3})\*\*: (.*)$/.exec(lines[i]!);
    if (m === null) continue;
    let text = m[2]!;
    while (/^ {2}\S/.test(lines[i + 1] ?? "")) text += ` ${lines[++i]!.trim()}`;
    advice.set(m[1]!, plain(text));
  }
  const entries: DiagnosticEntry[] = [];
  for (const line of lines) {
    const cells = /^\| ([EW]\d{3}) \| (.*) \| (.*) \|$/.exec(line);
    if (cells === null) continue;
    const [, code, kind, example] = cells as unknown as [string, string, string, string];
    entries.push({ code, kind: plain(kind), example: plain(example), advice: advice.get(code) });
  }
  return entries;
}

/** Markdown code spans as their text: ``a `b` c`` is a `b` c, `d` is d; \| is |. */
function plain(md: string): string {
  let out = "";
  for (let i = 0; i < md.length; ) {
    const fence = md.startsWith("``", i) ? "``" : md[i] === "`" ? "`" : undefined;
    const end = fence === undefined ? -1 : md.indexOf(fence, i + fence.length);
    if (fence === undefined || end < 0) {
      out += md[i];
      i++;
      continue;
    }
    const inner = md.slice(i + fence.length, end);
    out += fence === "``" ? inner.trim() : inner;
    i = end + fence.length;
  }
  return out.replace(/\\\|/g, "|").replace(/\\`/g, "`");
}
