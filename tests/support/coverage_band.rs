//! The coverage band a simulation test asserts for a nominal 90 % interval (shared by
//! tests/coverage.rs and tests/budget_coverage.rs).

/// Replicates of a full coverage study: from here on the band is the target itself.
pub const FULL: usize = 200;

/// The band for `k` usable replicates. From [`FULL`] on it is the target, 85–95 % (a correctly
/// calibrated 90 % interval leaves it with probability ≈ 2 % at 200). Below, the target widened
/// by 3 binomial standard deviations, so that the reduced count in `cargo test` catches a broken
/// interval without failing on chance.
pub fn band(k: usize) -> (f64, f64) {
    if k >= FULL {
        return (0.85, 0.95);
    }
    let sd = (0.9 * 0.1 / k.max(1) as f64).sqrt();
    ((0.85 - 3.0 * sd).max(0.0), (0.95 + 3.0 * sd).min(1.0))
}
