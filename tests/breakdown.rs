//! `report by COLUMN` and `report samples` end to end on a generated study: a target whose class
//! `a` follows the source's function (transfer helps, its error falls with n) and whose class `b`
//! is pure noise (nothing to learn), plus a one-row class. Checks the outputs exist, the ranking,
//! the small-group flag, that per-group and per-sample numbers add up to the pooled ones (from the
//! store's per-test-row errors), and that fresh and resumed runs give byte-identical outputs.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;
use sim2real::results::outputs::{FILES, OutputFile, When, Writer};

use crate::support::Test;

const STUDY: &str = r#"study groups_demo
seed 2
data src = csv("src.csv")
data tgt = csv("tgt.csv")
source src { x = [x1, x2, x3, x4]  y = y }
target tgt { x = [x1, x2, x3, x4]  y = y }
transform x = standardize
transform y = standardize
model { hidden = [32, 16] }
pretrain { lr = 3e-3  batch = 32  epochs = 60  patience = 8 }
finetune { lr = 1e-3  batch = 16  epochs = 60  patience = 8 }
grid { n = [20, 60, 200, 600, 1200]  m = [60]  trials = 6 }
baseline direct
fit power_law
report by class
report samples
"#;

/// A deterministic uniform stream in [0, 1).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn truth(x: &[f64]) -> f64 {
    (2.0 * x[0]).sin() + x[1] * x[2] + 0.5 * x[3] * x[3]
}

/// Writes src.csv, tgt.csv and the study into `dir`; returns the study path and the class of
/// every target row.
fn setup(dir: &Path) -> (PathBuf, Vec<String>) {
    let mut r = Lcg(1);
    let mut src = String::from("x1,x2,x3,x4,y\n");
    for _ in 0..1200 {
        let x: Vec<f64> = (0..4).map(|_| 2.0 * r.next() - 1.0).collect();
        src.push_str(&format!("{},{},{},{},{}\n", x[0], x[1], x[2], x[3], truth(&x)));
    }
    let mut tgt = String::from("x1,x2,x3,x4,y,class\n");
    let mut classes = Vec::new();
    for i in 0..200 {
        let x: Vec<f64> = (0..4).map(|_| 2.0 * r.next() - 1.0).collect();
        let class = if i == 199 {
            "tiny"
        } else if i % 2 == 0 {
            "a"
        } else {
            "b"
        };
        let y = if i % 2 == 0 { truth(&x) + 0.05 * (r.next() - 0.5) } else { 2.0 * (r.next() - 0.5) };
        tgt.push_str(&format!("{},{},{},{},{y},{class}\n", x[0], x[1], x[2], x[3]));
        classes.push(class.to_string());
    }
    std::fs::write(dir.join("src.csv"), src).unwrap();
    std::fs::write(dir.join("tgt.csv"), tgt).unwrap();
    let study = dir.join("groups_demo.study");
    std::fs::write(&study, STUDY).unwrap();
    (study, classes)
}

fn run(study: &Path, out: &Path) -> String {
    let args = ["run", &study.display().to_string(), "--out", &out.display().to_string(), "--quiet", "--threads", "2"];
    Test::at(study.parent().unwrap()).args(args).run().text()
}

/// The files a run of STUDY writes (one m, `report by`, `report samples`), from the registry.
fn outputs() -> Vec<&'static str> {
    let written = |f: &&OutputFile| matches!(f.when, When::Always | When::ReportBy | When::ReportSamples);
    FILES.iter().filter(|f| !f.dir && f.writer != Writer::Lock).filter(written).map(|f| f.name).collect()
}

/// The trial records of the store: (record, rows, errors).
fn store_trials(dir: &Path) -> Vec<(Value, Vec<usize>, Vec<f64>)> {
    std::fs::read_to_string(dir.join("store.log"))
        .unwrap()
        .lines()
        .filter_map(|l| {
            let v: Value = serde_json::from_str(l.split_once(' ')?.1).ok()?;
            (v["type"] == "trial").then(|| {
                let rows = v["test"]["rows"].as_array().unwrap().iter().map(|r| r.as_u64().unwrap() as usize).collect();
                let errs =
                    v["test"]["abs_err"].as_array().unwrap().iter().map(|e| e.as_f64().unwrap_or(f64::NAN)).collect();
                (v, rows, errs)
            })
        })
        .collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * b.abs().max(1e-9)
}

