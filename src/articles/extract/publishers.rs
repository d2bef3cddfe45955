//! Publishers: the name a statement gives after "from", "of", "by", "on", "bei", "im Blog":
//! a markdown link's text, a URL's host, a quoted name, or a word walk over capitalised words
//! with connectors, company suffixes and domain names.

use std::ops::Range;

use super::names::{bare, capitalised, is_domain, lowercase_word, suffix, tokens, MONTHS};
use super::text::{year_at, Doc};

/// Generic words for a medium, skipped before the name they introduce ("im Blog DoSchu.Com").
const MEDIA: &[&str] = &[
    "Blog",
    "blog",
    "Magazin",
    "magazine",
    "Zeitung",
    "website",
    "Website",
    "site",
    "newsletter",
];

/// Words that introduce a name without being part of it.
const LEADS: &[&str] = &[
    "from",
    "of",
    "by",
    "on",
    "in",
    "at",
    "to",
    "the",
    "via",
    "von",
    "der",
    "dem",
    "des",
    "bei",
    "im",
    "auf",
    "de",
    "du",
    "la",
    "le",
    "l'",
    "del",
    "di",
    "da",
    "do",
    "od",
    "z",
    "w",
    "от",
    "в",
    "sur",
    "dans",
    "en",
    "van",
    "het",
    "our",
    "their",
    "friends",
    "partners",
    "colleagues",
];

/// Connecting words inside a publisher's name.
const CONNECTORS: &[&str] = &[
    "and", "&", "of", "for", "de", "the", "und", "y", "et", "du", "la", "le", "der", "des", "di",
    "del", "da",
];

/// The end of a markdown link's text starting at `pos` (`[text](url)` or `[text][n]`).
fn link_text(text: &str, pos: usize) -> Option<Range<usize>> {
    let rest = text.get(pos..)?;
    if !rest.starts_with('[') {
        return None;
    }
    let close = rest.find(']')?;
    let after = rest[close + 1..].chars().next();
    matches!(after, Some('(' | '[')).then_some(pos + 1..pos + close)
}

/// The host of a URL starting at `pos` ("https://www.ken.io/…" gives "ken.io").
fn url_host(text: &str, pos: usize) -> Option<Range<usize>> {
    let rest = text.get(pos..)?;
    let scheme = ["https://", "http://"]
        .iter()
        .find(|s| rest.starts_with(**s))?;
    let mut start = pos + scheme.len();
    if text[start..].starts_with("www.") {
        start += 4;
    }
    let host_len = text[start..]
        .find(|c: char| !(c.is_alphanumeric() || c == '.' || c == '-'))
        .unwrap_or(text.len() - start);
    (host_len > 0).then_some(start..start + host_len)
}

/// A name read after `pos` (after its lead words "from", "of the", "im Blog"), within `limit`.
pub(super) fn name_after(doc: &Doc<'_>, pos: usize, limit: usize) -> Option<Range<usize>> {
    let text = doc.text;
    let mut p = pos;
    let mut skipped = 0;
    loop {
        while p < limit {
            let c = text[p..].chars().next()?;
            if c.is_whitespace() || matches!(c, '_' | '*' | ':' | '©' | ',') {
                p += c.len_utf8();
            } else {
                break;
            }
        }
        if p >= limit {
            return None;
        }
        if let Some(r) = link_text(text, p) {
            return Some(trim_markup(text, r));
        }
        if text[p..].starts_with('<') {
            return url_host(text, p + 1);
        }
        if text[p..].starts_with("http") {
            return url_host(text, p);
        }
        let tok_end = text[p..limit]
            .find(char::is_whitespace)
            .map_or(limit, |i| p + i);
        let tok = &text[p..tok_end];
        let lead = LEADS.contains(&bare(tok)) && !capitalised(bare(tok));
        let medium = MEDIA.contains(&tok)
            && text[tok_end..limit]
                .trim_start()
                .chars()
                .next()
                .is_some_and(|c| c.is_uppercase() || c == '"' || c == '[');
        if (lead || medium) && skipped < 4 {
            skipped += 1;
            p = tok_end;
            continue;
        }
        break;
    }
    let first = text[p..].chars().next()?;
    if matches!(first, '"' | '“' | '„' | '«' | '‘') {
        let inner = p + first.len_utf8();
        let close = text[inner..limit].find(['"', '”', '“', '»', '’'])?;
        let r = inner..inner + close;
        return (!r.is_empty()).then_some(r);
    }
    read_name(doc, p, limit)
}

fn trim_markup(text: &str, r: Range<usize>) -> Range<usize> {
    let s = &text[r.clone()];
    let lead = s.len() - s.trim_start_matches(['*', '_', ' ']).len();
    let trail = s.len() - s.trim_end_matches(['*', '_', ' ']).len();
    r.start + lead..(r.end - trail).max(r.start + lead)
}

