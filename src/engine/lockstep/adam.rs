//! Adam on the device, for all members at once, with a per-member mask: a member that stopped
//! (early stopping, divergence) keeps its parameters. The same operations in the same order as
//! the host's fused step (`engine::adam`), so with equal gradients the two agree bit for bit.

use burn_tensor::Tensor;

use crate::engine::adam::StepConsts;

/// The first and second moments of one stacked parameter (zeros before the first step).
pub struct DeviceMoments {
    m: Tensor<3>,
    v: Tensor<3>,
}

impl DeviceMoments {
    pub fn zeros_like(p: &Tensor<3>) -> DeviceMoments {
        DeviceMoments { m: p.zeros_like(), v: p.zeros_like() }
    }
}

/// One Adam step of `param` (`[E, ..]`) with gradient `grad`; `active` is `[E, 1, 1]`, 1.0 for
/// members that still train and 0.0 for those that stopped: their update is multiplied by 0, so
/// their parameters stay as they are (one that diverged may turn non-finite instead, which
/// nothing reads: what it returns is its best snapshot). Their moments move on; nothing reads
/// them again.
pub fn step(k: &StepConsts, param: Tensor<3>, grad: Tensor<3>, s: &mut DeviceMoments, active: &Tensor<3>) -> Tensor<3> {
    let (b1, one_minus_b1, b2, one_minus_b2, inv_bc2, step_size, eps, wd) = k.parts();
    let g = if wd != 0.0 { grad + param.clone().mul_scalar(wd) } else { grad };
    let m = s.m.clone().mul_scalar(b1) + g.clone().mul_scalar(one_minus_b1);
    let v = s.v.clone().mul_scalar(b2) + (g.clone() * g).mul_scalar(one_minus_b2);
    s.m = m.clone();
    s.v = v.clone();
    let denom = v.mul_scalar(inv_bc2).sqrt().add_scalar(eps);
    let update = m.mul_scalar(step_size) / denom;
    param - update * active.clone()
}