#[test]
fn groups_and_samples_add_up_to_the_pooled_results_and_rank_the_scaling_group_first() {
    let tmp = tempfile::tempdir().unwrap();
    let (study, classes) = setup(tmp.path());
    let out = tmp.path().join("a");
    let text = run(&study, &out);
    assert!(text.contains("Groups by class"), "{text}");
    // `shards/` belongs to sharded runs (`run --shard`) only.
    for f in FILES.iter().filter(|f| f.writer != Writer::Lock) {
        let expected = (f.dir && f.when != When::Sharded) || outputs().contains(&f.name);
        assert_eq!(out.join(f.name).exists(), expected, "{}", f.name);
    }
    let res: Value = serde_json::from_str(&std::fs::read_to_string(out.join("results.json")).unwrap()).unwrap();
    let groups = &res["groups"];
    assert_eq!(groups["column"], "class");
    let by_value: BTreeMap<String, &Value> =
        groups["groups"].as_array().unwrap().iter().map(|g| (g["value"].as_str().unwrap().to_string(), g)).collect();
    assert_eq!(by_value.keys().collect::<Vec<_>>(), ["a", "b", "tiny"]);
    assert_eq!(by_value["a"]["target_rows"], 100);
    assert_eq!(by_value["tiny"]["small"], true);
    assert_eq!(by_value["a"]["small"], false);
    // The group's own m: about half of the 60 training rows per trial.
    let m_a = by_value["a"]["train_rows"][0]["mean"].as_f64().unwrap();
    assert!((20.0..=40.0).contains(&m_a), "{m_a}");

    // Ranking: the class that follows the source's function scales fastest.
    let csv = std::fs::read_to_string(out.join("groups.csv")).unwrap();
    let ranks: Vec<(String, String)> = csv
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[1].to_string(), f[3].to_string())
        })
        .collect();
    assert_eq!(ranks[0], ("a".to_string(), "1".to_string()), "{csv}");
    let alpha = |g: &str| by_value[g]["fits"][0]["params"]["alpha"].as_f64().unwrap();
    assert!(alpha("a") > alpha("b"), "a {} b {}", alpha("a"), alpha("b"));

    // Per trial: group MAEs weighted by their test rows give the pooled MAE, and every group
    // point is the mean of its per-trial group MAEs.
    let mut per_group: BTreeMap<(String, String, u64), Vec<f64>> = BTreeMap::new();
    let trials = store_trials(&out);
    assert_eq!(trials.len(), 36);
    for (rec, rows, errs) in &trials {
        let pooled = rec["mae"].as_f64().unwrap();
        assert_eq!(rows.len(), rec["test_rows"].as_u64().unwrap() as usize);
        let mut acc: BTreeMap<&str, (f64, usize)> = BTreeMap::new();
        for (&r, &e) in rows.iter().zip(errs) {
            let s = acc.entry(classes[r].as_str()).or_default();
            s.0 += e;
            s.1 += 1;
        }
        let weighted: f64 =
            acc.values().map(|(sum, count)| sum / *count as f64 * *count as f64).sum::<f64>() / rows.len() as f64;
        assert!(close(weighted, pooled), "{}: {weighted} vs {pooled}", rec["job"]);
        for (g, (sum, count)) in acc {
            let key = (g.to_string(), rec["arm"].as_str().unwrap().to_string(), rec["n"].as_u64().unwrap());
            per_group.entry(key).or_default().push(sum / count as f64);
        }
    }
    for ((g, arm, n), maes) in &per_group {
        let point = by_value[g]["points"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["arm"] == arm.as_str() && p["n"] == *n)
            .expect("group point");
        assert_eq!(point["trials"].as_u64().unwrap() as usize, maes.len());
        let mean = maes.iter().sum::<f64>() / maes.len() as f64;
        assert!(close(point["mae_mean"].as_f64().unwrap(), mean), "{g} {arm} n={n}");
    }

    // Samples: with equal test sizes, the trial-weighted mean of the samples' mean errors at n is
    // the pooled mean transfer MAE at n.
    let samples = &res["samples"];
    assert_eq!(samples["key_columns"], serde_json::json!(["class"]));
    let list = samples["samples"].as_array().unwrap();
    let counted = ["scaling", "not_scaling", "unfit"].iter().map(|c| samples[*c].as_u64().unwrap()).sum::<u64>();
    assert_eq!(counted as usize, list.len());
    for (i, n) in samples["n"].as_array().unwrap().iter().enumerate() {
        let (mut num, mut den) = (0.0, 0.0);
        for s in list {
            let t = s["trials"][i].as_f64().unwrap();
            if t > 0.0 {
                num += s["error"][i].as_f64().unwrap() * t;
                den += t;
            }
        }
        let point = res["points"].as_array().unwrap().iter().find(|p| p["arm"] == "transfer" && p["n"] == *n).unwrap();
        assert!(
            close(num / den, point["mae_mean"].as_f64().unwrap()),
            "n = {n}: {} vs {}",
            num / den,
            point["mae_mean"]
        );
        assert!(close(samples["pooled"][i].as_f64().unwrap(), point["mae_mean"].as_f64().unwrap()));
    }
    let samples_csv = std::fs::read_to_string(out.join("samples.csv")).unwrap();
    assert!(
        samples_csv.starts_with("row,class,m,alpha,alpha_ci90_lo,alpha_ci90_hi,r2,classification,"),
        "{samples_csv}"
    );
    assert_eq!(samples_csv.lines().count(), list.len() + 1);
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(
        report.contains("## Groups by class") && report.contains("too small to trust") && report.contains("## Samples"),
        "{report}"
    );

    // A second run, and a run resumed after losing its last records, give the same bytes.
    let b = tmp.path().join("b");
    run(&study, &b);
    let log = std::fs::read_to_string(b.join("store.log")).unwrap();
    let lines: Vec<&str> = log.lines().collect();
    let kept: String = lines[..lines.len() - 5].iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(b.join("store.log"), kept).unwrap();
    let resumed = run(&study, &b);
    assert!(resumed.contains("(5 trained now)"), "{resumed}");
    for f in outputs() {
        assert!(std::fs::read(out.join(f)).unwrap() == std::fs::read(b.join(f)).unwrap(), "{f} differs after a resume");
    }
}

#[test]
fn an_unknown_report_column_is_a_data_diagnostic_with_a_suggestion() {
    let tmp = tempfile::tempdir().unwrap();
    let (study, _) = setup(tmp.path());
    std::fs::write(&study, STUDY.replace("report by class", "report by clas")).unwrap();
    Test::at(tmp.path())
        .args(["check", &study.display().to_string()])
        .status(2)
        .stderr_contains("no column `clas`")
        .stderr_contains("did you mean `class`?")
        .run();
}
