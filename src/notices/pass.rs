//! One notice pass: plan, claim, send, record. Run by the worker inside `serve`, by
//! `rightsdesk notify`, and by `POST /v1/notices/run`.

use std::collections::{BTreeMap, HashMap};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;
use sha2::{Digest as _, Sha256};

use super::mailer::{MailError, Mailer, Outgoing};
use super::store::{self, NewNotice, NoticeRow, Outcome, PlanLicense};
use super::{backoff, due_lead, end_dates_in_view, render_digest, DigestItem, Lead, NoticeStatus};
use crate::db::schema::{articles, outlets, reprints};
use crate::db::{Db, DbConnection};
use crate::http::problem::ApiError;
use crate::licenses::rules::{Action, LicenseStatus};
use crate::licenses::store::LicenseRow;

pub const EXPIRY: &str = "expiry";
pub const TAKEDOWN: &str = "takedown";

pub use super::settings::{NoticeSettings, Stopping};

/// One email a pass sends (or would send, on a dry run).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EmailPreview {
    pub recipient: String,
    pub subject: String,
    pub license_ids: Vec<i64>,
}

/// What a pass did.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct PassReport {
    /// Notices newly planned into the outbox
    pub planned: usize,
    /// Notices sent
    pub sent: usize,
    /// Notices that failed and will be tried again
    pub failed: usize,
    /// Notices given up on (refused address, or too many tries)
    pub dead: usize,
    /// Notices dropped because their license changed first
    pub suppressed: usize,
    pub dry_run: bool,
    /// How long working out the due notices took, in milliseconds (reading the licenses in view)
    pub plan_ms: u64,
    /// Notices due now but held by another pass's lease (running elsewhere, or dead and not yet
    /// expired: its lease runs out after 5 minutes)
    pub held_by_lease: i64,
    pub emails: Vec<EmailPreview>,
}

fn has_archive(actions: &str) -> bool {
    actions.split(',').any(|a| a == Action::Archive.as_str())
}

fn contacts(stored: &str) -> Vec<String> {
    serde_json::from_str(stored).unwrap_or_default()
}

struct Outlet {
    name: String,
    contacts: Vec<String>,
}

fn load_outlets(
    conn: &mut DbConnection,
    ids: impl IntoIterator<Item = i64>,
) -> QueryResult<HashMap<i64, Outlet>> {
    let mut ids: Vec<i64> = ids.into_iter().collect();
    ids.sort_unstable();
    ids.dedup();
    let rows: Vec<(i64, String, String)> = outlets::table
        .filter(outlets::id.eq_any(&ids))
        .select((outlets::id, outlets::name, outlets::contact_emails))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, name, c)| {
            (
                id,
                Outlet {
                    name,
                    contacts: contacts(&c),
                },
            )
        })
        .collect())
}

fn reprint_urls(
    conn: &mut DbConnection,
    license_ids: &[i64],
) -> QueryResult<HashMap<i64, Vec<String>>> {
    let mut rows: Vec<(Option<i64>, Option<String>)> = Vec::new();
    for chunk in license_ids.chunks(500) {
        rows.extend(
            reprints::table
                .filter(reprints::license_id.eq_any(chunk))
                .filter(reprints::deleted_at.is_null())
                .filter(reprints::url.is_not_null())
                .order(reprints::id.asc())
                .select((reprints::license_id, reprints::url))
                .load::<(Option<i64>, Option<String>)>(conn)?,
        );
    }
    let mut out: HashMap<i64, Vec<String>> = HashMap::new();
    for (license, url) in rows {
        if let (Some(license), Some(url)) = (license, url) {
            let urls = out.entry(license).or_default();
            if !urls.contains(&url) {
                urls.push(url);
            }
        }
    }
    Ok(out)
}

