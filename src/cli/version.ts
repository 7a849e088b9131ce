import { readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "./package-root.js";

/** The package version, from the package's package.json. */
function readVersion(): string {
  const root = packageRoot();
  if (root === undefined) return "0.0.0";
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version?: string };
  return pkg.version ?? "0.0.0";
}

export const version = readVersion();
