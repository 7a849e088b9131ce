import { PTE, TLBE } from "./encoding.js";
import { bool } from "./primitive.js";
import type { Type } from "./types.js";
import { swapEntry } from "./pte.js";

/** A field read on a value, `pte.dirty` or `tlbe.valid`: its type and its JavaScript. */
export interface Field {
  readonly type: Type;
  readonly emit: (x: string) => string;
}

const flag = (bit: number): Field => ({ type: "bool", emit: (x) => bool(`(${x} & ${bit}) !== 0`) });

export const fieldsOf: Readonly<Partial<Record<Type, Readonly<Record<string, Field>>>>> = {
  pte: {
    present: flag(PTE.P | PTE.PROTNONE),
    // A swap entry keeps _PAGE_SWP_EXCLUSIVE where W would be: it is not writable.
    writable: {
      type: "bool",
      emit: (x) => bool(`(${x} & ${PTE.W}) !== 0 && !${swapEntry(x)}`),
    },
    dirty: flag(PTE.D),
    accessed: flag(PTE.A),
    protnone: flag(PTE.PROTNONE),
    migration: flag(PTE.MIGRATION),
    swap: { type: "bool", emit: swapEntry },
    none: { type: "bool", emit: (x) => bool(`${x} === 0`) },
    pfn: { type: "frame", emit: (x) => `((${x}) >>> ${PTE.PFN_SHIFT})` },
  },
  tlbe: {
    valid: flag(TLBE.V),
    writable: flag(TLBE.W),
    dirty: flag(TLBE.D),
    pfn: { type: "frame", emit: (x) => `((${x}) >>> ${TLBE.PFN_SHIFT})` },
  },
};

/** A field by its lowered name, `pte.dirty`. */
export function fieldNamed(qualified: string): Field | undefined {
  const [type, name] = qualified.split(".") as [Type, string];
  return fieldsOf[type]?.[name];
}
