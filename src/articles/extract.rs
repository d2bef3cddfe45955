//! Reading the rights out of article text: title, byline, the copyright line and its parts, the
//! permission statement, the original publisher, what the republication rests on, and a license
//! name. Pure: text in, fields with their evidence out. `docs/extraction.md` documents each rule
//! with an example.
//!
//! The text is cut into lines and sentences once; each rule is a named regular expression run
//! over the whole text, and its matches are placed in their sentence. Names (holders,
//! publishers) are read by a small word walk ([`read_name`]) that knows company suffixes
//! ("Inc.", "L.P.", "LLC"), connectors ("and", "of") and domain names.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

use super::PermissionKind;

/// Where a value was found: the verbatim span and its offsets (Unicode scalar values) in the input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

/// A value and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Found<T> {
    pub value: T,
    pub evidence: Evidence,
}

/// Every field the extraction reads; `None` where the text does not say.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Extracted {
    pub title: Option<Found<String>>,
    pub byline: Option<Found<String>>,
    pub copyright_line: Option<Found<String>>,
    pub copyright_holder: Option<Found<String>>,
    pub copyright_year_from: Option<Found<i32>>,
    pub copyright_year_to: Option<Found<i32>>,
    pub permission_statement: Option<Found<String>>,
    pub original_publisher: Option<Found<String>>,
    pub permission_kind: Option<Found<PermissionKind>>,
    pub license_name: Option<Found<String>>,
}

/// Extracts from plain text or HTML (detected by its tags). HTML goes through a real parser to
/// text first; evidence offsets then point into the HTML as given.
pub fn extract(input: &str) -> Extracted {
    if looks_like_html(input) {
        let text = html_to_text(input);
        let found = extract_spans(&text);
        found.into_extracted(&text, |span| locate_in_html(input, &text[span.clone()]))
    } else {
        let found = extract_spans(input);
        let mut offsets = CharOffsets::new(input);
        found.into_extracted(input, |span| {
            Some((offsets.at(span.start), offsets.at(span.end)))
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Patterns. Each is named for what it recognises; docs/extraction.md has an example of each.

/// "Copyright", "©", "(c)", "Copr." opening a copyright line.
static COPYRIGHT_MARKER: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\bcopyright\b(?:[ \t]*(?:©|\(c\)))?|©|\(c\)|\bcopr\."));
/// "All Rights Reserved © 2019": the reservation first, then the year.
static RESERVED_THEN_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)\ball rights reserved\.?\s*(?:©|\(c\)|copyright)\s*(\d{4})(?:\s*[-–—]\s*(\d{4}))?")
});
/// A year or a range of years: "2024", "1999-2025", "1999–2025".
static YEARS: LazyLock<Regex> = LazyLock::new(|| re(r"^(\d{4})(?:\s*[-–—]\s*(\d{4}))?\b"));
/// The reservation of rights, in the languages the desk meets.
static ALL_RIGHTS_RESERVED: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:all rights reserved|alle rechte vorbehalten|todos los derechos reservados|tous droits réservés|tutti i diritti riservati|todos os direitos reservados)\b\.?",
    )
});
/// Wording that forbids reuse: a reservation, not a permission.
static PROHIBITION: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:permission must be obtained|may not be (?:reproduced|republished|reprinted|redistributed)|without (?:the )?(?:express |prior |expressed )?(?:written )?(?:permission|consent)|no part of this (?:work|article|publication|story) may be|is the copyrighted property of)\b",
    )
});
/// "reproduced with permission", "reprinted by permission", "republished here with permission",
/// "Used By Permission".
static WITH_PERMISSION: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(reproduced|reprinted|republished|published|reposted|used)\b(?:\s+[\w.,'’-]+){0,3}?\s+(?:with|by)\s+(?:the\s+)?(?:(?:kind|express|written|prior)\s+)*permission\b",
    )
});
/// "distributed by X", "provided by X", "syndicated by X".
static DISTRIBUTED_BY: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)\b(distributed|provided|syndicated|supplied)\s+(?:to\s+\S+\s+)?by\b")
});
/// "... Creators Syndicate ...": a named syndicate.
static NAMED_SYNDICATE: LazyLock<Regex> =
    LazyLock::new(|| re(r"\b((?:[A-Z][A-Za-z&'’-]*\s+){1,3}Syndicate)\b"));
/// "originally published on X", "first appeared in X", "originally appeared at X".
static ORIGINALLY_PUBLISHED: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:originally|first)\s+(?:published|appeared|ran|posted|printed)\s+(?:\w+\s+){0,2}?(?:in|on|at|by)\b",
    )
});
/// "The original version of this story appeared in X".
static ORIGINAL_VERSION: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\boriginal\s+(?:version\s+of\s+this\s+(?:story|article|post)|story)\s+(?:appeared|was\s+published|ran)\s+(?:in|on|at)\b",
    )
});
/// "This article was produced by X".
static PRODUCED_BY: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)\b(?:was|is)\s+produced\s+by\b"));
/// "X is part of States Newsroom": an outlet naming itself as the original.
static PART_OF_NETWORK: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^((?:[A-Z][\w.&'’-]*\s+){0,5}[A-Z][\w.&'’-]*)\s+is\s+(?:a\s+)?(?:part|member)\s+of\s+[A-Z]",
    )
});
/// "republished from X under a Creative Commons license".
static REPUBLISHED_FROM: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)\brepublished\s+from\b"));
/// "CC BY-ND 4.0", "CC BY 4.0", "CC-BY-NC-SA".
static CC_SHORT: LazyLock<Regex> =
    LazyLock::new(|| re(r"\bCC[ -]?(BY(?:[ -](?:NC|ND|SA)){0,2})(?:[ -]?(\d\.\d))?"));
