//! The canonical layout, decided over pest's tree of the study (which, unlike the syntax tree,
//! keeps every token with its position, so the comments between tokens can be put back).
//!
//! Rules (docs/fmt.md): statements in their order, one per line; an empty line of the source
//! between statements (or block settings) kept as one; `data` pipelines one operation per line;
//! blocks on one line when they fit [`WIDTH`] and the source does not break the line after `{`,
//! else one item per line with the `=` of consecutive settings aligned; one space between
//! tokens, none inside brackets or before `,` and `:`; trailing commas dropped.

use pest::iterators::Pair;

use super::super::grammar::{Rule, leaves};
use super::source::{Comment, blank_before};
use super::writer::{INDENT, Place, Writer};

/// The widest line a block is put on one line in (characters, indentation included).
pub const WIDTH: usize = 100;

pub struct Layout<'a> {
    text: &'a str,
    comments: &'a [Comment],
    pub w: Writer<'a>,
    /// Measuring: every block on one line.
    flat: bool,
}

fn start(p: &Pair<'_, Rule>) -> usize {
    p.as_span().start()
}

fn end(p: &Pair<'_, Rule>) -> usize {
    p.as_span().end()
}

/// Where the last token under `p` ends (pest's span of a rule that ends in an optional part also
/// covers the whitespace and comments it skipped looking for it).
fn token_end(p: &Pair<'_, Rule>) -> usize {
    match p.clone().into_inner().last() {
        Some(last) => token_end(&last),
        None => end(p),
    }
}

fn width(s: &str) -> usize {
    s.chars().count()
}

/// Whether one space goes between two consecutive tokens of a line.
fn space_between(prev: Rule, next: Rule) -> bool {
    let tight_after = matches!(prev, Rule::lparen | Rule::lbrack | Rule::neg);
    let tight_before = matches!(next, Rule::comma | Rule::colon | Rule::rparen | Rule::rbrack);
    let call = next == Rule::lparen && matches!(prev, Rule::name | Rule::input_name);
    !(tight_after || tight_before || call)
}

/// A block item's key for aligning `=`: `name` of a setting, `input name` of an input.
fn key_width(item: &Pair<'_, Rule>) -> Option<(Rule, usize)> {
    let mut inner = item.clone().into_inner();
    match item.as_rule() {
        Rule::setting => Some((Rule::setting, width(inner.next()?.as_str()))),
        Rule::input_decl => Some((Rule::input_decl, "input ".len() + width(inner.nth(1)?.as_str()))),
        _ => None,
    }
}

impl<'a> Layout<'a> {
    pub fn new(text: &'a str, comments: &'a [Comment]) -> Self {
        Layout { text, comments, w: Writer::new(text, comments), flat: false }
    }

    /// Whether a comment lies inside `pair`.
    fn has_comment(&self, pair: &Pair<'_, Rule>) -> bool {
        let (s, e) = (start(pair), token_end(pair));
        self.comments.iter().any(|c| c.start > s && c.start < e)
    }

    /// Whether the source has an empty line or a comment of its own line between two items.
    fn apart(&self, prev: &Pair<'_, Rule>, next: &Pair<'_, Rule>) -> bool {
        let (s, e) = (token_end(prev), start(next));
        blank_before(self.text, e) || self.comments.iter().any(|c| c.start > s && c.start < e && !c.trailing)
    }

    /// The file: its statements, each on its line.
    pub fn file(&mut self, file: Pair<'_, Rule>) {
        let statements: Vec<Pair<'_, Rule>> = file
            .into_inner()
            .filter(|p| p.as_rule() == Rule::statement)
            .filter_map(|p| p.into_inner().next())
            .collect();
        let pads = self.statement_pads(&statements);
        for (stmt, pad) in statements.into_iter().zip(pads) {
            self.w.item(start(&stmt), true);
            self.statement(stmt, pad);
        }
    }

