//! Reading the rights out of article text: title, byline, the copyright line and its parts, the
//! permission statement, the original publisher, what the republication rests on, and a license
//! name. Pure: text in, fields with their evidence and a confidence out. `docs/extraction.md`
//! documents each rule with an example.
//!
//! Stages, one file each:
//! - [`normalize`]: NFKC, diacritics dropped, case folded, the Cyrillic "(с)" read as "(c)";
//! - [`lexicon`]: the phrases of rights lines per language, as data;
//! - [`matching`]: the lexicon matched all at once (Aho-Corasick) over the folded text;
//! - [`text`]: lines and sentences;
//! - [`names`]: copyright holders; [`publishers`]: the names statements give;
//! - [`copyright`]: copyright line candidates, parsed and scored;
//! - [`permission`]: permission, syndication, origin and public-domain candidates;
//! - [`licence`]: Creative Commons names and other licence statements;
//! - [`score`]: the context of a candidate (quotation, caption, footer zone) and its score;
//! - [`html`]: HTML to text, and evidence found back in the HTML.

mod candidates;
mod copyright;
mod html;
mod lexicon;
mod licence;
mod matching;
mod names;
mod normalize;
mod permission;
mod publishers;
mod score;
mod statement;
mod text;

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

use super::PermissionKind;
use candidates::CopyrightSpans;
use candidates::Permission;
use text::{trim_range, Doc, YearTo};

pub use html::html_to_text;

/// Where a value was found: the verbatim span and its offsets (Unicode scalar values) in the input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

/// A value, why, and how sure the extraction is of it (0 to 1).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Found<T> {
    pub value: T,
    pub evidence: Evidence,
    pub confidence: f64,
}

/// Every field the extraction reads; `None` where the text does not say.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
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
    if html::looks_like_html(input) {
        let text = html::render(input, true);
        let found = extract_spans(&text);
        found.into_extracted(&text, |span| {
            html::locate_in_html(input, &text[span.clone()])
        })
    } else {
        let found = extract_spans(input);
        let mut offsets = CharOffsets::new(input);
        found.into_extracted(input, |span| {
            Some((offsets.at(span.start), offsets.at(span.end)))
        })
    }
}

#[expect(
    clippy::panic,
    reason = "the patterns are constants; the unit tests compile every one"
)]
pub(super) fn re(pattern: &str) -> Regex {
    Regex::new(pattern).unwrap_or_else(|e| panic!("extraction pattern does not compile: {e}"))
}

/// A byline: "By Stefan J. Bos, Chief International Correspondent".
static BYLINE: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)^by(?:\s+(\S.*))?$"));

