//! Cursor pagination: `?limit=` (default 50, max 500) and `?cursor=`, the last id of the page before.

use serde::{Deserialize, Serialize};

use crate::http::problem::ApiError;

/// Page size when the request names none.
pub const DEFAULT_LIMIT: i64 = 50;
/// The largest page size.
pub const MAX_LIMIT: i64 = 500;

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
/// The page a list request asks for, as sent.
pub struct PageParams {
    /// Page size, 1 to 500 (default 50)
    #[param(value_type = Option<u32>, minimum = 1, maximum = 500)]
    pub limit: Option<String>,
    /// Where the previous page ended (its `next_cursor`)
    #[param(pattern = "^[0-9]{0,18}$")]
    pub cursor: Option<String>,
}

/// A validated page request: items with an id above `after_id`, at most `limit` of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Page {
    /// Items with an id above this one.
    pub after_id: i64,
    /// At most this many items.
    pub limit: i64,
}

impl PageParams {
    /// Parses the limit and the cursor: 400 when either is not valid.
    pub fn parse(&self) -> Result<Page, ApiError> {
        let limit = match self.limit.as_deref() {
            None => DEFAULT_LIMIT,
            Some(raw) => match raw.trim().parse::<i64>() {
                Ok(n) if (1..=MAX_LIMIT).contains(&n) => n,
                _ => {
                    return Err(ApiError::BadRequest(format!(
                        "limit must be a whole number from 1 to {MAX_LIMIT}"
                    )))
                }
            },
        };
        let after_id = match self.cursor.as_deref() {
            None | Some("") => 0,
            Some(raw) => decode_cursor(raw)
                .ok_or_else(|| ApiError::BadRequest("the cursor is not valid".into()))?,
        };
        Ok(Page { after_id, limit })
    }
}

/// A cursor is the last id of the page before, in decimal: `^[0-9]{1,18}$`, so that every cursor
/// the OpenAPI pattern admits is one the server reads.
fn decode_cursor(raw: &str) -> Option<i64> {
    if raw.is_empty() || raw.len() > 18 || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    raw.parse().ok()
}

/// The cursor of the page after the item with this id.
pub fn encode_cursor(after_id: i64) -> String {
    after_id.to_string()
}

/// One page of a list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Paged<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// Where the next page starts, or null on the last page.
    pub next_cursor: Option<String>,
}

impl<T> Paged<T> {
    /// Builds a page from rows fetched with `limit`; a full page gets a cursor after its last id.
    pub fn new<R>(
        rows: Vec<R>,
        page: Page,
        id: impl Fn(&R) -> i64,
        view: impl FnMut(R) -> T,
    ) -> Paged<T> {
        let next_cursor = if rows.len() as i64 == page.limit {
            rows.last().map(|r| encode_cursor(id(r)))
        } else {
            None
        };
        Paged {
            items: rows.into_iter().map(view).collect(),
            next_cursor,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_and_cursors() {
        let p = PageParams {
            limit: None,
            cursor: None,
        }
        .parse()
        .unwrap();
        assert_eq!(
            p,
            Page {
                after_id: 0,
                limit: 50
            }
        );
        assert!(PageParams {
            limit: Some("100000".into()),
            cursor: None
        }
        .parse()
        .is_err());
        assert!(PageParams {
            limit: Some("0".into()),
            cursor: None
        }
        .parse()
        .is_err());
        assert!(PageParams {
            limit: Some("x".into()),
            cursor: None
        }
        .parse()
        .is_err());
        let c = encode_cursor(42);
        assert_eq!(
            PageParams {
                limit: None,
                cursor: Some(c)
            }
            .parse()
            .unwrap()
            .after_id,
            42
        );
        assert!(PageParams {
            limit: None,
            cursor: Some("garbage!".into())
        }
        .parse()
        .is_err());
    }
}
