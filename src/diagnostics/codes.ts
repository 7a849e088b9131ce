/**
 * The catalogue of diagnostic codes. A code names one kind of mistake and never changes meaning;
 * docs/diagnostics.md lists them with an example each.
 */
export const codes = {
  // Reading and lexing
  E001: "cannot read the input file",
  E002: "the input is not text",
  E003: "unexpected character",
  E004: "unterminated string or comment",
  // Syntax
  E010: "syntax error",
  // Names
  E100: "duplicate declaration",
  E101: "unknown step or procedure",
  E102: "unknown name",
  E103: "unknown thread",
  E104: "unknown label",
  E105: "unknown register",
  E106: "unknown schedule",
  E107: "unknown kernel version",
  E108: "unknown fix",
  E109: "unknown option",
  E110: "unknown field",
  // Arity and types
  E200: "wrong number of arguments",
  E201: "wrong type",
  E202: "value out of range",
  E203: "not allowed here",
  // Threads, procs and schedules
  E300: "two threads bound to one CPU",
  E301: "invalid CPU name",
  E302: "recursive procedure",
  E303: "invalid fix name",
  E304: "missing declaration",
  E305: "a loop without a step",
  E306: "invalid fidelity annotation",
  // Warnings: the input is fine, the answer rests on something the user should know
  W001: "a proc runs at a release outside the range its C follows",
} as const;

export type Code = keyof typeof codes;
