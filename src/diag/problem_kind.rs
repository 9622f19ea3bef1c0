//! Every kind of problem a study can have: its stable code (`sim2real::<code>`) and its message.
//!
//! One variant per code. A variant whose code has one message shape carries the data that message
//! needs and formats it here; a variant whose code covers a family of messages (`type`,
//! `missing`, `duplicate`, ...) carries the message its call site wrote. docs/errors.md lists
//! every code with its meaning and what to do; a test below checks that the list and this enum
//! agree.

use thiserror::Error;

/// What is wrong with a study; [`super::Problem`] adds where (span, label) and a help line.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ProblemKind {
    /// The text does not follow the grammar (unclosed string, unknown escape, misplaced token).
    #[error("{0}")]
    Syntax(String),
    /// A statement starts with a word that is no statement keyword.
    #[error("unknown statement `{word}`")]
    UnknownStatement { word: String },
    /// Brackets nested deeper than the parser allows.
    #[error("brackets are nested more than {max} levels deep")]
    TooDeep { max: usize },
    /// The study file is not valid UTF-8.
    #[error("the study file is not valid UTF-8")]
    Encoding,
    /// A bug in sim2real (the message starts with "internal error: ").
    #[error("internal error: {0}")]
    Internal(String),
    /// A value of the wrong kind (a word where a number belongs, a wrong argument count).
    #[error("{0}")]
    Type(String),
    /// A number or text outside the values allowed there.
    #[error("{0}")]
    OutOfRange(String),
    /// A list that must not be empty is empty.
    #[error("{0}")]
    Empty(String),
    /// A required statement, setting or argument is absent.
    #[error("{0}")]
    Missing(String),
    /// Something declared, set or listed twice.
    #[error("{0}")]
    Duplicate(String),
    /// A setting or argument name that does not exist (or does not apply) where it is written.
    #[error("{0}")]
    UnknownSetting(String),
    /// A word value (activation, arm, transform, report, ...) that is not one of the known ones.
    #[error("{0}")]
    UnknownValue(String),
    /// A function or table loader that does not exist.
    #[error("{0}")]
    UnknownFunction(String),
    /// A table name that is not declared (or not yet).
    #[error("{0}")]
    UnknownTable(String),
    /// A table whose definition uses itself.
    #[error("table `{table}` refers to itself")]
    Cycle { table: String },
    /// Two statements that cannot be used together.
    #[error("{0}")]
    Conflict(String),
    /// A statement or input that has no effect in this study.
    #[error("{0}")]
    Unused(String),
    /// A model part names an input that is not declared.
    #[error("{used_by} uses `{input}`, which is not a declared input")]
    UnknownInput { used_by: String, input: String },
    /// `group` on the source, which is never split.
    #[error("`group` has no meaning on the source")]
    SourceGroup,
    /// Loading, filtering, joining or converting the data failed (the message names file, column, row).
    #[error("{0}")]
    Data(String),
    /// An x selection or input pattern that matches no column.
    #[error("{0}")]
    EmptySelection(String),
    /// The label column is also selected as an input.
    #[error("the label `{label}` is also an x column")]
    LabelInFeatures { label: String },
    /// Source and target do not select the same input columns.
    #[error("{0}")]
    FeatureMismatch(String),
    /// The two inputs of a shared encoder match no common column.
    #[error("the encoder's inputs `{a}` and `{b}` have no columns in common in the {role}")]
    NoAlignment { a: String, b: String, role: String },
    /// A table with too few rows to split into train, validation and test.
    #[error("table `{table}` has {rows} rows; at least 3 are needed to split")]
    TooFewRows { table: String, rows: usize },
    /// A transform that cannot be fitted on the values of a column.
    #[error("transform {what} cannot be applied to column `{column}` of `{table}`{row}: {reason}")]
    TransformDomain { what: String, column: String, table: String, row: String, reason: String },
    /// A grid with too few values, or values too small to train on.
    #[error("{0}")]
    GridTooSmall(String),
    /// A grid value larger than the data has rows for.
    #[error("{0}")]
    GridBeyondData(String),
    /// The `budget` cannot be planned on the fitted surface (goal at or below its floor, no
    /// usable surface); found after the run.
    #[error("{0}")]
    Budget(String),
}

/// Every code, in the order of docs/errors.md.
pub const CODES: &[&str] = &[
    "syntax",
    "unknown_statement",
    "too_deep",
    "encoding",
    "internal",
    "type",
    "out_of_range",
    "empty",
    "missing",
    "duplicate",
    "unknown_setting",
    "unknown_value",
    "unknown_function",
    "unknown_table",
    "cycle",
    "conflict",
    "unused",
    "unknown_input",
    "source_group",
    "data",
    "empty_selection",
    "label_in_features",
    "feature_mismatch",
    "no_alignment",
    "too_few_rows",
    "transform_domain",
    "grid_too_small",
    "grid_beyond_data",
    "budget",
];

