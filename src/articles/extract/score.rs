//! Where a candidate sits and how much to trust it. Each candidate gets a context (inside a
//! quotation, an image caption, the footer zone, the body) and a score from what it states;
//! the best candidate per field wins when it clears [`THRESHOLD`], and its score is the field's
//! `confidence`.

use super::candidates::CopyrightSpans;
use super::text::Doc;

/// Below this, a candidate is not reported.
pub(super) const THRESHOLD: f64 = 0.5;
/// A copyright line on the line of the article's own permission statement belongs to the
/// article ("Copyright © 2019 by Ganesh Sitaraman. Reprinted by permission of …").
pub(super) const NEAR_STATEMENT: f64 = 0.5;

/// Marks an image in the text made from HTML (an object replacement character on its own line).
pub(super) const IMAGE_MARK: char = '\u{FFFC}';

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Context {
    /// Inside a quotation in running text ('He said: "Copyright …"').
    Quoted,
    /// An image caption: the line right after an image.
    Caption,
    /// The footer zone: after the last elision, or in the last third of the lines.
    Footer,
    Body,
}

/// Is `pos` inside a quotation opened in running text on its line?
fn quoted(doc: &Doc<'_>, pos: usize) -> bool {
    let line = doc.line_of(pos);
    // A notice opening a quotation ("“Copyright 2024 is the year we fight back,” she said.").
    let just_before = doc.text[line.start.min(pos)..pos].trim_end();
    if just_before.ends_with(['“', '„', '«']) {
        return true;
    }
    let start = doc.sentence_of(pos).map_or(line.start, |s| s.start);
    let before = &doc.text[start.min(pos)..pos];
    let opening = before.matches(['“', '„', '«']).count();
    let closing = before.matches(['”', '»']).count();
    let straight = before.matches('"').count();
    let open_at = if opening > closing {
        before.rfind(['“', '„', '«'])
    } else if straight % 2 == 1 {
        before.rfind('"')
    } else {
        None
    };
    let Some(at) = open_at else {
        return false;
    };
    // Running text before the quote ("He said:"); a field label ("description:") is not.
    let lead = before[..at].trim();
    let words = lead.split_whitespace().count();
    words >= 2 || (words == 1 && !lead.ends_with(':'))
}

fn caption(doc: &Doc<'_>, pos: usize) -> bool {
    doc.previous_line(pos)
        .is_some_and(|l| doc.slice(&l).trim() == IMAGE_MARK.to_string())
}

pub(super) fn context(doc: &Doc<'_>, pos: usize) -> Context {
    if quoted(doc, pos) {
        return Context::Quoted;
    }
    if caption(doc, pos) {
        return Context::Caption;
    }
    let i = doc.line_index(pos);
    let last_elision = doc.last_elision;
    let n = doc.lines.len().max(1);
    if last_elision.is_some_and(|e| i > e) || i * 3 >= n * 2 {
        Context::Footer
    } else {
        Context::Body
    }
}

/// A signed copyright line: what it states, and where it sits.
pub(super) fn copyright(c: &CopyrightSpans, context: Context, _doc: &Doc<'_>, _pos: usize) -> f64 {
    let mut s: f64 = 0.45;
    if c.years.is_some() {
        s += 0.25;
    }
    if c.reserved {
        s += 0.15;
    }
    if !c.holders.is_empty() {
        s += 0.15;
    }
    if context == Context::Footer {
        s += 0.05;
    }
    s
}

/// A line with no sign: weaker than any signed one.
pub(super) fn unsigned(c: &CopyrightSpans, doc: &Doc<'_>, pos: usize) -> f64 {
    let mut s: f64 = 0.52;
    if !c.holders.is_empty() || c.years.is_some() {
        s += 0.08;
    }
    if context(doc, pos) == Context::Footer {
        s += 0.02;
    }
    s
}
