//! Member data. Every member of one ensemble has the same number of training and validation
//! rows (the executor groups members by size). The CPU engine trains each member on its own
//! host rows.

use burn_tensor::Device;

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

/// Why members' rows cannot be trained as one ensemble.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnsembleDataError {
    #[error("an ensemble needs at least one member with training and validation rows")]
    NoMembers,
    #[error("too few rows to train: {train} training and {val} validation rows")]
    TooFewRows { train: usize, val: usize },
    #[error("ensemble members must have equal row counts")]
    UnequalRows,
}

/// Training and validation data of E members.
#[derive(Debug, Clone)]
pub struct MemberData {
    pub members: usize,
    pub features: usize,
    pub train_rows: usize,
    pub val_rows: usize,
    /// Member by member: `train_rows` training rows.
    pub train: Vec<MemberRows>,
    /// Member by member: `val_rows` validation rows.
    pub val: Vec<MemberRows>,
}

impl MemberData {
    /// Check and keep the rows. All members must have equal train and equal validation row
    /// counts (≥ 1). `device` is where training runs (kept for the API; the CPU engine reads
    /// the rows from the host).
    pub fn new(
        train: &[MemberRows],
        val: &[MemberRows],
        features: usize,
        device: &Device,
    ) -> Result<MemberData, EnsembleDataError> {
        let _ = device;
        let e = train.len();
        if e == 0 || val.len() != e {
            return Err(EnsembleDataError::NoMembers);
        }
        let n = train[0].rows();
        let v = val[0].rows();
        if n == 0 || v == 0 {
            return Err(EnsembleDataError::TooFewRows { train: n, val: v });
        }
        if train.iter().any(|t| t.rows() != n || t.x.len() != n * features)
            || val.iter().any(|t| t.rows() != v || t.x.len() != v * features)
        {
            return Err(EnsembleDataError::UnequalRows);
        }
        Ok(MemberData { members: e, features, train_rows: n, val_rows: v, train: train.to_vec(), val: val.to_vec() })
    }
}

#[cfg(test)]
mod tests {
    use super::EnsembleDataError;

    #[test]
    fn ensemble_data_errors_render() {
        assert_eq!(
            EnsembleDataError::NoMembers.to_string(),
            "an ensemble needs at least one member with training and validation rows"
        );
        assert_eq!(
            EnsembleDataError::TooFewRows { train: 0, val: 3 }.to_string(),
            "too few rows to train: 0 training and 3 validation rows"
        );
        assert_eq!(EnsembleDataError::UnequalRows.to_string(), "ensemble members must have equal row counts");
    }
}
