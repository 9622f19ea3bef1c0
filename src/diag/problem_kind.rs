//! Everything sim2real can tell a user about a study: each kind of problem, its message and its
//! stable code (`sim2real::<code>`).
//!
//! One variant per message: a variant carries the data its message names (a keyword, a count, a
//! file, a row) and formats it here, so this file reads as the list of everything a user can be
//! told. Several variants share a code: `code()` groups them into the 28 families of
//! docs/errors.md (a test checks that the list and this enum agree). Only a few variants carry
//! text written elsewhere, and only inside a fixed frame: the message of an outside library (the
//! parser generator, the CSV and parquet readers, the file system) in a `detail` field, and
//! fragments that name data (a value's kind, an allowed range, a list of cells).
//!
//! The variants are grouped by the stage that finds them, in the order a study meets them.

use thiserror::Error;

use crate::ir::Law;

/// What is wrong with a study; [`super::Problem`] adds where (span, label) and a help line.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ProblemKind {
    // ---- The text (syntax/) --------------------------------------------------------------------
    /// The parser generator's own message where no better one could be given.
    #[error("syntax error: {detail}")]
    ParserMessage { detail: String },
    /// A string runs to the end of its line.
    #[error("this string is not closed")]
    UnclosedString,
    /// A token where another was expected; `expected` lists what could come there.
    #[error("expected {expected}, found {found}")]
    Expected { expected: String, found: String },
    /// A backslash escape strings do not know.
    #[error("unknown escape `\\{escape}` in a string")]
    UnknownEscape { escape: char },
    /// The parser failed without saying where.
    #[error("the study could not be parsed")]
    Unparsable,
    /// Two statements on one line.
    #[error("`{keyword}` starts on the same line as the previous statement")]
    StatementOnSameLine { keyword: String },
    /// The text could not be cut into statements.
    #[error("the study could not be split into statements")]
    Unsplittable,
    /// A statement starts with a word that is no statement keyword.
    #[error("unknown statement `{word}`")]
    UnknownStatement { word: String },
    /// Brackets nested deeper than the parser allows.
    #[error("brackets are nested more than {max} levels deep")]
    TooDeep { max: usize },
    /// The study file is not valid UTF-8.
    #[error("the study file is not valid UTF-8")]
    Encoding,
    /// A grammar rule the lowering does not know (a bug).
    #[error("internal error: unexpected {rule} in the syntax tree")]
    UnexpectedSyntaxNode { rule: String },
    /// The formatter's own parse of a study the parser accepted failed (a bug).
    #[error("internal error: the formatter could not read a study the parser accepted")]
    FormatterParse,

    // ---- The study's statements (check/checker.rs) ---------------------------------------------
    /// The checker failed without recording a problem (a bug).
    #[error("internal error: the study was rejected without a reason")]
    RejectedWithoutReason,
    /// A statement a study has at most once, written twice.
    #[error("`{keyword}` is declared twice")]
    StatementTwice { keyword: String },
    #[error("the study name is empty")]
    EmptyStudyName,
    /// `transform` of something other than `x` or `y`.
    #[error("cannot transform `{name}`")]
    UntransformableTarget { name: String },
    #[error("`direct` sets the training of a baseline the study does not run")]
    DirectWithoutBaseline,
    #[error("table `{table}` is declared twice")]
    TableTwice { table: String },
    /// A statement that `multitask` replaces.
    #[error("`{keyword}` cannot be used with `multitask`")]
    MultitaskConflict { keyword: String },
    #[error("`multitask` needs a model with a shared `encoder`")]
    MultitaskWithoutEncoder,
    /// One of the statements every study needs (`source`, `target`, `grid`).
    #[error("the study has no `{keyword}` statement")]
    MissingStatement { keyword: String },

    // ---- Values and settings (check/values.rs, check/settings.rs) ------------------------------
    /// A value of the wrong kind; `found` names the kind written ("a string", "a list", ...).
    #[error("{what} must be {expected}, found {found}")]
    WrongType { what: String, expected: String, found: String },
    /// A number outside the values allowed; `must` says which ("at least 1", "in (0, 1)").
    #[error("{what} must be {must}, found {found}")]
    NotInRange { what: String, must: String, found: String },
    #[error("{what} must be a whole number, found `{found}`")]
    NotWholeNumber { what: String, found: String },
    /// A word that is not one of a fixed set (activation, arm, transform, ...).
    #[error("unknown {what} `{found}`")]
    UnknownChoice { what: String, found: String },
    /// `block` is e.g. "`pretrain`".
    #[error("unknown setting `{name}` in {block}")]
    UnknownSetting { name: String, block: String },
    #[error("`{name}` is set twice in {block}")]
    SettingTwice { name: String, block: String },

    // ---- Tables (check/tables.rs, check/roles.rs) ----------------------------------------------
    /// A table whose definition uses itself.
    #[error("table `{table}` refers to itself")]
    Cycle { table: String },
    #[error("table `{table}` is used before it is declared")]
    TableUsedBeforeDeclared { table: String },
    #[error("unknown table `{table}`")]
    UnknownTable { table: String },
    #[error("unknown table loader `{name}`")]
    UnknownLoader { name: String },
    #[error("unknown `csv` argument `{name}`")]
    UnknownCsvArgument { name: String },
    #[error("unknown `synthetic` argument `{name}`")]
    UnknownSyntheticArgument { name: String },
    /// A named argument of a loader given twice.
    #[error("`{name}` is given twice")]
    ArgumentTwice { name: String },
    #[error("the path is empty")]
    EmptyPath,
    /// `csv(...)` or `parquet(...)` without exactly one path.
    #[error("`{loader}` takes one argument: the file path")]
    LoaderArgumentCount { loader: String },
    #[error("`synthetic` arguments must be named")]
    UnnamedSyntheticArgument,
    #[error("`synthetic` needs `part: source` or `part: target`")]
    SyntheticWithoutPart,
    #[error("`bias` only applies to `part: source`")]
    BiasOnTarget,
    /// `where column in []`.
    #[error("`{column} in []` lists no values")]
    EmptyInList { column: String },
    /// `role` is "the source" or "the target".
    #[error("{role} has no `x` (the input columns)")]
    RoleWithoutX { role: String },
    #[error("{role} has no `y` (the label column)")]
    RoleWithoutY { role: String },
    #[error("{what} is an empty list of columns")]
    EmptyColumnList { what: String },
    /// `group` on the source, which is never split.
    #[error("`group` has no meaning on the source")]
    SourceGroup,
    /// A label transform that only applies to inputs (`clip`).
    #[error("`{name}` applies to inputs only")]
    InputOnlyTransform { name: String },
    /// `featurize INPUT(...)` where INPUT is not `composition`.
    #[error("unknown featurizer input `{name}`")]
    UnknownFeaturizerInput { name: String },
    #[error("`{input}` takes one argument: the column")]
    FeaturizerInputArguments { input: String },
    #[error("the preset `{preset}` takes no arguments")]
    PresetArguments { preset: String },
    /// An argument of `morgan(...)` that is not `radius`, `bits` or `counts`, or not named.
    #[error("unknown `{preset}` argument `{name}`")]
    UnknownPresetArgument { preset: String, name: String },
    #[error("`{preset}` needs `{name}`")]
    PresetArgumentMissing { preset: String, name: String },

    // ---- The model (check/blocks.rs, check/pair.rs) --------------------------------------------
    #[error("`hidden` must list at least one layer width")]
    EmptyHidden,
    #[error("`freeze` only applies to `finetune`")]
    FreezeOutsideFinetune,
    #[error("`freeze` must be at most {layers}, the number of hidden layers, found {freeze}")]
    FreezeTooDeep { freeze: usize, layers: usize },
    #[error("`combine` needs a shared `encoder`")]
    CombineWithoutEncoder,
    /// A plain-network setting (`hidden`, ...) in a model with an encoder.
    #[error("`{name}` does not apply to a model with an `encoder`")]
    SettingWithEncoder { name: String },
    #[error("a model with `input`s or a `head` needs an `encoder`")]
    InputsWithoutEncoder,
    #[error("a model has one `encoder`")]
    SecondEncoder,
    #[error("a model has one `head` (multitask trains one copy per task)")]
    SecondHead,
    #[error("input `{input}` is used by neither the encoder nor the head")]
    UnusedInput { input: String },
    #[error("input `{input}` is declared twice")]
    InputTwice { input: String },
    /// A model part names an input that is not declared.
    #[error("{used_by} uses `{input}`, which is not a declared input")]
    UnknownInput { used_by: String, input: String },
    #[error("the encoder's two inputs are the same")]
    EncoderSameInputs,
    #[error("a shared encoder takes two inputs, found {found}")]
    EncoderInputCount { found: usize },
    #[error("the encoder has no `latent` (the width of its output)")]
    EncoderWithoutLatent,
    /// A name listed twice in a model part's inputs.
    #[error("`{name}` is listed twice")]
    ListedTwice { name: String },

    // ---- The grid (check/grid.rs) --------------------------------------------------------------
    #[error("the grid has no `n`")]
    GridWithoutN,
    #[error("unknown function `{name}` for `n`")]
    UnknownGridFunction { name: String },
    #[error("`logspace` takes three arguments: from, to, points")]
    LogspaceArgumentCount,
    #[error("unknown `logspace` argument `{name}`")]
    UnknownLogspaceArgument { name: String },
    #[error("`{name}` of `logspace` is given twice")]
    LogspaceArgumentTwice { name: String },
    #[error("`logspace` needs `{name}`")]
    LogspaceArgumentMissing { name: String },
    #[error("`logspace` goes from {from} down to {to}; `from` must not exceed `to`")]
    LogspaceDescending { from: usize, to: usize },
    /// `what` is e.g. "`n`".
    #[error("{what} is an empty list")]
    EmptyGridList { what: String },
    /// A count or fraction listed twice in `n` or `m`.
    #[error("{what} lists {value} twice")]
    GridValueTwice { what: String, value: f64 },
    /// A count in `m` below the smallest trainable one.
    #[error("m = {m} is too few target rows to train and validate on")]
    MTooFew { m: usize },
    #[error("`m` mixes fractions and counts")]
    MMixesFractionsAndCounts,

    // ---- Expectations (check/expect.rs) --------------------------------------------------------
    #[error("`at (n = ..., m = ...)` only applies to `fit surface`")]
    AtOnlyForSurface,
    #[error("the exchange-rate point needs `{name}`")]
    ExchangePointMissing { name: String },
    #[error("unknown expectation subject `{subject}`")]
    UnknownSubject { subject: String },
    #[error("`significantly` only applies to arm comparisons; `{name}` is a fit parameter")]
    SignificantlyOnParameter { name: String },
    #[error("`{name}` is a fit parameter; `at ... n` only applies to arm comparisons")]
    AtNOnParameter { name: String },
    #[error("`{name}` must be compared with a number, found `{found}`")]
    ParameterComparedWithName { name: String, found: String },
    /// A fit parameter checked in a study without the fit (`law`) it belongs to (`None`: any fit).
    #[error("`expect {name} ...` needs {}", fit_needed(.law))]
    ExpectWithoutFit { name: String, law: Option<Law> },
    #[error("`{arm}` must be compared with the other arm, found a number")]
    ArmComparedWithNumber { arm: String },
    #[error("an arm comparison needs `at every n` or `at largest n`")]
    ArmComparisonWithoutAt,
    #[error("this study has no `{arm}` arm")]
    ArmNotTrained { arm: String },
    #[error("this compares the `{arm}` arm with itself")]
    ArmWithItself { arm: String },
    #[error("comparing with the `direct` arm needs `baseline direct`")]
    DirectArmWithoutBaseline,
    #[error("`significantly` needs a direction (`<`, `<=`, `>` or `>=`), found `{op}`")]
    SignificantlyWithoutDirection { op: String },

    // ---- Reports (check/report.rs) -------------------------------------------------------------
    #[error("`report by` is declared twice")]
    ReportByTwice,
    #[error("`report samples` is declared twice")]
    ReportSamplesTwice,
    #[error("the column name is empty")]
    EmptyColumnName,
    #[error("`report by` needs a column")]
    ReportByWithoutColumn,
    #[error("unknown report `{name}`")]
    UnknownReport { name: String },

    // ---- The budget (check/budget.rs; exec/budget.rs after the fits) -----------------------------
    #[error("`budget` needs `fit surface`")]
    BudgetWithoutSurface,
    #[error("`budget` needs `{name}`")]
    BudgetSettingMissing { name: String },
    #[error("`budget` sets both `goal` and `spend`")]
    BudgetGoalAndSpend,
    #[error("`budget` needs `goal` or `spend`")]
    BudgetWithoutGoal,
    #[error("`have` needs `{name}`")]
    HaveCoordinateMissing { name: String },
    /// Found after the run: the goal is at or below the surface's floor, or no usable surface;
    /// `why` is the planner's reason (fit/budget.rs).
    #[error("{why} (the budget cannot be planned)")]
    BudgetUnplannable { why: String },

    // ---- Loading and shaping the data (data/) --------------------------------------------------
    // `file` and `table` name a table as the study wrote it (a path, or a generator's call).
    #[error("empty data file path")]
    EmptyDataPath,
    #[error("data file `{path}` not found")]
    DataFileNotFound { path: String },
    /// A relative path found neither beside the study (`near_study`) nor in the data folder.
    #[error("data file `{path}` not found: looked at {near_study} and {in_data}")]
    DataFileNotFoundIn { path: String, near_study: String, in_data: String },
    /// The file system's message in `detail`.
    #[error("cannot read {file} ({path}): {detail}")]
    CsvUnreadable { file: String, path: String, detail: String },
    #[error("{file} is empty: expected a header row")]
    CsvWithoutHeader { file: String },
    #[error("{file}: column {column} of the header (line {line}) has no name")]
    CsvUnnamedColumn { file: String, column: usize, line: usize },
    #[error("`numeric:` names `{column}`, but {file} has no such column")]
    NumericWithoutColumn { column: String, file: String },
    #[error("{file}: line {line} has {fields} fields, but the header (line {header_line}) has {columns}")]
    CsvLineWidth { file: String, line: usize, fields: usize, header_line: usize, columns: usize },
    #[error("{file} has a header but no rows")]
    CsvWithoutRows { file: String },
    /// `field` is 1-based; `column` is its header name once the header is read.
    #[error("{file}:{} field {field}{} is not valid UTF-8", line_part(.line), column_part(.column))]
    CsvNotUtf8 { file: String, line: Option<usize>, field: usize, column: Option<String> },
    /// The CSV reader's message in `detail`.
    #[error("{file}: cannot read line {line}: {detail}")]
    CsvLineUnreadable { file: String, line: usize, detail: String },
    #[error("{file}: cannot read: {detail}")]
    CsvRecordUnreadable { file: String, detail: String },
    /// The file system's message in `detail`.
    #[error("{file}: cannot open {path}: {detail}")]
    ParquetCannotOpen { file: String, path: String, detail: String },
    /// The parquet reader's message in `detail` (also for the three below).
    #[error("{file}: not a readable parquet file: {detail}")]
    ParquetUnreadable { file: String, detail: String },
    #[error("{file}: cannot read rows: {detail}")]
    ParquetRowsUnreadable { file: String, detail: String },
    #[error("{file}: cannot read row {row}: {detail}")]
    ParquetRowUnreadable { file: String, row: usize, detail: String },
    #[error("{file}: the file has no columns")]
    ParquetWithoutColumns { file: String },
    #[error("{file}: the file has no rows")]
    ParquetWithoutRows { file: String },
    #[error("{file}: row {row} has {fields} fields, the schema {columns}")]
    ParquetRowWidth { file: String, row: usize, fields: usize, columns: usize },
    /// `found` names the parquet type (e.g. "a date").
    #[error("{file}: column `{column}` has unsupported values ({found}) at row {row}")]
    ParquetUnsupported { file: String, column: String, found: String, row: usize },
    #[error("{table}: rows must be at least 1")]
    SyntheticWithoutRows { table: String },
    #[error("{table}: features must be at least 1")]
    SyntheticWithoutFeatures { table: String },
    #[error("{table}: bias must be a finite number")]
    SyntheticBiasNotFinite { table: String },
    #[error("{table}: noise must be a finite number ≥ 0")]
    SyntheticNoiseOutOfRange { table: String },
    /// A table name not among those evaluated so far.
    #[error("unknown table `{table}`")]
    TableNotLoaded { table: String },
    #[error("column `{column}` of {table} has {cells} cells, expected {rows}")]
    ColumnLength { column: String, table: String, cells: usize, rows: usize },
    /// A derived column of the wrong length.
    #[error("column `{column}` has {cells} cells, expected {rows}")]
    DerivedColumnLength { column: String, cells: usize, rows: usize },
    #[error("{table} has two columns named `{column}`")]
    ColumnNamedTwice { table: String, column: String },
    #[error("{table}: {lines} line numbers for {rows} rows")]
    LineNumbersMismatch { table: String, lines: usize, rows: usize },
    /// A header name at several 1-based `positions`.
    #[error(
        "{table}: column name `{column}` appears {} times in the header (line {line}, columns {}), so the study cannot tell which one it means",
        .positions.len(), join(.positions)
    )]
    HeaderNameRepeated { table: String, column: String, line: usize, positions: Vec<usize> },
    #[error("{table} has no column `{column}`")]
    NoSuchColumn { table: String, column: String },
    #[error("`{pattern}` matches no column of {table}")]
    PatternMatchesNoColumn { pattern: String, table: String },
    #[error("this column set selects no columns of {table}")]
    ColumnSetSelectsNothing { table: String },
    #[error("{table} already has a column `{column}`")]
    ColumnExists { table: String, column: String },
    /// One bad cell; `at` is e.g. "line 12" or "row 3".
    #[error("column `{column}` of {table} {fault} at {at}")]
    BadCell { column: String, table: String, fault: CellFault, at: String },
    /// `why` counts and lists the cells that are not numbers.
    #[error("column `{column}` of {table} is not numeric: {why}, so it was read as text")]
    ReadAsText { column: String, table: String, why: String },
    #[error("type mismatch: column `{column}` of {table} is numeric, but \"{value}\" is a string")]
    NumericComparedWithString { column: String, table: String, value: String },
    #[error("type mismatch: column `{column}` of {table} is text, but {value} is a number")]
    TextComparedWithNumber { column: String, table: String, value: f64 },
    /// As above for a column that is mostly numbers; `why` lists the other cells.
    #[error("type mismatch: column `{column}` of {table} is read as text because {why}, but {value} is a number")]
    MostlyNumbersComparedWithNumber { column: String, table: String, why: String, value: f64 },
    #[error("this condition keeps none of the {rows} rows of {table}")]
    ConditionKeepsNothing { rows: usize, table: String },
    #[error("a join needs at least one `left = right` key pair")]
    JoinWithoutKeys,
    /// Shows the first few shared columns and counts the rest.
    #[error("join of {left} with {right}: {}", clash_list(.columns))]
    JoinColumnClash { left: String, right: String, columns: Vec<String> },
    /// `key` shows the key's values, e.g. "`id` = 3, `gas` = \"CO2\"".
    #[error("join key {key} occurs twice in {table} ({first} and {second}); right rows must be unique per key")]
    JoinKeyTwice { key: String, table: String, first: String, second: String },
    /// `parquet(...)` on a file without Parquet's `PAR1` magic bytes (a CSV file, say).
    #[error("{file} is not a Parquet file ({})", if *.empty { "it is empty" } else { "it does not begin and end with `PAR1`" })]
    NotParquet { file: String, empty: bool },
    #[error("column `{column}` of {table} holds numbers, not chemical formulas")]
    FormulaColumnIsNumeric { column: String, table: String },
    #[error("no cell of column `{column}` of {table} is a formula")]
    NoFormulas { column: String, table: String },
    #[error("column `{column}` of {table} holds numbers, not SMILES")]
    SmilesColumnIsNumeric { column: String, table: String },
    #[error("no cell of column `{column}` of {table} is a SMILES that can be read")]
    NoSmiles { column: String, table: String },
    #[error("this join matches none of the {left_rows} rows of {left} with the {right_rows} rows of {right}")]
    JoinMatchesNothing { left_rows: usize, left: String, right_rows: usize, right: String },
    #[error("this drops every column of {table}")]
    DropsEveryColumn { table: String },

    // ---- Binding the data to the study (plan/prepare.rs, plan/pair_layout.rs) ------------------
    /// A role's table is not among the loaded tables.
    #[error("no table `{table}`")]
    UndeclaredTable { table: String },
    /// `role` is "source" or "target".
    #[error("the {role}'s x selects no columns")]
    XSelectsNothing { role: String },
    #[error("input `{input}`: `{pattern}` matches none of the {role}'s x columns")]
    InputMatchesNothing { input: String, pattern: String, role: String },
    /// The label column is also selected as an input.
    #[error("the label `{label}` is also an x column")]
    LabelInFeatures { label: String },
    #[error("the source has {in_source} feature columns but the target has {in_target}")]
    FeatureCountsDiffer { in_source: usize, in_target: usize },
    /// Widths of the encoder's two inputs and of the head's input, in the source and the target.
    #[error(
        "the model's inputs are {} + {} + {} columns wide in the source but {} + {} + {} in the target",
        .in_source[0], .in_source[1], .in_source[2], .in_target[0], .in_target[1], .in_target[2]
    )]
    InputWidthsDiffer { in_source: [usize; 3], in_target: [usize; 3] },
    /// The same x columns in another order; `column` is the 1-based position of the first difference.
    #[error(
        "the source and the target select the same x columns in a different order (from column {column}: `{in_source}` in the source, `{in_target}` in the target)"
    )]
    XColumnsReordered { column: usize, in_source: String, in_target: String },
    #[error("the source's and the target's x columns differ by name: {}", columns_only_in(.only_in_source, .only_in_target))]
    XColumnsDiffer { only_in_source: Vec<String>, only_in_target: Vec<String> },
    /// The two inputs of a shared encoder match no common column.
    #[error("the encoder's inputs `{a}` and `{b}` have no columns in common in the {role}")]
    NoAlignment { a: String, b: String, role: String },
    /// A table with too few rows to split into train, validation and test.
    #[error("table `{table}` has {rows} rows; at least 3 are needed to split")]
    TooFewRows { table: String, rows: usize },
    /// A transform that cannot be fitted on the values of a column; `reason` is the transform
    /// stage's account (e.g. "log needs values > 0, got -3"), `row` e.g. ", row 17" or empty.
    #[error("transform {what} cannot be applied to column `{column}` of `{table}`{row}: {reason}")]
    TransformDomain { what: String, column: String, table: String, row: String, reason: String },

    // ---- The grid against the data (plan/build.rs) ---------------------------------------------
    /// A fraction of the target that resolves to fewer rows than a trial needs.
    #[error("m = {m} is too few target rows to train and validate on")]
    MResolvesTooFew { m: usize },
    #[error("n = {n} is too small to train on")]
    NTooSmall { n: usize },
    #[error("`fit power_law` needs at least {min} values of n (it fits D, α and C); this grid has {} ({})", .ns.len(), join(.ns))]
    TooFewNForPowerLaw { min: usize, ns: Vec<usize> },
    #[error("`fit surface` needs at least 3 values of n and 3 of m; this grid has {n_values} and {m_values}")]
    TooFewForSurface { n_values: usize, m_values: usize },
    /// A trial whose m rows cannot give whole validation groups and `min_train` training rows;
    /// `more_trials` other trials fail the same way.
    #[error(
        "trial {trial}{} cannot train the {arm} arm on m = {m} rows: they belong to {groups} group{} of {group_columns}, and early-stopping \
         validation takes whole groups while leaving at least {min_train} rows to train",
        and_more_trials(*.more_trials), plural(*.groups)
    )]
    NoValidationGroups {
        trial: usize,
        more_trials: usize,
        arm: String,
        m: usize,
        groups: usize,
        group_columns: String,
        min_train: usize,
    },
    #[error("the n grid is empty for this source")]
    EmptyNGrid,
    #[error("m = {m} is more than the {part} target rows trial {trial} has left for training")]
    MBeyondTrial { m: usize, part: usize, trial: usize },
    #[error("m = {m} is more than the {part} target rows left for training after the test split")]
    MBeyondTrainPart { m: usize, part: usize },
}

