//! The executor: one thread that handles shell requests in order (as Jupyter expects), wrapping
//! each in busy/idle status on IOPub. It owns the evcxr session and the execution counter.

use std::sync::Arc;

use serde_json::{Value, json};
use tokio::sync::mpsc::UnboundedSender;

use super::capture::log;
use super::cell::{self, Cell};
use super::complete;
use super::interrupt::Interrupter;
use super::outcome::{Bundle, CellError};
use super::rust_cell::RustCells;
use super::study_cell;
use super::wire::{Message, PROTOCOL_VERSION};

/// Where the executor sends what it produces.
#[derive(Clone)]
pub struct Outbox {
    pub session: String,
    pub iopub: UnboundedSender<Message>,
    pub shell: UnboundedSender<Message>,
    /// Told when a shutdown was requested.
    pub quit: UnboundedSender<()>,
}

impl Outbox {
    fn publish(&self, parent: &Message, msg_type: &str, content: Value) {
        let _ = self.iopub.send(parent.publish(&self.session, msg_type, content));
    }

    fn reply(&self, parent: &Message, msg_type: &str, content: Value) {
        let _ = self.shell.send(parent.reply(&self.session, msg_type, content));
    }

    fn stream(&self, parent: &Message, name: &str, text: String) {
        self.publish(parent, "stream", json!({ "name": name, "text": text }));
    }
}

/// The kernel_info reply content.
pub fn kernel_info() -> Value {
    json!({
        "status": "ok",
        "protocol_version": PROTOCOL_VERSION,
        "implementation": "sim2real",
        "implementation_version": env!("CARGO_PKG_VERSION"),
        "language_info": {
            "name": "sim2real",
            "version": env!("CARGO_PKG_VERSION"),
            "mimetype": "text/x-sim2real",
            "file_extension": ".study",
            "codemirror_mode": "rust",
            "pygments_lexer": "rust",
        },
        "banner": "sim2real: `%%study` cells run studies in-process; other cells are Rust (evcxr).",
        "help_links": [],
    })
}

/// The error of a cell that panicked: the panic's message, said to be a bug.
fn panic_error(payload: Box<dyn std::any::Any + Send>) -> CellError {
    let what = payload
        .downcast_ref::<&str>()
        .map(std::string::ToString::to_string)
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".to_string());
    log(&format!("a cell panicked: {what}"));
    let evalue = format!("the cell panicked: {what}");
    CellError::new(
        "Panic",
        evalue.clone(),
        &format!(
            "internal error: {evalue}\nThis is a bug in sim2real; the kernel is still running. A study cell's run directory keeps the jobs finished before the panic (rerun the cell to resume)."
        ),
    )
}

/// State of the executor thread.
pub struct Executor {
    out: Outbox,
    count: u64,
    threads: usize,
    rust: RustCells,
    columns: Vec<String>,
    interrupter: Arc<Interrupter>,
}

impl Executor {
    pub fn new(out: Outbox, threads: usize, interrupter: Arc<Interrupter>) -> Executor {
        Executor { out, count: 0, threads, rust: RustCells::new(interrupter.clone()), columns: Vec::new(), interrupter }
    }

    /// Handle requests until the channel closes or a shutdown is requested.
    pub fn run(mut self, requests: std::sync::mpsc::Receiver<Message>) {
        while let Ok(msg) = requests.recv() {
            if !self.handle(&msg) {
                break;
            }
        }
    }

    /// One shell request; returns false after a shutdown request.
    pub fn handle(&mut self, msg: &Message) -> bool {
        let out = self.out.clone();
        out.publish(msg, "status", json!({ "execution_state": "busy" }));
        let mut go_on = true;
        match msg.msg_type() {
            "kernel_info_request" => out.reply(msg, "kernel_info_reply", kernel_info()),
            "execute_request" => self.execute(msg),
            "is_complete_request" => {
                let code = msg.content.get("code").and_then(Value::as_str).unwrap_or("");
                let status = complete::is_complete(code);
                let mut content = json!({ "status": status });
                if status == "incomplete" {
                    content["indent"] = json!("  ");
                }
                out.reply(msg, "is_complete_reply", content);
            }
            "complete_request" => {
                let content = self.complete(msg);
                out.reply(msg, "complete_reply", content);
            }
            "inspect_request" => {
                let code = msg.content.get("code").and_then(Value::as_str).unwrap_or("");
                let cursor = msg.content.get("cursor_pos").and_then(Value::as_u64).unwrap_or(0) as usize;
                let content = match complete::inspect(code, cursor) {
                    Some(text) => {
                        json!({ "status": "ok", "found": true, "data": { "text/plain": text }, "metadata": {} })
                    }
                    None => json!({ "status": "ok", "found": false, "data": {}, "metadata": {} }),
                };
                out.reply(msg, "inspect_reply", content);
            }
            "comm_info_request" => out.reply(msg, "comm_info_reply", json!({ "status": "ok", "comms": {} })),
            "history_request" => out.reply(msg, "history_reply", json!({ "status": "ok", "history": [] })),
            "shutdown_request" => {
                let restart = msg.content.get("restart").and_then(Value::as_bool).unwrap_or(false);
                out.reply(msg, "shutdown_reply", json!({ "status": "ok", "restart": restart }));
                let _ = out.quit.send(());
                go_on = false;
            }
            other => log(&format!("ignoring unsupported shell message `{other}`")),
        }
        out.publish(msg, "status", json!({ "execution_state": "idle" }));
        go_on
    }

