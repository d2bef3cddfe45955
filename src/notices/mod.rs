//! Expiry and takedown notices: rows first (an outbox), emails second. The plan and the digest
//! are pure ([`due_lead`], [`backoff`], [`render_digest`]); `store.rs` keeps the outbox, `mailer.rs`
//! sends, `pass.rs` runs one pass, `routes.rs` is the HTTP side.

pub mod ack_routes;
pub mod acks;
pub mod chain;
pub mod context;
pub mod email;
pub mod late;
pub mod mailer;
pub mod pass;
pub mod routes;
pub mod settings;
pub mod store;
pub mod view;

use chrono::{Duration, NaiveDate};
use serde::Serialize;

/// Notice kinds.
pub const EXPIRY: &str = "expiry";
pub const TAKEDOWN: &str = "takedown";
/// To the desk: a reprint's page is still online after its rights ended (lead `online-<id>`).
pub const STILL_ONLINE: &str = "still_online";
/// To the desk: a reprint was recorded after its license ended (lead `reprint-<id>`).
pub const LATE_REPRINT: &str = "late_reprint";

/// When a notice is due relative to the license's end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lead {
    /// N days (or fewer, when the pass ran late) before the last day.
    Days(u32),
    /// The license has ended.
    Expired,
    /// The license ended without archive rights: take the reprints down.
    Takedown,
}

impl Lead {
    pub fn label(&self) -> String {
        match self {
            Lead::Days(n) => format!("{n}d"),
            Lead::Expired => "expired".into(),
            Lead::Takedown => "takedown".into(),
        }
    }
}

/// The lead time due for a license ending on `end`, seen on `today`: the tightest configured lead
/// that the remaining days fall within (a license ending in 5 days gets the 7-day notice, not the
/// 30-day one too; missed leads collapse into the nearest), or `expired` from the day after the
/// end until the largest lead has passed again. `leads` are days, largest first.
pub fn due_lead(end: NaiveDate, today: NaiveDate, leads: &[u32]) -> Option<Lead> {
    let days_left = (end - today).num_days();
    let largest = i64::from(leads.iter().copied().max()?);
    if days_left < 0 {
        return (-days_left <= largest).then_some(Lead::Expired);
    }
    leads
        .iter()
        .copied()
        .filter(|lead| i64::from(*lead) >= days_left)
        .min()
        .map(Lead::Days)
}

/// A license's own lead times (`notice_leads`, stored as `90,30,7`), else the global ones; largest
/// first.
pub fn license_leads(own: Option<&str>, global: &[u32]) -> Vec<u32> {
    let mut leads: Vec<u32> = own
        .unwrap_or("")
        .split(',')
        .filter_map(|d| d.trim().parse().ok())
        .filter(|d| (1..=366).contains(d))
        .collect();
    if leads.is_empty() {
        return global.to_vec();
    }
    leads.sort_unstable_by(|a, b| b.cmp(a));
    leads.dedup();
    leads
}

/// The first and last end dates a pass on `today` needs to look at.
pub fn end_dates_in_view(today: NaiveDate, leads: &[u32]) -> (NaiveDate, NaiveDate) {
    let largest = i64::from(leads.iter().copied().max().unwrap_or(0));
    (
        today - Duration::days(largest),
        today + Duration::days(largest),
    )
}

/// The wait before retry number `attempts` (1-based): 1, 2, 4, 8 … minutes, at most 6 hours.
pub fn backoff(attempts: i32) -> Duration {
    let exponent = attempts.clamp(1, 10) - 1;
    Duration::minutes((1i64 << exponent).min(360))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum NoticeStatus {
    Pending,
    Sent,
    /// Will be tried again at `next_attempt_at`.
    Failed,
    /// Gave up (too many tries, or the address was refused); stays visible.
    Dead,
    /// The license changed (renewed, revoked, deleted) before the notice went out.
    Suppressed,
}

impl NoticeStatus {
    pub const ALL: [NoticeStatus; 5] = [
        NoticeStatus::Pending,
        NoticeStatus::Sent,
        NoticeStatus::Failed,
        NoticeStatus::Dead,
        NoticeStatus::Suppressed,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            NoticeStatus::Pending => "pending",
            NoticeStatus::Sent => "sent",
            NoticeStatus::Failed => "failed",
            NoticeStatus::Dead => "dead",
            NoticeStatus::Suppressed => "suppressed",
        }
    }
}

impl std::str::FromStr for NoticeStatus {
    type Err = String;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        NoticeStatus::ALL
            .into_iter()
            .find(|s| s.as_str() == raw)
            .ok_or_else(|| format!("'{raw}' is not one of pending, sent, failed, dead, suppressed"))
    }
}

/// One license in a digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DigestItem {
    pub license_id: i64,
    pub lead: String,
    pub takedown: bool,
    /// The article's title, or "every article of <grantor>" for a feed license
    pub what: String,
    pub url: Option<String>,
    pub partner: String,
    pub grantor: String,
    pub ends_on: NaiveDate,
    pub actions: String,
    pub media: String,
    pub territories: String,
    pub credit_line: Option<String>,
    pub archive_allowed: bool,
    pub renew_contact: String,
    /// For a takedown: the URLs of the reprints to take down
    pub reprint_urls: Vec<String>,
    /// The partner portal's page for this license (a full link when RIGHTSDESK_PUBLIC_URL is set)
    pub portal: String,
}

