//! Licenses: grants from a source outlet (grantor) to a partner outlet (licensee) for one
//! article or the grantor's feed. The rules are in [`rules`]; this file turns requests into
//! valid terms and terms into answers.

pub mod chain;
pub mod chain_routes;
pub mod csv_import;
pub mod odrl;
pub mod odrl_routes;
pub mod pages;
pub mod routes;
pub mod rules;
pub mod service;
pub mod store;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::articles::data_mining::DataMining;
use crate::http::fields::Fields;
use crate::http::problem::ApiError;
use crate::types::{double_option, rfc3339};
use rules::{
    Action, Coverage, DateWindow, LicenseStatus, Medium, PublishedRange, Terms, Territories,
};
use store::LicenseRow;

pub const MAX_CREDIT: usize = 2000;
pub const MAX_NOTES: usize = 10_000;

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewLicenseRequest {
    #[schema(example = 1, minimum = 1)]
    pub grantor_outlet_id: i64,
    #[schema(example = 2, minimum = 1)]
    pub licensee_outlet_id: i64,
    /// `article` or `feed`
    #[schema(example = "feed", pattern = "^(article|feed)$")]
    pub scope: String,
    #[schema(minimum = 1)]
    pub article_id: Option<i64>,
    #[schema(format = Date)]
    pub feed_published_from: Option<String>,
    #[schema(format = Date)]
    pub feed_published_until: Option<String>,
    #[schema(example = json!(["republish"]), value_type = Vec<rules::Action>, min_items = 1)]
    pub actions: Vec<String>,
    #[schema(example = json!(["web"]), value_type = Vec<rules::Medium>, min_items = 1)]
    pub media: Vec<String>,
    /// ISO 3166-1 alpha-2 codes, or `["WORLD"]`
    #[schema(example = json!(["US", "CA"]), min_items = 1)]
    pub territories: Vec<String>,
    #[schema(example = "2025-01-01", format = Date)]
    pub valid_from: String,
    #[schema(example = "2025-12-31", format = Date)]
    pub valid_until: Option<String>,
    #[serde(default)]
    pub exclusive: bool,
    #[schema(
        example = "This article was originally published on Worthy News and was reproduced with permission."
    )]
    pub credit_line: Option<String>,
    #[schema(minimum = 0)]
    pub fee_cents: Option<i64>,
    /// ISO 4217, e.g. USD
    #[schema(pattern = "^[A-Za-z]{3}$")]
    pub currency: Option<String>,
    #[schema(minimum = 1)]
    pub max_reprints: Option<i32>,
    pub notes: Option<String>,
    /// Days before the last day when notices go out, e.g. [90, 30, 7]; overrides
    /// RIGHTSDESK_NOTICE_LEADS for this license
    #[schema(example = json!([90, 30, 7]))]
    pub notice_leads: Option<Vec<i64>>,
    /// The license to the grantor this one rests on, when the grantor is not the article's
    /// rights holder; found by itself when left out
    #[schema(minimum = 1)]
    pub upstream_license_id: Option<i64>,
    /// IPTC PLUS data-mining value of the licensed use (default `unspecified`)
    #[schema(value_type = Option<DataMining>)]
    pub data_mining: Option<String>,
    pub tdm_policy_url: Option<String>,
}

/// Valid license terms, ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct LicenseDraft {
    pub grantor: i64,
    pub licensee: i64,
    pub coverage: Coverage,
    pub actions: Vec<Action>,
    pub media: Vec<Medium>,
    pub territories: Territories,
    pub window: DateWindow,
    pub exclusive: bool,
    pub credit_line: Option<String>,
    pub fee_cents: Option<i64>,
    pub currency: Option<String>,
    pub max_reprints: Option<i32>,
    pub notes: Option<String>,
    pub status: LicenseStatus,
    pub status_reason: Option<String>,
    /// Own notice lead times in days, largest first (none: the global setting)
    pub notice_leads: Option<Vec<u32>>,
    /// The upstream license it rests on (none: granted by the rights holder)
    pub upstream: Option<i64>,
    pub data_mining: DataMining,
    pub tdm_policy_url: Option<String>,
}

/// Checks lead times: 1 to 366 days, at most 10 of them; answers them largest first.
pub fn parse_notice_leads(f: &mut Fields, leads: Option<&[i64]>) -> Option<Vec<u32>> {
    let leads = leads?;
    if leads.is_empty() || leads.len() > 10 {
        f.error(
            "notice_leads",
            "give 1 to 10 lead times in days, e.g. [90, 30, 7]",
        );
        return None;
    }
    let mut days = Vec::new();
    for lead in leads {
        match u32::try_from(*lead) {
            Ok(d) if (1..=366).contains(&d) => days.push(d),
            _ => {
                f.error(
                    "notice_leads",
                    format!("{lead} is not between 1 and 366 days"),
                );
                return None;
            }
        }
    }
    days.sort_unstable_by(|a, b| b.cmp(a));
    days.dedup();
    Some(days)
}

