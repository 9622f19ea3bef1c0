//! Go to definition and find references for `data` tables: a table is declared by
//! `data NAME = ...` and used after `source`, `target`, `join`, and as a table expression's
//! first table. The places come from the walk ([`super::scope`]), so a column that happens to
//! share a table's name (`where gas == "CO2"`) is not a reference.

use super::scope::{Role, Walk};

/// The byte range of the first declaration of `name`.
pub fn definition(walk: &Walk, name: &str) -> Option<(usize, usize)> {
    (0..walk.tokens.len())
        .find(|&i| walk.roles[i] == Role::TableDef && walk.tokens[i].text == name)
        .map(|i| span(walk, i))
}

fn span(walk: &Walk, i: usize) -> (usize, usize) {
    (walk.tokens[i].start, walk.tokens[i].end)
}

/// The table named at byte `offset` (on its declaration or a use), if any.
pub fn table_at<'a>(walk: &Walk<'a>, offset: usize) -> Option<&'a str> {
    let i = walk.token_at(offset)?;
    matches!(walk.roles[i], Role::TableDef | Role::TableRef).then_some(walk.tokens[i].text)
}

/// Go to definition: the declaration of the table at `offset`.
pub fn goto_definition(text: &str, offset: usize) -> Option<(usize, usize)> {
    let walk = Walk::new(text);
    definition(&walk, table_at(&walk, offset)?)
}

/// Find references: every use of the table at `offset`, and its declarations when asked.
pub fn references(text: &str, offset: usize, include_declaration: bool) -> Vec<(usize, usize)> {
    let walk = Walk::new(text);
    let Some(name) = table_at(&walk, offset) else { return Vec::new() };
    (0..walk.tokens.len())
        .filter(|&i| walk.tokens[i].text == name)
        .filter(|&i| walk.roles[i] == Role::TableRef || (include_declaration && walk.roles[i] == Role::TableDef))
        .map(|i| span(&walk, i))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn definitions_and_references_skip_columns_of_the_same_name() {
        let text = "data gas = csv(\"g.csv\")\ndata sim = gas | where gas == \"CO2\"\nsource sim { x = a }\ntarget gas { x = a }\n";
        let uses: Vec<&str> = references(text, 6, true).iter().map(|&(a, _)| &text[a..]).collect();
        assert_eq!(uses.len(), 3, "declaration, `= gas`, `target gas`: {uses:?}");
        assert_eq!(references(text, 6, false).len(), 2);
        let target_use = text.rfind("gas {").unwrap();
        assert_eq!(goto_definition(text, target_use + 1), Some((5, 8)));
        let column = text.find("gas ==").unwrap();
        assert_eq!(goto_definition(text, column), None);
        assert_eq!(goto_definition("source nothing { }", 8), None);
    }
}
