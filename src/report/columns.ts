import type { Machine } from "../model/machine.js";
import type { TraceEntry } from "./trace.js";

/**
 * A witness drawn the way kernel commit messages draw races: one column per CPU, numbered rows,
 * each row a run of consecutive steps of one thread. A row names the statement, then each step
 * that matters (locks, flushes, accesses, anything that changed a PTE, a TLB, a page flag or
 * memory) with what it changed.
 */
export function drawColumns(
  m: Machine,
  trace: readonly TraceEntry[],
  width = 120,
  full = false,
): string {
  const threads = m.program.threads;
  const n = threads.length;
  const numberWidth = 6;
  const colWidth = Math.max(28, Math.floor((width - numberWidth) / n) - 3);
  const header = threads.map((t) =>
    t.cpu >= 0 ? `CPU${t.cpu} (${t.name})` : t.isAfter ? "after" : `${t.name} (kthread)`,
  );
  const rows: { first: number; last: number; thread: number; lines: string[] }[] = [];
  const lastStatement = new Map<number, string>();
  for (const e of trace) {
    const tid = threads.findIndex((t) => t.name === e.thread);
    let row = rows[rows.length - 1];
    const sameStatement = lastStatement.get(tid) === e.statement;
    if (row === undefined || row.thread !== tid || !sameStatement) {
      row = {
        first: e.step,
        last: e.step,
        thread: tid,
        lines: [sameStatement ? `… ${e.statement}` : e.statement],
      };
      rows.push(row);
    }
    row.last = e.step;
    lastStatement.set(tid, e.statement);
    if (!full && !matters(e)) continue;
    const where = e.procs.length ? `${e.procs[e.procs.length - 1]}: ` : "";
    row.lines.push(`  ${where}${e.primitive}`);
    for (const c of e.changes) row.lines.push(`    ${c.text}`);
  }
  const out: string[] = [];
  const pad = (s: string, w: number): string => (s.length >= w ? s : s + " ".repeat(w - s.length));
  out.push(`${pad("", numberWidth)}${header.map((h) => pad(h, colWidth)).join(" | ")}`.trimEnd());
  out.push(`${pad("", numberWidth)}${header.map(() => "-".repeat(colWidth)).join("-+-")}`);
  rows.forEach((row, i) => {
    const wrapped = row.lines.flatMap((l) => wrap(l, colWidth));
    wrapped.forEach((line, k) => {
      const label = k === 0 ? pad(`${i + 1}.`, numberWidth) : pad("", numberWidth);
      const cells = threads.map((_, tid) => pad(tid === row.thread ? line : "", colWidth));
      out.push(`${label}${cells.join(" | ")}`.trimEnd());
    });
  });
  return out.join("\n");
}

function matters(e: TraceEntry): boolean {
  return e.changes.length > 0 || e.shown;
}

function wrap(line: string, width: number): string[] {
  if (line.length <= width) return [line];
  const indent = " ".repeat(Math.min(line.length - line.trimStart().length + 2, 8));
  const out: string[] = [];
  let rest = line;
  while (rest.length > width) {
    let cut = rest.lastIndexOf(" ", width);
    if (cut <= indent.length) cut = width;
    out.push(rest.slice(0, cut));
    rest = indent + rest.slice(cut).trimStart();
  }
  out.push(rest);
  return out;
}
