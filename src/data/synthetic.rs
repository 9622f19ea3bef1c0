//! The built-in generator with a known ground truth: `synthetic(part, rows, features, bias, noise, seed)`.
//!
//! # Generative model
//!
//! Let `d = features`. All randomness comes from `ChaCha8Rng::seed_from_u64(seed)`, on separate
//! ChaCha streams, and normals are made by Box–Muller (pairs; the second value is used next):
//!
//! * **Truth** (stream 0, depends on `seed` only, so both parts share it): four directions
//!   `w1, w2, w3, v`, each `d` standard normals scaled to unit length (in that order). For
//!   `x ~ N(0, I_d)` each projection `u_k = w_k·x`, `t = v·x` is then N(0, 1).
//!   * `g_raw(x) = sin(1.5·u1) + tanh(u2)·u3 + 0.3·u1` — smooth, learnable by an MLP; a linear
//!     model explains only about half of its variance (`tanh(u2)·u3` has no linear part at all).
//!   * `b_raw(x) = t + 0.3·(t² − 1)` — the simulation's systematic error: a linear tilt along
//!     `v` plus a mild curvature.
//!   * `g = (g_raw − m_g) / s_g` and `b = (b_raw − m_b) / s_b`, where the means and population
//!     sds are estimated on 20 000 draws made next on the truth stream, so mean(g) ≈ 0,
//!     sd(g) ≈ 1 and likewise for b. g and b depend on x only through `(u1, u2, u3, t)`, so each
//!     draw is `z ~ N(0, I_k)` in an orthonormal basis (Gram–Schmidt, in the order above) of the
//!     k ≤ 4 dimensional span of the directions: exactly the distribution of the projections of
//!     `x ~ N(0, I_d)`, at a cost independent of `d`.
//! * **Rows** (stream 1 for `source`, 2 for `target`): for each row, `d` normals for `x`, then
//!   one normal `ε`.
//! * **Labels**: `y_true = g(x)`; source `y = g(x) + bias·b(x) + noise·ε`; target
//!   `y = g(x) + noise·ε` (`bias` is ignored for the target).
//!
//! Columns: `f_1 … f_d` (= x), `y`, `y_true`. Rows are numbered 1… as origins
//! ("row 5 of synthetic(...)").

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{Rng, SeedableRng};

use crate::ir::{SyntheticPart, SyntheticSpec};

use super::error::DataError;
use super::table::{Column, Table};
use crate::diag::ProblemKind;

/// Points used to estimate the means and sds that normalise g and b.
const NORMALISATION_POINTS: usize = 20_000;

/// Standard normals by Box–Muller from a ChaCha8 stream.
struct Gauss {
    rng: ChaCha8Rng,
    spare: Option<f64>,
}

impl Gauss {
    fn new(seed: u64, stream: u64) -> Gauss {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(stream);
        Gauss { rng, spare: None }
    }

    /// Uniform in (0, 1], 53 random bits.
    fn uniform_open0(&mut self) -> f64 {
        ((self.rng.next_u64() >> 11) + 1) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    fn next(&mut self) -> f64 {
        if let Some(z) = self.spare.take() {
            return z;
        }
        let u1 = self.uniform_open0();
        let u2 = self.uniform_open0();
        let r = (-2.0 * u1.ln()).sqrt();
        let theta = 2.0 * std::f64::consts::PI * u2;
        self.spare = Some(r * theta.sin());
        r * theta.cos()
    }

    fn vector(&mut self, d: usize) -> Vec<f64> {
        (0..d).map(|_| self.next()).collect()
    }

    /// A uniformly random unit vector.
    fn direction(&mut self, d: usize) -> Vec<f64> {
        let mut w = self.vector(d);
        let norm = w.iter().map(|a| a * a).sum::<f64>().sqrt();
        if norm > 0.0 {
            w.iter_mut().for_each(|a| *a /= norm);
        } else {
            w[0] = 1.0;
        }
        w
    }
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// The ground truth g and the systematic error b of one `seed` and feature count.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntheticTruth {
    w1: Vec<f64>,
    w2: Vec<f64>,
    w3: Vec<f64>,
    v: Vec<f64>,
    g_mean: f64,
    g_sd: f64,
    b_mean: f64,
    b_sd: f64,
}

impl SyntheticTruth {
    /// The truth for `seed` with `features ≥ 1` inputs (see the module docs).
    pub fn new(seed: u64, features: usize) -> SyntheticTruth {
        let d = features.max(1);
        let mut g = Gauss::new(seed, 0);
        let (w1, w2, w3, v) = (g.direction(d), g.direction(d), g.direction(d), g.direction(d));
        let mut truth = SyntheticTruth { w1, w2, w3, v, g_mean: 0.0, g_sd: 1.0, b_mean: 0.0, b_sd: 1.0 };
        let coords = truth.coordinates_in_span();
        let (mut gs, mut bs) = (Vec::with_capacity(NORMALISATION_POINTS), Vec::with_capacity(NORMALISATION_POINTS));
        for _ in 0..NORMALISATION_POINTS {
            let z = g.vector(coords[0].len());
            let p = [dot(&coords[0], &z), dot(&coords[1], &z), dot(&coords[2], &z), dot(&coords[3], &z)];
            gs.push(g_raw(p));
            bs.push(b_raw(p));
        }
        (truth.g_mean, truth.g_sd) = mean_sd(&gs);
        (truth.b_mean, truth.b_sd) = mean_sd(&bs);
        truth
    }

