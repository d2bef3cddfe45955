//! What a fetched page shows: its visible text, its links and its `rel=canonical`, read with a
//! real HTML parser (`scraper`), and the checks made on them. Pure.

use scraper::{Html, Node, Selector};
use url::Url;

use crate::licenses::rules::credit_given;

/// What the checks need from a page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Page {
    /// The visible text (scripts, styles and templates left out), words separated by spaces
    pub text: String,
    /// Every `<a href>`, resolved against the page's address
    pub links: Vec<Url>,
    /// `<link rel="canonical" href>`, resolved
    pub canonical: Option<Url>,
}

/// Reads an HTML page fetched from `base`.
pub fn read(html: &str, base: &Url) -> Page {
    let doc = Html::parse_document(html);
    let mut text = String::new();
    for node in doc.tree.root().descendants() {
        if let Node::Text(t) = node.value() {
            let hidden = node.ancestors().any(|a| {
                a.value().as_element().is_some_and(|e| {
                    matches!(
                        e.name(),
                        "script" | "style" | "template" | "noscript" | "head"
                    )
                })
            });
            if !hidden {
                text.push_str(t);
                text.push(' ');
            }
        }
    }
    let links = Selector::parse("a[href]")
        .map(|sel| {
            doc.select(&sel)
                .filter_map(|a| a.value().attr("href"))
                .filter_map(|href| base.join(href.trim()).ok())
                .collect()
        })
        .unwrap_or_default();
    let canonical = Selector::parse("link[rel][href]").ok().and_then(|sel| {
        doc.select(&sel)
            .find(|l| {
                l.value().attr("rel").is_some_and(|rel| {
                    rel.split_ascii_whitespace()
                        .any(|r| r.eq_ignore_ascii_case("canonical"))
                })
            })
            .and_then(|l| l.value().attr("href"))
            .and_then(|href| base.join(href.trim()).ok())
    });
    Page {
        text: text.split_whitespace().collect::<Vec<_>>().join(" "),
        links,
        canonical,
    }
}

/// Two addresses name the same article: same host (case and `www.` aside), same path (a trailing
/// slash aside), same query; scheme and fragment are not compared.
pub fn same_article(a: &Url, b: &Url) -> bool {
    let host = |u: &Url| {
        u.host_str()
            .unwrap_or("")
            .trim_start_matches("www.")
            .to_ascii_lowercase()
    };
    let path = |u: &Url| u.path().trim_end_matches('/').to_string();
    host(a) == host(b) && path(a) == path(b) && a.query() == b.query()
}

/// What a page was checked for, and what was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Findings {
    pub credit_found: bool,
    /// `None` when the original article has no known address
    pub link_to_original: Option<bool>,
    pub canonical_ok: Option<bool>,
}

/// Checks a page for the credit line (after case, punctuation and whitespace folding), a link to
/// the original and a canonical link to it.
pub fn check(page: &Page, credit_line: Option<&str>, original: Option<&Url>) -> Findings {
    let credit_found = credit_line
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .is_none_or(|c| credit_given(c, Some(&page.text)));
    Findings {
        credit_found,
        link_to_original: original.map(|o| page.links.iter().any(|l| same_article(l, o))),
        canonical_ok: original.map(|o| page.canonical.as_ref().is_some_and(|c| same_article(c, o))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<!doctype html><html><head><title>Flood</title>
<link rel="stylesheet" href="/s.css"><link rel="Canonical" href="https://worthy.example/news/flood/">
<script>var credit = "From the wires";</script></head>
<body><article><h1>Flood waters rise</h1><p>Text.</p>
<footer><p>Reproduced   with
 permission of <b>WORTHY news</b>.</p>
<a href="https://www.worthy.example/news/flood">Original</a></footer></article></body></html>"#;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn reads_text_links_and_canonical() {
        let page = read(PAGE, &url("https://partner.example/reprint/1"));
        assert!(page
            .text
            .contains("Reproduced with permission of WORTHY news"));
        assert!(
            !page.text.contains("From the wires"),
            "scripts are not text"
        );
        assert_eq!(page.links.len(), 1);
        assert_eq!(
            page.canonical.as_ref().map(Url::as_str),
            Some("https://worthy.example/news/flood/")
        );
    }

    #[test]
    fn credit_after_folding_and_links() {
        let page = read(PAGE, &url("https://partner.example/reprint/1"));
        let original = url("http://worthy.example/news/flood");
        let found = check(
            &page,
            Some("Reproduced with permission of Worthy News"),
            Some(&original),
        );
        assert_eq!(
            found,
            Findings {
                credit_found: true,
                link_to_original: Some(true),
                canonical_ok: Some(true)
            }
        );
        let wires = check(&page, Some("From the wires"), None);
        assert!(!wires.credit_found);
        assert_eq!(wires.link_to_original, None);
        let other = check(&page, None, Some(&url("https://worthy.example/news/other")));
        assert!(other.credit_found, "no credit line asked: nothing to find");
        assert_eq!(other.link_to_original, Some(false));
        assert_eq!(other.canonical_ok, Some(false));
    }

    #[test]
    fn relative_links_resolve() {
        let page = read(
            r#"<a href="../news/flood">x</a><link rel="canonical alternate" href="/c">"#,
            &url("https://worthy.example/blog/post"),
        );
        assert_eq!(page.links[0].as_str(), "https://worthy.example/news/flood");
        assert_eq!(page.canonical.unwrap().as_str(), "https://worthy.example/c");
    }
}
