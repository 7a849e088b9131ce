import type { Analysis } from "./analysis.js";
import { rangeOf } from "./analysis.js";
import type { RunTarget } from "./run.js";

/** The server's one command: runs the scenario (or one expectation or schedule) of a document. */
export const runCommand = "tlbl.run";

export interface RunArgs {
  readonly uri: string;
  readonly target: RunTarget;
}

export interface Lens {
  readonly range: ReturnType<typeof rangeOf>;
  readonly command: {
    readonly title: string;
    readonly command: string;
    readonly arguments: [RunArgs];
  };
}

/** A "run" lens above each `expect` line (and one for the whole file) and each `schedule`. */
export function codeLenses(a: Analysis, uri: string): Lens[] {
  const out: Lens[] = [];
  const lens = (span: { start: number; end: number }, title: string, target: RunTarget): void => {
    out.push({
      range: rangeOf(a.lines, span),
      command: { title, command: runCommand, arguments: [{ uri, target }] },
    });
  };
  let index = 0;
  for (const d of a.ast?.decls ?? []) {
    if (d.kind === "ExpectDecl") {
      if (index === 0) lens(d.span, "▶ run all", { kind: "file" });
      const fixes = d.fixes
        .map((f) => ` with ${f.commit.text} ${f.enabled ? "on" : "off"}`)
        .join("");
      lens(d.span, `▶ run kernel ${d.kernel.text}${fixes}`, { kind: "expect", index });
      index++;
    } else if (d.kind === "ScheduleDecl") {
      lens(d.span, `▶ run schedule ${d.name.name}`, { kind: "schedule", name: d.name.name });
    }
  }
  return out;
}
