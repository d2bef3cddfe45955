//! What the republication rests on: the permission statement, its kind and the original
//! publisher. Candidates come from the lexicon (permission, licence, syndication, source label,
//! origin and public-domain phrases) and a few structural patterns (Creative Commons names,
//! "X is part of Y"); each is checked against its context (a picture credit, a caption, a
//! quotation, a sentence that is not about the article) and the strongest kind wins:
//! permission, then licence, then syndication, then origin, then public domain.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::candidates::Permission;
use super::lexicon::Role;
use super::licence::licence;
use super::matching::{within, Hit};
use super::publishers::{self, name_after};
use super::statement::{bad_context, clean, credited, roles_in};
use super::text::{skip_spaces, Doc};
use super::{re, PermissionKind};

static CC_ZERO: LazyLock<Regex> = LazyLock::new(|| re(r"\bCC0(?:\s+1\.0)?\b"));
/// "The original version of this story appeared in X".
static ORIGINAL_VERSION: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\boriginal\s+(?:version\s+of\s+this\s+(?:story|article|post)|story)\s+(?:appeared|was\s+published|ran)\s+(?:in|on|at)\b",
    )
});
/// "X is part of States Newsroom": an outlet naming itself as the original.
static PART_OF_NETWORK: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^((?:[A-Z][\w.&'’-]*\s+){0,5}[A-Z][\w.&'’-]*)\s+is\s+(?:a\s+)?(?:part|member)\s+of\s+(?:the\s+)?(?:[A-Z][\w&'’-]*\s+){0,3}(?:Newsroom|News\s+Network|Network|News\s+Service)\b",
    )
});
/// "… Creators Syndicate …": a named syndicate.
static NAMED_SYNDICATE: LazyLock<Regex> =
    LazyLock::new(|| re(r"\b((?:[A-Z][A-Za-z&'’-]*\s+){1,3}Syndicate)\b"));
/// For "with permission of the publisher": a line naming an organisation.
static ORGANISATION: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:[A-Z][\w.&'’-]*[ ,]+){1,6}(?:publications|publishing|press|books|media|inc\.?|llc|ltd\.?|corp\.?|company)\.?$",
    )
});

const GENERIC_PARTIES: &[&str] = &[
    "the publisher",
    "publisher",
    "the author",
    "author",
    "the copyright holder",
    "the copyright owner",
    "the owner",
];

/// Is the sentence about the article: does the phrase open it, or does the article name
/// itself as its subject ("This story was …", "Dieser Beitrag …", "Sie wurde …")?
fn about_the_article(doc: &Doc<'_>, hits: &[Hit], sentence: &Range<usize>, phrase: usize) -> bool {
    let start = clean(doc, sentence.clone(), phrase).start;
    if start == phrase {
        return true;
    }
    roles_in(hits, &[Role::SelfReference, Role::Coverage], start..phrase)
        .any(|h| h.span.start == start)
}

/// Does one name stand for the other ("LearnVest" and "LearnVest.com")?
fn same_outlet(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        let s = s.to_lowercase();
        let s = s.trim_start_matches("www.").to_string();
        s.rsplit_once('.').map_or(s.clone(), |(h, _)| h.to_string())
    };
    let (a, b) = (norm(a), norm(b));
    a.contains(&b) || b.contains(&a)
}

fn origin_name(doc: &Doc<'_>, hits: &[Hit], statement: &Range<usize>) -> Option<Range<usize>> {
    roles_in(hits, &[Role::Origin], statement.clone())
        .find_map(|h| name_after(doc, h.span.end, statement.end))
}