/// "Creative Commons Attribution-NoDerivatives 4.0 International".
static CC_LONG: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\bCreative\s+Commons\s+Attribution((?:[\s-]+(?:Non-?Commercial|No-?Deriv(?:ative)?s|Share-?Alike))*)(?:\s+(\d\.\d))?",
    )
});
/// "CC0": a public-domain dedication.
static CC_ZERO: LazyLock<Regex> = LazyLock::new(|| re(r"\bCC0(?:\s+1\.0)?\b"));
/// "under a Creative Commons license".
static CC_GENERIC: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\bCreative\s+Commons\b[^.\n]{0,40}?\blicen[cs]e|\blicen[cs]ed\s+under\s+(?:a\s+)?Creative\s+Commons\b",
    )
});
/// "is in the public domain".
static PUBLIC_DOMAIN: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\b(?:in|into|to)\s+the\s+public\s+domain\b"));
/// A byline: "By Stefan J. Bos, Chief International Correspondent".
static BYLINE: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)^by(?:\s+(\S.*))?$"));

#[expect(
    clippy::panic,
    reason = "the patterns are constants; the unit tests compile every one"
)]
fn re(pattern: &str) -> Regex {
    Regex::new(pattern).unwrap_or_else(|e| panic!("extraction pattern does not compile: {e}"))
}

/// Words that end a company name ("Inc.", "L.P.", "LLC"), with their dot when they have one.
const COMPANY_SUFFIXES: &[&str] = &[
    "Inc.",
    "Co.",
    "Corp.",
    "Ltd.",
    "L.P.",
    "L.L.C.",
    "S.A.",
    "N.V.",
    "P.C.",
    "P.A.",
    "B.V.",
    "LLC",
    "LLP",
    "LP",
    "PLC",
    "PS",
    "GmbH",
    "AG",
    "SE",
    "Limited",
    "Incorporated",
    "Company",
];
const CONNECTORS: &[&str] = &[
    "and", "&", "of", "for", "de", "the", "und", "y", "et", "du", "la", "le",
];
const MONTHS: &[&str] = &[
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
];
const WEEKDAYS: &[&str] = &[
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
/// Words of a photo or picture credit: a copyright line naming these is a credit, not the article's.
const CREDIT_WORDS: &[&str] = &[
    "photo",
    "photos",
    "photograph",
    "image",
    "images",
    "getty",
    "shutterstock",
    "istock",
    "illustration",
    "bild",
    "foto",
    "picture",
    "pictures",
    "courtesy",
];
/// Parties a permission may name without naming anyone.
const GENERIC_PARTIES: &[&str] = &[
    "the publisher",
    "publisher",
    "the author",
    "author",
    "the copyright holder",
    "the copyright owner",
    "the owner",
];
/// Abbreviations after which a period does not end a sentence.
const TITLE_ABBREVIATIONS: &[&str] = &[
    "Mr", "Mrs", "Ms", "Dr", "St", "Jr", "Sr", "Prof", "Rev", "Gen", "Sen", "Rep", "Gov", "Lt",
    "Col", "Capt", "Sgt", "Mt", "Ft", "No", "Nos", "vs", "etc", "approx", "Jan", "Feb", "Mar",
    "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec",
];

// ---------------------------------------------------------------------------------------------
// The document: lines and sentences, as byte ranges.

struct Doc<'a> {
    text: &'a str,
    lines: Vec<Range<usize>>,
    sentences: Vec<Range<usize>>,
}

impl<'a> Doc<'a> {
    fn new(text: &'a str) -> Doc<'a> {
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
        Doc {
            text,
            lines,
            sentences,
        }
    }

    fn line_of(&self, pos: usize) -> Range<usize> {
        let i = self.lines.partition_point(|l| l.end < pos);
        self.lines.get(i).cloned().unwrap_or(pos..pos)
    }

    fn sentence_index(&self, pos: usize) -> Option<usize> {
        let i = self.sentences.partition_point(|s| s.end <= pos);
        self.sentences.get(i).filter(|s| s.start <= pos).map(|_| i)
    }

    fn sentence_of(&self, pos: usize) -> Option<Range<usize>> {
        self.sentence_index(pos).map(|i| self.sentences[i].clone())
    }

    fn slice(&self, r: &Range<usize>) -> &'a str {
        &self.text[r.clone()]
    }
}

fn trim_range(text: &str, r: Range<usize>) -> Range<usize> {
    let s = &text[r.clone()];
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    if lead == s.len() {
        return r.start..r.start;
    }
    r.start + lead..r.end - trail
}

fn is_closing(c: char) -> bool {
    matches!(c, '"' | '\'' | '”' | '’' | ')' | ']' | '»')
}

/// Cuts a line into sentences: a `.`, `!` or `?` (with closing quotes) followed by the end of the
/// line, or by a space and a capital, an opening quote or a copyright sign; not after an initial
/// ("J.") or a title abbreviation ("Dr.", "Oct.").
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
                    || matches!(chars[k].1, '"' | '“' | '‘' | '©' | '*' | '(' | '[')
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

// ---------------------------------------------------------------------------------------------
// Names: holders and publishers.

/// A name read from the text, and how its reading ended.
#[derive(Debug, Clone)]
struct Name {
    span: Range<usize>,
    /// The name ran into the next sentence's first word, which was left out.
    merged: bool,
}

fn strip_token(token: &str) -> &str {
    token.trim_end_matches(['.', ',', ';', ':', '!', '?', '"', '”', '’', ')'])
}

