//! The pairwise network: one encoder (shared weights) applied to input a and input b, each
//! optionally with a 0/1 flag column appended; the two latents merged by `combine`; and one or
//! two heads (one per task) reading the merged vector plus their own inputs. Built from burn
//! tensor operations, so the same forward pass runs with autodiff for training
//! (`pair_member.rs`) and without for prediction.
//!
//! Rows arrive laid out as `[a (side) | b (side) | head inputs (cond)]` (see
//! `plan::pair_layout`). Parameters are stored as [`MemberWeights`] layers in this order: the
//! encoder's layers (hidden..., latent), then each head's layers (hidden..., output). The last
//! head is the target's; a multitask network's first head is the source's.

use burn_tensor::{Device, Tensor, TensorData};

use crate::ir::{Activation, Combine, ModelSpec};

use super::net::{MemberWeights, apply_activation, to_vec};

/// Added under the square root of `distance` so its gradient stays finite when a = b.
const DISTANCE_EPS: f32 = 1e-12;

/// Widths and choices of one pairwise network.
#[derive(Debug, Clone, PartialEq)]
pub struct PairShape {
    /// Columns of one encoder input (without the flag).
    pub side: usize,
    /// Columns of the heads' own inputs.
    pub cond: usize,
    pub flag: bool,
    pub enc_hidden: Vec<usize>,
    pub latent: usize,
    /// `None`: a linear latent layer.
    pub latent_activation: Option<Activation>,
    pub combine: Combine,
    pub head_hidden: Vec<usize>,
    /// Activation of every hidden layer (encoder and head).
    pub activation: Activation,
    /// 1 (one task) or 2 (multitask: source head, then target head).
    pub heads: usize,
}

impl PairShape {
    /// The shape of a checked model's pair spec over inputs `side` and `cond` columns wide
    /// (`None` for a plain model).
    pub fn of(model: &ModelSpec, side: usize, cond: usize, heads: usize) -> Option<PairShape> {
        let p = model.pair.as_ref()?;
        Some(PairShape {
            side,
            cond,
            flag: p.encoder.flag,
            enc_hidden: p.encoder.hidden.clone(),
            latent: p.encoder.latent,
            latent_activation: p.encoder.latent_activation,
            combine: p.combine,
            head_hidden: p.head.hidden.clone(),
            activation: model.activation,
            heads,
        })
    }

    /// Columns of one input row: a, b and the head inputs.
    pub fn inputs(&self) -> usize {
        2 * self.side + self.cond
    }

    /// Width of the encoder's input (one side plus the flag).
    pub fn enc_in(&self) -> usize {
        self.side + usize::from(self.flag)
    }

    /// Width of the merged latents.
    pub fn combined(&self) -> usize {
        match self.combine {
            Combine::AbsDiff | Combine::SqDiff | Combine::Product => self.latent,
            Combine::Concat => 2 * self.latent,
            Combine::Distance => 1,
        }
    }

    pub fn encoder_layers(&self) -> Vec<(usize, usize)> {
        let mut dims = vec![self.enc_in()];
        dims.extend(&self.enc_hidden);
        dims.push(self.latent);
        dims.windows(2).map(|w| (w[0], w[1])).collect()
    }

    pub fn head_layers(&self) -> Vec<(usize, usize)> {
        let mut dims = vec![self.combined() + self.cond];
        dims.extend(&self.head_hidden);
        dims.push(1);
        dims.windows(2).map(|w| (w[0], w[1])).collect()
    }

    /// Every layer in storage order: encoder, then each head.
    pub fn layers(&self) -> Vec<(usize, usize)> {
        let mut out = self.encoder_layers();
        for _ in 0..self.heads {
            out.extend(self.head_layers());
        }
        out
    }

    /// Multiply–accumulates of one row's forward pass (the encoder twice, one head).
    pub fn macs_per_row(&self) -> usize {
        let macs = |l: Vec<(usize, usize)>| l.iter().map(|(i, o)| i * o).sum::<usize>();
        2 * macs(self.encoder_layers()) + macs(self.head_layers())
    }

