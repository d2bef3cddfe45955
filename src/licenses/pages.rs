//! Pages of the license list, kept in memory as the JSON they were answered with.
//!
//! A partner's CMS or a desk's dashboard asks for the same few pages (its licenses in force
//! today, those ending soon) again and again, and the answer changes only when a license, an
//! outlet's name or an article is written. A page is remembered (in a [`Remembered`] cache,
//! bounded by weight) per caller scope, filter, cursor, limit and day, and used only while no
//! write that could change it has committed since it was loaded: every write that can change a
//! license list moves all stamps ([`crate::db::Db::write`]); the writes that name less (a new
//! reprint: its outlet; users, keys, notices, verification results: nothing) change nothing a
//! license list shows. The day is part of the key because a license's shown state (`expired`)
//! depends on it.

use actix_web::web::Bytes;
use chrono::NaiveDate;

use super::service;
use super::store::{self, LicenseFilter};
use crate::auth::Scope;
use crate::db::remembered::{Recall, Remembered};
use crate::db::Db;
use crate::http::pagination::{Page, Paged};
use crate::http::problem::ApiError;

/// Pages up to this size are read on the worker's own connection (SQLite) like point reads;
/// larger ones go to the blocking pool.
const SMALL_PAGE: i64 = 100;

#[derive(Clone, PartialEq, Eq, Hash)]
struct PageKey {
    scope: Scope,
    filter: LicenseFilter,
    page: Page,
    today: NaiveDate,
}

/// The per-process cache of license list pages (one for all workers).
pub struct LicensePages {
    entries: Remembered<PageKey, Bytes>,
}

impl LicensePages {
    /// A cache holding about `max_bytes` of answers (0: every page is read from the database).
    pub fn new(max_bytes: u64) -> LicensePages {
        LicensePages {
            entries: Remembered::new("rightsdesk_license_page_cache_total", max_bytes, 40_000),
        }
    }

    /// The page as the JSON body of a `Paged<LicenseView>`.
    pub async fn page(
        &self,
        db: &Db,
        scope: Scope,
        filter: LicenseFilter,
        page: Page,
    ) -> Result<Bytes, ApiError> {
        let key = PageKey {
            scope,
            filter,
            page,
            today: crate::types::today(),
        };
        // License lists change only with writes that move every stamp; the partition is moot.
        let stamp = match self.entries.recall(db.changes(), 0, &key) {
            Recall::Hit(body) => return Ok(body),
            Recall::Miss(stamp) => stamp,
        };
        let filter = key.filter.clone();
        let work = move |conn: &mut crate::db::DbConnection| {
            let rows = store::list(conn, scope, &filter, page.after_id, page.limit)?;
            let views = service::views(conn, &rows)?;
            let paged = Paged::new(
                rows.iter().zip(views).collect(),
                page,
                |(r, _)| r.id,
                |(_, v)| v,
            );
            serde_json::to_vec(&paged)
                .map_err(|e| ApiError::Internal(anyhow::anyhow!("serialising a license page: {e}")))
        };
        let body = Bytes::from(if page.limit <= SMALL_PAGE {
            db.read_point(work).await?
        } else {
            db.read(work).await?
        });
        self.entries
            .keep(key, stamp, body.clone(), body.len() as u64 + 256);
        Ok(body)
    }
}
