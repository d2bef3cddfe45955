//! What the permission and licence readers share: the candidate they produce, and the small
//! readers of a statement's span and surroundings.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::lexicon::Role;
use super::matching::{within, Hit};
use super::re;
use super::score::{self, Context};
use super::text::Doc;

static FIELD_LABEL: LazyLock<Regex> = LazyLock::new(|| re(r#"^[a-z_]+:\s*["']?"#));

pub(super) fn roles_in<'h>(
    hits: &'h [Hit],
    roles: &'h [Role],
    r: Range<usize>,
) -> impl Iterator<Item = &'h Hit> + 'h {
    within(hits, r.start, r.end).iter().filter(move |h| {
        roles.contains(&h.role()) && h.span.start >= r.start && h.span.end <= r.end
    })
}

/// A statement's span without its markup, field label, separators before `anchor`, and
/// unbalanced brackets.
pub(super) fn clean(doc: &Doc<'_>, r: Range<usize>, anchor: usize) -> Range<usize> {
    let text = doc.text;
    let mut start = r.start;
    let mut end = r.end.max(start);
    if let Some(m) = FIELD_LABEL.find(&text[start..end]) {
        if text[start + m.end()..].starts_with(char::is_uppercase) {
            start += m.end();
        }
    }
    let head = &text[start..anchor.clamp(start, end)];
    let mut cut = start;
    for sep in [" • ", " | ", " - ", " – ", "•"] {
        if let Some(i) = head.rfind(sep) {
            let before = &head[..i];
            if before.matches('[').count() <= before.matches(']').count() {
                cut = cut.max(start + i + sep.len());
            }
        }
    }
    start = cut;
    let s = &text[start..end];
    let lead = s.len()
        - s.trim_start_matches(|c: char| c.is_whitespace() || "*_>#(-•\"“„".contains(c))
            .len();
    start += lead;
    let s = &text[start..end];
    let mut trimmed = s.trim_end_matches(|c: char| c.is_whitespace() || c == '*' || c == '_');
    if trimmed.ends_with(')') && trimmed.matches('(').count() < trimmed.matches(')').count() {
        trimmed = &trimmed[..trimmed.len() - 1];
    }
    if trimmed.ends_with(['"', '”']) && trimmed.matches(['"', '“', '”']).count() % 2 == 1 {
        trimmed = &trimmed[..trimmed.len() - 1];
    }
    end = start + trimmed.len();
    start..end.max(start)
}

pub(super) fn credited(hits: &[Hit], r: Range<usize>) -> bool {
    roles_in(hits, &[Role::Credit], r).next().is_some()
}

pub(super) fn bad_context(doc: &Doc<'_>, pos: usize) -> bool {
    matches!(score::context(doc, pos), Context::Quoted | Context::Caption)
}

#[cfg(test)]
mod pattern_tests {
    use super::*;

    #[test]
    fn every_pattern_compiles() {
        let _ = &*FIELD_LABEL;
    }
}