    /// Index of the target's head.
    pub fn target_head(&self) -> usize {
        self.heads - 1
    }

    /// "enc 2×(121)-256-128-32 tanh → abs_diff → head 32+2-32-1 (×2)" for the plan.
    pub fn describe(&self) -> String {
        let join = |l: &[(usize, usize)]| {
            let mut v: Vec<String> = l.first().map(|(i, _)| vec![i.to_string()]).unwrap_or_default();
            v.extend(l.iter().map(|(_, o)| o.to_string()));
            v.join("-")
        };
        let combine = crate::syntax::names::COMBINES.iter().find(|(_, c)| *c == self.combine).map_or("?", |(n, _)| *n);
        format!(
            "shared encoder 2×{}{} → {combine} → head{} {}{}",
            join(&self.encoder_layers()),
            if self.flag { " (incl. flag)" } else { "" },
            if self.cond > 0 { format!(" (+{} inputs)", self.cond) } else { String::new() },
            join(&self.head_layers()),
            if self.heads > 1 { format!(" ×{} (one per task)", self.heads) } else { String::new() }
        )
    }

    /// Fresh weights (PyTorch's `nn.Linear` default) from a seed.
    pub fn init(&self, seed: u64) -> MemberWeights {
        MemberWeights::init_layers(&self.layers(), seed)
    }

    /// Weights from the results store's bytes (`None` when they do not fit this shape).
    pub fn from_bytes(&self, bytes: &[u8]) -> Option<MemberWeights> {
        MemberWeights::from_bytes_layers(&self.layers(), bytes)
    }
}

/// One batch of input rows as the network reads them: the encoder's input for both sides
/// stacked (`[2B, enc_in]`: the a rows, then the b rows) and the heads' inputs (`[B, cond]`).
/// With `D = 3` the same for E members at once (`[E, 2B, enc_in]`, `[E, B, cond]`: the
/// lock-step trainer, `lockstep/pair.rs`).
pub struct PairBatch<const D: usize = 2> {
    pub enc: Tensor<D>,
    pub cond: Option<Tensor<D>>,
    pub rows: usize,
}

impl PairBatch {
    /// Rows `idx` of row-major `x` (`shape.inputs()` wide), on `device`.
    pub fn gather(shape: &PairShape, x: &[f32], idx: &[usize], device: &Device) -> PairBatch {
        let (s, c, f, ein) = (shape.side, shape.cond, shape.inputs(), shape.enc_in());
        let b = idx.len();
        let mut enc = Vec::with_capacity(2 * b * ein);
        for (offset, flag) in [(0, 0.0f32), (s, 1.0)] {
            for &r in idx {
                enc.extend_from_slice(&x[r * f + offset..r * f + offset + s]);
                if shape.flag {
                    enc.push(flag);
                }
            }
        }
        let cond = (c > 0).then(|| {
            let v: Vec<f32> = idx.iter().flat_map(|&r| x[r * f + 2 * s..r * f + f].iter().copied()).collect();
            Tensor::<2>::from_data(TensorData::new(v, [b, c]), device)
        });
        PairBatch { enc: Tensor::<2>::from_data(TensorData::new(enc, [2 * b, ein]), device), cond, rows: b }
    }

    /// Every row of `x` in order.
    pub fn all(shape: &PairShape, x: &[f32], device: &Device) -> PairBatch {
        let rows = x.len() / shape.inputs().max(1);
        Self::gather(shape, x, &(0..rows).collect::<Vec<_>>(), device)
    }
}

/// Parameters as tensors: per layer (weights `[in, out]`, bias `[1, out]`).
pub type Params = Vec<(Tensor<2>, Tensor<2>)>;

/// Upload host weights; with `track`, layers at index ≥ `frozen` become autodiff leaves that
/// keep their gradients and the others autodiff constants.
pub fn params(shape: &PairShape, w: &MemberWeights, device: &Device, track: Option<usize>) -> Params {
    shape
        .layers()
        .iter()
        .zip(&w.layers)
        .enumerate()
        .map(|(l, ((i, o), (wv, bv)))| {
            let wt = Tensor::<2>::from_data(TensorData::new(wv.clone(), [*i, *o]), device);
            let bt = Tensor::<2>::from_data(TensorData::new(bv.clone(), [1, *o]), device);
            match track {
                Some(frozen) => tracked(wt, bt, l >= frozen),
                None => (wt, bt),
            }
        })
        .collect()
}

