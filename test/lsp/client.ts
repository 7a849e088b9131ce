import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from "vscode-languageserver-protocol/node";
import { root } from "../helpers.js";

/**
 * A headless LSP client: spawns `node bin/tlbl.js lsp` and speaks JSON-RPC over its stdio, as an
 * editor does. Diagnostics the server publishes are kept per URI, newest last.
 */
export interface Client {
  readonly connection: ProtocolConnection;
  readonly process: ChildProcess;
  /** Resolves with the next diagnostics published for `uri` (after `open`/`change`). */
  diagnostics(uri: string): Promise<PublishDiagnosticsParams>;
  open(path: string, text: string): Promise<string>;
  close(): Promise<void>;
}

export async function startClient(): Promise<Client> {
  const child = spawn(process.execPath, [join(root, "bin/tlbl.js"), "lsp", "--stdio"], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const connection = createProtocolConnection(
    new StreamMessageReader(child.stdout!),
    new StreamMessageWriter(child.stdin!),
  );
  const waiting = new Map<string, ((p: PublishDiagnosticsParams) => void)[]>();
  const published = new Map<string, PublishDiagnosticsParams[]>();
  connection.onNotification("textDocument/publishDiagnostics", (p: PublishDiagnosticsParams) => {
    const w = waiting.get(p.uri)?.shift();
    if (w) w(p);
    else published.set(p.uri, [...(published.get(p.uri) ?? []), p]);
  });
  connection.onNotification("window/showMessage", () => {});
  connection.listen();
  await connection.sendRequest("initialize", {
    processId: process.pid,
    rootUri: pathToFileURL(root).href,
    capabilities: {},
  });
  connection.sendNotification("initialized", {});
  return {
    connection,
    process: child,
    diagnostics: (uri) => {
      const ready = published.get(uri)?.shift();
      if (ready) return Promise.resolve(ready);
      return new Promise((resolve) => waiting.set(uri, [...(waiting.get(uri) ?? []), resolve]));
    },
    async open(path, text) {
      const uri = pathToFileURL(path).href;
      connection.sendNotification("textDocument/didOpen", {
        textDocument: { uri, languageId: "tlb", version: 1, text },
      });
      return uri;
    },
    async close() {
      await connection.sendRequest("shutdown");
      connection.sendNotification("exit");
      await new Promise((resolve) => child.once("exit", resolve));
      connection.dispose();
    },
  };
}
