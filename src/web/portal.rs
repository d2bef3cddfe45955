//! The partner portal: what the outlet may republish, what ends soon, the rights check as a
//! form, its reprints and takedowns, its calendar link. A partner sees only its own outlet's
//! records, through the same scoped store functions as the API.

use std::collections::HashMap;

use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::page::{html, render, PageError};
use super::session::Visitor;
use super::words;
use crate::articles::store::{self as article_store, ArticleFilter, ArticleRow};
use crate::auth::{Permission, Role, Scope};
use crate::db::{Db, DbConnection};
use crate::licenses::rules::{Action, Coverage, Medium, Use};
use crate::licenses::store::{self as license_store, LicenseFilter};
use crate::outlets::store as outlet_store;
use crate::reprints::store::{self as reprint_store, ReprintFilter};
use crate::types::Country;

/// At most this many rows per list on a page.
const LIST_LIMIT: i64 = 500;

/// The partner's outlet, or 404 for anyone else (as the API answers a partner).
fn own_outlet(visitor: &Visitor) -> Result<i64, PageError> {
    if visitor.caller.role != Role::Partner {
        return Err(PageError::Forbidden(
            "the portal is for partner outlets; the desk's pages are at /desk".into(),
        ));
    }
    visitor.caller.require(Permission::ReadRecords)?;
    match visitor.caller.scope() {
        Scope::Outlet(own) => Ok(own),
        Scope::All => Err(PageError::NotFound),
    }
}

#[derive(Serialize)]
struct LicenseLine {
    id: i64,
    terms: String,
    covers: String,
    credit_line: Option<String>,
    grantor: String,
    contact: String,
    ends: Option<String>,
    ends_in: Option<String>,
}

#[derive(Serialize)]
struct ReprintLine {
    id: i64,
    article: String,
    on: String,
    medium: String,
    territory: Option<String>,
    url: Option<String>,
    covered: bool,
    license_id: Option<i64>,
    reasons: Vec<&'static str>,
}

#[derive(Serialize)]
struct ArticleLine {
    id: i64,
    title: String,
    published: Option<String>,
    credit: Option<String>,
    data_mining: String,
}

#[derive(Serialize)]
struct PortalPage {
    title: String,
    signed_in: bool,
    email: String,
    csrf: String,
    outlet: String,
    today: String,
    in_force: Vec<LicenseLine>,
    ending_7: Vec<LicenseLine>,
    ending_30: Vec<LicenseLine>,
    reprints: Vec<ReprintLine>,
    takedowns: Vec<ReprintLine>,
    articles: Vec<ArticleLine>,
    /// The calendar feed's address with a key just made for it (shown once, after the form).
    calendar_url: Option<String>,
}