fn is_suffix(token: &str) -> bool {
    let bare = token.trim_end_matches(',');
    COMPANY_SUFFIXES
        .iter()
        .any(|s| *s == bare || s.trim_end_matches('.') == bare.trim_end_matches('.'))
}

/// A suffix whose own dot is part of it ("Inc.", "L.P."), so the dot does not end the sentence.
fn dotted_suffix(token: &str) -> bool {
    COMPANY_SUFFIXES
        .iter()
        .any(|s| s.ends_with('.') && *s == token)
}

fn is_domain(token: &str) -> bool {
    let t = strip_token(token);
    let Some((host, tld)) = t.rsplit_once('.') else {
        return false;
    };
    !host.is_empty()
        && (2..=6).contains(&tld.len())
        && tld.chars().all(|c| c.is_ascii_lowercase())
        && host
            .chars()
            .all(|c| c.is_alphanumeric() || c == '.' || c == '-')
}

fn is_capitalized(token: &str) -> bool {
    token.chars().next().is_some_and(|c| c.is_uppercase())
}

/// The tokens of `text[from..to]`: runs of non-space characters, as byte ranges, with the
/// delimiters `,;:|()` as tokens of their own.
fn tokens(text: &str, from: usize, to: usize) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in text[from..to].char_indices() {
        let at = from + i;
        let delimiter = matches!(c, ',' | ';' | ':' | '|' | '(' | ')' | '–' | '—');
        if c.is_whitespace() || delimiter {
            if let Some(s) = start.take() {
                out.push(s..at);
            }
            if delimiter {
                out.push(at..at + c.len_utf8());
            }
        } else if start.is_none() {
            start = Some(at);
        }
    }
    if let Some(s) = start {
        out.push(s..to);
    }
    out
}

/// Reads a name starting at `from` (within its line): capitalised words, connectors between
/// them, company suffixes ("Co., Inc."), domain names. Stops at punctuation, a sentence end, a
/// lower-case word, a year, or "All rights reserved".
fn read_name(doc: &Doc<'_>, from: usize) -> Option<Name> {
    let line = doc.line_of(from);
    let toks = tokens(doc.text, from, line.end.max(from));
    let mut words: Vec<Range<usize>> = Vec::new();
    let mut end = from;
    let mut merged = false;
    let mut i = 0;
    let mut after_suffix_with_dot = false;
    while i < toks.len() {
        let tok = &doc.text[toks[i].clone()];
        if ALL_RIGHTS_RESERVED
            .find(&doc.text[toks[i].start..line.end])
            .is_some_and(|m| m.start() == 0)
        {
            break;
        }
        if tok == "," {
            // Only a company suffix continues a name past a comma ("Co., Inc.", "LLP, PS").
            match toks.get(i + 1).map(|t| &doc.text[t.clone()]) {
                Some(next) if !words.is_empty() && is_suffix(next) => {
                    i += 1;
                    continue;
                }
                _ => break,
            }
        }
        if after_suffix_with_dot && !is_suffix(tok) {
            break;
        }
        let bare = strip_token(tok);
        let ends_with_period =
            tok.ends_with('.') && !dotted_suffix(tok) && !is_domain_with_trailing_dot(tok);
        if words.is_empty() && (MONTHS.contains(&bare) || WEEKDAYS.contains(&bare)) {
            return None;
        }
        if bare.len() == 4 && bare.chars().all(|c| c.is_ascii_digit()) {
            break;
        }
        let connector = CONNECTORS.contains(&bare) && !is_capitalized(bare);
        if connector {
            let next_is_name = toks
                .get(i + 1)
                .map(|t| strip_token(&doc.text[t.clone()]))
                .is_some_and(|n| is_capitalized(n) || is_domain(n));
            if words.is_empty() || !next_is_name || tok.ends_with('.') {
                break;
            }
            i += 1;
            continue;
        }
        let suffix = !words.is_empty() && is_suffix(tok);
        let namelike = is_capitalized(bare) || is_domain(tok) || bare == "&";
        if !(namelike || suffix) || bare.is_empty() {
            // A lower-case word right after three or more capitalised ones: the text ran two
            // sentences together ("Baptist Press Security forces"); the last word is the next one's.
            if words.len() >= 3
                && bare.chars().next().is_some_and(|c| c.is_lowercase())
                && !tok.contains('.')
            {
                words.pop();
                merged = true;
            }
            break;
        }
        let word_end = if dotted_suffix(tok) {
            toks[i].end
        } else {
            toks[i].start + bare.len()
        };
        words.push(toks[i].start..word_end);
        end = word_end;
        after_suffix_with_dot = suffix && dotted_suffix(tok);
        if ends_with_period || (bare.len() < tok.len() && !dotted_suffix(tok)) {
            break;
        }
        i += 1;
    }
    let first = words.first()?.start;
    let last = words.last().map_or(end, |w| w.end);
    let text = &doc.text[first..last];
    let lowered = text.to_lowercase();
    if text.chars().all(|c| !c.is_alphabetic()) {
        return None;
    }
    if CREDIT_WORDS.iter().any(|w| {
        lowered
            .split_whitespace()
            .any(|x| x.trim_matches(|c: char| !c.is_alphanumeric()) == *w)
    }) {
        return None;
    }
    Some(Name {
        span: first..last,
        merged,
    })
}

fn is_domain_with_trailing_dot(tok: &str) -> bool {
    tok.ends_with('.')
        && is_domain(tok.trim_end_matches('.'))
        && tok.trim_end_matches('.').contains('.')
}

