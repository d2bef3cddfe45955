//! What planning and the digests read besides the notices: outlets with their recipients (contact
//! emails, contacts with roles minus those who opted out, the account manager), articles, reprint
//! URLs, acknowledgements; and the digest item of one notice.

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Deserialize;

use super::store::NoticeRow;
use super::DigestItem;
use super::{EXPIRY, STILL_ONLINE};
use crate::db::schema::{articles, notice_acknowledgements, outlets, reprints, users};
use crate::db::DbConnection;
use crate::licenses::rules::Action;
use crate::licenses::store::LicenseRow;

pub(super) fn has_archive(actions: &str) -> bool {
    actions.split(',').any(|a| a == Action::Archive.as_str())
}

/// A contact as stored in `outlets.contacts`.
#[derive(Debug, Clone, Deserialize)]
struct StoredContact {
    email: String,
    #[serde(default)]
    opted_out: bool,
}

/// Who gets an outlet's notices: `contact_emails` and `contacts`, lower case, without those who
/// opted out (an opt-out in `contacts` also silences the same address in `contact_emails`).
pub fn recipients(contact_emails: &str, contacts: Option<&str>) -> Vec<String> {
    let plain: Vec<String> = serde_json::from_str(contact_emails).unwrap_or_default();
    let people: Vec<StoredContact> = contacts
        .and_then(|c| serde_json::from_str(c).ok())
        .unwrap_or_default();
    let out_of = |email: &str| {
        people
            .iter()
            .any(|p| p.opted_out && p.email.eq_ignore_ascii_case(email))
    };
    let mut all: Vec<String> = plain
        .iter()
        .map(String::as_str)
        .chain(
            people
                .iter()
                .filter(|p| !p.opted_out)
                .map(|p| p.email.as_str()),
        )
        .filter(|e| !out_of(e))
        .map(str::to_lowercase)
        .collect();
    all.sort();
    all.dedup();
    all
}

pub(super) struct Outlet {
    pub name: String,
    pub contacts: Vec<String>,
    /// The staff user copied on this outlet's notices (their email)
    pub account_manager: Option<String>,
}

/// id, name, contact_emails, contacts, account_manager_user_id
type OutletColumns = (i64, String, String, Option<String>, Option<i64>);

pub(super) fn load_outlets(
    conn: &mut DbConnection,
    ids: impl IntoIterator<Item = i64>,
) -> QueryResult<HashMap<i64, Outlet>> {
    let mut ids: Vec<i64> = ids.into_iter().collect();
    ids.sort_unstable();
    ids.dedup();
    let mut rows: Vec<OutletColumns> = Vec::new();
    for chunk in ids.chunks(500) {
        rows.extend(
            outlets::table
                .filter(outlets::id.eq_any(chunk))
                .select((
                    outlets::id,
                    outlets::name,
                    outlets::contact_emails,
                    outlets::contacts,
                    outlets::account_manager_user_id,
                ))
                .load::<OutletColumns>(conn)?,
        );
    }
    let managers: Vec<i64> = rows.iter().filter_map(|r| r.4).collect();
    let emails: HashMap<i64, String> = if managers.is_empty() {
        HashMap::new()
    } else {
        users::table
            .filter(users::id.eq_any(&managers))
            .filter(users::active.eq(true))
            .select((users::id, users::email))
            .load::<(i64, String)>(conn)?
            .into_iter()
            .collect()
    };
    Ok(rows
        .into_iter()
        .map(|(id, name, plain, people, manager)| {
            (
                id,
                Outlet {
                    name,
                    contacts: recipients(&plain, people.as_deref()),
                    account_manager: manager
                        .and_then(|m| emails.get(&m))
                        .map(|e| e.to_lowercase()),
                },
            )
        })
        .collect())
}

