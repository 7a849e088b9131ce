// Bundles the client (src/extension.ts and vscode-languageclient) into dist/extension.js, one
// CommonJS file as VS Code loads it; `vscode` is provided by the editor.
import { build } from "esbuild";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL("..", import.meta.url));

await build({
  entryPoints: [`${here}src/extension.ts`],
  outfile: `${here}dist/extension.js`,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  external: ["vscode"],
  minify: true,
  logLevel: "warning",
});
