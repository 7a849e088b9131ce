import type { Code } from "../diagnostics/codes.js";
import type { Span } from "../diagnostics/span.js";
import { didYouMean } from "../diagnostics/suggest.js";
import type * as A from "../syntax/ast.js";
import { unreachable } from "../syntax/ast.js";
import { compareReleases, isKnownRelease, knownReleases } from "./kernel-versions.js";
import type { ProcDef } from "./scenario.js";

/**
 * A proc's fidelity annotations read as data: the C it models, the releases whose C its body
 * follows, and the deviations that remove behaviours (each a possible false Never). The language
 * is in docs/language.md ("Fidelity annotations"); docs/fidelity.md holds the comparison itself.
 */

export interface ReleaseSpan {
  /** Undefined: open (every release before, or after). */
  readonly first: string | undefined;
  readonly last: string | undefined;
}

export interface ProcFidelity {
  readonly models: readonly { readonly functions: readonly string[]; readonly path: string }[];
  /** Undefined when the proc states no range (its C was not compared yet). */
  readonly follows: readonly ReleaseSpan[] | undefined;
  /** The reasons of its `deviation removes` lines. */
  readonly removes: readonly string[];
}

export function fidelityOf(p: A.ProcDecl): ProcFidelity {
  const follows = p.annotations.flatMap((a) =>
    a.kind === "FollowsAnnotation"
      ? a.ranges.map((r) => ({ first: r.first?.text, last: r.last?.text }))
      : [],
  );
  return {
    models: p.annotations.flatMap((a) =>
      a.kind === "ModelsAnnotation"
        ? [{ functions: a.functions.map((f) => f.name), path: a.path.text }]
        : [],
    ),
    follows: p.annotations.some((a) => a.kind === "FollowsAnnotation") ? follows : undefined,
    removes: p.annotations.flatMap((a) =>
      a.kind === "DeviationAnnotation" && a.direction.name === "removes" ? [a.reason.value] : [],
    ),
  };
}

/** Does the body follow the C of `release`? A proc that states no range follows every one. */
export function follows(f: ProcFidelity, release: string): boolean {
  return (
    f.follows === undefined ||
    f.follows.some(
      (r) =>
        (r.first === undefined || compareReleases(r.first, release) <= 0) &&
        (r.last === undefined || compareReleases(release, r.last) <= 0),
    )
  );
}

/** `3.10..6.16, 2.6..` as written (a single release without dots). */
export function releaseSpansText(spans: readonly ReleaseSpan[]): string {
  return spans
    .map((r) =>
      r.first !== undefined && r.first === r.last ? r.first : `${r.first ?? ""}..${r.last ?? ""}`,
    )
    .join(", ");
}

type Report = (code: Code, span: Span, message: string) => void;

/** The checks of a proc's annotations: known releases, ranges in order, removing deviations. */
export function checkAnnotations(p: A.ProcDecl, report: Report): void {
  for (const a of p.annotations) {
    switch (a.kind) {
      case "ModelsAnnotation":
        break;
      case "FollowsAnnotation":
        for (const r of a.ranges) checkRange(r, report);
        break;
      case "DeviationAnnotation":
        if (a.direction.name === "adds")
          report(
            "E306",
            a.direction.span,
            "a deviation that adds behaviours stays a comment (`// Model deviation (adds behaviours): …`): only one that removes behaviours can make a Never false",
          );
        else if (a.direction.name !== "removes")
          report(
            "E306",
            a.direction.span,
            `a deviation \`removes\` behaviours (write \`deviation removes "why"\`), not \`${a.direction.name}\``,
          );
        if (a.reason.value.trim() === "")
          report("E306", a.reason.span, "say why the body departs from the C");
        break;
      default:
        unreachable(a);
    }
  }
}

function checkRange(r: A.ReleaseRange, report: Report): void {
  const ends = [r.first, r.last].filter((v): v is A.VersionLit => v !== undefined);
  const unknown = [...new Set(ends.filter((v) => !isKnownRelease(v.text)))];
  for (const v of unknown)
    report(
      "E107",
      v.span,
      `unknown kernel version \`${v.text}\`${didYouMean(v.text, knownReleases)}`,
    );
  if (!r.dots || unknown.length > 0 || r.first === undefined || r.last === undefined) return;
  if (compareReleases(r.first.text, r.last.text) > 0)
    report(
      "E306",
      r.span,
      `this range is empty: ${r.first.text} comes after ${r.last.text} (write \`${r.last.text}..${r.first.text}\`)`,
    );
}

/** A proc a scenario reaches at a release outside the range its body follows. */
export interface RangeWarning {
  readonly proc: string;
  /** Its range as written, `3.10..6.16`. */
  readonly follows: string;
  readonly release: string;
  /** The file that declares it (the prelude's, or the scenario's own proc). */
  readonly file: string;
}

/** The warning, as `check` and `run` print it. */
export function rangeWarningText(w: RangeWarning): string {
  return `kernel ${w.release} is outside the releases proc \`${w.proc}\` follows (${w.follows}, ${w.file}): its body may not be that release's C`;
}

/** A behaviour-removing deviation a Never may rest on. */
export interface Reliance {
  readonly proc: string;
  readonly reason: string;
}

/** The procs of `reached` (as lowering lists them) whose range leaves `release` out. */
export function outOfRange(
  procs: ReadonlyMap<string, ProcDef>,
  reached: readonly string[],
  release: string,
): RangeWarning[] {
  return reached.flatMap((name) => {
    const def = procs.get(name);
    if (def === undefined) return [];
    const f = fidelityOf(def.decl);
    return follows(f, release)
      ? []
      : [{ proc: name, follows: releaseSpansText(f.follows!), release, file: def.file }];
  });
}

/** The behaviour-removing deviations of the procs of `reached`. */
export function deviationsOf(
  procs: ReadonlyMap<string, ProcDef>,
  reached: readonly string[],
): Reliance[] {
  return reached.flatMap((name) => {
    const def = procs.get(name);
    return def === undefined
      ? []
      : fidelityOf(def.decl).removes.map((reason) => ({ proc: name, reason }));
  });
}
