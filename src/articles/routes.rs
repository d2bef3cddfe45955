//! `/v1/articles`.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::store::{self, ArticleFilter};
use super::{ArticleDraft, ArticlePatch, ArticleView, NewArticleRequest};
use crate::audit::{self, Actor};
use crate::auth::{Caller, Permission, Scope};
use crate::db::DbConnection;
use crate::error::ApiError;
use crate::pagination::{PageParams, Paged};
use crate::routes::{created, id};
use crate::startup::AppState;
use crate::types::Fields;

/// Checks what an article refers to: its source outlet exists; its external id is not taken.
pub fn check_references(
    conn: &mut DbConnection,
    draft: &ArticleDraft,
    except: Option<i64>,
) -> Result<(), ApiError> {
    if crate::outlets::store::find(conn, draft.source_outlet_id, Scope::All).is_err() {
        return Err(ApiError::validation(
            "source_outlet_id",
            format!("there is no outlet {}", draft.source_outlet_id),
        ));
    }
    if let Some(ext) = &draft.external_id {
        if let Some(existing) =
            store::find_duplicate(conn, draft.source_outlet_id, Some(ext), None, None, except)?
        {
            return Err(ApiError::Conflict(format!(
                "article {} of this source already has external_id '{ext}'",
                existing.id
            )));
        }
    }
    Ok(())
}

/// Creates an article.
#[utoipa::path(post, path = "/v1/articles", tag = "articles", request_body = NewArticleRequest,
    responses((status = 201, body = ArticleView), (status = 409, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: crate::json::Json<NewArticleRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::WriteRecords)?;
    let draft = body.into_inner().parse()?;
    let row = state
        .db
        .write(move |conn| {
            check_references(conn, &draft, None)?;
            let row = store::insert(conn, &draft, None)?;
            audit::record(
                conn,
                Actor::Caller(&caller),
                "create",
                "article",
                Some(row.id),
                None::<&()>,
                Some(&ArticleView::from(&row)),
            )?;
            Ok(row)
        })
        .await?;
    Ok(created(
        format!("/v1/articles/{}", row.id),
        &ArticleView::from(&row),
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ArticleQuery {
    pub source_outlet_id: Option<i64>,
    /// Title contains
    pub q: Option<String>,
    /// Published on or after (YYYY-MM-DD)
    #[param(value_type = Option<String>, format = Date)]
    pub published_after: Option<String>,
    /// Published on or before (YYYY-MM-DD)
    #[param(value_type = Option<String>, format = Date)]
    pub published_before: Option<String>,
}

/// Lists articles (a partner sees those its licenses cover).
#[utoipa::path(get, path = "/v1/articles", tag = "articles", params(ArticleQuery, PageParams),
    responses((status = 200, body = Paged<ArticleView>), (status = 400, body = crate::error::Problem)),
    security(("bearer" = [])))]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<ArticleQuery>,
    page: web::Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ReadRecords)?;
    let page = page.parse()?;
    let query = query.into_inner();
    let mut f = Fields::new();
    let filter = ArticleFilter {
        source_outlet_id: query.source_outlet_id,
        title_contains: crate::routes::search_text(query.q)?,
        published_after: f.date("published_after", query.published_after.as_deref()),
        published_before: f.date("published_before", query.published_before.as_deref()),
    };
    f.finish(()).map_err(crate::routes::query_problem)?;
    let scope = caller.scope();
    let rows = state
        .db
        .read(move |conn| {
            Ok(store::list(
                conn,
                scope,
                &filter,
                page.after_id,
                page.limit,
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(Paged::new(rows, page, |r| r.id, |r| ArticleView::from(&r))))
}

/// schema.org `NewsArticle` markup (JSON-LD) with the original's rights, for a partner's page.
#[derive(utoipa::ToSchema)]
#[schema(value_type = Object, example = json!({
    "@context": "https://schema.org", "@type": "NewsArticle",
    "headline": "Ukrainian President Open To Resign In Exchange For NATO Membership",
    "copyrightHolder": {"@type": "Organization", "name": "Worthy News"},
    "copyrightYear": 2025, "copyrightNotice": "Copyright 1999-2025 Worthy News.",
    "creditText": "This article was originally published on Worthy News and was reproduced with permission.",
    "isBasedOn": {"@type": "NewsArticle", "headline": "Ukrainian President Open To Resign In Exchange For NATO Membership",
                  "publisher": {"@type": "Organization", "name": "Worthy News"}}}))]
pub struct SchemaOrgArticle(pub serde_json::Value);

/// One article. With `Accept: application/ld+json`, its schema.org `NewsArticle` markup
/// (copyrightHolder, copyrightYear, copyrightNotice, creditText, license, isBasedOn) for a
/// partner to paste into the page that republishes it.
#[utoipa::path(get, path = "/v1/articles/{id}", tag = "articles", params(("id" = u64, Path)),
    responses((status = 200, content((ArticleView = "application/json"), (SchemaOrgArticle = "application/ld+json"))),
              (status = 404, body = crate::error::Problem)),
    security(("bearer" = [])))]
pub async fn read(
    state: web::Data<AppState>,
    caller: Caller,
    req: actix_web::HttpRequest,
    path: web::Path<u64>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ReadRecords)?;
    let id = id(*path)?;
    let scope = caller.scope();
    if crate::routes::wants_json_ld(&req) {
        let markup = state
            .db
            .read(move |conn| {
                let article = store::find(conn, id, scope)?;
                let source = crate::outlets::store::find_any(conn, article.source_outlet_id)?;
                Ok(super::schema_org::markup(&article, &source))
            })
            .await?;
        return Ok(HttpResponse::Ok()
            .content_type(crate::routes::JSON_LD)
            .json(markup));
    }
    let row = state
        .db
        .read(move |conn| Ok(store::find(conn, id, scope)?))
        .await?;
    Ok(HttpResponse::Ok().json(ArticleView::from(&row)))
}