/// What is wrong with one cell of a table ([`ProblemKind::BadCell`]).
#[derive(Debug, Clone, PartialEq, Error)]
pub enum CellFault {
    #[error("has a missing value")]
    Missing,
    #[error("has a missing value (empty cell or NaN)")]
    MissingOrNaN,
    #[error("is text, not numbers, and has a missing value")]
    TextWithMissing,
    #[error("has a non-finite value `{0}`")]
    NotFinite(f64),
    #[error("is not numeric: value `{0}`")]
    NotNumeric(String),
    /// A formula `featurize composition(...)` cannot read; `why` is the parser's reason, naming
    /// the character where the problem starts.
    #[error("holds `{text}`, which is not a formula ({why})")]
    NotAFormula { text: String, why: String },
    #[error("is missing a formula")]
    MissingFormula,
    /// A SMILES `featurize smiles(...)` cannot read; `why` is the reader's reason, naming the
    /// character where the problem starts.
    #[error("holds `{text}`, which is not a valid SMILES ({why})")]
    NotSmiles { text: String, why: String },
    #[error("is missing a SMILES")]
    MissingSmiles,
    /// The reason from evaluating the `derive` expression (e.g. "log of -1").
    #[error("cannot be derived: {0}")]
    NotDerivable(String),
}

