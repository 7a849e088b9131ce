import { constants } from "../primitives/registry.js";
import { enumValues } from "../primitives/types.js";
import type { ValueWords } from "../syntax/textmate.js";

/**
 * The registry's words the TextMate grammar colours (scripts/gen-grammar.ts): step results and
 * constants, advice and protections. Their home is src/primitives; the grammar builder lives in
 * src/syntax, which may not import it, so the editor stage hands them over.
 */
export function grammarWords(): ValueWords {
  return {
    results: Object.keys(constants),
    advice: enumValues.advice ?? [],
    prot: enumValues.prot ?? [],
  };
}
