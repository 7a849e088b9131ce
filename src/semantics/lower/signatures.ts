import { builtins } from "../../primitives/registry.js";
import type { Type } from "../../primitives/types.js";

/**
 * A primitive's parameter types (none for a name that is no primitive): the lowering's one read
 * of the primitive table's signatures, used to evaluate arguments statically.
 */
export function paramTypesOf(name: string): readonly Type[] {
  return builtins[name]?.params.map((p) => p.type) ?? [];
}
