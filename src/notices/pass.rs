//! One notice pass: plan, claim, send, record. Run by the worker inside `serve`, by
//! `rightsdesk notify`, and by `POST /v1/notices/run`.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;
use sha2::{Digest as _, Sha256};

use super::context::{
    digest_item, has_archive, load_context, load_outlets, reprint_urls, snoozed, snoozed_until,
    still_online, Context,
};
use super::mailer::{MailError, Mailer, Outgoing};
use super::store::{self, NewNotice, NoticeRow, Outcome, PlanLicense};
use super::{backoff, due_lead, end_dates_in_view, license_leads, render_digest, DigestItem};
use super::{Lead, NoticeStatus};
use crate::db::{Db, DbConnection};
use crate::http::problem::ApiError;
use crate::licenses::rules::LicenseStatus;
use crate::licenses::store::LicenseRow;

use super::{EXPIRY, LATE_REPRINT, STILL_ONLINE, TAKEDOWN};

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
    let mut ending = store::ending_between(conn, first, last)?;
    // Licenses with their own lead times may be further out than the global ones look.
    for own in store::with_own_leads(conn, today)? {
        if !ending.iter().any(|l| l.id == own.id) {
            ending.push(own);
        }
    }
    let ids: Vec<i64> = ending.iter().map(|l| l.id).collect();
    let snoozes = snoozed_until(conn, &ids, today)?;
    let online = still_online(conn, None)?;
    let late = super::late::late_reprints(conn, now - chrono::Duration::days(30))?;
    let revoked = store::revoked_since(conn, first.and_time(chrono::NaiveTime::MIN))?;
    let upstream_ended =
        super::chain::upstream_ended(conn, first.and_time(chrono::NaiveTime::MIN))?;
    let outlets = load_outlets(
        conn,
        ending
            .iter()
            .chain(&revoked)
            .chain(upstream_ended.iter().map(|u| &u.license))
            .map(|l| l.licensee_outlet_id),
    )?;
    let online_licenses = store::plan_licenses(
        conn,
        online
            .iter()
            .map(|o| o.1)
            .chain(late.iter().map(|l| l.license_id))
            .collect(),
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
        let leads = license_leads(license.notice_leads.as_deref(), &settings.leads);
        let Some(lead) = due_lead(end, today, &leads).filter(|lead| match lead {
            Lead::Days(days) => !snoozed(end, *days, snoozes.get(&license.id).copied()),
            _ => true,
        }) else {
            continue;
        };
        let mut recipients = partner_contacts(license);
        recipients.extend(settings.desk_email.clone());
        recipients.extend(
            outlets
                .get(&license.licensee_outlet_id)
                .and_then(|o| o.account_manager.clone()),
        );
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
    // Licenses whose upstream was revoked or suspended: a takedown to the licensee and the desk,
    // once per upstream event (lead `upstream-<id>`).
    for u in &upstream_ended {
        let mut recipients = partner_contacts(&u.license);
        recipients.extend(settings.desk_email.clone());
        recipients.sort();
        recipients.dedup();
        for recipient in &recipients {
            let mut n = notice(&u.license, TAKEDOWN, Lead::Takedown, recipient, u.ended_on);
            n.lead = format!("upstream-{}", u.upstream_license_id);
            out.push(n);
        }
    }
    for l in &late {
        let license = online_licenses.iter().find(|p| p.id == l.license_id);
        if let (Some(license), Some(desk)) = (license, &settings.desk_email) {
            let mut n = notice(license, LATE_REPRINT, Lead::Takedown, desk, l.ended_on);
            n.lead = format!("reprint-{}", l.reprint_id);
            out.push(n);
        }
    }
    // Once per page: the unique key (license, kind, lead, recipient, end) keeps it to one notice.
    for (reprint, license_id, _) in &online {
        let Some(license) = online_licenses.iter().find(|l| l.id == *license_id) else {
            continue;
        };
        let ended_on = license.valid_until.unwrap_or(license.updated_at.date());
        if let Some(desk) = &settings.desk_email {
            let mut n = notice(license, STILL_ONLINE, Lead::Takedown, desk, ended_on);
            n.lead = format!("online-{reprint}");
            out.push(n);
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
    // Its upstream ended, not the license itself: due while the license stands.
    if notice.lead.starts_with(super::chain::UPSTREAM_LEAD) {
        return Ok(());
    }
    if notice.kind != EXPIRY {
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
        .read(move |conn| Ok::<_, ApiError>(load_context(conn, &for_context, today)?))
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
    db.write_touching(crate::db::Touches::Nothing, move |conn| {
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
        let snooze = ctx.snoozed.get(&notice.license_id).copied();
        let days = notice.lead.strip_suffix('d').and_then(|d| d.parse().ok());
        let due = still_due(&notice, ctx.licenses.get(&notice.license_id), today).and_then(|()| {
            match (days, snooze) {
                (Some(d), Some(until)) if snoozed(notice.expires_on, d, Some(until)) => {
                    Err(format!("acknowledged: no lead notices before {until}"))
                }
                _ => Ok(()),
            }
        });
        match due {
            Ok(()) => keep.push(notice),
            Err(reason) => dropped.push((notice.id, reason)),
        }
    }
    report.suppressed = dropped.len();
    if !dry_run && !dropped.is_empty() {
        let t = token.to_string();
        db.write_touching(crate::db::Touches::Nothing, move |conn| {
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
            .filter_map(|n| {
                digest_item(
                    n,
                    ctx,
                    settings.desk_email.as_deref(),
                    settings.public_url.as_deref(),
                )
            })
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
        db.write_touching(crate::db::Touches::Nothing, move |conn| {
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
