import { compareReleases } from "../semantics/kernel-versions.js";
import type { FixDef } from "../semantics/scenario.js";
import { shardLabel } from "../judge/shards.js";
import { releasesKey, type FindingRecord, type Outcome, type ParsedResults } from "./results.js";

/** What one shard's results file says: how many candidates it tried, and what they gave. */
export interface ShardTally {
  readonly shard: string;
  readonly file: string;
  readonly tried: number;
  readonly outcomes: Readonly<Record<Outcome, number>>;
  /** The candidates' time, summed. */
  readonly ms: number;
}

/** One race of the merged hunt: the findings of one shape, on whichever shards found it. */
export interface MergedRace {
  readonly id: string;
  readonly shape: string;
  readonly monitor: string;
  readonly kind: FindingRecord["kind"];
  readonly fix: FixDef | null;
  /** With no fix: the fixes that turn it Never together, if any. */
  readonly together?: readonly FixDef[];
  /** The releases it fired on. */
  readonly releases: readonly string[];
  /** The candidates that minimised to it (index order), and the shards that ran them. */
  readonly candidates: readonly number[];
  readonly shards: readonly string[];
}

/** A hunt's shards put together (`tlbl merge` on `tlbl hunt --shard i/n` results files). */
export interface MergedHunt {
  readonly corpus: string;
  readonly releases: readonly string[];
  /** How many shards the corpus was split into, those given, and the labels of those missing. */
  readonly count: number;
  readonly shards: readonly ShardTally[];
  readonly missing: readonly string[];
  readonly tried: number;
  /** One per shape, whichever shards found it: by fix (oldest first, none last), then found. */
  readonly races: readonly MergedRace[];
}

/**
 * Checks that the files are the shards of one hunt — one corpus, one set of releases, one split,
 * each shard in one file, each candidate once — and puts them together. Every problem is
 * returned, `file[:line]: error: …`; with none, the merged hunt.
 */
export function mergeHunts(files: readonly ParsedResults[]): {
  readonly merged?: MergedHunt;
  readonly problems: readonly string[];
} {
  // A file given twice is two files here: `at` tells them apart.
  const all = files.flatMap((f, at) => f.lines.map((l) => ({ file: f.file, at, ...l })));
  const first = all[0];
  if (first === undefined) return { problems: [] };
  const where = (x: { file: string; line: number }): string => `${x.file}:${x.line}`;
  const problems = new Set<string>();
  const count = shardLabel(first.shard)!.count;
  const owner = new Map<string, { file: string; at: number }>();
  const seen = new Map<number, { file: string; at: number; line: number }>();
  const twice = new Set<number>();
  for (const l of all) {
    if (l.corpus !== first.corpus)
      problems.add(
        `${l.file}: error: the results of another corpus than ${where(first)}'s: "${l.corpus}", not "${first.corpus}" [E001]`,
      );
    if (releasesKey(l.releases) !== releasesKey(first.releases))
      problems.add(
        `${l.file}: error: results hunted on ${l.releases.join(", ")}, not on ${first.releases.join(", ")} as ${where(first)} [E001]`,
      );
    if (shardLabel(l.shard)!.count !== count)
      problems.add(
        `${l.file}: error: shard ${l.shard} is of another split than ${first.shard} (${where(first)}) [E001]`,
      );
    const other = owner.get(l.shard);
    if (other !== undefined && other.at !== l.at)
      problems.add(
        `${l.file}: error: shard ${l.shard} is given twice (also in ${other.file}) [E001]`,
      );
    else owner.set(l.shard, l);
    // In two files, the shard is given twice; in one, say it once for the file.
    const before = seen.get(l.index);
    if (before?.at === l.at && !twice.has(l.at)) {
      twice.add(l.at);
      problems.add(
        `${where(l)}: error: candidate ${l.index} is recorded twice (also at ${where(before)}) [E001]`,
      );
    }
    if (before === undefined) seen.set(l.index, l);
  }
  if (problems.size > 0) return { problems: [...problems] };

  const shards = [...owner.entries()]
    .map(([shard, { file }]): ShardTally => {
      const lines = all.filter((l) => l.shard === shard);
      const outcomes = { quiet: 0, open: 0, finding: 0, duplicate: 0 };
      for (const l of lines) outcomes[l.outcome]++;
      return {
        shard,
        file,
        tried: lines.length,
        outcomes,
        ms: lines.reduce((a, l) => a + l.ms, 0),
      };
    })
    .sort((a, b) => shardLabel(a.shard)!.index - shardLabel(b.shard)!.index);
  const missing = Array.from({ length: count }, (_, i) => `${i + 1}/${count}`).filter(
    (s) => !owner.has(s),
  );

  const races = new Map<string, MergedRace>();
  for (const l of [...all].sort((a, b) => a.index - b.index))
    for (const f of l.findings) {
      const r = races.get(f.shape);
      const add = <T>(xs: readonly T[] | undefined, x: T): T[] =>
        xs?.includes(x) ? [...xs] : [...(xs ?? []), x];
      races.set(f.shape, {
        id: f.id,
        shape: f.shape,
        monitor: f.monitor,
        kind: f.kind,
        fix: f.fix,
        ...(f.together ? { together: f.together } : {}),
        releases: add(r?.releases, f.release).sort(compareReleases),
        candidates: add(r?.candidates, l.index),
        shards: add(r?.shards, l.shard).sort((a, b) => shardLabel(a)!.index - shardLabel(b)!.index),
      });
    }
  return {
    problems: [],
    merged: {
      corpus: first.corpus,
      releases: first.releases,
      count,
      shards,
      missing,
      tried: all.length,
      races: [...races.values()].sort(byFix),
    },
  };
}

/** Races by their fix's release (none last), then by the first candidate that found them. */
function byFix(a: MergedRace, b: MergedRace): number {
  if (a.fix?.commit !== b.fix?.commit) {
    if (a.fix === null) return 1;
    if (b.fix === null) return -1;
    return compareReleases(a.fix.release, b.fix.release) || (a.fix.commit < b.fix.commit ? -1 : 1);
  }
  return a.candidates[0]! - b.candidates[0]!;
}
