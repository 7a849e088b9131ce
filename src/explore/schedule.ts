import { makesChoice } from "../model/codegen.js";
import type { Machine } from "../model/machine.js";
import type * as A from "../syntax/ast.js";
import { Model, isEvicted, moveOf, threadOf, type Move, type Transition } from "./model.js";

/** One item of a fixed schedule, resolved to a thread index. */
export type ScheduleStep =
  | { readonly thread: number; readonly kind: "statements"; readonly count: number }
  | { readonly thread: number; readonly kind: "steps"; readonly count: number }
  | { readonly thread: number; readonly kind: "until"; readonly label: string }
  | { readonly thread: number; readonly kind: "end" }
  | { readonly thread: number; readonly kind: "evicted" };

export type ScheduleOutcome =
  | { readonly ok: true; readonly path: readonly Move[]; readonly final: Uint32Array }
  | { readonly ok: false; readonly path: readonly Move[]; readonly message: string };

export function resolveSchedule(m: Machine, items: readonly A.ScheduleItem[]): ScheduleStep[] {
  return items.map((it) => {
    const thread = m.program.threads.findIndex((t) => t.name === it.thread.name);
    const a = it.amount;
    switch (a.kind) {
      case "Statements":
        return { thread, kind: "statements", count: a.count.value };
      case "Steps":
        return { thread, kind: "steps", count: a.count.value };
      case "UntilLabel":
        return { thread, kind: "until", label: a.label.name };
      case "ToEnd":
        return { thread, kind: "end" };
      case "Evicted":
        return { thread, kind: "evicted" };
    }
  });
}

/**
 * The most transitions one schedule may take. A schedule that would run longer cannot end (a
 * thread loops forever, or a label is never reached in a loop whose states never repeat); most
 * such schedules are caught sooner, as soon as the execution comes back to a state (see
 * runSchedule). The library's commit-message schedules take at most 136 steps.
 */
export const maxScheduleSteps = 100_000;

/**
 * Runs exactly one execution: each item moves its thread as far as it says, then every thread
 * still unfinished runs to its end in declaration order. When the thread an item moves is
 * blocked (it waits for a lock), the other threads take steps in declaration order until it can
 * go on, as the kernel would let them; only when no thread can move is it an error, which names
 * the step each waits at.
 *
 * An item that cannot end is an error too, never a hang: the run is deterministic, so an item
 * without a count (`until`, `end`, a number of statements, the run to the end) that brings the
 * machine back to a state it was in during the same item would repeat forever; and no schedule
 * takes more than `maxSteps` transitions.
 */
