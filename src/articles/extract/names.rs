//! Names: copyright holders and publishers, read as organisation or person names.
//!
//! A holder is read as a segment ([`holder`]): everything after the sign and the years up to the
//! first thing that cannot be part of a name: a reservation, a separator (`|`, ` - `, `;`), a
//! year, the end of a sentence, a label before a number (`NIT. 860…`), or a capitalised word
//! after a company suffix (`Limited Quay House`). It keeps commas, initials, `&`, `Co.`,
//! `Ltd.`, `S.A.`, `GmbH`, quotes and lower-case words inside the name. A publisher is read by a
//! word walk (`publishers.rs`): a markdown link's text, a URL's host, a quoted name, or
//! capitalised words with connectors and suffixes.

use std::ops::Range;

use super::text::{year_at, Doc};

/// Company suffixes. Those that keep their period at the end of a holder are marked `true`.
const SUFFIXES: &[(&str, bool)] = &[
    ("Inc", true),
    ("Co", true),
    ("Corp", true),
    ("Ltd", true),
    ("LTD", true),
    ("LLC", true),
    ("Bros", true),
    ("Cía", true),
    ("Sp", true),
    ("LLP", false),
    ("LP", false),
    ("PLC", false),
    ("PS", false),
    ("GmbH", false),
    ("AG", false),
    ("SE", false),
    ("SA", false),
    ("AB", false),
    ("ASA", false),
    ("Oyj", false),
    ("Oy", false),
    ("NV", false),
    ("BV", false),
    ("SL", false),
    ("SLU", false),
    ("SpA", false),
    ("Srl", false),
    ("KG", false),
    ("Pty", false),
    ("(Pty)", false),
    ("Limited", false),
    ("LIMITED", false),
    ("Incorporated", false),
    ("Company", false),
    ("Corporation", false),
    ("Group", false),
    ("Foundation", false),
];

pub(super) const MONTHS: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Sept",
    "Oct",
    "Nov",
    "Dec",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

pub(super) fn bare(token: &str) -> &str {
    token.trim_start_matches(['*', '_']).trim_end_matches([
        '.', ',', ';', ':', '!', '?', ')', '"', '”', '’', '»', '*', '_',
    ])
}

/// A company suffix, and whether it keeps its period.
pub(super) fn suffix(token: &str) -> Option<bool> {
    let t = token.trim_end_matches([',', ';']);
    let t = t.strip_suffix('.').unwrap_or(t);
    if let Some((_, keep)) = SUFFIXES.iter().find(|(s, _)| *s == t) {
        return Some(*keep);
    }
    initialism(token).then_some(true)
}

/// "S.A.", "a.s.", "L.P.", "o.o.", "S.L.U.": letters each followed by a period.
pub(super) fn initialism(token: &str) -> bool {
    let t = token.trim_end_matches([',', ';']);
    let parts: Vec<&str> = t.split('.').collect();
    t.ends_with('.')
        && parts.len() >= 3
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| (1..=3).contains(&p.chars().count()) && p.chars().all(char::is_alphabetic))
}

pub(super) fn is_domain(token: &str) -> bool {
    let t = bare(token);
    let Some((host, tld)) = t.rsplit_once('.') else {
        return false;
    };
    !host.is_empty()
        && (2..=6).contains(&tld.len())
        && tld.chars().all(|c| c.is_ascii_alphabetic())
        && (tld.chars().all(|c| c.is_ascii_lowercase()) || host.chars().any(|c| c.is_lowercase()))
        && host
            .chars()
            .all(|c| c.is_alphanumeric() || c == '.' || c == '-')
}

pub(super) fn capitalised(token: &str) -> bool {
    let t = token.trim_start_matches(['"', '“', '„', '«', '‘', '\'', '(']);
    t.chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || (c.is_alphabetic() && !c.is_lowercase()))
}

pub(super) fn lowercase_word(token: &str) -> bool {
    token.chars().next().is_some_and(char::is_lowercase)
}

/// The tokens (runs of non-space characters) of `text[from..to]`.
pub(super) fn tokens(text: &str, from: usize, to: usize) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let Some(s) = text.get(from..to) else {
        return out;
    };
    for (i, c) in s.char_indices() {
        if c.is_whitespace() {
            if let Some(st) = start.take() {
                out.push(st..from + i);
            }
        } else if start.is_none() {
            start = Some(from + i);
        }
    }
    if let Some(st) = start {
        out.push(st..to);
    }
    out
}

/// Where a period glued to an upper-case letter ends a name ("Network.A Warner", "a.s.Obsah").
fn glued_end(token: &str) -> Option<usize> {
    let chars: Vec<(usize, char)> = token.char_indices().collect();
    for w in 1..chars.len().saturating_sub(1) {
        let (at, c) = chars[w];
        if c == '.' && chars[w + 1].1.is_uppercase() {
            let before = &token[..at];
            let word = before.rsplit('.').next().unwrap_or("");
            if word.chars().count() <= 1 {
                // An initialism: the period belongs to it, the name ends after it.
                if chars[w + 1..]
                    .iter()
                    .take(2)
                    .all(|(_, c)| c.is_alphabetic())
                    && chars.get(w + 2).is_some_and(|(_, c)| c.is_lowercase())
                {
                    return Some(at + 1);
                }
                continue;
            }
            if is_domain(before) && before.contains('.') {
                continue;
            }
            return Some(at);
        }
    }
    None
}

