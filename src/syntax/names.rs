//! Every name of the `.study` language in one table: statements, the settings of each block, the
//! words a value may be, the `expect` subjects and the fit parameters. The checker accepts exactly
//! these names (it looks values up in the `(name, value)` lists here), the syntax errors' hints
//! list them, the notebook kernel completes them, and `fit` names its parameters with them. A unit
//! test below compares the table with docs/language.md (its *Names* section) and with the keywords
//! of grammar/study.pest, so a name added in one place and not the others fails the tests.
//!
//! The table lives in `syntax`, the first stage, so that every later stage may import it; it
//! imports only [`crate::ir`] (the enums the checked study is built from).

use crate::ir::{
    Activation, ArithFn, Arm, Baseline, Combine, FeaturizeInput, Law, Metric, OnError, Preset, SubsetMode,
    SyntheticPart, TransformKind,
};

/// Statement keywords, in the order docs/language.md lists them.
pub const STATEMENTS: &[&str] = &[
    "study",
    "seed",
    "data",
    "source",
    "target",
    "transform",
    "model",
    "pretrain",
    "finetune",
    "direct",
    "multitask",
    "grid",
    "baseline",
    "fit",
    "expect",
    "report",
    "budget",
];

// ---- settings of each block ------------------------------------------------------------------

/// `source TABLE { ... }`. `group` is listed so that it gets its own diagnostic on the source
/// (it belongs to the target) rather than "unknown setting".
pub const SOURCE_SETTINGS: &[&str] = &["x", "y", "group", "overlap"];
/// `target TABLE { ... }`.
pub const TARGET_SETTINGS: &[&str] = &["x", "y", "group"];
/// `model { ... }` (besides the declarations `input`, `encoder` and `head`).
pub const MODEL_SETTINGS: &[&str] = &["hidden", "activation", "dropout", "combine"];
/// Declarations inside `model { ... }` for a pairwise model.
pub const MODEL_DECLARATIONS: &[&str] = &["input", "encoder", "head"];
/// `encoder shared(a, b) { ... }`.
pub const ENCODER_SETTINGS: &[&str] = &["hidden", "latent", "latent_activation", "flag"];
/// `head { ... }`.
pub const HEAD_SETTINGS: &[&str] = &["inputs", "hidden"];
/// `pretrain { ... }`.
pub const PRETRAIN_SETTINGS: &[&str] =
    &["lr", "weight_decay", "batch", "epochs", "patience", "validation", "optimizer"];
/// `finetune { ... }`: the pretraining settings and `freeze`.
pub const FINETUNE_SETTINGS: &[&str] =
    &["lr", "weight_decay", "batch", "epochs", "patience", "validation", "optimizer", "freeze"];
/// `direct { ... }`: the direct baseline trains from a random initialisation, like pretraining.
pub const DIRECT_SETTINGS: &[&str] = PRETRAIN_SETTINGS;
/// `multitask { ... }`: `lambda` and the pretraining settings.
pub const MULTITASK_SETTINGS: &[&str] =
    &["lambda", "lr", "weight_decay", "batch", "epochs", "patience", "validation", "optimizer"];
/// `grid { ... }`.
pub const GRID_SETTINGS: &[&str] = &["n", "m", "trials", "test", "subset", "metric"];
/// `fit surface at (n = N, m = M)`.
pub const FIT_AT_COORDS: &[&str] = &["n", "m"];
/// `budget { ... }` (`have = (n = N, m = M)`, and one of `goal` and `spend`).
pub const BUDGET_SETTINGS: &[&str] = &["source_cost", "target_cost", "have", "goal", "spend"];
/// `have = (n = N, m = M)` in `budget`.
pub const BUDGET_HAVE_COORDS: &[&str] = &["n", "m"];

// ---- fits and expectations ---------------------------------------------------------------------

