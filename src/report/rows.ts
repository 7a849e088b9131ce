import type { Machine } from "../model/machine.js";
import type { TraceEntry } from "./trace.js";

/**
 * A witness cut into rows, as every drawing of it shows them: a row is a run of consecutive
 * steps of one thread within one statement, `continued` when that statement began in an earlier
 * row. `entries` are the row's steps that the drawing keeps.
 */
export interface WitnessRow {
  readonly thread: number;
  readonly statement: string;
  readonly continued: boolean;
  readonly first: number;
  readonly entries: readonly TraceEntry[];
}

export function witnessRows(
  m: Machine,
  trace: readonly TraceEntry[],
  keep: (e: TraceEntry) => boolean,
): WitnessRow[] {
  const threads = m.program.threads;
  const rows: {
    thread: number;
    statement: string;
    continued: boolean;
    first: number;
    entries: TraceEntry[];
  }[] = [];
  const lastStatement = new Map<number, string>();
  for (const e of trace) {
    const tid = threads.findIndex((t) => t.name === e.thread);
    let row = rows[rows.length - 1];
    const sameStatement = lastStatement.get(tid) === e.statement;
    if (row === undefined || row.thread !== tid || !sameStatement) {
      row = {
        thread: tid,
        statement: e.statement,
        continued: sameStatement,
        first: e.step,
        entries: [],
      };
      rows.push(row);
    }
    lastStatement.set(tid, e.statement);
    if (keep(e)) row.entries.push(e);
  }
  return rows;
}

/** A lane's title: `CPU1 (T1)`, a kernel thread's name, or `after`. */
export function laneTitle(t: { cpu: number; name: string; isAfter?: boolean }): string {
  return t.cpu >= 0 ? `CPU${t.cpu} (${t.name})` : t.isAfter ? "after" : `${t.name} (kthread)`;
}

/** The steps a drawing shows by default: an access, a lock or flush, or anything changed. */
export function matters(e: TraceEntry): boolean {
  return e.changes.length > 0 || e.shown;
}

/** The innermost proc a step was inlined through: `move_ptes: `. */
export function whereOf(e: TraceEntry): string {
  return e.procs.length ? `${e.procs[e.procs.length - 1]}: ` : "";
}