    fn execute(&mut self, msg: &Message) {
        let out = self.out.clone();
        let code = msg.content.get("code").and_then(Value::as_str).unwrap_or("").to_string();
        let silent = msg.content.get("silent").and_then(Value::as_bool).unwrap_or(false);
        let store = msg.content.get("store_history").and_then(Value::as_bool).unwrap_or(!silent);
        if store {
            self.count += 1;
        }
        let count = self.count;
        if !silent {
            out.publish(msg, "execute_input", json!({ "code": code, "execution_count": count }));
        }
        let result = if code.trim().is_empty() {
            Ok(None)
        } else {
            // A panic in a cell (a bug) becomes its error; the kernel goes on serving. Unwinding
            // has put stderr back and released the run directory's lock.
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.run_cell(msg, &code)))
                .unwrap_or_else(|p| Err(panic_error(p)))
        };
        match result {
            Ok(bundle) => {
                if let Some(data) = bundle.filter(|_| !silent) {
                    out.publish(
                        msg,
                        "execute_result",
                        json!({ "execution_count": count, "data": data, "metadata": {} }),
                    );
                }
                out.reply(
                    msg,
                    "execute_reply",
                    json!({ "status": "ok", "execution_count": count, "user_expressions": {}, "payload": [] }),
                );
            }
            Err(e) => {
                out.publish(msg, "error", e.content());
                let mut content = e.content();
                content["status"] = json!("error");
                content["execution_count"] = json!(count);
                out.reply(msg, "execute_reply", content);
            }
        }
    }

    fn run_cell(&mut self, msg: &Message, code: &str) -> Result<Option<Bundle>, CellError> {
        match cell::classify(code) {
            Err(e) => {
                let m = e.to_string();
                Err(CellError::new("UsageError", m.clone(), &m))
            }
            Ok(Cell::Study { flags, text }) => {
                self.interrupter.study.store(false, std::sync::atomic::Ordering::SeqCst);
                let (out, parent) = (self.out.clone(), msg.clone());
                let say = move |line: String| out.stream(&parent, "stdout", format!("{line}\n"));
                let r = study_cell::run_study(&flags, &text, self.threads, self.interrupter.study.clone(), say)?;
                self.columns = r.columns;
                for line in &r.failed_expects {
                    self.out.stream(msg, "stderr", format!("{line}\n"));
                }
                Ok(Some(r.bundle))
            }
            Ok(Cell::Rust(code)) => {
                let out = self.out.clone();
                let emit = move |name: &str, text: String| out.stream(msg, name, text);
                self.rust.execute(&code, &emit)
            }
        }
    }

    fn complete(&mut self, msg: &Message) -> Value {
        let code = msg.content.get("code").and_then(Value::as_str).unwrap_or("");
        let cursor = msg.content.get("cursor_pos").and_then(Value::as_u64).unwrap_or(0) as usize;
        let (matches, start, end) = match cell::classify(code) {
            Ok(Cell::Rust(_)) => {
                let byte = code.char_indices().nth(cursor).map(|(i, _)| i).unwrap_or(code.len());
                let to_chars = |b: usize| code[..b.min(code.len())].chars().count();
                match self.rust.complete(code, byte) {
                    Some((m, s, e))
                        if code.is_char_boundary(s.min(code.len())) && code.is_char_boundary(e.min(code.len())) =>
                    {
                        (m, to_chars(s), to_chars(e))
                    }
                    _ => (Vec::new(), cursor, cursor),
                }
            }
            _ => complete::complete(code, cursor, &self.columns),
        };
        json!({ "status": "ok", "matches": matches, "cursor_start": start, "cursor_end": end, "metadata": {} })
    }
}
