import type { SiteResult, Skipped } from "./mutate.js";

/** A whole mutation run: each site's result, the scenarios left out, the score. */
export interface MutationReport {
  readonly results: readonly SiteResult[];
  readonly skipped: readonly Skipped[];
  readonly score: Score;
  readonly timeMs: number;
}

/** Sites caught out of sites reached (caught, surviving or open). */
export interface Score {
  readonly caught: number;
  readonly reached: number;
  readonly survives: number;
  readonly open: number;
  readonly unreached: number;
}

export function scoreOf(results: readonly SiteResult[]): Score {
  const n = (s: SiteResult["status"]): number => results.filter((r) => r.status === s).length;
  return {
    caught: n("caught"),
    reached: n("caught") + n("survives") + n("open"),
    survives: n("survives"),
    open: n("open"),
    unreached: n("unreached"),
  };
}

export function mutationReport(
  results: readonly SiteResult[],
  skipped: readonly Skipped[],
  timeMs: number,
): MutationReport {
  return { results, skipped, score: scoreOf(results), timeMs };
}

/**
 * The text table: one line per site (where, kind, status), then what was removed and what
 * answered it: each scenario that catches it with the witness's schedule, or why none does.
 */
export function mutationText(r: MutationReport): string {
  const width = Math.max(4, ...r.results.map((x) => x.site.id.length));
  const lines = [`${"site".padEnd(width)}  kind     status`];
  for (const x of r.results) {
    lines.push(`${x.site.id.padEnd(width)}  ${x.site.kind.padEnd(7)}  ${x.status}`);
    lines.push(`    removed: ${x.site.what}`);
    for (const c of x.catches) {
      const fixes = c.fixOverrides.length ? ` with ${c.fixOverrides.join(" ")}` : "";
      lines.push(`    caught by ${c.scenario} on ${c.kernel}${fixes}: "${c.schedule ?? ""}"`);
    }
    if (x.status === "survives")
      lines.push(`    survives: no scenario needs it (reached by ${x.reachedBy.length})`);
    if (x.status === "unreached")
      lines.push(`    no scenario with a never expectation reaches ${x.site.procs.join(", ")}`);
    if (x.status !== "caught")
      for (const o of x.open)
        lines.push(`    open: ${o.scenario}${o.kernel ? ` on ${o.kernel}` : ""}: ${o.reason}`);
  }
  for (const s of r.skipped) lines.push(`not a judge: ${s.file}: ${s.reason}`);
  const s = r.score;
  const pct = s.reached ? ` (${Math.round((100 * s.caught) / s.reached)}%)` : "";
  lines.push(
    `Mutation score: ${s.caught} caught / ${s.reached} reached${pct}; ${s.survives} survive, ${s.open} open, ${s.unreached} unreached; ${(r.timeMs / 1000).toFixed(1)} s`,
  );
  return lines.join("\n") + "\n";
}

/** The JSON form: the same data, the sites' statements with their lines. */
export function mutationJson(r: MutationReport): string {
  return JSON.stringify(r, null, 2) + "\n";
}