export function runSchedule(
  m: Machine,
  steps: readonly ScheduleStep[],
  maxSteps: number = maxScheduleSteps,
): ScheduleOutcome {
  const model = new Model(m);
  let s: Uint32Array = model.initial();
  const t = new Uint32Array(s.length);
  const path: Move[] = [];
  const name = (th: number): string => m.program.threads[th]!.name;
  const step = (move: Move, labels: number[] | null): Transition => model.step(s, move, t, labels);
  const fail = (message: string): ScheduleOutcome => ({ ok: false, path, message });
  /** The states the current item has been in, with the number of steps taken then. */
  let seen: Map<string, number> | null = null;
  /** After a transition of `th` or of a thread `th` waits for: the run may go on, or not. */
  const commit = (move: Move, th: number, item: string, goal: string): ScheduleOutcome | null => {
    s = t.slice();
    path.push(move);
    if (path.length >= maxSteps)
      return fail(
        `${item}: stopped after ${path.length} steps, the most one schedule may take, before ${name(th)} could ${goal}`,
      );
    if (seen === null) return null;
    const key = s.join(",");
    const before = seen.get(key);
    if (before !== undefined)
      return fail(
        `${item}: ${name(th)} cannot ${goal}: after step ${path.length} the machine is back in the state it was in after step ${before}, and would go round forever`,
      );
    seen.set(key, path.length);
    return null;
  };
  const stuck = (th: number, why: string, waits: Transition): ScheduleOutcome =>
    fail(
      `${why}: ${name(th)} cannot move after ${path.length} steps (it waits at \`${waits.kind === "blocked" ? stepText(m, th, waits.node) : "?"}\`) and no other thread can`,
    );
  /**
   * Moves `th` one transition unless `stop` says the transition it would take ends the item;
   * while `th` waits, the first other thread that can move takes one step instead.
   * Returns "moved", "stop", "finished", or a failure.
   */
  const advance = (
    th: number,
    item: string,
    goal: string,
    stop: (tr: Transition, labels: number[]) => "before" | "after" | false,
  ): "moved" | "stop" | "finished" | ScheduleOutcome => {
    const move = moveOf(th, false);
    for (;;) {
      const labels: number[] = [];
      const tr = step(move, labels);
      if (tr.kind === "finished") return "finished";
      const when = stop(tr, labels);
      if (when === "before") return "stop";
      if (tr.kind === "step") {
        const failed = commit(move, th, item, goal);
        if (failed !== null) return failed;
        return when === "after" ? "stop" : "moved";
      }
      const other = others(th);
      if (other === null) return stuck(th, item, tr);
      const failed = commit(other, th, item, goal);
      if (failed !== null) return failed;
    }
  };
  /** The move of the first thread other than `th` that can take a step (left in `t`), or null. */
  const others = (th: number): Move | null => {
    for (let other = 0; other < model.threads; other++) {
      if (other === th) continue;
      const move = moveOf(other, false);
      if (step(move, null).kind === "step") return move;
    }
    return null;
  };

  for (const [index, st] of steps.entries()) {
    const th = st.thread;
    const item = `schedule item ${index + 1}`;
    // A count of steps bounds its item; any other item is watched for a return to a state.
    seen =
      st.kind === "steps" || st.kind === "evicted" ? null : new Map([[s.join(","), path.length]]);
    if (st.kind === "evicted") {
      const move = moveOf(th, true);
      if (step(move, null).kind !== "step") {
        return fail(
          `${item}: the next step of ${name(th)} is neither an access whose TLB entry could be evicted nor a choice`,
        );
      }
      const failed = commit(move, th, item, "take its alternative step");
      if (failed !== null) return failed;
      continue;
    }
    let done = 0;
    let target = -1;
    // Labels come back as id when the thread is at them before the step a transition takes, as
    // ~id when it passes them only by taking that step (Model.step).
    const stop = (tr: Transition, labels: number[]): "before" | "after" | false => {
      switch (st.kind) {
        case "steps":
          return done >= st.count ? "before" : false;
        case "statements": {
          const node = tr.kind === "step" || tr.kind === "blocked" ? tr.node : -1;
          const stmt = statementOf(m, th, node);
          if (target < 0) target = stmt + st.count;
          return stmt >= target ? "before" : false;
        }
        case "until": {
          const nodes = m.program.threads[th]!.nodes;
          const named = (id: number): boolean => {
            const n = nodes[id < 0 ? ~id : id]!;
            return n.k === "label" && n.name === st.label;
          };
          if (labels.some((id) => id >= 0 && named(id))) return "before";
          return labels.some((id) => id < 0 && named(id)) ? "after" : false;
        }
        case "end":
          return false;
      }
    };
    const goal =
      st.kind === "until"
        ? `pass label \`${st.label}\``
        : st.kind === "steps"
          ? `take ${st.count} steps`
          : st.kind === "statements"
            ? `run ${st.count} statements`
            : "end";
    for (;;) {
      if (st.kind === "steps" && done >= st.count) break;
      const a = advance(th, item, goal, stop);
      if (a === "moved") {
        done++;
        continue;
      }
      if (a === "stop") break;
      if (a === "finished") {
        if (st.kind === "steps")
          return fail(`${item}: ${name(th)} finished after ${done} of ${st.count} steps`);
        if (st.kind === "until")
          return fail(`${item}: ${name(th)} finished without passing label \`${st.label}\``);
        break;
      }
      return a;
    }
  }
  // The rest runs to the end, thread by thread; the after block last.
  for (let th = 0; th < model.threads; th++) {
    seen = new Map([[s.join(","), path.length]]);
    for (;;) {
      const a = advance(th, "after the schedule", "end", () => false);
      if (a === "finished") break;
      if (a !== "moved") return a as ScheduleOutcome;
    }
  }
  return { ok: true, path, final: s };
}

function statementOf(m: Machine, th: number, node: number): number {
  const n = m.program.threads[th]!.nodes[node];
  return n !== undefined && (n.k === "step" || n.k === "access")
    ? n.origin.statement
    : Number.MAX_SAFE_INTEGER;
}

/** The source text of a thread's step. */
function stepText(m: Machine, th: number, node: number): string {
  const n = m.program.threads[th]!.nodes[node];
  return n !== undefined && (n.k === "step" || n.k === "access") ? n.origin.text : "?";
}

/**
 * A path as a schedule string that `--schedule` accepts: runs of steps per thread; an alternative
 * move is `otherwise` at a choice, else `evicted` (an access, or the fault handler's first step
 * it enters); the path is replayed to tell.
 */
export function scheduleString(m: Machine, path: readonly Move[]): string {
  const items: string[] = [];
  const model = new Model(m);
  let s: Uint32Array = model.initial();
  let next: Uint32Array = new Uint32Array(s.length);
  const choices = path.map((move) => {
    const tr = model.step(s, move, next);
    [s, next] = [next, s];
    const node = tr.kind === "step" ? m.program.threads[threadOf(move)]!.nodes[tr.node] : undefined;
    return node !== undefined && makesChoice(node);
  });
  for (let i = 0; i < path.length; ) {
    const name = m.program.threads[threadOf(path[i]!)]!.name;
    if (isEvicted(path[i]!)) {
      items.push(`${name} ${choices[i] ? "otherwise" : "evicted"}`);
      i++;
      continue;
    }
    let j = i;
    while (j < path.length && path[j] === path[i]) j++;
    items.push(`${name} step ${j - i}`);
    i = j;
  }
  return items.join("; ");
}
