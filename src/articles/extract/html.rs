//! HTML: parsed with `scraper` (html5ever) to text, block elements on lines of their own,
//! images as a mark on a line of their own; and evidence found back in the HTML as given.

use std::sync::LazyLock;

use regex::Regex;

use super::re;
use super::score::IMAGE_MARK;

pub(super) fn looks_like_html(input: &str) -> bool {
    static TAG: LazyLock<Regex> = LazyLock::new(|| {
        re(r"(?i)<(?:!doctype|html|head|body|p|div|article|span|h[1-6]|br|footer|section)\b[^>]*>")
    });
    TAG.is_match(input)
}

/// The text of an HTML document, block elements on lines of their own; scripts and styles left out.
pub fn html_to_text(html: &str) -> String {
    render(html, false)
}

/// The text of an HTML document; with `images`, each image as [`IMAGE_MARK`] on its own line.
pub(super) fn render(html: &str, images: bool) -> String {
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
        "img",
    ];
    const SKIPPED: &[&str] = &["script", "style", "noscript", "template", "svg", "iframe"];
    for edge in doc.tree.root().traverse() {
        match edge {
            ego_tree::iter::Edge::Open(node) => match node.value() {
                Node::Element(e) => {
                    let name = e.name();
                    if SKIPPED.contains(&name) {
                        skip_depth += 1;
                    } else if name == "img" && images && skip_depth == 0 {
                        // An image stands on a line of its own, so a caption after it is seen
                        // as one.
                        if !out.is_empty() && !out.ends_with('\n') {
                            out.push('\n');
                        }
                        out.push(IMAGE_MARK);
                        out.push('\n');
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
pub(super) fn locate_in_html(html: &str, piece: &str) -> Option<(usize, usize)> {
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
