import type { Span } from "./span.js";
import type { Code } from "./codes.js";

export type Severity = "error" | "warning";

/** A problem with the user's input. Stages return these as values; only our own bugs throw. */
export interface Diagnostic {
  readonly code: Code;
  readonly severity: Severity;
  readonly message: string;
  /** The source the span points into (a scenario file or the kernel prelude). */
  readonly file: string;
  readonly span: Span;
}

/** Collects the diagnostics of one source file. */
export class DiagnosticBag {
  readonly items: Diagnostic[] = [];

  constructor(readonly file: string) {}

  error(code: Code, span: Span, message: string): void {
    this.items.push({ code, severity: "error", message, file: this.file, span });
  }

  get hasErrors(): boolean {
    return this.items.some((d) => d.severity === "error");
  }
}

export function byPosition(a: Diagnostic, b: Diagnostic): number {
  return a.file === b.file
    ? a.span.start - b.span.start || a.span.end - b.span.end
    : a.file.localeCompare(b.file);
}
