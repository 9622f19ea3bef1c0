//! Plan snapshots: the jobs, seeds and row counts a study compiles to. A change here changes
//! which numbers a study produces, so it must be deliberate.

use std::path::Path;

use sim2real::exec::load;

fn plan_of(file: &str, quick: bool) -> sim2real::plan::Plan {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    match load(Path::new(file), &text, quick) {
        Ok(l) => l.plan,
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn tiny_plan_text() {
    insta::assert_snapshot!(plan_of("tests/cli/tiny.study", false).render());
}

#[test]
fn tiny_plan_quick_text() {
    insta::assert_snapshot!(plan_of("tests/cli/tiny.study", true).render());
}

#[test]
fn quickstart_plan_json() {
    let plan = plan_of("studies/quickstart.study", false);
    let json = serde_json::to_string_pretty(&plan).unwrap();
    // The full job list is long; snapshot the head and check the totals exactly.
    let head: String = json.lines().take(60).collect::<Vec<_>>().join("\n");
    insta::assert_snapshot!(head);
    assert_eq!(plan.jobs.len(), plan.n_values.len() * (plan.replicates + plan.trials * plan.m_values.len()) + plan.trials * plan.m_values.len());
}

#[test]
fn seeds_do_not_depend_on_the_grid() {
    // Adding n values must not change the seeds of the jobs that were already there.
    let a = plan_of("tests/cli/tiny.study", false);
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli/tiny.study")).unwrap();
    let more = text.replace("n = [50, 150, 600]", "n = [50, 100, 150, 300, 600]");
    let b = load(Path::new("tests/cli/tiny.study"), &more, false).unwrap().plan;
    for job in &a.jobs {
        let same = b.jobs.iter().find(|j| j.id == job.id).expect("job still planned");
        assert_eq!(same.seed, job.seed, "{}", job.id);
    }
    assert!(b.jobs.len() > a.jobs.len());
}

#[test]
fn composite_groups_keep_pairs_together_in_every_split() {
    use sim2real::plan::splits::trial_split;
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli/tiny.study"))
        .unwrap()
        .replace("target exp { x = f_*  y = y }", "target exp { x = f_*  y = y  group = [g1, g2] }")
        .replace(
            "data exp = synthetic(part: target, rows: 100, features: 4, noise: 0.1, seed: 5)",
            "data exp = synthetic(part: target, rows: 100, features: 4, noise: 0.1, seed: 5) | join keys on f_1 = f_1",
        );
    // Build a key table on the fly: two coarse group columns derived from f_1.
    let dir = tempfile::tempdir().unwrap();
    let study_path = dir.path().join("g.study");
    let loaded0 = load(Path::new("tests/cli/tiny.study"), &std::fs::read_to_string(tiny_path()).unwrap(), false).unwrap();
    let f1 = loaded0.data.target.x.column(0);
    let mut csv = String::from("f_1,g1,g2\n");
    for (i, v) in f1.iter().enumerate() {
        csv.push_str(&format!("{v:?},p{},s{}\n", i % 7, i % 3));
    }
    std::fs::write(dir.path().join("keys.csv"), csv).unwrap();
    let text = text.replace("data exp =", "data keys = csv(\"keys.csv\")\ndata exp =");
    std::fs::write(&study_path, &text).unwrap();
    let loaded = load(&study_path, &text, false).unwrap_or_else(|e| panic!("{e}"));
    let groups = loaded.data.target.groups.clone().expect("groups");
    assert_eq!(groups.iter().collect::<std::collections::BTreeSet<_>>().len(), 21);
    for seed in 0..30 {
        let s = trial_split(groups.len(), 0.2, Some(&groups), seed);
        for &t in &s.test {
            assert!(s.train_part.iter().all(|&r| groups[r] != groups[t]), "pair {} on both sides", groups[t]);
        }
    }
}

fn tiny_path() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli/tiny.study")
}

/// tiny.study with its `finetune` lr changed and an optional `direct` block.
fn tiny_with(finetune_lr: &str, direct: &str) -> sim2real::exec::Loaded {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli/tiny.study"))
        .unwrap()
        .replace("finetune { lr = 3e-3", &format!("finetune {{ lr = {finetune_lr}"))
        .replace("baseline direct", &format!("baseline direct\n{direct}"));
    load(Path::new("tests/cli/tiny.study"), &text, false).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn direct_trains_at_the_pretraining_settings_not_the_fine_tuning_ones() {
    // tiny.study pretrains at lr 3e-3 (batch 32); fine-tuning at 1e-4 must not carry over to the
    // baseline, which starts from a random initialisation like pretraining.
    let l = tiny_with("1e-4", "");
    assert_eq!(l.study.finetune.lr, 1e-4);
    let direct = l.study.direct_train();
    assert_eq!((direct.lr, direct.batch, direct.max_epochs), (3e-3, 32, 40), "the direct arm trains with the pretrain settings");
    assert_eq!(direct, &l.study.pretrain);
    // The plan says so, with where the settings come from.
    let row = l.plan.training.iter().find(|t| t.phase == "direct").expect("a direct row");
    assert_eq!((row.spec.lr, row.from.as_str()), (3e-3, "pretrain (default)"));
    let text = l.plan.render();
    assert!(text.contains("training settings:"), "{text}");
    let line = text.lines().find(|l| l.trim_start().starts_with("direct")).expect("direct line in the plan");
    assert!(line.contains("3e-3") && line.contains("pretrain (default)"), "{line}");
    let ft = text.lines().find(|l| l.contains(" finetune ")).expect("finetune line");
    assert!(ft.contains("1e-4"), "{ft}");
}

#[test]
fn a_direct_block_sets_the_baselines_training() {
    let l = tiny_with("1e-4", "direct { lr = 5e-4  batch = 8  epochs = 70 }");
    let d = l.study.direct_train();
    assert_eq!((d.lr, d.batch, d.max_epochs, d.patience), (5e-4, 8, 70, 5));
    let row = l.plan.training.iter().find(|t| t.phase == "direct").unwrap();
    assert_eq!(row.from, "direct");
    // The direct jobs are planned with its epochs.
    let job = l.plan.jobs.iter().find(|j| j.id.starts_with("direct")).unwrap();
    assert_eq!(job.max_epochs, 70);
    let json = serde_json::to_value(&l.plan).unwrap();
    let phases: Vec<&str> = json["training"].as_array().unwrap().iter().map(|t| t["phase"].as_str().unwrap()).collect();
    assert_eq!(phases, ["pretrain", "finetune", "direct"]);
    assert_eq!(json["training"][2]["lr"], 5e-4);
}

/// A study on CSV files written into a temporary folder: a source with a join that loses rows,
/// a target whose label has formula cells read as missing with `numeric:`.
#[test]
fn joins_that_drop_rows_and_labels_read_as_missing_are_plan_warnings() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let mut sim = String::from("polymer,y\n");
    let mut desc = String::from("smiles,f_1,f_2\n");
    for i in 0..60 {
        sim.push_str(&format!("P{i},{}\n", (i as f64 * 0.37).sin()));
        if i % 10 != 0 {
            desc.push_str(&format!("P{i},{},{}\n", i as f64 / 60.0, (i * 7 % 13) as f64));
        }
    }
    let mut exp = String::from("f_1,f_2,tc\n");
    for i in 0..40 {
        let tc = if i % 8 == 3 { format!("=F{i}/G{i}") } else { format!("{}", 0.1 + i as f64 / 100.0) };
        exp.push_str(&format!("{},{},{tc}\n", i as f64 / 40.0, (i * 5 % 11) as f64));
    }
    std::fs::write(dir.join("sim.csv"), sim).unwrap();
    std::fs::write(dir.join("desc.csv"), desc).unwrap();
    std::fs::write(dir.join("exp.csv"), exp).unwrap();
    let study = r#"
data desc = csv("desc.csv")
data sim = csv("sim.csv") | join desc on polymer = smiles
data exp = csv("exp.csv", numeric: [tc])
source sim { x = f_*  y = y }
target exp { x = f_*  y = tc }
grid { n = [20, 40]  m = [10]  trials = 2 }
"#
    .to_string();
    let path = dir.join("s.study");
    std::fs::write(&path, &study).unwrap();
    let l = load(&path, &study, false).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(l.data.source.rows(), 54);
    assert_eq!(l.data.target.rows(), 35, "the 5 rows whose label is a formula are dropped");
    let w = l.plan.warnings.join("\n");
    for part in [
        "join of sim.csv with desc.csv drops 6 of the 60 rows",
        "`polymer` = \"P0\" at line 2",
        "5 cell(s) of column `tc` are not numbers and are read as missing",
        "line 5 `=F3/G3`",
        "target: 5 of the 40 rows of `exp` are dropped",
        "`tc` 5",
    ] {
        assert!(w.contains(part), "{part:?} not in the plan warnings:\n{w}");
    }
    assert!(l.plan.render().contains("warning: join of sim.csv"), "{}", l.plan.render());
    // Without `numeric:` the label is an error that counts the cells and shows them.
    let plain = study.replace("csv(\"exp.csv\", numeric: [tc])", "csv(\"exp.csv\")");
    let e = match load(&path, &plain, false).err().expect("a text label is an error") {
        sim2real::exec::RunError::Study(e) => e.problems.iter().map(|p| p.message.clone()).collect::<Vec<_>>().join("\n"),
        other => panic!("expected a study error, got {other}"),
    };
    for part in ["`tc`", "5 of its 40 non-empty cells are not numbers", "line 5 `=F3/G3`"] {
        assert!(e.contains(part), "{part:?} not in {e}");
    }
}
