//! The connection file Jupyter writes for a kernel: transport, address, five ports and the key.

use std::path::Path;

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
    pub fn read(path: &Path) -> Result<Connection, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        Connection::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Parse and validate the JSON text of a connection file.
    pub fn parse(text: &str) -> Result<Connection, String> {
        let c: Connection = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if c.transport != "tcp" {
            return Err(format!("transport `{}` is not supported (only tcp)", c.transport));
        }
        if c.signature_scheme != "hmac-sha256" {
            return Err(format!("signature scheme `{}` is not supported (only hmac-sha256)", c.signature_scheme));
        }
        Ok(c)
    }

    /// The ZeroMQ endpoint for one port, e.g. `tcp://127.0.0.1:5555`.
    pub fn endpoint(&self, port: u16) -> String {
        format!("{}://{}:{port}", self.transport, self.ip)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert!(Connection::parse(&FILE.replace("hmac-sha256", "hmac-md5")).unwrap_err().contains("hmac-md5"));
        assert!(Connection::parse(&FILE.replace("\"tcp\"", "\"ipc\"")).unwrap_err().contains("ipc"));
        assert!(Connection::parse("{").is_err());
    }
}