/// Reads a name after a connecting word such as "from", "of", "by", "on", "at".
fn name_after(doc: &Doc<'_>, pos: usize) -> Option<Name> {
    static LEAD: LazyLock<Regex> = LazyLock::new(|| re(r"^\s*,?\s*(?:from|of|by|on|in|at)\s+"));
    let rest = &doc.text[pos..doc.line_of(pos).end.max(pos)];
    let lead = LEAD.find(rest)?;
    read_name(doc, pos + lead.end())
}

// ---------------------------------------------------------------------------------------------
// The copyright line.

#[derive(Debug, Clone, Default)]
struct CopyrightSpans {
    line: Range<usize>,
    holder: Option<Range<usize>>,
    years: Option<(Range<usize>, Option<Range<usize>>)>,
}

/// Does a copyright marker at `pos` open a statement: at the start of its line (after bullets),
/// or right after the end of a sentence?
fn opens_statement(doc: &Doc<'_>, pos: usize) -> bool {
    let line = doc.line_of(pos);
    let before = doc.text[line.start.min(pos)..pos].trim_end();
    if before
        .chars()
        .all(|c| matches!(c, '*' | '-' | '•' | '|' | '·'))
    {
        return true;
    }
    let mut chars = before.chars().rev().skip_while(|c| is_closing(*c));
    matches!(chars.next(), Some('.' | '!' | '?' | '|'))
}

fn skip_spaces(text: &str, mut pos: usize, end: usize) -> usize {
    while pos < end {
        match text[pos..].chars().next() {
            Some(c) if c.is_whitespace() => pos += c.len_utf8(),
            _ => break,
        }
    }
    pos
}

fn eat(text: &str, pos: usize, end: usize, what: &str) -> Option<usize> {
    let rest = text.get(pos..end)?;
    (rest.len() >= what.len()
        && rest.is_char_boundary(what.len())
        && rest[..what.len()].eq_ignore_ascii_case(what))
    .then(|| pos + what.len())
}

fn read_years(
    text: &str,
    pos: usize,
    end: usize,
) -> Option<(Range<usize>, Option<Range<usize>>, usize)> {
    let caps = YEARS.captures(text.get(pos..end)?)?;
    let from = caps.get(1)?;
    let to = caps.get(2).map(|m| pos + m.start()..pos + m.end());
    Some((
        pos + from.start()..pos + from.end(),
        to,
        pos + caps.get(0)?.end(),
    ))
}

/// Parses the copyright statement whose marker spans `marker`.
fn parse_copyright(doc: &Doc<'_>, marker: Range<usize>) -> Option<CopyrightSpans> {
    let text = doc.text;
    let line_end = doc.line_of(marker.start).end.max(marker.end);
    let mut pos = skip_spaces(text, marker.end, line_end);
    for extra in ["©", "(c)"] {
        if let Some(p) = eat(text, pos, line_end, extra) {
            pos = skip_spaces(text, p, line_end);
        }
    }
    let mut years = None;
    if let Some((from, to, p)) = read_years(text, pos, line_end) {
        years = Some((from, to));
        pos = skip_spaces(text, p, line_end);
        if let Some(p) = eat(text, pos, line_end, "©") {
            pos = skip_spaces(text, p, line_end);
        }
    }
    if let Some(p) = eat(text, pos, line_end, ",") {
        pos = skip_spaces(text, p, line_end);
    }
    if let Some(p) = eat(text, pos, line_end, "by ") {
        pos = skip_spaces(text, p, line_end);
    }
    let holder = read_name(doc, pos).map(|n| n.span);
    let mut end = match &holder {
        Some(h) => h.end,
        None => years
            .as_ref()
            .map_or(marker.end, |(f, t)| t.as_ref().map_or(f.end, |t| t.end)),
    };
    pos = skip_spaces(text, end, line_end);
    if years.is_none() && holder.is_some() {
        let after_comma =
            eat(text, pos, line_end, ",").map_or(pos, |p| skip_spaces(text, p, line_end));
        if let Some((from, to, p)) = read_years(text, after_comma, line_end) {
            years = Some((from, to));
            end = p;
            pos = skip_spaces(text, p, line_end);
        }
    }
    if let Some(p) = eat(text, pos, line_end, ".") {
        end = p;
        pos = skip_spaces(text, p, line_end);
    }
    let mut reserved = false;
    if let Some(m) = ALL_RIGHTS_RESERVED
        .find(text.get(pos..line_end).unwrap_or(""))
        .filter(|m| m.start() == 0)
    {
        end = pos + m.end();
        reserved = true;
    }
    if years.is_none() && !reserved {
        return None;
    }
    if let Some(h) = &holder {
        let lowered = text[h.clone()].to_lowercase();
        if CREDIT_WORDS.iter().any(|w| lowered.contains(w)) {
            return None;
        }
    }
    Some(CopyrightSpans {
        line: marker.start..end,
        holder,
        years,
    })
}

/// The first copyright statement of the text.
fn find_copyright(doc: &Doc<'_>) -> Option<CopyrightSpans> {
    let mut best: Option<CopyrightSpans> = None;
    for m in COPYRIGHT_MARKER.find_iter(doc.text) {
        if !opens_statement(doc, m.start()) || line_is_credit(doc, m.start()) {
            continue;
        }
        if let Some(found) = parse_copyright(doc, m.start()..m.end()) {
            best = Some(found);
            break;
        }
    }
    if let Some(caps) = RESERVED_THEN_YEAR.captures(doc.text) {
        let whole = caps.get(0)?;
        if best.as_ref().is_none_or(|b| whole.start() < b.line.start)
            && opens_statement(doc, whole.start())
        {
            let from = caps.get(1)?.range();
            let to = caps.get(2).map(|m| m.range());
            return Some(CopyrightSpans {
                line: whole.range(),
                holder: None,
                years: Some((from, to)),
            });
        }
    }
    best
}

