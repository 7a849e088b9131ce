import * as prettier from "prettier";
import plugin from "./prettier-plugin.js";

/** Formats .tlb text through prettier with the tlb plugin (the same path `prettier --write` takes). */
export async function formatTlb(text: string, filepath: string): Promise<string> {
  return prettier.format(text, { parser: "tlb", plugins: [plugin], filepath, printWidth: 100 });
}
