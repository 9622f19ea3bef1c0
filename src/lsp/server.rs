//! The protocol: initialize, the text-document notifications, the requests, shutdown. One thread
//! reads and answers in order (every answer comes from the text and is quick); a worker thread
//! reads the data of a study that checks, once typing has paused for [`DEBOUNCE`], and publishes
//! the data's diagnostics unless the document has changed meanwhile.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::{
    CompletionParams, DidChangeTextDocumentParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams,
    DocumentFormattingParams, GotoDefinitionParams, HoverParams, ReferenceParams, SemanticTokensParams,
};
use serde_json::{Value, json};

use super::complete::{Columns, ItemKind, complete};
use super::diagnose::{Diag, Severity, check_data, check_text};
use super::position::{Document, LineIndex, Pos, Range};

/// How long typing must pause before the data are read.
pub const DEBOUNCE: Duration = Duration::from_millis(300);

/// What the reading thread and the data worker share: each document's latest version (a worker
/// result for an older one is dropped) and the columns of its tables from the last data read.
/// Diagnostics are published while holding it, so that they reach the editor in version order.
#[derive(Default)]
struct Shared {
    versions: HashMap<String, i32>,
    columns: HashMap<String, Columns>,
}

struct Job {
    uri: String,
    version: i32,
    text: String,
}

/// Serve on stdin/stdout until `exit`. Returns the process exit code (0 after `shutdown`, 1 when
/// the client exits without it or the connection fails).
pub fn serve() -> i32 {
    let (connection, io_threads) = Connection::stdio();
    let code = match run(&connection) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("sim2real lsp: {e}");
            1
        }
    };
    drop(connection);
    if let Err(e) = io_threads.join() {
        eprintln!("sim2real lsp: {e}");
    }
    code
}

fn capabilities() -> Value {
    json!({
        "textDocumentSync": { "openClose": true, "change": 2 },
        "completionProvider": { "triggerCharacters": ["=", "|", " ", "{", "(", "[", ","] },
        "hoverProvider": true,
        "definitionProvider": true,
        "referencesProvider": true,
        "documentFormattingProvider": true,
        "semanticTokensProvider": {
            "legend": { "tokenTypes": super::tokens::TYPES, "tokenModifiers": super::tokens::MODIFIERS },
            "full": true
        }
    })
}

fn run(connection: &Connection) -> Result<(), String> {
    connection.initialize(capabilities()).map_err(|e| e.to_string())?;
    let shared = Arc::new(Mutex::new(Shared::default()));
    let (jobs, worker_jobs) = mpsc::channel::<Job>();
    {
        let shared = Arc::clone(&shared);
        let sender = connection.sender.clone();
        std::thread::spawn(move || {
            worker(&worker_jobs, &shared, &|m| {
                let _ = sender.send(m);
            });
        });
    }
    let mut docs: HashMap<String, Document> = HashMap::new();
    for msg in &connection.receiver {
        match msg {
            Message::Request(req) => {
                if connection.handle_shutdown(&req).map_err(|e| e.to_string())? {
                    return Ok(());
                }
                let response = answer(&req, &docs, &shared);
                connection.sender.send(Message::Response(response)).map_err(|e| e.to_string())?;
            }
            Message::Notification(n) if n.method == "exit" => return Err("exit without shutdown".into()),
            Message::Notification(n) => notified(n, &mut docs, &shared, &jobs, connection),
            Message::Response(_) => {}
        }
    }
    Ok(())
}

