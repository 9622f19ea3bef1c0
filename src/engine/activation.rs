//! Hidden-layer activations on host slices, fused with the bias add: `h = act(z + b)` in place,
//! and, while training, the derivative `act'(z + b)` for the backward pass.

use crate::ir::Activation;

/// `z[r, c] += bias[c]`, then `z = act(z)` in place; when `deriv` is given it receives
/// `act'` at the pre-activation value. `z` is row-major with `bias.len()` columns.
pub fn bias_act(act: Activation, z: &mut [f32], bias: &[f32], deriv: Option<&mut [f32]>) {
    let cols = bias.len().max(1);
    match deriv {
        None => {
            for row in z.chunks_exact_mut(cols) {
                for (v, &b) in row.iter_mut().zip(bias) {
                    *v = value(act, *v + b);
                }
            }
        }
        Some(d) => {
            for (row, drow) in z.chunks_exact_mut(cols).zip(d.chunks_exact_mut(cols)) {
                for ((v, dv), &b) in row.iter_mut().zip(drow.iter_mut()).zip(bias) {
                    let (h, g) = value_and_slope(act, *v + b);
                    *v = h;
                    *dv = g;
                }
            }
        }
    }
}

/// `z[r, c] += bias[c]` (the output layer: no activation).
pub fn bias_only(z: &mut [f32], bias: &[f32]) {
    let cols = bias.len().max(1);
    for row in z.chunks_exact_mut(cols) {
        for (v, &b) in row.iter_mut().zip(bias) {
            *v += b;
        }
    }
}

#[inline(always)]
fn value(act: Activation, x: f32) -> f32 {
    match act {
        Activation::Relu => x.max(0.0),
        Activation::Tanh => x.tanh(),
        Activation::Sigmoid => sigmoid(x),
        Activation::Gelu => {
            let x = x as f64;
            (0.5 * x * (1.0 + erf(x * std::f64::consts::FRAC_1_SQRT_2))) as f32
        }
    }
}

#[inline(always)]
fn value_and_slope(act: Activation, x: f32) -> (f32, f32) {
    match act {
        Activation::Relu => {
            if x > 0.0 {
                (x, 1.0)
            } else {
                (0.0, 0.0)
            }
        }
        Activation::Tanh => {
            let h = x.tanh();
            (h, 1.0 - h * h)
        }
        Activation::Sigmoid => {
            let h = sigmoid(x);
            (h, h * (1.0 - h))
        }
        Activation::Gelu => {
            let x = x as f64;
            let cdf = 0.5 * (1.0 + erf(x * std::f64::consts::FRAC_1_SQRT_2));
            let pdf = (-0.5 * x * x).exp() / (2.0 * std::f64::consts::PI).sqrt();
            ((x * cdf) as f32, (cdf + x * pdf) as f32)
        }
    }
}

#[inline(always)]
fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

/// The error function (lives in `stats`, beside the normal distribution it serves there).
pub use crate::stats::erf;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erf_matches_known_values() {
        for (x, want) in [
            (0.0, 0.0),
            (0.5, 0.520_499_877_8),
            (1.0, 0.842_700_792_9),
            (-2.0, -0.995_322_265_0),
            (3.0, 0.999_977_909_5),
        ] {
            assert!((erf(x) - want).abs() < 2e-7, "erf({x}) = {} vs {want}", erf(x));
        }
    }

    #[test]
    fn slopes_match_finite_differences() {
        for act in [Activation::Relu, Activation::Tanh, Activation::Sigmoid, Activation::Gelu] {
            for x in [-1.7f32, -0.3, 0.4, 2.1] {
                let (h, g) = value_and_slope(act, x);
                assert_eq!(h, value(act, x));
                let e = 1e-3f32;
                let fd = (value(act, x + e) - value(act, x - e)) / (2.0 * e);
                assert!((fd - g).abs() < 2e-3, "{act:?} at {x}: slope {g} vs {fd}");
            }
        }
    }

    #[test]
    fn bias_is_added_per_column_before_the_activation() {
        let mut z = vec![-1.0f32, 1.0, -1.0, 1.0];
        let mut d = vec![9.0f32; 4];
        bias_act(Activation::Relu, &mut z, &[0.5, -2.0], Some(&mut d));
        assert_eq!(z, vec![0.0, 0.0, 0.0, 0.0]);
        assert_eq!(d, vec![0.0, 0.0, 0.0, 0.0]);
        let mut z = vec![1.0f32, 1.0];
        bias_act(Activation::Relu, &mut z, &[0.5, 2.0], None);
        assert_eq!(z, vec![1.5, 3.0]);
    }
}