fn explicit(doc: &Doc<'_>, hits: &[Hit]) -> Option<Permission> {
    for h in hits.iter().filter(|h| h.role() == Role::Permission) {
        let Some(sentence) = doc.sentence_of(h.span.start) else {
            continue;
        };
        let verb = within(hits, sentence.start, h.span.start)
            .iter()
            .rfind(|v| {
                v.role() == Role::Verb
                    && v.span.end <= h.span.start
                    && v.span.start >= sentence.start
            })
            .filter(|v| {
                doc.text[v.span.end..h.span.start]
                    .split_whitespace()
                    .count()
                    <= 3
            });
        let kind = match (verb, h.row.lang) {
            (Some(v), _) => v.row.kind,
            (None, "en") => None,
            (None, _) => h.row.kind,
        };
        let Some(kind) = kind else { continue };
        let from = verb.map_or(h.span.start, |v| v.span.start);
        if credited(hits, sentence.start..h.span.start) || bad_context(doc, from) {
            continue;
        }
        // The name may wrap onto the next line ("reproduced with permission from\n[site](…)").
        let line = doc.line_of(h.span.start);
        let mut limit = sentence.end;
        let mut statement_end = sentence.end;
        let rest = doc.text[h.span.end..line.end].trim();
        if matches!(rest, "from" | "of" | "by" | "from:" | "von" | "de") {
            if let Some(next) = doc.next_line(h.span.start) {
                if let Some(s) = doc.sentence_of(next.start) {
                    limit = s.end;
                    statement_end = s.end;
                }
            }
        }
        let mut named = name_after(doc, h.span.end, limit);
        if named
            .as_ref()
            .is_some_and(|n| GENERIC_PARTIES.contains(&doc.slice(n).to_lowercase().as_str()))
        {
            named = organisation_line(doc, h.span.end);
        }
        if let Some(n) = named.as_ref().filter(|n| n.end <= statement_end) {
            // A link or URL name ends the statement when a new label follows it
            // ("… from: <https://ken.io/…> Author: ken.io").
            let rest = &doc.text[n.end..statement_end];
            if rest.starts_with(['/', ']']) {
                if let Some(close) = rest.find(['>', ')']) {
                    let le = n.end + close + 1;
                    let tail = doc.text[le..statement_end].trim_start();
                    if tail.starts_with(char::is_uppercase) {
                        statement_end = le;
                    }
                }
            }
        }
        let mut start = sentence.start;
        // An origin sentence just before on the same line belongs to the statement.
        if let Some(i) = doc.sentence_index(sentence.start) {
            if i > 0 {
                let prev = doc.sentences[i - 1].clone();
                if doc.line_of(prev.start) == line
                    && roles_in(hits, &[Role::Origin], prev.clone())
                        .next()
                        .is_some()
                {
                    start = prev.start;
                }
            }
        }
        let statement = clean(doc, start..statement_end, from);
        let origin = origin_name(doc, hits, &statement);
        let publisher = match (origin, named) {
            (Some(o), Some(n)) if same_outlet(doc.slice(&o), doc.slice(&n)) => Some(n),
            (Some(o), _) => Some(o),
            (None, n) => n,
        };
        return Some(Permission {
            kind,
            phrase: from..h.span.end,
            statement: Some(statement),
            publisher: publisher.clone(),
            publisher_is_holder: false,
            license: None,
            confidence: if publisher.is_some() { 0.9 } else { 0.75 },
        });
    }
    None
}

fn organisation_line(doc: &Doc<'_>, after: usize) -> Option<Range<usize>> {
    doc.lines
        .iter()
        .filter(|l| l.start >= after && !l.is_empty())
        .find(|l| {
            ORGANISATION.is_match(doc.slice(l)) && doc.slice(l).starts_with(char::is_uppercase)
        })
        .cloned()
}

fn syndication(doc: &Doc<'_>, hits: &[Hit]) -> Option<Permission> {
    let text = doc.text;
    for h in hits.iter().filter(|h| h.role() == Role::Syndication) {
        let Some(sentence) = doc.sentence_of(h.span.start) else {
            continue;
        };
        if bad_context(doc, h.span.start) || !about_the_article(doc, hits, &sentence, h.span.start)
        {
            continue;
        }
        let phrase = h.row.phrase;
        let (publisher, statement) = if phrase == "ubernommen" {
            // "Sie wurde … von der Deutschen Presse-Agentur (dpa) übernommen."
            let s = &text[sentence.start..h.span.start];
            let Some(von) = s.rfind(" von ") else {
                continue;
            };
            if roles_in(hits, &[Role::Agency], sentence.clone())
                .next()
                .is_none()
            {
                continue;
            }
            let name = name_after(doc, sentence.start + von + 5, h.span.start);
            (name, clean(doc, sentence.clone(), h.span.start))
        } else {
            let name = name_after(doc, h.span.end, sentence.end);
            let Some(n) = name else { continue };
            let merged = publishers::ran_on(doc, &n, sentence.end);
            let end = if merged { n.end } else { sentence.end };
            (Some(n), clean(doc, sentence.start..end, h.span.start))
        };
        return Some(Permission {
            kind: PermissionKind::Syndicated,
            phrase: h.span.clone(),
            statement: Some(statement),
            publisher,
            publisher_is_holder: phrase == "distributed by",
            license: None,
            confidence: 0.8,
        });
    }
    // Agency source lines: "Quelle: dpa-AFX", "(Quelle: APA/sda/dpa)", "Via SyndiGate".
    for h in hits.iter().filter(|h| h.role() == Role::SourceLabel) {
        let line = doc.line_of(h.span.start);
        let lead = text[line.start..h.span.start].trim();
        if !(lead.is_empty() || lead == "(") {
            continue;
        }
        let mut end = line.end;
        let body = &text[h.span.end..line.end];
        if text[line.start..line.end].trim_start().starts_with('(')
            && body.trim_end().ends_with(')')
        {
            end = h.span.end + body.trim_end().len() - 1;
        }
        let name_start = {
            let mut p = skip_spaces(text, h.span.end, end);
            if text[p..end].starts_with('©') {
                p = skip_spaces(text, p + '©'.len_utf8(), end);
            }
            p
        };
        let name_end = [" - ", " | ", " – ", ")"]
            .iter()
            .filter_map(|s| text[name_start..end].find(s))
            .min()
            .map_or(end, |i| name_start + i);
        let name = name_start..text[name_start..name_end].trim_end().len() + name_start;
        let lowered = text[name.clone()].to_lowercase();
        let agency_word = ["agentur", "agency", "agence", "agencia", "press"]
            .iter()
            .any(|w| lowered.contains(w));
        if name.is_empty()
            || !(agency_word
                || roles_in(hits, &[Role::Agency], name.clone())
                    .next()
                    .is_some())
        {
            continue;
        }
        return Some(Permission {
            kind: PermissionKind::Syndicated,
            phrase: h.span.clone(),
            statement: Some(h.span.start..end),
            publisher: Some(name),
            publisher_is_holder: false,
            license: None,
            confidence: 0.8,
        });
    }
    let c = NAMED_SYNDICATE.captures(text)?;
    let whole = c.get(0)?.range();
    let sentence = doc.sentence_of(whole.start)?;
    // "Copyright: Project Syndicate, 2002": a holder, not a syndication statement.
    if bad_context(doc, whole.start)
        || roles_in(hits, &[Role::Sign], sentence.start..whole.start)
            .next()
            .is_some()
    {
        return None;
    }
    Some(Permission {
        kind: PermissionKind::Syndicated,
        phrase: whole.clone(),
        statement: Some(clean(doc, sentence, whole.start)),
        publisher: Some(c.get(1)?.range()),
        publisher_is_holder: false,
        license: None,
        confidence: 0.7,
    })
}