impl LicenseDraft {
    /// The terms as the rules see them (`id` 0 for a license not stored yet).
    pub fn terms(&self, id: i64) -> Terms {
        Terms {
            id,
            grantor: self.grantor,
            licensee: self.licensee,
            coverage: self.coverage,
            actions: self.actions.clone(),
            media: self.media.clone(),
            territories: self.territories.clone(),
            window: self.window,
            exclusive: self.exclusive,
            status: self.status,
            max_reprints: self.max_reprints,
        }
    }
}

/// Parses a list of words into a sorted set, noting errors under `field`.
pub fn parse_set<T: std::str::FromStr<Err = String> + Ord>(
    f: &mut Fields,
    field: &str,
    raw: &[String],
) -> Vec<T> {
    if raw.is_empty() {
        f.error(field, "name at least one");
    }
    let mut out = Vec::new();
    for (i, item) in raw.iter().enumerate() {
        if let Some(value) = f.parse::<T>(&format!("{field}[{i}]"), Some(item)) {
            out.push(value);
        }
    }
    out.sort();
    out.dedup();
    out
}

fn parse_territories(f: &mut Fields, raw: &[String]) -> Territories {
    Territories::parse(raw).unwrap_or_else(|message| {
        f.error("territories", message);
        Territories::World
    })
}

fn parse_window(f: &mut Fields, from: NaiveDate, until: Option<NaiveDate>) -> DateWindow {
    DateWindow::new(from, until).unwrap_or_else(|message| {
        f.error("valid_until", message);
        DateWindow { from, until: None }
    })
}

fn check_money(f: &mut Fields, fee_cents: Option<i64>, currency: &Option<String>) {
    if fee_cents.is_some_and(|fee| fee < 0) {
        f.error("fee_cents", "must not be negative");
    }
    if fee_cents.is_some() && currency.is_none() {
        f.error("currency", "a fee needs a currency (ISO 4217, e.g. USD)");
    }
}

fn parse_currency(f: &mut Fields, raw: Option<&str>) -> Option<String> {
    let raw = raw?.to_ascii_uppercase();
    match iso_currency::Currency::from_code(&raw) {
        Some(currency) => Some(currency.code().to_string()),
        None => {
            f.error(
                "currency",
                format!("'{raw}' is not an ISO 4217 currency code"),
            );
            None
        }
    }
}

fn check_max_reprints(f: &mut Fields, max: Option<i32>) {
    if max.is_some_and(|m| m < 1) {
        f.error("max_reprints", "must be at least 1 (omit it for no cap)");
    }
}

fn parse_policy(f: &mut Fields, raw: Option<&str>) -> Option<String> {
    f.parse::<crate::types::WebUrl>("tdm_policy_url", raw)
        .map(|u| u.as_str().to_string())
}

fn check_feed_range(f: &mut Fields, range: PublishedRange) {
    if let (Some(from), Some(until)) = (range.from, range.until) {
        if until < from {
            f.error(
                "feed_published_until",
                "must not be before feed_published_from",
            );
        }
    }
}