/// The latest acknowledgement date of each license (of the last year, seen from `today`).
pub(super) fn snoozed_until(
    conn: &mut DbConnection,
    license_ids: &[i64],
    today: NaiveDate,
) -> QueryResult<HashMap<i64, NaiveDate>> {
    let mut out: HashMap<i64, NaiveDate> = HashMap::new();
    for chunk in license_ids.chunks(500) {
        let rows: Vec<(i64, NaiveDate)> = notice_acknowledgements::table
            .filter(notice_acknowledgements::license_id.eq_any(chunk))
            // A lead whose day fell before the date stays skipped after it: it is not sent late.
            .filter(notice_acknowledgements::until.gt(today - chrono::Duration::days(366)))
            .select((
                notice_acknowledgements::license_id,
                notice_acknowledgements::until,
            ))
            .load(conn)?;
        for (license, until) in rows {
            let entry = out.entry(license).or_insert(until);
            *entry = (*entry).max(until);
        }
    }
    Ok(out)
}

/// Is a lead notice of `days` before `end` snoozed? Its day falls before the acknowledgement's
/// date: such a lead is skipped, not sent late; leads on or after that date go out as usual.
pub fn snoozed(end: NaiveDate, days: u32, until: Option<NaiveDate>) -> bool {
    until.is_some_and(|until| end - chrono::Duration::days(i64::from(days)) < until)
}

/// Reprints whose page was found online after their rights ended: (reprint, license, url), of
/// the given licenses or of all.
pub(super) fn still_online(
    conn: &mut DbConnection,
    license_ids: Option<&[i64]>,
) -> QueryResult<Vec<(i64, i64, String)>> {
    let mut query = reprints::table
        .filter(reprints::deleted_at.is_null())
        .filter(reprints::verify_still_online_after_end.eq(true))
        .order(reprints::id.asc())
        .select((reprints::id, reprints::license_id, reprints::url))
        .into_boxed();
    if let Some(ids) = license_ids {
        query = query.filter(reprints::license_id.eq_any(ids.to_vec()));
    }
    Ok(query
        .load::<(i64, Option<i64>, Option<String>)>(conn)?
        .into_iter()
        .filter_map(|(id, license, url)| Some((id, license?, url?)))
        .collect())
}

pub(super) fn reprint_urls(
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

/// Everything the digests of some notices need, loaded in a few queries.
pub(super) struct Context {
    pub licenses: HashMap<i64, LicenseRow>,
    pub outlets: HashMap<i64, Outlet>,
    pub articles: HashMap<i64, (String, Option<String>)>,
    pub urls: HashMap<i64, Vec<String>>,
    /// Licenses whose lead notices are snoozed, and until when
    pub snoozed: HashMap<i64, NaiveDate>,
    /// Reprint pages found still online after their license's rights ended
    pub online: HashMap<i64, Vec<String>>,
    /// Reprints recorded after their license ended (the notices' own)
    pub late: HashMap<i64, Vec<String>>,
}

pub(super) fn load_context(
    conn: &mut DbConnection,
    notices: &[NoticeRow],
    today: NaiveDate,
) -> QueryResult<Context> {
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
    let snoozed = snoozed_until(conn, &ids, today)?;
    let mut online: HashMap<i64, Vec<String>> = HashMap::new();
    for (_, license, url) in still_online(conn, Some(&ids))? {
        online.entry(license).or_default().push(url);
    }
    let late = super::late::late_urls(conn, notices)?;
    Ok(Context {
        online,
        late,
        licenses,
        outlets,
        articles,
        urls,
        snoozed,
    })
}

pub(super) fn digest_item(
    notice: &NoticeRow,
    ctx: &Context,
    desk_email: Option<&str>,
    public_url: Option<&str>,
) -> Option<DigestItem> {
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
    let takedown = notice.kind != EXPIRY;
    Some(DigestItem {
        license_id: license.id,
        portal: super::portal_link(public_url, license.id),
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
        reprint_urls: if notice.kind == STILL_ONLINE {
            ctx.online.get(&license.id).cloned().unwrap_or_default()
        } else if notice.kind == super::LATE_REPRINT {
            ctx.late.get(&license.id).cloned().unwrap_or_default()
        } else if takedown {
            ctx.urls.get(&license.id).cloned().unwrap_or_default()
        } else {
            Vec::new()
        },
    })
}
