import { readFileSync } from "node:fs";

/** The package version, read from package.json at the package root. */
function readVersion(): string {
  for (const rel of ["../../package.json", "../../../package.json"]) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), "utf8")) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === "tlbl" && pkg.version) return pkg.version;
    } catch {
      // not at this depth
    }
  }
  return "0.0.0";
}

export const version = readVersion();