/// Reads a holder from `from` up to `limit`, stopping before any of `stops`.
pub(super) fn holder(
    doc: &Doc<'_>,
    from: usize,
    limit: usize,
    stops: &[usize],
) -> Option<Range<usize>> {
    let text = doc.text;
    let toks = tokens(text, from, limit);
    let mut end: Option<usize> = None;
    let mut start: Option<usize> = None;
    let mut after_suffix = false;
    let mut count = 0;
    for (i, t) in toks.iter().enumerate() {
        let mut t = t.clone();
        if let Some(stop) = stops.iter().find(|s| **s >= t.start && **s < t.end) {
            if *stop == t.start {
                break;
            }
            t = t.start..*stop;
        }
        let tok = &text[t.clone()];
        let cut_here = t.end < toks[i].end;
        if matches!(tok, "|" | "•" | "-" | "–" | "—" | "·") {
            break;
        }
        if tok.starts_with('|') || tok.starts_with('@') {
            break;
        }
        if year_at(text, t.start).is_some() {
            break;
        }
        if count == 0 && MONTHS.contains(&bare(tok)) {
            return None;
        }
        if after_suffix
            && count > 0
            && capitalised(tok)
            && suffix(tok).is_none()
            && !tok.starts_with('(')
        {
            break;
        }
        let next = toks.get(i + 1).map(|n| &text[n.clone()]);
        // A label in front of a number: "NIT. 860.001", "Tel. 06106".
        if tok.ends_with('.')
            && tok.chars().count() <= 5
            && suffix(tok).is_none()
            && next.is_some_and(|n| n.starts_with(|c: char| c.is_ascii_digit()))
            && count > 0
            && !cut_here
        {
            break;
        }
        if let Some(g) = glued_end(tok) {
            let e = t.start + g;
            start.get_or_insert(t.start);
            end = Some(e);
            break;
        }
        start.get_or_insert(t.start);
        count += 1;
        let sfx = suffix(tok);
        if tok.ends_with(',') {
            end = Some(t.end - 1);
            // A comma continues the name unless a year, a number or a stop comes next.
            let stop_next = toks.get(i + 1).is_none_or(|n| {
                stops.contains(&n.start)
                    || text[n.clone()].starts_with(|c: char| c.is_ascii_digit())
                    || text[n.clone()].contains(|c: char| c.is_ascii_digit())
                        && !text[n.clone()].chars().any(char::is_alphabetic)
            });
            // "Axios Media, 2020", "Project Syndicate, květen 2002".
            let year_next = toks.get(i + 1).is_some_and(|n| {
                year_at(text, n.start).is_some()
                    || (!capitalised(&text[n.clone()])
                        && toks
                            .get(i + 2)
                            .is_some_and(|m| year_at(text, m.start).is_some()))
            });
            if stop_next || year_next || next.is_some_and(|n| n.contains(':')) {
                break;
            }
            after_suffix = false;
            continue;
        }
        if tok.ends_with(';') || (tok.ends_with(':') && !tok.starts_with("http")) {
            end = Some(t.end - 1);
            break;
        }
        if tok.contains(':') && tok.chars().any(|c| c.is_ascii_digit()) {
            let colon = tok.find(':').unwrap_or(tok.len());
            end = Some(t.start + colon);
            break;
        }
        if tok.ends_with('.') && !cut_here {
            match sfx {
                Some(keep) => {
                    end = Some(if keep { t.end } else { t.end - 1 });
                    let goes_on = next.is_some_and(|n| {
                        (suffix(n).is_some() || lowercase_word(n) || n.starts_with('('))
                            && !stops.contains(&toks[i + 1].start)
                    });
                    if !goes_on {
                        break;
                    }
                    after_suffix = true;
                    continue;
                }
                None => {
                    end = Some(t.end - 1);
                    break;
                }
            }
        }
        end = Some(t.end);
        after_suffix = sfx.is_some() && count > 1;
        if cut_here {
            break;
        }
        if count > 14 {
            return None;
        }
    }
    let start = start?;
    let mut end = end?;
    // Trim trailing separators.
    while end > start {
        let last = text[start..end].chars().next_back()?;
        if matches!(last, ',' | ';' | ':' | '-' | '–' | '|' | '/' | '·') || last.is_whitespace()
        {
            end -= last.len_utf8();
        } else {
            break;
        }
    }
    let name = &text[start..end];
    if end <= start || !name.chars().any(char::is_alphabetic) {
        return None;
    }
    Some(start..end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_holder(text: &str) -> Option<String> {
        let doc = Doc::new(text);
        holder(&doc, 0, text.len(), &[]).map(|r| text[r].to_string())
    }

    #[test]
    fn holders_keep_commas_initials_and_suffixes() {
        assert_eq!(
            read_holder("Bennett, Coleman & Co. Ltd.").as_deref(),
            Some("Bennett, Coleman & Co. Ltd.")
        );
        assert_eq!(
            read_holder("Dutriz Hermanos, S.A. de C.V. - El uso").as_deref(),
            Some("Dutriz Hermanos, S.A. de C.V.")
        );
        assert_eq!(
            read_holder("Future US, Inc. 11 West 42nd Street").as_deref(),
            Some("Future US, Inc.")
        );
        assert_eq!(
            read_holder("Future Publishing Limited Quay House, The Ambury").as_deref(),
            Some("Future Publishing Limited")
        );
        assert_eq!(
            read_holder("Parallels International GmbH. Next").as_deref(),
            Some("Parallels International GmbH")
        );
        assert_eq!(
            read_holder("Axios Media, 2020").as_deref(),
            Some("Axios Media")
        );
        assert_eq!(
            read_holder("EL TIEMPO Casa Editorial NIT. 860.001.022-7").as_deref(),
            Some("EL TIEMPO Casa Editorial")
        );
    }
}
