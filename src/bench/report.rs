//! Output of `sim2real bench`: aligned text lines or one JSON line.

use serde::Serialize;
use serde_json::Value;

use super::BenchReport;
use super::reference::Ratios;

/// The engine's numbers and, with `--torch`, the reference's JSON and the ratios.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison<'a> {
    #[serde(flatten)]
    pub engine: &'a BenchReport,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<&'a Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ratios: Option<&'a Ratios>,
}

/// One JSON line.
pub fn json(c: &Comparison) -> Result<String, String> {
    serde_json::to_string(c).map_err(|e| e.to_string())
}

/// Human-readable lines.
pub fn text(c: &Comparison) -> String {
    let r = c.engine;
    let mut s = format!(
        "workload      n={} m={} trials={} epochs≤{} dim={} threads={} ({})\n",
        r.n, r.m, r.trials, r.epochs, r.dim, r.threads, r.engine
    );
    let rows: [(&str, String); 10] = [
        ("trials_per_s", format!("{:.3}", r.trials_per_s)),
        ("gflops", format!("{:.2} (pretrain {:.2}, fine-tune {:.2})", r.gflops, r.pretrain_gflops, r.finetune_gflops)),
        ("peak_gflops", format!("{:.2}", r.peak_gflops)),
        ("efficiency", format!("{:.3}", r.efficiency)),
        ("wall_s", format!("{:.3}", r.wall_s)),
        ("pretrain_s", format!("{:.3}", r.pretrain_s)),
        ("finetune_s", format!("{:.3}", r.finetune_s)),
        ("mean_mae", format!("{:.4}", r.mean_mae)),
        ("epochs", format!("pretrain {}, fine-tune mean {:.1}", r.pretrain_epochs, r.finetune_epochs)),
        ("flops", format!("{:.3e}", r.flops)),
    ];
    for (k, v) in rows {
        s.push_str(&format!("{k:<13} {v}\n"));
    }
    if let Some(reference) = c.reference {
        s.push_str(&format!("reference     {reference}\n"));
    }
    if let Some(q) = c.ratios {
        s.push_str(&format!(
            "ratios        trials/s ×{:.2}, GFLOP/s ×{:.2}, wall ×{:.3}, MAE {:+.4} (engine − reference)\n",
            q.trials_per_s, q.gflops, q.wall_s, q.mae_diff
        ));
    }
    s
}
