// The entry of tlbl's V8 start-up snapshot (scripts/bundle.mjs bundles it into
// dist/tlbl-snapshot.cjs; bin/tlbl builds the snapshot from that, once per node, and starts from
// it). Building the snapshot runs the work every `tlbl` process would otherwise repeat: chevrotain's grammar self-analysis and parsing and checking the kernel
// prelude. The heap is saved with both done; a run only deserializes it.
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
  // Worker threads (--jobs) start from the ES module bundle next to the snapshot script (the
  // blob itself is in the user's cache).
  globalThis.__tlblModuleUrl = new URL("tlbl.mjs", globalThis.__tlblModuleUrl).href;
  // A snapshot runs with no script: argv is [node, ...arguments].
  process.exitCode = await main([process.argv[0]!, "tlbl", ...process.argv.slice(1)]);
});
