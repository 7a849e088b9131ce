import { family, pagesOf, param, reads, readsWrites, writes } from "./primitive.js";

/** The monitors' ghost state (docs/model.md, Monitors): no kernel action. */
export const monitorPrimitives = family({
  syscall_returned: {
    params: [param("range", "range")],
    result: "void",
    effect: "local",
    doc:
      "the syscall changing range returns: stale_tlb watches its pages from here (ghost state, " +
      "no kernel action; it runs with the step before it, and only when monitors are on)",
    // The entries its walk passed after they were filled (walked) are covered from here.
    touches: [writes("settled", { page: 0 }), readsWrites("covered", { page: 0 })],
    emit: {
      stmt: (c, [r]) =>
        pagesOf(r!)
          .flatMap((p) => [
            c.put(c.L.settled[p]!, "1"),
            ...c.L.covered.flatMap((row, cpu) => {
              const walked = c.L.walked[c.tid]?.[cpu]?.[p] ?? -1;
              if (walked < 0) return [];
              return [c.put(row[p]!, `${c.slot(row[p]!)} | ${c.slot(walked)}`), c.put(walked, "0")];
            }),
          ])
          .join(" "),
    },
  },
  fired: {
    params: [param("monitor", "monitor")],
    result: "bool",
    effect: "read",
    inConditions: true,
    doc: "a built-in monitor fired during the execution (docs/model.md, Monitors)",
    touches: [reads("monitor")],
    emit: {
      expr: (c, [m]) => (c.L.monitor < 0 ? "0" : `((${c.slot(c.L.monitor)} >>> (${m!.code})) & 1)`),
    },
  },
});
