export { parse } from "./syntax/parse.js";
export type * as Ast from "./syntax/ast.js";
export { check } from "./semantics/check.js";
export { loadPrelude } from "./kernel/prelude.js";
export { formatTlb } from "./format/format.js";
export { default as prettierPlugin } from "./format/prettier-plugin.js";
