//! `/desk/ingest`: paste an article's text, see what the extraction read (each value, its
//! confidence, its evidence highlighted in the text), then save it as an article through the
//! same ingest as `POST /v1/articles/ingest`.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

use super::desk::require_staff;
use super::page::{html, render, PageError};
use super::session::Visitor;
use crate::articles::extract::{extract, Evidence, Extracted, Found};
use crate::articles::ingest::{self as ingest, IngestDraft, Ingested};
use crate::auth::{Permission, Scope};
use crate::db::Db;
use crate::http::problem::ApiError;
use crate::types::WebUrl;

/// Pasted text above this many bytes is refused with a message.
pub const TEXT_LIMIT: usize = 2 * 1024 * 1024;

/// One extracted field as the page shows it.
#[derive(Serialize)]
struct Field {
    key: &'static str,
    label: &'static str,
    value: String,
    confidence: String,
    evidence: String,
}

/// A run of the text, highlighted when it is evidence for some field.
#[derive(Serialize, Debug, PartialEq)]
struct Segment {
    text: String,
    fields: Vec<&'static str>,
    class: &'static str,
}

#[derive(Serialize)]
struct IngestPage {
    title: &'static str,
    signed_in: bool,
    email: String,
    csrf: String,
    text: String,
    url: String,
    source_outlet_id: Option<i64>,
    outlets: Vec<(i64, String)>,
    fields: Vec<Field>,
    segments: Vec<Segment>,
    errors: Vec<String>,
    saved: Option<(i64, String, bool)>,
    may_save: bool,
}

