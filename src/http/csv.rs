//! CSV exports of lists (`Accept: text/csv`), streamed page by page so that a million rows never
//! sit in memory. Same filters and scoping as the JSON list.

use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse};

use crate::db::{Db, DbConnection};
use crate::http::problem::ApiError;

/// Rows fetched per database round trip.
const CHUNK: i64 = 1000;

/// Does the client ask for CSV?
pub fn wanted(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/csv"))
}

fn encode(records: &[Vec<String>]) -> Result<Bytes, ApiError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for record in records {
        writer
            .write_record(record)
            .map_err(|e| ApiError::Internal(anyhow::anyhow!("writing CSV: {e}")))?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("writing CSV: {e}")))?;
    Ok(Bytes::from(bytes))
}

/// Streams `header` and then every row `fetch` gives, `CHUNK` rows at a time (keyset on `id`).
pub fn stream<Row, F, R>(
    db: Db,
    filename: &str,
    header: &'static [&'static str],
    fetch: F,
    record: R,
) -> HttpResponse
where
    Row: Send + 'static,
    F: Fn(&mut DbConnection, i64, i64) -> diesel::QueryResult<Vec<Row>> + Clone + Send + 'static,
    R: Fn(&Row) -> (i64, Vec<String>) + Clone + 'static,
{
    let first = vec![header.iter().map(|h| h.to_string()).collect::<Vec<_>>()];
    let state = Some((0i64, true));
    let body = futures_util::stream::unfold(state, move |state| {
        let (db, fetch, record, first) = (db.clone(), fetch.clone(), record.clone(), first.clone());
        async move {
            let (after, is_first) = state?;
            let rows = match db
                .read(move |conn| Ok::<_, ApiError>(fetch(conn, after, CHUNK)?))
                .await
            {
                Ok(rows) => rows,
                Err(err) => return Some((Err(actix_web::Error::from(err)), None)),
            };
            let full = rows.len() as i64 == CHUNK;
            let mut records = if is_first { first } else { Vec::new() };
            let mut last = after;
            for row in &rows {
                let (id, fields) = record(row);
                last = id;
                records.push(fields);
            }
            if records.is_empty() {
                return None;
            }
            let next = full.then_some((last, false));
            Some((encode(&records).map_err(actix_web::Error::from), next))
        }
    });
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}.csv\""),
        ))
        .streaming(body)
}

/// An optional value as a CSV cell: empty when absent.
pub fn opt<T: ToString>(value: &Option<T>) -> String {
    value.as_ref().map(|v| v.to_string()).unwrap_or_default()
}
