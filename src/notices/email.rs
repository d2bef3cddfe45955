//! Emails rendered from templates (`templates/`, embedded in the binary): subject, plain text and
//! HTML. The HTML templates escape every value (minijinja's auto-escaping by the `.html.j2`
//! extension); no markup is written with `format!`.

use std::sync::LazyLock;

use chrono::NaiveDate;
use minijinja::{AutoEscape, Environment};
use serde::Serialize;

use super::{when, Digest, DigestItem};

static TEMPLATES: LazyLock<Result<Environment<'static>, String>> = LazyLock::new(|| {
    let mut env = Environment::new();
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".html.j2") {
            AutoEscape::Html
        } else {
            AutoEscape::None
        }
    });
    env.set_keep_trailing_newline(true);
    for (name, source) in [
        ("base.html.j2", include_str!("templates/base.html.j2")),
        ("base.txt.j2", include_str!("templates/base.txt.j2")),
        (
            "digest/subject.txt.j2",
            include_str!("templates/digest/subject.txt.j2"),
        ),
        (
            "digest/body.txt.j2",
            include_str!("templates/digest/body.txt.j2"),
        ),
        (
            "digest/body.html.j2",
            include_str!("templates/digest/body.html.j2"),
        ),
    ] {
        env.add_template(name, source)
            .map_err(|e| format!("template {name}: {e}"))?;
    }
    Ok(env)
});

/// One license in a digest, as the templates see it (dates already in words).
#[derive(Serialize)]
struct ItemView<'a> {
    #[serde(flatten)]
    item: &'a DigestItem,
    heading: &'static str,
    when: String,
    /// The last day in words
    last_day: String,
    /// The portal page as a link (an absolute URL), or none
    portal_href: Option<String>,
}

/// The digest's context.
#[derive(Serialize)]
struct DigestMail<'a> {
    items: &'a [ItemView<'a>],
    first: Option<&'a ItemView<'a>>,
    count: usize,
    takedowns: usize,
}

/// Renders one recipient's digest: every due license, soonest first.
pub fn render_digest(items: &[DigestItem], today: NaiveDate) -> Result<Digest, String> {
    let mut items = items.to_vec();
    items.sort_by_key(|i| (i.ends_on, i.license_id));
    let views: Vec<ItemView<'_>> = items
        .iter()
        .map(|item| ItemView {
            item,
            heading: if item.takedown { "TAKE DOWN" } else { "ENDING" },
            when: when(item, today),
            last_day: super::in_words(item.ends_on),
            portal_href: item.portal.starts_with("http").then(|| item.portal.clone()),
        })
        .collect();
    let context = DigestMail {
        items: &views,
        first: views.first(),
        count: views.len(),
        takedowns: items.iter().filter(|i| i.takedown).count(),
    };
    let env = TEMPLATES.as_ref().map_err(Clone::clone)?;
    let render = |name: &str| {
        env.get_template(name)
            .and_then(|t| t.render(&context))
            .map_err(|e| format!("rendering {name}: {e}"))
    };
    Ok(Digest {
        subject: render("digest/subject.txt.j2")?.trim().to_string(),
        text: render("digest/body.txt.j2")?,
        html: render("digest/body.html.j2")?,
    })
}
