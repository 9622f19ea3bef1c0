//! Seeds. Every random choice derives from the study's master seed and a stable label, so a job's
//! seed does not depend on how many jobs exist, in which order they run, or whether the run was
//! resumed. Labels: `split t=3` (target split of trial 3, shared by all n and both arms, so
//! transfer and direct are compared on the same test rows), `subset r=0` (source order of
//! replicate 0; the subset of size n is its first n rows, so subsets are nested across n), and
//! the job ids themselves (weight init, batch order).

use sha2::{Digest, Sha256};

/// A 64-bit seed from the master seed and a label.
pub fn derive(master: u64, label: &str) -> u64 {
    let mut h = Sha256::new();
    h.update(master.to_le_bytes());
    h.update(label.as_bytes());
    let d = h.finalize();
    u64::from_le_bytes([d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]])
}

/// Hex SHA-256 of bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}