impl NewLicenseRequest {
    pub fn parse(self) -> Result<LicenseDraft, ApiError> {
        let mut f = Fields::new();
        if self.grantor_outlet_id <= 0 {
            f.error("grantor_outlet_id", "must be the id of an outlet");
        }
        if self.licensee_outlet_id <= 0 {
            f.error("licensee_outlet_id", "must be the id of an outlet");
        }
        if self.grantor_outlet_id == self.licensee_outlet_id {
            f.error("licensee_outlet_id", "an outlet does not license to itself");
        }
        let range = PublishedRange {
            from: f.date("feed_published_from", self.feed_published_from.as_deref()),
            until: f.date("feed_published_until", self.feed_published_until.as_deref()),
        };
        let coverage = match (self.scope.as_str(), self.article_id) {
            ("article", Some(id)) if id > 0 => {
                if self.feed_published_from.is_some() || self.feed_published_until.is_some() {
                    f.error(
                        "feed_published_from",
                        "only feed licenses have a publication range",
                    );
                }
                Coverage::Article(id)
            }
            ("article", _) => {
                f.error("article_id", "an article license names its article");
                Coverage::Article(0)
            }
            ("feed", None) => {
                check_feed_range(&mut f, range);
                Coverage::Feed(range)
            }
            ("feed", Some(_)) => {
                f.error(
                    "article_id",
                    "a feed license covers the grantor's articles; leave article_id out",
                );
                Coverage::Feed(range)
            }
            (other, _) => {
                f.error(
                    "scope",
                    format!("'{other}' is not a scope: use article or feed"),
                );
                Coverage::Feed(range)
            }
        };
        let valid_from = f.date("valid_from", Some(&self.valid_from));
        let valid_until = f.date("valid_until", self.valid_until.as_deref());
        let window = parse_window(&mut f, valid_from.unwrap_or(NaiveDate::MIN), valid_until);
        check_money(&mut f, self.fee_cents, &self.currency);
        check_max_reprints(&mut f, self.max_reprints);
        let draft = LicenseDraft {
            grantor: self.grantor_outlet_id,
            licensee: self.licensee_outlet_id,
            coverage,
            actions: parse_set(&mut f, "actions", &self.actions),
            media: parse_set(&mut f, "media", &self.media),
            territories: parse_territories(&mut f, &self.territories),
            window,
            exclusive: self.exclusive,
            credit_line: f.optional_text("credit_line", self.credit_line.as_deref(), MAX_CREDIT),
            fee_cents: self.fee_cents,
            currency: parse_currency(&mut f, self.currency.as_deref()),
            max_reprints: self.max_reprints,
            notes: f.optional_lines("notes", self.notes.as_deref(), MAX_NOTES),
            status: LicenseStatus::Active,
            status_reason: None,
            notice_leads: parse_notice_leads(&mut f, self.notice_leads.as_deref()),
            upstream: self.upstream_license_id,
            data_mining: f
                .parse("data_mining", self.data_mining.as_deref())
                .unwrap_or(DataMining::Unspecified),
            tdm_policy_url: parse_policy(&mut f, self.tdm_policy_url.as_deref()),
        };
        if self.upstream_license_id.is_some_and(|id| id <= 0) {
            f.error("upstream_license_id", "must be the id of a license");
        }
        f.finish(draft)
    }
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LicensePatch {
    pub actions: Option<Vec<String>>,
    pub media: Option<Vec<String>>,
    pub territories: Option<Vec<String>>,
    pub valid_from: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub valid_until: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub feed_published_from: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub feed_published_until: Option<Option<String>>,
    pub exclusive: Option<bool>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub credit_line: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub fee_cents: Option<Option<i64>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub currency: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i32>)]
    pub max_reprints: Option<Option<i32>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub notes: Option<Option<String>>,
    /// Own notice lead times in days; null returns to the global setting
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Vec<i64>>)]
    pub notice_leads: Option<Option<Vec<i64>>>,
    /// The upstream license to rest on; null: found again by itself
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub upstream_license_id: Option<Option<i64>>,
    #[schema(value_type = Option<DataMining>)]
    pub data_mining: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub tdm_policy_url: Option<Option<String>>,
}

impl LicensePatch {
    /// The terms as they will be once the patch applies.
    pub fn apply(self, current: &LicenseDraft) -> Result<LicenseDraft, ApiError> {
        let mut f = Fields::new();
        let mut d = current.clone();
        if let Some(actions) = &self.actions {
            d.actions = parse_set(&mut f, "actions", actions);
        }
        if let Some(media) = &self.media {
            d.media = parse_set(&mut f, "media", media);
        }
        if let Some(territories) = &self.territories {
            d.territories = parse_territories(&mut f, territories);
        }
        let from = match &self.valid_from {
            Some(raw) => f.date("valid_from", Some(raw)).unwrap_or(d.window.from),
            None => d.window.from,
        };
        let until = match &self.valid_until {
            Some(raw) => f.date("valid_until", raw.as_deref()),
            None => d.window.until,
        };
        d.window = parse_window(&mut f, from, until);
        if self.feed_published_from.is_some() || self.feed_published_until.is_some() {
            match &mut d.coverage {
                Coverage::Feed(range) => {
                    if let Some(raw) = &self.feed_published_from {
                        range.from = f.date("feed_published_from", raw.as_deref());
                    }
                    if let Some(raw) = &self.feed_published_until {
                        range.until = f.date("feed_published_until", raw.as_deref());
                    }
                    let range = *range;
                    check_feed_range(&mut f, range);
                }
                Coverage::Article(_) => f.error(
                    "feed_published_from",
                    "only feed licenses have a publication range",
                ),
            }
        }
        if let Some(exclusive) = self.exclusive {
            d.exclusive = exclusive;
        }
        if let Some(credit) = self.credit_line {
            d.credit_line = f.optional_text("credit_line", credit.as_deref(), MAX_CREDIT);
        }
        if let Some(fee) = self.fee_cents {
            d.fee_cents = fee;
        }
        if let Some(currency) = self.currency {
            d.currency = parse_currency(&mut f, currency.as_deref());
        }
        check_money(&mut f, d.fee_cents, &d.currency);
        if let Some(max) = self.max_reprints {
            d.max_reprints = max;
        }
        check_max_reprints(&mut f, d.max_reprints);
        if let Some(notes) = self.notes {
            d.notes = f.optional_lines("notes", notes.as_deref(), MAX_NOTES);
        }
        if let Some(leads) = self.notice_leads {
            d.notice_leads = parse_notice_leads(&mut f, leads.as_deref());
        }
        if let Some(upstream) = self.upstream_license_id {
            d.upstream = upstream;
        }
        if let Some(raw) = &self.data_mining {
            d.data_mining = f
                .parse("data_mining", Some(raw.as_str()))
                .unwrap_or(d.data_mining);
        }
        if let Some(raw) = self.tdm_policy_url {
            d.tdm_policy_url = parse_policy(&mut f, raw.as_deref());
        }
        f.finish(d)
    }
}

