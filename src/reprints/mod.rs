//! Reprints: republications that happened, each checked against the licenses on its day and
//! stored with its verdict, so the desk can list every uncovered one.

pub mod routes;
pub mod store;

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
    pub territory: Option<String>,
    pub url: Option<String>,
    pub credit_line_used: Option<String>,
    pub compliance: String,
    /// The license that covers it (or would, but for the credit line)
    pub license_id: Option<i64>,
    pub reasons: Vec<Reason>,
    pub created_at: String,
    pub updated_at: String,
}

impl From<&ReprintRow> for ReprintView {
    fn from(r: &ReprintRow) -> Self {
        ReprintView {
            id: r.id,
            article_id: r.article_id,
            outlet_id: r.outlet_id,
            reprinted_on: r.reprinted_on,
            medium: r.medium.clone(),
            territory: r.territory.clone(),
            url: r.url.clone(),
            credit_line_used: r.credit_line_used.clone(),
            compliance: r.compliance.clone(),
            license_id: r.license_id,
            reasons: r.reasons(),
            created_at: rfc3339(&r.created_at),
            updated_at: rfc3339(&r.updated_at),
        }
    }
}
