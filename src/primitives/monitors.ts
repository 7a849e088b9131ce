import { family, pagesOf, param, reads, writes } from "./primitive.js";

/** The monitors' ghost state (docs/model.md, Monitors): no kernel action. */
export const monitorPrimitives = family({
  syscall_returned: {
    params: [param("range", "range")],
    result: "void",
    effect: "local",
    doc:
      "the syscall changing range returns: stale_tlb watches its pages from here (ghost state, " +
      "no kernel action; it runs with the step before it, and only when monitors are on)",
    touches: [writes("settled", { page: 0 })],
    emit: {
      stmt: (c, [r]) =>
        pagesOf(r!)
          .map((p) => c.put(c.L.settled[p]!, "1"))
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
