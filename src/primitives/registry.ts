import type { Type } from "./types.js";
import { finalState } from "./final-state.js";
import { folios } from "./folio.js";
import { frames } from "./frames.js";
import { locks } from "./locks.js";
import { monitorPrimitives } from "./monitors.js";
import { pageCache } from "./page-cache.js";
import type { Primitive } from "./primitive.js";
import { pteFamily } from "./pte.js";
import { swap } from "./swap.js";
import { tlbFamily } from "./tlb.js";
import { vmas } from "./vma.js";

/** Every primitive of the machine, by kernel name. To add one, see docs/architecture.md. */
export const primitives: ReadonlyMap<string, Primitive> = (() => {
  const all = new Map<string, Primitive>();
  for (const fam of [
    locks,
    pteFamily,
    tlbFamily,
    frames,
    pageCache,
    swap,
    folios,
    vmas,
    finalState,
    monitorPrimitives,
  ])
    for (const p of fam) {
      if (all.has(p.name)) throw new Error(`primitive ${p.name} is defined twice`);
      all.set(p.name, p);
    }
  return all;
})();

/** The primitive a program calls, or undefined. */
export const primitiveNamed = (name: string): Primitive | undefined => primitives.get(name);

/** The primitives a scenario or a prelude proc may call by name (not the conditions' own). */
export const builtins: Readonly<Record<string, Primitive>> = Object.fromEntries(
  [...primitives.values()].filter((p) => !p.internal).map((p) => [p.name, p]),
);

/** Named constants. */
export const constants: Readonly<Record<string, { readonly type: Type; readonly doc: string }>> = {
  null: { type: "frame", doc: "no frame" },
  ok: { type: "int", doc: "a step that completed" },
  segv: { type: "int", doc: "the step took SIGSEGV" },
  sigbus: { type: "int", doc: "the step took SIGBUS" },
};

/** Register and step-result encodings of the constants above (model values). */
export const resultCodes = { ok: -1, segv: -2, sigbus: -3, unset: -4 } as const;
