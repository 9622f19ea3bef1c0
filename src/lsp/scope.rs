//! What each token of a study is, read from the token stream alone (so that a half-typed file is
//! read as far as it goes): statement keywords, table definitions and references, settings,
//! call names and arguments, words of the language's value lists, and other names. Completion,
//! highlighting, hover and navigation all read this one walk; the words come from
//! [`crate::syntax::names`].

use crate::syntax::names;

use super::lex::{Kind, Token, lex};

/// The `{ ... }` a token sits in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// `source TABLE { ... }` with the table's name.
    Source(String),
    Target(String),
    Model,
    /// `encoder shared(a, b) { ... }` inside `model`.
    Encoder,
    /// `head { ... }` inside `model`.
    Head,
    Pretrain,
    Finetune,
    Direct,
    Multitask,
    Grid,
    /// `fit LAW { ... }` with the law as written.
    Fit(String),
    /// A block after something else (a typo): nothing is known about its settings.
    Unknown,
}

/// What a token is, for the editor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Comment,
    Str,
    Number,
    /// A column pattern.
    Glob,
    Punct,
    Op,
    Other,
    /// The word that starts a statement (`data`, `model`, ...).
    Statement,
    /// Another keyword: table operations, `on`, `except`, condition words, `at every n`,
    /// `significantly`, `by`, `input`/`encoder`/`head`.
    Keyword,
    /// `data NAME = ...`: the table's declaration.
    TableDef,
    /// A use of a declared table: after `source`, `target`, `join`, or as a table expression's primary.
    TableRef,
    /// `NAME =` inside a block.
    Setting,
    /// `NAME:` inside a call.
    Arg,
    /// A name followed by `(`: `csv`, `synthetic`, `logspace`, `log`, `shared`, ...
    Call,
    /// A word of one of the language's value lists in a place that takes one (`relu`, `power_law`,
    /// `transfer`, `standardize`, `all`, ...).
    Value,
    /// Any other word: a column, an input name, the study's name.
    Name,
}

/// The state of the walk before a token: the statement it belongs to, the blocks and brackets
/// open around it.
#[derive(Debug, Clone, Default)]
pub struct State<'a> {
    /// The statement keyword and the index of its token.
    pub statement: Option<(&'a str, usize)>,
    pub blocks: Vec<Block>,
    /// Open `(` and `[`: the call's name for `(` after a name, else the bracket itself.
    pub groups: Vec<&'a str>,
    /// The last setting name seen in the innermost block.
    pub setting: Option<&'a str>,
    /// A `=` at the statement's top level was seen (`data NAME =`, `transform x =`).
    pub after_eq: bool,
    /// `encoder` or `head` seen in `model`: the block its `{` opens.
    pending: Option<Block>,
}

impl State<'_> {
    /// The statement keyword, or "" outside any statement.
    pub fn keyword(&self) -> &str {
        self.statement.map_or("", |(k, _)| k)
    }

    /// At the statement's top level: no block or bracket open.
    pub fn top(&self) -> bool {
        self.blocks.is_empty() && self.groups.is_empty()
    }
}

/// The tokens of a text with their roles.
pub struct Walk<'a> {
    pub text: &'a str,
    pub tokens: Vec<Token<'a>>,
    pub roles: Vec<Role>,
}

/// Does token `i` start its line?
pub fn first_on_line(text: &str, tokens: &[Token], i: usize) -> bool {
    i == 0 || text[tokens[i - 1].end..tokens[i].start].contains('\n')
}

/// The index of the first token after `i` that is not a comment.
fn next_code(tokens: &[Token], i: usize) -> Option<usize> {
    (i + 1..tokens.len()).find(|&j| tokens[j].kind != Kind::Comment)
}

/// The index of the last token before `i` that is not a comment.
pub fn prev_code(tokens: &[Token], i: usize) -> Option<usize> {
    (0..i).rev().find(|&j| tokens[j].kind != Kind::Comment)
}

const VALUE_STATEMENTS: &[&str] = &["fit", "baseline", "expect", "report", "transform"];

