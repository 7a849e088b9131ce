import { existsSync } from "node:fs";
import { join } from "node:path";
import * as vscode from "vscode";
import { LanguageClient, TransportKind, type ServerOptions } from "vscode-languageclient/node";

/**
 * The client: starts `tlbl lsp` (the server lives in the tlbl package, src/lsp), and provides the
 * `tlbl check` and `tlbl run` tasks with the `$tlbl` problem matcher. Everything the editor shows
 * about a scenario comes from the server.
 */

let client: LanguageClient | undefined;

/** The tlbl command: the setting, else the workspace's own node_modules/.bin/tlbl, else PATH. */
function tlblCommand(): string {
  const configured = vscode.workspace.getConfiguration("tlbl").get<string>("path");
  if (configured) return configured;
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    for (const candidate of ["node_modules/.bin/tlbl", "bin/tlbl"]) {
      const path = join(folder.uri.fsPath, candidate);
      if (existsSync(path)) return path;
    }
  }
  return "tlbl";
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const command = tlblCommand();
  const server: ServerOptions = { command, args: ["lsp"], transport: TransportKind.stdio };
  client = new LanguageClient("tlbl", "tlbl", server, {
    documentSelector: [
      { scheme: "file", language: "tlb" },
      { scheme: "untitled", language: "tlb" },
    ],
  });
  context.subscriptions.push(vscode.tasks.registerTaskProvider("tlbl", taskProvider(command)));
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}

interface TlblTask extends vscode.TaskDefinition {
  readonly command: "check" | "run" | "test";
  readonly files?: string[];
}

/** `tlbl check` and `tlbl run` over the workspace's scenarios, matched by `$tlbl`. */
function taskProvider(tlbl: string): vscode.TaskProvider {
  const make = (def: TlblTask, folder: vscode.WorkspaceFolder): vscode.Task => {
    const files = def.files ?? ["scenarios"];
    const task = new vscode.Task(
      def,
      folder,
      `${def.command} ${files.join(" ")}`,
      "tlbl",
      new vscode.ProcessExecution(tlbl, [def.command, ...files]),
      "$tlbl",
    );
    if (def.command === "check") task.group = vscode.TaskGroup.Build;
    if (def.command === "test") task.group = vscode.TaskGroup.Test;
    return task;
  };
  return {
    provideTasks: () =>
      (vscode.workspace.workspaceFolders ?? []).flatMap((folder) =>
        (["check", "run", "test"] as const).map((command) =>
          make({ type: "tlbl", command }, folder),
        ),
      ),
    resolveTask: (task) => {
      const folder = task.scope;
      if (typeof folder !== "object" || folder === null) return undefined;
      return make(task.definition as TlblTask, folder as vscode.WorkspaceFolder);
    },
  };
}