/// `fit LAW`.
pub const LAWS: &[(&str, Law)] = &[("power_law", Law::PowerLaw), ("surface", Law::Surface)];
/// The power law's parameters, as in fit records, `fit power_law { ... }` and `expect`.
pub const POWER_LAW_PARAMS: [&str; 3] = ["D", "alpha", "C"];
/// The surface's parameters, as in fit records, `fit surface { ... }` and `expect`.
pub const SURFACE_PARAMS: [&str; 5] = ["A", "alpha", "B", "beta", "eps"];
/// What `expect` checks of a fit besides its parameters, with the laws that have it: R² of
/// every fit, the exchange rate (marginal rate of substitution) of the surface.
pub const FIT_MEASURES: &[(&str, &[Law])] = &[("r2", &[Law::PowerLaw, Law::Surface]), ("mrs", &[Law::Surface])];
/// The arms an `expect` line compares.
pub const ARMS: &[(&str, Arm)] = &[("transfer", Arm::Transfer), ("direct", Arm::Direct), ("multitask", Arm::Multitask)];
/// `baseline NAME`.
pub const BASELINES: &[(&str, Baseline)] = &[("direct", Baseline::Direct)];
/// The keywords of `expect` after the comparison: `at every n`, `at largest n`, `significantly`.
pub const EXPECT_KEYWORDS: &[&str] = &["at", "every", "largest", "n", "significantly"];
/// `at every n` / `at largest n`.
pub const AT_N: &[&str] = &["every", "largest"];
/// `report by COLUMN`, `report samples`.
pub const REPORT_KINDS: &[&str] = &["by", "samples"];

/// The parameters of `law`.
pub fn law_params(law: Law) -> &'static [&'static str] {
    match law {
        Law::PowerLaw => &POWER_LAW_PARAMS,
        Law::Surface => &SURFACE_PARAMS,
    }
}

/// The laws whose fits have `name` (a parameter or a measure); empty when none has it.
pub fn laws_with(name: &str) -> Vec<Law> {
    let measured = FIT_MEASURES.iter().find(|(m, _)| *m == name).map_or(&[][..], |(_, laws)| *laws);
    LAWS.iter().map(|(_, law)| *law).filter(|law| law_params(*law).contains(&name) || measured.contains(law)).collect()
}

/// Every `expect` subject: the fit parameters (each law's in turn, without repeats), the fit
/// measures, then the arms.
pub fn expect_subjects() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    let words = LAWS
        .iter()
        .flat_map(|(_, law)| law_params(*law).iter().copied())
        .chain(FIT_MEASURES.iter().map(|(m, _)| *m))
        .chain(ARMS.iter().map(|(a, _)| *a));
    for w in words {
        if !out.contains(&w) {
            out.push(w);
        }
    }
    out
}

// ---- tables ------------------------------------------------------------------------------------

/// Table loaders: `csv("path")`, `parquet("path")`, `synthetic(...)`.
pub const LOADERS: &[&str] = &["csv", "parquet", "synthetic"];
/// Named arguments of `csv(...)`.
pub const CSV_ARGS: &[&str] = &["numeric", "delimiter"];
/// Arguments of `synthetic(...)`.
pub const SYNTHETIC_ARGS: &[&str] = &["part", "rows", "features", "bias", "noise", "seed"];
/// `synthetic(part: ...)`.
pub const SYNTHETIC_PARTS: &[(&str, SyntheticPart)] =
    &[("source", SyntheticPart::Source), ("target", SyntheticPart::Target)];
/// Operations after `|` in a table expression.
pub const TABLE_OPS: &[&str] = &["where", "join", "select", "drop", "derive", "featurize"];
/// What `featurize INPUT(COLUMN)` reads.
pub const FEATURIZE_INPUTS: &[(&str, FeaturizeInput)] =
    &[("composition", FeaturizeInput::Composition), ("smiles", FeaturizeInput::Smiles)];
/// The presets of `featurize composition(...) with PRESET`.
pub const COMPOSITION_PRESETS: &[(&str, Preset)] = &[("magpie", Preset::Magpie), ("fractions", Preset::Fractions)];
/// The presets of `featurize smiles(...) with PRESET` without arguments.
pub const SMILES_PRESETS: &[(&str, Preset)] = &[("descriptors", Preset::Descriptors)];
/// The preset with arguments: `with morgan(radius: R, bits: B, counts: true|false)`.
pub const MORGAN: &str = "morgan";
/// Arguments of `morgan(...)`.
pub const MORGAN_ARGS: &[&str] = &["radius", "bits", "counts"];
/// Settings of the `{ ... }` block after a featurizer.
pub const FEATURIZE_SETTINGS: &[&str] = &["on_error"];
/// Values of `on_error`.
pub const ON_ERROR: &[(&str, OnError)] = &[("fail", OnError::Fail), ("drop", OnError::Drop)];
/// Other keywords of table expressions: `join T on a = b`, `COLS except COLS`.
pub const TABLE_KEYWORDS: &[&str] = &["on", "except", "with"];
/// Words of `where` conditions.
pub const CONDITION_WORDS: &[&str] = &["and", "or", "not", "in"];
/// Functions of `derive NAME = EXPR`.
pub const DERIVE_FUNCTIONS: &[(&str, ArithFn)] =
    &[("log", ArithFn::Log), ("log10", ArithFn::Log10), ("exp", ArithFn::Exp), ("sqrt", ArithFn::Sqrt)];

