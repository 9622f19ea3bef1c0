//! The connection file Jupyter writes for a kernel: transport, address, five ports and the key.

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// Parsed connection file.
#[derive(Debug, Clone, Deserialize)]
pub struct Connection {
    pub transport: String,
    pub ip: String,
    pub shell_port: u16,
    pub iopub_port: u16,
    pub stdin_port: u16,
    pub control_port: u16,
    pub hb_port: u16,
    #[serde(default)]
    pub key: String,
    #[serde(default = "default_scheme")]
    pub signature_scheme: String,
}

fn default_scheme() -> String {
    "hmac-sha256".into()
}

impl Connection {
    /// Read and validate a connection file (tcp transport, hmac-sha256 signing).
    pub fn read(path: &Path) -> Result<Connection, ConnectionError> {
        let path_buf = || path.to_path_buf();
        let text =
            std::fs::read_to_string(path).map_err(|source| ConnectionError::Read { path: path_buf(), source })?;
        Connection::parse(&text).map_err(|source| ConnectionError::Invalid { path: path_buf(), source })
    }

    /// Parse and validate the JSON text of a connection file.
    pub fn parse(text: &str) -> Result<Connection, InvalidConnection> {
        let c: Connection = serde_json::from_str(text)?;
        if c.transport != "tcp" {
            return Err(InvalidConnection::Transport { transport: c.transport });
        }
        if c.signature_scheme != "hmac-sha256" {
            return Err(InvalidConnection::Scheme { scheme: c.signature_scheme });
        }
        Ok(c)
    }

    /// The ZeroMQ endpoint for one port, e.g. `tcp://127.0.0.1:5555`.
    pub fn endpoint(&self, port: u16) -> String {
        format!("{}://{}:{port}", self.transport, self.ip)
    }
}

/// Why a connection file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConnectionError {
    #[error("cannot read {}: {source}", .path.display())]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{}: {source}", .path.display())]
    Invalid { path: PathBuf, source: InvalidConnection },
}

/// Why a connection file's text is not one this kernel can serve.
#[derive(Debug, thiserror::Error)]
pub enum InvalidConnection {
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    #[error("transport `{transport}` is not supported (only tcp)")]
    Transport { transport: String },
    #[error("signature scheme `{scheme}` is not supported (only hmac-sha256)")]
    Scheme { scheme: String },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connection_errors_render() {
        let json = serde_json::from_str::<Connection>("{").unwrap_err();
        let json_text = json.to_string();
        assert_eq!(InvalidConnection::Json(json).to_string(), json_text);
        let ipc = InvalidConnection::Transport { transport: "ipc".into() };
        assert_eq!(ipc.to_string(), "transport `ipc` is not supported (only tcp)");
        let md5 = InvalidConnection::Scheme { scheme: "hmac-md5".into() };
        assert_eq!(md5.to_string(), "signature scheme `hmac-md5` is not supported (only hmac-sha256)");
        let path = PathBuf::from("k.json");
        let gone = std::io::Error::new(std::io::ErrorKind::NotFound, "gone");
        assert_eq!(ConnectionError::Read { path: path.clone(), source: gone }.to_string(), "cannot read k.json: gone");
        assert_eq!(
            ConnectionError::Invalid { path, source: md5 }.to_string(),
            "k.json: signature scheme `hmac-md5` is not supported (only hmac-sha256)"
        );
    }

    const FILE: &str = r#"{"shell_port": 1, "iopub_port": 2, "stdin_port": 3, "control_port": 4, "hb_port": 5,
        "ip": "127.0.0.1", "key": "k", "transport": "tcp", "signature_scheme": "hmac-sha256", "kernel_name": "sim2real"}"#;

    #[test]
    fn parses_a_jupyter_connection_file() {
        let c = Connection::parse(FILE).unwrap();
        assert_eq!(c.endpoint(c.hb_port), "tcp://127.0.0.1:5");
        assert_eq!(c.key, "k");
    }

    #[test]
    fn rejects_other_schemes_and_transports() {
        assert!(
            Connection::parse(&FILE.replace("hmac-sha256", "hmac-md5")).unwrap_err().to_string().contains("hmac-md5")
        );
        assert!(Connection::parse(&FILE.replace("\"tcp\"", "\"ipc\"")).unwrap_err().to_string().contains("ipc"));
        assert!(Connection::parse("{").is_err());
    }
}
