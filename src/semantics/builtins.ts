import type { Primitive } from "../primitives/primitive.js";
import { primitives } from "../primitives/registry.js";

export { constants, resultCodes } from "../primitives/registry.js";

/** The primitives a program may call by name, as the checker and the lowering look them up. */
export type Builtin = Primitive;

export const builtins: Readonly<Record<string, Builtin>> = Object.fromEntries(
  [...primitives.values()].filter((p) => !p.internal).map((p) => [p.name, p]),
);
