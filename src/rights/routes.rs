//! `GET /v1/rights/check`.

use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use actix_web::web::Bytes;

use super::cache::{AnswerKey, CoverageCache};
use super::{judge, Considered};
use crate::auth::{Caller, Permission, Scope};
use crate::db::remembered::Recall;
use crate::db::Db;
use crate::http::fields::Fields;
use crate::http::problem::ApiError;
use crate::http::route_table::{at, RouteTable};
use crate::licenses::rules::{Action, Medium, Reason, Use};
use crate::types::Country;

/// The endpoints of this feature.
pub fn configure(t: &mut RouteTable<'_>) {
    t.mount(at("/v1/rights/check").get(check));
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct CheckQuery {
    /// The outlet that wants to use the article (staff: required; a partner: its own, implied)
    #[param(value_type = i64, minimum = 1)]
    pub outlet_id: Option<String>,
    #[param(value_type = i64, minimum = 1)]
    pub article_id: Option<String>,
    /// The day of the use, YYYY-MM-DD (default: today, UTC)
    #[param(value_type = Option<String>, format = Date)]
    pub on: Option<String>,
    /// republish (default), excerpt, translate, adapt, archive, sublicense, text_data_mining,
    /// ai_training
    #[param(value_type = Option<Action>)]
    pub action: Option<String>,
    /// web (default), print, app, newsletter, broadcast, social
    #[param(value_type = Option<Medium>)]
    pub medium: Option<String>,
    /// ISO 3166-1 alpha-2; when absent, territory is not checked
    #[param(value_type = Option<Country>)]
    pub territory: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CheckAnswer {
    pub allowed: bool,
    pub license_id: Option<i64>,
    pub valid_until: Option<NaiveDate>,
    #[schema(
        example = "This article was originally published on Worthy News and was reproduced with permission."
    )]
    pub credit_line: Option<String>,
    pub reasons: Vec<Reason>,
    /// The reasons in words with their dates, license by license
    #[schema(example = json!(["license 3: expired on 2025-12-31"]))]
    pub explanations: Vec<String>,
    /// Each license looked at, and why it does not cover the request
    pub considered: Vec<Considered>,
    /// Where a considered license's chain breaks (with `upstream_not_in_force`)
    pub upstream_license_id: Option<i64>,
    /// When allowed: the license ids from the rights holder's grant down to the covering one
    #[schema(example = json!([12]))]
    pub chain: Vec<i64>,
    pub outlet_id: i64,
    pub article_id: i64,
    pub on: NaiveDate,
    pub action: Action,
    pub medium: Medium,
    pub territory: Option<String>,
}

fn required_id(f: &mut Fields, field: &str, raw: Option<&str>) -> i64 {
    match raw.map(|r| r.trim().parse::<i64>()) {
        Some(Ok(id)) if id > 0 => id,
        Some(_) => {
            f.error(field, "must be a positive integer id");
            0
        }
        None => {
            f.error(field, "is required");
            0
        }
    }
}

/// May an outlet do this with this article? Names the license that allows it, or every reason why not.
#[utoipa::path(get, path = "/v1/rights/check", operation_id = "checkRights", tag = "rights", params(CheckQuery),
    responses((status = 200, body = CheckAnswer), (status = 400, body = crate::http::problem::Problem),
              (status = 404, body = crate::http::problem::Problem)),
    security(("bearer" = [])))]
pub async fn check(
    db: web::Data<Db>,
    cache: web::Data<CoverageCache>,
    caller: Caller,
    query: crate::http::query::Query<CheckQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::CheckRights)?;
    let q = query.into_inner();
    let mut f = Fields::new();
    let scope = caller.scope();
    // A partner asks for itself: its own outlet is implied.
    let outlet_id = match (scope, q.outlet_id.as_deref()) {
        (Scope::Outlet(own), None) => own,
        (_, raw) => required_id(&mut f, "outlet_id", raw),
    };
    let article_id = required_id(&mut f, "article_id", q.article_id.as_deref());
    let on = f
        .date("on", q.on.as_deref())
        .unwrap_or_else(crate::types::today);
    let action = f
        .parse::<Action>("action", q.action.as_deref())
        .unwrap_or(Action::Republish);
    let medium = f
        .parse::<Medium>("medium", q.medium.as_deref())
        .unwrap_or(Medium::Web);
    let territory = f.parse::<Country>("territory", q.territory.as_deref());
    f.finish(()).map_err(crate::http::query_problem)?;
    if let Scope::Outlet(own) = scope {
        if own != outlet_id {
            return Err(ApiError::NotFound);
        }
    }
    let now = crate::types::now();
    let key = AnswerKey {
        outlet_id,
        article_id,
        partner: matches!(scope, Scope::Outlet(_)),
        on,
        today: now.date(),
        action,
        medium,
        territory,
    };
    // Taken before the coverage is read: a write after it keeps this answer from being kept.
    let stamp = match cache.answer(&db, &key) {
        Recall::Hit(body) => return Ok(json_answer(body)),
        Recall::Miss(stamp) => stamp,
    };
    let wanted = Use::new(action, medium, territory, on, now);
    let coverage = cache.coverage(&db, outlet_id, article_id).await?;
    // An embargo still ahead makes the answer depend on the moment asked: not kept.
    let timeless = coverage.as_ref().is_some_and(|c| {
        c.article
            .embargo_until
            .is_none_or(|lifts| lifts <= wanted.at)
    });
    let found = coverage.map(|coverage| judge(&coverage, &wanted));
    let verdict = match (found, scope) {
        (Some(verdict), Scope::All) => verdict,
        // A partner with no license touching the article learns that much and no more: the same
        // `no_license` whether or not the article exists.
        (Some(verdict), Scope::Outlet(_)) if !verdict.considered.is_empty() => verdict,
        (_, Scope::Outlet(_)) => super::Verdict::default(),
        (None, Scope::All) => return Err(ApiError::NotFound),
    };
    let reasons = verdict.reasons();
    let explanations = verdict.explanations();
    let body = serde_json::to_vec(&CheckAnswer {
        allowed: verdict.covering.is_some(),
        license_id: verdict.covering.as_ref().map(|l| l.id),
        valid_until: verdict.covering.as_ref().and_then(|l| l.valid_until),
        credit_line: verdict.covering.as_ref().and(verdict.credit_line.clone()),
        reasons,
        explanations,
        upstream_license_id: verdict.upstream_license_id(),
        chain: verdict.chain,
        considered: verdict.considered,
        outlet_id,
        article_id,
        on,
        action,
        medium,
        territory: territory.map(|t| t.code().to_string()),
    })
    .map_err(|e| ApiError::Internal(anyhow::anyhow!("serialising a rights check: {e}")))?;
    let body = Bytes::from(body);
    if timeless {
        cache.keep_answer(key, stamp, body.clone());
    }
    Ok(json_answer(body))
}

fn json_answer(body: Bytes) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(actix_web::http::header::ContentType::json())
        .body(body)
}
