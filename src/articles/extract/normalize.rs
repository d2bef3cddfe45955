//! Normalisation for matching: NFKC, diacritics dropped, case folded, and the Cyrillic "(с)"
//! read as "(c)". The folded text keeps a map back to the byte offsets of the original, so a
//! phrase found in the folded text is a span of the text as given.

use std::ops::Range;

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// A folded copy of a text and, for each of its bytes, the original character it came from.
pub(super) struct Folded {
    pub(super) text: String,
    /// For each byte of `text`: the byte range of the original character it came from.
    origin: Vec<(usize, usize)>,
    original_len: usize,
}

/// Folds one phrase (a lexicon row) the same way as the text.
pub(super) fn fold_phrase(phrase: &str) -> String {
    Folded::new(phrase).text
}

fn push_folded(out: &mut String, c: char) {
    // NFKC first (full-width letters, ligatures), then drop the marks of a decomposed letter
    // ("réservés" matches "reserves"), then fold case.
    for k in std::iter::once(c).nfkc() {
        for d in std::iter::once(k).nfd() {
            if is_combining_mark(d) {
                continue;
            }
            for l in d.to_lowercase() {
                out.push(l);
            }
        }
    }
}

impl Folded {
    pub(super) fn new(text: &str) -> Folded {
        let mut out = String::with_capacity(text.len());
        let mut origin = Vec::with_capacity(text.len());
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        for (i, &(at, c)) in chars.iter().enumerate() {
            let end = at + c.len_utf8();
            let before = out.len();
            let lookalike_c = matches!(c, 'с' | 'С')
                && i > 0
                && chars[i - 1].1 == '('
                && chars.get(i + 1).is_some_and(|n| n.1 == ')');
            if lookalike_c {
                out.push('c');
            } else if c == 'ı' {
                out.push('i');
            } else if c.is_ascii() {
                out.push(c.to_ascii_lowercase());
            } else {
                push_folded(&mut out, c);
            }
            for _ in before..out.len() {
                origin.push((at, end));
            }
        }
        Folded {
            text: out,
            origin,
            original_len: text.len(),
        }
    }

    /// The original byte range of a folded byte range.
    pub(super) fn original(&self, r: &Range<usize>) -> Range<usize> {
        let start = self.origin.get(r.start).map_or(self.original_len, |o| o.0);
        let end = if r.end == 0 {
            start
        } else {
            self.origin
                .get(r.end - 1)
                .map_or(self.original_len, |o| o.1)
        };
        start..end.max(start)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_marks_width_and_the_cyrillic_sign() {
        let f = Folded::new("(с) ТОUS DROITS RÉSERVÉS ＡＢＣ");
        assert!(f.text.starts_with("(c) "));
        assert!(f.text.contains("droits reserves"));
        assert!(f.text.ends_with("abc"));
        let at = f.text.find("reserves").unwrap();
        let r = f.original(&(at..at + "reserves".len()));
        assert_eq!(&"(с) ТОUS DROITS RÉSERVÉS ＡＢＣ"[r], "RÉSERVÉS");
    }
}
