import { loadPrelude } from "../kernel/prelude.js";
import type { FixDef } from "../semantics/scenario.js";
import { compareReleases, knownReleases } from "../semantics/kernel-versions.js";
import { exitCode } from "./io.js";

export type ListTopic = "kernels" | "fixes";

/**
 * `tlbl list kernels|fixes`: what `--kernel` and `--fix` accept. The fixes are the prelude's
 * (src/kernel/fixes.tlb), the releases src/semantics/kernel-versions.ts's: nothing kept here.
 */
export function listCommand(topic: ListTopic, opts: { json?: boolean }): number {
  const fixes = [...loadPrelude().fixes.values()].sort(
    (a, b) => compareReleases(a.release, b.release) || a.commit.localeCompare(b.commit),
  );
  const landed = (release: string): FixDef[] => fixes.filter((f) => f.release === release);
  if (opts.json) {
    const data =
      topic === "fixes"
        ? fixes.map(({ commit, release, title }) => ({ id: commit, release, title }))
        : knownReleases.map((release) => ({
            release,
            fixes: landed(release).map((f) => f.commit),
          }));
    process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
    return exitCode.ok;
  }
  const idWidth = Math.max(...fixes.map((f) => f.commit.length));
  const fixLine = (f: FixDef): string => `${f.commit.padEnd(idWidth)}  ${f.title}`;
  const lines =
    topic === "fixes"
      ? fixes.map((f) => `${f.release.padEnd(5)}  ${fixLine(f)}`)
      : knownReleases.flatMap((release) => {
          const [first, ...rest] = landed(release);
          return [
            `${release.padEnd(5)}  ${first ? fixLine(first) : ""}`.trimEnd(),
            ...rest.map((f) => `${"".padEnd(5)}  ${fixLine(f)}`),
          ];
        });
  const header =
    topic === "fixes"
      ? "release  id  title (a kernel applies every fix of its release and earlier; --fix ID=on|off overrides)"
      : "release  the modelled fixes that landed in it (id, title)";
  process.stdout.write(`# ${header}\n${lines.join("\n")}\n`);
  return exitCode.ok;
}