    /// The width each statement's name is padded to, aligning runs of adjacent statements:
    /// `data NAME = ...` on one line, and `source`/`target` with their block on one line.
    fn statement_pads(&self, statements: &[Pair<'_, Rule>]) -> Vec<usize> {
        let one_line_data = |s: &Pair<'_, Rule>| {
            s.as_rule() == Rule::data_stmt
                && !self.has_comment(s)
                && s.clone().into_inner().nth(3).is_some_and(|e| e.into_inner().count() == 1)
        };
        let role = |s: &Pair<'_, Rule>| matches!(s.as_rule(), Rule::source_stmt | Rule::target_stmt);
        let name_width = |s: &Pair<'_, Rule>| s.clone().into_inner().nth(1).map_or(0, |n| width(n.as_str()));
        let mut pads = vec![0; statements.len()];
        let mut i = 0;
        while i < statements.len() {
            let kind: &dyn Fn(&Pair<'_, Rule>) -> bool = if one_line_data(&statements[i]) {
                &one_line_data
            } else if role(&statements[i]) {
                &role
            } else {
                i += 1;
                continue;
            };
            let mut j = i + 1;
            while j < statements.len() && kind(&statements[j]) && !self.apart(&statements[j - 1], &statements[j]) {
                j += 1;
            }
            let widest = statements[i..j].iter().map(name_width).max().unwrap_or(0);
            for (k, s) in statements.iter().enumerate().take(j).skip(i) {
                let keep = if role(s) {
                    // Padded only where the block then stays on one line.
                    let block = s.clone().into_inner().nth(2);
                    block.is_some_and(|b| self.fits_one_line(&b, "source ".len() + widest + 1))
                } else {
                    true
                };
                pads[k] = if keep { widest } else { 0 };
            }
            i = j;
        }
        pads
    }

    fn statement(&mut self, stmt: Pair<'_, Rule>, pad: usize) {
        let rule = stmt.as_rule();
        let parts: Vec<Pair<'_, Rule>> = stmt.into_inner().collect();
        match rule {
            Rule::data_stmt => {
                // kw name = table_expr
                self.tokens(&parts[..2]);
                self.pad_after(&parts[1], pad);
                self.tokens(&parts[2..3]);
                if let Some(expr) = parts.get(3) {
                    self.w.spaces(1);
                    self.pipeline(expr.clone());
                }
            }
            Rule::source_stmt | Rule::target_stmt => {
                self.tokens(&parts[..2]);
                self.pad_after(&parts[1], pad);
                self.blocks(&parts[2..]);
            }
            Rule::model_stmt
            | Rule::pretrain_stmt
            | Rule::finetune_stmt
            | Rule::direct_stmt
            | Rule::multitask_stmt
            | Rule::grid_stmt
            | Rule::fit_stmt => {
                let split = parts.iter().position(|p| matches!(p.as_rule(), Rule::block | Rule::model_block));
                let (head, block) = parts.split_at(split.unwrap_or(parts.len()));
                self.tokens(head);
                self.w.spaces(1);
                self.blocks(block);
            }
            _ => self.tokens(&parts),
        }
    }

    /// The space after a name, padded to `pad` characters.
    fn pad_after(&mut self, name: &Pair<'_, Rule>, pad: usize) {
        self.w.spaces(1 + pad.saturating_sub(width(name.as_str())));
    }

    /// `primary | op | op`: the primary on this line, each operation on its own line.
    fn pipeline(&mut self, expr: Pair<'_, Rule>) {
        let mut parts = expr.into_inner();
        if let Some(primary) = parts.next() {
            self.tokens(&[primary]);
        }
        self.w.indent += INDENT;
        let rest: Vec<Pair<'_, Rule>> = parts.collect();
        for op in rest.chunks(2) {
            self.w.item(start(&op[0]), false);
            self.tokens(op);
        }
        self.w.indent -= INDENT;
    }

