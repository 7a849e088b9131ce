import { exitCode } from "./io.js";

export interface RunOptions {
  readonly kernel?: string[];
  readonly schedule?: string;
  readonly fix?: string[];
  readonly option?: string[];
  readonly json?: boolean;
  readonly search: "bfs" | "dfs";
  readonly maxStates?: number;
  readonly timeout?: number;
  readonly quiet?: boolean;
}

/** `tlbl run`: not yet connected to the model. */
export function runCommand(_files: string[], _opts: RunOptions): number {
  process.stderr.write(
    "tlbl run: the MMU/TLB model is not built yet (see issue 3); use `tlbl check` meanwhile\n",
  );
  return exitCode.badInput;
}
