//! The desk's board: licenses ending in 7 and 30 days, uncovered reprints, notices failed or
//! pending (with a retry button), recent changes, and the two charts. Staff only: a partner
//! gets 404, as in the API.

use std::collections::HashMap;

use actix_web::{web, HttpResponse};
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use super::charts::{self, Window};
use super::page::{html, render, PageError};
use super::session::{see_other, CsrfForm, Visitor};
use super::words;
use crate::auth::{Permission, Role, Scope};
use crate::db::{Db, DbConnection};
use crate::licenses::rules::Coverage;
use crate::licenses::store::{self as license_store, LicenseRow};
use crate::notices::mailer::Mailer;
use crate::notices::pass::{run_pass, NoticeSettings, Stopping};
use crate::notices::store::{self as notice_store, NoticeFilter};
use crate::notices::NoticeStatus;
use crate::outlets::store as outlet_store;
use crate::reprints::store::{self as reprint_store, ReprintFilter};
use crate::reprints::Compliance;

const LIST_LIMIT: i64 = 200;

/// Staff only; a partner does not learn the desk exists.
pub fn require_staff(visitor: &Visitor, permission: Permission) -> Result<(), PageError> {
    if visitor.caller.role == Role::Partner {
        return Err(PageError::NotFound);
    }
    visitor.caller.require(permission)?;
    Ok(())
}

#[derive(Serialize)]
struct LicenseLine {
    id: i64,
    grantor: String,
    partner: String,
    contact: String,
    terms: String,
    ends: String,
    ends_in: String,
}

#[derive(Serialize)]
struct ReprintLine {
    id: i64,
    partner: String,
    article_id: i64,
    on: String,
    medium: String,
    url: Option<String>,
    reasons: Vec<&'static str>,
}

#[derive(Serialize)]
struct NoticeLine {
    id: i64,
    license_id: i64,
    recipient: String,
    lead: String,
    expires_on: String,
    status: String,
    attempts: i32,
    last_error: Option<String>,
    retry: bool,
}

#[derive(Serialize)]
struct ChangeLine {
    at: String,
    actor: String,
    action: String,
    what: String,
}

#[derive(Serialize)]
struct DeskPage {
    title: &'static str,
    signed_in: bool,
    email: String,
    csrf: String,
    today: String,
    may_retry: bool,
    message: Option<String>,
    ending_7: Vec<LicenseLine>,
    ending_30: Vec<LicenseLine>,
    uncovered: Vec<ReprintLine>,
    notices: Vec<NoticeLine>,
    changes: Vec<ChangeLine>,
    timeline: String,
    reprints_chart: String,
}

/// Names and contacts of outlets, each loaded once.
struct Names {
    found: HashMap<i64, (String, String)>,
}

impl Names {
    fn get(&mut self, conn: &mut DbConnection, id: i64) -> Result<(String, String), PageError> {
        if let Some(known) = self.found.get(&id) {
            return Ok(known.clone());
        }
        let row = outlet_store::find_any(conn, id)?;
        let entry = (row.name.clone(), words::list(&row.contacts()));
        self.found.insert(id, entry.clone());
        Ok(entry)
    }
}

fn license_lines(
    conn: &mut DbConnection,
    names: &mut Names,
    rows: &[LicenseRow],
    today: NaiveDate,
) -> Result<Vec<LicenseLine>, PageError> {
    let mut lines = Vec::new();
    for row in rows {
        let draft = row.draft()?;
        let (grantor, _) = names.get(conn, row.grantor_outlet_id)?;
        let (partner, contact) = names.get(conn, row.licensee_outlet_id)?;
        let scope = match draft.coverage {
            Coverage::Article(id) => format!("article {id}"),
            Coverage::Feed(_) => "feed".into(),
        };
        lines.push(LicenseLine {
            id: row.id,
            grantor,
            partner,
            contact,
            terms: format!("{scope}: {}", words::terms(&draft, 0)),
            ends: row.valid_until.map(words::day).unwrap_or_default(),
            ends_in: row
                .valid_until
                .map(|d| words::days_from(today, d))
                .unwrap_or_default(),
        });
    }
    Ok(lines)
}

/// Active licenses ending between the two days, soonest first.
fn ending(
    conn: &mut DbConnection,
    first: NaiveDate,
    last: NaiveDate,
) -> Result<Vec<LicenseRow>, PageError> {
    Ok(license_store::ending_soonest(
        conn, first, last, LIST_LIMIT,
    )?)
}

