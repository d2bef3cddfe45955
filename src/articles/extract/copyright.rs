//! The copyright line: every sign ("©", "(c)", "Copyright", "Prawa autorskie") that opens a
//! statement is a candidate; each is parsed (second sign, years, "by", holder, years after the
//! holder), widened to what belongs to it (a name or a reservation before the sign, a
//! reservation or prohibition after it), checked against picture credits and prose, and scored.
//! Lines with no sign ("The Japan Times LTD. All rights reserved.", "Alle Rechte vorbehalten.")
//! are weaker candidates.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::candidates::CopyrightSpans;
use super::lexicon::Role;
use super::matching::{within, Hit};
use super::names::{self, is_domain};
use super::re;
use super::score::{self, Context};
use super::text::{first_year, read_years, skip_spaces, year_at, Doc, YearTo};

/// A character reference left in text ("kv&#283;ten").
static ENTITY: LazyLock<Regex> = LazyLock::new(|| re(r"&#?\w+;"));

fn hits_with<'h>(hits: &'h [Hit], roles: &'h [Role]) -> impl Iterator<Item = &'h Hit> + 'h {
    hits.iter().filter(move |h| roles.contains(&h.role()))
}

/// Leading bullets and markup of a line or segment.
fn skip_markup(text: &str, mut pos: usize, end: usize) -> usize {
    while pos < end {
        match text[pos..].chars().next() {
            Some(c)
                if c.is_whitespace() || matches!(c, '*' | '-' | '•' | '>' | '#' | '_' | '·') =>
            {
                pos += c.len_utf8()
            }
            _ => break,
        }
    }
    pos
}

/// Where the segment holding `pos` starts: the line, a `|` or `•`, or the sentence.
fn segment_start(doc: &Doc<'_>, pos: usize) -> usize {
    let line = doc.line_of(pos);
    let mut start = line.start;
    if let Some(s) = doc.sentence_of(pos) {
        start = start.max(s.start);
    }
    if let Some((i, c)) = doc.text[start..pos]
        .char_indices()
        .rfind(|(_, c)| matches!(c, '|' | '•' | '·'))
    {
        start += i + c.len_utf8();
    }
    skip_markup(doc.text, start, pos)
}

/// Is the text a name standing before a sign ("Luxurious Magazine", "TheAtlantic.com",
/// "Atlas.cz 1999 – 2021", "Jamaica Observer, 2022")?
fn name_like(s: &str) -> bool {
    let words: Vec<&str> = s.split_whitespace().collect();
    !words.is_empty()
        && words.len() <= 6
        && words.iter().all(|w| {
            let w = w.trim_end_matches(',');
            w.chars()
                .next()
                .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
                || is_domain(w)
                || matches!(w, "&" | "-" | "–")
        })
        && !s.contains(". ")
}

/// A short run of words before a sign with no sentence in it ("Lietuvos nacionalinis radijas ir
/// televizija").
fn short_phrase(s: &str) -> bool {
    let n = s.split_whitespace().count();
    (1..=6).contains(&n) && !s.contains(['.', ':', ';', '!', '?', '©'])
}

fn has_role(hits: &[Hit], roles: &[Role], r: &Range<usize>) -> bool {
    hits_with(within(hits, r.start.saturating_sub(64), r.end), roles)
        .any(|h| h.span.start < r.end && h.span.end > r.start)
}

