//! `grid { n = ...  m = ...  trials = ...  test = ...  subset = ... }`.
//!
//! - `n` is `logspace(from, to|all, points)` or a list of counts;
//! - `m` is a list of fractions (every value written with a `.`, in (0, 1]) or of counts (≥ 1).

use super::checker::Checker;
use super::values::RealRange;
use crate::diag::{Problem, ProblemKind, did_you_mean};
use crate::ir::{GridSpec, MGrid, Metric, NGrid, Spanned, SubsetMode, Upper};
use crate::syntax::ast::{Block, Call, Number, Span, Value};
use crate::syntax::names::{ALL, GRID_SETTINGS, LOGSPACE, LOGSPACE_ARGS, METRICS, N_FUNCTIONS, SUBSET_MODES};

/// Fewest rows a trial may train on after its validation split. One row teaches a network a
/// constant at best (every gradient step fits the same label, and the early-stopping curve
/// measures nothing but that label's distance to the validation row); two are the fewest from
/// which a trend can be learned. Together with [`MIN_VAL_ROWS`] this makes m ≥ [`MIN_M`].
pub const MIN_TRAIN_ROWS: usize = 2;
/// Fewest early-stopping validation rows: early stopping needs a loss to watch.
pub const MIN_VAL_ROWS: usize = 1;
/// The smallest m (training + validation rows) a grid may hold.
pub const MIN_M: usize = MIN_TRAIN_ROWS + MIN_VAL_ROWS;
const N_HELP: &str = "write `n = logspace(100, all, 6)` or a list of counts such as `n = [100, 300, 1000]`";
const M_HELP: &str =
    "write fractions of the target's training rows such as `m = [0.25, 0.5, 1.0]` or counts such as `m = [50, 100]`";

