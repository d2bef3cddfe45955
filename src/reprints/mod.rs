//! Reprints: republications that happened, each checked against the licenses on its day and
//! stored with its verdict, so the desk can list every uncovered one.

pub mod routes;
pub mod service;
pub mod store;
pub mod verify;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::http::fields::Fields;
use crate::http::problem::ApiError;
use crate::licenses::rules::{Action, Medium, Reason};
use crate::types::{rfc3339, Country, WebUrl};
use store::ReprintRow;

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewReprintRequest {
    #[schema(minimum = 1)]
    pub article_id: i64,
    /// The outlet that republished (a partner: itself)
    #[schema(minimum = 1)]
    pub outlet_id: i64,
    #[schema(example = "2025-06-01", format = Date)]
    pub reprinted_on: String,
    #[schema(example = "web", value_type = crate::licenses::rules::Medium)]
    pub medium: String,
    /// What was done; republish by default
    #[schema(value_type = Option<crate::licenses::rules::Action>)]
    pub action: Option<String>,
    #[schema(example = "US")]
    pub territory: Option<String>,
    pub url: Option<String>,
    pub credit_line_used: Option<String>,
}

/// A valid reprint, before its verdict.
#[derive(Debug, Clone)]
pub struct ReprintDraft {
    pub article_id: i64,
    pub outlet_id: i64,
    pub reprinted_on: NaiveDate,
    pub action: Action,
    pub medium: Medium,
    pub territory: Option<Country>,
    pub url: Option<WebUrl>,
    pub credit_line_used: Option<String>,
}

impl NewReprintRequest {
    pub fn parse(self) -> Result<ReprintDraft, ApiError> {
        let mut f = Fields::new();
        if self.article_id <= 0 {
            f.error("article_id", "must be the id of an article");
        }
        if self.outlet_id <= 0 {
            f.error("outlet_id", "must be the id of an outlet");
        }
        let reprinted_on = f.date("reprinted_on", Some(&self.reprinted_on));
        check_not_future(&mut f, reprinted_on);
        let draft = ReprintDraft {
            article_id: self.article_id,
            outlet_id: self.outlet_id,
            reprinted_on: reprinted_on.unwrap_or(NaiveDate::MIN),
            action: f
                .parse("action", self.action.as_deref())
                .unwrap_or(Action::Republish),
            medium: f.parse("medium", Some(&self.medium)).unwrap_or(Medium::Web),
            territory: f.parse("territory", self.territory.as_deref()),
            url: f.parse("url", self.url.as_deref()),
            credit_line_used: f.optional_text(
                "credit_line_used",
                self.credit_line_used.as_deref(),
                2000,
            ),
        };
        f.finish(draft)
    }
}

/// A reprint is recorded once it happened: a date after tomorrow (any time zone's today) is a
/// typing mistake.
fn check_not_future(f: &mut Fields, on: Option<NaiveDate>) {
    let latest = crate::types::today() + chrono::Days::new(1);
    if on.is_some_and(|on| on > latest) {
        f.error(
            "reprinted_on",
            format!("a reprint is recorded once it happened: {latest} at the latest"),
        );
    }
}

/// A correction of a reprint: the fields to change (absent ones stay as they are).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReprintPatch {
    #[schema(minimum = 1)]
    pub article_id: Option<i64>,
    #[schema(example = "2025-06-02", format = Date)]
    pub reprinted_on: Option<String>,
    #[schema(value_type = Option<crate::licenses::rules::Medium>)]
    pub medium: Option<String>,
    #[schema(value_type = Option<crate::licenses::rules::Action>)]
    pub action: Option<String>,
    /// A country code; null removes it
    #[serde(default, deserialize_with = "crate::types::double_option")]
    #[schema(value_type = Option<String>)]
    pub territory: Option<Option<String>>,
    /// null removes it
    #[serde(default, deserialize_with = "crate::types::double_option")]
    #[schema(value_type = Option<String>)]
    pub url: Option<Option<String>>,
    /// null removes it
    #[serde(default, deserialize_with = "crate::types::double_option")]
    #[schema(value_type = Option<String>)]
    pub credit_line_used: Option<Option<String>>,
}

