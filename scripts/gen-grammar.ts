// Writes grammar/tlb.tmLanguage.json from the lexer's word lists and the primitive registry's
// values: `npm run grammar`.
import { writeFileSync } from "node:fs";
import { grammarWords } from "../src/lsp/grammar-words.js";
import { buildTextMateGrammar } from "../src/syntax/textmate.js";

const out = new URL("../grammar/tlb.tmLanguage.json", import.meta.url);
writeFileSync(out, JSON.stringify(buildTextMateGrammar(grammarWords()), null, 2) + "\n");
console.log(`wrote ${out.pathname}`);
