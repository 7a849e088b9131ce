import type { MergedHunt, MergedRace } from "./merge.js";

/** A merged hunt as text: the shards, what is missing, and the races by the fix of each. */
export function formatMergedHunt(m: MergedHunt): string {
  const out = [
    `Hunt on ${m.releases.join(", ")}, corpus ${m.corpus}: ${m.tried} candidates in ${m.shards.length} of ${m.count} shards`,
  ];
  const width = Math.max(...m.shards.map((s) => s.file.length));
  for (const s of m.shards) {
    const o = s.outcomes;
    out.push(
      `  shard ${s.shard}  ${s.file.padEnd(width)}  ${count(s.tried, "candidate")} in ${(s.ms / 1000).toFixed(1)} s: ${o.quiet} quiet, ${o.open} open, ${count(o.finding, "finding")}, ${count(o.duplicate, "duplicate")}`,
    );
  }
  for (const s of m.missing) out.push(`  shard ${s}  missing`);
  if (m.missing.length > 0)
    out.push(
      `Partial: ${m.missing.length} of ${m.count} shards missing (${m.missing.join(", ")}); their candidates are not in this summary.`,
    );
  out.push("");
  out.push(`${count(m.races.length, "race")} (findings de-duplicated by shape across shards):`);
  let group: string | undefined;
  for (const r of m.races) {
    const heading = r.fix
      ? `the race of ${r.fix.commit} (${r.fix.release}, "${r.fix.title}"):`
      : r.together
        ? `the race of ${r.together.map((f) => `${f.commit} (${f.release})`).join(" and ")} together:`
        : "no modelled fix: candidates, to read against the C:";
    if (heading !== group) out.push(`  ${(group = heading)}`);
    out.push(`    ${raceLine(r)}`);
  }
  return out.join("\n") + "\n";
}

function raceLine(r: MergedRace): string {
  const shards = r.shards.length === 1 ? "shard" : "shards";
  return `${r.id}.tlb  ${r.shape}  on ${r.releases.join(", ")}; ${count(r.candidates.length, "candidate")} (first ${r.candidates[0]}) on ${shards} ${r.shards.join(", ")}`;
}

function count(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? "" : "s"}`;
}
