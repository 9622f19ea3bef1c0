//! Pest pairs → AST. `offset` is added to every span, so a statement parsed on its own (error
//! recovery) still gets spans into the whole file.

use pest::iterators::Pair;

use super::ast::*;
use super::grammar::{Rule, leaves};
use super::split::content_end;
use crate::diag::{Problem, ProblemKind};

type Res<T> = Result<T, Problem>;

/// Lowers the pairs of one parse of `file` whose input started at byte `offset` of the study.
pub struct Lower {
    pub offset: usize,
}

/// Punctuation pairs carry no information once parsed.
fn is_punct(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::lbrace
            | Rule::rbrace
            | Rule::lparen
            | Rule::rparen
            | Rule::lbrack
            | Rule::rbrack
            | Rule::comma
            | Rule::colon
            | Rule::pipe
            | Rule::eq
            | Rule::EOI
    )
}

fn children(pair: Pair<'_, Rule>) -> impl Iterator<Item = Pair<'_, Rule>> {
    pair.into_inner().filter(|p| !is_punct(p.as_rule()))
}

impl Lower {
    /// The pair's span in the file, without the whitespace and comments pest may have
    /// consumed after its last token.
    fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let s = pair.as_span();
        let text = pair.as_str();
        let end = if text.ends_with(|c: char| c.is_whitespace()) || text.contains('#') {
            content_end(text, 0, text.len())
        } else {
            text.len()
        };
        Span::new(s.start() + self.offset, s.start() + end + self.offset)
    }

    /// A tree shape the grammar cannot produce; reported rather than panicking.
    fn bug(&self, pair: &Pair<'_, Rule>) -> Problem {
        Problem::new(
            ProblemKind::UnexpectedSyntaxNode { rule: format!("{:?}", pair.as_rule()) },
            self.span(pair),
            "here",
        )
        .with_help("this is a bug in sim2real; please report it with this study file")
    }

    fn next<'i>(&self, it: &mut impl Iterator<Item = Pair<'i, Rule>>, parent: &Pair<'i, Rule>) -> Res<Pair<'i, Rule>> {
        it.next().ok_or_else(|| self.bug(parent))
    }

    fn ident(&self, pair: &Pair<'_, Rule>) -> Ident {
        Ident { name: pair.as_str().to_string(), span: self.span(pair) }
    }

    fn number(&self, pair: &Pair<'_, Rule>) -> Number {
        Number { text: pair.as_str().to_string(), span: self.span(pair) }
    }

    fn string(&self, pair: &Pair<'_, Rule>) -> Res<Str> {
        let raw = pair.as_str();
        let inner = raw.strip_prefix('"').and_then(|s| s.strip_suffix('"')).unwrap_or(raw);
        let mut value = String::with_capacity(inner.len());
        let mut chars = inner.char_indices();
        while let Some((i, c)) = chars.next() {
            if c != '\\' {
                value.push(c);
                continue;
            }
            match chars.next() {
                Some((_, '"')) => value.push('"'),
                Some((_, '\\')) => value.push('\\'),
                Some((_, 'n')) => value.push('\n'),
                Some((_, 't')) => value.push('\t'),
                Some((_, other)) => {
                    // +1 for the opening quote.
                    let start = self.span(pair).start + 1 + i;
                    return Err(Problem::new(
                        ProblemKind::UnknownEscape { escape: other },
                        Span::new(start, start + 1 + other.len_utf8()),
                        "unknown escape",
                    )
                    .with_help("strings know the escapes `\\\"`, `\\\\`, `\\n` and `\\t`"));
                }
                None => value.push('\\'),
            }
        }
        Ok(Str { value, span: self.span(pair) })
    }

    /// `string | name` as an identifier (a quoted name keeps the span of the quotes).
    fn name_or_string(&self, pair: Pair<'_, Rule>) -> Res<Ident> {
        let span = self.span(&pair);
        let inner = match pair.as_rule() {
            Rule::column | Rule::study_name => self.next(&mut pair.clone().into_inner(), &pair)?,
            _ => pair,
        };
        match inner.as_rule() {
            Rule::string => Ok(Ident { name: self.string(&inner)?.value, span }),
            Rule::name | Rule::glob => Ok(Ident { name: inner.as_str().to_string(), span }),
            _ => Err(self.bug(&inner)),
        }
    }

    /// The `file` rule → AST.
    pub fn file(&self, pair: Pair<'_, Rule>, text: &str) -> Result<File, Vec<Problem>> {
        let mut statements = Vec::new();
        let mut problems = Vec::new();
        for stmt in children(pair) {
            match self.statement(stmt) {
                Ok(s) => statements.push(s),
                Err(p) => problems.push(p),
            }
        }
        if problems.is_empty() {
            Ok(File { statements, span: Span::new(0, text.len()), line_starts: line_starts(text) })
        } else {
            Err(problems)
        }
    }

    fn statement(&self, pair: Pair<'_, Rule>) -> Res<Statement> {
        let outer = pair.clone();
        let stmt = self.next(&mut pair.into_inner(), &outer)?;
        let span = self.span(&stmt);
        let rule = stmt.as_rule();
        let mut it = children(stmt.clone());
        let keyword = self.ident(&self.next(&mut it, &stmt)?);
        let kind = match rule {
            Rule::study_stmt => StatementKind::Study(self.name_or_string(self.next(&mut it, &stmt)?)?),
            Rule::seed_stmt => StatementKind::Seed(self.number(&self.next(&mut it, &stmt)?)),
            Rule::data_stmt => {
                let name = self.ident(&self.next(&mut it, &stmt)?);
                let expr = self.table_expr(self.next(&mut it, &stmt)?)?;
                StatementKind::Data { name, expr }
            }
            Rule::source_stmt | Rule::target_stmt => {
                let table = self.ident(&self.next(&mut it, &stmt)?);
                let block = self.block(self.next(&mut it, &stmt)?)?;
                if rule == Rule::source_stmt {
                    StatementKind::Source { table, block }
                } else {
                    StatementKind::Target { table, block }
                }
            }
            Rule::transform_stmt => {
                let target = self.ident(&self.next(&mut it, &stmt)?);
                let steps = it.map(|p| self.ident(&p)).collect();
                StatementKind::Transform { target, steps }
            }
            Rule::model_stmt => StatementKind::Model(self.model_block(self.next(&mut it, &stmt)?)?),
            Rule::multitask_stmt => StatementKind::Multitask(self.block(self.next(&mut it, &stmt)?)?),
            Rule::pretrain_stmt => StatementKind::Pretrain(self.block(self.next(&mut it, &stmt)?)?),
            Rule::finetune_stmt => StatementKind::Finetune(self.block(self.next(&mut it, &stmt)?)?),
            Rule::direct_stmt => StatementKind::Direct(self.block(self.next(&mut it, &stmt)?)?),
            Rule::grid_stmt => StatementKind::Grid(self.block(self.next(&mut it, &stmt)?)?),
            Rule::baseline_stmt => StatementKind::Baseline(self.ident(&self.next(&mut it, &stmt)?)),
            Rule::fit_stmt => {
                let law = self.ident(&self.next(&mut it, &stmt)?);
                let (mut at, mut fixed) = (None, None);
                for part in it {
                    match part.as_rule() {
                        Rule::fit_at => at = Some(self.fit_at(part)?),
                        _ => fixed = Some(self.block(part)?),
                    }
                }
                StatementKind::Fit(law, at, fixed)
            }
            Rule::expect_stmt => StatementKind::Expect(self.expect(&stmt, it)?),
            Rule::report_stmt => {
                let what = self.next(&mut it, &stmt)?;
                match what.as_rule() {
                    Rule::report_by => {
                        let mut parts = children(what.clone());
                        let by = self.ident(&self.next(&mut parts, &what)?);
                        let column = self.name_or_string(self.next(&mut parts, &what)?)?;
                        StatementKind::Report(ReportStmt::By { by, column })
                    }
                    _ => StatementKind::Report(ReportStmt::Kind(self.ident(&what))),
                }
            }
            Rule::budget_stmt => StatementKind::Budget(self.budget_block(self.next(&mut it, &stmt)?)?),
            _ => return Err(self.bug(&stmt)),
        };
        Ok(Statement { kind, keyword, span })
    }

    fn expect<'i>(&self, stmt: &Pair<'i, Rule>, mut it: impl Iterator<Item = Pair<'i, Rule>>) -> Res<ExpectStmt> {
        let subject_pair = self.next(&mut it, stmt)?;
        let subject = self.ident(&subject_pair);
        let op_pair = self.next(&mut it, stmt)?;
        let op = cmp_op(op_pair.as_str()).ok_or_else(|| self.bug(&op_pair))?;
        let value_pair = self.next(&mut it, stmt)?;
        let inner = self.next(&mut value_pair.clone().into_inner(), &value_pair)?;
        let value = match inner.as_rule() {
            Rule::number => ExpectValue::Number(self.number(&inner)),
            _ => ExpectValue::Name(self.ident(&inner)),
        };
        let (mut at, mut significantly) = (None, None);
        for pair in it {
            if pair.as_rule() == Rule::kw_significantly {
                significantly = Some(self.span(&pair));
                continue;
            }
            let which = children(pair.clone()).nth(1).ok_or_else(|| self.bug(&pair))?;
            at = Some(AtClause { which: self.ident(&which), span: self.span(&pair) });
        }
        // The expectation as written after `expect`: its tokens, one space apart (no comments,
        // the layout of the line does not matter; `sim2real fmt` writes it so).
        let mut tokens = Vec::new();
        leaves(stmt.clone(), &mut tokens);
        let text = tokens.iter().skip(1).map(Pair::as_str).collect::<Vec<_>>().join(" ");
        Ok(ExpectStmt { subject, op, op_span: self.span(&op_pair), value, at, significantly, text })
    }

    /// `at (n = N, m = M)`: the coordinates lowered like block settings.
    fn fit_at(&self, pair: Pair<'_, Rule>) -> Res<FitAt> {
        let span = self.span(&pair);
        let mut settings = Vec::new();
        for coord in children(pair).filter(|p| p.as_rule() == Rule::fit_coord) {
            let cspan = self.span(&coord);
            let mut it = children(coord.clone());
            let name = self.ident(&self.next(&mut it, &coord)?);
            let value = self.value(self.next(&mut it, &coord)?)?;
            settings.push(Setting { name, value, span: cspan });
        }
        Ok(FitAt { coords: Block { settings, span }, span })
    }

    fn block(&self, pair: Pair<'_, Rule>) -> Res<Block> {
        let span = self.span(&pair);
        let mut settings = Vec::new();
        for setting in children(pair) {
            let sspan = self.span(&setting);
            let mut it = children(setting.clone());
            let name = self.ident(&self.next(&mut it, &setting)?);
            let value = self.value(self.next(&mut it, &setting)?)?;
            settings.push(Setting { name, value, span: sspan });
        }
        Ok(Block { settings, span })
    }

    /// `budget { ... }`: settings and `have = (n = N, m = M)` points.
    fn budget_block(&self, pair: Pair<'_, Rule>) -> Res<BudgetBlock> {
        let span = self.span(&pair);
        let mut out = BudgetBlock { block: Block { settings: Vec::new(), span }, have: Vec::new() };
        for item in children(pair) {
            match item.as_rule() {
                Rule::budget_have => out.have.push(self.fit_at(item)?),
                Rule::setting => {
                    let sspan = self.span(&item);
                    let mut it = children(item.clone());
                    let name = self.ident(&self.next(&mut it, &item)?);
                    let value = self.value(self.next(&mut it, &item)?)?;
                    out.block.settings.push(Setting { name, value, span: sspan });
                }
                _ => return Err(self.bug(&item)),
            }
        }
        Ok(out)
    }

    /// `model { ... }`: settings and declarations.
    fn model_block(&self, pair: Pair<'_, Rule>) -> Res<ModelBlock> {
        let span = self.span(&pair);
        let mut out = ModelBlock {
            block: Block { settings: Vec::new(), span },
            inputs: Vec::new(),
            encoders: Vec::new(),
            heads: Vec::new(),
        };
        for item in children(pair) {
            let ispan = self.span(&item);
            let rule = item.as_rule();
            let mut it = children(item.clone());
            match rule {
                Rule::setting => {
                    let name = self.ident(&self.next(&mut it, &item)?);
                    let value = self.value(self.next(&mut it, &item)?)?;
                    out.block.settings.push(Setting { name, value, span: ispan });
                }
                Rule::input_decl => {
                    let _keyword = self.next(&mut it, &item)?;
                    let name = self.ident(&self.next(&mut it, &item)?);
                    let cols = self.value(self.next(&mut it, &item)?)?;
                    out.inputs.push(InputDecl { name, cols, span: ispan });
                }
                Rule::encoder_decl => {
                    let keyword = self.ident(&self.next(&mut it, &item)?);
                    let kind = self.ident(&self.next(&mut it, &item)?);
                    let mut inputs = Vec::new();
                    let mut block = None;
                    for p in it {
                        match p.as_rule() {
                            Rule::input_name => inputs.push(self.ident(&p)),
                            Rule::block => block = Some(self.block(p)?),
                            _ => return Err(self.bug(&p)),
                        }
                    }
                    let block = block.ok_or_else(|| self.bug(&item))?;
                    out.encoders.push(EncoderDecl { keyword, kind, inputs, block, span: ispan });
                }
                Rule::head_decl => {
                    let keyword = self.ident(&self.next(&mut it, &item)?);
                    let block = self.block(self.next(&mut it, &item)?)?;
                    out.heads.push(HeadDecl { keyword, block, span: ispan });
                }
                _ => return Err(self.bug(&item)),
            }
        }
        Ok(out)
    }

    /// `value` (atom [except atom]) or a bare atom.
    fn value(&self, pair: Pair<'_, Rule>) -> Res<Value> {
        match pair.as_rule() {
            Rule::value => {
                let span = self.span(&pair);
                let mut it = children(pair.clone()).filter(|p| p.as_rule() != Rule::kw_except);
                let base = self.value(self.next(&mut it, &pair)?)?;
                match it.next() {
                    None => Ok(base),
                    Some(ex) => Ok(Value::Except { base: Box::new(base), except: Box::new(self.value(ex)?), span }),
                }
            }
            Rule::number => Ok(Value::Number(self.number(&pair))),
            Rule::string => Ok(Value::Str(self.string(&pair)?)),
            Rule::name => Ok(Value::Name(self.ident(&pair))),
            Rule::glob => Ok(Value::Glob(self.ident(&pair))),
            Rule::list => {
                let span = self.span(&pair);
                let items = children(pair).map(|p| self.value(p)).collect::<Res<Vec<_>>>()?;
                Ok(Value::List { items, span })
            }
            Rule::call => Ok(Value::Call(self.call(pair)?)),
            _ => Err(self.bug(&pair)),
        }
    }

    fn call(&self, pair: Pair<'_, Rule>) -> Res<Call> {
        let span = self.span(&pair);
        let mut it = children(pair.clone());
        let name = self.ident(&self.next(&mut it, &pair)?);
        let mut args = Vec::new();
        for arg in it {
            let aspan = self.span(&arg);
            let mut name = None;
            let mut value = None;
            for p in children(arg.clone()) {
                match p.as_rule() {
                    Rule::arg_name => name = Some(self.ident(&p)),
                    _ => value = Some(self.value(p)?),
                }
            }
            let value = value.ok_or_else(|| self.bug(&arg))?;
            args.push(Arg { name, value, span: aspan });
        }
        Ok(Call { name, args, span })
    }

    fn primary(&self, pair: Pair<'_, Rule>) -> Res<Primary> {
        let inner = self.next(&mut pair.clone().into_inner(), &pair)?;
        match inner.as_rule() {
            Rule::call => Ok(Primary::Call(self.call(inner)?)),
            Rule::name => Ok(Primary::Name(self.ident(&inner))),
            _ => Err(self.bug(&inner)),
        }
    }

    fn table_expr(&self, pair: Pair<'_, Rule>) -> Res<TableExpr> {
        let span = self.span(&pair);
        let mut it = children(pair.clone());
        let primary = self.primary(self.next(&mut it, &pair)?)?;
        let mut ops = Vec::new();
        for op in it {
            let op = self.next(&mut op.clone().into_inner(), &op)?;
            let ospan = self.span(&op);
            let rule = op.as_rule();
            let mut parts = children(op.clone()).skip(1); // the keyword
            let lowered = match rule {
                Rule::where_op => TableOp::Where { cond: self.cond(self.next(&mut parts, &op)?)?, span: ospan },
                Rule::join_op => {
                    let right = self.primary(self.next(&mut parts, &op)?)?;
                    let mut on = Vec::new();
                    for p in parts.filter(|p| p.as_rule() == Rule::join_pair) {
                        let mut cols = children(p.clone());
                        let left = self.name_or_string(self.next(&mut cols, &p)?)?;
                        let right = self.name_or_string(self.next(&mut cols, &p)?)?;
                        on.push(JoinPair { left, right });
                    }
                    TableOp::Join { right, on, span: ospan }
                }
                Rule::select_op => TableOp::Select { cols: self.column_set(self.next(&mut parts, &op)?)?, span: ospan },
                Rule::drop_op => TableOp::Drop { cols: self.column_set(self.next(&mut parts, &op)?)?, span: ospan },
                Rule::derive_op => {
                    let name = self.name_or_string(self.next(&mut parts, &op)?)?;
                    let expr = self.arith(self.next(&mut parts, &op)?)?;
                    TableOp::Derive { name, expr, span: ospan }
                }
                Rule::featurize_op => {
                    let input = self.call(self.next(&mut parts, &op)?)?;
                    let mut rest = parts.filter(|p| p.as_rule() != Rule::kw_with);
                    let preset = self.next(&mut rest, &op)?;
                    let with = match preset.as_rule() {
                        Rule::call => Primary::Call(self.call(preset)?),
                        _ => Primary::Name(self.ident(&preset)),
                    };
                    let settings = match rest.next() {
                        Some(b) => Some(self.block(b)?),
                        None => None,
                    };
                    TableOp::Featurize { input, with, settings, span: ospan }
                }
                _ => return Err(self.bug(&op)),
            };
            ops.push(lowered);
        }
        Ok(TableExpr { primary, ops, span })
    }

    fn column_set(&self, pair: Pair<'_, Rule>) -> Res<ColumnSet> {
        let span = self.span(&pair);
        let mut include = Vec::new();
        let mut exclude = Vec::new();
        let mut excluding = false;
        for p in children(pair) {
            match p.as_rule() {
                Rule::kw_except => excluding = true,
                Rule::column_list => {
                    for item in children(p) {
                        let id = self.name_or_string(item)?;
                        if excluding { exclude.push(id) } else { include.push(id) }
                    }
                }
                _ => {
                    let id = self.name_or_string(p)?;
                    if excluding { exclude.push(id) } else { include.push(id) }
                }
            }
        }
        Ok(ColumnSet { include, exclude, span })
    }

    /// `or_cond`, `and_cond` or `not_cond`.
    fn cond(&self, pair: Pair<'_, Rule>) -> Res<Cond> {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::or_cond | Rule::and_cond => {
                let is_or = pair.as_rule() == Rule::or_cond;
                let mut parts = children(pair.clone())
                    .filter(|p| !matches!(p.as_rule(), Rule::kw_or | Rule::kw_and))
                    .map(|p| self.cond(p))
                    .collect::<Res<Vec<_>>>()?;
                match parts.len() {
                    0 => Err(self.bug(&pair)),
                    1 => Ok(parts.remove(0)),
                    _ if is_or => Ok(Cond::Or(parts)),
                    _ => Ok(Cond::And(parts)),
                }
            }
            Rule::not_cond => {
                let mut count = 0;
                let mut inner = None;
                for p in children(pair.clone()) {
                    match p.as_rule() {
                        Rule::kw_not => count += 1,
                        _ => inner = Some(self.cond(p)?),
                    }
                }
                let inner = inner.ok_or_else(|| self.bug(&pair))?;
                if count == 0 { Ok(inner) } else { Ok(Cond::Not { count, cond: Box::new(inner), span }) }
            }
            Rule::cmp_cond => {
                let mut it = children(pair.clone());
                let column = self.name_or_string(self.next(&mut it, &pair)?)?;
                let op_pair = self.next(&mut it, &pair)?;
                let op = cmp_op(op_pair.as_str()).ok_or_else(|| self.bug(&op_pair))?;
                let value = self.literal(self.next(&mut it, &pair)?)?;
                Ok(Cond::Cmp { column, op, value, span })
            }
            Rule::in_cond => {
                let mut it = children(pair.clone());
                let column = self.name_or_string(self.next(&mut it, &pair)?)?;
                let values = it.filter(|p| p.as_rule() != Rule::kw_in).map(|p| self.literal(p)).collect::<Res<_>>()?;
                Ok(Cond::In { column, values, span })
            }
            _ => Err(self.bug(&pair)),
        }
    }

    /// `arith`, `arith_term`, `arith_factor`, `arith_call`, a number or a column.
    fn arith(&self, pair: Pair<'_, Rule>) -> Res<Arith> {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::arith | Rule::arith_term => {
                let mut it = children(pair.clone());
                let mut acc = self.arith(self.next(&mut it, &pair)?)?;
                while let Some(op) = it.next() {
                    let right = self.arith(self.next(&mut it, &pair)?)?;
                    let op_char = op.as_str().chars().next().ok_or_else(|| self.bug(&op))?;
                    let span = acc.span().to(right.span());
                    acc = Arith::Bin { op: op_char, left: Box::new(acc), right: Box::new(right), span };
                }
                Ok(acc)
            }
            Rule::arith_factor => {
                let mut negs = Vec::new();
                let mut inner = None;
                for p in children(pair.clone()) {
                    match p.as_rule() {
                        Rule::neg => negs.push(self.span(&p)),
                        _ => inner = Some(self.arith(p)?),
                    }
                }
                let mut expr = inner.ok_or_else(|| self.bug(&pair))?;
                for neg in negs.into_iter().rev() {
                    let span = neg.to(expr.span());
                    expr = Arith::Neg { expr: Box::new(expr), span };
                }
                Ok(expr)
            }
            Rule::arith_call => {
                let mut it = children(pair.clone());
                let name = self.ident(&self.next(&mut it, &pair)?);
                let arg = self.arith(self.next(&mut it, &pair)?)?;
                Ok(Arith::Call { name, arg: Box::new(arg), span })
            }
            Rule::number => Ok(Arith::Num(self.number(&pair))),
            Rule::column => Ok(Arith::Col(self.name_or_string(pair)?)),
            _ => Err(self.bug(&pair)),
        }
    }

    fn literal(&self, pair: Pair<'_, Rule>) -> Res<Literal> {
        match pair.as_rule() {
            Rule::number => Ok(Literal::Num(self.number(&pair))),
            Rule::string => Ok(Literal::Str(self.string(&pair)?)),
            _ => Err(self.bug(&pair)),
        }
    }
}

fn cmp_op(s: &str) -> Option<CmpOp> {
    Some(match s {
        "==" => CmpOp::Eq,
        "!=" => CmpOp::Ne,
        "<" => CmpOp::Lt,
        "<=" => CmpOp::Le,
        ">" => CmpOp::Gt,
        ">=" => CmpOp::Ge,
        _ => return None,
    })
}