/// Parses the candidate opened by the sign `sign`.
fn parse(doc: &Doc<'_>, hits: &[Hit], sign: &Hit, chained: bool) -> Option<CopyrightSpans> {
    let text = doc.text;
    let line = doc.line_of(sign.span.start);
    let marker = &text[sign.span.clone()];
    let before = text[..sign.span.start].chars().next_back();
    if marker.starts_with('(') && before.is_some_and(char::is_alphanumeric) {
        return None;
    }
    let word_sign = marker.chars().next().is_some_and(char::is_alphabetic);
    if word_sign && matches!(before, Some('-' | '/')) {
        return None;
    }
    let seg = segment_start(doc, sign.span.start);
    let prefix_range = seg..sign.span.start;
    let prefix = text[prefix_range.clone()].trim();
    let stops: Vec<usize> = hits_with(
        within(hits, sign.span.end, line.end),
        &[Role::Reserved, Role::Prohibited, Role::Sign],
    )
    .filter(|h| h.span.start > sign.span.end && h.span.start < line.end)
    .map(|h| h.span.start)
    .collect();

    // Forward: second signs, ':', years, ',', "by", a reservation straight after the sign.
    let mut pos = skip_spaces(text, sign.span.end, line.end);
    let mut reservation: Option<Range<usize>> = None;
    loop {
        let next_sign = within(hits, pos, pos + 1)
            .iter()
            .find(|h| h.span.start == pos && h.role() == Role::Sign);
        if let Some(h) = next_sign {
            pos = skip_spaces(text, h.span.end, line.end);
            continue;
        }
        if text[pos..].starts_with('®') || text[pos..].starts_with(':') {
            pos = skip_spaces(
                text,
                pos + text[pos..].chars().next().map_or(1, char::len_utf8),
                line.end,
            );
            continue;
        }
        break;
    }
    if word_sign {
        // "Copyright law in 1998 …": the word in a sentence, not a sign.
        let next = text[pos..line.end].split_whitespace().next().unwrap_or("");
        if next.is_empty() || (next.starts_with(char::is_lowercase) && next != "by") {
            return None;
        }
    }
    let mut years = None;
    if let Some((from, to, p)) = read_years(text, pos, line.end) {
        years = Some((from, to));
        pos = skip_spaces(text, p, line.end);
    }
    if let Some(h) = within(hits, pos, pos + 1)
        .iter()
        .find(|h| h.span.start == pos && h.role() == Role::Sign)
    {
        pos = skip_spaces(text, h.span.end, line.end);
    }
    if let Some(h) = within(hits, pos, pos + 1)
        .iter()
        .find(|h| h.span.start == pos && h.role() == Role::Reserved)
    {
        reservation = Some(h.span.clone());
        pos = skip_spaces(text, h.span.end, line.end);
    }
    for lead in [",", "by "] {
        if text[pos..line.end].starts_with(lead) {
            pos = skip_spaces(text, pos + lead.len(), line.end);
        }
    }
    if years.is_none() {
        if let Some((from, to, p)) = read_years(text, pos, line.end) {
            years = Some((from, to));
            pos = skip_spaces(text, p, line.end);
        }
    }
    // "© Provided by …", "© Photo courtesy of …": a credit.
    if has_role(hits, &[Role::Syndication, Role::Credit], &(pos..pos + 1)) {
        return None;
    }
    let mut holder = names::holder(doc, pos, line.end, &stops);
    let mut end = holder
        .as_ref()
        .map(|h| h.end)
        .or_else(|| reservation.as_ref().map(|r| r.end))
        .or_else(|| {
            years.as_ref().map(|(f, t)| match t {
                YearTo::Year(t) => t.end,
                _ => f.end,
            })
        })
        .unwrap_or(sign.span.end);
    if let YearTo::Open = years.as_ref().map_or(&YearTo::Same, |y| &y.1) {
        end = end.max(pos.min(line.end));
    }
    // Years after the holder: "Gannett Co., Inc. 2020", "Axios Media, 2020", "…, květen 2002".
    if let Some(h) = &holder {
        let mut q = skip_spaces(text, h.end, line.end);
        if text[q..].starts_with(',') || text[q..].starts_with('|') {
            q = skip_spaces(text, q + 1, line.end);
        }
        let mut found = read_years(text, q, line.end);
        if found.is_none() {
            let word_end = text[q..line.end]
                .find(char::is_whitespace)
                .map_or(line.end, |i| q + i);
            let word = &text[q..word_end];
            let plain = ENTITY.replace_all(word, "x");
            if !word.is_empty() && !plain.contains(|c: char| c.is_ascii_digit() || c == '.') {
                found = read_years(text, skip_spaces(text, word_end, line.end), line.end);
            }
        }
        if let Some((from, to, p)) = found {
            if years.is_none() {
                years = Some((from, to));
            }
            end = p;
        }
    }
    // The line's own period.
    let mut own_period = false;
    if text[end..line.end].starts_with('.') && !text[..end].ends_with('.') {
        end += 1;
        own_period = true;
    }
    // An address or a registration number after the holder belongs to the line, to its
    // sentence's end ("© Future US, Inc. 11 West 42nd Street, …, NY 10036.").
    let mut after = skip_spaces(text, end, line.end);
    if text[after..line.end].starts_with(',') {
        after = skip_spaces(text, after + 1, line.end);
    }
    let next_word = text[after..line.end]
        .split_whitespace()
        .next()
        .unwrap_or("");
    if holder.is_some()
        && after < line.end
        && !own_period
        && next_word.contains(|c: char| c.is_ascii_digit())
        && year_at(text, after).is_none()
        && text[end..after]
            .chars()
            .all(|c| c.is_whitespace() || c == ',')
    {
        if let Some(s) = doc.sentence_of(after) {
            let s_end = s.end.min(line.end);
            if !text[after..s_end].contains('|') {
                end = s_end;
            }
        }
    }

    // What stands before the sign.
    let mut start = sign.span.start;
    let mut prefix_ok = prefix.is_empty() || chained;
    let mut prefix_is_name = false;
    let gap_before = |r: &Range<usize>| text[r.end..sign.span.start].trim().len() <= 1;
    let before_hits: Vec<&Hit> = within(hits, seg, sign.span.start)
        .iter()
        .filter(|h| h.span.start >= seg && h.span.end <= sign.span.start)
        .collect();
    if !prefix_ok {
        if let Some(r) = before_hits
            .iter()
            .find(|h| h.role() == Role::Reserved && gap_before(&h.span))
        {
            start = r.span.start.min(start);
            let rs = doc
                .sentence_of(r.span.start)
                .map_or(r.span.start, |s| s.start);
            start = start.min(rs.max(line.start));
            reservation = reservation.or(Some(r.span.clone()));
            prefix_ok = true;
        } else if let Some(c) = before_hits
            .iter()
            .find(|h| h.role() == Role::Coverage && h.span.start == seg && gap_before(&h.span))
        {
            start = c.span.start;
            prefix_ok = true;
        } else if prefix.ends_with(':') && !prefix.contains(' ') {
            prefix_ok = true; // a label: "Quelle:", "Textquelle:"
        } else if name_like(prefix)
            || (short_phrase(prefix)
                && holder.is_none()
                && (years.is_some() || reservation.is_some()))
        {
            start = seg;
            prefix_ok = true;
            prefix_is_name = true;
        } else if years.is_some() || reservation.is_some() {
            prefix_ok = true; // a sign in the middle of a footer line: the line starts at it
        }
    }
    if !prefix_ok {
        return None;
    }
    if has_role(hits, &[Role::Credit], &(seg..end.max(seg))) {
        return None;
    }
    if prefix_is_name && holder.is_none() {
        // The name before the sign is the holder ("Luxurious Magazine © 2011-2019.").
        holder = names::holder(doc, start, sign.span.start, &[]);
        if let (None, Some(y)) = (&years, first_year(text, start, sign.span.start)) {
            let to = read_years(text, y.start, sign.span.start).map_or(YearTo::Same, |r| r.1);
            years = Some((y, to));
        }
    } else if years.is_none() && start < sign.span.start {
        if let Some(y) = first_year(text, start, sign.span.start) {
            let to = read_years(text, y.start, sign.span.start).map_or(YearTo::Same, |r| r.1);
            years = Some((y, to));
        }
    }

    // A line with neither year nor reservation must be a plain name, not a picture credit.
    if years.is_none() && reservation.is_none() {
        let h = holder.as_ref()?;
        let name = &text[h.clone()];
        let agency_alone = within(hits, h.start, h.start + 1).iter().any(|a| {
            a.role() == Role::Agency
                && a.span.start == h.start
                && !text[a.span.end..].starts_with(|c: char| c.is_alphanumeric() || c == '-')
        });
        if name.contains('/') || agency_alone {
            return None;
        }
        if !(chained || prefix.is_empty() || prefix.ends_with(':') || name_like(prefix)) {
            return None;
        }
    }
    if holder.is_none() && years.is_none() && reservation.is_none() {
        return None;
    }
    let context = score::context(doc, sign.span.start);
    if matches!(context, Context::Quoted | Context::Caption) {
        return None;
    }

    let mut out = CopyrightSpans {
        line: start..end,
        holders: holder.into_iter().collect(),
        years,
        reserved: reservation.is_some(),
        score: 0.0,
    };
    extend(doc, hits, &mut out, line.end);
    // A reservation or prohibition in the sentence just before the sign, when none follows
    // ("All rights reserved. © 2021 Associated Newspapers Limited.").
    if !out.reserved && !chained && out.line.start == sign.span.start {
        if let Some(i) = doc.sentence_index(sign.span.start) {
            let here = &doc.sentences[i];
            if i > 0 && here.start == sign.span.start {
                let prev = doc.sentences[i - 1].clone();
                if prev.start >= line.start
                    && has_role(hits, &[Role::Reserved, Role::Prohibited], &prev)
                {
                    out.line.start = skip_markup(text, prev.start, prev.end);
                    out.reserved = true;
                }
            }
        }
    }
    out.score = score::copyright(&out, context, doc, sign.span.start);
    Some(out)
}

