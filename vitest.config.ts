import { defineConfig } from "vitest/config";

/**
 * The tests that explore whole library scenarios or spawn the CLI: `npm run test:fast` leaves
 * them out for the edit loop (under a minute); `npm test` runs everything.
 */
const slow = [
  "test/cli/**",
  "test/lsp/server.test.ts",
  "test/grammar/vsce.test.ts",
  "test/golden/library.test.ts",
  "test/explore/**",
  "test/pinned/**",
  "test/model/codegen-sharing.test.ts",
  "test/judge/sizing.test.ts",
  "test/semantics/check-run.property.test.ts",
  "test/model/monitor-definitions.test.ts",
  "test/mutate/mutate-run.test.ts",
  "test/mutate/mutate-cli.test.ts",
  "test/hunt/hunt-run.test.ts",
  "test/hunt/hunt-jobs.test.ts",
  "test/hunt/hunt-merge.test.ts",
];

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: process.env["TLBL_FAST"] === "1" ? slow : [],
    // Timeouts are not assertions: the shared machines run many suites at once (slow tests set
    // their own, longer ones).
    testTimeout: 600_000,
  },
});
