//! Matching the lexicon: one Aho-Corasick automaton over the folded text (leftmost-longest),
//! matches kept at word boundaries and mapped back to spans of the text as given.

use std::ops::Range;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use super::lexicon::{Role, Row, LEXICON};
use super::normalize::{fold_phrase, Folded};

/// A phrase found in the text: its row and its byte range in the text as given.
#[derive(Debug, Clone)]
pub(super) struct Hit {
    pub(super) row: &'static Row,
    pub(super) span: Range<usize>,
}

impl Hit {
    pub(super) fn role(&self) -> Role {
        self.row.role
    }
}

struct Matcher {
    automaton: AhoCorasick,
    rows: Vec<&'static Row>,
}

static MATCHER: LazyLock<Option<Matcher>> = LazyLock::new(|| {
    let rows: Vec<&'static Row> = LEXICON.iter().collect();
    let patterns: Vec<String> = rows.iter().map(|r| fold_phrase(r.phrase)).collect();
    let automaton = AhoCorasickBuilder::new()
        .match_kind(MatchKind::LeftmostLongest)
        .build(&patterns)
        .ok()?;
    Some(Matcher { automaton, rows })
});

/// The hits starting in `from..to` (hits are in text order).
pub(super) fn within(hits: &[Hit], from: usize, to: usize) -> &[Hit] {
    let a = hits.partition_point(|h| h.span.start < from);
    let b = hits.partition_point(|h| h.span.start < to).max(a);
    &hits[a..b]
}

/// Letters of scripts written without spaces: no word boundary is asked of them.
fn unspaced(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x11FF | 0x3040..=0x30FF | 0x3130..=0x318F | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
            | 0xAC00..=0xD7AF | 0xF900..=0xFAFF)
}

fn word_char(c: char) -> bool {
    c.is_alphanumeric() && !unspaced(c)
}

/// Every phrase of the lexicon in the text, in order, at word boundaries.
pub(super) fn scan(folded: &Folded) -> Vec<Hit> {
    let Some(matcher) = MATCHER.as_ref() else {
        return Vec::new();
    };
    let text = folded.text.as_str();
    let mut hits = Vec::new();
    for m in matcher.automaton.find_iter(text) {
        let Some(row) = matcher.rows.get(m.pattern().as_usize()) else {
            continue;
        };
        let first = text[m.start()..].chars().next();
        let last = text[..m.end()].chars().next_back();
        let before = text[..m.start()].chars().next_back();
        let after = text[m.end()..].chars().next();
        let open_ok = !(first.is_some_and(word_char) && before.is_some_and(word_char));
        // "all rights res…" stands for the word however it is spelt.
        let prefix_phrase = row.phrase.ends_with(" res");
        // A digit after a word does not extend it ("Bild2:").
        let close_ok = prefix_phrase
            || !(last.is_some_and(word_char)
                && after.is_some_and(|c| word_char(c) && !c.is_ascii_digit()));
        if open_ok && close_ok {
            let mut span = folded.original(&(m.start()..m.end()));
            if prefix_phrase {
                // Take the rest of the word.
                let rest = &text[m.end()..];
                let extra = rest
                    .char_indices()
                    .find(|(_, c)| !c.is_alphabetic())
                    .map_or(rest.len(), |(i, _)| i);
                span = folded.original(&(m.start()..m.end() + extra));
            }
            hits.push(Hit { row, span });
        }
    }
    hits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_are_found_in_any_case_and_with_accents() {
        let text = "© 2019 BONDY BLOG TOUS DROITS RESERVES; Tous droits réservés";
        let folded = Folded::new(text);
        let hits = scan(&folded);
        let found: Vec<&str> = hits.iter().map(|h| &text[h.span.clone()]).collect();
        assert_eq!(found, ["©", "TOUS DROITS RESERVES", "Tous droits réservés"]);
        assert!(hits.iter().skip(1).all(|h| h.role() == Role::Reserved));
    }

    #[test]
    fn words_inside_words_are_not_phrases() {
        let folded = Folded::new("Buchtitel-Copyright apartment 501(c)(3)");
        let roles: Vec<Role> = scan(&folded).iter().map(Hit::role).collect();
        // "Copyright" after a hyphen is a boundary for the matcher; the copyright stage refuses it.
        assert!(!roles.contains(&Role::Agency));
    }
}
