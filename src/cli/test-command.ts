import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { runScenario } from "../judge/run.js";
import { expectedOutput } from "../report/golden.js";
import { exitCode, printDiagnostics } from "./io.js";
import { lineDiff } from "./line-diff.js";
import { loadScenario } from "./load.js";
import { searchAll } from "../explore/run.js";

/**
 * `tlbl test`: runs each scenario as `tlbl run` does and compares its output with the expected
 * output kept beside it (`NAME.tlb.expected`, report/golden.ts); `--promote` writes the
 * expected outputs instead, after a change has been reviewed. Exit 0 when every output matches,
 * 1 with a diff of each that does not, 2 on bad input, 5 at a model limit.
 */
export async function testCommand(files: string[], opts: { promote?: boolean }): Promise<number> {
  let failed = 0;
  let badInput = false;
  let modelLimit = false;
  for (const file of files) {
    const loaded = loadScenario(file);
    if (loaded.scenario === undefined) {
      printDiagnostics(loaded.diagnostics, loaded.text);
      badInput = true;
      continue;
    }
    const out = await runScenario(loaded.scenario, {
      ...searchAll,
    });
    if (out.diagnostics.length) {
      printDiagnostics(out.diagnostics, loaded.text);
      badInput = true;
      continue;
    }
    if (out.modelError) {
      process.stderr.write(`tlbl: the model is too small for this run: ${out.modelError}\n`);
      modelLimit = true;
      continue;
    }
    const actual = expectedOutput(out.results);
    const path = `${file}.expected`;
    if (opts.promote) {
      writeFileSync(path, actual);
      process.stdout.write(`${path}: written\n`);
      continue;
    }
    const expected = existsSync(path) ? readFileSync(path, "utf8") : undefined;
    if (expected === actual) {
      process.stdout.write(`${file}: OK\n`);
      continue;
    }
    failed++;
    if (expected === undefined)
      process.stdout.write(
        `${file}: no ${path}; review the output, then \`tlbl test --promote ${file}\`\n`,
      );
    else process.stdout.write(`${file}: differs from ${path}:\n${lineDiff(expected, actual)}\n`);
  }
  if (badInput) return exitCode.badInput;
  if (modelLimit) return exitCode.modelLimit;
  return failed ? exitCode.expectationFailed : exitCode.ok;
}