/// The notices due on `today`: for each active license ending within a lead time, one per
/// recipient (the licensee's contacts and the desk) at the tightest due lead; for each license
/// that ended or was revoked without archive rights and has reprints with URLs, a takedown to the
/// licensee's contacts. Reads only the licenses ending near `today` (the `valid_until` index).
pub fn plan(
    conn: &mut DbConnection,
    settings: &NoticeSettings,
    today: NaiveDate,
    now: NaiveDateTime,
) -> QueryResult<Vec<NewNotice>> {
    let (first, last) = end_dates_in_view(today, &settings.leads);
    let ending = store::ending_between(conn, first, last)?;
    let revoked = store::revoked_since(conn, first.and_time(chrono::NaiveTime::MIN))?;
    let outlets = load_outlets(
        conn,
        ending.iter().chain(&revoked).map(|l| l.licensee_outlet_id),
    )?;
    // Only licenses that have ended (or were revoked) without archive rights can need a takedown.
    let takedown_ids: Vec<i64> = ending
        .iter()
        .filter(|l| l.valid_until.is_some_and(|end| end < today))
        .chain(&revoked)
        .filter(|l| !has_archive(&l.actions))
        .map(|l| l.id)
        .collect();
    let urls = reprint_urls(conn, &takedown_ids)?;
    let mut out = Vec::new();
    let notice =
        |license: &PlanLicense, kind: &str, lead: Lead, recipient: &str, expires_on: NaiveDate| {
            NewNotice {
                license_id: license.id,
                kind: kind.to_string(),
                recipient: recipient.to_lowercase(),
                lead: lead.label(),
                expires_on,
                status: NoticeStatus::Pending.as_str().to_string(),
                created_at: now,
                updated_at: now,
            }
        };
    let partner_contacts = |license: &PlanLicense| {
        outlets
            .get(&license.licensee_outlet_id)
            .map(|o| o.contacts.clone())
            .unwrap_or_default()
    };
    for license in &ending {
        let Some(end) = license.valid_until else {
            continue;
        };
        let Some(lead) = due_lead(end, today, &settings.leads) else {
            continue;
        };
        let mut recipients = partner_contacts(license);
        recipients.extend(settings.desk_email.clone());
        recipients.sort();
        recipients.dedup();
        for recipient in &recipients {
            out.push(notice(license, EXPIRY, lead, recipient, end));
        }
        if lead == Lead::Expired && urls.contains_key(&license.id) {
            for recipient in partner_contacts(license) {
                out.push(notice(license, TAKEDOWN, Lead::Takedown, &recipient, end));
            }
        }
    }
    for license in &revoked {
        if urls.contains_key(&license.id) {
            for recipient in partner_contacts(license) {
                out.push(notice(
                    license,
                    TAKEDOWN,
                    Lead::Takedown,
                    &recipient,
                    license.updated_at.date(),
                ));
            }
        }
    }
    Ok(out)
}

/// Is the notice still right for its license? An expiry notice needs the license active with the
/// same end; a takedown needs the license still ended (not renewed since).
fn still_due(
    notice: &NoticeRow,
    license: Option<&LicenseRow>,
    today: NaiveDate,
) -> Result<(), String> {
    let Some(license) = license.filter(|l| l.deleted_at.is_none()) else {
        return Err("the license was deleted".into());
    };
    let active = license.status == LicenseStatus::Active.as_str();
    if notice.kind == TAKEDOWN {
        let renewed = active && license.valid_until.is_none_or(|end| end >= today);
        return if renewed {
            Err("the license was renewed".into())
        } else {
            Ok(())
        };
    }
    if !active {
        return Err(format!("the license is {}", license.status));
    }
    if license.valid_until != Some(notice.expires_on) {
        return Err("the license was renewed: its end date moved".into());
    }
    Ok(())
}

/// Everything the digests of some notices need, loaded in a few queries.
struct Context {
    licenses: HashMap<i64, LicenseRow>,
    outlets: HashMap<i64, Outlet>,
    articles: HashMap<i64, (String, Option<String>)>,
    urls: HashMap<i64, Vec<String>>,
}