impl ProblemKind {
    /// The full diagnostic code, e.g. `sim2real::unknown_table`.
    pub fn code(&self) -> &'static str {
        use ProblemKind::*;
        match self {
            Syntax(_) => "sim2real::syntax",
            UnknownStatement { .. } => "sim2real::unknown_statement",
            TooDeep { .. } => "sim2real::too_deep",
            Encoding => "sim2real::encoding",
            Internal(_) => "sim2real::internal",
            Type(_) => "sim2real::type",
            OutOfRange(_) => "sim2real::out_of_range",
            Empty(_) => "sim2real::empty",
            Missing(_) => "sim2real::missing",
            Duplicate(_) => "sim2real::duplicate",
            UnknownSetting(_) => "sim2real::unknown_setting",
            UnknownValue(_) => "sim2real::unknown_value",
            UnknownFunction(_) => "sim2real::unknown_function",
            UnknownTable(_) => "sim2real::unknown_table",
            Cycle { .. } => "sim2real::cycle",
            Conflict(_) => "sim2real::conflict",
            Unused(_) => "sim2real::unused",
            UnknownInput { .. } => "sim2real::unknown_input",
            SourceGroup => "sim2real::source_group",
            Data(_) => "sim2real::data",
            EmptySelection(_) => "sim2real::empty_selection",
            LabelInFeatures { .. } => "sim2real::label_in_features",
            FeatureMismatch(_) => "sim2real::feature_mismatch",
            NoAlignment { .. } => "sim2real::no_alignment",
            TooFewRows { .. } => "sim2real::too_few_rows",
            TransformDomain { .. } => "sim2real::transform_domain",
            GridTooSmall(_) => "sim2real::grid_too_small",
            GridBeyondData(_) => "sim2real::grid_beyond_data",
            Budget(_) => "sim2real::budget",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ProblemKind::*;
    use super::*;
    use std::collections::BTreeSet;

    /// One value of every variant. The match in `every_variant_has_an_example` fails to compile
    /// when a variant is added, pointing here.
    fn examples() -> Vec<ProblemKind> {
        let s = || String::from("m");
        vec![
            Syntax(s()),
            UnknownStatement { word: s() },
            TooDeep { max: 1 },
            Encoding,
            Internal(s()),
            Type(s()),
            OutOfRange(s()),
            Empty(s()),
            Missing(s()),
            Duplicate(s()),
            UnknownSetting(s()),
            UnknownValue(s()),
            UnknownFunction(s()),
            UnknownTable(s()),
            Cycle { table: s() },
            Conflict(s()),
            Unused(s()),
            UnknownInput { used_by: s(), input: s() },
            SourceGroup,
            Data(s()),
            EmptySelection(s()),
            LabelInFeatures { label: s() },
            FeatureMismatch(s()),
            NoAlignment { a: s(), b: s(), role: s() },
            TooFewRows { table: s(), rows: 1 },
            TransformDomain { what: s(), column: s(), table: s(), row: s(), reason: s() },
            GridTooSmall(s()),
            GridBeyondData(s()),
            Budget(s()),
        ]
    }

    #[test]
    fn every_variant_has_an_example() {
        for k in examples() {
            // Exhaustive on purpose: a new variant must be added to `examples` and `CODES`.
            match k {
                Syntax(_)
                | UnknownStatement { .. }
                | TooDeep { .. }
                | Encoding
                | Internal(_)
                | Type(_)
                | OutOfRange(_)
                | Empty(_)
                | Missing(_)
                | Duplicate(_)
                | UnknownSetting(_)
                | UnknownValue(_)
                | UnknownFunction(_)
                | UnknownTable(_)
                | Cycle { .. }
                | Conflict(_)
                | Unused(_)
                | UnknownInput { .. }
                | SourceGroup
                | Data(_)
                | EmptySelection(_)
                | LabelInFeatures { .. }
                | FeatureMismatch(_)
                | NoAlignment { .. }
                | TooFewRows { .. }
                | TransformDomain { .. }
                | GridTooSmall(_)
                | GridBeyondData(_)
                | Budget(_) => {}
            }
        }
    }

    #[test]
    fn codes_are_unique_and_match_the_enum_in_order() {
        let from_enum: Vec<&str> =
            examples().iter().map(|k| k.code().strip_prefix("sim2real::").expect("prefixed")).collect();
        assert_eq!(from_enum, CODES, "CODES lists the variants' codes in declaration order");
        let unique: BTreeSet<&str> = CODES.iter().copied().collect();
        assert_eq!(unique.len(), CODES.len(), "a code is used by two variants");
    }

    #[test]
    fn docs_list_every_code_once() {
        let doc = include_str!("../../docs/errors.md");
        // Each code has a heading "### `sim2real::CODE`".
        let documented: Vec<&str> = doc
            .lines()
            .filter_map(|l| l.strip_prefix("### `sim2real::"))
            .map(|l| l.strip_suffix('`').unwrap_or_else(|| panic!("heading not closed: {l}")))
            .collect();
        assert_eq!(documented, CODES, "docs/errors.md lists exactly the codes of ProblemKind, in its order");
    }

    #[test]
    fn messages_are_formatted_by_the_kind() {
        assert_eq!(UnknownStatement { word: "modle".into() }.to_string(), "unknown statement `modle`");
        assert_eq!(
            TooFewRows { table: "t".into(), rows: 2 }.to_string(),
            "table `t` has 2 rows; at least 3 are needed to split"
        );
        assert_eq!(Internal("boom".into()).to_string(), "internal error: boom");
        assert_eq!(Encoding.code(), "sim2real::encoding");
    }
}
