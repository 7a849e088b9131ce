// The entry of tlbl's V8 start-up snapshot (scripts/bundle.mjs builds dist/tlbl.blob from it;
// bin/tlbl starts from it). Building the snapshot runs the work every `tlbl` process would
// otherwise repeat: chevrotain's grammar self-analysis and parsing and checking the kernel
// prelude. The heap is saved with both done; a run only deserializes it.
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { startupSnapshot } from "node:v8";
import { loadPrelude } from "../kernel/prelude.js";
import { parserInstance } from "../syntax/parser.js";
import { main } from "./main.js";

/** The module URL the bundle's `import.meta.url` stands for (scripts/bundle.mjs defines it). */
declare global {
  var __tlblModuleUrl: string;
}

parserInstance();
const prelude = loadPrelude();
if (prelude.diagnostics.length > 0)
  throw new Error(`the kernel prelude does not check: ${prelude.diagnostics[0]!.message}`);

startupSnapshot.setDeserializeMainFunction(async () => {
  // Worker threads (--jobs) start from the ES module bundle next to the snapshot blob.
  const blob = process.execArgv[process.execArgv.indexOf("--snapshot-blob") + 1] ?? "";
  globalThis.__tlblModuleUrl = pathToFileURL(join(dirname(blob), "tlbl.mjs")).href;
  // A snapshot runs with no script: argv is [node, ...arguments].
  process.exitCode = await main([process.argv[0]!, "tlbl", ...process.argv.slice(1)]);
});
