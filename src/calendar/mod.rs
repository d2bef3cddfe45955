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
        let mut description = format!(
            "License {} from {} to {} for {} ends on {} (its last day).\nStatus: {}.",
            self.license_id,
            self.grantor,
            self.licensee,
            self.covers(),
            self.ends_on,
            self.status
        );
        if let Some(credit) = &self.credit_line {
            description.push_str(&format!("\nCredit line: {credit}"));
        }
        description.push_str(&format!(
            "\nRenew: POST /v1/licenses/{}/renew",
            self.license_id
        ));
        Event::new()
            .uid(&format!("license-{}-ends@rightsdesk", self.license_id))
            .all_day(self.ends_on)
            .summary(&format!(
                "License ends: {} \u{2014} {}",
                self.licensee,
                self.covers()
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
        assert!(events[0].get_summary().unwrap().contains("Gazette"));
        assert!(events[0]
            .get_description()
            .unwrap()
            .contains("NATO Membership"));
    }
}
