//! The synthetic workload of the PyTorch reference peer (`shared/peers/torch_reference.py`):
//! `x ~ N(0, I_dim)`, `y = tanh(x·w) + shift·sin(x0) + 0.05·ε` with `w ~ N(0, I)/sqrt(dim)`,
//! source rows with `shift = 0.3`, target rows with `shift = 0`. Drawn from a seeded ChaCha8
//! stream (Box–Muller normals), so the numbers are the reference's in distribution, not in value.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::engine::batch::MemberRows;

/// Row-major rows with one label each.
#[derive(Debug, Clone, PartialEq)]
pub struct Rows {
    pub dim: usize,
    pub x: Vec<f32>,
    pub y: Vec<f32>,
}

impl Rows {
    pub fn len(&self) -> usize {
        self.y.len()
    }

    pub fn is_empty(&self) -> bool {
        self.y.is_empty()
    }

    /// The rows at `idx`, in that order.
    pub fn pick(&self, idx: &[usize]) -> MemberRows {
        let mut x = Vec::with_capacity(idx.len() * self.dim);
        for &r in idx {
            x.extend_from_slice(&self.x[r * self.dim..(r + 1) * self.dim]);
        }
        MemberRows { x, y: idx.iter().map(|&r| self.y[r]).collect() }
    }
}

/// Standard normals by Box–Muller.
struct Normals {
    rng: ChaCha8Rng,
    spare: Option<f64>,
}

impl Normals {
    fn next(&mut self) -> f64 {
        if let Some(v) = self.spare.take() {
            return v;
        }
        let u1: f64 = 1.0 - self.rng.random::<f64>(); // (0, 1]
        let u2: f64 = self.rng.random::<f64>();
        let r = (-2.0 * u1.ln()).sqrt();
        let (s, c) = (std::f64::consts::TAU * u2).sin_cos();
        self.spare = Some(r * s);
        r * c
    }
}

/// Source ("simulation", `n` rows) and target ("experiment", `m` rows) of width `dim`.
pub fn generate(n: usize, m: usize, dim: usize, seed: u64) -> (Rows, Rows) {
    let mut g = Normals { rng: ChaCha8Rng::seed_from_u64(seed), spare: None };
    let scale = 1.0 / (dim as f64).sqrt();
    let w: Vec<f64> = (0..dim).map(|_| g.next() * scale).collect();
    let mut make = |rows: usize, shift: f64| {
        let mut x = Vec::with_capacity(rows * dim);
        let mut y = Vec::with_capacity(rows);
        for _ in 0..rows {
            let row: Vec<f32> = (0..dim).map(|_| g.next() as f32).collect();
            let dot: f64 = row.iter().zip(&w).map(|(&a, &b)| a as f64 * b).sum();
            let x0 = row.first().copied().unwrap_or(0.0) as f64;
            y.push((dot.tanh() + shift * x0.sin() + 0.05 * g.next()) as f32);
            x.extend(row);
        }
        Rows { dim, x, y }
    };
    let source = make(n, 0.3);
    let target = make(m, 0.0);
    (source, target)
}

/// Fisher–Yates permutation of `0..n`.
pub fn permutation(n: usize, rng: &mut ChaCha8Rng) -> Vec<usize> {
    let mut p: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let j = rng.random_range(0..=i);
        p.swap(i, j);
    }
    p
}

/// The reference's validation split of `rows`: a random fifth (at least one row) for early
/// stopping, the rest for training. Returns `(train, val)` row numbers.
pub fn validation_split(rows: &[usize], rng: &mut ChaCha8Rng) -> (Vec<usize>, Vec<usize>) {
    let perm = permutation(rows.len(), rng);
    let nval = (rows.len() / 5).max(1);
    let val = perm[..nval].iter().map(|&i| rows[i]).collect();
    let train = perm[nval..].iter().map(|&i| rows[i]).collect();
    (train, val)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workload_is_deterministic_and_shaped() {
        let (s, t) = generate(50, 20, 7, 0);
        assert_eq!((s.len(), t.len(), s.x.len(), t.x.len()), (50, 20, 350, 140));
        assert_eq!(generate(50, 20, 7, 0), (s.clone(), t));
        assert_ne!(generate(50, 20, 7, 1).0, s);
        let mean = s.x.iter().map(|&v| v as f64).sum::<f64>() / s.x.len() as f64;
        assert!(mean.abs() < 0.2, "mean {mean}");
    }

    #[test]
    fn validation_split_partitions_rows() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let rows: Vec<usize> = (10..30).collect();
        let (train, val) = validation_split(&rows, &mut rng);
        assert_eq!((train.len(), val.len()), (16, 4));
        let mut all: Vec<usize> = train.iter().chain(&val).copied().collect();
        all.sort();
        assert_eq!(all, rows);
    }
}
