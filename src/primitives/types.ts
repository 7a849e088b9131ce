import { fieldsOf } from "./fields.js";

/**
 * The types of the language. Static types (`range`, `file`, `cpu` and the enums) are known at
 * compile time; procs are inlined and `for` loops unrolled, so they never reach the model.
 * Dynamic types are small integers in the model state.
 */
export type Type =
  | "int" // a memory word, a counter, or a step result (`ok`, `segv`)
  | "bool"
  | "pte" // a page table entry value
  | "tlbe" // a TLB entry value (conditions only)
  | "frame" // a physical page frame, or `null`
  | "page" // a virtual page of the scenario's address space
  | "addr" // a word of a virtual page: `X`, `X.1`, `X[1].2`
  | "fpage" // a page of a file: `F[0]`
  | "faddr" // a word of a file page: `F[0]`, `F[0].1`
  | "range" // a run of virtual pages: a region name, a slice `A[1..2]`, or one page (static)
  | "file" // static
  | "cpu" // static
  | "label" // `T1.moved`, conditions only (static)
  | "prot" // enum: none | r | rw
  | "share" // enum: shared | private
  | "advice" // enum: dontneed | free | cold | pageout
  | "source" // what mmap maps: `anon` or a file page (static)
  | "monitor" // enum: lost_write | stale_tlb | freed_frame (conditions only)
  | "void";

/**
 * Ints are at most this large in magnitude: memory words, registers and counters (the model
 * packs each value into a few bits of the state vector, widening as a run meets larger ones).
 */
export const maxValue = (1 << 20) - 1;

export const enumValues: Readonly<Partial<Record<Type, readonly string[]>>> = {
  prot: ["none", "r", "rw"],
  share: ["shared", "private"],
  advice: ["dontneed", "free", "cold", "pageout"],
  monitor: ["lost_write", "stale_tlb", "freed_frame"],
};

export const isEnum = (t: Type): boolean => enumValues[t] !== undefined;

/** Types a parameter may be declared with. */
export const paramTypes: readonly Type[] = [
  "int",
  "bool",
  "pte",
  "frame",
  "page",
  "addr",
  "fpage",
  "faddr",
  "range",
  "file",
  "prot",
  "share",
  "advice",
  "source",
];

/** Fields readable with `.name` on values of a type (src/primitives/fields.ts). */
export const fields: Readonly<Partial<Record<Type, Readonly<Record<string, Type>>>>> =
  Object.fromEntries(
    Object.entries(fieldsOf).map(([type, table]) => [
      type,
      Object.fromEntries(Object.entries(table!).map(([name, f]) => [name, f.type])),
    ]),
  );

/**
 * May a value of type `from` stand where `to` is expected? A one-page range is a page, a page
 * is an address (word 0) and a one-page range; a file page is its word 0.
 */
export function assignable(from: Type, to: Type): boolean {
  if (from === to) return true;
  switch (to) {
    case "page":
      return from === "range";
    case "range":
      return from === "page";
    case "addr":
      return from === "page" || from === "range";
    case "faddr":
      return from === "fpage";
    case "source":
      return from === "fpage";
    default:
      return false;
  }
}
