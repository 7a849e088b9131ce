// Bundles the command line into one file, dist/tlbl.mjs: loading one module instead of a few
// hundred (chevrotain alone pulls in lodash-es file by file) makes `tlbl run` start in a fraction
// of the time. prettier stays outside: only `tlbl fmt` loads it.
import { build } from "esbuild";

await build({
  entryPoints: ["src/cli/main.ts"],
  outfile: "dist/tlbl.mjs",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  external: ["prettier"],
  sourcemap: true,
  // commander is CommonJS: give its require() calls a real require.
  banner: { js: 'import { createRequire as __tlblRequire } from "node:module"; const require = __tlblRequire(import.meta.url);' },
  logLevel: "warning",
});
