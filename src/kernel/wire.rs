//! The Jupyter wire protocol: multipart frames ⇄ [`Message`], signed and verified with
//! HMAC-SHA256 over header, parent header, metadata and content (the connection file's key).
//!
//! Frames: `[identities…, "<IDS|MSG>", signature, header, parent_header, metadata, content, buffers…]`.

use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

const DELIMITER: &[u8] = b"<IDS|MSG>";
/// The protocol version this kernel speaks.
pub const PROTOCOL_VERSION: &str = "5.3";

/// One decoded message.
#[derive(Debug, Clone)]
pub struct Message {
    /// Routing frames before the delimiter (the ROUTER peer id, or the IOPub topic).
    pub identities: Vec<Bytes>,
    pub header: Value,
    pub parent_header: Value,
    pub metadata: Value,
    pub content: Value,
    pub buffers: Vec<Bytes>,
}

/// Why incoming frames were not accepted.
#[derive(Debug, thiserror::Error)]
pub enum WireError {
    /// No `<IDS|MSG>` delimiter.
    #[error("malformed message: no <IDS|MSG> delimiter")]
    NoDelimiter,
    /// Fewer than the five frames after the delimiter (signature, header, parent header,
    /// metadata, content).
    #[error("malformed message: {after} frames after the delimiter, expected at least 5")]
    TooFewFrames { after: usize },
    /// A JSON frame (`frame` is its name) that does not parse.
    #[error("malformed message: {frame}: {source}")]
    BadJson { frame: &'static str, source: serde_json::Error },
    /// The HMAC does not match: the message is dropped, never executed.
    #[error("bad HMAC signature")]
    BadSignature,
}

/// Signs and verifies with the connection key. An empty key means "no signing" (as in Jupyter).
#[derive(Clone)]
pub struct Signer {
    key: Vec<u8>,
}

impl Signer {
    pub fn new(key: &str) -> Signer {
        Signer { key: key.as_bytes().to_vec() }
    }

    fn mac(&self, parts: &[&[u8]]) -> Option<Hmac<Sha256>> {
        if self.key.is_empty() {
            return None;
        }
        // HMAC accepts keys of any length, so this cannot fail.
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.key).ok()?;
        for p in parts {
            mac.update(p);
        }
        Some(mac)
    }

    /// Lower-case hex HMAC-SHA256 of the parts ("" without a key).
    pub fn sign(&self, parts: &[&[u8]]) -> String {
        match self.mac(parts) {
            Some(mac) => hex(&mac.finalize().into_bytes()),
            None => String::new(),
        }
    }

    /// Constant-time check of a hex signature.
    pub fn verify(&self, signature: &[u8], parts: &[&[u8]]) -> bool {
        match self.mac(parts) {
            None => true,
            Some(mac) => match unhex(signature) {
                Some(sig) => mac.verify_slice(&sig).is_ok(),
                None => false,
            },
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &[u8]) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    text.chunks(2)
        .map(|pair| {
            let s = std::str::from_utf8(pair).ok()?;
            u8::from_str_radix(s, 16).ok()
        })
        .collect()
}

impl Message {
    /// Decode frames, verifying the signature before parsing anything else.
    pub fn decode(frames: Vec<Bytes>, signer: &Signer) -> Result<Message, WireError> {
        let at = frames.iter().position(|f| f.as_ref() == DELIMITER).ok_or(WireError::NoDelimiter)?;
        if frames.len() < at + 6 {
            return Err(WireError::TooFewFrames { after: frames.len() - at - 1 });
        }
        let parts: Vec<&[u8]> = frames[at + 2..at + 6].iter().map(std::convert::AsRef::as_ref).collect();
        if !signer.verify(&frames[at + 1], &parts) {
            return Err(WireError::BadSignature);
        }
        let json = |i: usize, frame: &'static str| -> Result<Value, WireError> {
            serde_json::from_slice(&frames[at + 2 + i]).map_err(|source| WireError::BadJson { frame, source })
        };
        Ok(Message {
            identities: frames[..at].to_vec(),
            header: json(0, "header")?,
            parent_header: json(1, "parent_header")?,
            metadata: json(2, "metadata")?,
            content: json(3, "content")?,
            buffers: frames[at + 6..].to_vec(),
        })
    }

    /// Encode to signed frames.
    pub fn encode(&self, signer: &Signer) -> Vec<Bytes> {
        let parts: Vec<Vec<u8>> = [&self.header, &self.parent_header, &self.metadata, &self.content]
            .iter()
            .map(|v| serde_json::to_vec(v).unwrap_or_else(|_| b"{}".to_vec()))
            .collect();
        let refs: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
        let sig = signer.sign(&refs);
        let mut frames = self.identities.clone();
        frames.push(Bytes::from_static(DELIMITER));
        frames.push(Bytes::from(sig.into_bytes()));
        frames.extend(parts.into_iter().map(Bytes::from));
        frames.extend(self.buffers.iter().cloned());
        frames
    }