fn load_context(conn: &mut DbConnection, notices: &[NoticeRow]) -> QueryResult<Context> {
    let ids: Vec<i64> = notices.iter().map(|n| n.license_id).collect();
    let licenses: HashMap<i64, LicenseRow> = crate::db::schema::licenses::table
        .filter(crate::db::schema::licenses::id.eq_any(&ids))
        .select(LicenseRow::as_select())
        .load(conn)?
        .into_iter()
        .map(|l: LicenseRow| (l.id, l))
        .collect();
    let outlets = load_outlets(
        conn,
        licenses
            .values()
            .flat_map(|l| [l.licensee_outlet_id, l.grantor_outlet_id]),
    )?;
    let article_ids: Vec<i64> = licenses.values().filter_map(|l| l.article_id).collect();
    let articles = articles::table
        .filter(articles::id.eq_any(&article_ids))
        .select((articles::id, articles::title, articles::url))
        .load::<(i64, String, Option<String>)>(conn)?
        .into_iter()
        .map(|(id, title, url)| (id, (title, url)))
        .collect();
    let urls = reprint_urls(conn, &ids)?;
    Ok(Context {
        licenses,
        outlets,
        articles,
        urls,
    })
}

fn digest_item(notice: &NoticeRow, ctx: &Context, desk_email: Option<&str>) -> Option<DigestItem> {
    let license = ctx.licenses.get(&notice.license_id)?;
    let outlet_name = |id: i64| {
        ctx.outlets
            .get(&id)
            .map_or_else(|| format!("outlet {id}"), |o| o.name.clone())
    };
    let grantor = outlet_name(license.grantor_outlet_id);
    let (what, url) = match license.article_id.and_then(|a| ctx.articles.get(&a)) {
        Some((title, url)) => (title.clone(), url.clone()),
        None => (format!("every article of {grantor}"), None),
    };
    let renew_contact = ctx
        .outlets
        .get(&license.grantor_outlet_id)
        .and_then(|o| o.contacts.first().cloned())
        .or_else(|| desk_email.map(str::to_string))
        .unwrap_or_else(|| format!("{grantor}'s syndication desk"));
    let takedown = notice.kind == TAKEDOWN;
    Some(DigestItem {
        license_id: license.id,
        lead: notice.lead.clone(),
        takedown,
        what,
        url,
        partner: outlet_name(license.licensee_outlet_id),
        grantor,
        ends_on: notice.expires_on,
        actions: license.actions.replace(',', ", "),
        media: license.media.replace(',', ", "),
        territories: license.territories.replace(',', ", "),
        credit_line: license.credit_line.clone(),
        archive_allowed: has_archive(&license.actions),
        renew_contact,
        reprint_urls: if takedown {
            ctx.urls.get(&license.id).cloned().unwrap_or_default()
        } else {
            Vec::new()
        },
    })
}

/// A Message-ID derived from the notices an email carries: the same notices, the same id, so a
/// resend after a crash can be recognised.
pub fn message_id(notice_ids: &[i64], mail_from: &str) -> String {
    let mut ids = notice_ids.to_vec();
    ids.sort_unstable();
    let joined = ids
        .iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(",");
    let hash = hex::encode(&Sha256::digest(joined.as_bytes())[..8]);
    let domain = mail_from.rsplit_once('@').map_or("rightsdesk", |(_, d)| d);
    format!(
        "<notices-{}-{hash}@{domain}>",
        ids.first().copied().unwrap_or(0)
    )
}

