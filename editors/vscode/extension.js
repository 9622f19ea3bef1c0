// The VS Code client: starts `sim2real lsp` (the `sim2real.path` setting, default `sim2real` on
// PATH) for .study files and hands everything else to the language server.
'use strict';

const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration('sim2real').get('path') || 'sim2real';
  const server = { command, args: ['lsp'] };
  client = new LanguageClient(
    'sim2real',
    'sim2real lsp',
    { run: server, debug: server },
    { documentSelector: [{ scheme: 'file', language: 'study' }, { scheme: 'untitled', language: 'study' }] },
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
