//! The document: lines and sentences as byte ranges of the text, and the small helpers the
//! stages share.

use std::ops::Range;

/// Abbreviations after which a period does not end a sentence.
const TITLE_ABBREVIATIONS: &[&str] = &[
    "Mr", "Mrs", "Ms", "Dr", "St", "Jr", "Sr", "Prof", "Rev", "Gen", "Sen", "Rep", "Gov", "Lt",
    "Col", "Capt", "Sgt", "Mt", "Ft", "No", "Nos", "vs", "etc", "approx", "Jan", "Feb", "Mar",
    "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "Sp", "ca", "Nr",
];

pub(super) struct Doc<'a> {
    pub(super) text: &'a str,
    pub(super) lines: Vec<Range<usize>>,
    pub(super) sentences: Vec<Range<usize>>,
    /// The index of the last "[…]" line: what follows is the footer zone.
    pub(super) last_elision: Option<usize>,
}

impl<'a> Doc<'a> {
    pub(super) fn new(text: &'a str) -> Doc<'a> {
        let mut lines = Vec::new();
        let mut start = 0;
        for (i, c) in text.char_indices() {
            if c == '\n' {
                lines.push(trim_range(text, start..i));
                start = i + 1;
            }
        }
        lines.push(trim_range(text, start..text.len()));
        let sentences = lines
            .iter()
            .flat_map(|line| split_sentences(text, line.clone()))
            .collect();
        let last_elision = lines.iter().rposition(|l| is_elision(&text[l.clone()]));
        Doc {
            text,
            lines,
            sentences,
            last_elision,
        }
    }

    pub(super) fn line_index(&self, pos: usize) -> usize {
        self.lines
            .partition_point(|l| l.end < pos)
            .min(self.lines.len().saturating_sub(1))
    }

    pub(super) fn line_of(&self, pos: usize) -> Range<usize> {
        self.lines
            .get(self.line_index(pos))
            .cloned()
            .unwrap_or(pos..pos)
    }

    pub(super) fn sentence_index(&self, pos: usize) -> Option<usize> {
        let i = self.sentences.partition_point(|s| s.end <= pos);
        self.sentences.get(i).filter(|s| s.start <= pos).map(|_| i)
    }

    pub(super) fn sentence_of(&self, pos: usize) -> Option<Range<usize>> {
        self.sentence_index(pos).map(|i| self.sentences[i].clone())
    }

    pub(super) fn slice(&self, r: &Range<usize>) -> &'a str {
        self.text.get(r.clone()).unwrap_or("")
    }

    /// The next non-empty line after the one holding `pos`, skipping "[…]" elisions.
    pub(super) fn next_line(&self, pos: usize) -> Option<Range<usize>> {
        let i = self.line_index(pos);
        self.lines
            .iter()
            .skip(i + 1)
            .find(|l| !l.is_empty() && !is_elision(self.slice(l)))
            .cloned()
    }

    /// The previous non-empty line before the one holding `pos`.
    pub(super) fn previous_line(&self, pos: usize) -> Option<Range<usize>> {
        let i = self.line_index(pos);
        self.lines[..i]
            .iter()
            .rev()
            .find(|l| !l.is_empty())
            .cloned()
    }
}

pub(super) fn is_elision(line: &str) -> bool {
    matches!(line.trim(), "[…]" | "[...]" | "…" | "...")
}

pub(super) fn trim_range(text: &str, r: Range<usize>) -> Range<usize> {
    let s = &text[r.clone()];
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    if lead == s.len() {
        return r.start..r.start;
    }
    r.start + lead..r.end - trail
}

pub(super) fn is_closing(c: char) -> bool {
    matches!(c, '"' | '\'' | '”' | '’' | ')' | ']' | '»' | '*' | '_')
}

/// Cuts a line into sentences: a `.`, `!`, `?` (with closing quotes) followed by the end of the
/// line, or by a space and a capital, an opening quote or a copyright sign; not after an initial
/// ("J.") or a title abbreviation ("Dr.", "Oct."). A CJK full stop always ends a sentence.
fn split_sentences(text: &str, line: Range<usize>) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    if line.is_empty() {
        return out;
    }
    let s = &text[line.clone()];
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let mut start = 0;
    let mut i = 0;
    while i < chars.len() {
        let (at, c) = chars[i];
        if c == '。' {
            let end = at + c.len_utf8();
            out.push(trim_range(text, line.start + start..line.start + end));
            start = end;
            i += 1;
            continue;
        }
        if matches!(c, '.' | '!' | '?') {
            let mut j = i + 1;
            while j < chars.len() && is_closing(chars[j].1) {
                j += 1;
            }
            let end_here = if j >= chars.len() {
                true
            } else if chars[j].1.is_whitespace() {
                let mut k = j;
                while k < chars.len() && chars[k].1.is_whitespace() {
                    k += 1;
                }
                k >= chars.len()
                    || chars[k].1.is_uppercase()
                    || matches!(
                        chars[k].1,
                        '"' | '“' | '‘' | '„' | '«' | '©' | '*' | '(' | '[' | '<' | '_'
                    )
            } else {
                false
            };
            if end_here && c == '.' && !ends_sentence_after(&s[..at]) {
                i += 1;
                continue;
            }
            if end_here {
                let end = chars.get(j).map_or(s.len(), |(p, _)| *p);
                out.push(trim_range(text, line.start + start..line.start + end));
                start = end;
            }
            i = j.max(i + 1);
            continue;
        }
        i += 1;
    }
    if start < s.len() {
        let r = trim_range(text, line.start + start..line.end);
        if !r.is_empty() {
            out.push(r);
        }
    }
    out
}

