//! `sim2real lsp` driven over stdio by a small JSON-RPC client (Content-Length framing, as
//! editors speak it): initialize, didOpen, didChange with a typo, completion, hover, definition,
//! references, semantic tokens, formatting, the data worker's diagnostics, shutdown and exit.
//! And the server's document handling in-process over the fuzz corpus with random edits.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::support::{repo_file, sim2real};

const QUICKSTART: &str = include_str!("../studies/quickstart.study");
/// Long enough for a loaded CI machine; every wait ends as soon as its message arrives.
const WAIT: Duration = Duration::from_secs(60);

struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: mpsc::Receiver<Value>,
    /// Notifications received while waiting for something else.
    notifications: Vec<Value>,
    next_id: i64,
}

fn read_message(r: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length: ") {
            length = v.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    r.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

impl Client {
    fn start(dir: &std::path::Path) -> Client {
        let mut child = sim2real()
            .arg("lsp")
            .current_dir(dir)
            .env("SIM2REAL_DATA", dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("sim2real lsp starts");
        let stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let (tx, incoming) = mpsc::channel();
        std::thread::spawn(move || {
            while let Some(m) = read_message(&mut stdout) {
                if tx.send(m).is_err() {
                    break;
                }
            }
        });
        Client { child, stdin, incoming, notifications: Vec::new(), next_id: 1 }
    }

    fn send(&mut self, message: &Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// The whole response (`result` or `error`) to a request.
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let m = self.incoming.recv_timeout(left).unwrap_or_else(|_| panic!("no answer to {method} in {WAIT:?}"));
            if m.get("id") == Some(&json!(id)) && m.get("method").is_none() {
                return m;
            }
            self.notifications.push(m);
        }
    }

    fn result(&mut self, method: &str, params: Value) -> Value {
        let r = self.request(method, params);
        assert!(r.get("error").is_none(), "{method}: {r}");
        r["result"].clone()
    }

    /// The next `publishDiagnostics` for `uri` at `version` (received earlier or now) that
    /// `accept` takes.
    fn diagnostics(&mut self, uri: &str, version: i64, accept: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        let matches = |m: &Value| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"]["version"] == version
                && accept(m["params"]["diagnostics"].as_array().map_or(&[][..], Vec::as_slice))
        };
        if let Some(i) = self.notifications.iter().position(matches) {
            return self.notifications.remove(i)["params"]["diagnostics"].as_array().unwrap().clone();
        }
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let m = self.incoming.recv_timeout(left).unwrap_or_else(|_| {
                panic!("no diagnostics for {uri} v{version} that fit; received: {:#?}", self.notifications)
            });
            if matches(&m) {
                return m["params"]["diagnostics"].as_array().unwrap().clone();
            }
            self.notifications.push(m);
        }
    }

    fn open(&mut self, uri: &str, text: &str) {
        let doc = json!({ "uri": uri, "languageId": "study", "version": 1, "text": text });
        self.notify("textDocument/didOpen", json!({ "textDocument": doc }));
    }
}

fn at(uri: &str, line: u64, character: u64) -> Value {
    json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } })
}

/// (line, UTF-16 column) of the `nth` occurrence of `needle` (ASCII text).
fn pos_of(text: &str, needle: &str, nth: usize) -> (u64, u64) {
    let offset = text.match_indices(needle).nth(nth).unwrap_or_else(|| panic!("{needle} #{nth}")).0;
    let line = text[..offset].matches('\n').count();
    let col = offset - text[..offset].rfind('\n').map_or(0, |i| i + 1);
    (line as u64, col as u64)
}

fn labels(items: &Value) -> Vec<String> {
    items.as_array().expect("a completion list").iter().map(|i| i["label"].as_str().unwrap().to_string()).collect()
}

