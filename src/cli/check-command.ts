import { exitCode, printDiagnostics, useColor } from "./io.js";
import { loadScenario } from "./load.js";
import { styleText } from "node:util";
import { diagnosticsJson, type DiagnosticJson } from "../report/diagnostics-json.js";

/**
 * `tlbl check FILES…`: parse and check; each file prints OK (after any warnings) or its errors.
 * With `json`, one JSON array of every file's errors and warnings instead (docs/output.md).
 */
export function checkCommand(files: string[], opts: { json?: boolean } = {}): number {
  let status: number = exitCode.ok;
  const color = useColor(process.stdout);
  const all: DiagnosticJson[] = [];
  for (const file of files) {
    const r = loadScenario(file);
    const bad = r.diagnostics.length > 0;
    if (bad) status = exitCode.badInput;
    if (opts.json) {
      all.push(...diagnosticsJson(file, r.text, bad ? r.diagnostics : r.warnings));
    } else if (bad) {
      printDiagnostics(r.diagnostics, r.text);
      const n = r.diagnostics.length;
      process.stderr.write(`${file}: ${n} error${n === 1 ? "" : "s"}\n`);
    } else {
      printDiagnostics(r.warnings, r.text);
      process.stdout.write(`${file}: ${color ? styleText("green", "OK") : "OK"}\n`);
    }
  }
  if (opts.json) process.stdout.write(`${JSON.stringify(all, null, 2)}\n`);
  return status;
}
