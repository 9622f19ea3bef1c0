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
