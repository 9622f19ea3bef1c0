//! Plan snapshots: the jobs, seeds and row counts a study compiles to. A change here changes
//! which numbers a study produces, so it must be deliberate.

use std::path::Path;

use sim2real::exec::load;

fn plan_of(file: &str, quick: bool) -> sim2real::ir::Plan {
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
    assert_eq!(
        plan.jobs.len(),
        plan.n_values.len() * (plan.replicates + plan.trials * plan.m_values.len()) + plan.trials * plan.m_values.len()
    );
}

/// `plan` prints each pipeline as it runs: the study's steps, the default `clip` guard at the end
/// of the inputs' pipeline, and `none` for a role without `transform` (the documented default).
#[test]
fn plan_prints_the_transform_pipelines_with_their_defaults() {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli/tiny.study")).unwrap();
    let file = Path::new("tests/cli/tiny.study");
    let written = plan_of("tests/cli/tiny.study", false).render();
    assert!(
        written
            .contains("  transform x = standardize | clip  (clip: the default input guard; `noclip` turns it off)\n"),
        "{written}"
    );
    assert!(written.contains("  transform y = standardize\n"), "{written}");
    let none = text.replace("transform x = standardize\n", "").replace("transform y = standardize\n", "");
    let plan = load(file, &none, false).unwrap().plan;
    assert_eq!(plan.transform_x, ["clip"]);
    assert!(plan.transform_y.is_empty());
    let rendered = plan.render();
    assert!(rendered.contains("  transform x = clip  (clip: the default input guard"), "{rendered}");
    assert!(rendered.contains("  transform y = none  (labels used as read)\n"), "{rendered}");
    let placed = text.replace("transform x = standardize", "transform x = minmax | noclip | standardize");
    let plan = load(file, &placed, false).unwrap().plan;
    assert_eq!(plan.transform_x, ["minmax", "standardize"]);
    assert!(plan.render().contains("  transform x = minmax | standardize\n"));
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
    let loaded0 =
        load(Path::new("tests/cli/tiny.study"), &std::fs::read_to_string(tiny_path()).unwrap(), false).unwrap();
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

/// A study over two generated tables in a temporary folder: `sim.csv` (200 source rows) and
/// `exp.csv` (one target row per entry of `groups`, label = the group's index, so a member's
/// label values tell which groups it holds). `roles` and `grid` are study text.
fn grouped_study(groups: &[String], roles: &str, grid: &str) -> (tempfile::TempDir, std::path::PathBuf, String) {
    let dir = tempfile::tempdir().unwrap();
    let mut sim = String::from("x1,x2,y\n");
    for i in 0..200 {
        sim.push_str(&format!(
            "{},{},{}\n",
            (i as f64 * 0.37).sin(),
            (i as f64 * 0.11).cos(),
            (i % 17) as f64 * 0.5 + 100.0
        ));
    }
    let mut names: Vec<&String> = Vec::new();
    let mut exp = String::from("x1,x2,y,grp\n");
    for (i, g) in groups.iter().enumerate() {
        if !names.contains(&g) {
            names.push(g);
        }
        let code = names.iter().position(|n| *n == g).unwrap();
        exp.push_str(&format!("{},{},{code},{g}\n", (i as f64 * 0.73).sin(), (i as f64 * 0.29).cos()));
    }
    std::fs::write(dir.path().join("sim.csv"), sim).unwrap();
    std::fs::write(dir.path().join("exp.csv"), exp).unwrap();
    let text = format!(
        "study grouped\nseed 3\ndata sim = csv(\"sim.csv\")\ndata exp = csv(\"exp.csv\")\n{roles}\nmodel {{ hidden = [4] }}\n\
         pretrain {{ epochs = 2 }}\nfinetune {{ epochs = 2 }}\ngrid {{ {grid} }}\nbaseline direct\n"
    );
    let path = dir.path().join("grouped.study");
    std::fs::write(&path, &text).unwrap();
    (dir, path, text)
}

const GROUPED_ROLES: &str = "source sim { x = [x1, x2]  y = y }\ntarget exp { x = [x1, x2]  y = y  group = grp }";

/// 60 rows of one group and 40 singletons: a trial whose test side draws "big" keeps 40 rows.
fn one_big_group() -> Vec<String> {
    (0..100).map(|i| if i % 5 < 3 { "big".to_string() } else { format!("s{i}") }).collect()
}

/// Exit code and output of the binary, the diagnostics' frame characters and line wraps removed.
fn sim2real(args: &[&str]) -> (Option<i32>, String) {
    let o = crate::support::sim2real().args(args).output().expect("run sim2real");
    (o.status.code(), crate::support::text(&o).replace('│', " ").split_whitespace().collect::<Vec<_>>().join(" "))
}

#[test]
fn an_m_no_trial_can_hold_is_rejected_naming_the_trial_and_its_groups() {
    // m = 80 is the nominal training part (100 rows, 20 test), but a trial that holds out the
    // 60-row group has 40 rows left: the plan refuses instead of training on 40 and calling it 80.
    let (_dir, path, _) = grouped_study(&one_big_group(), GROUPED_ROLES, "n = [20, 60, 200]  m = [80]  trials = 6");
    let (code, text) = sim2real(&["check", path.to_str().unwrap()]);
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("m = 80 is more than the ") && text.contains(" target rows trial "), "{text}");
    assert!(text.contains("holds out whole groups of `grp`") && text.contains("\"big\" (60 rows)"), "{text}");
}