/// Runs one pass on `today`: plan and claim the due notices, drop those whose license changed,
/// then send one digest per recipient. A dry run plans and renders without writing or sending.
/// `stop` is checked between emails, so a shutdown leaves nothing half-done.
#[tracing::instrument(skip(db, mailer, settings, stop))]
pub async fn run_pass(
    db: &Db,
    mailer: &Mailer,
    settings: &NoticeSettings,
    today: NaiveDate,
    dry_run: bool,
    stop: &Stopping,
) -> Result<PassReport, ApiError> {
    let now = crate::types::now();
    let mut report = PassReport {
        dry_run,
        ..PassReport::default()
    };
    let token = format!("{}:{}", std::process::id(), uuid::Uuid::new_v4().simple());
    let claimed = claim(db, settings, today, now, dry_run, &token).await?;
    report.planned = claimed.planned;
    report.plan_ms = u64::try_from(claimed.plan_time.as_millis()).unwrap_or(u64::MAX);
    let own = token.clone();
    report.held_by_lease = db
        .read(move |conn| Ok::<_, ApiError>(store::held_by_lease(conn, now, &own)?))
        .await?;
    if claimed.notices.is_empty() {
        return Ok(report);
    }
    let for_context = claimed.notices.clone();
    let ctx = db
        .read(move |conn| Ok::<_, ApiError>(load_context(conn, &for_context)?))
        .await?;
    let keep = drop_changed(
        db,
        claimed.notices,
        &ctx,
        today,
        now,
        dry_run,
        &token,
        &mut report,
    )
    .await?;
    send_digests(
        db,
        mailer,
        settings,
        keep,
        &ctx,
        today,
        now,
        dry_run,
        &token,
        stop,
        &mut report,
    )
    .await?;
    Ok(report)
}

/// What the planning step left to send.
struct Claimed {
    planned: usize,
    notices: Vec<NoticeRow>,
    plan_time: std::time::Duration,
}

/// Plans the notices due on `today` into the outbox and claims a batch of the due ones under a
/// lease (on a dry run: only reads, and shows what would be claimed).
#[tracing::instrument(skip(db, settings, token))]
async fn claim(
    db: &Db,
    settings: &NoticeSettings,
    today: NaiveDate,
    now: NaiveDateTime,
    dry_run: bool,
    token: &str,
) -> Result<Claimed, ApiError> {
    let s = settings.clone();
    if dry_run {
        return db
            .read(move |conn| {
                let started = std::time::Instant::now();
                let due_today = plan(conn, &s, today, now)?;
                let plan_time = started.elapsed();
                let mut planned = Vec::new();
                for notice in due_today {
                    if !store::exists(conn, &notice)? {
                        planned.push(notice);
                    }
                }
                let mut due = store::due(conn, now, s.batch)?;
                let next_id = due.iter().map(|n| n.id).max().unwrap_or(0);
                due.extend(
                    (next_id + 1..)
                        .zip(planned.iter())
                        .map(|(id, n)| preview_row(id, n, now)),
                );
                Ok::<_, ApiError>(Claimed {
                    planned: planned.len(),
                    notices: due,
                    plan_time,
                })
            })
            .await;
    }
    let claim_token = token.to_string();
    db.write(move |conn| {
        let started = std::time::Instant::now();
        let due_now = plan(conn, &s, today, now)?;
        let plan_time = started.elapsed();
        let planned = store::insert_new(conn, &due_now)?;
        let notices = store::claim(conn, &claim_token, now, now + s.lease, s.batch)?;
        Ok::<_, ApiError>(Claimed {
            planned,
            notices,
            plan_time,
        })
    })
    .await
}

/// A planned notice as the row it would become (dry runs).
fn preview_row(id: i64, n: &NewNotice, now: NaiveDateTime) -> NoticeRow {
    NoticeRow {
        id,
        license_id: n.license_id,
        kind: n.kind.clone(),
        recipient: n.recipient.clone(),
        lead: n.lead.clone(),
        expires_on: n.expires_on,
        status: n.status.clone(),
        attempts: 0,
        last_error: None,
        sent_at: None,
        next_attempt_at: None,
        claimed_by: None,
        lease_until: None,
        message_id: None,
        created_at: now,
        updated_at: now,
    }
}

