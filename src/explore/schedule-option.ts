import type { Code } from "../diagnostics/codes.js";
import { didYouMean } from "../diagnostics/suggest.js";
import type { Scenario } from "../semantics/scenario.js";
import type * as A from "../syntax/ast.js";
import { parse } from "../syntax/parse.js";

/**
 * What `--schedule` names: a schedule block of the file, or a schedule written out, such as the
 * one printed with every witness ("T1 step 21; T2 step 6; …").
 */
export function scheduleOption(
  s: Scenario,
  text: string,
):
  | { readonly items: readonly A.ScheduleItem[] }
  | { readonly error: { readonly code: Code; readonly message: string } } {
  const named = s.schedules.find((x) => x.name.name === text);
  if (named !== undefined) return { items: named.items };
  if (!/[;\s]/.test(text.trim())) {
    const names = s.schedules.map((x) => x.name.name);
    return {
      error: {
        code: "E106",
        message: `no schedule \`${text}\` in this file${didYouMean(text, names)}`,
      },
    };
  }
  const parsed = parse(`tlb schedule_option\nschedule s {\n${text}\n}\n`, "--schedule");
  const decl = parsed.ast?.decls[0];
  if (decl === undefined || decl.kind !== "ScheduleDecl") {
    return {
      error: {
        code: "E010",
        message: `--schedule: cannot read \`${text}\` (write items such as "T1 2; T2 until moved; T1 step 3; T2 end")`,
      },
    };
  }
  for (const item of decl.items) {
    if (!s.threads.some((t) => t.name === item.thread.name)) {
      const names = s.threads.map((t) => t.name);
      return {
        error: {
          code: "E103",
          message: `--schedule: unknown thread \`${item.thread.name}\`${didYouMean(item.thread.name, names)}`,
        },
      };
    }
  }
  return { items: decl.items };
}
