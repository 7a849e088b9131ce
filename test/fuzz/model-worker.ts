/**
 * The fuzz harness's model stage, in a worker thread so that a hang can be ended (terminate)
 * and an exhausted heap stays the worker's (resourceLimits): check, then `runScenario` as
 * `tlbl run` calls it, with the limits the request names.
 */
import { parentPort } from "node:worker_threads";
import { runScenario } from "../../src/judge/run.js";
import { checkText } from "../../src/kernel/load.js";
import type { ModelReply, ModelRequest } from "./model.js";
import { searchAll } from "../../src/explore/run.js";

parentPort!.on("message", (req: ModelRequest) => {
  void answer(req).then((reply) => parentPort!.postMessage(reply));
});
// Loaded (the prelude too, on first use below): the runner starts its clock from here.
checkText("tlb ready\nthread T1 on cpu1 {\n  skip\n}\nexists (true)\n", "ready.tlb");
parentPort!.postMessage("ready");

async function answer(req: ModelRequest): Promise<ModelReply> {
  try {
    const s = checkText(req.text, "f.tlb").scenario;
    if (s === undefined) return { id: req.id, kind: "unchecked" };
    const out = await runScenario(s, {
      ...searchAll,
      maxStates: req.maxStates,
      timeoutMs: req.timeoutMs,
    });
    return {
      id: req.id,
      kind: out.modelError !== undefined ? "model-limit" : "ran",
      // A configuration a limit stopped while building counts: it ran as far as its limit.
      configurations: out.results.length + (out.stopped?.length ?? 0),
      states: out.results.reduce((n, r) => n + r.states, 0),
      detail: out.modelError ?? out.diagnostics.map((d) => `${d.code} ${d.message}`).join("\n"),
    };
  } catch (e) {
    return {
      id: req.id,
      kind: "crash",
      detail: e instanceof Error ? `${e.message}\n${e.stack ?? ""}` : String(e),
    };
  }
}