fn field<T: ToString>(
    out: &mut Vec<Field>,
    spans: &mut Vec<(&'static str, Evidence)>,
    key: &'static str,
    label: &'static str,
    found: &Option<Found<T>>,
) {
    if let Some(found) = found {
        out.push(Field {
            key,
            label,
            value: found.value.to_string(),
            confidence: format!("{:.0}%", found.confidence * 100.0),
            evidence: found.evidence.text.clone(),
        });
        spans.push((key, found.evidence.clone()));
    }
}

fn fields(extracted: &Extracted) -> (Vec<Field>, Vec<(&'static str, Evidence)>) {
    let mut out = Vec::new();
    let mut spans = Vec::new();
    let e = extracted;
    field(&mut out, &mut spans, "title", "Title", &e.title);
    field(&mut out, &mut spans, "byline", "Byline", &e.byline);
    field(
        &mut out,
        &mut spans,
        "copyright_line",
        "Copyright line",
        &e.copyright_line,
    );
    field(
        &mut out,
        &mut spans,
        "copyright_holder",
        "Copyright holder",
        &e.copyright_holder,
    );
    field(
        &mut out,
        &mut spans,
        "copyright_year_from",
        "Copyright from",
        &e.copyright_year_from,
    );
    field(
        &mut out,
        &mut spans,
        "copyright_year_to",
        "Copyright to",
        &e.copyright_year_to,
    );
    field(
        &mut out,
        &mut spans,
        "permission_statement",
        "Permission statement",
        &e.permission_statement,
    );
    field(
        &mut out,
        &mut spans,
        "original_publisher",
        "Original publisher",
        &e.original_publisher,
    );
    if let Some(kind) = &e.permission_kind {
        out.push(Field {
            key: "permission_kind",
            label: "Permission kind",
            value: kind.value.as_str().to_string(),
            confidence: format!("{:.0}%", kind.confidence * 100.0),
            evidence: kind.evidence.text.clone(),
        });
    }
    field(
        &mut out,
        &mut spans,
        "license_name",
        "License",
        &e.license_name,
    );
    (out, spans)
}

/// Cuts `text` where evidence spans (offsets in characters) start and end; each piece names
/// the fields whose evidence covers it. The permission statement gets its own colour.
fn segments(text: &str, spans: &[(&'static str, Evidence)]) -> Vec<Segment> {
    let chars: Vec<char> = text.chars().collect();
    let mut cuts = vec![0, chars.len()];
    for (_, ev) in spans {
        cuts.push(ev.start.min(chars.len()));
        cuts.push(ev.end.min(chars.len()));
    }
    cuts.sort_unstable();
    cuts.dedup();
    cuts.windows(2)
        .filter_map(|w| match w {
            [a, b] if a < b => Some((*a, *b)),
            _ => None,
        })
        .map(|(a, b)| {
            let fields: Vec<&'static str> = spans
                .iter()
                .filter(|(_, ev)| ev.start <= a && b <= ev.end)
                .map(|(key, _)| *key)
                .collect();
            let class = if fields.contains(&"permission_statement") {
                "permission"
            } else if fields.is_empty() {
                ""
            } else {
                "evidence"
            };
            Segment {
                text: chars.get(a..b).unwrap_or_default().iter().collect(),
                fields,
                class,
            }
        })
        .collect()
}

#[derive(Deserialize)]
pub struct IngestForm {
    csrf: Option<String>,
    #[serde(default)]
    text: String,
    url: Option<String>,
    source_outlet_id: Option<String>,
    /// "look" shows the extraction; "save" stores the article too.
    intent: Option<String>,
}

async fn page(
    db: &Db,
    visitor: Visitor,
    form: Option<IngestForm>,
) -> Result<IngestPage, PageError> {
    let outlets = db
        .read(|conn| {
            Ok::<_, PageError>(crate::outlets::store::list(conn, Scope::All, None, 0, 500)?)
        })
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let may_save = crate::auth::allows(visitor.caller.role, Permission::WriteRecords);
    let mut page = IngestPage {
        title: "Read an article's rights",
        signed_in: true,
        email: visitor.email.clone(),
        csrf: visitor.csrf.clone(),
        text: String::new(),
        url: String::new(),
        source_outlet_id: None,
        outlets,
        fields: Vec::new(),
        segments: Vec::new(),
        errors: Vec::new(),
        saved: None,
        may_save,
    };
    let Some(form) = form else {
        return Ok(page);
    };
    page.url = form.url.clone().unwrap_or_default();
    if form.text.trim().is_empty() {
        page.errors
            .push("Article text: paste the article, footer included.".into());
        return Ok(page);
    }
    if form.text.len() > TEXT_LIMIT {
        page.errors
            .push("Article text: at most 2 MB; paste one article at a time.".into());
        return Ok(page);
    }
    let source = match form.source_outlet_id.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => match raw.parse::<i64>() {
            Ok(id) if id > 0 => Some(id),
            _ => {
                page.errors
                    .push("Source outlet: choose one of the list.".into());
                None
            }
        },
    };
    page.source_outlet_id = source;
    let url = match form.url.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => match raw.parse::<WebUrl>() {
            Ok(url) => Some(url),
            Err(e) => {
                page.errors.push(format!("Address: {e}."));
                None
            }
        },
    };
    let text = form.text;
    let (text, extracted) = web::block(move || {
        let extracted = extract(&text);
        (text, extracted)
    })
    .await
    .map_err(|e| PageError::Internal(anyhow::anyhow!("extraction task failed: {e}")))?;
    let (shown, spans) = fields(&extracted);
    page.fields = shown;
    page.segments = segments(&text, &spans);
    page.text = text.clone();
    if form.intent.as_deref() != Some("save") || !page.errors.is_empty() {
        return Ok(page);
    }
    if !may_save {
        return Err(PageError::Forbidden(format!(
            "the {} role may not save articles",
            visitor.caller.role.as_str()
        )));
    }
    let draft = IngestDraft {
        source_outlet_id: source,
        url,
        external_id: None,
    };
    let actor = visitor.caller.actor();
    let saved = db
        .write(move |conn| ingest::ingest(conn, &actor, &text, &extracted, &draft))
        .await;
    match saved {
        Ok(Ingested::Created(row)) => page.saved = Some((row.id, row.title, false)),
        Ok(Ingested::Duplicate(row)) => page.saved = Some((row.id, row.title, true)),
        Err(ApiError::Validation(errors)) => page.errors.extend(
            errors
                .into_iter()
                .map(|e| format!("{}: {}", e.field.replace('_', " "), e.message)),
        ),
        Err(ApiError::Conflict(why)) => page.errors.push(why),
        Err(other) => return Err(other.into()),
    }
    Ok(page)
}

/// `GET /desk/ingest`.
pub async fn form(db: web::Data<Db>, visitor: Visitor) -> Result<HttpResponse, PageError> {
    require_staff(&visitor, Permission::ReadRecords)?;
    let page = page(&db, visitor, None).await?;
    Ok(html(render("ingest.html.j2", &page)?))
}

/// `POST /desk/ingest`: look (extraction only) or save.
pub async fn submit(
    db: web::Data<Db>,
    visitor: Visitor,
    form: web::Form<IngestForm>,
) -> Result<HttpResponse, PageError> {
    require_staff(&visitor, Permission::ReadRecords)?;
    visitor.check_csrf(form.csrf.as_deref())?;
    let page = page(&db, visitor, Some(form.into_inner())).await?;
    let status = if page.errors.is_empty() {
        actix_web::http::StatusCode::OK
    } else {
        actix_web::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut answer = html(render("ingest.html.j2", &page)?);
    *answer.status_mut() = status;
    Ok(answer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_cuts_the_text_into_marked_runs() {
        let text = "Héllo. Reproduced with permission.";
        let spans = vec![(
            "permission_statement",
            Evidence {
                text: "Reproduced with permission.".into(),
                start: 7,
                end: 34,
            },
        )];
        let runs = segments(text, &spans);
        assert_eq!(runs.len(), 2);
        assert_eq!(runs[0].text, "Héllo. ");
        assert_eq!(runs[1].class, "permission");
        assert_eq!(runs[1].text, "Reproduced with permission.");
    }
}
