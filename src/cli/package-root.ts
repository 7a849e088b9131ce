import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The folder of the tlbl package (its package.json), above this module wherever it runs from:
 * src/cli, dist/src/cli, or the bundle and snapshot script in dist/. The docs ship in it.
 */
export function packageRoot(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const file = join(dir, "package.json");
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: string };
      if (pkg.name === "tlbl") return dir;
    }
    dir = dirname(dir);
  }
  return undefined;
}
