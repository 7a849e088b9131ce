/**
 * Mainline releases tlbl knows by name. `kernel V` means: every modelled fix that landed in V or
 * earlier is applied, every later one is not. Stable backports are not modelled.
 */
function series(major: number, last: number): string[] {
  return Array.from({ length: last + 1 }, (_, minor) => `${major}.${minor}`);
}

export const knownReleases: readonly string[] = [
  ...series(3, 19),
  ...series(4, 20),
  ...series(5, 19),
  ...series(6, 18),
];

/** Orders releases: negative when a is older than b. */
export function compareReleases(a: string, b: string): number {
  const [am = 0, an = 0] = a.split(".").map(Number);
  const [bm = 0, bn = 0] = b.split(".").map(Number);
  return am - bm || an - bn;
}

/** A release as the command line may name it: `v4.13`, as git tags it, is `4.13`. */
export function releaseName(v: string): string {
  return /^v\d/.test(v) ? v.slice(1) : v;
}

export function isKnownRelease(v: string): boolean {
  return knownReleases.includes(v);
}

/**
 * A fix's name as the language accepts it: a mainline commit id (7 to 40 hex digits) or, for a
 * patch whose commit id is not known, its mail's Message-ID in angle brackets.
 */
export function isFixId(s: string): boolean {
  return /^[0-9a-f]{7,40}$/.test(s) || /^<[^<>@\s]+@[^<>@\s]+>$/.test(s);
}

export const fixIdForm = 'a commit id (7 to 40 lower-case hex digits) or a patch\'s "<Message-ID>"';

/**
 * The fixes applied in a release: every modelled fix that landed in it or earlier, then the
 * scenario's and the command line's toggles, in that order.
 */
export function fixesFor(
  release: string,
  known: Iterable<{ readonly commit: string; readonly release: string }>,
  toggles: Iterable<{ readonly commit: string; readonly enabled: boolean }> = [],
): Map<string, boolean> {
  const out = new Map<string, boolean>();
  for (const f of known) out.set(f.commit, compareReleases(f.release, release) <= 0);
  for (const t of toggles) out.set(t.commit, t.enabled);
  return out;
}