    /// The tokens under `pairs` on the current line, spaced by [`space_between`], trailing commas
    /// dropped.
    fn tokens(&mut self, pairs: &[Pair<'_, Rule>]) {
        let mut all = Vec::new();
        for p in pairs {
            leaves(p.clone(), &mut all);
        }
        let mut prev: Option<Rule> = None;
        for (i, leaf) in all.iter().enumerate() {
            let rule = leaf.as_rule();
            if rule == Rule::EOI {
                continue;
            }
            let closes = all.get(i + 1).is_some_and(|n| matches!(n.as_rule(), Rule::rparen | Rule::rbrack));
            if rule == Rule::comma && closes {
                continue;
            }
            if prev.is_some_and(|p| space_between(p, rule)) {
                self.w.spaces(1);
            }
            self.w.token(start(leaf), leaf.as_str());
            prev = Some(rule);
        }
    }

    /// The block among `pairs` (the rest of a statement or item), if any.
    fn blocks(&mut self, pairs: &[Pair<'_, Rule>]) {
        for p in pairs {
            self.block(p.clone());
        }
    }

    /// Whether a block goes on one line at column `col`: no comment inside, no line break after
    /// any `{` of it in the source, and the one-line form fits [`WIDTH`].
    fn fits_one_line(&self, block: &Pair<'_, Rule>, col: usize) -> bool {
        if self.has_comment(block) {
            return false;
        }
        let mut toks = Vec::new();
        leaves(block.clone(), &mut toks);
        let broken = toks.windows(2).any(|w| {
            w[0].as_rule() == Rule::lbrace
                && w[1].as_rule() != Rule::rbrace
                && self.text[end(&w[0])..start(&w[1])].contains('\n')
        });
        if broken {
            return false;
        }
        let mut measure = Layout { text: self.text, comments: &[], w: Writer::new(self.text, &[]), flat: true };
        measure.block(block.clone());
        col + width(measure.w.current_line()) <= WIDTH
    }

    /// `{ settings }` or `model`'s `{ items }`: on one line or one item per line.
    fn block(&mut self, block: Pair<'_, Rule>) {
        let one_line = self.flat || self.fits_one_line(&block, self.w.column());
        let parts: Vec<Pair<'_, Rule>> = block.into_inner().collect();
        let [open, items @ .., close] = parts.as_slice() else { return };
        self.w.token(start(open), "{");
        if one_line {
            for item in items {
                self.w.spaces(if self.w.current_line().ends_with('{') { 1 } else { 2 });
                self.item(item.clone(), 0);
            }
            if !items.is_empty() {
                self.w.spaces(1);
            }
        } else {
            self.w.opens_block();
            self.w.indent += INDENT;
            let pads = self.item_pads(items);
            for (item, pad) in items.iter().zip(pads) {
                self.w.item(start(item), true);
                self.item(item.clone(), pad);
            }
            self.w.comments_before(start(close), Place::Paragraphs);
            self.w.indent -= INDENT;
            self.w.item(start(close), false);
        }
        self.w.token(start(close), "}");
    }

    /// Key widths to align `=` to: runs of adjacent settings (or of `input` declarations) not
    /// parted by an empty line or a comment line.
    fn item_pads(&self, items: &[Pair<'_, Rule>]) -> Vec<usize> {
        let mut pads = vec![0; items.len()];
        let mut i = 0;
        while i < items.len() {
            let Some((kind, _)) = key_width(&items[i]) else {
                i += 1;
                continue;
            };
            let mut j = i + 1;
            while j < items.len()
                && key_width(&items[j]).is_some_and(|(k, _)| k == kind)
                && !self.apart(&items[j - 1], &items[j])
            {
                j += 1;
            }
            let widest = items[i..j].iter().filter_map(key_width).map(|(_, w)| w).max().unwrap_or(0);
            pads[i..j].fill(widest);
            i = j;
        }
        pads
    }

    /// One item of a block: `name = value`, `input name = value`, `encoder kind(a, b) { ... }`,
    /// `head { ... }`; the key padded to `pad` characters.
    fn item(&mut self, item: Pair<'_, Rule>, pad: usize) {
        let rule = item.as_rule();
        let parts: Vec<Pair<'_, Rule>> = item.into_inner().collect();
        match rule {
            Rule::setting | Rule::input_decl => {
                let eq = parts.iter().position(|p| p.as_rule() == Rule::eq).unwrap_or(parts.len());
                self.tokens(&parts[..eq]);
                let key: usize = parts[..eq].iter().map(|p| width(p.as_str())).sum::<usize>() + eq.saturating_sub(1);
                self.w.spaces(1 + pad.saturating_sub(key));
                self.tokens(&parts[eq..]);
            }
            _ => {
                let split = parts.iter().position(|p| p.as_rule() == Rule::block).unwrap_or(parts.len());
                self.tokens(&parts[..split]);
                self.w.spaces(1);
                self.blocks(&parts[split..]);
            }
        }
    }
}
