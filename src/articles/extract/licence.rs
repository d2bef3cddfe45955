//! Licences: Creative Commons names in their short and long forms (in several languages, with
//! version and port: "CC BY-NC-SA 3.0 US"), the generic "under a Creative Commons license", and
//! "published under license from X". A licence stated for pictures or for user contributions
//! says nothing about the article.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::candidates::Permission;
use super::lexicon::Role;
use super::matching::Hit;
use super::publishers::name_after;
use super::statement::{bad_context, clean, credited, roles_in};
use super::text::Doc;
use super::{re, PermissionKind};

/// "CC BY-ND 4.0", "CC-BY", "CC BY-SA 3.0 DE".
static CC_SHORT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\bCC[ -]?(BY(?:[ -](?:NC|ND|SA)){0,3})\b(?:[ -]?(\d\.\d))?(?:[ -](?:International|Unported))?(?:[ -]((?-i:[A-Z]{2}))\b)?(?:[\s-]*(?:License|Licence|Lizenz|Licencia|Licen[çc]a)\b)?",
    )
});
/// "Creative Commons Attribution-NoDerivatives 4.0 International", in several languages.
static CC_LONG: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\bCreative\s+Commons\s+(?:Attribution|Namensnennung|Paternit[ée]|Reconocimiento|Atribuci[óo]n|Atribui[çc][ãa]o|Uznanie\s+autorstwa|Naamsvermelding)((?:[\s,-]+(?:Non-?Commercial|Nicht-?kommerziell|Pas\s+d.Utilisation\s+Commerciale|No\s?Comercial|N[ãa]o\s?Comercial|Share[- ]?Alike|Weitergabe\s+unter\s+gleichen\s+Bedingungen|Partage\s+dans\s+les\s+M[êe]mes\s+Conditions|Compartir\s?Igual|Compartilha\s?Igual|No-?Deriv\w*|Keine\s+Bearbeitungen?|Pas\s+de\s+Modification|Sin\s?Obra\s?Derivada|Sem\s?Deriva[çc][õo]es))*)(?:[\s-]+(\d\.\d))?(?:[\s-]+(?:International|Unported))?(?:[\s-]+(United\s+States|(?-i:[A-Z]{2})\b))?(?:[\s-]*(?:License|Licence|Lizenz|Licencia|Licen[çc]a))?",
    )
});
/// "under a Creative Commons license".
static CC_GENERIC: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)\bCreative\s+Commons\b[^.\n]{0,40}?(?:licen[cs]e|lizenz|licencia|licen[çc]a)")
});
/// "republished from X under a Creative Commons license".
static REPUBLISHED_FROM: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)\brepublished\s+from\b"));
fn cc_name(doc: &Doc<'_>) -> Vec<(String, Range<usize>)> {
    let text = doc.text;
    let mut out = Vec::new();
    for c in CC_LONG.captures_iter(text) {
        let Some(m) = c.get(0) else { continue };
        let words = c
            .get(1)
            .map_or(String::new(), |w| w.as_str().to_lowercase());
        let mut terms = String::from("BY");
        for (code, keys) in [
            ("NC", &["commercial", "kommerziell", "comercial"][..]),
            ("ND", &["deriv", "bearbeitung", "modification"][..]),
            ("SA", &["alike", "gleichen", "memes", "mêmes", "igual"][..]),
        ] {
            if keys.iter().any(|k| words.contains(k)) {
                terms.push('-');
                terms.push_str(code);
            }
        }
        let mut name = format!("CC {terms}");
        if let Some(v) = c.get(2) {
            name.push(' ');
            name.push_str(v.as_str());
            if let Some(p) = c.get(3) {
                let port = if p.as_str().to_lowercase().starts_with("united") {
                    "US"
                } else {
                    p.as_str()
                };
                name.push(' ');
                name.push_str(port);
            }
        }
        out.push((name, m.range()));
    }
    for c in CC_SHORT.captures_iter(text) {
        let Some(m) = c.get(0) else { continue };
        if out
            .iter()
            .any(|(_, r)| r.start <= m.start() && m.end() <= r.end)
        {
            continue;
        }
        let terms = c.get(1).map_or(String::new(), |t| {
            t.as_str().to_uppercase().replace(' ', "-")
        });
        let mut name = format!("CC {terms}");
        if let Some(v) = c.get(2) {
            name.push(' ');
            name.push_str(v.as_str());
            if let Some(p) = c.get(3) {
                name.push(' ');
                name.push_str(p.as_str());
            }
        }
        // Prefer a short form inside a long name's sentence ("Namensnennung 4.0-Lizenz (CC-BY 4.0)").
        out.retain(|(_, r)| !(doc.line_of(r.start) == doc.line_of(m.start())));
        out.push((name, m.range()));
    }
    for m in CC_GENERIC.find_iter(text) {
        if out
            .iter()
            .any(|(_, r)| doc.sentence_of(r.start) == doc.sentence_of(m.start()))
        {
            continue;
        }
        let start = m.start() + m.as_str().to_lowercase().find("creative").unwrap_or(0);
        out.push((
            "Creative Commons".to_string(),
            start..start + "Creative Commons".len(),
        ));
    }
    out.sort_by_key(|(_, r)| r.start);
    out
}