impl ReprintPatch {
    /// The corrected reprint: the stored one with these changes, every field checked again.
    pub fn apply(self, current: &ReprintRow) -> Result<ReprintDraft, ApiError> {
        let mut f = Fields::new();
        let reprinted_on = match self.reprinted_on.as_deref() {
            Some(raw) => f.date("reprinted_on", Some(raw)),
            None => Some(current.reprinted_on),
        };
        if self.reprinted_on.is_some() {
            check_not_future(&mut f, reprinted_on);
        }
        let medium = match self.medium.as_deref() {
            Some(raw) => f.parse("medium", Some(raw)),
            None => Some(stored_value(current.id, "medium", &current.medium)?),
        };
        let action = match self.action.as_deref() {
            Some(raw) => f.parse("action", Some(raw)),
            None => Some(stored_value(current.id, "action", &current.action)?),
        };
        let territory = match self.territory {
            Some(raw) => f.parse("territory", raw.as_deref()),
            None => current.territory.as_deref().and_then(|t| t.parse().ok()),
        };
        let url = match self.url {
            Some(raw) => f.parse("url", raw.as_deref()),
            None => current.url.as_deref().and_then(|u| u.parse().ok()),
        };
        let credit_line_used = match self.credit_line_used {
            Some(raw) => f.optional_text("credit_line_used", raw.as_deref(), 2000),
            None => current.credit_line_used.clone(),
        };
        let article_id = self.article_id.unwrap_or(current.article_id);
        if article_id <= 0 {
            f.error("article_id", "must be the id of an article");
        }
        let draft = ReprintDraft {
            article_id,
            outlet_id: current.outlet_id,
            reprinted_on: reprinted_on.unwrap_or(current.reprinted_on),
            action: action.unwrap_or(Action::Republish),
            medium: medium.unwrap_or(Medium::Web),
            territory,
            url,
            credit_line_used,
        };
        f.finish(draft)
    }
}

/// A value as stored; one that no longer parses is a bug (500), not the caller's mistake.
fn stored_value<T: std::str::FromStr>(id: i64, what: &str, raw: &str) -> Result<T, ApiError> {
    raw.parse().map_err(|_| {
        ApiError::Internal(anyhow::anyhow!(
            "reprint {id} has an unreadable {what}: {raw}"
        ))
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Compliance {
    Covered,
    Uncovered,
}

impl Compliance {
    pub fn as_str(&self) -> &'static str {
        match self {
            Compliance::Covered => "covered",
            Compliance::Uncovered => "uncovered",
        }
    }
}

impl std::str::FromStr for Compliance {
    type Err = String;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        match raw {
            "covered" => Ok(Compliance::Covered),
            "uncovered" => Ok(Compliance::Uncovered),
            other => Err(format!("'{other}' is not covered or uncovered")),
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReprintView {
    pub id: i64,
    pub article_id: i64,
    pub outlet_id: i64,
    pub reprinted_on: NaiveDate,
    pub medium: String,
    /// What was done (republish, excerpt, ...); the verdict depends on it
    pub action: String,
    pub territory: Option<String>,
    pub url: Option<String>,
    pub credit_line_used: Option<String>,
    pub compliance: String,
    /// The license that covers it (or would, but for the credit line)
    pub license_id: Option<i64>,
    pub reasons: Vec<Reason>,
    pub created_at: String,
    pub updated_at: String,
    /// The last check of the page at `url` (null until checked)
    pub verification: Option<verify::Verification>,
}

impl From<&ReprintRow> for ReprintView {
    fn from(r: &ReprintRow) -> Self {
        ReprintView {
            id: r.id,
            article_id: r.article_id,
            outlet_id: r.outlet_id,
            reprinted_on: r.reprinted_on,
            medium: r.medium.clone(),
            action: r.action.clone(),
            territory: r.territory.clone(),
            url: r.url.clone(),
            credit_line_used: r.credit_line_used.clone(),
            compliance: r.compliance.clone(),
            license_id: r.license_id,
            reasons: r.reasons(),
            created_at: rfc3339(&r.created_at),
            updated_at: rfc3339(&r.updated_at),
            verification: r.verified_at.map(|at| verify::Verification {
                checked_at: rfc3339(&at),
                http_status: r.verify_http_status,
                credit_found: r.verify_credit_found,
                link_to_original: r.verify_link_to_original,
                canonical_ok: r.verify_canonical_ok,
                still_online_after_end: r.verify_still_online_after_end,
                error: r.verify_error.clone(),
                outcome: r.verify_outcome.clone().unwrap_or_else(|| "failed".into()),
            }),
        }
    }
}