    /// The message type from the header ("" if missing).
    pub fn msg_type(&self) -> &str {
        self.header.get("msg_type").and_then(Value::as_str).unwrap_or("")
    }

    /// A new message of `msg_type` whose parent is `self`, routed back to the same peer.
    pub fn reply(&self, session: &str, msg_type: &str, content: Value) -> Message {
        Message {
            identities: self.identities.clone(),
            header: new_header(session, msg_type),
            parent_header: self.header.clone(),
            metadata: json!({}),
            content,
            buffers: Vec::new(),
        }
    }

    /// An IOPub message of `msg_type` in reply to `self` (topic = the message type).
    pub fn publish(&self, session: &str, msg_type: &str, content: Value) -> Message {
        Message {
            identities: vec![Bytes::from(msg_type.as_bytes().to_vec())],
            header: new_header(session, msg_type),
            parent_header: self.header.clone(),
            metadata: json!({}),
            content,
            buffers: Vec::new(),
        }
    }
}

/// A header with a fresh id and the current UTC time.
pub fn new_header(session: &str, msg_type: &str) -> Value {
    json!({
        "msg_id": new_id(),
        "session": session,
        "username": "sim2real",
        "date": now_iso8601(),
        "msg_type": msg_type,
        "version": PROTOCOL_VERSION,
    })
}

/// A random 128-bit id in UUID text form.
pub fn new_id() -> String {
    let a: u64 = rand::random();
    let b: u64 = rand::random();
    let h = format!("{a:016x}{b:016x}");
    format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}

/// Current UTC time as `YYYY-MM-DDTHH:MM:SS.ffffffZ`.
pub fn now_iso8601() -> String {
    let d = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = d.as_secs() as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:06}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        d.subsec_micros()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Message {
        Message {
            identities: vec![Bytes::from_static(b"peer")],
            header: new_header("s", "execute_request"),
            parent_header: json!({}),
            metadata: json!({}),
            content: json!({"code": "1"}),
            buffers: vec![],
        }
    }

    #[test]
    fn round_trip_with_the_right_key() {
        let s = Signer::new("secret");
        let m = Message::decode(sample().encode(&s), &s).unwrap();
        assert_eq!(m.msg_type(), "execute_request");
        assert_eq!(m.identities, vec![Bytes::from_static(b"peer")]);
        assert_eq!(m.content["code"], "1");
    }

    #[test]
    fn wrong_key_or_tampering_is_rejected() {
        let frames = sample().encode(&Signer::new("other"));
        assert!(matches!(
            Message::decode(frames.clone(), &Signer::new("secret")).unwrap_err(),
            WireError::BadSignature
        ));
        let mut tampered = sample().encode(&Signer::new("secret"));
        let n = tampered.len();
        tampered[n - 1] = Bytes::from_static(b"{\"code\": \"2\"}");
        assert!(matches!(Message::decode(tampered, &Signer::new("secret")).unwrap_err(), WireError::BadSignature));
        let mut unsigned = sample().encode(&Signer::new("secret"));
        unsigned[2] = Bytes::from_static(b"");
        assert!(matches!(Message::decode(unsigned, &Signer::new("secret")).unwrap_err(), WireError::BadSignature));
    }

    #[test]
    fn missing_delimiter_is_malformed() {
        let e = Message::decode(vec![Bytes::from_static(b"x")], &Signer::new("k")).unwrap_err();
        assert!(matches!(e, WireError::NoDelimiter));
    }

    #[test]
    fn wire_errors_render() {
        assert_eq!(WireError::NoDelimiter.to_string(), "malformed message: no <IDS|MSG> delimiter");
        assert_eq!(
            WireError::TooFewFrames { after: 3 }.to_string(),
            "malformed message: 3 frames after the delimiter, expected at least 5"
        );
        let source = serde_json::from_slice::<Value>(b"{").unwrap_err();
        let want = format!("malformed message: header: {source}");
        assert_eq!(WireError::BadJson { frame: "header", source }.to_string(), want);
        assert_eq!(WireError::BadSignature.to_string(), "bad HMAC signature");
    }

    #[test]
    fn known_hmac_vector() {
        // RFC 4231 test case 2.
        let s = Signer::new("Jefe");
        assert_eq!(
            s.sign(&[b"what do ya want ", b"for nothing?"]),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn iso_date_shape() {
        let d = now_iso8601();
        assert_eq!(d.len(), 27, "{d}");
        assert!(d.ends_with('Z') && d.as_bytes()[10] == b'T');
    }
}