fn origin(doc: &Doc<'_>, hits: &[Hit]) -> Option<Permission> {
    let text = doc.text;
    let mut found: Vec<(Range<usize>, Range<usize>, Range<usize>)> = Vec::new();
    for h in hits.iter().filter(|h| h.role() == Role::Origin) {
        let Some(sentence) = doc.sentence_of(h.span.start) else {
            continue;
        };
        if bad_context(doc, h.span.start) || !about_the_article(doc, hits, &sentence, h.span.start)
        {
            continue;
        }
        let Some(name) = name_after(doc, h.span.end, sentence.end) else {
            continue;
        };
        found.push((h.span.clone(), sentence, name));
        break;
    }
    for m in ORIGINAL_VERSION.find_iter(text) {
        let Some(sentence) = doc.sentence_of(m.start()) else {
            continue;
        };
        if let Some(name) = name_after(doc, m.end(), sentence.end) {
            found.push((m.range(), sentence, name));
            break;
        }
    }
    for sentence in &doc.sentences {
        if let Some(g) = PART_OF_NETWORK
            .captures(doc.slice(sentence))
            .and_then(|c| c.get(1))
        {
            let span = sentence.start + g.start()..sentence.start + g.end();
            found.push((span.clone(), sentence.clone(), span));
            break;
        }
    }
    let (phrase, sentence, name) = found.into_iter().min_by_key(|(p, _, _)| p.start)?;
    // "Originally published in Baptist Press Security forces …": the name ran into the body.
    let ran_on = publishers::ran_on(doc, &name, sentence.end);
    let end = if ran_on { name.end } else { sentence.end };
    Some(Permission {
        kind: PermissionKind::OriginallyPublished,
        statement: Some(clean(doc, sentence.start..end, phrase.start)),
        phrase,
        publisher: Some(name),
        publisher_is_holder: false,
        license: None,
        confidence: 0.8,
    })
}

fn public_domain(doc: &Doc<'_>, hits: &[Hit]) -> Option<Permission> {
    if let Some(m) = CC_ZERO.find(doc.text) {
        if !bad_context(doc, m.start()) && !credited(hits, doc.line_of(m.start()).start..m.start())
        {
            let sentence = doc.sentence_of(m.start())?;
            return Some(Permission {
                kind: PermissionKind::PublicDomain,
                phrase: m.range(),
                statement: Some(clean(doc, sentence, m.start())),
                publisher: None,
                publisher_is_holder: false,
                license: Some(("CC0 1.0".to_string(), m.range())),
                confidence: 0.85,
            });
        }
    }
    for h in hits.iter().filter(|h| h.role() == Role::PublicDomain) {
        let Some(sentence) = doc.sentence_of(h.span.start) else {
            continue;
        };
        if bad_context(doc, h.span.start)
            || credited(hits, doc.line_of(h.span.start).start..h.span.start)
            || !about_the_article(doc, hits, &sentence, h.span.start)
        {
            continue;
        }
        return Some(Permission {
            kind: PermissionKind::PublicDomain,
            phrase: h.span.clone(),
            statement: Some(clean(doc, sentence, h.span.start)),
            publisher: None,
            publisher_is_holder: false,
            license: None,
            confidence: 0.75,
        });
    }
    None
}

/// The strongest statement of the text.
pub(super) fn find(doc: &Doc<'_>, hits: &[Hit]) -> Option<Permission> {
    explicit(doc, hits)
        .or_else(|| licence(doc, hits))
        .or_else(|| syndication(doc, hits))
        .or_else(|| origin(doc, hits))
        .or_else(|| public_domain(doc, hits))
}

#[cfg(test)]
mod pattern_tests {
    use super::*;

    #[test]
    fn every_pattern_compiles() {
        let _ = &*CC_ZERO;
        let _ = &*ORIGINAL_VERSION;
        let _ = &*PART_OF_NETWORK;
        let _ = &*NAMED_SYNDICATE;
        let _ = &*ORGANISATION;
    }
}