/// Words of the value lists (the language's words a value may be).
fn is_value_word(w: &str) -> bool {
    names::words(names::LAWS).contains(&w)
        || names::words(names::BASELINES).contains(&w)
        || names::expect_subjects().contains(&w)
        || names::words(names::TRANSFORMS).contains(&w)
        || names::TRANSFORM_TARGETS.contains(&w)
        || w == names::ALL
        || names::choice_settings().iter().any(|(_, values)| values.contains(&w))
        || names::words(names::ENCODER_KINDS).contains(&w)
        || names::REPORT_KINDS.contains(&w)
}

fn keyword_of(statement: &str, block: Option<&Block>, w: &str) -> bool {
    match (statement, block) {
        ("data", None) => {
            names::TABLE_OPS.contains(&w) || names::TABLE_KEYWORDS.contains(&w) || names::CONDITION_WORDS.contains(&w)
        }
        ("expect", None) => names::EXPECT_KEYWORDS.contains(&w),
        ("report", None) => w == "by",
        ("fit", None) => w == "at",
        (_, Some(Block::Model)) => names::MODEL_DECLARATIONS.contains(&w),
        _ => w == "except",
    }
}

/// The block a `{` opens, from the statement it is in.
fn block_of(text_tokens: &[Token], statement: Option<(&str, usize)>) -> Block {
    let Some((kw, at)) = statement else { return Block::Unknown };
    let word_after =
        || text_tokens.get(at + 1).filter(|t| t.kind == Kind::Word).map(|t| t.text.to_string()).unwrap_or_default();
    match kw {
        "source" => Block::Source(word_after()),
        "target" => Block::Target(word_after()),
        "model" => Block::Model,
        "pretrain" => Block::Pretrain,
        "finetune" => Block::Finetune,
        "direct" => Block::Direct,
        "multitask" => Block::Multitask,
        "grid" => Block::Grid,
        "fit" => Block::Fit(word_after()),
        _ => Block::Unknown,
    }
}

impl<'a> Walk<'a> {
    pub fn new(text: &'a str) -> Self {
        let tokens = lex(text);
        let mut state = State::default();
        let roles = (0..tokens.len()).map(|i| step(text, &tokens, &mut state, i)).collect();
        Walk { text, tokens, roles }
    }

    /// The state before token `upto` (the walk of the tokens before it).
    pub fn state_before(&self, upto: usize) -> State<'a> {
        let mut state = State::default();
        for i in 0..upto.min(self.tokens.len()) {
            step(self.text, &self.tokens, &mut state, i);
        }
        state
    }

    /// The index of the token that contains byte `offset` or ends at it (a word being typed).
    pub fn token_at(&self, offset: usize) -> Option<usize> {
        let i = self.tokens.partition_point(|t| t.end < offset);
        (i < self.tokens.len() && self.tokens[i].start <= offset).then_some(i)
    }
}