#[test]
fn every_trial_of_a_group_split_trains_on_exactly_m_rows() {
    use sim2real::exec::members::member_for;
    let (_dir, path, text) =
        grouped_study(&one_big_group(), GROUPED_ROLES, "n = [20, 60, 200]  m = [0.5, 1.0]  trials = 6");
    let loaded = load(&path, &text, false).unwrap_or_else(|e| panic!("{e}"));
    let plan = &loaded.plan;
    // m = 1.0 resolves against the smallest training part (at most the 40 rows besides "big"),
    // not the nominal 80.
    let smallest = plan.train_part;
    assert!(smallest <= 40 && smallest < plan.train_part_max, "{:?}", plan.train_parts);
    assert_eq!(plan.train_parts.iter().min(), Some(&smallest));
    assert_eq!(plan.m_values, vec![(smallest as f64 * 0.5).round() as usize, smallest]);
    assert!(plan.render().contains("for training (whole groups"), "{}", plan.render());
    let mut checked = 0;
    for job in plan.jobs.iter().filter(|j| !matches!(j.kind, sim2real::ir::JobKind::Pretrain { .. })) {
        let m = match job.kind {
            sim2real::ir::JobKind::Direct { m, .. } | sim2real::ir::JobKind::Finetune { m, .. } => m,
            _ => unreachable!(),
        };
        let member = member_for(&job.kind, &loaded.plan, &loaded.study, &loaded.data)
            .unwrap_or_else(|e| panic!("{}: {e}", job.id));
        assert_eq!(member.train.rows() + member.val.rows(), m, "{} trains on other than m rows", job.id);
        assert_eq!(
            (member.train.rows(), member.val.rows()),
            (job.train_rows, job.val_rows),
            "{}: the plan's counts",
            job.id
        );
        checked += 1;
    }
    assert_eq!(checked, 2 * 6 * 4, "direct and fine-tune jobs of both m");
}

#[test]
fn early_stopping_validation_never_shares_a_group_with_training() {
    use sim2real::exec::members::member_for;
    // 25 groups of 4 rows; the label is the group's index, so a member's label values name its groups.
    let groups: Vec<String> = (0..100).map(|i| format!("g{}", (i * 7) % 25)).collect();
    let (_dir, path, text) =
        grouped_study(&groups, GROUPED_ROLES, "n = [20, 60, 200]  m = [0.15, 0.5, 1.0]  trials = 8");
    let loaded = load(&path, &text, false).unwrap_or_else(|e| panic!("{e}"));
    let labels = |rows: &sim2real::engine::batch::MemberRows| {
        rows.y.iter().map(|v| *v as i64).collect::<std::collections::BTreeSet<_>>()
    };
    for job in loaded.plan.jobs.iter().filter(|j| matches!(j.kind, sim2real::ir::JobKind::Direct { .. })) {
        let member = member_for(&job.kind, &loaded.plan, &loaded.study, &loaded.data).unwrap();
        let (train, val) = (labels(&member.train), labels(&member.val));
        assert!(!val.is_empty() && train.len() >= 2, "{}: {val:?} / {train:?}", job.id);
        assert!(
            train.is_disjoint(&val),
            "{}: groups {:?} on both sides",
            job.id,
            train.intersection(&val).collect::<Vec<_>>()
        );
        let test: std::collections::BTreeSet<i64> =
            member.test_rows.iter().map(|&r| loaded.data.target.y[r] as i64).collect();
        assert!(test.is_disjoint(&train) && test.is_disjoint(&val), "{}: a test group is trained on", job.id);
    }
}

