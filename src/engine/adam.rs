//! Adam (Kingma & Ba) over ensemble tensors, with a per-member mask: members that have stopped
//! (early stopping or divergence) keep their weights exactly. Matches `torch.optim.Adam`
//! (L2-style weight decay added to the gradient, bias-corrected moments, eps outside the sqrt).

use burn::tensor::{Bool, Tensor};

#[derive(Debug, Clone, Copy)]
pub struct AdamConfig {
    pub lr: f64,
    pub beta1: f64,
    pub beta2: f64,
    pub eps: f64,
    pub weight_decay: f64,
}

impl AdamConfig {
    pub fn new(lr: f64, weight_decay: f64) -> Self {
        AdamConfig { lr, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay }
    }
}

/// First and second moments for one parameter tensor.
#[derive(Debug, Clone)]
pub struct Moments {
    m: Tensor<3>,
    v: Tensor<3>,
}

impl Moments {
    pub fn zeros_like(p: &Tensor<3>) -> Self {
        Moments { m: p.zeros_like(), v: p.zeros_like() }
    }
}

/// One Adam step at step count `t` (1-based). `active` is `[E, 1, 1]`: only true members move.
pub fn step(
    cfg: &AdamConfig,
    t: usize,
    param: Tensor<3>,
    grad: Tensor<3>,
    state: &mut Moments,
    active: &Tensor<3, Bool>,
) -> Tensor<3> {
    let grad = if cfg.weight_decay > 0.0 { grad + param.clone().mul_scalar(cfg.weight_decay) } else { grad };
    let m = state.m.clone().mul_scalar(cfg.beta1) + grad.clone().mul_scalar(1.0 - cfg.beta1);
    let v = state.v.clone().mul_scalar(cfg.beta2) + grad.square().mul_scalar(1.0 - cfg.beta2);
    let bc1 = 1.0 - cfg.beta1.powi(t as i32);
    let bc2 = 1.0 - cfg.beta2.powi(t as i32);
    let denom = v.clone().div_scalar(bc2).sqrt().add_scalar(cfg.eps);
    let update = m.clone().div(denom).mul_scalar(cfg.lr / bc1);
    let dims = param.dims();
    let mask = active.clone().expand(dims);
    state.m = state.m.clone().mask_where(mask.clone(), m);
    state.v = state.v.clone().mask_where(mask.clone(), v);
    param.clone().mask_where(mask, param - update)
}
