import type { Analysis } from "./analysis.js";
import { walk } from "./find.js";

export interface Fold {
  readonly startLine: number;
  readonly endLine: number;
  readonly kind?: "comment";
}

/** Nodes worth folding: declarations with a body, statement blocks, doc strings. */
const foldable = new Set([
  "InitDecl",
  "ThreadDecl",
  "ProcDecl",
  "AfterDecl",
  "ScheduleDecl",
  "Block",
  "StringLit",
]);

/**
 * Folding ranges: every multi-line block, declaration and doc string (the closing line stays
 * visible), and runs of `//` comment lines, such as the C citations above prelude procs.
 */
export function foldingRanges(a: Analysis): Fold[] {
  const out = new Map<string, Fold>();
  const add = (f: Fold): void => {
    if (f.endLine > f.startLine) out.set(`${f.startLine}:${f.endLine}`, f);
  };
  const line = (offset: number): number => a.lines.position(offset).line - 1;
  if (a.ast !== undefined)
    for (const n of walk(a.ast)) {
      if (!foldable.has(n.kind)) continue;
      const last = line(Math.max(n.span.start, n.span.end - 1));
      // A `}` that ends the range stays visible, as editors fold C.
      const closes = a.text[n.span.end - 1] === "}";
      add({ startLine: line(n.span.start), endLine: closes ? last - 1 : last });
    }
  const lines = a.text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*\/\//.test(lines[i]!)) continue;
    let j = i;
    while (j + 1 < lines.length && /^\s*\/\//.test(lines[j + 1]!)) j++;
    add({ startLine: i, endLine: j, kind: "comment" });
    i = j;
  }
  return [...out.values()].sort((x, y) => x.startLine - y.startLine || y.endLine - x.endLine);
}
