//! The kernel process: binds the five sockets of a connection file and moves messages between
//! them and the executor thread. Every incoming message's signature is verified first; a bad
//! one is logged and dropped.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use tokio::sync::mpsc;
use zeromq::{PubSocket, RepSocket, RouterSocket, Socket, SocketRecv, SocketSend, ZmqMessage};

use super::capture::{init_log, log};
use super::connection::Connection;
use super::executor::{Executor, Outbox, kernel_info};
use super::interrupt::Interrupter;
use super::wire::{Message, Signer, WireError, new_id};

/// CPU threads for the tensor kernels of study cells (as `sim2real run`'s default).
pub const THREADS: usize = 2;

/// Serve the kernel described by a connection file until a shutdown request. Returns the exit code.
pub fn serve(connection_file: &Path) -> i32 {
    init_log();
    let conn = match Connection::read(connection_file) {
        Ok(c) => c,
        Err(e) => {
            log(&e.to_string());
            return 2;
        }
    };
    if let Err(m) = crate::engine::init_threads(THREADS) {
        log(&format!("warning: {m}"));
    }
    let rt = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            log(&format!("cannot start the async runtime: {e}"));
            return 3;
        }
    };
    let code = rt.block_on(async move {
        match run(conn).await {
            Ok(()) => 0,
            Err(e) => {
                log(&e.to_string());
                3
            }
        }
    });
    // The executor thread may still be inside a cell; do not wait for it.
    rt.shutdown_timeout(Duration::from_millis(200));
    code
}

/// Decode frames; a bad signature or malformed message is logged and yields None.
fn accept(frames: ZmqMessage, signer: &Signer, channel: &str) -> Option<Message> {
    match Message::decode(frames.into_vec(), signer) {
        Ok(m) => Some(m),
        Err(WireError::BadSignature) => {
            log(&format!("dropped a {channel} message with a bad signature (not executed)"));
            None
        }
        Err(e) => {
            log(&format!("dropped a {channel} message: {e}"));
            None
        }
    }
}

fn frames(msg: &Message, signer: &Signer) -> Option<ZmqMessage> {
    ZmqMessage::try_from(msg.encode(signer)).ok()
}