/// Is the line a picture credit ("Photo: ...", "Bild © ...")?
fn line_is_credit(doc: &Doc<'_>, pos: usize) -> bool {
    let line = doc.slice(&doc.line_of(pos)).to_lowercase();
    let first = line
        .split(|c: char| !c.is_alphanumeric())
        .find(|w| !w.is_empty())
        .unwrap_or("");
    CREDIT_WORDS.contains(&first)
}

// ---------------------------------------------------------------------------------------------
// The permission statement, its kind and the original publisher.

#[derive(Debug, Clone)]
struct Permission {
    kind: PermissionKind,
    /// The words that decided the kind.
    phrase: Range<usize>,
    statement: Option<Range<usize>>,
    publisher: Option<Range<usize>>,
    license: Option<(String, Range<usize>)>,
}

/// The sentence around `pos`, widened to the sentence before it when this one leans on it ("It
/// is republished here with permission").
fn statement_around(doc: &Doc<'_>, pos: usize) -> Option<Range<usize>> {
    let i = doc.sentence_index(pos)?;
    let sentence = doc.sentences[i].clone();
    let first_word = doc.slice(&sentence).split_whitespace().next().unwrap_or("");
    if matches!(first_word, "It" | "They" | "It's" | "It’s") && i > 0 {
        let previous = doc.sentences[i - 1].clone();
        if doc.line_of(previous.start) == doc.line_of(sentence.start) {
            return Some(previous.start..sentence.end);
        }
    }
    Some(sentence)
}

/// A statement cut short where a name ran into the next sentence.
fn statement_until(doc: &Doc<'_>, pos: usize, name: &Name) -> Option<Range<usize>> {
    let sentence = doc.sentence_of(pos)?;
    Some(if name.merged {
        sentence.start..name.span.end
    } else {
        sentence
    })
}

fn is_generic(doc: &Doc<'_>, name: &Name) -> bool {
    let lowered = doc.slice(&name.span).to_lowercase();
    GENERIC_PARTIES.contains(&lowered.as_str())
}

/// For "with permission of the publisher": a line of the text that names an organisation ("THE
/// OLD PATHS PUBLICATIONS, Inc.").
fn organisation_line(doc: &Doc<'_>, after: usize) -> Option<Range<usize>> {
    static ORGANISATION: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"(?i)^(?:[A-Z][\w.&'’-]*[ ,]+){1,6}(?:publications|publishing|press|books|media|inc\.?|llc|ltd\.?|corp\.?|company)\.?$",
        )
    });
    doc.lines
        .iter()
        .filter(|l| l.start >= after && !l.is_empty())
        .find(|l| {
            ORGANISATION.is_match(doc.slice(l))
                && doc.slice(l).chars().next().is_some_and(char::is_uppercase)
        })
        .cloned()
}

fn verb_kind(verb: &str) -> PermissionKind {
    match verb.to_lowercase().as_str() {
        "reproduced" => PermissionKind::ReproducedWithPermission,
        "reprinted" => PermissionKind::ReprintedWithPermission,
        "used" => PermissionKind::UsedWithPermission,
        _ => PermissionKind::RepublishedWithPermission,
    }
}

/// The name an origin phrase gives in the same sentence ("originally published on Worthy News").
fn origin_name_in(doc: &Doc<'_>, sentence: &Range<usize>) -> Option<Name> {
    let s = doc.slice(sentence);
    [&*ORIGINALLY_PUBLISHED, &*ORIGINAL_VERSION]
        .iter()
        .filter_map(|rule| rule.find(s))
        .filter_map(|m| {
            read_name(
                doc,
                skip_spaces(doc.text, sentence.start + m.end(), sentence.end),
            )
        })
        .next()
}

fn explicit_permission(doc: &Doc<'_>) -> Option<Permission> {
    let caps = WITH_PERMISSION.captures(doc.text)?;
    let phrase = caps.get(0)?.range();
    let kind = verb_kind(caps.get(1)?.as_str());
    let statement = statement_around(doc, phrase.start)?;
    let named = name_after(doc, phrase.end);
    let publisher = match named {
        Some(n) if is_generic(doc, &n) => organisation_line(doc, phrase.end),
        Some(n) => Some(n.span),
        None => origin_name_in(doc, &statement).map(|n| n.span),
    };
    Some(Permission {
        kind,
        phrase,
        statement: Some(statement),
        publisher,
        license: None,
    })
}

fn creative_commons(doc: &Doc<'_>) -> Option<Permission> {
    let (license, span) = if let Some(c) = CC_SHORT.captures(doc.text) {
        let terms = c.get(1)?.as_str().replace(' ', "-");
        let version = c
            .get(2)
            .map(|v| format!(" {}", v.as_str()))
            .unwrap_or_default();
        (format!("CC {terms}{version}"), c.get(0)?.range())
    } else if let Some(c) = CC_LONG.captures(doc.text) {
        let mut terms = String::from("BY");
        let words = c
            .get(1)
            .map_or(String::new(), |m| m.as_str().to_lowercase());
        for (word, code) in [
            ("noncommercial", "NC"),
            ("non-commercial", "NC"),
            ("noderiv", "ND"),
            ("no-deriv", "ND"),
            ("sharealike", "SA"),
            ("share-alike", "SA"),
        ] {
            if words.contains(word) && !terms.contains(code) {
                terms.push('-');
                terms.push_str(code);
            }
        }
        let version = c
            .get(2)
            .map(|v| format!(" {}", v.as_str()))
            .unwrap_or_default();
        (format!("CC {terms}{version}"), c.get(0)?.range())
    } else if let Some(m) = CC_GENERIC.find(doc.text) {
        let start = m.start() + m.as_str().to_lowercase().find("creative").unwrap_or(0);
        (
            "Creative Commons".to_string(),
            start..start + "Creative Commons".len(),
        )
    } else {
        return None;
    };
    let statement = statement_around(doc, span.start)?;
    let publisher = REPUBLISHED_FROM
        .find(doc.slice(&statement))
        .and_then(|m| {
            read_name(
                doc,
                skip_spaces(doc.text, statement.start + m.end(), statement.end),
            )
        })
        .map(|n| n.span);
    Some(Permission {
        kind: PermissionKind::UnderLicense,
        phrase: span.clone(),
        statement: Some(statement),
        publisher,
        license: Some((license, span)),
    })
}

