import type { Machine } from "../model/machine.js";
import type { TraceEntry } from "./trace.js";
import { laneTitle, matters, whereOf, witnessRows } from "./rows.js";

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
  // Each column gives 3 to its " | "; past the floor (9 CPUs at 120) the drawing outgrows `width`.
  const colWidth = Math.max(12, Math.floor((width - numberWidth) / n) - 3);
  const header = threads.map(laneTitle);
  const rows = witnessRows(m, trace, (e) => full || matters(e)).map((row) => ({
    thread: row.thread,
    lines: [
      row.continued ? `… ${row.statement}` : row.statement,
      ...row.entries.flatMap((e) => [
        `  ${whereOf(e)}${e.primitive}`,
        ...e.changes.map((c) => `    ${c.text}`),
      ]),
    ],
  }));
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
