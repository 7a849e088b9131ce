// Writes grammar/tlb.tmLanguage.json from the lexer's word lists: `npm run grammar`.
import { writeFileSync } from "node:fs";
import { buildTextMateGrammar } from "../src/syntax/textmate.js";

const out = new URL("../grammar/tlb.tmLanguage.json", import.meta.url);
writeFileSync(out, JSON.stringify(buildTextMateGrammar(), null, 2) + "\n");
console.log(`wrote ${out.pathname}`);