/// Why the kernel stopped serving.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("cannot bind the {socket} socket: {source}")]
    Bind { socket: &'static str, source: zeromq::ZmqError },
    #[error("cannot start the executor thread: {0}")]
    Executor(#[source] std::io::Error),
}

async fn run(conn: Connection) -> Result<(), ServerError> {
    let signer = Signer::new(&conn.key);
    let session = new_id();
    let bind_err = |socket: &'static str, source: zeromq::ZmqError| ServerError::Bind { socket, source };
    let mut shell = RouterSocket::new();
    shell.bind(&conn.endpoint(conn.shell_port)).await.map_err(|e| bind_err("shell", e))?;
    let mut control = RouterSocket::new();
    control.bind(&conn.endpoint(conn.control_port)).await.map_err(|e| bind_err("control", e))?;
    let mut stdin = RouterSocket::new();
    stdin.bind(&conn.endpoint(conn.stdin_port)).await.map_err(|e| bind_err("stdin", e))?;
    let mut iopub = PubSocket::new();
    iopub.bind(&conn.endpoint(conn.iopub_port)).await.map_err(|e| bind_err("iopub", e))?;
    let mut heartbeat = RepSocket::new();
    heartbeat.bind(&conn.endpoint(conn.hb_port)).await.map_err(|e| bind_err("heartbeat", e))?;

    let (iopub_tx, mut iopub_rx) = mpsc::unbounded_channel::<Message>();
    let (shell_tx, mut shell_rx) = mpsc::unbounded_channel::<Message>();
    let (quit_tx, mut quit_rx) = mpsc::unbounded_channel::<()>();
    let (exec_tx, exec_rx) = std::sync::mpsc::channel::<Message>();
    let interrupter = Arc::new(Interrupter::default());

    // IOPub: publish what the executor and control produce.
    let s = signer.clone();
    tokio::spawn(async move {
        while let Some(m) = iopub_rx.recv().await {
            if let Some(f) = frames(&m, &s)
                && let Err(e) = iopub.send(f).await
            {
                log(&format!("iopub send failed: {e}"));
            }
        }
    });

    // Heartbeat: echo.
    tokio::spawn(async move {
        loop {
            match heartbeat.recv().await {
                Ok(m) => {
                    let _ = heartbeat.send(m).await;
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
    });

    // Stdin: input requests are not supported; keep the socket bound and drain it.
    let s = signer.clone();
    tokio::spawn(async move {
        loop {
            match stdin.recv().await {
                Ok(f) => {
                    let _ = accept(f, &s, "stdin");
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
    });

    // Shell: verified requests go to the executor thread; its replies go back out.
    let (mut shell_send, mut shell_recv) = shell.split();
    let s = signer.clone();
    tokio::spawn(async move {
        while let Some(m) = shell_rx.recv().await {
            if let Some(f) = frames(&m, &s)
                && let Err(e) = shell_send.send(f).await
            {
                log(&format!("shell send failed: {e}"));
            }
        }
    });
    let s = signer.clone();
    tokio::spawn(async move {
        loop {
            match shell_recv.recv().await {
                Ok(f) => {
                    if let Some(m) = accept(f, &s, "shell")
                        && exec_tx.send(m).is_err()
                    {
                        break;
                    }
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
    });

    // Control: interrupt, shutdown, kernel_info — answered at once, even while a cell runs.
    let (s, sess, intr, quit, iop) =
        (signer.clone(), session.clone(), interrupter.clone(), quit_tx.clone(), iopub_tx.clone());
    tokio::spawn(async move {
        loop {
            let f = match control.recv().await {
                Ok(f) => f,
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            };
            let Some(msg) = accept(f, &s, "control") else { continue };
            let (reply_type, content, stop) = match msg.msg_type() {
                "interrupt_request" => {
                    intr.interrupt();
                    ("interrupt_reply", json!({ "status": "ok" }), false)
                }
                "shutdown_request" => {
                    intr.interrupt();
                    let restart = msg.content.get("restart").and_then(serde_json::Value::as_bool).unwrap_or(false);
                    ("shutdown_reply", json!({ "status": "ok", "restart": restart }), true)
                }
                "kernel_info_request" => ("kernel_info_reply", kernel_info(), false),
                other => {
                    log(&format!("ignoring unsupported control message `{other}`"));
                    continue;
                }
            };
            let _ = iop.send(msg.publish(&sess, "status", json!({ "execution_state": "busy" })));
            if let Some(f) = frames(&msg.reply(&sess, reply_type, content), &s)
                && let Err(e) = control.send(f).await
            {
                log(&format!("control send failed: {e}"));
            }
            let _ = iop.send(msg.publish(&sess, "status", json!({ "execution_state": "idle" })));
            if stop {
                let _ = quit.send(());
            }
        }
    });

    // SIGINT (Ctrl-C in the terminal that runs the kernel, or a client using signals).
    let intr = interrupter.clone();
    tokio::spawn(async move {
        while tokio::signal::ctrl_c().await.is_ok() {
            log("SIGINT: interrupting the running cell");
            intr.interrupt();
        }
    });

    // Tell clients we are up (ipykernel does the same).
    let starting = Message {
        identities: vec![],
        header: json!({}),
        parent_header: json!({}),
        metadata: json!({}),
        content: json!({}),
        buffers: vec![],
    };
    let _ = iopub_tx.send(starting.publish(&session, "status", json!({ "execution_state": "starting" })));

    let outbox = Outbox { session, iopub: iopub_tx, shell: shell_tx, quit: quit_tx };
    let executor = Executor::new(outbox, THREADS, interrupter.clone());
    std::thread::Builder::new()
        .name("sim2real-executor".into())
        .spawn(move || executor.run(exec_rx))
        .map_err(ServerError::Executor)?;

    let _ = quit_rx.recv().await;
    // Give the sockets a moment to flush the shutdown reply and the last status.
    tokio::time::sleep(Duration::from_millis(100)).await;
    if let Ok(slot) = interrupter.rust_child.lock()
        && let Some(child) = slot.as_ref()
        && let Ok(mut child) = child.lock()
    {
        let _ = child.kill();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::ServerError;

    #[test]
    fn server_errors_render() {
        let busy = zeromq::ZmqError::Other("address in use");
        let want = format!("cannot bind the shell socket: {busy}");
        assert_eq!(ServerError::Bind { socket: "shell", source: busy }.to_string(), want);
        let e = ServerError::Executor(std::io::Error::other("no threads"));
        assert_eq!(e.to_string(), "cannot start the executor thread: no threads");
    }
}