/// The portal page of a license: `/portal#license-12`, under the public address when known.
pub fn portal_link(public_url: Option<&str>, license_id: i64) -> String {
    format!("{}/portal#license-{license_id}", public_url.unwrap_or(""))
}

/// A date in words: "Wednesday 31 December 2025".
pub fn in_words(day: NaiveDate) -> String {
    day.format("%A %-d %B %Y").to_string()
}

/// A rendered email: subject, plain text and HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digest {
    pub subject: String,
    pub text: String,
    pub html: String,
}

fn when(item: &DigestItem, today: NaiveDate) -> String {
    let days = (item.ends_on - today).num_days();
    match days {
        d if d < 0 => format!("ended {}", item.ends_on),
        0 => format!("ends today, {}", item.ends_on),
        1 => format!("ends tomorrow, {}", item.ends_on),
        d => format!("ends {} (in {d} days)", item.ends_on),
    }
}

pub use email::render_digest;

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    const LEADS: &[u32] = &[30, 7, 1];

    #[test]
    fn the_lead_time_plan() {
        let end = day("2025-12-31");
        // (today, due)
        let table = [
            ("2025-11-30", None),                 // 31 days left
            ("2025-12-01", Some(Lead::Days(30))), // exactly 30
            ("2025-12-23", Some(Lead::Days(30))), // 8 left: still the 30-day window
            ("2025-12-24", Some(Lead::Days(7))),  // exactly 7: on that day, not a day early or late
            ("2025-12-26", Some(Lead::Days(7))), // 5 left: a late start gets the 7-day notice alone
            ("2025-12-30", Some(Lead::Days(1))), // 1 left
            ("2025-12-31", Some(Lead::Days(1))), // the last day
            ("2026-01-01", Some(Lead::Expired)), // the day after
            ("2026-01-30", Some(Lead::Expired)), // missed while down: sent late rather than never
            ("2026-01-31", None),                // long gone
        ];
        for (today, due) in table {
            assert_eq!(due_lead(end, day(today), LEADS), due, "on {today}");
        }
    }

    #[test]
    fn other_leads_and_renewals() {
        assert_eq!(
            due_lead(day("2025-01-10"), day("2025-01-01"), &[14]),
            Some(Lead::Days(14))
        );
        assert_eq!(due_lead(day("2025-01-10"), day("2025-01-01"), &[]), None);
        // A renewal moves the end: the cycle starts again for the new date.
        assert_eq!(due_lead(day("2026-12-31"), day("2025-12-26"), LEADS), None);
        assert_eq!(
            end_dates_in_view(day("2025-12-01"), LEADS),
            (day("2025-11-01"), day("2025-12-31"))
        );
    }

    #[test]
    fn backoff_grows_and_stops_growing() {
        assert_eq!(backoff(1), Duration::minutes(1));
        assert_eq!(backoff(2), Duration::minutes(2));
        assert_eq!(backoff(4), Duration::minutes(8));
        assert_eq!(backoff(50), Duration::minutes(360));
    }

    #[test]
    fn a_digest_a_person_can_triage() {
        let item = DigestItem {
            license_id: 3,
            lead: "7d".into(),
            takedown: false,
            what: "Ukrainian President Open To Resign".into(),
            url: Some("https://worthynews.com/x".into()),
            partner: "Gazette <Daily>".into(),
            grantor: "Worthy News".into(),
            ends_on: day("2025-12-31"),
            actions: "republish".into(),
            media: "web".into(),
            territories: "CA, US".into(),
            credit_line: Some("This article was originally published on Worthy News and was reproduced with permission.".into()),
            archive_allowed: false,
            renew_contact: "syndication@worthynews.com".into(),
            reprint_urls: vec![],
            portal: portal_link(Some("https://rights.example.com"), 3),
        };
        let d = render_digest(std::slice::from_ref(&item), day("2025-12-24")).unwrap();
        assert_eq!(d.subject, "[rightsdesk] License ending: \"Ukrainian President Open To Resign\" for Gazette <Daily> ends 2025-12-31 (in 7 days)");
        assert!(d
            .text
            .contains("Credit line: This article was originally published on Worthy News"));
        assert!(d.text.contains("Archive rights: no"));
        assert!(d.text.contains("Wednesday 31 December 2025"), "{}", d.text);
        assert!(d
            .text
            .contains("https://rights.example.com/portal#license-3"));
        assert!(
            d.html
                .contains("href=\"https:&#x2f;&#x2f;rights.example.com&#x2f;portal#license-3\""),
            "{}",
            d.html
        );
        assert!(d.html.contains("Gazette &lt;Daily&gt;"));
        let two = render_digest(
            &[
                item.clone(),
                DigestItem {
                    license_id: 4,
                    takedown: true,
                    reprint_urls: vec!["https://gazette.test/a".into()],
                    ..item
                },
            ],
            day("2025-12-24"),
        )
        .unwrap();
        assert!(two
            .subject
            .starts_with("[rightsdesk] 2 licenses need attention"));
        assert!(two.text.contains("TAKE DOWN") && two.text.contains("- https://gazette.test/a"));
    }
}
