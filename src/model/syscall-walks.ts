import { primitiveNamed } from "../primitives/registry.js";
import type { Op, ThreadProgram, Value } from "../semantics/ir.js";

/**
 * stale_tlb's walks (docs/model.md, Monitors): the steps at which a syscall's walk passes a page
 * it changes. A syscall is a call of a proc that ends in `syscall_returned(r)`; its walk of page
 * p (p in r) is each of its steps that reads or writes p's PTE (zap_pte_range(),
 * change_pte_range(), move_ptes(), madvise_free_pte_range(), clear_refs_pte_range() under the
 * PTL). A step belongs to the syscall when the procs inlined to reach it start with those of
 * the `syscall_returned` call: the user's own faults, kernel activity and any other proc do not
 * walk for it. Found from the program, so the prelude needs no mark of its own.
 *
 * By node id (a step, or a branch whose condition reads a PTE: `if pte_present(ptep_get(a))`),
 * the pages whose TLB entries the node covers; empty when the thread makes no syscall.
 */
export function syscallWalks(t: ThreadProgram, nPages: number): Map<number, number[]> {
  const syscalls: { procs: readonly string[]; pages: ReadonlySet<number> }[] = [];
  t.nodes.forEach((n, id) => {
    if (n.k !== "silent" && n.k !== "step") return;
    for (const c of calls(n.ops))
      if (c.name === "syscall_returned")
        syscalls.push({ procs: t.procsAt[id]!, pages: new Set(staticPages(c.args[0], nPages)) });
  });
  const walks = new Map<number, number[]>();
  if (syscalls.length === 0) return walks;
  t.nodes.forEach((n, id) => {
    if (n.k !== "step" && n.k !== "branch") return;
    const procs = t.procsAt[id]!;
    const mine = syscalls.filter((s) => s.procs.every((name, i) => procs[i] === name));
    if (mine.length === 0) return;
    const pages = new Set<number>();
    for (const c of n.k === "step" ? calls(n.ops) : valueCalls(n.cond))
      for (const a of primitiveNamed(c.name)?.touches ?? [])
        if (a.object === "pte")
          for (const p of staticPages(a.page === undefined ? undefined : c.args[a.page], nPages))
            if (mine.some((s) => s.pages.has(p))) pages.add(p);
    if (pages.size > 0)
      walks.set(
        id,
        [...pages].sort((a, b) => a - b),
      );
  });
  return walks;
}

type Call = { readonly name: string; readonly args: readonly Value[] };

/** The calls of a step's ops, their arguments' and values' calls and `if` arms included. */
function calls(ops: readonly Op[]): Call[] {
  return ops.flatMap((o): Call[] =>
    o.k === "call"
      ? [o, ...o.args.flatMap(valueCalls)]
      : o.k === "set"
        ? valueCalls(o.value)
        : [...valueCalls(o.cond), ...calls(o.then), ...calls(o.else)],
  );
}

function valueCalls(v: Value): Call[] {
  switch (v.k) {
    case "call":
      return [v, ...v.args.flatMap(valueCalls)];
    case "not":
    case "neg":
    case "field":
      return valueCalls(v.a);
    case "bin":
      return [...valueCalls(v.a), ...valueCalls(v.b)];
    default:
      return [];
  }
}

/** The pages a page or range argument names; every page when it is not static. */
function staticPages(v: Value | undefined, nPages: number): number[] {
  if (v?.k === "pages") return [...v.ids];
  if (v?.k === "const") return [v.v];
  return Array.from({ length: nPages }, (_, i) => i);
}