// ---- values ------------------------------------------------------------------------------------

/// `transform x = ...` / `transform y = ...` steps (`clip` and `noclip` for inputs only).
pub const TRANSFORMS: &[(&str, TransformKind)] = &[
    ("log", TransformKind::Log),
    ("log10", TransformKind::Log10),
    ("log1p", TransformKind::Log1p),
    ("standardize", TransformKind::Standardize),
    ("yeo_johnson", TransformKind::YeoJohnson),
    ("minmax", TransformKind::MinMax),
    ("clip", TransformKind::Clip),
    ("noclip", TransformKind::NoClip),
];
/// What `transform` applies to.
pub const TRANSFORM_TARGETS: &[&str] = &["x", "y"];
/// `activation = ...` (model) and, with [`NO_ACTIVATION`], `latent_activation = ...` (encoder).
pub const ACTIVATIONS: &[(&str, Activation)] = &[
    ("relu", Activation::Relu),
    ("tanh", Activation::Tanh),
    ("sigmoid", Activation::Sigmoid),
    ("gelu", Activation::Gelu),
];
/// `latent_activation = none`: a linear latent.
pub const NO_ACTIVATION: &str = "none";

/// `latent_activation = ...`: [`NO_ACTIVATION`] (linear), then the [`ACTIVATIONS`].
pub fn latent_activations() -> Vec<(&'static str, Option<Activation>)> {
    std::iter::once((NO_ACTIVATION, None)).chain(ACTIVATIONS.iter().map(|(n, a)| (*n, Some(*a)))).collect()
}
/// `combine = ...`.
pub const COMBINES: &[(&str, Combine)] = &[
    ("abs_diff", Combine::AbsDiff),
    ("sq_diff", Combine::SqDiff),
    ("product", Combine::Product),
    ("concat", Combine::Concat),
    ("distance", Combine::Distance),
];
/// `encoder KIND(a, b)`.
pub const ENCODER_KINDS: &[(&str, ())] = &[("shared", ())];
/// `flag = ...`.
pub const BOOLEANS: &[(&str, bool)] = &[("true", true), ("false", false)];
/// `optimizer = ...`.
pub const OPTIMIZERS: &[(&str, ())] = &[("adam", ())];
/// `overlap = ...` in `source`: `allowed` silences the warning about target rows in the source.
pub const OVERLAPS: &[(&str, bool)] = &[("allowed", true), ("warn", false)];
/// `subset = ...` in `grid`.
pub const SUBSET_MODES: &[(&str, SubsetMode)] = &[("once", SubsetMode::Once), ("per_trial", SubsetMode::PerTrial)];
/// `metric = ...` in `grid`.
pub const METRICS: &[(&str, Metric)] = &[("mae", Metric::Mae), ("mae_transformed", Metric::MaeTransformed)];
/// `n = logspace(from, to, points)`.
pub const LOGSPACE: &str = "logspace";
/// Functions of `n = ...` in `grid`.
pub const N_FUNCTIONS: &[&str] = &[LOGSPACE];
/// Arguments of `logspace(from, to, points)`, in order.
pub const LOGSPACE_ARGS: &[&str] = &["from", "to", "points"];
/// `logspace(100, all, 6)`: the source size.
pub const ALL: &str = "all";

