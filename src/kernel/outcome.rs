//! What a cell produces: a display bundle (mime type → text) or an error in Jupyter's shape.

use serde_json::{Map, Value, json};

/// A rich result: mime type → content.
pub type Bundle = Map<String, Value>;

/// A failed cell: `ename`/`evalue` and the traceback lines shown in the notebook.
#[derive(Debug, Clone, PartialEq)]
pub struct CellError {
    pub ename: String,
    pub evalue: String,
    pub traceback: Vec<String>,
}

impl CellError {
    /// An error whose traceback is `text` split into lines.
    pub fn new(ename: &str, evalue: impl Into<String>, text: &str) -> CellError {
        let evalue = evalue.into();
        let mut traceback: Vec<String> = text.lines().map(str::to_string).collect();
        if traceback.is_empty() {
            traceback.push(format!("{ename}: {evalue}"));
        }
        CellError { ename: ename.to_string(), evalue, traceback }
    }

    /// The `error` content of IOPub and of the execute reply (without status/count).
    pub fn content(&self) -> Value {
        json!({ "ename": self.ename, "evalue": self.evalue, "traceback": self.traceback })
    }
}
