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
  | {
      readonly ok: false;
      readonly diagnostic: Diagnostic;
      /** Bytes that are not UTF-8, decoded with U+FFFD, so the error can show its line. */
      readonly text?: string;
    };

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
  const bad = firstInvalidUtf8(bytes);
  if (bad !== undefined) {
    // The decoder drops a leading BOM from the prefix too, so offsets agree with `text`.
    const at = new TextDecoder("utf-8").decode(bytes.subarray(0, bad)).length;
    return {
      ok: false,
      diagnostic: {
        code: "E002",
        severity: "error",
        message: `the input is not text (byte 0x${bytes[bad]!.toString(16)} at offset ${bad} is not valid UTF-8)`,
        file,
        span: { start: at, end: at + 1 },
      },
      text: new TextDecoder("utf-8").decode(bytes),
    };
  }
  return { ok: true, file, text: new TextDecoder("utf-8").decode(bytes) };
}

/**
 * The offset of the first byte that starts no well-formed UTF-8 sequence (RFC 3629: no
 * overlong forms, no surrogates, nothing past U+10FFFF), or undefined when all are well formed.
 */
export function firstInvalidUtf8(b: Uint8Array): number | undefined {
  for (let i = 0; i < b.length; ) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    // The sequence's length and the allowed range of its second byte (Unicode table 3-7).
    const [n, lo, hi] =
      c >= 0xc2 && c <= 0xdf
        ? [2, 0x80, 0xbf]
        : c === 0xe0
          ? [3, 0xa0, 0xbf]
          : c === 0xed
            ? [3, 0x80, 0x9f]
            : c >= 0xe1 && c <= 0xef
              ? [3, 0x80, 0xbf]
              : c === 0xf0
                ? [4, 0x90, 0xbf]
                : c === 0xf4
                  ? [4, 0x80, 0x8f]
                  : c >= 0xf1 && c <= 0xf3
                    ? [4, 0x80, 0xbf]
                    : [0, 0, 0];
    if (n === 0 || i + n > b.length || b[i + 1]! < lo || b[i + 1]! > hi) return i;
    for (let k = 2; k < n; k++) if (b[i + k]! < 0x80 || b[i + k]! > 0xbf) return i;
    i += n;
  }
  return undefined;
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
