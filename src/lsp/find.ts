import type { Span } from "../diagnostics/span.js";
import type * as A from "../syntax/ast.js";

/** An AST node: every node has a `kind` and a span. */
export interface Node {
  readonly kind: string;
  readonly span: Span;
}

function isNode(x: unknown): x is Node {
  return typeof x === "object" && x !== null && "kind" in x && "span" in x;
}

/** The child nodes of a node, in source order (the AST is plain data, so it is walked generically). */
function children(n: object): Node[] {
  const out: Node[] = [];
  for (const v of Object.values(n)) {
    if (Array.isArray(v)) for (const x of v) isNode(x) && out.push(x);
    else if (isNode(v)) out.push(v);
    else if (typeof v === "object" && v !== null && !("start" in v))
      // ScheduleAmount variants without a span of their own hold nodes (`until LABEL`).
      for (const x of Object.values(v)) isNode(x) && out.push(x);
  }
  return out.sort((a, b) => a.span.start - b.span.start);
}

/** The nodes whose span holds `offset` (its end included, for a cursor after a word), outermost first. */
export function nodesAt(root: Node, offset: number): Node[] {
  const path: Node[] = [];
  let here: Node | undefined = root;
  while (here !== undefined) {
    path.push(here);
    here = children(here).find((c) => c.span.start <= offset && offset <= c.span.end);
  }
  return path;
}

/** Every node under `root` (root included), depth first. */
export function* walk(root: Node): Generator<Node> {
  yield root;
  for (const c of children(root)) yield* walk(c);
}

/** The labels (`label NAME`) of a block or proc body. */
export function labelsIn(root: Node): A.LabelStmt[] {
  return [...walk(root)].filter((n): n is A.LabelStmt => n.kind === "LabelStmt");
}

/** The word (identifier, version, commit id) around `offset`, with its span. */
export function wordAt(text: string, offset: number): { word: string; span: Span } | undefined {
  const isWord = (c: string | undefined): boolean => c !== undefined && /[A-Za-z0-9_.]/.test(c);
  let start = offset;
  let end = offset;
  while (start > 0 && isWord(text[start - 1])) start--;
  while (end < text.length && isWord(text[end])) end++;
  // A member access (`pte.dirty`) is two words; a version (`4.13`) is one.
  let word = text.slice(start, end);
  if (!/^\d+(\.\d+)*$/.test(word) && word.includes(".")) {
    const dotBefore = text.lastIndexOf(".", offset - 1);
    const from = dotBefore >= start ? dotBefore + 1 : start;
    const dotAfter = text.indexOf(".", offset);
    const to = dotAfter >= 0 && dotAfter < end ? dotAfter : end;
    start = from;
    end = to;
    word = text.slice(start, end);
  }
  return word === "" ? undefined : { word, span: { start, end } };
}