/// Widens a line to the reservation or prohibition that belongs to it, and merges a second
/// sign that follows at once ("Copyright © Seznam Zprávy, a.s.Copyright © Seznam.cz, a.s.").
fn extend(doc: &Doc<'_>, hits: &[Hit], c: &mut CopyrightSpans, line_end: usize) {
    let text = doc.text;
    if c.reserved && c.line.end >= line_end {
        return;
    }
    let blockers = [
        Role::Permission,
        Role::Origin,
        Role::Licence,
        Role::Syndication,
        Role::SourceLabel,
    ];
    // A second sign straight after.
    if !c.reserved {
        if let Some(next) = within(hits, c.line.end, line_end).iter().find(|h| {
            h.role() == Role::Sign
                && h.span.start >= c.line.end
                && h.span.start < line_end
                && h.span.start - c.line.end <= 30
                && !text[c.line.end..h.span.start].contains(". ")
        }) {
            if let Some(second) = parse(doc, hits, next, true) {
                c.holders.extend(second.holders);
                if c.years.is_none() {
                    c.years = second.years;
                }
                c.line.end = second.line.end;
                c.reserved |= second.reserved;
            }
        }
    }
    if c.reserved {
        return;
    }
    if c.years.is_none() {
        if let Some(y) = first_year(text, c.line.start, c.line.end) {
            if !c
                .holders
                .iter()
                .any(|h| h.start <= y.start && y.end <= h.end)
            {
                c.years = Some((y, YearTo::Same));
            }
        }
    }
    let after = c.line.end;
    let reservation = within(hits, after, line_end)
        .iter()
        .find(|h| h.role() == Role::Reserved && h.span.start >= after && h.span.start < line_end);
    if let Some(r) = reservation {
        let gap = after..r.span.start;
        let sentences = text[gap.clone()].matches(". ").count();
        if gap.len() <= 160 && sentences <= 2 && !has_role(hits, &blockers, &gap) {
            let mut end = r.span.end;
            if text[end..line_end].starts_with('.') {
                end += 1;
            }
            c.line.end = end;
            c.reserved = true;
            if c.years.is_none() {
                if let Some(y) = first_year(text, after, r.span.start) {
                    c.years = Some((y, YearTo::Same));
                }
            }
            return;
        }
    }
    if let Some(p) = within(hits, after, line_end)
        .iter()
        .find(|h| h.role() == Role::Prohibited && h.span.start >= after && h.span.start < line_end)
    {
        if p.span.start - after <= 40 && !has_role(hits, &blockers, &(after..p.span.start)) {
            let clause_end = text[p.span.end..line_end]
                .find([',', ';', '|', '.', '。'])
                .map_or(line_end, |i| p.span.end + i);
            let dash = text[p.span.end..clause_end]
                .find(" - ")
                .map_or(clause_end, |i| p.span.end + i);
            c.line.end = dash.min(clause_end);
            c.reserved = true;
        }
    }
}

