import type { Diagnostic, Severity } from "../diagnostics/diagnostic.js";
import { LineMap } from "../diagnostics/span.js";

/**
 * One diagnostic as `tlbl check --json` prints it. Lines and columns are 1-based; columns count
 * UTF-16 code units, as editors and the LSP do. The span is half-open: `endLine:endCol` is the
 * position just after its last character. Position fields are null when the source could not
 * be read (a missing file) or the diagnostic points into another file than the one checked.
 */
export interface DiagnosticJson {
  readonly file: string;
  readonly line: number | null;
  readonly col: number | null;
  readonly endLine: number | null;
  readonly endCol: number | null;
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
}

/** The diagnostics of one checked file, with positions computed in its text. */
export function diagnosticsJson(
  file: string,
  text: string | undefined,
  ds: readonly Diagnostic[],
): DiagnosticJson[] {
  const lines = text === undefined ? undefined : new LineMap(text);
  return ds.map((d) => {
    const map = d.file === file ? lines : undefined;
    const start = map?.position(d.span.start);
    const end = map?.position(Math.max(d.span.start, d.span.end));
    return {
      file: d.file,
      line: start?.line ?? null,
      col: start?.column ?? null,
      endLine: end?.line ?? null,
      endCol: end?.column ?? null,
      code: d.code,
      severity: d.severity,
      message: d.message,
    };
  });
}
