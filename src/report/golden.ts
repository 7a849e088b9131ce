import type { RunResult } from "../judge/run.js";
import { toJson } from "./json.js";
import { formatText } from "./text.js";

/**
 * A scenario's expected output (`NAME.tlb.expected`, herd7's regression style): what `tlbl run
 * NAME.tlb` prints off a terminal (120 columns, no colour), then what `tlbl run --json` prints.
 * What varies from run to run is left out, so the file is the same on every machine: herd's
 * `Time` lines and the JSON's `timeMs`. The Hash stays (it is the scenario's).
 */
export function expectedOutput(results: readonly RunResult[]): string {
  const text = results
    .map(
      (r) => `${formatText(r, { color: false, width: 120, quiet: false, fullTrace: false })}\n\n`,
    )
    .join("")
    .split("\n")
    .filter((l) => !/^Time \S+ \d+\.\d+$/.test(l))
    .join("\n");
  const json = results.map((r) => {
    const { timeMs: _, ...rest } = toJson(r);
    return rest;
  });
  return `${text}${jsonMarker}\n${JSON.stringify(json, null, 2)}\n`;
}

/** The line between the text and the JSON of an expected output. */
export const jsonMarker = "--- tlbl run --json";
