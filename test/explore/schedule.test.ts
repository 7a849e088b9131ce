import { describe, expect, it } from "vitest";
import { scheduleOption } from "../../src/explore/schedule-option.js";
import { resolveSchedule, runSchedule, type ScheduleOutcome } from "../../src/explore/schedule.js";
import { machineOf, scenarioOf } from "../model/helpers.js";

/** Runs a schedule written out ("T1 2; T2 end") on the newest release. */
function run(text: string, schedule: string, maxSteps?: number): ScheduleOutcome {
  const m = machineOf(text);
  const items = scheduleOption(scenarioOf(text), schedule);
  if ("error" in items) throw new Error(items.error.message);
  return runSchedule(m, resolveSchedule(m, items.items), maxSteps);
}

function registers(text: string, out: ScheduleOutcome): string {
  if (!out.ok) throw new Error(out.message);
  const m = machineOf(text);
  return m.condition!(out.final) ? "holds" : "fails";
}

/** T2 reads X's PTE, then checks it is unchanged: the label follows the check. */
const checked = `tlb until_check
init {
  file F = [0]
  X = mmap F[0] shared rw populate
}
proc check(a: page, e: pte): int {
  if ptep_get(a) != e { return 0 }
  label checked
  return 1
}
thread T1 on cpu1 {
  store X 1
}
thread T2 on cpu2 {
  e = ptep_get(X)
  r = check(X, e)
}
exists (T2:r == 1)
`;

describe("schedules: `until` counts a label only once the thread has passed it", () => {
  it("a label after a check on shared state is passed with the check, before the others run", () => {
    // Before the fix the item stopped before the check; T1's store then made it fail (r = 0).
    expect(registers(checked, run(checked, "T2 until checked; T1 end; T2 end"))).toBe("holds");
  });

  it("a check that fails does not pass the label", () => {
    const out = run(checked, "T2 step 1; T1 end; T2 until checked");
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.message).toMatch(/T2 finished without passing label `checked`/);
  });

  it("a label the thread reaches by its own bookkeeping stops the item before the next step", () => {
    const text = checked.replace("  e = ptep_get(X)\n", "  label start\n  e = ptep_get(X)\n");
    const out = run(text, "T2 until start; T1 end");
    if (!out.ok) throw new Error(out.message);
    // T1's store (15 steps with its fault) ran before T2's first read: the check passes.
    expect(out.path.length).toBeGreaterThan(0);
    expect(registers(text, out)).toBe("holds");
  });
});

const forever = `tlb loop_forever
init {
  X = mmap anon private rw populate
}
thread T1 on cpu1 {
  while true { pte_lock(X); pte_unlock(X) }
  label out
}
thread T2 on cpu2 {
  r = load X
}
exists (T2:r == 0)
`;

describe("schedules that cannot end stop with an error", () => {
  it("a thread that loops forever, run to its end", () => {
    // Before the fix the run grew its path until V8 aborted (exit 133 after ~12 s).
    const out = run(forever, "T1 end");
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.message).toMatch(/schedule item 1: T1 cannot end: after step \d+/);
  });

  it("a label behind a loop that never ends", () => {
    const out = run(forever, "T2 end; T1 until out");
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.message).toMatch(/schedule item 2: T1 cannot pass label `out`/);
  });

  it("the threads left over after the last item", () => {
    const out = run(forever, "T2 end");
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.message).toMatch(/after the schedule: T1 cannot end/);
  });

  it("a thread waiting for a lock that a looping thread holds", () => {
    const text = `tlb held_forever
init {
  X = mmap anon private rw populate
}
thread T1 on cpu1 {
  pte_lock(X)
  while true { r = load X }
}
thread T2 on cpu2 {
  pte_lock(X)
  pte_unlock(X)
}
exists (T1:r == 0)
`;
    const out = run(text, "T1 1; T2 end");
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.message).toMatch(/schedule item 2: T2 cannot end/);
  });

  it("no schedule takes more steps than its bound", () => {
    const out = run(forever, "T1 step 50", 20);
    expect(out.ok).toBe(false);
    if (!out.ok) {
      expect(out.message).toMatch(/stopped after 20 steps, the most one schedule may take/);
      expect(out.path.length).toBe(20);
    }
  });
});
