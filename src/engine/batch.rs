//! Member data resident on the device. Every member of one ensemble has the same number of
//! training, validation and test rows (the executor groups members by size), so one epoch is the
//! same number of steps for all and a step is one gather + one batched matmul chain.

use burn::tensor::{Device, Int, Tensor, TensorData};

/// Host data of one member, already transformed: row-major features and labels.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberRows {
    pub x: Vec<f32>,
    pub y: Vec<f32>,
}

impl MemberRows {
    pub fn rows(&self) -> usize {
        self.y.len()
    }
}

/// Training and validation data of E members on the device.
#[derive(Debug, Clone)]
pub struct MemberData {
    pub members: usize,
    pub features: usize,
    pub train_rows: usize,
    pub val_rows: usize,
    /// `[E * train_rows, features]`: member e's rows are `e*train_rows..(e+1)*train_rows`.
    pub x_train: Tensor<2>,
    /// `[E * train_rows, 1]`.
    pub y_train: Tensor<2>,
    /// `[E, val_rows, features]`.
    pub x_val: Tensor<3>,
    /// `[E, val_rows, 1]`.
    pub y_val: Tensor<3>,
}

impl MemberData {
    /// Upload. All members must have equal train and equal validation row counts (≥ 1).
    pub fn new(train: &[MemberRows], val: &[MemberRows], features: usize, device: &Device) -> Result<MemberData, String> {
        let e = train.len();
        if e == 0 || val.len() != e {
            return Err("an ensemble needs at least one member with training and validation rows".into());
        }
        let n = train[0].rows();
        let v = val[0].rows();
        if n == 0 || v == 0 {
            return Err(format!("too few rows to train: {n} training and {v} validation rows"));
        }
        if train.iter().any(|t| t.rows() != n || t.x.len() != n * features)
            || val.iter().any(|t| t.rows() != v || t.x.len() != v * features)
        {
            return Err("ensemble members must have equal row counts".into());
        }
        let cat = |parts: &[MemberRows], f: fn(&MemberRows) -> &Vec<f32>| -> Vec<f32> {
            parts.iter().flat_map(|p| f(p).iter().copied()).collect()
        };
        Ok(MemberData {
            members: e,
            features,
            train_rows: n,
            val_rows: v,
            x_train: Tensor::<2>::from_data(TensorData::new(cat(train, |p| &p.x), [e * n, features]), device),
            y_train: Tensor::<2>::from_data(TensorData::new(cat(train, |p| &p.y), [e * n, 1]), device),
            x_val: Tensor::<3>::from_data(TensorData::new(cat(val, |p| &p.x), [e, v, features]), device),
            y_val: Tensor::<3>::from_data(TensorData::new(cat(val, |p| &p.y), [e, v, 1]), device),
        })
    }

    /// The rows of one step: `index` holds, member by member, `b` row numbers local to that
    /// member; returns `x [E, b, features]` and `y [E, b, 1]`.
    pub fn gather(&self, index: Tensor<1, Int>, b: usize) -> (Tensor<3>, Tensor<3>) {
        let x = self.x_train.clone().select(0, index.clone()).reshape([self.members, b, self.features]);
        let y = self.y_train.clone().select(0, index).reshape([self.members, b, 1]);
        (x, y)
    }
}

/// Upload `[E, rows, features]` inputs (e.g. test rows) for prediction.
pub fn upload_inputs(x: &[Vec<f32>], rows: usize, features: usize, device: &Device) -> Tensor<3> {
    let flat: Vec<f32> = x.iter().flat_map(|v| v.iter().copied()).collect();
    Tensor::<3>::from_data(TensorData::new(flat, [x.len(), rows, features]), device)
}

/// Upload an index vector.
pub fn upload_index(idx: Vec<i64>, device: &Device) -> Tensor<1, Int> {
    let n = idx.len();
    Tensor::<1, Int>::from_data(TensorData::new(idx, [n]), device)
}
