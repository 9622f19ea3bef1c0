//! A minimal XML well-formedness check for the SVG and HTML outputs, shared by the test modules
//! (`use crate::support::xml::assert_well_formed`).

/// Panics unless `xml` is one well-formed element: tags nest and close, attribute values are
/// quoted, unique and free of `<`, and every `&` starts a known entity.
pub fn assert_well_formed(xml: &str) {
    let mut stack: Vec<String> = Vec::new();
    let mut roots = 0;
    let mut rest = xml;
    loop {
        let Some(open) = rest.find('<') else {
            check_text(rest);
            assert!(rest.trim().is_empty() || !stack.is_empty(), "text after the root: {rest:?}");
            break;
        };
        let text = &rest[..open];
        check_text(text);
        assert!(text.trim().is_empty() || !stack.is_empty(), "text outside the root: {text:?}");
        rest = &rest[open..];
        if let Some(after) = rest.strip_prefix("<!--") {
            let end = after.find("-->").expect("unclosed comment");
            rest = &after[end + 3..];
            continue;
        }
        if let Some(after) = rest.strip_prefix("<?") {
            let end = after.find("?>").expect("unclosed processing instruction");
            rest = &after[end + 2..];
            continue;
        }
        let end = tag_end(rest).unwrap_or_else(|| panic!("unclosed tag: {}", &rest[..rest.len().min(60)]));
        let tag = &rest[1..end];
        rest = &rest[end + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            let name = name.trim();
            let top = stack.pop().unwrap_or_else(|| panic!("</{name}> closes nothing"));
            assert_eq!(top, name, "</{name}> closes <{top}>");
            continue;
        }
        let self_closing = tag.ends_with('/');
        let body = tag.trim_end_matches('/');
        let name_len = body.find(char::is_whitespace).unwrap_or(body.len());
        let name = &body[..name_len];
        assert!(is_name(name), "bad element name {name:?}");
        check_attributes(&body[name_len..]);
        if stack.is_empty() {
            roots += 1;
        }
        if !self_closing {
            stack.push(name.to_string());
        }
    }
    assert!(stack.is_empty(), "unclosed elements: {stack:?}");
    assert_eq!(roots, 1, "expected exactly one root element");
}

/// The index of the `>` ending the tag at the start of `s`, skipping quoted attribute values.
fn tag_end(s: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in s.char_indices().skip(1) {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return Some(i),
            (None, '<') => panic!("'<' inside a tag: {}", &s[..i + 1]),
            _ => {}
        }
    }
    None
}

fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.'))
}

fn check_attributes(mut s: &str) {
    let mut seen = Vec::new();
    loop {
        s = s.trim_start();
        if s.is_empty() {
            return;
        }
        let eq = s.find('=').unwrap_or_else(|| panic!("attribute without value: {s:?}"));
        let name = s[..eq].trim();
        assert!(is_name(name), "bad attribute name {name:?}");
        assert!(!seen.contains(&name.to_string()), "duplicate attribute {name}");
        seen.push(name.to_string());
        let value = s[eq + 1..].trim_start();
        let quote = value.chars().next().filter(|c| *c == '"' || *c == '\'');
        let quote = quote.unwrap_or_else(|| panic!("unquoted attribute {name}"));
        let close = value[1..].find(quote).unwrap_or_else(|| panic!("unterminated attribute {name}"));
        let inner = &value[1..1 + close];
        assert!(!inner.contains('<'), "'<' in attribute {name}");
        check_text(inner);
        s = &value[close + 2..];
    }
}

fn check_text(text: &str) {
    let mut rest = text;
    while let Some(i) = rest.find('&') {
        rest = &rest[i + 1..];
        let end = rest.find(';').unwrap_or_else(|| panic!("bare '&' in {text:?}"));
        let entity = &rest[..end];
        let known = matches!(entity, "amp" | "lt" | "gt" | "quot" | "apos")
            || entity.strip_prefix("#x").is_some_and(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_hexdigit()))
            || entity.strip_prefix('#').is_some_and(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()));
        assert!(known, "unknown entity &{entity}; in {text:?}");
    }
}