/// Did the word walk give back the first word of the next sentence after `name` ("Baptist Press
/// Security forces …": the name ends before "Security")?
pub(super) fn ran_on(doc: &Doc<'_>, name: &Range<usize>, limit: usize) -> bool {
    let text = doc.text;
    let toks = tokens(text, name.end, limit);
    let (Some(t1), Some(t2)) = (toks.first(), toks.get(1)) else {
        return false;
    };
    let (a, b) = (&text[t1.clone()], &text[t2.clone()]);
    text[name.end..t1.start].chars().all(char::is_whitespace)
        && capitalised(a)
        && a == bare(a)
        && lowercase_word(b)
        && text[name.clone()].split_whitespace().count() >= 2
}

/// A name by a word walk from `from`: capitalised words, connectors between them, company
/// suffixes ("Co., Inc."), domain names, a parenthesised acronym ("(dpa)", "(SM)").
pub(super) fn read_name(doc: &Doc<'_>, from: usize, limit: usize) -> Option<Range<usize>> {
    let text = doc.text;
    let toks = tokens(text, from, limit);
    let mut words: Vec<Range<usize>> = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let t = toks[i].clone();
        let tok = &text[t.clone()];
        let b = bare(tok);
        if b.is_empty() {
            break;
        }
        if words.is_empty() && MONTHS.contains(&b) {
            return None;
        }
        if year_at(text, t.start).is_some() || b.chars().all(|c| c.is_ascii_digit()) {
            break;
        }
        let connector = CONNECTORS.contains(&b) && !capitalised(b);
        if connector {
            let next_is_name = toks
                .get(i + 1)
                .map(|n| bare(&text[n.clone()]))
                .is_some_and(|n| capitalised(n) || is_domain(n));
            if words.is_empty() || !next_is_name || tok.len() != b.len() {
                break;
            }
            i += 1;
            continue;
        }
        let is_sfx = !words.is_empty() && suffix(tok).is_some();
        let acronym = tok.starts_with('(') && b.len() > 1 && !words.is_empty();
        let namelike = capitalised(b) || is_domain(tok) || b == "&" || b == "–";
        if !(namelike || is_sfx || acronym) {
            // "Baptist Press Security forces": the last capitalised word opened a new sentence.
            if words.len() >= 3 && lowercase_word(b) && !tok.contains('.') {
                words.pop();
            }
            break;
        }
        let lead = tok.len() - tok.trim_start_matches(['*', '_']).len();
        let keep_dot = suffix(tok).is_some_and(|k| k) && tok.ends_with('.');
        let mut end = if keep_dot {
            t.start + tok.trim_end_matches([',', ';']).len()
        } else {
            t.start + lead + b.len()
        };
        if tok.starts_with('(') && tok.contains(')') {
            end = t.start + tok.find(')').map_or(tok.len(), |i| i + 1);
        }
        // A glued parenthesised mark ("Connection(SM)").
        if let Some(open) = b.find('(') {
            if open > 0 {
                end = t.start + tok.find(')').map_or(lead + b.len(), |i| i + 1);
            }
        }
        words.push(t.start + lead..end.max(t.start + lead));
        let comma_then_suffix = tok.ends_with(',')
            && toks
                .get(i + 1)
                .is_some_and(|n| suffix(&text[n.clone()]).is_some());
        let stops_here = (tok.len() > b.len() && !keep_dot && !comma_then_suffix)
            || (keep_dot
                && toks.get(i + 1).is_some_and(|n| {
                    let n = &text[n.clone()];
                    capitalised(n) && suffix(n).is_none()
                }));
        if stops_here && !tok.ends_with(')') {
            break;
        }
        if stops_here && tok.ends_with(')') && !tok.starts_with('(') && !b.contains('(') {
            break;
        }
        i += 1;
    }
    let first = words.first()?.start;
    let last = words.last()?.end;
    let name = text.get(first..last)?;
    if !name.chars().any(char::is_alphabetic) {
        return None;
    }
    Some(first..last)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn publishers_from_links_urls_and_quotes() {
        let text = "from [Bendyworks](https://bendyworks.com).";
        let doc = Doc::new(text);
        let r = name_after(&doc, 4, text.len()).unwrap();
        assert_eq!(&text[r], "Bendyworks");
        let text = "from: <https://ken.io/note/sso>";
        let doc = Doc::new(text);
        let r = name_after(&doc, 4, text.len()).unwrap();
        assert_eq!(&text[r], "ken.io");
        let text = "from the MIT Press.";
        let doc = Doc::new(text);
        let r = name_after(&doc, 4, text.len()).unwrap();
        assert_eq!(&text[r], "MIT Press");
    }
}
