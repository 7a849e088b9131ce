import type { Machine } from "../model/machine.js";
import type { TraceEntry } from "./trace.js";
import { laneTitle, witnessRows } from "./rows.js";

/** What fits a commit message: git's 72-column body, the width kernel changelogs keep to. */
export const commitWidth = 72;

/** Space between two CPU columns: the seeds' commit messages separate columns by blanks alone. */
const gap = "   ";

/**
 * A witness drawn small enough for a commit message, in the shape the seeds' commit messages use
 * (`CPU0 … CPU1`, a rule under each, `==> ptep_get_and_clear()` under a statement): one column
 * per thread, at most `width` columns in total for up to three threads (72: 22 each); only the
 * steps that change what a race is about (a PTE, a TLB entry, memory, a page's flags, a
 * register) and the TLB flushes, each change in brackets. Locks and bookkeeping are left out;
 * `--full-trace` or the wide drawing shows them.
 */
export function drawCompact(m: Machine, trace: readonly TraceEntry[], width = commitWidth): string {
  const threads = m.program.threads;
  const n = threads.length;
  const colWidth = Math.max(16, Math.floor((width - gap.length * (n - 1)) / n));
  const header = threads.map((t) => laneTitle(t).replace(" (kthread)", ""));
  const rows = witnessRows(m, trace, mattersCompact)
    // A statement's first row always shows (it started there); a later one only if it matters.
    .filter((row) => !row.continued || row.entries.length > 0)
    .map((row) => ({
      thread: row.thread,
      lines: [
        row.continued ? "..." : row.statement,
        ...row.entries.flatMap((e) => [
          ...(stepText(e) === undefined ? [] : [`==> ${stepText(e)}`]),
          ...keptChanges(e).map((c) => `[${c}]`),
        ]),
      ],
    }));
  const pad = (s: string): string =>
    s.length >= colWidth ? s : s + " ".repeat(colWidth - s.length);
  const line = (cells: readonly string[]): string => cells.map(pad).join(gap).trimEnd();
  const out = [
    line(header.map((h) => h.slice(0, colWidth))),
    line(header.map((h) => "-".repeat(Math.min(h.length, colWidth)))),
  ];
  for (const row of rows) {
    for (const l of row.lines.flatMap((l) => wrap(l, colWidth)))
      out.push(line(threads.map((_, tid) => (tid === row.thread ? l : ""))));
  }
  return out.join("\n");
}

/** Kinds of change a commit message's race is about; page-cache and VMA bookkeeping are not. */
const compactKinds = new Set([
  "pte",
  "tlb",
  "data",
  "disk",
  "register",
  "monitor",
  "mm",
  "swap_map",
]);

/** The changes a compact drawing keeps: PG_dirty and a copied-away frame among the flags. */
function keptChanges(e: TraceEntry): string[] {
  return e.changes
    .filter(
      (c) =>
        compactKinds.has(c.kind) || (c.kind === "flags" && /PG_dirty|copied|lazyfree/.test(c.text)),
    )
    .map((c) => c.text);
}

/** A step that changed what races are about, a TLB hit, or a TLB flush (a cold TLB changes nothing). */
function mattersCompact(e: TraceEntry): boolean {
  return keptChanges(e).length > 0 || (e.shown && /flush|hits the TLB/.test(e.primitive));
}

/**
 * `pte = ptep_get_and_clear(old[i])` → `ptep_get_and_clear()`, as commit messages name calls;
 * an access is named only when it hit the TLB (a walk shows as the TLB entry it filled).
 */
function stepText(e: TraceEntry): string | undefined {
  if (e.primitive.startsWith("MMU: "))
    return e.primitive.includes("hits the TLB") ? "TLB hit" : undefined;
  const call = /([A-Za-z_]\w*)\s*\(/.exec(e.primitive) ?? /([A-Za-z_]\w*)\s*$/.exec(e.primitive);
  return call ? `${call[1]}()` : e.primitive;
}

/** Cuts at blanks where it can; a continued line is indented by two. */
function wrap(line: string, width: number): string[] {
  const out: string[] = [];
  let rest = line;
  while (rest.length > width) {
    let cut = rest.lastIndexOf(" ", width);
    if (cut <= 2) cut = width;
    out.push(rest.slice(0, cut).trimEnd());
    rest = `  ${rest.slice(cut).trimStart()}`;
  }
  out.push(rest);
  return out;
}