pub(super) fn licence(doc: &Doc<'_>, hits: &[Hit]) -> Option<Permission> {
    let text = doc.text;
    for (name, span) in cc_name(doc) {
        let Some(sentence) = doc.sentence_of(span.start) else {
            continue;
        };
        let stated = roles_in(hits, &[Role::Licence], sentence.clone())
            .next()
            .is_some()
            || doc.slice(&span).to_lowercase().contains("licen")
            || doc.slice(&span).to_lowercase().contains("lizenz");
        let segment_start = clean(doc, sentence.clone(), span.start).start;
        if !stated
            || credited(hits, doc.line_of(span.start).start..span.start)
            || roles_in(hits, &[Role::UserContent], segment_start..span.start)
                .next()
                .is_some()
            || bad_context(doc, span.start)
        {
            continue;
        }
        let mut end = sentence.end;
        let after = &text[span.end..sentence.end];
        let run_on = after.trim_start().starts_with(char::is_uppercase)
            && !after.starts_with(['.', ',', ';'])
            && after.starts_with(char::is_whitespace);
        if run_on {
            end = span.end;
        }
        let statement = clean(doc, sentence.start..end, span.start);
        let publisher = REPUBLISHED_FROM
            .find(doc.slice(&statement))
            .and_then(|m| name_after(doc, statement.start + m.end(), statement.end));
        return Some(Permission {
            kind: PermissionKind::UnderLicense,
            phrase: span.clone(),
            statement: Some(statement),
            publisher,
            publisher_is_holder: false,
            license: Some((name.clone(), span)),
            confidence: if name == "Creative Commons" {
                0.75
            } else {
                0.9
            },
        });
    }
    // "published under license from X".
    for h in hits
        .iter()
        .filter(|h| h.role() == Role::Licence && h.row.phrase.ends_with(" from"))
    {
        let Some(sentence) = doc.sentence_of(h.span.start) else {
            continue;
        };
        if bad_context(doc, h.span.start) || credited(hits, sentence.start..h.span.start) {
            continue;
        }
        let publisher = name_after(doc, h.span.end, sentence.end);
        return Some(Permission {
            kind: PermissionKind::UnderLicense,
            phrase: h.span.clone(),
            statement: Some(clean(doc, sentence, h.span.start)),
            publisher,
            publisher_is_holder: false,
            license: None,
            confidence: 0.8,
        });
    }
    None
}

#[cfg(test)]
mod pattern_tests {
    use super::*;

    #[test]
    fn every_pattern_compiles() {
        let _ = &*CC_SHORT;
        let _ = &*CC_LONG;
        let _ = &*CC_GENERIC;
        let _ = &*REPUBLISHED_FROM;
    }
}
