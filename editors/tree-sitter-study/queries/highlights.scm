;; Highlights for sim2real .study files (Neovim, Helix and `tree-sitter highlight`).
;; tests/editors.rs checks that every keyword of grammar/study.pest and every value word of
;; src/syntax/names.rs is listed here; this folder's `cargo test` (tests/highlights.rs) that the query
;; compiles against the generated parser and captures every keyword as @keyword where it occurs.

(comment) @comment
(string) @string
(number) @number
(glob) @string.special

;; Statements.
["study" "seed" "data" "source" "target" "transform" "model" "pretrain" "finetune" "direct" "multitask" "grid" "baseline" "fit" "expect" "report" "budget"] @keyword

;; The other keywords.
["where" "join" "on" "select" "drop" "derive" "except" "and" "or" "not" "in" "at" "every" "largest" "n" "significantly" "by" "input" "encoder" "head" "featurize" "with" "have"] @keyword

(comparison_operator) @operator
["=" "|" "+" "-" "*" "/"] @operator
["{" "}" "(" ")" "[" "]"] @punctuation.bracket
["," ":"] @punctuation.delimiter

;; Tables: declared by `data NAME =`, used after source/target/join and as a primary.
(data_statement name: (identifier) @type.definition)
(table_reference) @type

;; Settings, arguments, calls, transform steps.
(setting name: (identifier) @property)
(input_declaration name: (identifier) @variable)
(argument name: (identifier) @variable.parameter)
(call function: (identifier) @function.builtin)
(function_call function: (identifier) @function.builtin)
(encoder_declaration kind: (identifier) @function.builtin)
(step) @function.builtin

;; The words a value may be (src/syntax/names.rs), where a value is written; laws, baselines, report
;; kinds and the subjects and arms of `expect` are such words wherever they stand. (One capture per
;; node: when two patterns capture a node, Neovim takes the last and Helix and `tree-sitter
;; highlight` the first, so none does; tests/highlights.rs checks it.)
(value (identifier) @constant.builtin
  (#any-of? @constant.builtin "source" "target" "log" "log10" "log1p" "standardize" "yeo_johnson" "minmax" "clip" "noclip" "relu" "tanh" "sigmoid" "gelu" "shared" "none" "true" "false" "abs_diff" "sq_diff" "product" "concat" "distance" "adam" "all" "once" "per_trial" "mae" "mae_transformed" "allowed" "warn" "direct" "power_law" "surface" "D" "alpha" "C" "A" "B" "beta" "eps" "r2" "mrs" "transfer" "multitask" "samples"))
(fit_statement law: (identifier) @constant.builtin)
(baseline_statement name: (identifier) @constant.builtin)
(report_statement kind: (identifier) @constant.builtin)
(expect_statement subject: (identifier) @constant.builtin)
(expect_statement value: (identifier) @constant.builtin)
