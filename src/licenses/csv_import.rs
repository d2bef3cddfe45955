//! CSV import of licenses: the columns `GET /v1/licenses` exports with `Accept: text/csv`, read
//! back row by row into license terms. Pure: every row's mistakes are collected under
//! `rows[N].field` (N is the spreadsheet's row number, the header being row 1); the service checks
//! the rows against the database and writes all of them or none. A row with an `id` names the
//! license it updates (its `version`, when given, must be the stored one); a row without creates.

use std::collections::HashMap;

use super::rules::LicenseStatus;
use super::{LicenseDraft, NewLicenseRequest};
use crate::http::fields::Fields;
use crate::http::problem::{ApiError, FieldError};

/// Rows one import takes at most.
pub const MAX_ROWS: usize = 10_000;

/// The columns `GET /v1/licenses` exports with `Accept: text/csv`, in order.
pub const EXPORTED: &[&str] = &[
    "id",
    "grantor_outlet_id",
    "licensee_outlet_id",
    "scope",
    "article_id",
    "feed_published_from",
    "feed_published_until",
    "actions",
    "media",
    "territories",
    "valid_from",
    "valid_until",
    "exclusive",
    "credit_line",
    "fee_cents",
    "currency",
    "max_reprints",
    "status",
    "status_reason",
    "version",
    "created_at",
    "updated_at",
    "upstream_license_id",
    "data_mining",
    "tdm_policy_url",
];
/// Exported, but set by the service: accepted and ignored, so an export goes back in unchanged.
const IGNORED: &[&str] = &["created_at", "updated_at"];
/// Name the license a row updates, and the version it was exported at.
const IDENTITY: &[&str] = &["id", "version"];
/// Read by the import but not exported.
const IMPORT_ONLY: &[&str] = &["notes"];

/// Does the import read this column?
fn is_read(name: &str) -> bool {
    (EXPORTED.contains(&name) && !IGNORED.contains(&name) && !IDENTITY.contains(&name))
        || IMPORT_ONLY.contains(&name)
}

const REQUIRED: &[&str] = &[
    "grantor_outlet_id",
    "licensee_outlet_id",
    "scope",
    "actions",
    "media",
    "territories",
    "valid_from",
];

/// One parsed row: its spreadsheet row number, the license it updates (if any) and its terms.
#[derive(Debug)]
pub struct ImportRow {
    pub row: usize,
    pub id: Option<i64>,
    pub version: Option<i32>,
    /// Whether the file has a `notes` column (without one, an update keeps the notes).
    pub has_notes: bool,
    pub draft: LicenseDraft,
}

/// The license a row names and the version it was read at.
fn identity(cells: &HashMap<&str, &str>) -> Result<(Option<i64>, Option<i32>), Vec<FieldError>> {
    let mut errors = Vec::new();
    let get = |name: &str| cells.get(name).map(|s| s.trim()).filter(|s| !s.is_empty());
    let id = match get("id") {
        None => None,
        Some(raw) => match raw.parse::<i64>() {
            Ok(n) if n > 0 => Some(n),
            _ => {
                errors.push(FieldError::new(
                    "id",
                    format!("'{raw}' is not a license id"),
                ));
                None
            }
        },
    };
    let version = match get("version") {
        None => None,
        Some(raw) => match raw.parse::<i32>() {
            Ok(n) if n > 0 => Some(n),
            _ => {
                errors.push(FieldError::new(
                    "version",
                    format!("'{raw}' is not a version"),
                ));
                None
            }
        },
    };
    if errors.is_empty() {
        Ok((id, version))
    } else {
        Err(errors)
    }
}

fn prefix(row: usize, errors: Vec<FieldError>) -> impl Iterator<Item = FieldError> {
    errors.into_iter().map(move |e| {
        let field = if e.field.is_empty() {
            format!("rows[{row}]")
        } else {
            format!("rows[{row}].{}", e.field)
        };
        FieldError::new(field, e.message)
    })
}

