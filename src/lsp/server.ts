import { mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  createConnection,
  DiagnosticSeverity,
  MessageType,
  ShowMessageNotification,
  StreamMessageReader,
  StreamMessageWriter,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type Diagnostic as LspDiagnostic,
} from "vscode-languageserver/node";
import { TextDocument } from "vscode-languageserver-textdocument";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { analyze, rangeOf, type Analysis } from "./analysis.js";
import { completion } from "./completion.js";
import { definition } from "./definition.js";
import { foldingRanges } from "./folding.js";
import { hover } from "./hover.js";
import { codeLenses, runCommand, type RunArgs } from "./lens.js";
import { runInEditor, summary, type RunAnswer } from "./run.js";
import { documentSymbols } from "./symbols.js";

/** How long typing must pause before lowering's diagnostics are computed. */
const loweringPauseMs = 150;

/** `tlbl lsp`: the language server, over the given streams (stdin and stdout for the CLI). */
export function startServer(
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
): Connection {
  const connection = createConnection(
    new StreamMessageReader(input),
    new StreamMessageWriter(output),
  );
  const documents = new TextDocuments(TextDocument);
  /** Per open document: its latest analysis, and the latest one that parsed (for completion). */
  const state = new Map<string, { now: Analysis; parsed: Analysis | undefined }>();
  let canShowDocument = false;

  /** The document's analysis; `full` asks for lowering too (a run needs it, hover does not). */
  const analysisOf = (uri: string, { full = false } = {}): Analysis | undefined => {
    const doc = documents.get(uri);
    if (doc === undefined) return undefined;
    const known = state.get(uri);
    if (known !== undefined && known.now.text === doc.getText() && (known.now.lowered || !full))
      return known.now;
    const now = analyze(doc.getText(), fileOf(uri), { lower: full });
    state.set(uri, { now, parsed: now.ast !== undefined ? now : known?.parsed });
    return now;
  };
  /** Per document, the pending lowering of the latest version (cancelled by the next edit). */
  const lowering = new Map<string, NodeJS.Timeout>();
  const publish = (uri: string, version: number, a: Analysis): void =>
    void connection.sendDiagnostics({ uri, version, diagnostics: toLsp(a) });

  connection.onInitialize((params) => {
    canShowDocument = params.capabilities.window?.showDocument?.support === true;
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        hoverProvider: true,
        definitionProvider: true,
        completionProvider: { triggerCharacters: [":", " ", "("] },
        documentFormattingProvider: true,
        documentSymbolProvider: true,
        foldingRangeProvider: true,
        codeLensProvider: { resolveProvider: false },
        executeCommandProvider: { commands: [runCommand] },
      },
      serverInfo: { name: "tlbl" },
    };
  });

  // Diagnostics as you type, exactly as `tlbl check` reports them, in two publishes: at once
  // everything before lowering (final when there is an error: lowering runs only without one),
  // then, after a pause in typing, lowering's errors and warnings (most of check's time on a
  // large file). An edit in between cancels the second.
  documents.onDidChangeContent(({ document }) => {
    const { uri, version } = document;
    clearTimeout(lowering.get(uri));
    const quick = analysisOf(uri);
    if (quick === undefined) return;
    publish(uri, version, quick);
    if (quick.lowered) return;
    lowering.set(
      uri,
      setTimeout(() => {
        lowering.delete(uri);
        if (documents.get(uri)?.version !== version) return;
        const full = analysisOf(uri, { full: true });
        if (full !== undefined) publish(uri, version, full);
      }, loweringPauseMs),
    );
  });
  documents.onDidClose(({ document }) => {
    clearTimeout(lowering.get(document.uri));
    lowering.delete(document.uri);
    state.delete(document.uri);
    void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
  });

  const at = (
    uri: string,
    position: { line: number; character: number },
  ): [Analysis, number] | undefined => {
    const doc = documents.get(uri);
    const a = analysisOf(uri);
    return doc && a ? [a, doc.offsetAt(position)] : undefined;
  };

  connection.onHover(({ textDocument, position }) => {
    const here = at(textDocument.uri, position);
    return (here && hover(...here)) ?? null;
  });
  connection.onDefinition(({ textDocument, position }) => {
    const here = at(textDocument.uri, position);
    return here
      ? definition(...here).map((p) => ({ uri: pathToFileURL(p.path).href, range: p.range }))
      : null;
  });
  connection.onCompletion(({ textDocument, position }) => {
    const doc = documents.get(textDocument.uri);
    if (doc === undefined) return [];
    analysisOf(textDocument.uri);
    const s = state.get(textDocument.uri)!;
    const lineBefore = doc.getText({ start: { line: position.line, character: 0 }, end: position });
    return completion(s.parsed ?? s.now, lineBefore);
  });
  connection.onDocumentSymbol(({ textDocument }) => {
    const a = analysisOf(textDocument.uri);
    return a ? documentSymbols(a) : [];
  });
  connection.onFoldingRanges(({ textDocument }) => {
    const a = analysisOf(textDocument.uri);
    return a ? foldingRanges(a) : [];
  });
  connection.onDocumentFormatting(async ({ textDocument }) => {
    const a = analysisOf(textDocument.uri);
    if (a === undefined || a.ast === undefined) return [];
    const { formatTlb } = await import("../format/format.js");
    const out = await formatTlb(a.text, a.file);
    if (out === a.text) return [];
    return [{ range: rangeOf(a.lines, { start: 0, end: a.text.length }), newText: out }];
  });
  connection.onCodeLens(({ textDocument }) => {
    const a = analysisOf(textDocument.uri);
    return a ? codeLenses(a, textDocument.uri) : [];
  });
  connection.onExecuteCommand(async ({ command, arguments: args }): Promise<RunAnswer | null> => {
    if (command !== runCommand) return null;
    const { uri, target } = (args?.[0] ?? {}) as RunArgs;
    const a = analysisOf(uri, { full: true });
    if (a === undefined) return { results: [], errors: [`not an open document: ${uri}`], text: "" };
    if (a.scenario === undefined) {
      const n = a.loaded.diagnostics.length;
      const errors = [`${basename(a.file)} does not check: ${n} error${n === 1 ? "" : "s"}`];
      return { results: [], errors, text: `${errors[0]}\n` };
    }
    const answer = await runInEditor(a.scenario, target ?? { kind: "file" });
    // A notification, not a request: the answer needs no click, and a client without message
    // boxes may ignore it.
    void connection.sendNotification(ShowMessageNotification.type, {
      type: MessageType.Info,
      message: `tlbl: ${summary(answer)}`,
    });
    if (canShowDocument) {
      // The witness opens as text beside the scenario.
      const dir = join(tmpdir(), "tlbl-lsp");
      mkdirSync(dir, { recursive: true });
      const out = join(dir, `${basename(a.file)}.run.txt`);
      writeFileSync(out, answer.text);
      connection.window
        .showDocument({ uri: pathToFileURL(out).href, takeFocus: false })
        .catch(() => {});
    }
    return answer;
  });

  documents.listen(connection);
  connection.listen();
  return connection;
}

function fileOf(uri: string): string {
  return uri.startsWith("file:") ? fileURLToPath(uri) : uri;
}

/** The checker's errors and warnings as LSP diagnostics: the same codes, messages and spans. */
function toLsp(a: Analysis): LspDiagnostic[] {
  const one = (d: Diagnostic): LspDiagnostic => {
    // A diagnostic in another source (unreadable file, the prelude) is shown at the file's start.
    const elsewhere = d.file !== a.file;
    return {
      range: elsewhere ? rangeOf(a.lines, { start: 0, end: 0 }) : rangeOf(a.lines, d.span),
      severity: d.severity === "error" ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
      code: d.code,
      source: "tlbl",
      message: elsewhere ? `${d.file}: ${d.message}` : d.message,
    };
  };
  return [...a.loaded.diagnostics, ...a.loaded.warnings].map(one);
}
