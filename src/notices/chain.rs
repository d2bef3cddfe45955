//! Takedowns down a rights chain: when a license is revoked or suspended, every license that
//! rests on it (directly or further down) loses its right, and its licensee and the desk hear of
//! it once (kind `takedown`, lead `upstream-<id>`), through the outbox like every notice.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::store::PlanLicense;
use crate::db::schema::licenses;
use crate::db::DbConnection;
use crate::licenses::rules::LicenseStatus;

/// The lead of a takedown whose upstream ended.
pub const UPSTREAM_LEAD: &str = "upstream-";

/// A license whose upstream license was revoked or suspended.
#[derive(Debug, Clone)]
pub struct UpstreamEnded {
    pub license: PlanLicense,
    pub upstream_license_id: i64,
    pub ended_on: NaiveDate,
}

/// Licenses downstream of a license revoked or suspended since `since`: the direct ones in one
/// query (the upstream index), those further down from there.
pub fn upstream_ended(
    conn: &mut DbConnection,
    since: NaiveDateTime,
) -> QueryResult<Vec<UpstreamEnded>> {
    let up = diesel::alias!(licenses as ended_upstream);
    let direct: Vec<(PlanLicense, i64, NaiveDateTime)> =
        crate::on_backend!(conn, |c| licenses::table
            .inner_join(up.on(licenses::upstream_license_id.eq(up.field(licenses::id).nullable())))
            .filter(up.field(licenses::deleted_at).is_null())
            .filter(
                up.field(licenses::status)
                    .ne(LicenseStatus::Active.as_str())
            )
            .filter(up.field(licenses::updated_at).ge(since))
            .filter(licenses::deleted_at.is_null())
            .filter(licenses::status.ne(LicenseStatus::Revoked.as_str()))
            .select((
                PlanLicense::as_select(),
                up.field(licenses::id),
                up.field(licenses::updated_at),
            ))
            .load(c))?;
    let mut out = Vec::new();
    for (license, upstream, at) in direct {
        let below = crate::licenses::store::downstream(conn, license.id)?;
        if !below.is_empty() {
            let ids: Vec<i64> = below.iter().map(|l| l.id).collect();
            let further: Vec<PlanLicense> = licenses::table
                .filter(licenses::id.eq_any(ids))
                .select(PlanLicense::as_select())
                .load(conn)?;
            out.extend(further.into_iter().map(|license| UpstreamEnded {
                license,
                upstream_license_id: upstream,
                ended_on: at.date(),
            }));
        }
        out.push(UpstreamEnded {
            license,
            upstream_license_id: upstream,
            ended_on: at.date(),
        });
    }
    Ok(out)
}