/// May a period right after `before` end a sentence?
fn ends_sentence_after(before: &str) -> bool {
    let word = before
        .rsplit(|c: char| c.is_whitespace() || c == '(')
        .next()
        .unwrap_or("");
    let single_initial = word.chars().count() == 1 && word.chars().all(|c| c.is_uppercase());
    !(single_initial || TITLE_ABBREVIATIONS.contains(&word))
}

pub(super) fn skip_spaces(text: &str, mut pos: usize, end: usize) -> usize {
    while pos < end {
        match text[pos..].chars().next() {
            Some(c) if c.is_whitespace() => pos += c.len_utf8(),
            _ => break,
        }
    }
    pos
}

/// Is `text[pos..]` at a year (1800–2099) standing as a word?
pub(super) fn year_at(text: &str, pos: usize) -> Option<Range<usize>> {
    let rest = text.get(pos..)?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits != 4 {
        return None;
    }
    let value: u32 = rest[..4].parse().ok()?;
    let before_ok = text[..pos]
        .chars()
        .next_back()
        .is_none_or(|c| !c.is_alphanumeric());
    ((1800..2100).contains(&value) && before_ok).then_some(pos..pos + 4)
}

/// The first year in `text[from..to]`.
pub(super) fn first_year(text: &str, from: usize, to: usize) -> Option<Range<usize>> {
    let s = text.get(from..to)?;
    s.char_indices()
        .filter(|(_, c)| c.is_ascii_digit())
        .find_map(|(i, _)| year_at(text, from + i).filter(|y| y.end <= to))
}

/// The second year of a copyright line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum YearTo {
    /// One year: both years are that year.
    Same,
    /// "2012-": open.
    Open,
    /// "1999-2025", "2005, 2009".
    Year(Range<usize>),
}

/// Years at `pos`: "2024", "1999-2025", "1998 – 2023", "2012-", "2005, 2009",
/// "1996-Thu Dec 15 06:14:35 EST 2016".
pub(super) fn read_years(
    text: &str,
    pos: usize,
    end: usize,
) -> Option<(Range<usize>, YearTo, usize)> {
    let from = year_at(text, pos).filter(|y| y.end <= end)?;
    let mut p = from.end;
    let after = skip_spaces(text, p, end);
    let rest = text.get(after..end).unwrap_or("");
    if let Some(dash) = rest.chars().next().filter(|c| matches!(c, '-' | '–' | '—')) {
        let q = skip_spaces(text, after + dash.len_utf8(), end);
        if let Some(to) = year_at(text, q).filter(|y| y.end <= end) {
            return Some((from, YearTo::Year(to.clone()), to.end));
        }
        // A date after the dash, ending in a year.
        let window = text.get(q..end.min(q + 40)).unwrap_or("");
        if let Some(y) = first_year(text, q, q + window.len()) {
            let between = &text[q..y.start];
            if between.chars().any(|c| c.is_ascii_digit()) && !between.contains('.') {
                return Some((from, YearTo::Year(y.clone()), y.end));
            }
        }
        if q >= end || !text[q..].starts_with(|c: char| c.is_ascii_digit()) {
            p = after + dash.len_utf8();
            return Some((from, YearTo::Open, p));
        }
    }
    if rest.starts_with(',') {
        let q = skip_spaces(text, after + 1, end);
        if let Some(to) = year_at(text, q).filter(|y| y.end <= end) {
            return Some((from, YearTo::Year(to.clone()), to.end));
        }
    }
    Some((from, YearTo::Same, p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_respect_initials_and_abbreviations() {
        let text = "By Stefan J. Bos. On Oct. 11 it ran. ©2025 Bloomberg L.P. Visit bloomberg.com.";
        let doc = Doc::new(text);
        let sentences: Vec<&str> = doc.sentences.iter().map(|s| doc.slice(s)).collect();
        assert_eq!(
            sentences,
            [
                "By Stefan J. Bos.",
                "On Oct. 11 it ran.",
                "©2025 Bloomberg L.P.",
                "Visit bloomberg.com."
            ]
        );
    }

    #[test]
    fn years_stand_as_words() {
        assert_eq!(year_at("© 2019", 3), Some(3..7));
        assert_eq!(year_at("x12019", 2), None);
        assert_eq!(first_year("NIT. 860.001 2021", 0, 17), Some(13..17));
    }
}