    /// The four projections `(u1, u2, u3, t)` of `x`.
    fn projections(&self, x: &[f64]) -> [f64; 4] {
        [dot(&self.w1, x), dot(&self.w2, x), dot(&self.w3, x), dot(&self.v, x)]
    }

    /// Coordinates of `w1, w2, w3, v` in an orthonormal basis of their span (Gram–Schmidt).
    fn coordinates_in_span(&self) -> [Vec<f64>; 4] {
        let dirs = [&self.w1, &self.w2, &self.w3, &self.v];
        let mut basis: Vec<Vec<f64>> = Vec::new();
        for w in dirs {
            let mut r = w.clone();
            for q in &basis {
                let c = dot(q, &r);
                r.iter_mut().zip(q).for_each(|(a, b)| *a -= c * b);
            }
            let norm = dot(&r, &r).sqrt();
            if norm > 1e-9 {
                basis.push(r.into_iter().map(|a| a / norm).collect());
            }
        }
        dirs.map(|w| basis.iter().map(|q| dot(q, w)).collect())
    }

    /// The noise-free truth g(x) (`y_true`), mean ≈ 0 and sd ≈ 1 over x ~ N(0, I).
    pub fn g(&self, x: &[f64]) -> f64 {
        (g_raw(self.projections(x)) - self.g_mean) / self.g_sd
    }