impl Checker<'_> {
    /// The grid, or `None` if `n` is missing or anything in the grid is wrong.
    pub fn grid_block(&mut self, block: &Block) -> Option<GridSpec> {
        let settings = self.settings(block, "`grid`", GRID_SETTINGS);
        let n = match settings.get("n") {
            Some(v) => self.n_grid(v).map(|g| Spanned::new(g, v.span())),
            None => {
                self.report(
                    Problem::new(
                        ProblemKind::GridWithoutN,
                        Span::new(block.span.start, block.span.start + 1),
                        "no `n` in this block",
                    )
                    .with_help(N_HELP),
                );
                None
            }
        };
        let m = match settings.get("m") {
            Some(v) => self.m_grid(v).map(|g| Spanned::new(g, v.span())),
            None => Some(Spanned::new(MGrid::Fractions(vec![1.0]), block.span)),
        };
        let trials = match settings.get("trials") {
            Some(v) => self.count_value(v, "`trials`", 1),
            None => Some(10),
        };
        let test = match settings.get("test") {
            Some(v) => self.real_value(v, "`test`", RealRange::OPEN_UNIT),
            None => Some(0.2),
        };
        let subset = match settings.get("subset") {
            Some(v) => self.choice(v, "subset mode", SUBSET_MODES),
            None => Some(SubsetMode::Once),
        };
        let metric = match settings.get("metric") {
            Some(v) => self.choice(v, "metric", METRICS),
            None => Some(Metric::Mae),
        };
        Some(GridSpec { n: n?, m: m?, trials: trials?, test: test?, subset: subset?, metric: metric? })
    }

    fn n_grid(&mut self, value: &Value) -> Option<NGrid> {
        match value {
            Value::Call(call) if call.name.name == LOGSPACE => self.logspace(call),
            Value::Call(call) => {
                let help = match did_you_mean(&call.name.name, N_FUNCTIONS.iter().copied()) {
                    Some(d) => format!("{d} ({N_HELP})"),
                    None => N_HELP.to_string(),
                };
                self.report(
                    Problem::new(
                        ProblemKind::UnknownGridFunction { name: call.name.name.clone() },
                        call.name.span,
                        "unknown function",
                    )
                    .with_help(help),
                );
                None
            }
            Value::List { items, span } => {
                let counts = self.count_list(items, *span, "`n`", N_HELP)?;
                Some(NGrid::List(counts))
            }
            other => {
                self.type_error(other, "`n`", "`logspace(...)` or a list of counts", Some(N_HELP.into()));
                None
            }
        }
    }

    /// `logspace(from, to, points)`, positional or by name.
    fn logspace(&mut self, call: &Call) -> Option<NGrid> {
        let mut slots: [Option<&Value>; 3] = [None, None, None];
        let mut ok = true;
        for (i, arg) in call.args.iter().enumerate() {
            let slot = match &arg.name {
                None if i < 3 => Some(i),
                None => {
                    self.report(
                        Problem::new(ProblemKind::LogspaceArgumentCount, arg.span, "one argument too many")
                            .with_help("write e.g. `logspace(100, all, 6)`"),
                    );
                    None
                }
                Some(name) => match LOGSPACE_ARGS.iter().position(|a| *a == name.name) {
                    Some(p) => Some(p),
                    None => {
                        let help = did_you_mean(&name.name, LOGSPACE_ARGS.iter().copied())
                            .unwrap_or_else(|| "the arguments are `from`, `to` and `points`".into());
                        self.report(
                            Problem::new(
                                ProblemKind::UnknownLogspaceArgument { name: name.name.clone() },
                                name.span,
                                "unknown argument",
                            )
                            .with_help(help),
                        );
                        None
                    }
                },
            };
            match slot {
                Some(s) if slots[s].is_some() => {
                    self.report(Problem::new(
                        ProblemKind::LogspaceArgumentTwice { name: LOGSPACE_ARGS[s].into() },
                        arg.span,
                        "given again here",
                    ));
                    ok = false;
                }
                Some(s) => slots[s] = Some(&arg.value),
                None => ok = false,
            }
        }
        for (slot, name) in slots.iter().zip(LOGSPACE_ARGS) {
            if slot.is_none() {
                self.report(
                    Problem::new(
                        ProblemKind::LogspaceArgumentMissing { name: name.to_string() },
                        call.span,
                        format!("no `{name}` given"),
                    )
                    .with_help(
                        "write `logspace(from, to, points)`, e.g. `logspace(100, all, 6)` (`all` = every source row)",
                    ),
                );
            }
        }
        let [Some(from_v), Some(to_v), Some(points_v)] = slots else {
            return None;
        };

        let from = self.count_value(from_v, "`from` of `logspace`", 1);
        let to = match to_v {
            Value::Name(id) if id.name == ALL => Some(Upper::All),
            Value::Number(n) => self.count(n, "`to` of `logspace`", 1).map(Upper::Count),
            other => {
                self.type_error(
                    other,
                    "`to` of `logspace`",
                    "a count or `all`",
                    Some("`all` means every source row".into()),
                );
                None
            }
        };
        let points = self.count_value(points_v, "`points` of `logspace`", 1);
        let (from, to, points) = (from?, to?, points?);
        if let Upper::Count(to_n) = to
            && from > to_n
        {
            self.report(
                Problem::new(ProblemKind::LogspaceDescending { from, to: to_n }, call.span, "from > to")
                    .with_help(format!("swap them: `logspace({to_n}, {from}, {points})`")),
            );
            return None;
        }
        ok.then_some(NGrid::Logspace { from, to, points })
    }

    /// A non-empty list of distinct counts ≥ 1.
    fn count_list(&mut self, items: &[Value], span: Span, what: &str, help: &str) -> Option<Vec<usize>> {
        if items.is_empty() {
            self.report(
                Problem::new(ProblemKind::EmptyGridList { what: what.into() }, span, "no values")
                    .with_help(help.to_string()),
            );
            return None;
        }
        let mut out: Vec<usize> = Vec::with_capacity(items.len());
        let mut ok = true;
        for item in items {
            match self.count_value(item, &format!("every value of {what}"), 1) {
                Some(c) if out.contains(&c) => {
                    self.report(Problem::new(
                        ProblemKind::GridValueTwice { what: what.into(), value: c as f64 },
                        item.span(),
                        "listed again here",
                    ));
                    ok = false;
                }
                Some(c) => out.push(c),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    /// Every count of `m` leaves a training and a validation set (m ≥ MIN_M); `m = [1]` gets the
    /// hint that `1.0` is the fraction "all".
    fn m_counts_leave_a_split(&mut self, items: &[Value], counts: &[usize]) -> bool {
        let mut ok = true;
        for (item, &c) in items.iter().zip(counts) {
            if c >= MIN_M {
                continue;
            }
            let help = if c == 1 {
                "`m = [1]` is one row; to train on all of each trial's training rows write the fraction `m = [1.0]`"
                    .to_string()
            } else {
                format!(
                    "a trial's m rows hold its early-stopping validation rows (≥ {MIN_VAL_ROWS}) and its training rows (≥ {MIN_TRAIN_ROWS}); use m ≥ {MIN_M}, or fractions such as `m = [0.5, 1.0]`"
                )
            };
            self.report(
                Problem::new(ProblemKind::MTooFew { m: c }, item.span(), format!("at least {MIN_M}")).with_help(help),
            );
            ok = false;
        }
        ok
    }

    fn m_grid(&mut self, value: &Value) -> Option<MGrid> {
        let Value::List { items, span } = value else {
            self.type_error(value, "`m`", "a list of fractions or counts", Some(M_HELP.into()));
            return None;
        };
        if items.is_empty() {
            self.report(
                Problem::new(ProblemKind::EmptyGridList { what: "`m`".into() }, *span, "no values").with_help(M_HELP),
            );
            return None;
        }
        let mut numbers: Vec<&Number> = Vec::with_capacity(items.len());
        for item in items {
            numbers.push(self.number(item, "every value of `m`", "a fraction or a count")?);
        }
        let is_fraction = |n: &Number| n.text.contains('.');
        let fractions = numbers.iter().filter(|n| is_fraction(n)).count();
        if fractions > 0 && fractions < numbers.len() {
            self.report(
                Problem::new(ProblemKind::MMixesFractionsAndCounts, *span, "fractions and counts in one list")
                    .with_help("write all values as fractions of the target's training rows (`0.5`, `1.0`) or all as counts (`50`, `100`)"),
            );
            return None;
        }
        if fractions == 0 {
            let counts = self.count_list(items, *span, "`m`", M_HELP)?;
            return self.m_counts_leave_a_split(items, &counts).then_some(MGrid::Counts(counts));
        }
        let mut out: Vec<f64> = Vec::with_capacity(numbers.len());
        let mut ok = true;
        for n in numbers {
            match self.real(n, "a fraction in `m`", RealRange::FRACTION) {
                Some(f) if out.contains(&f) => {
                    self.report(Problem::new(
                        ProblemKind::GridValueTwice { what: "`m`".into(), value: f },
                        n.span,
                        "listed again here",
                    ));
                    ok = false;
                }
                Some(f) => out.push(f),
                None => {
                    if let Some(p) = self.problems.last_mut()
                        && n.text.parse::<f64>().is_ok_and(|f| f > 1.0)
                    {
                        p.help = Some("fractions are written with a `.` and are at most 1; counts are whole numbers without a `.`".into());
                    }
                    ok = false;
                }
            }
        }
        ok.then_some(MGrid::Fractions(out))
    }
}

#[cfg(test)]
mod tests {
    use crate::check::compile;
    use crate::ir::{MGrid, NGrid, Upper};

    fn grid(body: &str) -> Result<crate::ir::GridSpec, String> {
        let text = format!(
            "data t = synthetic(part: source)\nsource t {{ x = f_* y = y }}\ntarget t {{ x = f_* y = y }}\ngrid {{ {body} }}\n"
        );
        compile("g.study", &text).map(|s| s.grid).map_err(|e| format!("{:?}", e.problems))
    }

    #[test]
    fn m_fractions_vs_counts() {
        assert_eq!(grid("n = [10] m = [0.5, 1.0]").map(|g| g.m.value), Ok(MGrid::Fractions(vec![0.5, 1.0])));
        assert_eq!(grid("n = [10] m = [3, 50]").map(|g| g.m.value), Ok(MGrid::Counts(vec![3, 50])));
        // Too few rows to train and validate on; `1` hints at the fraction `1.0`.
        assert!(grid("n = [10] m = [1, 50]").is_err_and(|e| e.contains("m = [1.0]") && e.contains("too few")));
        assert!(grid("n = [10] m = [2]").is_err_and(|e| e.contains("m ≥ 3")));
        // `1.0` is a fraction (it has a `.`), `1` is a count.
        assert_eq!(grid("n = [10] m = [1.0]").map(|g| g.m.value), Ok(MGrid::Fractions(vec![1.0])));
        assert!(grid("n = [10] m = [0.5, 50]").is_err_and(|e| e.contains("mixes fractions and counts")));
        assert!(grid("n = [10] m = [1.5]").is_err_and(|e| e.contains("out_of_range")));
        assert!(grid("n = [10] m = [0.0]").is_err_and(|e| e.contains("out_of_range")));
        assert!(grid("n = [10] m = [0]").is_err_and(|e| e.contains("at least 1")));
        assert!(grid("n = [10] m = []").is_err_and(|e| e.contains("empty")));
    }

    #[test]
    fn logspace_arguments() {
        assert_eq!(
            grid("n = logspace(100, all, 6)").map(|g| g.n.value),
            Ok(NGrid::Logspace { from: 100, to: Upper::All, points: 6 })
        );
        assert_eq!(
            grid("n = logspace(points: 3, from: 10, to: 1000)").map(|g| g.n.value),
            Ok(NGrid::Logspace { from: 10, to: Upper::Count(1000), points: 3 })
        );
        assert!(grid("n = logspace(0, all, 6)").is_err_and(|e| e.contains("at least 1")));
        assert!(grid("n = logspace(100, all, 0)").is_err_and(|e| e.contains("at least 1")));
        assert!(grid("n = logspace(1000, 10, 3)").is_err_and(|e| e.contains("must not exceed")));
        assert!(grid("n = logspace(10, every, 3)").is_err_and(|e| e.contains("`all`")));
        assert!(grid("n = logspace(10, all)").is_err_and(|e| e.contains("needs `points`")));
        assert!(grid("n = logspace(10, all, 3, 4)").is_err_and(|e| e.contains("three arguments")));
        assert!(grid("n = logspace(10, all, point: 3)").is_err_and(|e| e.contains("did you mean `points`")));
    }

    #[test]
    fn grid_defaults() {
        let g = grid("n = [100, 200]").expect("valid");
        assert_eq!(g.m.value, MGrid::Fractions(vec![1.0]));
        assert_eq!(g.trials, 10);
        assert_eq!(g.test, 0.2);
        assert_eq!(g.subset, crate::ir::SubsetMode::Once);
    }
}
