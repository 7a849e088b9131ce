import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { renderDiagnostic } from "../diagnostics/render.js";
import { LineMap } from "../diagnostics/span.js";

/** Exit statuses, as documented in the README and docs/output.md. */
export const exitCode = {
  ok: 0,
  expectationFailed: 1,
  badInput: 2,
  incomplete: 3,
  /** A bug in tlbl: the user is not to blame. */
  internalError: 4,
  /** The scenario needs more than the model has (out of page frames, say). */
  modelLimit: 5,
} as const;

export type SourceFile =
  | { readonly ok: true; readonly file: string; readonly text: string }
  | { readonly ok: false; readonly diagnostic: Diagnostic };

/**
 * The command line's paths with each directory replaced by the .tlb files under it, sorted
 * (`tlbl run scenarios` runs the seeds and the library). A directory without one stays, so
 * reading it reports the mistake.
 */
export function expandDirectories(paths: readonly string[]): string[] {
  const under = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true })
      .flatMap((e) =>
        e.isDirectory()
          ? under(join(dir, e.name))
          : e.name.endsWith(".tlb")
            ? [join(dir, e.name)]
            : [],
      )
      .sort();
  return paths.flatMap((p) => {
    let isDir = false;
    try {
      isDir = statSync(p).isDirectory();
    } catch {
      return [p];
    }
    const found = isDir ? under(p) : [];
    return found.length ? found : [p];
  });
}

/** Reads a source file; a missing file, a directory or undecodable bytes become a diagnostic. */
export function readSource(file: string): SourceFile {
  const fail = (code: "E001" | "E002", message: string): SourceFile => ({
    ok: false,
    diagnostic: { code, severity: "error", message, file, span: { start: 0, end: 0 } },
  });
  let bytes: Buffer;
  try {
    if (statSync(file).isDirectory()) return fail("E001", "is a directory, not a .tlb file");
    bytes = readFileSync(file);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why =
      err.code === "ENOENT"
        ? "no such file"
        : err.code === "EACCES"
          ? "permission denied"
          : err.message;
    return fail("E001", `cannot read: ${why}`);
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return fail("E002", "the input is not text (it is not valid UTF-8)");
  }
  return { ok: true, file, text: text.replace(/^\uFEFF/, "") };
}

/** Colour on a terminal unless NO_COLOR is set; FORCE_COLOR forces it. */
export function useColor(stream: NodeJS.WriteStream): boolean {
  if (process.env["FORCE_COLOR"] !== undefined && process.env["FORCE_COLOR"] !== "0") return true;
  if (process.env["NO_COLOR"] !== undefined && process.env["NO_COLOR"] !== "") return false;
  return stream.isTTY === true;
}

export function printDiagnostics(ds: readonly Diagnostic[], text: string | undefined): void {
  const color = useColor(process.stderr);
  const lines = text === undefined ? undefined : new LineMap(text);
  for (const d of ds)
    process.stderr.write(
      `${renderDiagnostic(d, d.span.end > 0 || d.span.start > 0 || text ? lines : undefined, { color })}\n`,
    );
}
