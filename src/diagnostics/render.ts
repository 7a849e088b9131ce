import { styleText } from "node:util";
import type { Diagnostic } from "./diagnostic.js";
import { LineMap } from "./span.js";

export interface RenderOptions {
  readonly color: boolean;
}

/** Source lines longer than this are shown as a window around the error. */
const maxShown = 160;

/**
 * `file:line:col: error: message [E101]`, then the source line and a caret under the span
 * (as many carets as the span covers on its first line). Pass a LineMap built once when
 * rendering many diagnostics of one text: each then costs time in its own line, not the file.
 */
export function renderDiagnostic(
  d: Diagnostic,
  source: string | LineMap | undefined,
  opts: RenderOptions,
): string {
  const paint = (style: Parameters<typeof styleText>[0], s: string): string =>
    // The caller chose colour for the stream it writes to (stderr); styleText would check stdout.
    opts.color ? styleText(style, s, { validateStream: false }) : s;
  const label = paint(["bold", d.severity === "error" ? "red" : "yellow"], `${d.severity}:`);
  const message = `${d.message} ${paint("dim", `[${d.code}]`)}`;
  if (source === undefined) return `${paint("bold", d.file)}: ${label} ${message}`;
  const lines = typeof source === "string" ? new LineMap(source) : source;
  const pos = lines.position(d.span.start);
  const head = `${paint("bold", `${d.file}:${pos.line}:${pos.column}`)}: ${label} ${message}`;
  const whole = lines.lineText(pos.line);
  const endPos = lines.position(Math.max(d.span.start, d.span.end));
  const lastColumn = endPos.line === pos.line ? endPos.column : whole.length + 1;
  // A long line is cut to a window that starts a little before the error.
  const from = whole.length > maxShown ? Math.max(0, pos.column - 1 - 40) : 0;
  const to = Math.min(whole.length, from + maxShown);
  const lead = from > 0 ? "…" : "";
  const source_ = `${lead}${whole.slice(from, to)}${to < whole.length ? "…" : ""}`;
  const column = pos.column - from + lead.length;
  const width = Math.max(1, Math.min(lastColumn - pos.column, to - (pos.column - 1)));
  const gutter = `${pos.line} | `;
  const pad = " ".repeat(gutter.length) + indentLike(source_, column - 1);
  return `${head}\n${paint("dim", gutter)}${source_}\n${pad}${paint(["bold", "red"], "^".repeat(width))}`;
}

/** Whitespace as wide as the first `n` characters of `line`, keeping its tabs. */
function indentLike(line: string, n: number): string {
  let out = "";
  for (let i = 0; i < n; i++) out += line[i] === "\t" ? "\t" : " ";
  return out;
}
