//! Shards: a deterministic split of a plan's jobs into N shares for `sim2real run --shard I/N`
//! (and the Slurm array of `sim2real submit`, one task per shard).
//!
//! The unit of the split is a *unit of work*: the jobs that must run in one process because one
//! uses another's output. A pretraining and every fine-tune that starts from its weights form one
//! unit (all groups `pretrain n=X` and `finetune n=X m=*`); each `direct m=M` group and each
//! `multitask n=X m=M` group is a unit of its own. Units never split, so an ensemble and the
//! pretraining it depends on stay together and no shard reads another's weights.
//!
//! Units go to shards by longest-processing-time first on the plan's FLOP bounds: the units sorted
//! by FLOPs (largest first, ties in plan order), each to the shard with the least work so far
//! (ties to the lowest index). The partition therefore depends only on the plan and N: every
//! process of a split computes the same one without talking to the others.

use std::fmt;
use std::str::FromStr;

use crate::ir::{Job, JobKind, Plan};

/// `--shard I/N`: shard `index` (0-based, as Slurm's `SLURM_ARRAY_TASK_ID`) of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> Result<Shard, String> {
        let bad = || format!("`{s}` is not a shard: expected I/N with 0 ≤ I < N, e.g. 0/4 (shards count from 0)");
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let index: usize = i.trim().parse().map_err(|_| bad())?;
        let count: usize = n.trim().parse().map_err(|_| bad())?;
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// The unit of work a job belongs to (see the module docs).
pub fn unit_of(kind: &JobKind) -> String {
    match *kind {
        JobKind::Pretrain { n, .. } | JobKind::Finetune { n, .. } => format!("transfer n={n}"),
        JobKind::Direct { m, .. } => format!("direct m={m}"),
        JobKind::Multitask { n, m, .. } => format!("multitask n={n} m={m}"),
    }
}

/// The units of work of a plan in plan order (first appearance): name, job indices, FLOP bound.
pub fn units(plan: &Plan) -> Vec<(String, Vec<usize>, f64)> {
    let mut out: Vec<(String, Vec<usize>, f64)> = Vec::new();
    for (i, job) in plan.jobs.iter().enumerate() {
        let name = unit_of(&job.kind);
        match out.iter_mut().find(|(u, _, _)| *u == name) {
            Some((_, jobs, flops)) => {
                jobs.push(i);
                *flops += job.flops_max;
            }
            None => out.push((name, vec![i], job.flops_max)),
        }
    }
    out
}

/// The shard (0-based) of every job of the plan, by job index, for a split into `count` shards.
pub fn assign(plan: &Plan, count: usize) -> Vec<usize> {
    let units = units(plan);
    let mut order: Vec<usize> = (0..units.len()).collect();
    // Largest first; equal FLOPs keep plan order (sort_by is stable).
    order.sort_by(|&a, &b| units[b].2.total_cmp(&units[a].2));
    let count = count.max(1);
    let mut load = vec![0.0f64; count];
    let mut shard_of = vec![0; plan.jobs.len()];
    for u in order {
        let (s, _) =
            load.iter().enumerate().min_by(|(i, a), (j, b)| a.total_cmp(b).then(i.cmp(j))).unwrap_or((0, &0.0));
        load[s] += units[u].2;
        for &j in &units[u].1 {
            shard_of[j] = s;
        }
    }
    shard_of
}

/// The jobs of `shard`, in plan order.
pub fn jobs_of(plan: &Plan, shard: Shard) -> Vec<&Job> {
    let of = assign(plan, shard.count);
    plan.jobs.iter().zip(of).filter(|(_, s)| *s == shard.index).map(|(j, _)| j).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_parse_from_zero_and_refuse_out_of_range() {
        assert_eq!("2/4".parse::<Shard>(), Ok(Shard { index: 2, count: 4 }));
        assert_eq!(Shard { index: 0, count: 1 }.to_string(), "0/1");
        for bad in ["4/4", "1/0", "x/2", "3", "-1/2", ""] {
            let e = bad.parse::<Shard>().unwrap_err();
            assert!(e.contains("expected I/N"), "{bad}: {e}");
        }
    }

    #[test]
    fn units_keep_a_pretraining_with_its_finetunes() {
        assert_eq!(unit_of(&JobKind::Pretrain { n: 100, replicate: 3 }), "transfer n=100");
        assert_eq!(unit_of(&JobKind::Finetune { n: 100, m: 5, trial: 3, replicate: 3 }), "transfer n=100");
        assert_ne!(unit_of(&JobKind::Direct { m: 5, trial: 0 }), unit_of(&JobKind::Direct { m: 6, trial: 0 }));
    }
}