/// Drops (and records as suppressed) the claimed notices whose license changed since they were
/// planned; answers the rest.
#[allow(clippy::too_many_arguments)]
async fn drop_changed(
    db: &Db,
    claimed: Vec<NoticeRow>,
    ctx: &Context,
    today: NaiveDate,
    now: NaiveDateTime,
    dry_run: bool,
    token: &str,
    report: &mut PassReport,
) -> Result<Vec<NoticeRow>, ApiError> {
    let mut keep = Vec::new();
    let mut dropped: Vec<(i64, String)> = Vec::new();
    for notice in claimed {
        match still_due(&notice, ctx.licenses.get(&notice.license_id), today) {
            Ok(()) => keep.push(notice),
            Err(reason) => dropped.push((notice.id, reason)),
        }
    }
    report.suppressed = dropped.len();
    if !dry_run && !dropped.is_empty() {
        let t = token.to_string();
        db.write(move |conn| {
            for (id, reason) in dropped {
                store::record(conn, &[id], &t, now, &Outcome::Suppressed { reason })?;
            }
            Ok::<_, ApiError>(())
        })
        .await?;
    }
    Ok(keep)
}

/// One email per recipient, listing all of that recipient's due licenses; each outcome is
/// recorded as soon as the mail server answers.
#[allow(clippy::too_many_arguments)]
async fn send_digests(
    db: &Db,
    mailer: &Mailer,
    settings: &NoticeSettings,
    keep: Vec<NoticeRow>,
    ctx: &Context,
    today: NaiveDate,
    now: NaiveDateTime,
    dry_run: bool,
    token: &str,
    stop: &Stopping,
    report: &mut PassReport,
) -> Result<(), ApiError> {
    let mut by_recipient: BTreeMap<String, Vec<NoticeRow>> = BTreeMap::new();
    for notice in keep {
        by_recipient
            .entry(notice.recipient.clone())
            .or_default()
            .push(notice);
    }
    for (recipient, notices) in by_recipient {
        if stop.is_raised() {
            break;
        }
        let items: Vec<DigestItem> = notices
            .iter()
            .filter_map(|n| digest_item(n, ctx, settings.desk_email.as_deref()))
            .collect();
        let digest = render_digest(&items, today)
            .map_err(|e| ApiError::Internal(anyhow::anyhow!("rendering a notice: {e}")))?;
        let ids: Vec<i64> = notices.iter().map(|n| n.id).collect();
        let mut license_ids: Vec<i64> = notices.iter().map(|n| n.license_id).collect();
        license_ids.dedup();
        report.emails.push(EmailPreview {
            recipient: recipient.clone(),
            subject: digest.subject.clone(),
            license_ids,
        });
        if dry_run {
            continue;
        }
        let mail = Outgoing {
            from: settings.mail_from.clone(),
            to: recipient.clone(),
            subject: digest.subject,
            text: digest.text,
            html: digest.html,
            message_id: message_id(&ids, &settings.mail_from),
        };
        let attempts = notices.iter().map(|n| n.attempts).max().unwrap_or(0) + 1;
        let outcome = match mailer.send(&mail).await {
            Ok(()) => {
                report.sent += ids.len();
                Outcome::Sent {
                    message_id: mail.message_id.clone(),
                }
            }
            Err(MailError::Permanent(error)) => {
                tracing::warn!(recipient = %recipient, error = %error, "a notice was refused for good");
                report.dead += ids.len();
                Outcome::Dead { error }
            }
            Err(MailError::Transient(error)) if attempts >= settings.max_attempts => {
                tracing::warn!(recipient = %recipient, error = %error, attempts, "giving up on a notice");
                report.dead += ids.len();
                Outcome::Dead {
                    error: format!("gave up after {attempts} tries: {error}"),
                }
            }
            Err(MailError::Transient(error)) => {
                tracing::info!(recipient = %recipient, error = %error, attempts, "a notice failed; it will be tried again");
                report.failed += ids.len();
                Outcome::Failed {
                    error,
                    next_attempt_at: now + backoff(attempts),
                }
            }
        };
        let t = token.to_string();
        db.write(move |conn| {
            Ok::<_, ApiError>(store::record(
                conn,
                &ids,
                &t,
                crate::types::now(),
                &outcome,
            )?)
        })
        .await?;
    }
    Ok(())
}