fn desk_data(conn: &mut DbConnection, today: NaiveDate) -> Result<DeskPage, PageError> {
    let mut names = Names {
        found: HashMap::new(),
    };
    let in_7 = today + Days::new(7);
    let in_30 = today + Days::new(30);
    let rows_7 = ending(conn, today, in_7)?;
    let rows_30 = ending(conn, in_7 + Days::new(1), in_30)?;
    let ending_7 = license_lines(conn, &mut names, &rows_7, today)?;
    let ending_30 = license_lines(conn, &mut names, &rows_30, today)?;

    let uncovered_filter = ReprintFilter {
        compliance: Some(Compliance::Uncovered),
        ..Default::default()
    };
    let mut uncovered = Vec::new();
    for row in reprint_store::list(conn, Scope::All, &uncovered_filter, 0, LIST_LIMIT)? {
        let (partner, _) = names.get(conn, row.outlet_id)?;
        uncovered.push(ReprintLine {
            id: row.id,
            partner,
            article_id: row.article_id,
            on: words::day(row.reprinted_on),
            medium: row.medium.clone(),
            url: row.url.clone(),
            reasons: row.reasons().into_iter().map(words::reason).collect(),
        });
    }

    let mut notices = Vec::new();
    for status in [
        NoticeStatus::Failed,
        NoticeStatus::Dead,
        NoticeStatus::Pending,
    ] {
        let filter = NoticeFilter {
            status: Some(status),
            license: None,
        };
        for n in notice_store::list(conn, None, &filter, 0, LIST_LIMIT)? {
            notices.push(NoticeLine {
                id: n.id,
                license_id: n.license_id,
                recipient: n.recipient,
                lead: n.lead,
                expires_on: words::day(n.expires_on),
                retry: status != NoticeStatus::Pending,
                status: n.status,
                attempts: n.attempts,
                last_error: n.last_error,
            });
        }
    }

    let changes = crate::audit::recent(conn, 20)?
        .into_iter()
        .map(|a| ChangeLine {
            at: a.created_at.format("%-d %b %Y %H:%M").to_string(),
            actor: a.actor,
            action: a.action,
            what: match a.entity_id {
                Some(id) => format!("{} {id}", a.entity),
                None => a.entity,
            },
        })
        .collect();

    // The timeline: licenses ending in the next 90 days, by partner.
    let first = today - Days::new(30);
    let last = today + Days::new(90);
    let mut windows = Vec::new();
    for row in ending(conn, today, last)?.iter().take(60) {
        let (partner, _) = names.get(conn, row.licensee_outlet_id)?;
        windows.push(Window {
            partner,
            license_id: row.id,
            from: row.valid_from,
            until: row.valid_until,
        });
    }
    windows.sort_by(|a, b| a.partner.cmp(&b.partner));
    windows.dedup_by(|a, b| a.license_id == b.license_id);
    let timeline = charts::timeline(&windows, first, last, today)?;

    let months = charts::last_months(today, 6);
    let since = months.first().copied().unwrap_or(today);
    let mut per_month: HashMap<(i64, NaiveDate), i64> = HashMap::new();
    for (outlet, day, n) in reprint_store::count_per_day(conn, since)? {
        let month = day - Days::new(u64::from(chrono::Datelike::day(&day)) - 1);
        *per_month.entry((outlet, month)).or_default() += n;
    }
    // The six partners with the most reprints.
    let mut totals: HashMap<i64, i64> = HashMap::new();
    for ((outlet, _), n) in &per_month {
        *totals.entry(*outlet).or_default() += n;
    }
    let mut top: Vec<(i64, i64)> = totals.into_iter().collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    top.truncate(6);
    let mut counts = Vec::new();
    for (outlet, _) in &top {
        let (name, _) = names.get(conn, *outlet)?;
        for month in &months {
            if let Some(n) = per_month.get(&(*outlet, *month)) {
                counts.push((name.clone(), *month, *n));
            }
        }
    }
    let reprints_chart = charts::reprints_per_month(&counts, &months)?;

    Ok(DeskPage {
        title: "The desk",
        signed_in: true,
        email: String::new(),
        csrf: String::new(),
        today: words::day(today),
        may_retry: false,
        message: None,
        ending_7,
        ending_30,
        uncovered,
        notices,
        changes,
        timeline,
        reprints_chart,
    })
}

#[derive(Deserialize)]
pub struct DeskQuery {
    retried: Option<i64>,
}

/// `GET /desk`.
pub async fn board(
    db: web::Data<Db>,
    visitor: Visitor,
    query: web::Query<DeskQuery>,
) -> Result<HttpResponse, PageError> {
    require_staff(&visitor, Permission::ReadRecords)?;
    let today = crate::types::today();
    let retried = query.retried;
    let (mut page, retried) = db
        .read(move |conn| -> Result<_, PageError> {
            let page = desk_data(conn, today)?;
            let retried = match retried {
                Some(id) => Some(notice_store::find(conn, id)?),
                None => None,
            };
            Ok((page, retried))
        })
        .await?;
    page.message = retried.map(|n| match n.status.as_str() {
        "sent" => format!(
            "Notice {} was tried again and sent to {}.",
            n.id, n.recipient
        ),
        other => format!(
            "Notice {} was tried again: it is {other} ({}).",
            n.id,
            n.last_error.unwrap_or_default()
        ),
    });
    page.may_retry = crate::auth::allows(visitor.caller.role, Permission::RunNotices);
    page.email = visitor.email;
    page.csrf = visitor.csrf;
    Ok(html(render("desk.html.j2", &page)?))
}

/// `POST /desk/notices/{id}/retry`: makes the notice due now and runs a notice pass.
pub async fn retry(
    db: web::Data<Db>,
    mailer: web::Data<Mailer>,
    settings: web::Data<NoticeSettings>,
    stopping: web::Data<Stopping>,
    visitor: Visitor,
    id: web::Path<String>,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse, PageError> {
    require_staff(&visitor, Permission::RunNotices)?;
    visitor.check_csrf(form.csrf.as_deref())?;
    let id: i64 = id
        .trim()
        .parse()
        .ok()
        .filter(|id| *id > 0)
        .ok_or(PageError::NotFound)?;
    let now = crate::types::now();
    let due = db
        .write_touching(
            crate::db::Touches::Nothing,
            move |conn| -> Result<bool, PageError> {
                notice_store::find(conn, id)?;
                Ok(notice_store::retry_now(conn, id, now)?)
            },
        )
        .await?;
    if !due {
        return Err(PageError::BadInput(format!(
            "notice {id} is not failed: only a failed notice can be tried again"
        )));
    }
    run_pass(
        &db,
        &mailer,
        &settings,
        crate::types::today(),
        false,
        &stopping,
    )
    .await?;
    Ok(see_other(&format!("/desk?retried={id}#notices")))
}