fn syndication(doc: &Doc<'_>, holder: Option<&Range<usize>>) -> Option<Permission> {
    let by = DISTRIBUTED_BY.captures(doc.text).and_then(|c| {
        let whole = c.get(0)?.range();
        let name = read_name(
            doc,
            skip_spaces(doc.text, whole.end, doc.line_of(whole.end).end),
        )?;
        let distributor = c.get(1)?.as_str().eq_ignore_ascii_case("distributed");
        Some((whole, name, distributor))
    });
    let named = NAMED_SYNDICATE
        .captures(doc.text)
        .and_then(|c| Some((c.get(1)?.range(), c.get(0)?.range())));
    match (by, named) {
        (Some((phrase, name, distributor)), other)
            if other.as_ref().is_none_or(|(_, w)| phrase.start <= w.start) =>
        {
            let publisher = if distributor {
                holder.cloned().or(Some(name.span.clone()))
            } else {
                Some(name.span.clone())
            };
            Some(Permission {
                kind: PermissionKind::Syndicated,
                statement: statement_until(doc, phrase.start, &name),
                phrase,
                publisher,
                license: None,
            })
        }
        (_, Some((name, phrase))) => Some(Permission {
            kind: PermissionKind::Syndicated,
            statement: statement_around(doc, phrase.start),
            phrase,
            publisher: Some(name),
            license: None,
        }),
        _ => None,
    }
}

fn origin(doc: &Doc<'_>) -> Option<Permission> {
    let mut candidates: Vec<(Range<usize>, Name)> = Vec::new();
    for rule in [&*ORIGINALLY_PUBLISHED, &*ORIGINAL_VERSION, &*PRODUCED_BY] {
        for m in rule.find_iter(doc.text) {
            let line_end = doc.line_of(m.end()).end;
            if let Some(name) = read_name(doc, skip_spaces(doc.text, m.end(), line_end)) {
                candidates.push((m.range(), name));
                break;
            }
        }
    }
    for sentence in &doc.sentences {
        if let Some(c) = PART_OF_NETWORK.captures(doc.slice(sentence)) {
            if let Some(g) = c.get(1) {
                let span = sentence.start + g.start()..sentence.start + g.end();
                candidates.push((
                    span.clone(),
                    Name {
                        span,
                        merged: false,
                    },
                ));
                break;
            }
        }
    }
    let (phrase, name) = candidates.into_iter().min_by_key(|(p, _)| p.start)?;
    Some(Permission {
        kind: PermissionKind::OriginallyPublished,
        statement: statement_until(doc, phrase.start, &name),
        phrase,
        publisher: Some(name.span),
        license: None,
    })
}

fn public_domain(doc: &Doc<'_>) -> Option<Permission> {
    if let Some(m) = CC_ZERO.find(doc.text) {
        return Some(Permission {
            kind: PermissionKind::PublicDomain,
            phrase: m.range(),
            statement: statement_around(doc, m.start()),
            publisher: None,
            license: Some(("CC0 1.0".to_string(), m.range())),
        });
    }
    let m = PUBLIC_DOMAIN.find(doc.text)?;
    Some(Permission {
        kind: PermissionKind::PublicDomain,
        phrase: m.range(),
        statement: statement_around(doc, m.start()),
        publisher: None,
        license: None,
    })
}

fn reservation(doc: &Doc<'_>) -> Option<Permission> {
    let phrase = ALL_RIGHTS_RESERVED
        .find(doc.text)
        .or_else(|| PROHIBITION.find(doc.text))
        .map(|m| m.range())?;
    Some(Permission {
        kind: PermissionKind::AllRightsReserved,
        phrase,
        statement: None,
        publisher: None,
        license: None,
    })
}

// ---------------------------------------------------------------------------------------------
// Title and byline.

fn title(doc: &Doc<'_>) -> Option<Range<usize>> {
    let first = doc.lines.iter().find(|l| !l.is_empty())?.clone();
    let text = doc.slice(&first);
    let lowered = text.to_lowercase();
    let refused = text.chars().count() > 400
        || BYLINE.is_match(text)
        || lowered.starts_with("copyright")
        || text.starts_with('©');
    (!refused).then_some(first)
}

fn byline(doc: &Doc<'_>) -> Option<Range<usize>> {
    let lines: Vec<&Range<usize>> = doc.lines.iter().filter(|l| !l.is_empty()).take(8).collect();
    for (i, line) in lines.iter().enumerate() {
        let Some(caps) = BYLINE.captures(doc.slice(line)) else {
            continue;
        };
        let span = match caps.get(1) {
            Some(name) => line.start + name.start()..line.start + name.end(),
            None => (*lines.get(i + 1)?).clone(),
        };
        let text = doc.slice(&span);
        let cut = text.find(" | ").unwrap_or(text.len());
        let span = trim_range(doc.text, span.start..span.start + cut);
        if span.is_empty() || doc.slice(&span).chars().count() > 200 {
            return None;
        }
        return Some(span);
    }
    None
}