/// The file a `file:` URI names (percent escapes decoded); other schemes give `None`.
pub fn uri_path(uri: &str) -> Option<PathBuf> {
    let rest = uri.strip_prefix("file://")?;
    let bytes = rest.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |j: usize| bytes.get(j).and_then(|b| (*b as char).to_digit(16));
        match (bytes[i], hex(i + 1), hex(i + 2)) {
            (b'%', Some(h), Some(l)) => {
                out.push(u8::try_from(h * 16 + l).unwrap_or(b'?'));
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    Some(PathBuf::from(String::from_utf8_lossy(&out).into_owned()))
}

fn file_name(uri: &str) -> String {
    uri_path(uri).map_or_else(|| uri.to_string(), |p| p.display().to_string())
}

/// Sending on the connection (a send fails only once the client is gone: nothing to do then).
fn send_via(connection: &Connection) -> impl Fn(Message) + '_ {
    |m| {
        let _ = connection.sender.send(m);
    }
}

fn lsp_pos(p: Pos) -> Value {
    json!({ "line": p.line, "character": p.col })
}

fn lsp_range(r: Range) -> Value {
    json!({ "start": lsp_pos(r.start), "end": lsp_pos(r.end) })
}

fn pos_of(p: lsp_types::Position) -> Pos {
    Pos { line: p.line, col: p.character }
}

fn publish(send: &dyn Fn(Message), uri: &str, version: i32, diags: &[Diag]) {
    let diagnostics: Vec<Value> = diags
        .iter()
        .map(|d| {
            json!({
                "range": lsp_range(d.range),
                "severity": match d.severity { Severity::Error => 1, Severity::Warning => 2 },
                "code": d.code,
                "source": "sim2real",
                "message": d.message,
            })
        })
        .collect();
    let params = json!({ "uri": uri, "version": version, "diagnostics": diagnostics });
    send(Message::Notification(Notification::new("textDocument/publishDiagnostics".into(), params)));
}

fn notified(
    n: Notification,
    docs: &mut HashMap<String, Document>,
    shared: &Mutex<Shared>,
    jobs: &mpsc::Sender<Job>,
    connection: &Connection,
) {
    let uri = match n.method.as_str() {
        "textDocument/didOpen" => {
            let Ok(p) = serde_json::from_value::<DidOpenTextDocumentParams>(n.params) else { return };
            let uri = p.text_document.uri.as_str().to_string();
            docs.insert(uri.clone(), Document::new(p.text_document.text, p.text_document.version));
            uri
        }
        "textDocument/didChange" => {
            let Ok(p) = serde_json::from_value::<DidChangeTextDocumentParams>(n.params) else { return };
            let uri = p.text_document.uri.as_str().to_string();
            let doc = docs.entry(uri.clone()).or_default();
            for change in p.content_changes {
                let range = change.range.map(|r| Range { start: pos_of(r.start), end: pos_of(r.end) });
                doc.apply(range, &change.text);
            }
            doc.version = p.text_document.version;
            uri
        }
        "textDocument/didClose" => {
            let Ok(p) = serde_json::from_value::<DidCloseTextDocumentParams>(n.params) else { return };
            let uri = p.text_document.uri.as_str().to_string();
            docs.remove(&uri);
            let mut s = shared.lock().unwrap_or_else(PoisonError::into_inner);
            s.versions.remove(&uri);
            s.columns.remove(&uri);
            publish(&send_via(connection), &uri, 0, &[]);
            return;
        }
        _ => return,
    };
    let Some(doc) = docs.get(&uri) else { return };
    let (diags, checks) = check_text(&file_name(&uri), &doc.text);
    {
        let mut s = shared.lock().unwrap_or_else(PoisonError::into_inner);
        s.versions.insert(uri.clone(), doc.version);
        publish(&send_via(connection), &uri, doc.version, &diags);
    }
    if checks {
        let _ = jobs.send(Job { uri, version: doc.version, text: doc.text.clone() });
    }
}

/// The data worker: waits for typing to pause, then reads the data of the latest version of each
/// document that changed.
fn worker(jobs: &mpsc::Receiver<Job>, shared: &Mutex<Shared>, send: &dyn Fn(Message)) {
    while let Ok(first) = jobs.recv() {
        let mut pending: HashMap<String, Job> = HashMap::new();
        pending.insert(first.uri.clone(), first);
        while let Ok(job) = jobs.recv_timeout(DEBOUNCE) {
            pending.insert(job.uri.clone(), job);
        }
        for (uri, job) in pending {
            let current = |s: &Shared| s.versions.get(&uri) == Some(&job.version);
            if !current(&shared.lock().unwrap_or_else(PoisonError::into_inner)) {
                continue;
            }
            let path = uri_path(&uri).unwrap_or_default();
            let dir = path.parent().map(PathBuf::from).unwrap_or_default();
            let Some(outcome) = check_data(&file_name(&uri), &job.text, &dir) else { continue };
            let mut s = shared.lock().unwrap_or_else(PoisonError::into_inner);
            if current(&s) {
                s.columns.insert(uri.clone(), outcome.columns);
                publish(send, &uri, job.version, &outcome.diags);
            }
        }
    }
}

fn answer(req: &Request, docs: &HashMap<String, Document>, shared: &Mutex<Shared>) -> Response {
    let id = req.id.clone();
    // A bug in a handler answers its request with an error instead of ending the server.
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| handle(req, docs, shared)));
    match result {
        Ok(Ok(value)) => Response::new_ok(id, value),
        Ok(Err((code, message))) => Response::new_err(id, code, message),
        Err(_) => Response::new_err(id, ErrorCode::InternalError as i32, format!("{} failed", req.method)),
    }
}

type Answer = Result<Value, (i32, String)>;

