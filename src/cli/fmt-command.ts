import { writeFileSync } from "node:fs";
import { parse } from "../syntax/parse.js";
import { exitCode, printDiagnostics, readSource } from "./io.js";

export interface FmtOptions {
  readonly check?: boolean;
  readonly write?: boolean;
}

/**
 * `tlbl fmt`: formats through prettier with the tlb plugin. Prints the result, or with --write
 * rewrites the files, or with --check lists the files that are not formatted (status 1).
 */
export async function fmtCommand(files: string[], opts: FmtOptions): Promise<number> {
  if (opts.check && opts.write) {
    process.stderr.write(
      "tlbl fmt: --check and --write do not combine: --check only lists the files that are not formatted, --write rewrites them\n",
    );
    return exitCode.badInput;
  }
  // prettier is loaded only when formatting: `tlbl run` starts faster without it.
  const { formatTlb } = await import("../format/format.js");
  let status: number = exitCode.ok;
  for (const file of files) {
    const src = readSource(file);
    if (!src.ok) {
      printDiagnostics([src.diagnostic], src.text);
      status = exitCode.badInput;
      continue;
    }
    const parsed = parse(src.text, file);
    if (parsed.ast === undefined) {
      printDiagnostics(parsed.diagnostics, src.text);
      status = exitCode.badInput;
      continue;
    }
    const out = await formatTlb(src.text, file);
    if (opts.check) {
      if (out !== src.text) {
        process.stdout.write(`${file}: not formatted\n`);
        if (status === exitCode.ok) status = exitCode.expectationFailed;
      }
    } else if (opts.write) {
      if (out !== src.text) {
        writeFileSync(file, out);
        process.stdout.write(`${file}: formatted\n`);
      }
    } else process.stdout.write(out);
  }
  return status;
}