/// A license as answers show it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LicenseView {
    pub id: i64,
    pub grantor_outlet_id: i64,
    pub licensee_outlet_id: i64,
    pub scope: String,
    pub article_id: Option<i64>,
    pub feed_published_from: Option<NaiveDate>,
    pub feed_published_until: Option<NaiveDate>,
    pub actions: Vec<String>,
    pub media: Vec<String>,
    pub territories: Vec<String>,
    pub valid_from: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    pub exclusive: bool,
    pub credit_line: Option<String>,
    pub fee_cents: Option<i64>,
    pub currency: Option<String>,
    pub max_reprints: Option<i32>,
    pub notes: Option<String>,
    /// active, suspended or revoked as the desk set it, or expired once an active license's
    /// last day has passed
    #[schema(value_type = rules::LicenseState)]
    pub status: String,
    pub status_reason: Option<String>,
    /// The grantor's name (answers that list or read licenses carry it)
    pub grantor_name: Option<String>,
    /// The licensee's name
    pub licensee_name: Option<String>,
    pub version: i32,
    pub created_at: String,
    pub updated_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deleted_at: Option<String>,
    /// Own notice lead times in days (null: the global setting)
    pub notice_leads: Option<Vec<u32>>,
    /// The license to the grantor this one rests on (null: granted by the rights holder)
    pub upstream_license_id: Option<i64>,
    pub data_mining: DataMining,
    /// e.g. `http://ns.useplus.org/ldf/vocab/DMI-PROHIBITED-AIMLTRAINING`
    pub data_mining_uri: String,
    pub tdm_policy_url: Option<String>,
    /// Revoke and suspend: the licenses downstream of this one, now without their upstream
    #[serde(skip_serializing_if = "Option::is_none")]
    pub affected_license_ids: Option<Vec<i64>>,
}

fn split_list(stored: &str) -> Vec<String> {
    stored
        .split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

impl From<&LicenseRow> for LicenseView {
    fn from(r: &LicenseRow) -> Self {
        LicenseView {
            id: r.id,
            grantor_outlet_id: r.grantor_outlet_id,
            licensee_outlet_id: r.licensee_outlet_id,
            scope: r.scope.clone(),
            article_id: r.article_id,
            feed_published_from: r.feed_published_from,
            feed_published_until: r.feed_published_until,
            actions: split_list(&r.actions),
            media: split_list(&r.media),
            territories: split_list(&r.territories),
            valid_from: r.valid_from,
            valid_until: r.valid_until,
            exclusive: r.exclusive,
            credit_line: r.credit_line.clone(),
            fee_cents: r.fee_cents,
            currency: r.currency.clone(),
            max_reprints: r.max_reprints,
            notes: r.notes.clone(),
            status: rules::LicenseState::of(&r.status, r.valid_until, crate::types::today())
                .as_str()
                .to_string(),
            status_reason: r.status_reason.clone(),
            grantor_name: None,
            licensee_name: None,
            version: r.version,
            created_at: rfc3339(&r.created_at),
            updated_at: rfc3339(&r.updated_at),
            deleted_at: r.deleted_at.as_ref().map(rfc3339),
            notice_leads: r.leads(),
            upstream_license_id: r.upstream_license_id,
            data_mining: r.data_mining(),
            data_mining_uri: r.data_mining().uri(),
            tdm_policy_url: r.tdm_policy_url.clone(),
            affected_license_ids: None,
        }
    }
}

#[cfg(test)]
mod tests;
