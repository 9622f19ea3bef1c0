//! Exact non-negative least squares for a handful of columns.
//!
//! For fixed exponents both laws are linear in their non-negative coefficients
//! (power law: `D·u + C·1`; surface: `A·u·v + B·v + ε·1`). With k ≤ 3 columns the exact
//! NNLS solution is found by enumerating the 2^k supports: the optimum is the unconstrained
//! least-squares solution on its own support, so the best *feasible* (all ≥ 0) support solution
//! is the global optimum (the problem is convex). The empty support (all zero) is always feasible.

/// Result of [`nnls`]: non-negative coefficients (one per column) and the residual sum of squares.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Nnls {
    pub coef: Vec<f64>,
    pub sse: f64,
}

/// Relative size below which a column is treated as linearly dependent on the earlier ones.
const RANK_TOL: f64 = 1e-10;

/// Minimise `Σ (y − Σ_j coef_j·columns_j)²` subject to `coef ≥ 0`.
///
/// Every column must have `y.len()` entries. Columns should be scaled to O(1) for conditioning.
pub(crate) fn nnls(columns: &[&[f64]], y: &[f64]) -> Nnls {
    let k = columns.len();
    let mut best = Nnls { coef: vec![0.0; k], sse: y.iter().map(|v| v * v).sum() };
    for mask in 1u32..(1u32 << k) {
        let support: Vec<usize> = (0..k).filter(|j| mask & (1 << j) != 0).collect();
        let cols: Vec<&[f64]> = support.iter().map(|&j| columns[j]).collect();
        let Some(sub) = least_squares(&cols, y) else {
            continue;
        };
        if sub.iter().any(|c| *c < 0.0 || !c.is_finite()) {
            continue;
        }
        let mut coef = vec![0.0; k];
        for (&j, c) in support.iter().zip(&sub) {
            coef[j] = *c;
        }
        let sse = residual_ss(columns, &coef, y);
        if sse < best.sse {
            best = Nnls { coef, sse };
        }
    }
    best
}

/// `Σ (y − X·coef)²`, computed directly (more accurate than from the normal equations).
pub(crate) fn residual_ss(columns: &[&[f64]], coef: &[f64], y: &[f64]) -> f64 {
    y.iter()
        .enumerate()
        .map(|(i, yi)| {
            let fit: f64 = columns.iter().zip(coef).map(|(col, c)| c * col[i]).sum();
            (yi - fit) * (yi - fit)
        })
        .sum()
}

/// Unconstrained least squares by modified Gram–Schmidt QR; `None` if the columns are
/// (numerically) linearly dependent.
fn least_squares(columns: &[&[f64]], y: &[f64]) -> Option<Vec<f64>> {
    let k = columns.len();
    let mut q: Vec<Vec<f64>> = columns.iter().map(|c| c.to_vec()).collect();
    let mut r = vec![vec![0.0; k]; k];
    for j in 0..k {
        let original = norm(&q[j]);
        for i in 0..j {
            let proj = dot(&q[i], &q[j]);
            r[i][j] = proj;
            let (qi, qj) = (q[i].clone(), &mut q[j]);
            qj.iter_mut().zip(&qi).for_each(|(a, b)| *a -= proj * b);
        }
        let len = norm(&q[j]);
        // Also rejects NaN lengths (the comparison is false).
        let independent = len > RANK_TOL * original && len > 0.0;
        if !independent {
            return None;
        }
        r[j][j] = len;
        q[j].iter_mut().for_each(|a| *a /= len);
    }
    // Solve R·coef = Qᵀ·y by back substitution.
    let qty: Vec<f64> = q.iter().map(|qj| dot(qj, y)).collect();
    let mut coef = vec![0.0; k];
    for j in (0..k).rev() {
        let tail: f64 = ((j + 1)..k).map(|l| r[j][l] * coef[l]).sum();
        coef[j] = (qty[j] - tail) / r[j][j];
    }
    Some(coef)
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn norm(a: &[f64]) -> f64 {
    dot(a, a).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_interior_solution() {
        let x = [1.0, 0.5, 0.25, 0.125];
        let one = [1.0; 4];
        let y: Vec<f64> = x.iter().map(|v| 2.0 * v + 0.3).collect();
        let s = nnls(&[&x, &one], &y);
        assert!((s.coef[0] - 2.0).abs() < 1e-12 && (s.coef[1] - 0.3).abs() < 1e-12);
        assert!(s.sse < 1e-24);
    }

    #[test]
    fn negative_intercept_is_clamped_to_the_boundary() {
        // y = 2x − 0.3: the best non-negative fit drops the intercept.
        let x = [1.0, 0.5, 0.25, 0.125];
        let one = [1.0; 4];
        let y: Vec<f64> = x.iter().map(|v| 2.0 * v - 0.3).collect();
        let s = nnls(&[&x, &one], &y);
        assert_eq!(s.coef[1], 0.0);
        // Then coef[0] is the through-origin fit Σxy/Σxx.
        let expect = dot(&x, &y) / dot(&x, &x);
        assert!((s.coef[0] - expect).abs() < 1e-12);
    }

    #[test]
    fn increasing_data_gets_zero_slope() {
        let x = [1.0, 0.5, 0.25];
        let one = [1.0; 3];
        let y = [0.1, 0.2, 0.3];
        let s = nnls(&[&x, &one], &y);
        assert_eq!(s.coef[0], 0.0);
        assert!((s.coef[1] - 0.2).abs() < 1e-12);
    }

    #[test]
    fn dependent_columns_do_not_break_it() {
        let one = [1.0; 3];
        let y = [1.0, 2.0, 3.0];
        let s = nnls(&[&one, &one], &y);
        assert!((s.coef[0] + s.coef[1] - 2.0).abs() < 1e-12);
    }
}