fn list(cell: &str) -> Vec<String> {
    cell.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn parse_row(cells: &HashMap<&str, &str>) -> Result<LicenseDraft, Vec<FieldError>> {
    let mut f = Fields::new();
    let get = |name: &str| cells.get(name).map(|s| s.trim()).filter(|s| !s.is_empty());
    let number = |f: &mut Fields, name: &str| -> Option<i64> {
        let raw = get(name)?;
        match raw.parse() {
            Ok(n) => Some(n),
            Err(_) => {
                f.error(name, format!("'{raw}' is not a whole number"));
                None
            }
        }
    };
    let grantor = number(&mut f, "grantor_outlet_id").unwrap_or(0);
    let licensee = number(&mut f, "licensee_outlet_id").unwrap_or(0);
    let article_id = number(&mut f, "article_id");
    let fee_cents = number(&mut f, "fee_cents");
    let upstream = number(&mut f, "upstream_license_id");
    let max_reprints = number(&mut f, "max_reprints").and_then(|n| {
        i32::try_from(n).ok().or_else(|| {
            f.error("max_reprints", "is too large");
            None
        })
    });
    let exclusive = match get("exclusive").map(str::to_ascii_lowercase).as_deref() {
        None | Some("false" | "no" | "0") => false,
        Some("true" | "yes" | "1") => true,
        Some(other) => {
            f.error("exclusive", format!("'{other}' is not true or false"));
            false
        }
    };
    let status: LicenseStatus = f
        .parse("status", get("status"))
        .unwrap_or(LicenseStatus::Active);
    let status_reason = get("status_reason").map(str::to_string);
    let request = NewLicenseRequest {
        grantor_outlet_id: grantor,
        licensee_outlet_id: licensee,
        scope: get("scope").unwrap_or("").to_string(),
        article_id,
        feed_published_from: get("feed_published_from").map(str::to_string),
        feed_published_until: get("feed_published_until").map(str::to_string),
        actions: list(get("actions").unwrap_or("")),
        media: list(get("media").unwrap_or("")),
        territories: list(get("territories").unwrap_or("")),
        valid_from: get("valid_from").unwrap_or("").to_string(),
        valid_until: get("valid_until").map(str::to_string),
        exclusive,
        credit_line: get("credit_line").map(str::to_string),
        fee_cents,
        currency: get("currency").map(str::to_string),
        max_reprints,
        notes: get("notes").map(str::to_string),
        notice_leads: None,
        upstream_license_id: upstream,
        data_mining: get("data_mining").map(str::to_string),
        tdm_policy_url: get("tdm_policy_url").map(str::to_string),
    };
    let mut errors = match f.finish(()) {
        Ok(()) => Vec::new(),
        Err(ApiError::Validation(errors)) => errors,
        Err(_) => Vec::new(),
    };
    match request.parse() {
        Ok(mut draft) if errors.is_empty() => {
            draft.status = status;
            draft.status_reason = status_reason;
            Ok(draft)
        }
        Ok(_) => Err(errors),
        Err(ApiError::Validation(more)) => {
            errors.extend(more);
            Err(errors)
        }
        Err(other) => {
            errors.push(FieldError::new("", other.to_string()));
            Err(errors)
        }
    }
}

/// Reads the whole file: the rows, or a 422 naming every refused row and field.
pub fn parse(body: &[u8]) -> Result<Vec<ImportRow>, ApiError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .trim(csv::Trim::None)
        .from_reader(body);
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| {
            ApiError::validation("header", format!("the CSV header is not readable: {e}"))
        })?
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_string())
        .collect();
    let mut errors = Vec::new();
    for name in &header {
        if !is_read(name) && !IGNORED.contains(&name.as_str()) && !IDENTITY.contains(&name.as_str())
        {
            errors.push(FieldError::new(
                "header",
                format!("'{name}' is not a license column"),
            ));
        }
    }
    for name in REQUIRED {
        if !header.iter().any(|h| h == name) {
            errors.push(FieldError::new(
                "header",
                format!("the column '{name}' is missing"),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let row = i + 2;
        if rows.len() + errors.len() >= MAX_ROWS {
            errors.push(FieldError::new(
                format!("rows[{row}]"),
                format!("an import takes at most {MAX_ROWS} rows; split the file"),
            ));
            break;
        }
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                errors.push(FieldError::new(
                    format!("rows[{row}]"),
                    format!("the row is not readable CSV: {e}"),
                ));
                continue;
            }
        };
        let cells: HashMap<&str, &str> = header
            .iter()
            .map(String::as_str)
            .zip(record.iter())
            .collect();
        match (identity(&cells), parse_row(&cells)) {
            (Ok((id, version)), Ok(draft)) => rows.push(ImportRow {
                row,
                id,
                version,
                has_notes: header.iter().any(|h| h == "notes"),
                draft,
            }),
            (first, second) => {
                let mut row_errors = first.err().unwrap_or_default();
                row_errors.extend(second.err().unwrap_or_default());
                errors.extend(prefix(row, row_errors));
            }
        }
    }
    if rows.is_empty() && errors.is_empty() {
        errors.push(FieldError::new("rows", "the file has no license rows"));
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(ApiError::Validation(errors))
    }
}