/// A line with no sign: "2021 Spider’s Web. WSZELKIE PRAWA ZASTRZEŻONE", "The Japan Times LTD.
/// All rights reserved.", or the reservation alone ("Alle Rechte vorbehalten.").
fn unsigned(doc: &Doc<'_>, hits: &[Hit], r: &Hit) -> Option<CopyrightSpans> {
    let text = doc.text;
    let line = doc.line_of(r.span.start);
    let start = skip_markup(text, line.start, r.span.start);
    let prefix = text[start..r.span.start].trim();
    let mut end = r.span.end;
    if text[end..line.end].starts_with('.') {
        end += 1;
    }
    let context = score::context(doc, r.span.start);
    if matches!(context, Context::Quoted | Context::Caption) {
        return None;
    }
    let mut out = CopyrightSpans {
        line: start..end,
        holders: Vec::new(),
        years: None,
        reserved: true,
        score: 0.0,
    };
    if !prefix.is_empty() {
        if !name_like(prefix) || has_role(hits, &[Role::Credit], &(start..r.span.start)) {
            return None;
        }
        let mut p = start;
        if let Some((from, to, q)) = read_years(text, p, r.span.start) {
            out.years = Some((from, to));
            p = skip_spaces(text, q, r.span.start);
        }
        out.holders = names::holder(doc, p, r.span.start, &[])
            .into_iter()
            .collect();
        if out.holders.is_empty() && out.years.is_none() {
            return None;
        }
    }
    out.score = score::unsigned(&out, doc, r.span.start);
    Some(out)
}

