//! Terms in words, the way a partner reads them: "web and print, in the United States of
//! America and Canada, until 31 Dec 2025, 2 of 5 reprints used". Pure.

use chrono::NaiveDate;

use crate::licenses::rules::{Coverage, Reason, Territories};
use crate::licenses::LicenseDraft;

/// "a", "a and b", "a, b and c".
pub fn list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [head @ .., last] => format!("{} and {last}", head.join(", ")),
    }
}

/// "31 Dec 2025".
pub fn day(date: NaiveDate) -> String {
    date.format("%-d %b %Y").to_string()
}

/// "today", "tomorrow", "in 6 days", "3 days ago".
pub fn days_from(today: NaiveDate, date: NaiveDate) -> String {
    match (date - today).num_days() {
        0 => "today".into(),
        1 => "tomorrow".into(),
        -1 => "yesterday".into(),
        n if n > 1 => format!("in {n} days"),
        n => format!("{} days ago", -n),
    }
}

/// Where a license applies, in words.
pub fn territories(t: &Territories) -> String {
    match t {
        Territories::World => "worldwide".into(),
        Territories::Countries(_) => {
            let names: Vec<String> = t
                .codes()
                .iter()
                .map(|code| {
                    isocountry::CountryCode::for_alpha2(code)
                        .map(|c| c.name().to_string())
                        .unwrap_or_else(|_| code.clone())
                })
                .collect();
            format!("in {}", list(&names))
        }
    }
}

/// The terms of a license in one line.
pub fn terms(draft: &LicenseDraft, used: i64) -> String {
    let actions: Vec<String> = draft.actions.iter().map(|a| a.to_string()).collect();
    let media: Vec<String> = draft.media.iter().map(|m| m.to_string()).collect();
    let until = match draft.window.until {
        Some(last) => format!("until {}", day(last)),
        None => "with no end date".into(),
    };
    let mut line = format!(
        "{} on {}, {}, {}",
        list(&actions),
        list(&media),
        territories(&draft.territories),
        until
    );
    if let Some(max) = draft.max_reprints {
        line.push_str(&format!(", {used} of {max} reprints used"));
    }
    line
}

/// What a license covers, given the grantor's name and, for one article, its title.
pub fn covers(coverage: &Coverage, grantor: &str, article: Option<&str>) -> String {
    match coverage {
        Coverage::Article(id) => match article {
            Some(title) => format!("the article “{title}”"),
            None => format!("article {id}"),
        },
        Coverage::Feed(range) => match (range.from, range.until) {
            (None, None) => format!("every article {grantor} publishes"),
            (Some(from), None) => format!("every article {grantor} publishes from {}", day(from)),
            (None, Some(until)) => {
                format!("every article {grantor} published until {}", day(until))
            }
            (Some(from), Some(until)) => format!(
                "every article {grantor} published from {} to {}",
                day(from),
                day(until)
            ),
        },
    }
}

/// Why a license does not cover a use, in plain words.
pub fn reason(r: Reason) -> &'static str {
    match r {
        Reason::Expired => "the license has ended",
        Reason::NotYetValid => "the license has not started yet on that day",
        Reason::Revoked => "the license was revoked",
        Reason::Suspended => "the license is suspended",
        Reason::ActionNotGranted => "the license does not grant that action",
        Reason::MediumNotGranted => "the license does not grant that medium",
        Reason::TerritoryNotGranted => "the license does not cover that territory",
        Reason::ArticleNotInFeed => "the article is outside the feed the license covers",
        Reason::Embargoed => "the article is still under embargo",
        Reason::UseLimitReached => "the license's reprints are all used",
        Reason::NoLicense => "you hold no license for this article",
        Reason::CreditLineMissing => "the credit printed does not contain the required credit line",
        Reason::UpstreamNotInForce => "the license it rests on upstream is not in force that day",
        Reason::NoUpstreamRight => "the grantor holds no upstream right to sublicense this use",
        Reason::DataMiningReserved => {
            "the rights holder reserves text and data mining and AI training"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::licenses::rules::{Action, DateWindow, LicenseStatus, Medium, PublishedRange};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn terms_read_as_a_sentence() {
        let draft = LicenseDraft {
            grantor: 1,
            licensee: 2,
            coverage: Coverage::Feed(PublishedRange::default()),
            actions: vec![Action::Republish],
            media: vec![Medium::Web, Medium::Print],
            territories: Territories::parse(&["US".into(), "CA".into()]).unwrap(),
            window: DateWindow::new(d("2025-01-01"), Some(d("2025-12-31"))).unwrap(),
            exclusive: false,
            credit_line: None,
            fee_cents: None,
            currency: None,
            max_reprints: Some(5),
            notes: None,
            status: LicenseStatus::Active,
            status_reason: None,
            notice_leads: None,
            upstream: None,
            data_mining: crate::articles::data_mining::DataMining::Unspecified,
            tdm_policy_url: None,
        };
        let line = terms(&draft, 2);
        assert!(
            line.starts_with("republish on web and print, in "),
            "{line}"
        );
        assert!(line.contains("Canada"), "{line}");
        assert!(
            line.ends_with("until 31 Dec 2025, 2 of 5 reprints used"),
            "{line}"
        );
        assert_eq!(
            covers(&draft.coverage, "Worthy News", None),
            "every article Worthy News publishes"
        );
    }

    #[test]
    fn days_in_words() {
        let today = d("2025-06-01");
        assert_eq!(days_from(today, d("2025-06-08")), "in 7 days");
        assert_eq!(days_from(today, d("2025-06-02")), "tomorrow");
        assert_eq!(days_from(today, d("2025-05-30")), "2 days ago");
        assert_eq!(list(&["a".into(), "b".into(), "c".into()]), "a, b and c");
    }
}