/// Changes an article; `null` clears an optional field.
#[utoipa::path(patch, path = "/v1/articles/{id}", tag = "articles", params(("id" = u64, Path)), request_body = ArticlePatch,
    responses((status = 200, body = ArticleView), (status = 404, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<u64>,
    body: crate::json::Json<ArticlePatch>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::WriteRecords)?;
    let id = id(*path)?;
    let patch = body.into_inner();
    let row = state
        .db
        .write(move |conn| {
            let before = store::find(conn, id, Scope::All)?;
            let draft = patch.apply(&before)?;
            check_references(conn, &draft, Some(id))?;
            let after = store::update(conn, id, &draft)?;
            audit::record(
                conn,
                Actor::Caller(&caller),
                "update",
                "article",
                Some(id),
                Some(&ArticleView::from(&before)),
                Some(&ArticleView::from(&after)),
            )?;
            Ok(after)
        })
        .await?;
    Ok(HttpResponse::Ok().json(ArticleView::from(&row)))
}

/// Deletes an article (softly: an admin can restore it). Refused while licenses name it.
#[utoipa::path(delete, path = "/v1/articles/{id}", tag = "articles", params(("id" = u64, Path)),
    responses((status = 204), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem)),
    security(("bearer" = [])))]
pub async fn remove(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<u64>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::WriteRecords)?;
    let id = id(*path)?;
    state
        .db
        .write(move |conn| {
            let before = store::find(conn, id, Scope::All)?;
            let licenses = store::license_count(conn, id)?;
            if licenses > 0 {
                return Err(ApiError::Conflict(format!(
                    "article {id} is still named by {licenses} license(s)"
                )));
            }
            store::set_deleted(conn, id, Some(crate::types::now()))?;
            audit::record(
                conn,
                Actor::Caller(&caller),
                "delete",
                "article",
                Some(id),
                Some(&ArticleView::from(&before)),
                None::<&()>,
            )?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Restores a deleted article (admin).
#[utoipa::path(post, path = "/v1/articles/{id}/restore", tag = "articles", params(("id" = u64, Path)),
    responses((status = 200, body = ArticleView), (status = 404, body = crate::error::Problem),
              (status = 409, body = crate::error::Problem)),
    security(("bearer" = [])))]
pub async fn restore(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<u64>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::Administer)?;
    let id = id(*path)?;
    let row = state
        .db
        .write(move |conn| {
            let deleted = store::find_any(conn, id)?;
            check_references(conn, &deleted.draft(), Some(id))?;
            store::set_deleted(conn, id, None)?;
            let after = store::find(conn, id, Scope::All)?;
            audit::record(
                conn,
                Actor::Caller(&caller),
                "restore",
                "article",
                Some(id),
                None::<&()>,
                Some(&ArticleView::from(&after)),
            )?;
            Ok(after)
        })
        .await?;
    Ok(HttpResponse::Ok().json(ArticleView::from(&row)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IngestRequest {
    /// The article as text or HTML, footer included
    pub text: String,
    pub source_outlet_id: Option<i64>,
    pub url: Option<String>,
    pub external_id: Option<String>,
    /// Only answer the extraction; write nothing
    #[serde(default)]
    pub dry_run: bool,
}

/// Extracts the rights fields from raw article text (plain or HTML) and stores the article.
/// Without `source_outlet_id` the publisher the text names is matched to an outlet by name.
#[utoipa::path(post, path = "/v1/articles/ingest", tag = "articles", request_body = IngestRequest,
    responses((status = 201, body = super::ingest::IngestAnswer), (status = 200, body = super::ingest::IngestAnswer),
              (status = 413, body = crate::error::Problem), (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
pub async fn ingest(
    state: web::Data<AppState>,
    caller: Caller,
    body: crate::json::Json<IngestRequest>,
) -> Result<HttpResponse, ApiError> {
    use super::ingest::{self as ingest, IngestAnswer, IngestDraft, Ingested};
    let request = body.into_inner();
    if request.dry_run {
        caller.require(Permission::ReadRecords)?;
    } else {
        caller.require(Permission::WriteRecords)?;
    }
    let mut f = Fields::new();
    if request.text.trim().is_empty() {
        f.error("text", "must not be empty");
    }
    let draft = IngestDraft {
        source_outlet_id: request.source_outlet_id,
        url: f.parse("url", request.url.as_deref()),
        external_id: f.optional_text("external_id", request.external_id.as_deref(), 300),
    };
    f.finish(())?;
    let text = request.text;
    let (text, extracted) = web::block(move || {
        let extracted = super::extract::extract(&text);
        (text, extracted)
    })
    .await
    .map_err(|e| ApiError::Internal(anyhow::anyhow!("extraction task failed: {e}")))?;
    if request.dry_run {
        return Ok(HttpResponse::Ok().json(IngestAnswer {
            article: None,
            duplicate_of: None,
            extracted,
        }));
    }
    let (outcome, extracted) = state
        .db
        .write(move |conn| {
            let outcome = ingest::ingest(conn, Actor::Caller(&caller), &text, &extracted, &draft)?;
            Ok((outcome, extracted))
        })
        .await?;
    Ok(match outcome {
        Ingested::Created(row) => created(
            format!("/v1/articles/{}", row.id),
            &IngestAnswer {
                article: Some(ArticleView::from(&row)),
                duplicate_of: None,
                extracted,
            },
        ),
        Ingested::Duplicate(row) => HttpResponse::Ok().json(IngestAnswer {
            duplicate_of: Some(row.id),
            article: Some(ArticleView::from(&row)),
            extracted,
        }),
    })
}