/// "`a`, `b`".
fn ticked(names: &[String]) -> String {
    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}

/// Names shown of a long list of clashing join columns; the rest are counted.
const CLASHES_SHOWN: usize = 5;

/// "both tables have the column `a`", "… the columns `a`, `b`", or with more than
/// [`CLASHES_SHOWN`]: "both tables have 170 columns in common: `a`, …, `e` and 165 more".
fn clash_list(columns: &[String]) -> String {
    let shown = ticked(&columns[..columns.len().min(CLASHES_SHOWN)]);
    match columns.len() {
        1 => format!("both tables have the column {shown}"),
        k if k <= CLASHES_SHOWN => format!("both tables have the columns {shown}"),
        k => format!("both tables have {k} columns in common: {shown} and {} more", k - CLASHES_SHOWN),
    }
}

/// " line 3", or nothing.
fn line_part(line: &Option<usize>) -> String {
    line.map(|l| format!(" line {l}")).unwrap_or_default()
}

/// " (column `b`)", or nothing.
fn column_part(column: &Option<String>) -> String {
    column.as_ref().map(|c| format!(" (column `{c}`)")).unwrap_or_default()
}

/// The fit an expectation about a fit parameter needs.
fn fit_needed(law: &Option<Law>) -> &'static str {
    match law {
        Some(Law::PowerLaw) => "a power-law fit",
        Some(Law::Surface) => "the surface fit",
        None => "a fit",
    }
}

