/**
 * tree-sitter grammar for sim2real `.study` files.
 *
 * It follows grammar/study.pest (the language's grammar, docs/language.md) and is as generic:
 * blocks hold any `name = value`, calls any arguments; the checker decides names and ranges.
 * Keywords are contextual (tree-sitter's keyword extraction): `direct` is a statement and also a
 * value after `expect transfer <`, `n` a keyword after `at every` and a setting in `grid`.
 */

const commaSep = (rule) => optional(seq(rule, repeat(seq(',', rule)), optional(',')));
const commaSep1 = (rule) => seq(rule, repeat(seq(',', rule)));

module.exports = grammar({
  name: 'study',

  extras: ($) => [/\s/, $.comment],

  word: ($) => $.identifier,

  rules: {
    source_file: ($) => repeat($._statement),

    _statement: ($) =>
      choice(
        $.study_statement,
        $.seed_statement,
        $.data_statement,
        $.source_statement,
        $.target_statement,
        $.transform_statement,
        $.model_statement,
        $.pretrain_statement,
        $.finetune_statement,
        $.direct_statement,
        $.multitask_statement,
        $.grid_statement,
        $.baseline_statement,
        $.fit_statement,
        $.expect_statement,
        $.report_statement,
        $.budget_statement,
      ),

    study_statement: ($) => seq('study', field('name', choice($.string, $.identifier))),
    seed_statement: ($) => seq('seed', $.number),
    data_statement: ($) => seq('data', field('name', $.identifier), '=', $.table_expression),
    source_statement: ($) => seq('source', field('table', $.table_reference), $.block),
    target_statement: ($) => seq('target', field('table', $.table_reference), $.block),
    transform_statement: ($) =>
      seq('transform', field('target', $.identifier), '=', $.step, repeat(seq('|', $.step))),
    step: ($) => $.identifier,
    model_statement: ($) => seq('model', $.model_block),
    pretrain_statement: ($) => seq('pretrain', $.block),
    finetune_statement: ($) => seq('finetune', $.block),
    direct_statement: ($) => seq('direct', $.block),
    multitask_statement: ($) => seq('multitask', $.block),
    grid_statement: ($) => seq('grid', $.block),
    baseline_statement: ($) => seq('baseline', field('name', $.identifier)),
    fit_statement: ($) => seq('fit', field('law', $.identifier), optional($.fit_at), optional($.block)),
    fit_at: ($) => seq('at', '(', commaSep($.setting), ')'),
    expect_statement: ($) =>
      seq(
        'expect',
        field('subject', $.identifier),
        $.comparison_operator,
        field('value', choice($.number, $.identifier)),
        optional($.at_clause),
        optional('significantly'),
      ),
    at_clause: ($) => seq('at', choice('every', 'largest'), 'n'),
    // `report by COLUMN` needs the column on the line of `by` (as grammar/study.pest's `report_by`):
    // `by` and the blanks after it are one token, so a `by` at the end of a line is a kind.
    report_statement: ($) =>
      seq(
        'report',
        choice(
          seq(alias(token(seq('by', /[ \t]+/)), 'by'), field('column', choice($.string, $.identifier))),
          field('kind', $.identifier),
        ),
      ),

    // ---- settings blocks ----
    // `budget { source_cost = C  target_cost = C  have = (n = N, m = M)  goal = G }`
    budget_statement: ($) => seq('budget', $.budget_block),
    budget_block: ($) => seq('{', repeat(choice($.budget_have, $.setting)), '}'),
    budget_have: ($) => seq('have', '=', '(', commaSep($.setting), ')'),

    block: ($) => seq('{', repeat($.setting), '}'),
    setting: ($) => seq(field('name', $.identifier), '=', $.value),
    value: ($) => seq($._atom, optional(seq('except', $._atom))),
    _atom: ($) => choice($.call, $.list, $.glob, $.number, $.string, $.identifier),
    call: ($) => seq(field('function', $.identifier), '(', commaSep($.argument), ')'),
    argument: ($) => seq(optional(seq(field('name', $.identifier), ':')), $.value),
    list: ($) => seq('[', commaSep($.value), ']'),

    model_block: ($) => seq('{', repeat(choice($.input_declaration, $.encoder_declaration, $.head_declaration, $.setting)), '}'),
    input_declaration: ($) => seq('input', field('name', $.identifier), '=', $.value),
    encoder_declaration: ($) =>
      seq('encoder', field('kind', $.identifier), '(', commaSep($.identifier), ')', $.block),
    head_declaration: ($) => seq('head', $.block),

    // ---- tables ----
    table_expression: ($) => seq($._primary, repeat(seq('|', $._operation))),
    _primary: ($) => choice($.call, $.table_reference),
    table_reference: ($) => $.identifier,
    _operation: ($) =>
      choice(
        $.where_operation,
        $.join_operation,
        $.select_operation,
        $.drop_operation,
        $.derive_operation,
        $.featurize_operation,
      ),
    where_operation: ($) => seq('where', $._condition),
    join_operation: ($) => seq('join', $._primary, 'on', commaSep1($.join_pair)),
    join_pair: ($) => seq($._column, '=', $._column),
    select_operation: ($) => seq('select', $.column_set),
    drop_operation: ($) => seq('drop', $.column_set),
    derive_operation: ($) => seq('derive', field('name', $._column), '=', $._arith),
    // `featurize composition(Formula) with magpie { on_error = drop }`
    featurize_operation: ($) =>
      seq('featurize', field('input', $.call), 'with', field('preset', choice($.call, $.identifier)), optional($.block)),

    _arith: ($) => choice($.binary_expression, $.unary_expression, $.parenthesized_expression, $.function_call, $.number, $._column),
    binary_expression: ($) =>
      choice(
        prec.left(1, seq($._arith, choice('+', '-'), $._arith)),
        prec.left(2, seq($._arith, choice('*', '/'), $._arith)),
      ),
    unary_expression: ($) => prec(3, seq('-', $._arith)),
    parenthesized_expression: ($) => seq('(', $._arith, ')'),
    function_call: ($) => seq(field('function', $.identifier), '(', $._arith, ')'),

    column_set: ($) => seq($._column_atom, optional(seq('except', $._column_atom))),
    _column_atom: ($) => choice($.column_list, $.string, $.glob, $.identifier),
    column_list: ($) => seq('[', commaSep(choice($.string, $.glob, $.identifier)), ']'),
    _column: ($) => choice($.string, $.identifier),

    _condition: ($) => choice($.or_condition, $.and_condition, $.not_condition, $.parenthesized_condition, $.in_condition, $.comparison),
    or_condition: ($) => prec.left(1, seq($._condition, 'or', $._condition)),
    and_condition: ($) => prec.left(2, seq($._condition, 'and', $._condition)),
    not_condition: ($) => prec(3, seq('not', $._condition)),
    parenthesized_condition: ($) => seq('(', $._condition, ')'),
    in_condition: ($) => seq($._column, 'in', '[', commaSep(choice($.number, $.string)), ']'),
    comparison: ($) => seq($._column, $.comparison_operator, choice($.number, $.string)),

    // ---- tokens ----
    comparison_operator: (_) => choice('==', '!=', '<=', '>=', '<', '>'),
    identifier: (_) => /[A-Za-z_][A-Za-z0-9_]*/,
    glob: (_) => token(prec(1, /[A-Za-z0-9_]*[*?][A-Za-z0-9_*?]*/)),
    number: (_) => /-?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?/,
    string: (_) => /"([^"\\\n]|\\[^\n])*"/,
    comment: (_) => token(seq('#', /.*/)),
  },
});
