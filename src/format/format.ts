import plugin from "./prettier-plugin.js";

/**
 * Formats .tlb text through prettier with the tlb plugin (the same path `prettier --write` takes),
 * with the options of the .prettierrc (or other prettier configuration) that applies to the file.
 */
export async function formatTlb(text: string, filepath: string): Promise<string> {
  // Imported here, not at the top: in the bundle a top-level import would load all of prettier
  // when any command starts, not only `tlbl fmt`.
  const prettier = await import("prettier");
  const config = await prettier.resolveConfig(filepath);
  return prettier.format(text, { ...config, parser: "tlb", plugins: [plugin], filepath });
}
