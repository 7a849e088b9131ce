import type { Move } from "../explore/model.js";
import { scheduleString } from "../explore/schedule.js";
import type { RunResult } from "../judge/run.js";

/**
 * Which executions `tlbl run` draws (`--show`): the default witness (a counterexample for a
 * `forall`, else a shortest positive execution, else a deadlock), up to N positive executions
 * (the shortest first: breadth first finds them in order of length), a shortest negative one.
 */
export interface Show {
  readonly witness: boolean;
  readonly positives: number;
  readonly negative: boolean;
}

export const defaultShow: Show = { witness: true, positives: 0, negative: false };

/** The words `--show` takes, for its help and its error. */
export const showWords = "witness, positive, positive:N, negative, none (comma-separated)";

/** `positive:3,negative` → a Show; a string saying what is wrong otherwise. */
export function parseShow(text: string): Show | string {
  let show: Show = { witness: false, positives: 0, negative: false };
  for (const word of text.split(",").map((w) => w.trim())) {
    const m = /^positives?(?::(\d+))?$/.exec(word);
    if (word === "witness") show = { ...show, witness: true };
    else if (word === "negative") show = { ...show, negative: true };
    else if (word === "none") continue;
    else if (m !== null && (m[1] === undefined || Number(m[1]) >= 1))
      show = { ...show, positives: Math.max(show.positives, Number(m[1] ?? 1)) };
    else return `--show takes ${showWords}, not \`${word}\``;
  }
  return show;
}

/** One execution to draw, with its title and its schedule. */
export interface Shown {
  readonly title: string;
  readonly path: readonly Move[];
  readonly schedule: string;
}

/** The executions a Show picks from a run, in order; a note for each kind it asked for and lacks. */
export function shownExecutions(r: RunResult, show: Show): { shown: Shown[]; missing: string[] } {
  const shown: Shown[] = [];
  const missing: string[] = [];
  const add = (title: string, path: readonly Move[]): void => {
    if (shown.some((s) => s.path === path)) return;
    shown.push({ title, path, schedule: scheduleString(r.machine, path) });
  };
  const w = r.witness;
  if (
    show.witness &&
    w !== undefined &&
    (r.mode === "schedule" || w.kind !== "negative" || r.quantifier === "forall")
  )
    add(
      w.kind === "deadlock"
        ? "A deadlock"
        : r.mode === "schedule"
          ? "The execution"
          : w.kind === "positive"
            ? "Witness (shortest)"
            : "Counterexample (shortest)",
      w.path,
    );
  const positives = r.executions.positives.slice(0, show.positives);
  positives.forEach((p, i) =>
    add(`Positive execution ${i + 1} of ${positives.length} (shortest first)`, p),
  );
  if (show.positives > positives.length && r.mode === "search")
    missing.push(
      r.positive <= positives.length
        ? `${r.positive} positive final state${r.positive === 1 ? "" : "s"} in all.`
        : `${positives.length} of ${r.positive} positive final states drawn: with --jobs only the shortest is kept.`,
    );
  if (show.negative) {
    if (r.executions.negative !== undefined)
      add("Negative execution (shortest)", r.executions.negative);
    else missing.push("No negative execution was found.");
  }
  return { shown, missing };
}
