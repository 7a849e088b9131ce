import { styleText } from "node:util";
import type { Diagnostic } from "./diagnostic.js";
import { LineMap } from "./span.js";

export interface RenderOptions {
  readonly color: boolean;
}

/**
 * `file:line:col: error: message [E101]`, then the source line and a caret under the span
 * (as many carets as the span covers on its first line).
 */
export function renderDiagnostic(
  d: Diagnostic,
  text: string | undefined,
  opts: RenderOptions,
): string {
  const paint = (style: Parameters<typeof styleText>[0], s: string): string =>
    opts.color ? styleText(style, s) : s;
  const label = paint(["bold", d.severity === "error" ? "red" : "yellow"], `${d.severity}:`);
  const message = `${d.message} ${paint("dim", `[${d.code}]`)}`;
  if (text === undefined) return `${paint("bold", d.file)}: ${label} ${message}`;
  const lines = new LineMap(text);
  const pos = lines.position(d.span.start);
  const head = `${paint("bold", `${d.file}:${pos.line}:${pos.column}`)}: ${label} ${message}`;
  const source = lines.lineText(pos.line);
  const endPos = lines.position(Math.max(d.span.start, d.span.end));
  const lastColumn = endPos.line === pos.line ? endPos.column : source.length + 1;
  const width = Math.max(1, lastColumn - pos.column);
  const gutter = `${pos.line} | `;
  const pad = " ".repeat(gutter.length) + indentLike(source, pos.column - 1);
  return `${head}\n${paint("dim", gutter)}${source}\n${pad}${paint(["bold", "red"], "^".repeat(width))}`;
}

/** Whitespace as wide as the first `n` characters of `line`, keeping its tabs. */
function indentLike(line: string, n: number): string {
  let out = "";
  for (let i = 0; i < n; i++) out += line[i] === "\t" ? "\t" : " ";
  return out;
}