#[test]
fn the_server_answers_an_editor_session() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("quick.study");
    std::fs::write(&path, QUICKSTART).unwrap();
    let uri = format!("file://{}", path.display());
    let mut c = Client::start(dir.path());

    let init = c.result("initialize", json!({ "processId": null, "rootUri": null, "capabilities": {} }));
    let caps = &init["capabilities"];
    for cap in [
        "completionProvider",
        "hoverProvider",
        "definitionProvider",
        "referencesProvider",
        "documentFormattingProvider",
    ] {
        assert!(!caps[cap].is_null(), "{cap} missing: {caps}");
    }
    assert_eq!(caps["semanticTokensProvider"]["legend"]["tokenTypes"][0], "keyword");
    c.notify("initialized", json!({}));

    // Open: the quickstart checks (no syntax diagnostics), then the data worker reads its
    // synthetic tables and publishes again (nothing to report).
    c.open(&uri, QUICKSTART);
    assert_eq!(c.diagnostics(&uri, 1, |_| true), Vec::<Value>::new());
    assert_eq!(c.diagnostics(&uri, 1, |_| true), Vec::<Value>::new(), "the data worker's diagnostics");

    // Completion of columns and patterns from the tables' headers (the worker has read them).
    let (line, col) = pos_of(QUICKSTART, "f_*", 0);
    let cols = labels(&c.result("textDocument/completion", at(&uri, line, col)));
    for want in ["f_1", "f_16", "f_*", "y", "y_true"] {
        assert!(cols.contains(&want.to_string()), "{want} not among {cols:?}");
    }

    // A typo: the diagnostic sits on the misspelt word.
    let (line, col) = pos_of(QUICKSTART, "relu", 0);
    let range = json!({ "start": { "line": line, "character": col }, "end": { "line": line, "character": col + 4 } });
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": [{ "range": range, "text": "rleu" }] }),
    );
    let diags = c.diagnostics(&uri, 2, |d| !d.is_empty());
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(diags[0]["range"], range);
    assert_eq!(diags[0]["severity"], 1);
    assert!(diags[0]["message"].as_str().unwrap().contains("rleu"), "{diags:#?}");
    assert!(diags[0]["code"].as_str().unwrap().starts_with("sim2real::"), "{diags:#?}");

    // Completion inside `model { … }` lists the model's settings and declarations.
    let (line, col) = pos_of(QUICKSTART, "activation", 0);
    let found = labels(&c.result("textDocument/completion", at(&uri, line, col)));
    for want in ["hidden", "activation", "dropout", "combine", "input", "encoder", "head"] {
        assert!(found.contains(&want.to_string()), "{want} not among {found:?}");
    }
    assert!(!found.contains(&"trials".to_string()), "a grid setting offered in model: {found:?}");

    // Hover: docs/language.md's row for `grid`.
    let (line, col) = pos_of(QUICKSTART, "grid", 0);
    let hover = c.result("textDocument/hover", at(&uri, line, col + 1));
    let md = hover["contents"]["value"].as_str().unwrap();
    assert!(md.contains("n and m grids, trials, test fraction"), "{md}");

    // Definition and references of a table.
    let (line, col) = pos_of(QUICKSTART, "source sim", 0);
    let def = c.result("textDocument/definition", at(&uri, line, col + 8));
    let (dline, dcol) = pos_of(QUICKSTART, "data sim", 0);
    assert_eq!(def["uri"], uri.as_str());
    assert_eq!(def["range"]["start"], json!({ "line": dline, "character": dcol + 5 }));
    let mut refs = at(&uri, dline, dcol + 6);
    refs["context"] = json!({ "includeDeclaration": true });
    assert_eq!(c.result("textDocument/references", refs).as_array().unwrap().len(), 2);

    // Semantic tokens: five numbers per token, the first a statement keyword.
    let tokens = c.result("textDocument/semanticTokens/full", json!({ "textDocument": { "uri": uri } }));
    let data = tokens["data"].as_array().unwrap();
    assert!(data.len() > 100 && data.len().is_multiple_of(5), "{}", data.len());

    // Formatting: `sim2real fmt`'s layout (src/syntax/fmt/) as one edit of the whole document,
    // none when the text is already formatted.
    let messy = QUICKSTART.replace("seed 7\n", "seed    7\n\n\n");
    assert_ne!(messy, QUICKSTART);
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 3 }, "contentChanges": [{ "text": messy }] }),
    );
    let options = json!({ "textDocument": { "uri": uri }, "options": { "tabSize": 2, "insertSpaces": true } });
    let edits = c.result("textDocument/formatting", options.clone());
    let want = sim2real::syntax::fmt::format(&messy).expect("the quickstart formats");
    assert_eq!(edits.as_array().map(Vec::len), Some(1), "{edits}");
    assert_eq!(edits[0]["newText"], want.as_str());
    assert_eq!(edits[0]["range"]["start"], json!({ "line": 0, "character": 0 }));
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 4 }, "contentChanges": [{ "text": want }] }),
    );
    assert_eq!(c.result("textDocument/formatting", options), json!([]));

    // A data problem comes from the worker after typing pauses: a file that is not there.
    let missing = QUICKSTART.replace(
        "data exp = synthetic(part: target, rows: 300, features: 16, noise: 0.1, seed: 1)",
        "data exp = csv(\"nowhere.csv\")",
    );
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 5 }, "contentChanges": [{ "text": missing }] }),
    );
    let data_diags = c.diagnostics(&uri, 3, |d| !d.is_empty());
    let (line, col) = pos_of(&missing, "\"nowhere.csv\"", 0);
    assert_eq!(data_diags[0]["range"]["start"], json!({ "line": line, "character": col }), "{data_diags:#?}");
    assert!(data_diags[0]["message"].as_str().unwrap().contains("nowhere.csv"), "{data_diags:#?}");

    // Requests on a half-typed file answer (and the server lives on).
    c.notify("textDocument/didChange", json!({ "textDocument": { "uri": uri, "version": 6 }, "contentChanges": [{ "text": "model { encoder shared(a, \"b\n  data = | where (" }] }));
    for (line, col) in [(0, 30), (1, 5), (1, 17), (9, 9)] {
        let _ = c.result("textDocument/completion", at(&uri, line, col));
        let _ = c.result("textDocument/hover", at(&uri, line, col));
    }

    assert_eq!(c.result("shutdown", Value::Null), Value::Null);
    c.notify("exit", Value::Null);
    let deadline = Instant::now() + WAIT;
    let status = loop {
        if let Some(s) = c.child.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < deadline, "the server did not exit");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status}");
}

/// Every study of the fuzz seed corpus, then random edits of it, through every request the
/// server answers from the text (`sim2real::lsp::drive`, the `lsp` fuzz target's body).
#[test]
fn document_handling_survives_the_corpus_with_random_edits() {
    let mut seed: u64 = 0x5eed;
    let mut next = move || {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) as u8
    };
    let mut files = 0;
    for entry in std::fs::read_dir(repo_file("fuzz/corpus/study")).unwrap() {
        let text = std::fs::read(entry.unwrap().path()).unwrap();
        let mut input = text.clone();
        for _ in 0..4 {
            input.push(0xFF);
            let lines = text.iter().filter(|&&b| b == b'\n').count().max(1);
            let line = u8::try_from(usize::from(next()) % lines.min(255)).unwrap();
            input.extend([line, next() % 40, line, next() % 60]);
            let pick = ["{", "}", "=", "|", "\"", "(", "model { ", "data x = ", "é", "\n", ""];
            input.extend(pick[usize::from(next()) % pick.len()].as_bytes());
        }
        sim2real::lsp::drive::drive(&input);
        files += 1;
    }
    assert!(files >= 80, "the seed corpus was not found ({files} files)");
}
