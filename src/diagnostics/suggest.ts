/** Names longer than this get no suggestion: a typo of a kernel name is short. */
const maxLength = 64;

/**
 * Edit distance with transpositions (optimal string alignment), for "did you mean". Three rows:
 * linear memory; the callers bound the lengths, so the time is bounded too.
 */
export function editDistance(a: string, b: string): number {
  let before = new Array<number>(b.length + 1).fill(0);
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  let cur = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, before[j - 2]! + 1);
      cur[j] = v;
    }
    [before, prev, cur] = [prev, cur, before];
  }
  return prev[b.length]!;
}

/**
 * The candidate nearest to `name`, if it is near enough to be a plausible typo. Callers list
 * the likeliest kinds of name first: on a tie, the first candidate wins. Linear in the
 * candidates: names longer than `maxLength`, and candidates whose length alone puts them out of
 * reach, are not compared.
 */
export function nearest(name: string, candidates: Iterable<string>): string | undefined {
  if (name.length > maxLength) return undefined;
  const limit = Math.max(1, Math.ceil(name.length / 3));
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    if (c === name || Math.abs(c.length - name.length) > limit) continue;
    const d = editDistance(lower, c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return bestDistance <= limit ? best : undefined;
}

/** "; did you mean `x`?" or nothing. */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const s = nearest(name, candidates);
  return s === undefined ? "" : `; did you mean \`${s}\`?`;
}