    /// The source's systematic error b(x), mean ≈ 0 and sd ≈ 1 over x ~ N(0, I).
    pub fn b(&self, x: &[f64]) -> f64 {
        (b_raw(self.projections(x)) - self.b_mean) / self.b_sd
    }
}

/// The truth before normalisation, from the projections `[u1, u2, u3, t]`.
fn g_raw([u1, u2, u3, _]: [f64; 4]) -> f64 {
    (1.5 * u1).sin() + u2.tanh() * u3 + 0.3 * u1
}

/// The systematic error before normalisation, from the projections `[u1, u2, u3, t]`.
fn b_raw([_, _, _, t]: [f64; 4]) -> f64 {
    t + 0.3 * (t * t - 1.0)
}

/// Mean and population sd (sd 1 if the values are constant).
fn mean_sd(v: &[f64]) -> (f64, f64) {
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    let sd = (v.iter().map(|a| (a - mean) * (a - mean)).sum::<f64>() / n).sqrt();
    (mean, if sd > 0.0 { sd } else { 1.0 })
}

/// The table's label, e.g. `synthetic(part: source, rows: 100, features: 4, bias: 0.3, noise: 0.05, seed: 1)`.
pub fn label(spec: &SyntheticSpec) -> String {
    let part = match spec.part {
        SyntheticPart::Source => "source",
        SyntheticPart::Target => "target",
    };
    format!(
        "synthetic(part: {part}, rows: {}, features: {}, bias: {}, noise: {}, seed: {})",
        spec.rows, spec.features, spec.bias, spec.noise, spec.seed
    )
}

/// Generates the table of `spec` (see the module docs). Deterministic in `spec`.
pub fn generate(spec: &SyntheticSpec) -> Result<Table, DataError> {
    let label = label(spec);
    let bad = |kind: fn(String) -> ProblemKind| Err(DataError::new(kind(label.clone())).with_file(&label));
    if spec.rows == 0 {
        return bad(|table| ProblemKind::SyntheticWithoutRows { table });
    }
    if spec.features == 0 {
        return bad(|table| ProblemKind::SyntheticWithoutFeatures { table });
    }
    if !spec.bias.is_finite() {
        return bad(|table| ProblemKind::SyntheticBiasNotFinite { table });
    }
    if !(spec.noise.is_finite() && spec.noise >= 0.0) {
        return bad(|table| ProblemKind::SyntheticNoiseOutOfRange { table });
    }
    let d = spec.features;
    let truth = SyntheticTruth::new(spec.seed, d);
    let (stream, bias) = match spec.part {
        SyntheticPart::Source => (1, spec.bias),
        SyntheticPart::Target => (2, 0.0),
    };
    let mut gauss = Gauss::new(spec.seed, stream);

    let mut features: Vec<Vec<f64>> = vec![Vec::with_capacity(spec.rows); d];
    let mut y = Vec::with_capacity(spec.rows);
    let mut y_true = Vec::with_capacity(spec.rows);
    for _ in 0..spec.rows {
        let x = gauss.vector(d);
        let eps = gauss.next();
        let g = truth.g(&x);
        let b = if bias != 0.0 { truth.b(&x) } else { 0.0 };
        y.push(g + bias * b + spec.noise * eps);
        y_true.push(g);
        for (col, xi) in features.iter_mut().zip(x) {
            col.push(xi);
        }
    }

    let mut columns: Vec<(String, Column)> =
        features.into_iter().enumerate().map(|(j, c)| (format!("f_{}", j + 1), Column::Numeric(c))).collect();
    columns.push(("y".to_string(), Column::Numeric(y)));
    columns.push(("y_true".to_string(), Column::Numeric(y_true)));
    Ok(Table::new(label, columns, Some((1..=spec.rows).collect()))?.numbered_by_row())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn box_muller_normals_have_unit_moments() {
        let mut g = Gauss::new(3, 9);
        let v = g.vector(200_000);
        let (m, sd) = mean_sd(&v);
        assert!(m.abs() < 0.01, "mean {m}");
        assert!((sd - 1.0).abs() < 0.01, "sd {sd}");
        assert!(v.iter().all(|z| z.is_finite()));
    }

    #[test]
    fn directions_are_unit_vectors() {
        let t = SyntheticTruth::new(1, 5);
        for w in [&t.w1, &t.w2, &t.w3, &t.v] {
            assert!((dot(w, w) - 1.0).abs() < 1e-12);
        }
    }

    #[test]
    fn span_coordinates_reproduce_the_gram_matrix() {
        for d in [1, 2, 3, 7] {
            let t = SyntheticTruth::new(5, d);
            let c = t.coordinates_in_span();
            let dirs = [&t.w1, &t.w2, &t.w3, &t.v];
            assert!(c[0].len() == d.min(4));
            for i in 0..4 {
                for j in 0..4 {
                    assert!((dot(&c[i], &c[j]) - dot(dirs[i], dirs[j])).abs() < 1e-9, "d = {d}");
                }
            }
        }
    }

    #[test]
    fn one_feature_still_normalises() {
        let t = SyntheticTruth::new(2, 1);
        assert!(t.g_sd.is_finite() && t.g_sd > 0.0 && t.b_sd > 0.0);
        assert!(t.g(&[0.3]).is_finite());
    }

    #[test]
    fn bad_specs_are_errors() {
        let spec = SyntheticSpec { part: SyntheticPart::Source, rows: 0, features: 3, bias: 0.3, noise: 0.1, seed: 0 };
        assert!(generate(&spec).unwrap_err().message.contains("rows"));
        let spec = SyntheticSpec { rows: 5, features: 0, ..spec };
        assert!(generate(&spec).unwrap_err().message.contains("features"));
        let spec = SyntheticSpec { features: 2, noise: -1.0, ..spec };
        assert!(generate(&spec).unwrap_err().message.contains("noise"));
    }
}
