//! Reprints checked on the page itself: fetch the reprint's URL (`fetch.rs`, behind the address
//! rules of `safety.rs` and the site's robots.txt, `robots.rs`), read it (`page.rs`), judge what
//! was found against what the license asks ([`judge`]) and decide when to look again
//! ([`next_check`]). `service.rs` loads, fetches and stores.

pub mod fetch;
pub mod page;
pub mod robots;
pub mod safety;
pub mod service;

use chrono::{Duration, NaiveDate};
use serde::Serialize;

pub use fetch::{FetchError, Fetcher};
use page::Findings;

/// The stored outcome of the last check of a reprint's page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Verification {
    /// When the page was last checked (RFC 3339)
    pub checked_at: String,
    /// The page's HTTP status after redirects (none when it could not be fetched)
    pub http_status: Option<i32>,
    /// The license's credit line is on the page (case, punctuation and whitespace aside)
    pub credit_found: Option<bool>,
    /// The page links to the original article (none when the article has no known address)
    pub link_to_original: Option<bool>,
    /// The page's rel=canonical names the original article
    pub canonical_ok: Option<bool>,
    /// The page still answers although the rights ended (license over or revoked, no archive
    /// rights); none while the rights are in force
    pub still_online_after_end: Option<bool>,
    /// Why the page could not be checked (refused address, robots.txt, network, limits)
    pub error: Option<String>,
    /// ok or failed
    #[schema(pattern = "^(ok|failed)$")]
    pub outcome: String,
}

/// What a check concluded, before storing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub http_status: Option<i32>,
    pub findings: Option<Findings>,
    pub still_online_after_end: Option<bool>,
    pub error: Option<String>,
    pub ok: bool,
}

/// The outcome of a fetch judged against the rights: `rights_ended` is true once the license
/// ended or was revoked without archive rights.
///
/// - the page could not be fetched: failed, with the error;
/// - rights ended: ok when the page is gone (404, 410), failed while it still answers 2xx;
/// - rights in force: ok when it answers 2xx, shows the credit line, and links to the original
///   or names it as canonical (when the article's address is known).
pub fn judge(fetched: Result<(u16, Findings), String>, rights_ended: bool) -> Verdict {
    let (status, findings) = match fetched {
        Ok(found) => found,
        Err(error) => {
            return Verdict {
                http_status: None,
                findings: None,
                still_online_after_end: None,
                error: Some(error),
                ok: false,
            }
        }
    };
    let online = (200..300).contains(&status);
    if rights_ended {
        let gone = matches!(status, 404 | 410);
        return Verdict {
            http_status: Some(i32::from(status)),
            findings: online.then_some(findings),
            still_online_after_end: Some(online),
            error: (!online && !gone).then(|| format!("the page answered {status}")),
            ok: gone,
        };
    }
    let linked =
        findings.link_to_original.is_none_or(|l| l) || findings.canonical_ok.is_some_and(|c| c);
    Verdict {
        http_status: Some(i32::from(status)),
        findings: online.then_some(findings),
        still_online_after_end: None,
        error: (!online).then(|| format!("the page answered {status}")),
        ok: online && findings.credit_found && linked,
    }
}

/// When to check a reprint's page again: monthly while the rights are in force, the day after
/// they end; weekly while a page stays online after the end; never once it is gone.
pub fn next_check(
    today: NaiveDate,
    rights_end: Option<NaiveDate>,
    rights_ended: bool,
    verdict: &Verdict,
) -> Option<NaiveDate> {
    if rights_ended {
        return (verdict.still_online_after_end == Some(true) || verdict.error.is_some())
            .then(|| today + Duration::days(7));
    }
    let monthly = today + Duration::days(30);
    Some(match rights_end {
        Some(end) if end + Duration::days(1) < monthly => {
            (end + Duration::days(1)).max(today + Duration::days(1))
        }
        _ => monthly,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    const GOOD: Findings = Findings {
        credit_found: true,
        link_to_original: Some(false),
        canonical_ok: Some(true),
    };

    #[test]
    fn judging_pages() {
        assert!(judge(Ok((200, GOOD)), false).ok);
        let bare = Findings {
            credit_found: false,
            link_to_original: Some(false),
            canonical_ok: Some(false),
        };
        assert!(!judge(Ok((200, bare)), false).ok);
        let credit_only = Findings {
            credit_found: true,
            ..bare
        };
        assert!(!judge(Ok((200, credit_only)), false).ok);
        let unknown_original = Findings {
            credit_found: true,
            link_to_original: None,
            canonical_ok: None,
        };
        assert!(judge(Ok((200, unknown_original)), false).ok);
        let missing = judge(Ok((404, GOOD)), false);
        assert!(!missing.ok && missing.error.is_some() && missing.findings.is_none());
        let refused = judge(Err("refused".into()), false);
        assert!(!refused.ok && refused.http_status.is_none());
    }

    #[test]
    fn after_the_end_a_page_should_be_gone() {
        let online = judge(Ok((200, GOOD)), true);
        assert_eq!(online.still_online_after_end, Some(true));
        assert!(!online.ok);
        let gone = judge(Ok((410, GOOD)), true);
        assert_eq!(gone.still_online_after_end, Some(false));
        assert!(gone.ok && gone.error.is_none());
    }

    #[test]
    fn schedule() {
        let today = day("2025-06-01");
        let fine = judge(Ok((200, GOOD)), false);
        assert_eq!(
            next_check(today, None, false, &fine),
            Some(day("2025-07-01"))
        );
        assert_eq!(
            next_check(today, Some(day("2025-06-10")), false, &fine),
            Some(day("2025-06-11"))
        );
        assert_eq!(
            next_check(today, Some(day("2025-12-31")), false, &fine),
            Some(day("2025-07-01"))
        );
        let online = judge(Ok((200, GOOD)), true);
        assert_eq!(
            next_check(today, None, true, &online),
            Some(day("2025-06-08"))
        );
        let gone = judge(Ok((404, GOOD)), true);
        assert_eq!(next_check(today, None, true, &gone), None);
    }
}
