//! `sim2real bench`: a tiny workload runs and reports finite, positive numbers (no timing
//! assertions), and the comparison with a reference peer works end to end.

use std::path::Path;

use serde_json::Value;

use crate::support::{Ran, Test};

const TINY: [&str; 12] =
    ["bench", "--n", "200", "--m", "60", "--trials", "3", "--epochs", "2", "--dim", "16", "--json"];

/// A tiny bench (exit 0), with `SIM2REAL_PEERS` set to `peers` if given.
fn bench(extra: &[&str], peers: Option<&Path>) -> Ran {
    let mut case = Test::new().args(TINY).args(extra);
    if let Some(p) = peers {
        case = case.env("SIM2REAL_PEERS", p);
    }
    case.run()
}

fn json_line(ran: &Ran) -> Value {
    let lines: Vec<&str> = ran.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "one JSON line: {}", ran.stdout);
    serde_json::from_str(lines[0]).expect("valid JSON")
}

fn positive(v: &Value, key: &str) -> f64 {
    let x = v.get(key).and_then(Value::as_f64).unwrap_or_else(|| panic!("{key} missing or not a number in {v}"));
    assert!(x.is_finite() && x > 0.0, "{key} = {x}");
    x
}

#[test]
fn tiny_bench_reports_finite_positive_numbers() {
    let v = json_line(&bench(&[], None));
    for key in [
        "trials_per_s",
        "gflops",
        "wall_s",
        "pretrain_s",
        "finetune_s",
        "mean_mae",
        "peak_gflops",
        "efficiency",
        "flops",
    ] {
        positive(&v, key);
    }
    let wall = positive(&v, "wall_s");
    let parts = positive(&v, "pretrain_s") + positive(&v, "finetune_s");
    assert!((wall - parts).abs() <= 1e-9 * wall.max(1.0), "wall {wall} vs parts {parts}");
    assert_eq!(
        (v["n"].as_u64(), v["m"].as_u64(), v["trials"].as_u64(), v["dim"].as_u64()),
        (Some(200), Some(60), Some(3), Some(16))
    );
    // The FLOPs are counted exactly: 2·MACs·(3·train rows + val rows) per epoch. dim 16:
    // MACs = 16·512 + 512·256 + 256·128 + 128·64 + 64·32 + 32 = 182_304; pretraining has 160
    // training and 40 validation rows, each trial 39 and 9 (60 → 12 test, 48 → 9 val).
    let epochs = v["pretrain_epochs"].as_f64().unwrap();
    let ft_epochs = v["finetune_epochs"].as_f64().unwrap();
    let rows = epochs * (3.0 * 160.0 + 40.0) + 3.0 * ft_epochs * (3.0 * 39.0 + 9.0);
    let expected = 2.0 * 182_304.0 * rows;
    assert!((positive(&v, "flops") - expected).abs() <= 1e-6 * expected, "flops {} vs {expected}", v["flops"]);
    assert!(v.get("reference").is_none());
    assert_eq!(v["data"], "synthetic");
}

/// A stand-in Python for the reference peer: `-c` (the bench's data generator) writes zeros of
/// the right size to the file named last; anything else runs as a shell script.
fn fake_python(dir: &Path) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join("fake-python");
    let body = "#!/bin/sh\nif [ \"$1\" = \"-c\" ]; then\n  n=$3; m=$4; d=$5\n  head -c $(( (n*d + n + m*d + m) * 4 )) /dev/zero > \"$6\"\n  exit 0\nfi\nexec /bin/sh \"$@\"\n";
    std::fs::write(&path, body).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

#[test]
fn bench_compares_with_a_reference_peer() {
    // A stand-in peer: a shell script named like the reference that prints its JSON line.
    let dir = tempfile::tempdir().unwrap();
    let script = "echo 'warming up'\necho '{\"peer\": \"fake\", \"trials_per_s\": 2.0, \"gflops\": 4.0, \"wall_s\": 8.0, \"mean_mae\": 0.5, \"args\": \"'\"$*\"'\"}'\n";
    std::fs::write(dir.path().join("torch_reference.py"), script).unwrap();
    let python = fake_python(dir.path());
    let v = json_line(&bench(&["--torch", python.to_str().unwrap()], Some(dir.path())));
    let r = &v["reference"];
    assert_eq!(r["peer"], "fake");
    // The engine trained on the reference's rows (here the stand-in's zeros).
    assert_eq!(v["data"], "reference");
    // The peer got the same workload flags.
    let args = r["args"].as_str().unwrap();
    assert!(args.contains("--n 200 --m 60 --trials 3 --epochs 2 --patience 5 --threads 2 --dim 16"), "{args}");
    // On the CPU (the host engine) the reference runs on the CPU too; on a GPU it gets --device cuda.
    assert!(args.starts_with("--device cpu "), "{args}");
    assert_eq!(v["device"], "cpu");
    let q = &v["ratios"];
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * b.abs().max(1.0);
    assert!(close(q["trials_per_s"].as_f64().unwrap(), positive(&v, "trials_per_s") / 2.0));
    assert!(close(q["gflops"].as_f64().unwrap(), positive(&v, "gflops") / 4.0));
    assert!(close(q["mae_diff"].as_f64().unwrap(), positive(&v, "mean_mae") - 0.5));
}

#[test]
fn bench_rejects_bad_flags_and_a_missing_reference() {
    Test::new().args(["bench", "--m", "2"]).status(2).run();
    let case = Test::new();
    let peers = case.dir().to_path_buf();
    case.args(TINY)
        .args(["--torch", "/bin/sh"])
        .env("SIM2REAL_PEERS", peers)
        .status(2)
        .stderr_contains("SIM2REAL_PEERS")
        .run();
}
