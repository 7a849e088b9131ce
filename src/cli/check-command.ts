import { exitCode, printDiagnostics, useColor } from "./io.js";
import { loadScenario } from "./load.js";
import { styleText } from "node:util";

/** `tlbl check FILES…`: parse and check; each file prints OK (after any warnings) or its errors. */
export function checkCommand(files: string[]): number {
  let status: number = exitCode.ok;
  const color = useColor(process.stdout);
  for (const file of files) {
    const r = loadScenario(file);
    if (r.diagnostics.length > 0) {
      printDiagnostics(r.diagnostics, r.text);
      const n = r.diagnostics.length;
      process.stderr.write(`${file}: ${n} error${n === 1 ? "" : "s"}\n`);
      status = exitCode.badInput;
    } else {
      printDiagnostics(r.warnings, r.text);
      process.stdout.write(`${file}: ${color ? styleText("green", "OK") : "OK"}\n`);
    }
  }
  return status;
}