/// The import's database errors, for one row.
/// A row's refusal as field errors named `rows[N].field`; anything that is not a refusal of the
/// row (an outage, a bug) is passed on as it is, so it answers 503 or 500, not 422.
pub fn row_errors(row: usize, err: ApiError) -> Result<Vec<FieldError>, ApiError> {
    match err {
        ApiError::Validation(errors) => Ok(prefix(row, errors).collect()),
        ApiError::Conflict(message)
        | ApiError::ConflictCode {
            detail: message, ..
        } => Ok(vec![FieldError::new(format!("rows[{row}]"), message)]),
        ApiError::NotFound => Ok(vec![FieldError::new(
            format!("rows[{row}]"),
            "names a record that does not exist",
        )]),
        other => Err(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "grantor_outlet_id,licensee_outlet_id,scope,article_id,actions,media,territories,valid_from,valid_until,credit_line\n\
        1,2,feed,,republish,\"web,print\",\"US,CA\",2025-01-01,2025-12-31,\"This article was originally published on Worthy News and was reproduced with permission.\"\n\
        1,3,article,7,excerpt,web,WORLD,2025-02-23,,\n";

    #[test]
    fn good_rows_parse() {
        let rows = parse(GOOD.as_bytes()).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].row, 2);
        assert_eq!(rows[0].draft.media.len(), 2);
        assert_eq!(rows[1].row, 3);
    }

    #[test]
    fn every_bad_row_is_reported() {
        let bad = format!(
            "{GOOD}1,2,feed,,steal,web,US,2025-13-01,,\nx,2,feed,,republish,web,XX,2025-01-01,,\n"
        );
        let ApiError::Validation(errors) = parse(bad.as_bytes()).unwrap_err() else {
            panic!("expected 422");
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert!(fields.contains(&"rows[4].actions[0]"), "{fields:?}");
        assert!(fields.contains(&"rows[4].valid_from"), "{fields:?}");
        assert!(fields.contains(&"rows[5].grantor_outlet_id"), "{fields:?}");
        assert!(fields.contains(&"rows[5].territories"), "{fields:?}");
        assert!(!fields
            .iter()
            .any(|f| f.starts_with("rows[2]") || f.starts_with("rows[3]")));
    }

    #[test]
    fn unknown_and_missing_columns_are_named() {
        let ApiError::Validation(errors) = parse(b"licensee,scope\n1,feed\n").unwrap_err() else {
            panic!("expected 422");
        };
        assert!(errors
            .iter()
            .any(|e| e.message.contains("'licensee' is not")));
        assert!(errors
            .iter()
            .any(|e| e.message.contains("'valid_from' is missing")));
    }
}