/// The best copyright line of the text, and all candidates' scores (best first).
pub(super) fn find(
    doc: &Doc<'_>,
    hits: &[Hit],
    near: Option<&Range<usize>>,
) -> Option<CopyrightSpans> {
    let mut candidates: Vec<CopyrightSpans> = Vec::new();
    let mut covered_until = 0;
    for h in hits_with(hits, &[Role::Sign]) {
        if h.span.start < covered_until {
            continue;
        }
        if let Some(mut c) = parse(doc, hits, h, false) {
            covered_until = c.line.end;
            if let Some(n) = near {
                if doc.line_of(n.start) == doc.line_of(c.line.start) {
                    c.score += score::NEAR_STATEMENT;
                }
            }
            candidates.push(c);
        }
    }
    let signed_lines: std::collections::HashSet<usize> = candidates
        .iter()
        .map(|c| doc.line_index(c.line.start))
        .collect();
    for r in hits_with(hits, &[Role::Reserved]) {
        if signed_lines.contains(&doc.line_index(r.span.start)) {
            continue;
        }
        if let Some(c) = unsigned(doc, hits, r) {
            candidates.push(c);
        }
    }
    let best = candidates
        .into_iter()
        .filter(|c| c.score >= score::THRESHOLD)
        .fold(None::<CopyrightSpans>, |best, c| match best {
            Some(b) if b.score >= c.score => Some(b),
            _ => Some(c),
        })?;
    Some(best)
}

/// Is there a reservation or a prohibition near the line (the lines around it)?
pub(super) fn reserved_near(doc: &Doc<'_>, hits: &[Hit], c: &CopyrightSpans) -> bool {
    if c.reserved {
        return true;
    }
    let i = doc.line_index(c.line.start);
    hits_with(hits, &[Role::Reserved, Role::Prohibited]).any(|h| {
        let j = doc.line_index(h.span.start);
        j + 1 >= i && j <= i + 3 && !matches!(score::context(doc, h.span.start), Context::Quoted)
    })
}

#[cfg(test)]
mod pattern_tests {
    use super::*;

    #[test]
    fn every_pattern_compiles() {
        let _ = &*ENTITY;
    }
}