fn title(doc: &Doc<'_>) -> Option<Range<usize>> {
    let first = doc.lines.iter().find(|l| !l.is_empty())?.clone();
    let text = doc.slice(&first);
    let lowered = text.to_lowercase();
    let refused = text.chars().count() > 400
        || BYLINE.is_match(text)
        || lowered.starts_with("copyright")
        || text.starts_with('©')
        || text.starts_with(score::IMAGE_MARK);
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
    let folded = normalize::Folded::new(text);
    let hits = matching::scan(&folded);
    let mut permission = permission::find(&doc, &hits);
    // An article-level statement (not a site-wide licence) draws the copyright line on its line.
    let near = permission
        .as_ref()
        .filter(|p| p.kind != PermissionKind::UnderLicense)
        .and_then(|p| p.statement.clone());
    let copyright = copyright::find(&doc, &hits, near.as_ref());
    if let Some(p) = permission.as_mut() {
        if p.publisher_is_holder {
            if let Some(h) = copyright.as_ref().and_then(|c| c.holders.first()) {
                p.publisher = Some(h.clone());
            }
        }
    }
    // With no statement, the copyright line says what the rights rest on.
    let permission = permission.or_else(|| {
        let c = copyright.as_ref()?;
        let reserved = copyright::reserved_near(&doc, &hits, c);
        Some(Permission {
            kind: if reserved {
                PermissionKind::AllRightsReserved
            } else {
                PermissionKind::CopyrightNotice
            },
            phrase: c.line.clone(),
            statement: None,
            publisher: None,
            publisher_is_holder: false,
            license: None,
            confidence: c.score.min(1.0) * if reserved { 0.95 } else { 0.85 },
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
        let mut found = |span: &Range<usize>, confidence: f64| -> Option<Found<String>> {
            let verbatim = text.get(span.clone())?.to_string();
            let (start, end) = locate(span)?;
            Some(Found {
                value: verbatim.clone(),
                evidence: Evidence {
                    text: verbatim,
                    start,
                    end,
                },
                confidence: (confidence.clamp(0.0, 1.0) * 100.0).round() / 100.0,
            })
        };
        let mut out = Extracted {
            title: self.title.as_ref().and_then(|s| found(s, 0.8)),
            byline: self.byline.as_ref().and_then(|s| found(s, 0.8)),
            ..Extracted::default()
        };
        if let Some(c) = &self.copyright {
            let conf = c.score.min(1.0);
            out.copyright_line = found(&c.line, conf);
            if let (Some(first), Some(last)) = (c.holders.first(), c.holders.last()) {
                out.copyright_holder = found(&(first.start..last.end), conf * 0.9).map(|mut f| {
                    f.value = c
                        .holders
                        .iter()
                        .map(|h| text.get(h.clone()).unwrap_or(""))
                        .collect::<Vec<_>>()
                        .join("; ");
                    f
                });
            }
            if let Some((from, to)) = &c.years {
                let year = |f: Found<String>| {
                    f.value.parse::<i32>().ok().map(|v| Found {
                        value: v,
                        evidence: f.evidence,
                        confidence: f.confidence,
                    })
                };
                out.copyright_year_from = found(from, conf).and_then(year);
                out.copyright_year_to = match to {
                    YearTo::Same => found(from, conf).and_then(year),
                    YearTo::Open => None,
                    YearTo::Year(t) => found(t, conf).and_then(year),
                };
            }
        }
        if let Some(p) = &self.permission {
            out.permission_kind = found(&p.phrase, p.confidence).map(|f| Found {
                value: p.kind,
                evidence: f.evidence,
                confidence: f.confidence,
            });
            out.permission_statement = p.statement.as_ref().and_then(|s| found(s, p.confidence));
            out.original_publisher = p
                .publisher
                .as_ref()
                .and_then(|s| found(s, p.confidence * 0.9));
            if let Some((name, span)) = &p.license {
                out.license_name = found(span, p.confidence).map(|f| Found {
                    value: name.clone(),
                    evidence: f.evidence,
                    confidence: f.confidence,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn value<T: Clone>(f: &Option<Found<T>>) -> Option<T> {
        f.as_ref().map(|f| f.value.clone())
    }

    const SEED: &str =
        include_str!("../../../tests/fixtures/extraction/corpus/worthy-news-zelenskyy.txt");

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
                proptest::strategy::Just("(с)".to_string()), proptest::strategy::Just("Alle Rechte vorbehalten".to_string()),
                proptest::strategy::Just("Quelle: dpa".to_string()), proptest::strategy::Just("[Site](https://x.io)".to_string()),
                proptest::strategy::Just("originally published on".to_string()), proptest::strategy::Just("a.s.Copyright".to_string()),
                proptest::strategy::Just("CC BY-SA 4.0 Lizenz".to_string()), proptest::strategy::Just("“".to_string()),
                proptest::strategy::Just("無断転載を禁じます。".to_string()), proptest::strategy::Just("<img>".to_string()),
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

#[cfg(test)]
mod pattern_tests {
    use super::*;

    #[test]
    fn every_pattern_compiles() {
        let _ = &*BYLINE;
    }
}
