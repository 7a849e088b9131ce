import type { Span } from "../../diagnostics/span.js";
import type { Origin } from "../ir.js";
import type { Env } from "./env.js";

/** The source of a span on one line, whitespace collapsed. */
export function sourceLine(text: string, span: Span): string {
  const s = text
    .slice(span.start, span.end)
    .replace(/\/\/[^\n]*/g, "")
    .replace(/\s+/g, " ")
    .trim();
  return s.length > 72 ? `${s.slice(0, 69)}…` : s;
}

/** Where a step at `span` comes from: the source text, and the procs inlined to reach it. */
export function originAt(env: Env, span: Span): Origin {
  return {
    file: env.file,
    span,
    procs: env.procs,
    statement: env.statement,
    text: sourceLine(env.text, span),
  };
}