/// The role of token `i`, advancing the state past it.
fn step<'a>(text: &'a str, tokens: &[Token<'a>], st: &mut State<'a>, i: usize) -> Role {
    let t = tokens[i];
    let next = next_code(tokens, i).map(|j| tokens[j].text);
    let prev = prev_code(tokens, i).map(|j| tokens[j]);
    match t.kind {
        Kind::Comment => Role::Comment,
        Kind::Str => Role::Str,
        Kind::Number => Role::Number,
        Kind::Glob => Role::Glob,
        Kind::Other => Role::Other,
        Kind::Op => {
            if t.text == "=" && st.top() {
                st.after_eq = true;
            }
            Role::Op
        }
        Kind::Punct => {
            match t.text {
                "{" => {
                    let block = st.pending.take().unwrap_or_else(|| block_of(tokens, st.statement));
                    st.blocks.push(block);
                    st.groups.clear();
                    st.setting = None;
                }
                "}" => {
                    st.blocks.pop();
                    st.groups.clear();
                    st.setting = None;
                }
                "(" => {
                    st.groups.push(prev.filter(|p| p.kind == Kind::Word && p.end == t.start).map_or("(", |p| p.text))
                }
                "[" => st.groups.push("["),
                ")" | "]" => {
                    st.groups.pop();
                }
                _ => {}
            }
            Role::Punct
        }
        Kind::Word => {
            let w = t.text;
            if st.top() && first_on_line(text, tokens, i) && names::STATEMENTS.contains(&w) {
                *st = State { statement: Some((w, i)), ..State::default() };
                return Role::Statement;
            }
            let after_keyword = st.statement.is_some_and(|(_, at)| prev_code(tokens, i) == Some(at));
            let block = st.blocks.last();
            if next == Some("(") && tokens.get(i + 1).is_some_and(|n| n.start == t.end) {
                return Role::Call;
            }
            if !st.blocks.is_empty() && st.groups.is_empty() && next == Some("=") {
                st.setting = Some(w);
                return Role::Setting;
            }
            if !st.groups.is_empty() && next == Some(":") {
                return Role::Arg;
            }
            if keyword_of(st.keyword(), block, w) {
                if block == Some(&Block::Model) {
                    st.pending = match w {
                        "encoder" => Some(Block::Encoder),
                        "head" => Some(Block::Head),
                        _ => None,
                    };
                }
                return Role::Keyword;
            }
            let prev_text = prev.map_or("", |p| p.text);
            match st.keyword() {
                "data" if st.top() && after_keyword => return Role::TableDef,
                "data"
                    if st.top()
                        && (prev_text == "join" || (prev_text == "=" && !data_eq_seen_before(tokens, st, i))) =>
                {
                    return Role::TableRef;
                }
                "source" | "target" if after_keyword => return Role::TableRef,
                _ => {}
            }
            let value_place = match block {
                None => VALUE_STATEMENTS.contains(&st.keyword()) || (st.keyword() == "data" && prev_text == ":"),
                Some(Block::Source(_) | Block::Target(_)) => names::words(names::OVERLAPS).contains(&w),
                Some(_) => true,
            };
            if value_place && is_value_word(w) { Role::Value } else { Role::Name }
        }
    }
}

/// Whether the statement's first top-level `=` comes before the `=` just before token `i` (so that
/// `data t = a | where x = ...` does not read `...` as a table).
fn data_eq_seen_before(tokens: &[Token], st: &State, i: usize) -> bool {
    let Some((_, at)) = st.statement else { return false };
    let eqs = (at..i).filter(|&j| tokens[j].text == "=").count();
    eqs > 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roles(text: &str) -> Vec<(&str, Role)> {
        let w = Walk::new(text);
        w.tokens.iter().map(|t| t.text).zip(w.roles.iter().copied()).collect()
    }

    #[test]
    fn tables_settings_and_values_are_told_apart() {
        use Role::*;
        let r = roles(
            "data gas = csv(\"g.csv\")\ndata sim = gas | where gas == \"CO2\" | join desc on a = b\nsource sim { x = d_*  overlap = allowed }\nmodel { activation = relu  encoder shared(a, b) { latent = 3 } }\nfit power_law\nexpect transfer < direct at every n",
        );
        let find = |text: &str, n: usize| r.iter().filter(|(t, _)| *t == text).nth(n).unwrap().1;
        assert_eq!(find("data", 0), Statement);
        assert_eq!(find("gas", 0), TableDef);
        assert_eq!(find("csv", 0), Call);
        assert_eq!(find("sim", 0), TableDef);
        assert_eq!(find("gas", 1), TableRef);
        assert_eq!(find("where", 0), Keyword);
        assert_eq!(find("gas", 2), Name, "a column named like a table");
        assert_eq!(find("desc", 0), TableRef);
        assert_eq!(find("on", 0), Keyword);
        assert_eq!(find("sim", 1), TableRef);
        assert_eq!(find("x", 0), Setting);
        assert_eq!(find("d_*", 0), Glob);
        assert_eq!(find("allowed", 0), Value);
        assert_eq!(find("relu", 0), Value);
        assert_eq!(find("encoder", 0), Keyword);
        assert_eq!(find("shared", 0), Call);
        assert_eq!(find("latent", 0), Setting);
        assert_eq!(find("power_law", 0), Value);
        assert_eq!(find("transfer", 0), Value);
        assert_eq!(find("every", 0), Keyword);
        let w = Walk::new("model { encoder shared(a, b) { lat");
        assert_eq!(w.state_before(w.tokens.len() - 1).blocks, [Block::Model, Block::Encoder]);
    }
}
