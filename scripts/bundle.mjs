// Bundles the command line into one file, dist/tlbl.mjs: loading one module instead of a few
// hundred (chevrotain alone pulls in lodash-es file by file) makes `tlbl run` start in a fraction
// of the time. prettier stays outside: only `tlbl fmt` loads it (its small doc printer, used by
// the tlb plugin, is bundled).
//
// Then the script of the V8 start-up snapshot bin/tlbl starts from (src/cli/snapshot.ts): bin/tlbl
// builds the snapshot itself, on first run, for the user's node (a snapshot loads only into the
// node binary that built it), and falls back to dist/tlbl.mjs when it cannot.
import { rmSync } from "node:fs";
import { build } from "esbuild";

/** `prettier` itself is loaded at run time by `tlbl fmt`; `prettier/doc` is bundled. */
const prettierMainExternal = {
  name: "prettier-main-external",
  setup(b) {
    b.onResolve({ filter: /^prettier$/ }, () => ({ path: "prettier", external: true }));
  },
};

const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  plugins: [prettierMainExternal],
  logLevel: "warning",
};

await build({
  ...common,
  entryPoints: ["src/cli/main.ts"],
  outfile: "dist/tlbl.mjs",
  format: "esm",
  sourcemap: true,
  // commander is CommonJS: give its require() calls a real require.
  banner: {
    js: 'import { createRequire as __tlblRequire } from "node:module"; const require = __tlblRequire(import.meta.url);',
  },
});

// A snapshot is built from one CommonJS script that requires only built-in modules.
await build({
  ...common,
  entryPoints: ["src/cli/snapshot.ts"],
  outfile: "dist/tlbl-snapshot.cjs",
  format: "cjs",
  // The source text is part of the heap the snapshot saves, and deserializing it is start-up
  // time: minified, in one-byte characters.
  charset: "ascii",
  minify: true,
  define: { "import.meta.url": "globalThis.__tlblModuleUrl" },
  banner: {
    js: 'globalThis.__tlblModuleUrl = require("node:url").pathToFileURL(__filename).href;',
  },
});

// Snapshots of older builds: bin/tlbl now builds one per node, in the user's cache.
rmSync("dist/tlbl.blob", { force: true });
rmSync("dist/tlbl.blob.node", { force: true });