fn params<T: serde::de::DeserializeOwned>(req: &Request) -> Result<T, (i32, String)> {
    serde_json::from_value(req.params.clone()).map_err(|e| (ErrorCode::InvalidParams as i32, e.to_string()))
}

fn handle(req: &Request, docs: &HashMap<String, Document>, shared: &Mutex<Shared>) -> Answer {
    let doc_of = |uri: &lsp_types::Uri| docs.get(uri.as_str());
    match req.method.as_str() {
        "textDocument/completion" => {
            let p: CompletionParams = params(req)?;
            let uri = &p.text_document_position.text_document.uri;
            let Some(doc) = doc_of(uri) else { return Ok(Value::Null) };
            let columns = shared
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .columns
                .get(uri.as_str())
                .cloned()
                .unwrap_or_default();
            let offset = LineIndex::new(&doc.text).offset(pos_of(p.text_document_position.position));
            let items: Vec<Value> = complete(&doc.text, offset, &columns)
                .into_iter()
                .map(|i| json!({ "label": i.label, "kind": completion_kind(i.kind), "detail": i.detail }))
                .collect();
            Ok(json!(items))
        }
        "textDocument/hover" => {
            let p: HoverParams = params(req)?;
            let Some(doc) = doc_of(&p.text_document_position_params.text_document.uri) else { return Ok(Value::Null) };
            let index = LineIndex::new(&doc.text);
            let offset = index.offset(pos_of(p.text_document_position_params.position));
            Ok(match super::hover::hover(&doc.text, offset) {
                Some(((a, b), markdown)) => json!({
                    "contents": { "kind": "markdown", "value": markdown },
                    "range": lsp_range(index.range(a, b)),
                }),
                None => Value::Null,
            })
        }
        "textDocument/definition" => {
            let p: GotoDefinitionParams = params(req)?;
            let uri = &p.text_document_position_params.text_document.uri;
            let Some(doc) = doc_of(uri) else { return Ok(Value::Null) };
            let index = LineIndex::new(&doc.text);
            let offset = index.offset(pos_of(p.text_document_position_params.position));
            Ok(match super::tables::goto_definition(&doc.text, offset) {
                Some((a, b)) => json!({ "uri": uri.as_str(), "range": lsp_range(index.range(a, b)) }),
                None => Value::Null,
            })
        }
        "textDocument/references" => {
            let p: ReferenceParams = params(req)?;
            let uri = &p.text_document_position.text_document.uri;
            let Some(doc) = doc_of(uri) else { return Ok(Value::Null) };
            let index = LineIndex::new(&doc.text);
            let offset = index.offset(pos_of(p.text_document_position.position));
            let found = super::tables::references(&doc.text, offset, p.context.include_declaration);
            Ok(json!(
                found
                    .into_iter()
                    .map(|(a, b)| json!({ "uri": uri.as_str(), "range": lsp_range(index.range(a, b)) }))
                    .collect::<Vec<_>>()
            ))
        }
        "textDocument/formatting" => {
            let p: DocumentFormattingParams = params(req)?;
            let Some(doc) = doc_of(&p.text_document.uri) else {
                return Err((ErrorCode::InvalidParams as i32, "the document is not open".into()));
            };
            let formatted = super::format::format_text(&doc.text).map_err(|m| (ErrorCode::RequestFailed as i32, m))?;
            if formatted == doc.text {
                return Ok(json!([]));
            }
            let index = LineIndex::new(&doc.text);
            Ok(json!([{ "range": lsp_range(index.range(0, doc.text.len())), "newText": formatted }]))
        }
        "textDocument/semanticTokens/full" => {
            let p: SemanticTokensParams = params(req)?;
            let Some(doc) = doc_of(&p.text_document.uri) else { return Ok(Value::Null) };
            Ok(json!({ "data": super::tokens::encode(&super::tokens::highlights(&doc.text)) }))
        }
        other => Err((ErrorCode::MethodNotFound as i32, format!("unknown request {other}"))),
    }
}

fn completion_kind(kind: ItemKind) -> u32 {
    // The protocol's CompletionItemKind numbers.
    match kind {
        ItemKind::Keyword => 14,
        ItemKind::Setting => 10,
        ItemKind::Value => 20,
        ItemKind::Table => 7,
        ItemKind::Column => 5,
        ItemKind::Pattern => 15,
        ItemKind::Function => 3,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_uris_become_paths() {
        assert_eq!(uri_path("file:///a/b%20c.study"), Some(PathBuf::from("/a/b c.study")));
        assert_eq!(uri_path("untitled:1"), None);
        assert_eq!(uri_path("file:///%zz%4"), Some(PathBuf::from("/%zz%4")));
    }
}
