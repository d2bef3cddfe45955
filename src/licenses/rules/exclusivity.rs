//! Do two licenses of one grantor reach the same use, and does that stand in the way of an
//! exclusive grant?

use chrono::NaiveDate;

use super::{Coverage, LicenseStatus, Terms};

/// Do two licenses of one grantor reach the same use? Same article (or an article inside a
/// feed's range, or two intersecting feed ranges), and intersecting territories, media and
/// windows. `published_on` gives the publication date of an article-scoped license's article.
pub fn overlap(a: &Terms, b: &Terms, published_on: impl Fn(i64) -> Option<NaiveDate>) -> bool {
    if a.grantor != b.grantor {
        return false;
    }
    let same_articles = match (a.coverage, b.coverage) {
        (Coverage::Article(x), Coverage::Article(y)) => x == y,
        (Coverage::Article(x), Coverage::Feed(range))
        | (Coverage::Feed(range), Coverage::Article(x)) => range.contains(published_on(x)),
        (Coverage::Feed(r1), Coverage::Feed(r2)) => r1.intersects(&r2),
    };
    same_articles
        && a.territories.intersects(&b.territories)
        && a.media.iter().any(|m| b.media.contains(m))
        && a.window.intersects(&b.window)
}

/// Does a license stand in the way of exclusivity? Another licensee, not revoked, overlapping,
/// and one of the two exclusive.
pub fn exclusivity_conflict(
    new: &Terms,
    existing: &Terms,
    published_on: impl Fn(i64) -> Option<NaiveDate>,
) -> bool {
    new.id != existing.id
        && new.licensee != existing.licensee
        && existing.status != LicenseStatus::Revoked
        && new.status != LicenseStatus::Revoked
        && (new.exclusive || existing.exclusive)
        && overlap(new, existing, published_on)
}
