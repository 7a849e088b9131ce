/**
 * A unified-style diff of two texts by lines (longest common subsequence), with `context` lines
 * around each change: `-` lines are only in `a` (expected), `+` lines only in `b` (actual).
 */
export function lineDiff(a: string, b: string, context = 2): string {
  const x = a.split("\n");
  const y = b.split("\n");
  const n = x.length;
  const m = y.length;
  // lcs[i][j]: the longest common subsequence of x[i..] and y[j..].
  const lcs = Array.from({ length: n + 1 }, () => new Int32Array(m + 1));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i]![j] =
        x[i] === y[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const ops: { kind: " " | "-" | "+"; line: string; at: number }[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && x[i] === y[j]) ops.push({ kind: " ", line: x[i++]!, at: j++ });
    else if (i < n && (j === m || lcs[i + 1]![j]! >= lcs[i]![j + 1]!))
      ops.push({ kind: "-", line: x[i++]!, at: j });
    else ops.push({ kind: "+", line: y[j]!, at: j++ });
  }
  const near = ops.map((_, k) =>
    ops.slice(Math.max(0, k - context), k + context + 1).some((o) => o.kind !== " "),
  );
  const out: string[] = [];
  ops.forEach((o, k) => {
    if (!near[k]) return;
    if (k === 0 || !near[k - 1]) out.push(`@@ at line ${o.at + 1} of the output`);
    out.push(`${o.kind}${o.line}`);
  });
  return out.join("\n");
}