// ---------------------------------------------------------------------------------------------
// Putting it together.

/// Every field as a byte range of the text it was read from (plus parsed values).
#[derive(Debug, Default)]
struct Spans {
    title: Option<Range<usize>>,
    byline: Option<Range<usize>>,
    copyright: Option<CopyrightSpans>,
    permission: Option<Permission>,
}

fn extract_spans(text: &str) -> Spans {
    let doc = Doc::new(text);
    let copyright = find_copyright(&doc);
    let holder = copyright.as_ref().and_then(|c| c.holder.as_ref());
    let permission = explicit_permission(&doc)
        .or_else(|| creative_commons(&doc))
        .or_else(|| syndication(&doc, holder))
        .or_else(|| origin(&doc))
        .or_else(|| public_domain(&doc))
        .or_else(|| reservation(&doc))
        .or_else(|| {
            copyright.as_ref().map(|c| Permission {
                kind: PermissionKind::CopyrightNotice,
                phrase: c.line.clone(),
                statement: None,
                publisher: None,
                license: None,
            })
        });
    Spans {
        title: title(&doc),
        byline: byline(&doc),
        copyright,
        permission,
    }
}

impl Spans {
    fn into_extracted(
        self,
        text: &str,
        mut locate: impl FnMut(&Range<usize>) -> Option<(usize, usize)>,
    ) -> Extracted {
        let mut found = |span: &Range<usize>| -> Option<Found<String>> {
            let verbatim = text.get(span.clone())?.to_string();
            let (start, end) = locate(span)?;
            Some(Found {
                value: verbatim.clone(),
                evidence: Evidence {
                    text: verbatim,
                    start,
                    end,
                },
            })
        };
        let mut out = Extracted {
            title: self.title.as_ref().and_then(&mut found),
            byline: self.byline.as_ref().and_then(&mut found),
            ..Extracted::default()
        };
        if let Some(c) = &self.copyright {
            out.copyright_line = found(&c.line);
            out.copyright_holder = c.holder.as_ref().and_then(&mut found);
            if let Some((from, to)) = &c.years {
                let year = |f: Found<String>| {
                    f.value.parse::<i32>().ok().map(|v| Found {
                        value: v,
                        evidence: f.evidence,
                    })
                };
                out.copyright_year_from = found(from).and_then(year);
                out.copyright_year_to = to.as_ref().map_or(found(from), &mut found).and_then(year);
            }
        }
        if let Some(p) = &self.permission {
            out.permission_kind = found(&p.phrase).map(|f| Found {
                value: p.kind,
                evidence: f.evidence,
            });
            out.permission_statement = p.statement.as_ref().and_then(&mut found);
            out.original_publisher = p.publisher.as_ref().and_then(&mut found);
            if let Some((name, span)) = &p.license {
                out.license_name = found(span).map(|f| Found {
                    value: name.clone(),
                    evidence: f.evidence,
                });
            }
        }
        out
    }
}

/// Byte offsets to Unicode scalar offsets, for increasing positions in one pass.
struct CharOffsets<'a> {
    text: &'a str,
    byte: usize,
    chars: usize,
}

impl<'a> CharOffsets<'a> {
    fn new(text: &'a str) -> Self {
        CharOffsets {
            text,
            byte: 0,
            chars: 0,
        }
    }

    fn at(&mut self, byte: usize) -> usize {
        if byte < self.byte {
            self.byte = 0;
            self.chars = 0;
        }
        let target = byte.min(self.text.len());
        self.chars += self
            .text
            .get(self.byte..target)
            .map_or(0, |s| s.chars().count());
        self.byte = target;
        self.chars
    }
}

// ---------------------------------------------------------------------------------------------
// HTML.

fn looks_like_html(input: &str) -> bool {
    static TAG: LazyLock<Regex> = LazyLock::new(|| {
        re(r"(?i)<(?:!doctype|html|head|body|p|div|article|span|h[1-6]|br|footer|section)\b[^>]*>")
    });
    TAG.is_match(input)
}

/// The text of an HTML document, block elements on lines of their own; scripts and styles left out.
pub fn html_to_text(html: &str) -> String {
    use scraper::node::Node;
    let doc = scraper::Html::parse_document(html);
    let mut out = String::new();
    let mut skip_depth = 0usize;
    const BLOCKS: &[&str] = &[
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "tr",
        "table",
        "section",
        "article",
        "header",
        "footer",
        "blockquote",
        "figcaption",
        "figure",
        "title",
        "aside",
        "nav",
        "main",
        "dd",
        "dt",
        "pre",
        "hr",
    ];
    const SKIPPED: &[&str] = &["script", "style", "noscript", "template", "svg", "iframe"];
    for edge in doc.tree.root().traverse() {
        match edge {
            ego_tree::iter::Edge::Open(node) => match node.value() {
                Node::Element(e) => {
                    let name = e.name();
                    if SKIPPED.contains(&name) {
                        skip_depth += 1;
                    } else if BLOCKS.contains(&name) && !out.ends_with('\n') && !out.is_empty() {
                        out.push('\n');
                    }
                }
                Node::Text(t) if skip_depth == 0 => {
                    let collapsed = t.split_whitespace().collect::<Vec<_>>().join(" ");
                    if !collapsed.is_empty() {
                        if !out.is_empty()
                            && !out.ends_with('\n')
                            && t.starts_with(char::is_whitespace)
                        {
                            out.push(' ');
                        }
                        out.push_str(&collapsed);
                        if t.ends_with(char::is_whitespace) {
                            out.push(' ');
                        }
                    }
                }
                _ => {}
            },
            ego_tree::iter::Edge::Close(node) => {
                if let Node::Element(e) = node.value() {
                    if SKIPPED.contains(&e.name()) {
                        skip_depth = skip_depth.saturating_sub(1);
                    } else if BLOCKS.contains(&e.name()) && !out.ends_with('\n') {
                        out.push('\n');
                    }
                }
            }
        }
    }
    out.lines().map(str::trim).collect::<Vec<_>>().join("\n")
}