/// "only the source has `a`, `b`; only the target has `c`" (at most 8 names each).
fn columns_only_in(source: &[String], target: &[String]) -> String {
    let list = |v: &[String]| {
        let mut s = v.iter().take(8).map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ");
        if v.len() > 8 {
            s.push_str(&format!(" and {} more", v.len() - 8));
        }
        s
    };
    let mut parts = Vec::new();
    if !source.is_empty() {
        parts.push(format!("only the source has {}", list(source)));
    }
    if !target.is_empty() {
        parts.push(format!("only the target has {}", list(target)));
    }
    parts.join("; ")
}

fn join(values: &[usize]) -> String {
    values.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn and_more_trials(more: usize) -> String {
    if more > 0 { format!(" (and {more} more trials)") } else { String::new() }
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
    /// The full diagnostic code, e.g. `sim2real::unknown_table`: the family of docs/errors.md the
    /// problem belongs to.
    pub fn code(&self) -> &'static str {
        use ProblemKind::*;
        match self {
            ParserMessage { .. }
            | UnclosedString
            | Expected { .. }
            | UnknownEscape { .. }
            | Unparsable
            | StatementOnSameLine { .. }
            | Unsplittable => "sim2real::syntax",
            UnknownStatement { .. } => "sim2real::unknown_statement",
            TooDeep { .. } => "sim2real::too_deep",
            Encoding => "sim2real::encoding",
            UnexpectedSyntaxNode { .. } | FormatterParse | RejectedWithoutReason => "sim2real::internal",
            WrongType { .. }
            | NotWholeNumber { .. }
            | LoaderArgumentCount { .. }
            | UnnamedSyntheticArgument
            | EncoderSameInputs
            | EncoderInputCount { .. }
            | LogspaceArgumentCount
            | MMixesFractionsAndCounts
            | AtOnlyForSurface
            | SignificantlyOnParameter { .. }
            | AtNOnParameter { .. }
            | ParameterComparedWithName { .. }
            | ArmComparedWithNumber { .. }
            | ArmWithItself { .. }
            | SignificantlyWithoutDirection { .. }
            | FeaturizerInputArguments { .. }
            | PresetArguments { .. } => "sim2real::type",
            EmptyStudyName
            | NotInRange { .. }
            | EmptyPath
            | BiasOnTarget
            | FreezeTooDeep { .. }
            | LogspaceDescending { .. }
            | MTooFew { .. }
            | EmptyColumnName => "sim2real::out_of_range",
            EmptyInList { .. } | EmptyColumnList { .. } | EmptyHidden | EmptyGridList { .. } => "sim2real::empty",
            MissingStatement { .. }
            | SyntheticWithoutPart
            | RoleWithoutX { .. }
            | RoleWithoutY { .. }
            | InputsWithoutEncoder
            | EncoderWithoutLatent
            | GridWithoutN
            | LogspaceArgumentMissing { .. }
            | PresetArgumentMissing { .. }
            | ExchangePointMissing { .. }
            | ExpectWithoutFit { .. }
            | ArmComparisonWithoutAt
            | ArmNotTrained { .. }
            | DirectArmWithoutBaseline
            | ReportByWithoutColumn
            | BudgetWithoutSurface
            | BudgetSettingMissing { .. }
            | BudgetWithoutGoal
            | HaveCoordinateMissing { .. } => "sim2real::missing",
            StatementTwice { .. }
            | TableTwice { .. }
            | SettingTwice { .. }
            | ArgumentTwice { .. }
            | SecondEncoder
            | SecondHead
            | InputTwice { .. }
            | ListedTwice { .. }
            | LogspaceArgumentTwice { .. }
            | GridValueTwice { .. }
            | ReportByTwice
            | ReportSamplesTwice => "sim2real::duplicate",
            UnknownSetting { .. }
            | UnknownCsvArgument { .. }
            | UnknownSyntheticArgument { .. }
            | FreezeOutsideFinetune
            | CombineWithoutEncoder
            | SettingWithEncoder { .. }
            | UnknownLogspaceArgument { .. }
            | UnknownPresetArgument { .. } => "sim2real::unknown_setting",
            UntransformableTarget { .. }
            | UnknownChoice { .. }
            | InputOnlyTransform { .. }
            | UnknownSubject { .. }
            | UnknownReport { .. } => "sim2real::unknown_value",
            UnknownLoader { .. } | UnknownGridFunction { .. } | UnknownFeaturizerInput { .. } => {
                "sim2real::unknown_function"
            }
            TableUsedBeforeDeclared { .. } | UnknownTable { .. } | UndeclaredTable { .. } => "sim2real::unknown_table",
            Cycle { .. } => "sim2real::cycle",
            MultitaskConflict { .. } | MultitaskWithoutEncoder | BudgetGoalAndSpend => "sim2real::conflict",
            BudgetUnplannable { .. } => "sim2real::budget",
            DirectWithoutBaseline | UnusedInput { .. } => "sim2real::unused",
            UnknownInput { .. } => "sim2real::unknown_input",
            SourceGroup => "sim2real::source_group",
            EmptyDataPath
            | DataFileNotFound { .. }
            | DataFileNotFoundIn { .. }
            | CsvUnreadable { .. }
            | CsvWithoutHeader { .. }
            | CsvUnnamedColumn { .. }
            | NumericWithoutColumn { .. }
            | CsvLineWidth { .. }
            | CsvWithoutRows { .. }
            | CsvNotUtf8 { .. }
            | CsvLineUnreadable { .. }
            | CsvRecordUnreadable { .. }
            | ParquetCannotOpen { .. }
            | ParquetUnreadable { .. }
            | ParquetRowsUnreadable { .. }
            | ParquetRowUnreadable { .. }
            | ParquetWithoutColumns { .. }
            | ParquetWithoutRows { .. }
            | ParquetRowWidth { .. }
            | ParquetUnsupported { .. }
            | SyntheticWithoutRows { .. }
            | SyntheticWithoutFeatures { .. }
            | SyntheticBiasNotFinite { .. }
            | SyntheticNoiseOutOfRange { .. }
            | TableNotLoaded { .. }
            | ColumnLength { .. }
            | DerivedColumnLength { .. }
            | ColumnNamedTwice { .. }
            | LineNumbersMismatch { .. }
            | HeaderNameRepeated { .. }
            | NoSuchColumn { .. }
            | PatternMatchesNoColumn { .. }
            | ColumnSetSelectsNothing { .. }
            | ColumnExists { .. }
            | BadCell { .. }
            | ReadAsText { .. }
            | NumericComparedWithString { .. }
            | TextComparedWithNumber { .. }
            | MostlyNumbersComparedWithNumber { .. }
            | ConditionKeepsNothing { .. }
            | JoinWithoutKeys
            | JoinColumnClash { .. }
            | JoinKeyTwice { .. }
            | NotParquet { .. }
            | FormulaColumnIsNumeric { .. }
            | NoFormulas { .. }
            | SmilesColumnIsNumeric { .. }
            | NoSmiles { .. }
            | JoinMatchesNothing { .. }
            | DropsEveryColumn { .. } => "sim2real::data",
            XSelectsNothing { .. } | InputMatchesNothing { .. } => "sim2real::empty_selection",
            LabelInFeatures { .. } => "sim2real::label_in_features",
            FeatureCountsDiffer { .. }
            | InputWidthsDiffer { .. }
            | XColumnsReordered { .. }
            | XColumnsDiffer { .. } => "sim2real::feature_mismatch",
            NoAlignment { .. } => "sim2real::no_alignment",
            TooFewRows { .. } => "sim2real::too_few_rows",
            TransformDomain { .. } => "sim2real::transform_domain",
            MResolvesTooFew { .. }
            | NTooSmall { .. }
            | TooFewNForPowerLaw { .. }
            | TooFewForSurface { .. }
            | NoValidationGroups { .. } => "sim2real::grid_too_small",
            EmptyNGrid | MBeyondTrial { .. } | MBeyondTrainPart { .. } => "sim2real::grid_beyond_data",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ProblemKind::*;
    use super::*;
    use std::collections::BTreeSet;

    /// Stands in for every text field of the examples, so a test can tell the fixed frame of a
    /// message from the data it names.
    const MARK: &str = "\u{1}";

    /// One value of every variant (`every_variant_has_an_example` checks this against the enum's
    /// source).
    fn examples() -> Vec<ProblemKind> {
        let s = || String::from(MARK);
        vec![
            ParserMessage { detail: s() },
            UnclosedString,
            Expected { expected: s(), found: s() },
            UnknownEscape { escape: 'q' },
            Unparsable,
            StatementOnSameLine { keyword: s() },
            Unsplittable,
            UnknownStatement { word: s() },
            TooDeep { max: 1 },
            Encoding,
            UnexpectedSyntaxNode { rule: s() },
            FormatterParse,
            RejectedWithoutReason,
            StatementTwice { keyword: s() },
            EmptyStudyName,
            UntransformableTarget { name: s() },
            DirectWithoutBaseline,
            TableTwice { table: s() },
            MultitaskConflict { keyword: s() },
            MultitaskWithoutEncoder,
            MissingStatement { keyword: s() },
            WrongType { what: s(), expected: s(), found: s() },
            NotInRange { what: s(), must: s(), found: s() },
            NotWholeNumber { what: s(), found: s() },
            UnknownChoice { what: s(), found: s() },
            UnknownSetting { name: s(), block: s() },
            SettingTwice { name: s(), block: s() },
            Cycle { table: s() },
            TableUsedBeforeDeclared { table: s() },
            UnknownTable { table: s() },
            UnknownLoader { name: s() },
            UnknownCsvArgument { name: s() },
            UnknownSyntheticArgument { name: s() },
            ArgumentTwice { name: s() },
            EmptyPath,
            LoaderArgumentCount { loader: s() },
            UnnamedSyntheticArgument,
            SyntheticWithoutPart,
            BiasOnTarget,
            EmptyInList { column: s() },
            RoleWithoutX { role: s() },
            RoleWithoutY { role: s() },
            EmptyColumnList { what: s() },
            SourceGroup,
            InputOnlyTransform { name: s() },
            UnknownFeaturizerInput { name: s() },
            FeaturizerInputArguments { input: s() },
            PresetArguments { preset: s() },
            UnknownPresetArgument { preset: s(), name: s() },
            PresetArgumentMissing { preset: s(), name: s() },
            EmptyHidden,
            FreezeOutsideFinetune,
            FreezeTooDeep { freeze: 3, layers: 2 },
            CombineWithoutEncoder,
            SettingWithEncoder { name: s() },
            InputsWithoutEncoder,
            SecondEncoder,
            SecondHead,
            UnusedInput { input: s() },
            InputTwice { input: s() },
            UnknownInput { used_by: s(), input: s() },
            EncoderSameInputs,
            EncoderInputCount { found: 3 },
            EncoderWithoutLatent,
            ListedTwice { name: s() },
            GridWithoutN,
            UnknownGridFunction { name: s() },
            LogspaceArgumentCount,
            UnknownLogspaceArgument { name: s() },
            LogspaceArgumentTwice { name: s() },
            LogspaceArgumentMissing { name: s() },
            LogspaceDescending { from: 9, to: 3 },
            EmptyGridList { what: s() },
            GridValueTwice { what: s(), value: 0.5 },
            MTooFew { m: 2 },
            MMixesFractionsAndCounts,
            AtOnlyForSurface,
            ExchangePointMissing { name: s() },
            UnknownSubject { subject: s() },
            SignificantlyOnParameter { name: s() },
            AtNOnParameter { name: s() },
            ParameterComparedWithName { name: s(), found: s() },
            ExpectWithoutFit { name: s(), law: None },
            ArmComparedWithNumber { arm: s() },
            ArmComparisonWithoutAt,
            ArmNotTrained { arm: s() },
            ArmWithItself { arm: s() },
            DirectArmWithoutBaseline,
            SignificantlyWithoutDirection { op: s() },
            ReportByTwice,
            ReportSamplesTwice,
            EmptyColumnName,
            ReportByWithoutColumn,
            UnknownReport { name: s() },
            BudgetWithoutSurface,
            BudgetSettingMissing { name: s() },
            BudgetGoalAndSpend,
            BudgetWithoutGoal,
            HaveCoordinateMissing { name: s() },
            BudgetUnplannable { why: s() },
            EmptyDataPath,
            DataFileNotFound { path: s() },
            DataFileNotFoundIn { path: s(), near_study: s(), in_data: s() },
            CsvUnreadable { file: s(), path: s(), detail: s() },
            CsvWithoutHeader { file: s() },
            CsvUnnamedColumn { file: s(), column: 2, line: 1 },
            NumericWithoutColumn { column: s(), file: s() },
            CsvLineWidth { file: s(), line: 3, fields: 2, header_line: 1, columns: 3 },
            CsvWithoutRows { file: s() },
            CsvNotUtf8 { file: s(), line: Some(3), field: 2, column: Some(s()) },
            CsvLineUnreadable { file: s(), line: 3, detail: s() },
            CsvRecordUnreadable { file: s(), detail: s() },
            ParquetCannotOpen { file: s(), path: s(), detail: s() },
            ParquetUnreadable { file: s(), detail: s() },
            ParquetRowsUnreadable { file: s(), detail: s() },
            ParquetRowUnreadable { file: s(), row: 1, detail: s() },
            ParquetWithoutColumns { file: s() },
            ParquetWithoutRows { file: s() },
            ParquetRowWidth { file: s(), row: 1, fields: 2, columns: 3 },
            ParquetUnsupported { file: s(), column: s(), found: s(), row: 1 },
            SyntheticWithoutRows { table: s() },
            SyntheticWithoutFeatures { table: s() },
            SyntheticBiasNotFinite { table: s() },
            SyntheticNoiseOutOfRange { table: s() },
            TableNotLoaded { table: s() },
            ColumnLength { column: s(), table: s(), cells: 2, rows: 3 },
            DerivedColumnLength { column: s(), cells: 2, rows: 3 },
            ColumnNamedTwice { table: s(), column: s() },
            LineNumbersMismatch { table: s(), lines: 2, rows: 3 },
            HeaderNameRepeated { table: s(), column: s(), line: 1, positions: vec![2, 5] },
            NoSuchColumn { table: s(), column: s() },
            PatternMatchesNoColumn { pattern: s(), table: s() },
            ColumnSetSelectsNothing { table: s() },
            ColumnExists { table: s(), column: s() },
            BadCell { column: s(), table: s(), fault: CellFault::NotNumeric(s()), at: s() },
            ReadAsText { column: s(), table: s(), why: s() },
            NumericComparedWithString { column: s(), table: s(), value: s() },
            TextComparedWithNumber { column: s(), table: s(), value: 1.5 },
            MostlyNumbersComparedWithNumber { column: s(), table: s(), why: s(), value: 1.5 },
            ConditionKeepsNothing { rows: 3, table: s() },
            JoinWithoutKeys,
            JoinColumnClash { left: s(), right: s(), columns: vec![s()] },
            JoinKeyTwice { key: s(), table: s(), first: s(), second: s() },
            NotParquet { file: s(), empty: false },
            FormulaColumnIsNumeric { column: s(), table: s() },
            NoFormulas { column: s(), table: s() },
            SmilesColumnIsNumeric { column: s(), table: s() },
            NoSmiles { column: s(), table: s() },
            JoinMatchesNothing { left_rows: 3, left: s(), right_rows: 2, right: s() },
            DropsEveryColumn { table: s() },
            UndeclaredTable { table: s() },
            XSelectsNothing { role: s() },
            InputMatchesNothing { input: s(), pattern: s(), role: s() },
            LabelInFeatures { label: s() },
            FeatureCountsDiffer { in_source: 3, in_target: 2 },
            InputWidthsDiffer { in_source: [1, 2, 3], in_target: [1, 2, 4] },
            XColumnsReordered { column: 1, in_source: s(), in_target: s() },
            XColumnsDiffer { only_in_source: vec![s()], only_in_target: vec![] },
            NoAlignment { a: s(), b: s(), role: s() },
            TooFewRows { table: s(), rows: 1 },
            TransformDomain { what: s(), column: s(), table: s(), row: s(), reason: s() },
            MResolvesTooFew { m: 2 },
            NTooSmall { n: 1 },
            TooFewNForPowerLaw { min: 4, ns: vec![10, 20] },
            TooFewForSurface { n_values: 2, m_values: 2 },
            NoValidationGroups {
                trial: 1,
                more_trials: 0,
                arm: s(),
                m: 4,
                groups: 1,
                group_columns: s(),
                min_train: 2,
            },
            EmptyNGrid,
            MBeyondTrial { m: 9, part: 8, trial: 1 },
            MBeyondTrainPart { m: 9, part: 8 },
        ]
    }

    /// The variant names declared in `pub enum ProblemKind`, read from this file.
    fn declared_variants() -> Vec<String> {
        let src = include_str!("problem_kind.rs");
        let body =
            src.split("pub enum ProblemKind {").nth(1).expect("the enum").split("\n}\n").next().expect("its end");
        body.lines()
            .filter_map(|l| l.strip_prefix("    "))
            .filter(|l| l.starts_with(|c: char| c.is_ascii_uppercase()))
            .map(|l| l.split(|c: char| !c.is_ascii_alphanumeric()).next().unwrap_or_default().to_string())
            .collect()
    }

    fn variant_name(k: &ProblemKind) -> String {
        format!("{k:?}").split(|c: char| !c.is_ascii_alphanumeric()).next().unwrap_or_default().to_string()
    }

    #[test]
    fn every_variant_has_an_example() {
        let declared = declared_variants();
        assert!(declared.len() > 100, "the enum was not read: {declared:?}");
        let named: Vec<String> = examples().iter().map(variant_name).collect();
        assert_eq!(named, declared, "`examples` has one value of each variant, in declaration order");
    }

    /// The variants that carry the message of an outside library or of the file system (in
    /// `detail`), inside a frame written here.
    const OUTSIDE_TEXT: &[&str] = &[
        "ParserMessage",
        "CsvUnreadable",
        "CsvLineUnreadable",
        "CsvRecordUnreadable",
        "ParquetCannotOpen",
        "ParquetUnreadable",
        "ParquetRowsUnreadable",
        "ParquetRowUnreadable",
    ];

    #[test]
    fn no_variant_carries_a_message_written_elsewhere() {
        for k in examples() {
            let name = variant_name(&k);
            let debug = format!("{k:?}");
            assert!(
                !debug.starts_with(&format!("{name}(")),
                "{name} carries an unnamed value; name its fields and write its message here"
            );
            assert_eq!(
                debug.contains("detail:"),
                OUTSIDE_TEXT.contains(&name.as_str()),
                "{name}: only the variants of OUTSIDE_TEXT carry outside text, in `detail`"
            );
            // The message without the text fields still says something of its own.
            let frame = k.to_string().replace(MARK, "");
            let words = frame.split(|c: char| !c.is_alphabetic()).filter(|w| w.chars().count() >= 3).count();
            assert!(words >= 1, "{name}: the message is only the text its call site gave: {:?}", k.to_string());
        }
    }

    #[test]
    fn every_code_is_used_and_codes_are_unique() {
        let used: BTreeSet<&str> =
            examples().iter().map(|k| k.code().strip_prefix("sim2real::").expect("prefixed")).collect();
        let listed: BTreeSet<&str> = CODES.iter().copied().collect();
        assert_eq!(listed.len(), CODES.len(), "CODES lists a code twice");
        assert_eq!(used, listed, "each code of CODES has a variant, and each variant's code is in CODES");
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
        assert_eq!(UnknownEscape { escape: 'q' }.to_string(), "unknown escape `\\q` in a string");
        assert_eq!(RejectedWithoutReason.to_string(), "internal error: the study was rejected without a reason");
        assert_eq!(
            InputWidthsDiffer { in_source: [1, 2, 3], in_target: [1, 2, 4] }.to_string(),
            "the model's inputs are 1 + 2 + 3 columns wide in the source but 1 + 2 + 4 in the target"
        );
        let many: Vec<String> = (1..=10).map(|i| format!("c{i}")).collect();
        assert_eq!(
            XColumnsDiffer { only_in_source: many, only_in_target: vec!["z".into()] }.to_string(),
            "the source's and the target's x columns differ by name: only the source has `c1`, `c2`, `c3`, `c4`, \
             `c5`, `c6`, `c7`, `c8` and 2 more; only the target has `z`"
        );
        assert_eq!(
            TooFewNForPowerLaw { min: 4, ns: vec![10, 20] }.to_string(),
            "`fit power_law` needs at least 4 values of n (it fits D, α and C); this grid has 2 (10, 20)"
        );
        assert_eq!(GridValueTwice { what: "`m`".into(), value: 50.0 }.to_string(), "`m` lists 50 twice");
        assert_eq!(Encoding.code(), "sim2real::encoding");
        assert_eq!(MTooFew { m: 2 }.code(), "sim2real::out_of_range");
        assert_eq!(MResolvesTooFew { m: 2 }.code(), "sim2real::grid_too_small");
    }
}
