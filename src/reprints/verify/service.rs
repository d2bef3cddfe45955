//! Verifying reprints: load what the license asks, fetch the page, judge, store. Used by
//! `POST /v1/reprints/{id}/verify` and by the worker's scheduled re-checks.

use chrono::NaiveDate;
use diesel::prelude::*;
use url::Url;

use super::page::{self, Findings};
use super::{judge, next_check, Fetcher, Verdict};
use crate::auth::Scope;
use crate::db::schema::articles;
use crate::db::{Db, DbConnection, StoreError};
use crate::licenses::rules::{Action, LicenseStatus};
use crate::reprints::store::{self, ReprintRow};

/// Why a reprint could not be verified.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("the reprint has no url to check")]
    NoUrl,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<diesel::result::Error> for VerifyError {
    fn from(err: diesel::result::Error) -> Self {
        VerifyError::Store(err.into())
    }
}

/// What one check needs, read before the fetch (no transaction is held over the network).
#[derive(Debug, Clone)]
struct Target {
    id: i64,
    url: Url,
    credit_line: Option<String>,
    original: Option<Url>,
    rights_end: Option<NaiveDate>,
    rights_ended: bool,
}

fn load(
    conn: &mut DbConnection,
    id: i64,
    scope: Scope,
    today: NaiveDate,
) -> Result<Target, VerifyError> {
    let row = store::find(conn, id, scope)?;
    let url = row
        .url
        .as_deref()
        .and_then(|u| Url::parse(u).ok())
        .ok_or(VerifyError::NoUrl)?;
    let original: Option<String> = articles::table
        .find(row.article_id)
        .select(articles::url)
        .first::<Option<String>>(conn)
        .optional()?
        .flatten();
    let license = match row.license_id {
        Some(lid) => crate::licenses::store::find_any(conn, lid).optional()?,
        None => None,
    };
    let (credit_line, rights_end, rights_ended) = match &license {
        Some(l) => {
            let archive = l.actions.split(',').any(|a| a == Action::Archive.as_str());
            let over = l.deleted_at.is_some()
                || l.status == LicenseStatus::Revoked.as_str()
                || l.valid_until.is_some_and(|end| end < today);
            (l.credit_line.clone(), l.valid_until, over && !archive)
        }
        None => (None, None, false),
    };
    Ok(Target {
        id: row.id,
        url,
        credit_line,
        original: original.and_then(|o| Url::parse(&o).ok()),
        rights_end,
        rights_ended,
    })
}

async fn check(fetcher: &Fetcher, target: &Target) -> Verdict {
    let fetched = fetcher.get(&target.url).await.map(|page| {
        let read = page::read(&page.body, &page.url);
        let found: Findings = page::check(
            &read,
            target.credit_line.as_deref(),
            target.original.as_ref(),
        );
        (page.status, found)
    });
    judge(fetched.map_err(|e| e.to_string()), target.rights_ended)
}

/// Checks one reprint's page now and stores the outcome.
#[tracing::instrument(skip(db, fetcher))]
pub async fn verify(
    db: &Db,
    fetcher: &Fetcher,
    id: i64,
    scope: Scope,
    today: NaiveDate,
) -> Result<ReprintRow, VerifyError> {
    let target = db.read(move |c| load(c, id, scope, today)).await?;
    let verdict = check(fetcher, &target).await;
    let next = next_check(today, target.rights_end, target.rights_ended, &verdict);
    let row = db
        .write_touching(crate::db::Touches::Nothing, move |c| {
            store::record_verification(c, target.id, &verdict, next, crate::types::now())
                .map_err(VerifyError::from)
        })
        .await?;
    Ok(row)
}

/// Re-checks up to `limit` reprints whose check is due: the scheduled date has come, or the
/// license was revoked since the last check. Answers how many were checked.
#[tracing::instrument(skip(db, fetcher))]
pub async fn reverify_due(
    db: &Db,
    fetcher: &Fetcher,
    today: NaiveDate,
    limit: i64,
) -> Result<usize, VerifyError> {
    let due = db
        .read(move |c| store::due_for_check(c, today, limit).map_err(VerifyError::from))
        .await?;
    let mut checked = 0;
    for id in due {
        match verify(db, fetcher, id, Scope::All, today).await {
            Ok(_) => checked += 1,
            // Deleted or without a URL since it was picked: nothing to check.
            Err(VerifyError::NoUrl | VerifyError::Store(StoreError::NotFound)) => {}
            Err(err) => return Err(err),
        }
    }
    Ok(checked)
}