/// The names of a `(name, value)` list.
pub fn words<T>(pairs: &[(&'static str, T)]) -> Vec<&'static str> {
    pairs.iter().map(|(n, _)| *n).collect()
}

/// One group of names: its key (as in docs/language.md's *Names* table) and its names.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub key: &'static str,
    pub names: Vec<&'static str>,
}

/// Every group of the table, in the order of docs/language.md's *Names* table.
pub fn groups() -> Vec<Group> {
    let g = |key: &'static str, names: Vec<&'static str>| Group { key, names };
    vec![
        g("statements", STATEMENTS.to_vec()),
        g("source settings", SOURCE_SETTINGS.to_vec()),
        g("target settings", TARGET_SETTINGS.to_vec()),
        g("loaders", LOADERS.to_vec()),
        g("csv arguments", CSV_ARGS.to_vec()),
        g("synthetic arguments", SYNTHETIC_ARGS.to_vec()),
        g("synthetic parts", words(SYNTHETIC_PARTS)),
        g("table operations", TABLE_OPS.to_vec()),
        g("table keywords", TABLE_KEYWORDS.to_vec()),
        g("condition words", CONDITION_WORDS.to_vec()),
        g("derive functions", words(DERIVE_FUNCTIONS)),
        g("featurize inputs", words(FEATURIZE_INPUTS)),
        g("composition presets", words(COMPOSITION_PRESETS)),
        g("smiles presets", [words(SMILES_PRESETS), vec![MORGAN]].concat()),
        g("morgan arguments", MORGAN_ARGS.to_vec()),
        g("featurize settings", FEATURIZE_SETTINGS.to_vec()),
        g("on_error values", words(ON_ERROR)),
        g("transform targets", TRANSFORM_TARGETS.to_vec()),
        g("transforms", words(TRANSFORMS)),
        g("model settings", MODEL_SETTINGS.to_vec()),
        g("activations", words(ACTIVATIONS)),
        g("model declarations", MODEL_DECLARATIONS.to_vec()),
        g("encoder kinds", words(ENCODER_KINDS)),
        g("encoder settings", ENCODER_SETTINGS.to_vec()),
        g("latent activations", words(&latent_activations())),
        g("flag values", words(BOOLEANS)),
        g("combines", words(COMBINES)),
        g("head settings", HEAD_SETTINGS.to_vec()),
        g("pretrain settings", PRETRAIN_SETTINGS.to_vec()),
        g("finetune settings", FINETUNE_SETTINGS.to_vec()),
        g("direct settings", DIRECT_SETTINGS.to_vec()),
        g("optimizers", words(OPTIMIZERS)),
        g("multitask settings", MULTITASK_SETTINGS.to_vec()),
        g("grid settings", GRID_SETTINGS.to_vec()),
        g("n functions", N_FUNCTIONS.to_vec()),
        g("logspace arguments", LOGSPACE_ARGS.to_vec()),
        g("logspace words", vec![ALL]),
        g("subset modes", words(SUBSET_MODES)),
        g("metrics", words(METRICS)),
        g("overlap values", words(OVERLAPS)),
        g("baselines", words(BASELINES)),
        g("laws", words(LAWS)),
        g("fit at coordinates", FIT_AT_COORDS.to_vec()),
        g("power_law parameters", POWER_LAW_PARAMS.to_vec()),
        g("surface parameters", SURFACE_PARAMS.to_vec()),
        g("fit measures", words(FIT_MEASURES)),
        g("arms", words(ARMS)),
        g("expect subjects", expect_subjects()),
        g("expect keywords", EXPECT_KEYWORDS.to_vec()),
        g("report kinds", REPORT_KINDS.to_vec()),
        g("budget settings", BUDGET_SETTINGS.to_vec()),
        g("budget have coordinates", BUDGET_HAVE_COORDS.to_vec()),
    ]
}

/// Every name of the language once, statements first, in table order (for completion).
pub fn all_words() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for w in groups().into_iter().flat_map(|g| g.names) {
        if !out.contains(&w) {
            out.push(w);
        }
    }
    out
}

/// `` `a`, `b` or `c` `` (the form hints list names in).
pub fn listed(names: &[&str]) -> String {
    let ticked: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    match ticked.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// The settings whose value is one word of a fixed list, with that list (used by the docs test to
/// check `setting = word` examples; the checker reads the `(name, value)` lists directly).
pub fn choice_settings() -> Vec<(&'static str, Vec<&'static str>)> {
    vec![
        ("part", words(SYNTHETIC_PARTS)),
        ("activation", words(ACTIVATIONS)),
        ("latent_activation", words(&latent_activations())),
        ("flag", words(BOOLEANS)),
        ("combine", words(COMBINES)),
        ("optimizer", words(OPTIMIZERS)),
        ("subset", words(SUBSET_MODES)),
        ("metric", words(METRICS)),
        ("overlap", words(OVERLAPS)),
    ]
}

/// How docs/language.md is read against the table (the rules are also stated at the top of its
/// *Names* section):
///
/// 1. The section that starts at the line `## Names` (up to the next `## ` heading) holds a
///    table whose rows are `| KEY | NAMES |`: KEY is a group's key in plain text, NAMES the
///    group's names, each in backticks. The rows must be the groups of [`groups`], in order, each
///    with exactly the group's names (in any order).
/// 2. Every name listed there is documented in the rest of the page: it occurs as a whole word
///    (letters, digits, `_`) inside a code span or a fenced code block.
/// 3. Every code span of the rest of the page that reads `NAME = VALUE` (one `=`) names a setting,
///    argument or parameter of the table, and when NAME is a setting with a fixed list of words
///    ([`choice_settings`]) and VALUE is one word, VALUE is in that list.
#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = include_str!("../../docs/language.md");
    const GRAMMAR: &str = include_str!("../../grammar/study.pest");

    /// (the *Names* section, the rest of the page).
    fn split_doc() -> (String, String) {
        let mut names = String::new();
        let mut rest = String::new();
        let mut inside = false;
        for line in DOC.lines() {
            if line.starts_with("## ") {
                inside = line.trim_end() == "## Names";
            }
            let out = if inside { &mut names } else { &mut rest };
            out.push_str(line);
            out.push('\n');
        }
        (names, rest)
    }

    /// The text of every code span (outside fenced blocks) and every fenced code block.
    fn code_of(text: &str) -> (Vec<String>, Vec<String>) {
        let (mut spans, mut blocks) = (Vec::new(), Vec::new());
        let mut fenced: Option<String> = None;
        for line in text.lines() {
            if line.trim_start().starts_with("```") {
                match fenced.take() {
                    Some(block) => blocks.push(block),
                    None => fenced = Some(String::new()),
                }
                continue;
            }
            if let Some(block) = fenced.as_mut() {
                block.push_str(line);
                block.push('\n');
                continue;
            }
            let parts: Vec<&str> = line.split('`').collect();
            // Odd pieces are inside backticks when the line has an even number of them.
            if parts.len() % 2 == 1 {
                spans.extend(parts.iter().skip(1).step_by(2).map(std::string::ToString::to_string));
            }
        }
        (spans, blocks)
    }

    fn word_set(text: &str) -> std::collections::BTreeSet<&str> {
        text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).filter(|w| !w.is_empty()).collect()
    }

    /// The rows of the *Names* table: (key, names).
    fn doc_rows() -> Vec<(String, Vec<String>)> {
        let (names, _) = split_doc();
        assert!(!names.is_empty(), "docs/language.md has no `## Names` section");
        names
            .lines()
            .filter(|l| l.starts_with('|') && !l.starts_with("|---") && !l.starts_with("| group |"))
            .map(|l| {
                let cells: Vec<&str> = l.trim().trim_matches('|').split('|').map(str::trim).collect();
                assert_eq!(cells.len(), 2, "a row of the Names table has two cells: {l}");
                let listed: Vec<String> = cells[1].split('`').skip(1).step_by(2).map(str::to_string).collect();
                (cells[0].to_string(), listed)
            })
            .collect()
    }

    #[test]
    fn the_docs_names_section_lists_exactly_the_table() {
        let rows = doc_rows();
        let keys: Vec<&str> = rows.iter().map(|(k, _)| k.as_str()).collect();
        let table = groups();
        let table_keys: Vec<&str> = table.iter().map(|g| g.key).collect();
        assert_eq!(keys, table_keys, "the rows of docs/language.md's Names table are not the table's groups");
        let mut wrong = Vec::new();
        for ((key, listed), group) in rows.iter().zip(&table) {
            let missing: Vec<&str> = group.names.iter().copied().filter(|n| !listed.iter().any(|l| l == n)).collect();
            let extra: Vec<&str> = listed.iter().map(String::as_str).filter(|l| !group.names.contains(l)).collect();
            let mut seen = Vec::new();
            let repeated: Vec<&str> = listed
                .iter()
                .map(String::as_str)
                .filter(|l| {
                    if seen.contains(l) {
                        true
                    } else {
                        seen.push(*l);
                        false
                    }
                })
                .collect();
            if !missing.is_empty() || !extra.is_empty() || !repeated.is_empty() {
                wrong.push(format!(
                    "{key}: not in the docs {missing:?}, not in the table {extra:?}, listed twice {repeated:?}"
                ));
            }
        }
        assert!(
            wrong.is_empty(),
            "docs/language.md's Names table differs from src/syntax/names.rs:\n{}",
            wrong.join("\n")
        );
    }

    #[test]
    fn every_name_is_documented_in_code() {
        let (_, rest) = split_doc();
        let (spans, blocks) = code_of(&rest);
        let code = spans.join("\n") + "\n" + &blocks.join("\n");
        let documented = word_set(&code);
        let undocumented: Vec<String> = groups()
            .iter()
            .flat_map(|g| g.names.iter().filter(|n| !documented.contains(**n)).map(move |n| format!("{n} ({})", g.key)))
            .collect();
        assert!(
            undocumented.is_empty(),
            "names of the table that docs/language.md never shows in code: {undocumented:?}"
        );
    }

    #[test]
    fn setting_examples_in_the_docs_use_names_of_the_table() {
        let (_, rest) = split_doc();
        let (spans, _) = code_of(&rest);
        let known = all_words();
        let choices = choice_settings();
        let mut wrong = Vec::new();
        let mut checked = 0;
        for span in &spans {
            let Some((name, value)) = span.split_once('=') else { continue };
            let name = name.trim();
            if value.starts_with('=') || name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            {
                continue;
            }
            checked += 1;
            if !known.contains(&name) {
                wrong.push(format!("`{span}`: `{name}` is not a name of the language"));
                continue;
            }
            let value = value.trim();
            if let Some((_, allowed)) = choices.iter().find(|(s, _)| *s == name)
                && !value.is_empty()
                && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !allowed.contains(&value)
            {
                wrong.push(format!("`{span}`: `{value}` is not one of {allowed:?}"));
            }
        }
        assert!(checked >= 10, "the docs' `name = value` examples were not found ({checked})");
        assert!(wrong.is_empty(), "docs/language.md: {wrong:#?}");
    }

    #[test]
    fn the_grammar_keywords_and_statements_are_in_the_table() {
        let known = all_words();
        let mut keywords = Vec::new();
        for line in GRAMMAR.lines() {
            let Some(rest) = line.strip_prefix("kw_") else { continue };
            let Some((_, literal)) = rest.split_once('"') else { continue };
            let Some((word, _)) = literal.split_once('"') else { continue };
            keywords.push(word);
        }
        assert!(keywords.len() > 30, "the grammar's `kw_` rules were not found ({})", keywords.len());
        let missing: Vec<&&str> = keywords.iter().filter(|k| !known.contains(k)).collect();
        assert!(missing.is_empty(), "keywords of grammar/study.pest missing from the table: {missing:?}");

        let body = GRAMMAR.split("statement = {").nth(1).and_then(|s| s.split('}').next()).expect("statement rule");
        let statements: Vec<&str> =
            body.split('|').map(str::trim).map(|s| s.strip_suffix("_stmt").expect("an X_stmt alternative")).collect();
        assert_eq!(statements, STATEMENTS, "grammar/study.pest's statements differ from the table's");
    }

    #[test]
    fn expect_subjects_are_the_fit_quantities_and_the_arms() {
        assert_eq!(
            expect_subjects(),
            ["D", "alpha", "C", "A", "B", "beta", "eps", "r2", "mrs", "transfer", "direct", "multitask"]
        );
        assert_eq!(laws_with("alpha"), [Law::PowerLaw, Law::Surface]);
        assert_eq!(laws_with("D"), [Law::PowerLaw]);
        assert_eq!(laws_with("eps"), [Law::Surface]);
        assert_eq!(laws_with("r2"), [Law::PowerLaw, Law::Surface]);
        assert_eq!(laws_with("mrs"), [Law::Surface]);
        assert!(laws_with("transfer").is_empty());
    }

    #[test]
    fn listed_joins_like_prose() {
        assert_eq!(listed(&["a"]), "`a`");
        assert_eq!(listed(&["a", "b", "c"]), "`a`, `b` or `c`");
    }
}