#[test]
fn validation_that_cannot_take_whole_groups_is_rejected() {
    // Two groups of 50: every trial holds one out, so its training rows are one group and no
    // validation set can be drawn without sharing it.
    let groups: Vec<String> =
        (0..100).map(|i| if i % 2 == 0 { "even".to_string() } else { "odd".to_string() }).collect();
    let (_dir, path, _) = grouped_study(&groups, GROUPED_ROLES, "n = [20, 60, 200]  m = [1.0]  trials = 2");
    let (code, text) = sim2real(&["check", path.to_str().unwrap()]);
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("trial 0 (and 1 more trials) cannot train the direct arm on m = 50 rows"), "{text}");
    assert!(text.contains("1 group of `grp`") && text.contains("(50 rows)"), "{text}");
}

#[test]
fn target_rows_in_the_source_are_warned_about_unless_allowed() {
    let groups: Vec<String> = (0..60).map(|i| format!("g{}", i % 12)).collect();
    let same = "source exp { x = [x1, x2]  y = y }\ntarget exp { x = [x1, x2]  y = y  group = grp }";
    let (_dir, path, text) = grouped_study(&groups, same, "n = [20, 30, 48]  m = [1.0]  trials = 2");
    let plan = load(&path, &text, false).unwrap_or_else(|e| panic!("{e}")).plan;
    let w: Vec<&String> = plan.warnings.iter().filter(|w| w.contains("with the same x values and label")).collect();
    assert_eq!(w.len(), 1, "{:?}", plan.warnings);
    assert!(
        w[0].starts_with("60 of the target's 60 rows") && w[0].contains("`exp` is both the source and the target"),
        "{}",
        w[0]
    );
    // Said to be intended: no warning.
    let allowed =
        text.replace("source exp { x = [x1, x2]  y = y }", "source exp { x = [x1, x2]  y = y  overlap = allowed }");
    let plan = load(&path, &allowed, false).unwrap_or_else(|e| panic!("{e}")).plan;
    assert!(plan.warnings.iter().all(|w| !w.contains("with the same x values and label")), "{:?}", plan.warnings);
    // Distinct tables (other labels): no warning.
    let (_dir, path, text) = grouped_study(&groups, GROUPED_ROLES, "n = [20, 60, 200]  m = [1.0]  trials = 2");
    let plan = load(&path, &text, false).unwrap_or_else(|e| panic!("{e}")).plan;
    assert!(plan.warnings.iter().all(|w| !w.contains("with the same x values and label")), "{:?}", plan.warnings);
}

#[test]
fn the_quick_banner_counts_the_values_it_kept() {
    // `fit surface` keeps 3 values of m even in a smoke run; the banner says 3, not QUICK_M.
    let plan = plan_of("tests/cli/tiny_surface.study", true);
    assert_eq!(plan.m_values.len(), 3);
    let banner = plan.warnings.iter().find(|w| w.starts_with("QUICK RUN")).expect("a banner");
    assert!(banner.contains(&format!("{} of 3 of m", plan.m_values.len())), "{banner}");
    assert!(banner.contains(&format!("{} of {} trials", plan.trials, 3)), "{banner}");
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
    assert_eq!(
        (direct.lr, direct.batch, direct.max_epochs),
        (3e-3, 32, 40),
        "the direct arm trains with the pretrain settings"
    );
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
        sim2real::exec::RunError::Study(e) => {
            e.problems.iter().map(|p| p.message.clone()).collect::<Vec<_>>().join("\n")
        }
        other => panic!("expected a study error, got {other}"),
    };
    for part in ["`tc`", "5 of its 40 non-empty cells are not numbers", "line 5 `=F3/G3`"] {
        assert!(e.contains(part), "{part:?} not in {e}");
    }
}

/// The executor reads every job's training settings from the plan (`Plan::train_spec`), so the
/// planner must write a settings row for every phase it schedules jobs of, in every committed
/// study (the real-data ones need `SIM2REAL_DATA`, which CI provides).
#[test]
fn every_planned_job_has_its_training_settings_in_the_plan() {
    let mut studies = vec!["tests/cli/tiny.study".to_string()];
    for entry in std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("studies")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "study") {
            studies.push(format!("studies/{}", path.file_name().unwrap().to_string_lossy()));
        }
    }
    studies.sort();
    assert!(studies.len() >= 5, "{studies:?}");
    for file in &studies {
        let plan = plan_of(file, true);
        for job in &plan.jobs {
            let spec = plan.train_spec(&job.kind).unwrap_or_else(|| panic!("{file}: no settings for {}", job.id));
            assert_eq!(spec.max_epochs, job.max_epochs, "{file}: {}", job.id);
        }
    }
}
