import { checkText, type Loaded } from "../kernel/load.js";
import { readSource } from "./io.js";

export { checkText, type Loaded };

/** Reads, parses and checks one scenario file. */
export function loadScenario(file: string): Loaded {
  const src = readSource(file);
  if (!src.ok)
    return {
      file,
      text: src.text,
      scenario: undefined,
      diagnostics: [src.diagnostic],
      warnings: [],
    };
  return checkText(src.text, file);
}
