//! Does a license cover one use of an article, and if not, why not?

use chrono::{NaiveDate, NaiveDateTime};

use super::{Action, Coverage, LicenseStatus, Medium, Reason, Terms};
use crate::types::Country;

/// The facts of an article the rules need.
#[derive(Debug, Clone, Copy)]
pub struct ArticleFacts {
    pub id: i64,
    pub source_outlet: i64,
    /// The rights holder: the original outlet, else the source.
    pub holder: i64,
    pub published_on: Option<NaiveDate>,
    pub embargo_until: Option<NaiveDateTime>,
}

/// One intended use: an action in a medium (and territory), on a day, seen at a moment.
#[derive(Debug, Clone, Copy)]
pub struct Use {
    pub action: Action,
    pub medium: Medium,
    /// None: the use names no territory, so territory is not checked.
    pub territory: Option<Country>,
    pub on: NaiveDate,
    /// The moment compared with an embargo: now when `on` is today, else the start of `on`.
    pub at: NaiveDateTime,
}

impl Use {
    /// A use on `on`, seen from `now` (the embargo moment follows the rule above).
    pub fn new(
        action: Action,
        medium: Medium,
        territory: Option<Country>,
        on: NaiveDate,
        now: NaiveDateTime,
    ) -> Use {
        let at = if on == now.date() {
            now
        } else {
            on.and_time(chrono::NaiveTime::MIN)
        };
        Use {
            action,
            medium,
            territory,
            on,
            at,
        }
    }
}

/// Every reason the license does not cover the use; empty when it does. `uses` is how many
/// covered reprints the license already has.
pub fn reasons(terms: &Terms, article: &ArticleFacts, wanted: &Use, uses: i64) -> Vec<Reason> {
    let mut out = Vec::new();
    match terms.coverage {
        Coverage::Article(id) if id != article.id => out.push(Reason::ArticleNotInFeed),
        Coverage::Feed(range)
            if (terms.grantor != article.source_outlet && terms.grantor != article.holder)
                || !range.contains(article.published_on) =>
        {
            out.push(Reason::ArticleNotInFeed)
        }
        _ => {}
    }
    match terms.status {
        LicenseStatus::Revoked => out.push(Reason::Revoked),
        LicenseStatus::Suspended => out.push(Reason::Suspended),
        LicenseStatus::Active => {}
    }
    if wanted.on < terms.window.from {
        out.push(Reason::NotYetValid);
    }
    if terms.window.until.is_some_and(|until| wanted.on > until) {
        out.push(Reason::Expired);
    }
    if !terms.actions.contains(&wanted.action) {
        out.push(Reason::ActionNotGranted);
    }
    if !terms.media.contains(&wanted.medium) {
        out.push(Reason::MediumNotGranted);
    }
    if wanted
        .territory
        .is_some_and(|t| !terms.territories.contains(t))
    {
        out.push(Reason::TerritoryNotGranted);
    }
    if article.embargo_until.is_some_and(|lifts| wanted.at < lifts) {
        out.push(Reason::Embargoed);
    }
    if terms.max_reprints.is_some_and(|max| uses >= i64::from(max)) {
        out.push(Reason::UseLimitReached);
    }
    out
}

/// One reason in words, with its dates and numbers ("expired on 2025-12-31").
pub fn explain(
    reason: Reason,
    terms: &Terms,
    article: &ArticleFacts,
    wanted: &Use,
    uses: i64,
) -> String {
    let day = |d: NaiveDate| d.to_string();
    match reason {
        Reason::Expired => match terms.window.until {
            Some(until) => format!("expired on {}", day(until)),
            None => "expired".into(),
        },
        Reason::NotYetValid => format!("valid from {}", day(terms.window.from)),
        Reason::Revoked => "revoked".into(),
        Reason::Suspended => "suspended".into(),
        Reason::ActionNotGranted => format!("does not grant {}", wanted.action.as_str()),
        Reason::MediumNotGranted => format!("does not cover {}", wanted.medium.as_str()),
        Reason::TerritoryNotGranted => match wanted.territory {
            Some(t) => format!("does not cover {}", t.code()),
            None => "does not cover the territory".into(),
        },
        Reason::ArticleNotInFeed => "does not cover this article".into(),
        Reason::Embargoed => match article.embargo_until {
            Some(lifts) => format!(
                "embargoed until {}",
                lifts
                    .and_utc()
                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            ),
            None => "embargoed".into(),
        },
        Reason::UseLimitReached => format!(
            "all {} reprints it allows are used ({uses})",
            terms.max_reprints.unwrap_or(0)
        ),
        Reason::NoLicense => "no license covers this article".into(),
        Reason::CreditLineMissing => "the credit line printed lacks the required one".into(),
        Reason::UpstreamNotInForce => "the upstream license is not in force".into(),
        Reason::NoUpstreamRight => "no upstream license grants the right to sublicense".into(),
        Reason::DataMiningReserved => format!(
            "the article's rights holder reserves {}",
            wanted.action.as_str()
        ),
    }
}

/// Of the licenses that cover a use, the one to name: the one that runs longest (open-ended
/// first), then the oldest.
pub fn best<'a>(covering: impl IntoIterator<Item = &'a Terms>) -> Option<&'a Terms> {
    covering.into_iter().max_by(|a, b| {
        let end = |t: &Terms| t.window.until.unwrap_or(NaiveDate::MAX);
        end(a).cmp(&end(b)).then(b.id.cmp(&a.id))
    })
}

/// A credit line for comparison: lower case, letters and digits only.
fn credit_key(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Does the credit used contain the required one (ignoring case, punctuation and spacing)?
pub fn credit_given(required: &str, used: Option<&str>) -> bool {
    let required = credit_key(required);
    required.is_empty() || used.is_some_and(|u| credit_key(u).contains(&required))
}