/// Outlet names by id, loaded once each.
fn outlet_names(
    conn: &mut DbConnection,
    ids: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, (String, String)>, PageError> {
    let mut names = HashMap::new();
    for id in ids {
        if let std::collections::hash_map::Entry::Vacant(slot) = names.entry(id) {
            let row = outlet_store::find_any(conn, id)?;
            let contact = words::list(&row.contacts());
            slot.insert((row.name, contact));
        }
    }
    Ok(names)
}

/// The article's data-mining status in words, from the rights holder's reservation (the same
/// value the rights check and `/.well-known/tdmrep.json` use), with its IPTC code.
fn data_mining(article: &ArticleRow) -> String {
    use crate::articles::data_mining::DataMining;
    let value = article.data_mining();
    let words = match value {
        DataMining::Unspecified => "not stated by the rights holder",
        DataMining::Allowed => "allowed",
        DataMining::Prohibited => "reserved: no text and data mining, no AI training",
        DataMining::ProhibitedAiTraining => "AI training reserved; other mining allowed",
        DataMining::ProhibitedGenaiTraining => "generative AI training reserved",
        DataMining::ProhibitedExceptSearchIndexing => "reserved, except for search indexing",
    };
    format!(
        "{words} ({})",
        value.uri().rsplit('/').next().unwrap_or_default()
    )
}

fn reprint_line(row: &reprint_store::ReprintRow, titles: &HashMap<i64, String>) -> ReprintLine {
    ReprintLine {
        id: row.id,
        article: titles
            .get(&row.article_id)
            .cloned()
            .unwrap_or_else(|| format!("article {}", row.article_id)),
        on: words::day(row.reprinted_on),
        medium: row.medium.clone(),
        territory: row.territory.clone(),
        url: row.url.clone(),
        covered: row.compliance == "covered",
        license_id: row.license_id,
        reasons: row.reasons().into_iter().map(words::reason).collect(),
    }
}

fn portal_data(
    conn: &mut DbConnection,
    own: i64,
    today: NaiveDate,
) -> Result<PortalPage, PageError> {
    let scope = Scope::Outlet(own);
    let outlet = outlet_store::find_any(conn, own)?;
    let filter = LicenseFilter {
        active_on: Some(today),
        ..Default::default()
    };
    let licenses = license_store::list(conn, scope, &filter, 0, LIST_LIMIT)?;
    let capped: Vec<i64> = licenses
        .iter()
        .filter(|l| l.max_reprints.is_some())
        .map(|l| l.id)
        .collect();
    let used = license_store::covered_reprints(conn, &capped)?;
    let names = outlet_names(conn, licenses.iter().map(|l| l.grantor_outlet_id))?;
    let articles = article_store::list(conn, scope, &ArticleFilter::default(), 0, LIST_LIMIT)?;
    let titles: HashMap<i64, String> = articles.iter().map(|a| (a.id, a.title.clone())).collect();
    let mut in_force = Vec::new();
    let (mut ending_7, mut ending_30) = (Vec::new(), Vec::new());
    for row in &licenses {
        let draft = row.draft()?;
        let (grantor, contact) = names
            .get(&row.grantor_outlet_id)
            .cloned()
            .unwrap_or_default();
        let article = match draft.coverage {
            Coverage::Article(id) => titles.get(&id).map(String::as_str),
            Coverage::Feed(_) => None,
        };
        let line = || LicenseLine {
            id: row.id,
            terms: words::terms(&draft, used.get(&row.id).copied().unwrap_or(0)),
            covers: words::covers(&draft.coverage, &grantor, article),
            credit_line: row.credit_line.clone(),
            grantor: grantor.clone(),
            contact: contact.clone(),
            ends: row.valid_until.map(words::day),
            ends_in: row.valid_until.map(|d| words::days_from(today, d)),
        };
        if let Some(last) = row.valid_until {
            let left = (last - today).num_days();
            if left <= 7 {
                ending_7.push(line());
            } else if left <= 30 {
                ending_30.push(line());
            }
        }
        in_force.push(line());
    }
    let reprint_rows = reprint_store::list(conn, scope, &ReprintFilter::default(), 0, LIST_LIMIT)?;
    let mut takedown_rows: Vec<&reprint_store::ReprintRow> = reprint_rows
        .iter()
        .filter(|r| r.compliance != "covered")
        .collect();
    // The longest-standing uncovered reprint first.
    takedown_rows.sort_by_key(|r| (r.reprinted_on, r.id));
    let takedowns = takedown_rows
        .into_iter()
        .map(|r| reprint_line(r, &titles))
        .collect();
    let reprints = reprint_rows
        .iter()
        .rev()
        .take(50)
        .map(|r| reprint_line(r, &titles))
        .collect();
    let articles = articles
        .iter()
        .map(|a| ArticleLine {
            id: a.id,
            title: a.title.clone(),
            published: a.published_on.map(words::day),
            credit: a.permission_statement.clone(),
            data_mining: data_mining(a),
        })
        .collect();
    Ok(PortalPage {
        title: format!("{}: your rights", outlet.name),
        signed_in: true,
        email: String::new(),
        csrf: String::new(),
        outlet: outlet.name,
        today: words::day(today),
        in_force,
        ending_7,
        ending_30,
        reprints,
        takedowns,
        articles,
        calendar_url: None,
    })
}

/// `GET /portal`.
pub async fn portal(db: web::Data<Db>, visitor: Visitor) -> Result<HttpResponse, PageError> {
    let own = own_outlet(&visitor)?;
    let today = crate::types::today();
    let mut page = db.read(move |conn| portal_data(conn, own, today)).await?;
    page.email = visitor.email;
    page.csrf = visitor.csrf;
    Ok(html(render("portal.html.j2", &page)?))
}

/// `POST /portal/calendar`: makes an API key for the partner's calendar app and shows the feed's
/// address with it, once (only the key's SHA-256 is kept; it is listed and revoked like any key
/// under `/v1/api-keys`).
pub async fn calendar_link(
    db: web::Data<Db>,
    visitor: Visitor,
    req: actix_web::HttpRequest,
    form: web::Form<super::session::CsrfForm>,
) -> Result<HttpResponse, PageError> {
    let own = own_outlet(&visitor)?;
    visitor.check_csrf(form.csrf.as_deref())?;
    visitor.caller.require(Permission::OwnKeys)?;
    let today = crate::types::today();
    let (actor, user_id) = (visitor.caller.actor(), visitor.caller.user_id);
    let issued = db
        .write_touching(crate::db::Touches::Nothing, move |conn| {
            crate::auth::keys::issue(conn, &actor, user_id, "calendar feed (portal)")
        })
        .await?;
    let mut page = db.read(move |conn| portal_data(conn, own, today)).await?;
    let info = req.connection_info();
    page.calendar_url = Some(format!(
        "{}://{}/v1/calendar.ics?key={}",
        info.scheme(),
        info.host(),
        issued.key
    ));
    page.email = visitor.email;
    page.csrf = visitor.csrf;
    let mut answer = html(render("portal.html.j2", &page)?);
    answer.headers_mut().insert(
        actix_web::http::header::CACHE_CONTROL,
        actix_web::http::header::HeaderValue::from_static("no-store"),
    );
    Ok(answer)
}

#[derive(Debug, Deserialize)]
pub struct CheckForm {
    article_id: Option<String>,
    on: Option<String>,
    medium: Option<String>,
    territory: Option<String>,
    action: Option<String>,
}

#[derive(Serialize)]
struct Choice {
    value: &'static str,
    selected: bool,
}

#[derive(Serialize, Default)]
struct Answer {
    allowed: bool,
    article: String,
    license_id: Option<i64>,
    until: Option<String>,
    credit_line: Option<String>,
    reasons: Vec<&'static str>,
    considered: Vec<(i64, Vec<&'static str>)>,
    chain: Vec<String>,
}

#[derive(Serialize)]
struct CheckPage {
    title: &'static str,
    signed_in: bool,
    email: String,
    csrf: String,
    articles: Vec<(i64, String, bool)>,
    on: String,
    territory: String,
    media: Vec<Choice>,
    actions: Vec<Choice>,
    errors: Vec<String>,
    answer: Option<Answer>,
}

fn choices<T: Copy + PartialEq>(
    all: &[T],
    picked: T,
    name: impl Fn(T) -> &'static str,
) -> Vec<Choice> {
    all.iter()
        .map(|v| Choice {
            value: name(*v),
            selected: *v == picked,
        })
        .collect()
}

/// Blank form fields count as not given.
fn given(raw: &Option<String>) -> Option<&str> {
    raw.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// `GET /portal/check`: the rights check as a form; with an article chosen, the answer in
/// words, every reason, and the chain from the article's rights holder to the outlet.
pub async fn check(
    db: web::Data<Db>,
    visitor: Visitor,
    form: web::Query<CheckForm>,
) -> Result<HttpResponse, PageError> {
    let own = own_outlet(&visitor)?;
    visitor.caller.require(Permission::CheckRights)?;
    let form = form.into_inner();
    let mut errors = Vec::new();
    let today = crate::types::today();
    let article_id = match given(&form.article_id).map(str::parse::<i64>) {
        None => None,
        Some(Ok(id)) if id > 0 => Some(id),
        Some(_) => {
            errors.push("Article: choose one of the list.".to_string());
            None
        }
    };
    let on = match given(&form.on).map(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d")) {
        None => today,
        Some(Ok(day)) => day,
        Some(Err(_)) => {
            errors.push("Date: write it as YYYY-MM-DD, e.g. 2025-06-01.".to_string());
            today
        }
    };
    let medium = match given(&form.medium).map(str::parse::<Medium>) {
        None => Medium::Web,
        Some(Ok(m)) => m,
        Some(Err(e)) => {
            errors.push(format!("Medium: {e}."));
            Medium::Web
        }
    };
    let action = match given(&form.action).map(str::parse::<Action>) {
        None => Action::Republish,
        Some(Ok(a)) => a,
        Some(Err(e)) => {
            errors.push(format!("Action: {e}."));
            Action::Republish
        }
    };
    let territory = match given(&form.territory).map(str::parse::<Country>) {
        None => None,
        Some(Ok(c)) => Some(c),
        Some(Err(e)) => {
            errors.push(format!("Territory: {e}."));
            None
        }
    };
    let wanted = Use::new(action, medium, territory, on, crate::types::now());
    let ask = if errors.is_empty() { article_id } else { None };
    let (articles, answer) = db
        .read(move |conn| -> Result<_, PageError> {
            let scope = Scope::Outlet(own);
            let articles =
                article_store::list(conn, scope, &ArticleFilter::default(), 0, LIST_LIMIT)?;
            let Some(article_id) = ask else {
                return Ok((articles, None));
            };
            let (article, verdict) = crate::rights::evaluate(conn, own, article_id, &wanted)?
                .ok_or(PageError::NotFound)?;
            // As in the API: no license touching the article, and the partner does not learn it exists.
            if verdict.considered.is_empty() {
                return Err(PageError::NotFound);
            }
            let source = outlet_store::find_any(conn, article.source_outlet_id)?;
            let outlet = outlet_store::find_any(conn, own)?;
            let mut chain = Vec::new();
            if let Some(line) = &article.copyright_line {
                chain.push(format!("Rights holder: {line}"));
            }
            if let Some(publisher) = &article.original_publisher {
                chain.push(format!("First published by {publisher}"));
            }
            if let Some(statement) = &article.permission_statement {
                chain.push(format!("Permission as stated: “{statement}”"));
            }
            chain.push(format!("Source outlet on record: {}", source.name));
            match &verdict.covering {
                Some(l) => chain.push(format!(
                    "License {} from {} to {}",
                    l.id, source.name, outlet.name
                )),
                None => chain.push(format!(
                    "No license from {} to {} covers this use",
                    source.name, outlet.name
                )),
            }
            let answer = Answer {
                allowed: verdict.covering.is_some(),
                article: article.title.clone(),
                license_id: verdict.covering.as_ref().map(|l| l.id),
                until: verdict
                    .covering
                    .as_ref()
                    .map(|l| l.valid_until.map_or("no end date".into(), words::day)),
                credit_line: verdict.covering.as_ref().and(verdict.credit_line.clone()),
                reasons: verdict.reasons().into_iter().map(words::reason).collect(),
                considered: verdict
                    .considered
                    .iter()
                    .map(|c| {
                        (
                            c.license_id,
                            c.reasons.iter().copied().map(words::reason).collect(),
                        )
                    })
                    .collect(),
                chain,
            };
            Ok((articles, Some(answer)))
        })
        .await?;
    let page = CheckPage {
        title: "Check an article",
        signed_in: true,
        email: visitor.email,
        csrf: visitor.csrf,
        articles: articles
            .into_iter()
            .map(|a| (a.id, a.title, Some(a.id) == article_id))
            .collect(),
        on: on.format("%Y-%m-%d").to_string(),
        territory: territory.map(|t| t.code().to_string()).unwrap_or_default(),
        media: choices(Medium::ALL, medium, |m| m.as_str()),
        actions: choices(Action::ALL, action, |a| a.as_str()),
        errors,
        answer,
    };
    Ok(html(render("check.html.j2", &page)?))
}