/// A layer's weight and bias as autodiff tensors: leaves that keep their gradients when `train`,
/// else constants.
pub fn tracked<const D: usize>(w: Tensor<D>, b: Tensor<D>, train: bool) -> (Tensor<D>, Tensor<D>) {
    if train { (w.autodiff().require_grad(), b.autodiff().require_grad()) } else { (w.autodiff(), b.autodiff()) }
}

/// The encoder's latents for both sides: (`[B, latent]` of a, of b; `[E, B, latent]` with
/// `D = 3`). `p` holds per layer (weights `[in, out]`, bias `[1, out]`), or `[E, in, out]` and
/// `[E, 1, out]`: the operations are the same, on the last two dimensions.
pub fn encode<const D: usize>(
    shape: &PairShape,
    p: &[(Tensor<D>, Tensor<D>)],
    batch: &PairBatch<D>,
) -> (Tensor<D>, Tensor<D>) {
    let enc = shape.encoder_layers().len();
    let mut h = batch.enc.clone();
    for (l, (w, b)) in p[..enc].iter().enumerate() {
        h = h.matmul(w.clone()) + b.clone();
        h = if l + 1 < enc {
            apply_activation(h, shape.activation)
        } else {
            match shape.latent_activation {
                Some(a) => apply_activation(h, a),
                None => h,
            }
        };
    }
    let b = batch.rows;
    (h.clone().narrow(D - 2, 0, b), h.narrow(D - 2, b, b))
}

/// Predictions `[B, 1]` (`[E, B, 1]` with `D = 3`) of head `head` for a batch.
pub fn forward<const D: usize>(
    shape: &PairShape,
    p: &[(Tensor<D>, Tensor<D>)],
    batch: &PairBatch<D>,
    head: usize,
) -> Tensor<D> {
    let (za, zb) = encode(shape, p, batch);
    let enc = shape.encoder_layers().len();
    let per_head = shape.head_layers().len();
    let hp = &p[enc + head * per_head..enc + (head + 1) * per_head];
    let k = shape.combined();
    // Rows of a weight (its input dimension), and columns of an activation.
    let (rows, cols) = (D - 2, D - 1);
    // The first head layer reads [combined | cond]: its weight rows are split rather than the
    // inputs concatenated, so constant inputs never enter a concatenation with tracked ones.
    let (w0, b0) = &hp[0];
    let mut h = match shape.combine {
        Combine::AbsDiff => (za - zb).abs().matmul(w0.clone().narrow(rows, 0, k)),
        Combine::SqDiff => (za - zb).square().matmul(w0.clone().narrow(rows, 0, k)),
        Combine::Product => (za * zb).matmul(w0.clone().narrow(rows, 0, k)),
        Combine::Concat => {
            let l = shape.latent;
            za.matmul(w0.clone().narrow(rows, 0, l)) + zb.matmul(w0.clone().narrow(rows, l, l))
        }
        Combine::Distance => {
            (za - zb).square().sum_dim(cols).add_scalar(DISTANCE_EPS).sqrt().matmul(w0.clone().narrow(rows, 0, 1))
        }
    };
    if let Some(cond) = &batch.cond {
        h = h + cond.clone().matmul(w0.clone().narrow(rows, k, shape.cond));
    }
    h = h + b0.clone();
    for (w, b) in &hp[1..] {
        h = apply_activation(h, shape.activation);
        h = h.matmul(w.clone()) + b.clone();
    }
    h
}

/// Predictions of head `head` for every row of `x` (no autodiff).
pub fn predict(shape: &PairShape, w: &MemberWeights, x: &[f32], head: usize, device: &Device) -> Vec<f32> {
    if x.is_empty() {
        return Vec::new();
    }
    let p = params(shape, w, device, None);
    to_vec(&forward(shape, &p, &PairBatch::all(shape, x, device), head))
}
