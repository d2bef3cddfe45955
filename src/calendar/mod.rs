//! The iCalendar feed of license end dates (`GET /v1/calendar.ics`): one all-day event per
//! license that ends, with the article and the partner in it. Calendar apps cannot send headers,
//! so the feed also takes an API key in the query (`?key=rdk_...`); [`key_from_query`] moves it
//! into the `Authorization` header and out of the URI before anything logs the request.

pub mod routes;
pub mod store;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, Uri};
use actix_web::middleware::Next;
use chrono::NaiveDate;
use icalendar::{Calendar, Component, Event, EventLike};

pub const PATH: &str = "/v1/calendar.ics";

/// One license's end, as the calendar shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct LicenseEnd {
    pub license_id: i64,
    pub ends_on: NaiveDate,
    pub status: String,
    pub licensee: String,
    pub grantor: String,
    /// The article's title; `None` for a feed license.
    pub article: Option<String>,
    pub credit_line: Option<String>,
}

impl LicenseEnd {
    fn covers(&self) -> String {
        match &self.article {
            Some(title) => format!("\u{201c}{title}\u{201d}"),
            None => format!("the {} feed", self.grantor),
        }
    }

    fn event(&self, stamp: chrono::DateTime<chrono::Utc>) -> Event {
        let last_day = self.ends_on.format("%A %-d %B %Y");
        let mut description =
            format!(
            "{} may use {} until {last_day} (its last day), under license {} from {}.\nStatus: {}.",
            self.licensee, self.covers(), self.license_id, self.grantor, self.status
        );
        if let Some(credit) = &self.credit_line {
            description.push_str(&format!("\nCredit line to print: {credit}"));
        }
        description.push_str(&format!(
            "\nTo keep publishing after that day, agree a renewal with {} before it.",
            self.grantor
        ));
        // An all-day event ends the next day (RFC 5545: DTEND is exclusive and must come after
        // DTSTART).
        let next_day = self.ends_on.succ_opt().unwrap_or(self.ends_on);
        Event::new()
            .uid(&format!("license-{}-ends@rightsdesk", self.license_id))
            .starts(self.ends_on)
            .ends(next_day)
            .summary(&format!(
                "Renew with {} before {}: {} ({})",
                self.grantor,
                self.ends_on.format("%-d %b"),
                self.covers(),
                self.licensee
            ))
            .description(&description)
            .add_property("DTSTAMP", stamp.format("%Y%m%dT%H%M%SZ").to_string())
            .add_property("CATEGORIES", "rightsdesk,license end")
            .done()
    }
}

/// The feed as RFC 5545 text.
pub fn render(name: &str, ends: &[LicenseEnd], stamp: chrono::DateTime<chrono::Utc>) -> String {
    let mut calendar = Calendar::new();
    calendar.name(name);
    for end in ends {
        calendar.push(end.event(stamp));
    }
    calendar.done().to_string()
}

/// The value of `key=` in a query string, and the query without it.
fn split_key(query: &str) -> (Option<String>, String) {
    let mut key = None;
    let rest: Vec<&str> = query
        .split('&')
        .filter(|pair| match pair.strip_prefix("key=") {
            Some(value) => {
                key = Some(value.to_string());
                false
            }
            None => !pair.is_empty(),
        })
        .collect();
    (key, rest.join("&"))
}

/// For the calendar feed only: takes `key=` out of the query, so no log line, span or metric
/// ever holds it, and hands it on as `Authorization: Bearer` (a header the client sent wins).
pub async fn key_from_query(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if req.path() == PATH {
        if let Some(query) = req.uri().query() {
            let (key, rest) = split_key(query);
            if let Some(key) = key {
                let path_and_query = if rest.is_empty() {
                    PATH.to_string()
                } else {
                    format!("{PATH}?{rest}")
                };
                if let Ok(uri) = path_and_query.parse::<Uri>() {
                    req.head_mut().uri = uri;
                }
                if !req.headers().contains_key(header::AUTHORIZATION) {
                    if let Ok(value) = header::HeaderValue::from_str(&format!("Bearer {key}")) {
                        req.headers_mut().insert(header::AUTHORIZATION, value);
                    }
                }
            }
        }
    }
    next.call(req).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn the_key_leaves_the_query() {
        assert_eq!(
            split_key("key=rdk_abc&days=30"),
            (Some("rdk_abc".into()), "days=30".into())
        );
        assert_eq!(split_key("days=30"), (None, "days=30".into()));
        assert_eq!(
            split_key("key=rdk_abc"),
            (Some("rdk_abc".into()), String::new())
        );
    }

    #[test]
    fn one_all_day_event_per_end_parses_back() {
        let end = LicenseEnd {
            license_id: 12,
            ends_on: NaiveDate::from_ymd_opt(2026, 12, 5).unwrap(),
            status: "active".into(),
            licensee: "Gazette".into(),
            grantor: "Worthy News".into(),
            article: Some("Ukrainian President Open To Resign In Exchange For NATO Membership".into()),
            credit_line: Some("This article was originally published on Worthy News and was reproduced with permission.".into()),
        };
        let text = render("rightsdesk", &[end], chrono::Utc::now());
        let parsed = icalendar::Calendar::from_str(&text).unwrap();
        let events: Vec<_> = parsed.events().collect();
        assert_eq!(events.len(), 1);
        assert_eq!(
            events[0].get_start(),
            Some(icalendar::DatePerhapsTime::Date(
                NaiveDate::from_ymd_opt(2026, 12, 5).unwrap()
            ))
        );
        // RFC 5545: an all-day event's DTEND is the day after its DTSTART.
        assert_eq!(
            events[0].get_end(),
            Some(icalendar::DatePerhapsTime::Date(
                NaiveDate::from_ymd_opt(2026, 12, 6).unwrap()
            ))
        );
        assert!(text.contains("DTEND;VALUE=DATE:20261206"), "{text}");
        let summary = events[0].get_summary().unwrap();
        assert!(
            summary.starts_with("Renew with Worthy News before 5 Dec"),
            "{summary}"
        );
        assert!(summary.contains("Gazette"));
        let description = events[0].get_description().unwrap();
        assert!(description.contains("NATO Membership"));
        assert!(
            description.contains("Saturday 5 December 2026"),
            "{description}"
        );
        assert!(
            !description.contains("/v1/"),
            "no API paths for people: {description}"
        );
    }
}
