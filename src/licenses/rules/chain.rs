//! The rights chain, pure: a license granted by someone other than the article's rights holder
//! rests on an upstream license to its grantor that grants `sublicense` and covers it. What an
//! upstream lacks (at grant time), and whether a chain holds on a day (at check time).

use chrono::NaiveDate;

use super::{Action, ArticleFacts, Coverage, LicenseStatus, Reason, Terms, Territories, Use};

/// The longest chain the check walks: the rights holder's grant and three below it.
pub const MAX_LINKS: usize = 4;

fn territories_cover(up: &Territories, down: &Territories) -> Vec<String> {
    match (up, down) {
        (Territories::World, _) => Vec::new(),
        (Territories::Countries(_), Territories::World) => vec!["WORLD".into()],
        (Territories::Countries(have), Territories::Countries(want)) => want
            .iter()
            .filter(|c| !have.contains(c))
            .map(|c| c.code().to_string())
            .collect(),
    }
}

fn day(d: NaiveDate) -> String {
    d.to_string()
}

/// What `up` lacks to be the upstream of `down` (empty: it can be). `article` is the article
/// an article license names (its facts decide whether a feed upstream covers it).
pub fn lacks(up: &Terms, down: &Terms, article: Option<&ArticleFacts>) -> Vec<String> {
    let mut out = Vec::new();
    if up.status != LicenseStatus::Active {
        out.push(format!(
            "a license in force (license {} is {})",
            up.id,
            up.status.as_str()
        ));
    }
    for action in std::iter::once(&Action::Sublicense).chain(&down.actions) {
        if !up.actions.contains(action) && !out.iter().any(|o| o == action.as_str()) {
            out.push(action.as_str().to_string());
        }
    }
    for medium in &down.media {
        if !up.media.contains(medium) {
            out.push(medium.as_str().to_string());
        }
    }
    out.extend(territories_cover(&up.territories, &down.territories));
    if down.window.from < up.window.from {
        out.push(format!("valid from {}", day(down.window.from)));
    }
    match (up.window.until, down.window.until) {
        (Some(_), None) => out.push("no end date".into()),
        (Some(up_until), Some(down_until)) if down_until > up_until => {
            out.push(format!("valid until {}", day(down_until)))
        }
        _ => {}
    }
    let covered = match (up.coverage, down.coverage, article) {
        (Coverage::Article(a), Coverage::Article(b), _) => a == b,
        (Coverage::Feed(range), Coverage::Article(_), Some(article)) => {
            (up.grantor == article.source_outlet || up.grantor == article.holder)
                && range.contains(article.published_on)
        }
        (Coverage::Feed(up_range), Coverage::Feed(down_range), _) => {
            let from_ok = up_range
                .from
                .is_none_or(|f| down_range.from.is_some_and(|d| d >= f));
            let until_ok = up_range
                .until
                .is_none_or(|u| down_range.until.is_some_and(|d| d <= u));
            from_ok && until_ok
        }
        _ => false,
    };
    if !covered {
        out.push("the article or feed".into());
    }
    out
}

/// Why a chain does not hold, and at which upstream license.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Broken {
    pub reason: Reason,
    pub upstream_license_id: Option<i64>,
}

/// Walks the chain of `license` on the day of `wanted`: `upstream` are the licenses above it,
/// nearest first. Answers the license ids from the rights holder down, or why it breaks.
pub fn walk(
    license: &Terms,
    upstream: &[Terms],
    article: &ArticleFacts,
    wanted: &Use,
) -> Result<Vec<i64>, Broken> {
    let mut chain = vec![license.id];
    let mut current = license;
    let mut above = upstream.iter();
    while current.grantor != article.holder {
        let Some(up) = above.next() else {
            return Err(Broken {
                reason: Reason::NoUpstreamRight,
                upstream_license_id: None,
            });
        };
        let broken = |reason| Broken {
            reason,
            upstream_license_id: Some(up.id),
        };
        if up.licensee != current.grantor {
            return Err(broken(Reason::NoUpstreamRight));
        }
        if up.status != LicenseStatus::Active || !up.window.contains(wanted.on) {
            return Err(broken(Reason::UpstreamNotInForce));
        }
        let grants = up.actions.contains(&Action::Sublicense)
            && up.actions.contains(&wanted.action)
            && up.media.contains(&wanted.medium)
            && wanted.territory.is_none_or(|t| up.territories.contains(t));
        if !grants {
            return Err(broken(Reason::NoUpstreamRight));
        }
        chain.push(up.id);
        current = up;
    }
    chain.reverse();
    Ok(chain)
}

/// The reason in words.
pub fn explain(broken: &Broken, wanted: &Use) -> String {
    match (broken.reason, broken.upstream_license_id) {
        (Reason::UpstreamNotInForce, Some(id)) => format!(
            "upstream license {id} is not in force on {}",
            day(wanted.on)
        ),
        (_, Some(id)) => {
            format!("upstream license {id} does not grant the right to sublicense this use")
        }
        _ => "the grantor holds no upstream license from the rights holder".into(),
    }
}