/// Where a piece of the derived text stands in the HTML: its words in order, with tags, entities
/// and spacing allowed between them. Offsets in Unicode scalar values.
fn locate_in_html(html: &str, piece: &str) -> Option<(usize, usize)> {
    if let Some(at) = html.find(piece) {
        let start = html[..at].chars().count();
        return Some((start, start + piece.chars().count()));
    }
    let words: Vec<String> = piece
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(regex::escape)
        .collect();
    if words.is_empty() {
        return None;
    }
    let pattern = words.join(r"(?:<[^>]*>|&[#\w]+;|[^\p{L}\p{N}])+?");
    let found = Regex::new(&pattern).ok()?.find(html)?;
    let start = html[..found.start()].chars().count();
    Some((start, start + found.as_str().chars().count()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value<T: Clone>(f: &Option<Found<T>>) -> Option<T> {
        f.as_ref().map(|f| f.value.clone())
    }

    const SEED: &str =
        include_str!("../../tests/fixtures/extraction/corpus/worthy-news-zelenskyy.txt");

    #[test]
    fn the_seed() {
        let e = extract(SEED);
        assert_eq!(
            value(&e.title).as_deref(),
            Some("Ukrainian President Open To Resign In Exchange For NATO Membership")
        );
        assert_eq!(
            value(&e.byline).as_deref(),
            Some("Stefan J. Bos, Chief International Correspondent Worthy News")
        );
        assert_eq!(
            value(&e.copyright_line).as_deref(),
            Some("Copyright 1999-2025 Worthy News.")
        );
        assert_eq!(value(&e.copyright_holder).as_deref(), Some("Worthy News"));
        assert_eq!(
            (value(&e.copyright_year_from), value(&e.copyright_year_to)),
            (Some(1999), Some(2025))
        );
        assert_eq!(
            value(&e.permission_statement).as_deref(),
            Some("This article was originally published on Worthy News and was reproduced with permission.")
        );
        assert_eq!(value(&e.original_publisher).as_deref(), Some("Worthy News"));
        assert_eq!(
            value(&e.permission_kind),
            Some(PermissionKind::ReproducedWithPermission)
        );
        assert_eq!(value(&e.license_name), None);
        // Evidence offsets are in characters of the input.
        let line = e.copyright_line.unwrap().evidence;
        let chars: Vec<char> = SEED.chars().collect();
        assert_eq!(
            chars[line.start..line.end].iter().collect::<String>(),
            line.text
        );
    }

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
    fn html_goes_through_a_parser() {
        let html = "<html><head><title>T</title><script>var c='Copyright 1900 Evil';</script></head><body>\
            <h1>Headline &amp; more</h1><p>Body text.</p>\
            <footer><p>&copy; 2024 Worthy News. All rights reserved.</p></footer></body></html>";
        let e = extract(html);
        assert_eq!(
            value(&e.copyright_line).as_deref(),
            Some("© 2024 Worthy News. All rights reserved.")
        );
        assert_eq!(value(&e.copyright_holder).as_deref(), Some("Worthy News"));
        let evidence = e.copyright_holder.unwrap().evidence;
        let chars: Vec<char> = html.chars().collect();
        assert_eq!(
            chars[evidence.start..evidence.end]
                .iter()
                .collect::<String>(),
            "Worthy News"
        );
        assert_eq!(
            value(&e.permission_kind),
            Some(PermissionKind::AllRightsReserved)
        );
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        for input in [
            "",
            " ",
            "\n\n",
            "©",
            "(c)",
            "Copyright",
            "Copyright ©",
            "© ,",
            "Copr.",
            "...",
            "é.É. ©2024 Ü",
            "<p>",
            "reprinted with permission from",
        ] {
            let _ = extract(input);
        }
    }

    proptest::proptest! {
        #[test]
        fn never_panics(input in "\\PC{0,300}") {
            let _ = extract(&input);
        }

        #[test]
        fn never_panics_on_rights_shaped_text(
            words in proptest::collection::vec(proptest::prop_oneof![
                proptest::strategy::Just("Copyright".to_string()), proptest::strategy::Just("©".to_string()),
                proptest::strategy::Just("2024".to_string()), proptest::strategy::Just("1999–2025".to_string()),
                proptest::strategy::Just("Inc.".to_string()), proptest::strategy::Just(",".to_string()),
                proptest::strategy::Just("reprinted with permission from".to_string()),
                proptest::strategy::Just("All rights reserved.".to_string()), proptest::strategy::Just("\n".to_string()),
                proptest::strategy::Just("Worthy".to_string()), proptest::strategy::Just("News.".to_string()),
                proptest::strategy::Just("<p>".to_string()), proptest::strategy::Just("é".to_string()),
                "\\PC{0,4}",
            ], 0..40)
        ) {
            let text = words.join(" ");
            let e = extract(&text);
            if let Some(line) = e.copyright_line {
                let chars: Vec<char> = text.chars().collect();
                proptest::prop_assert!(line.evidence.end <= chars.len());
            }
        }
    }
}
