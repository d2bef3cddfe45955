//! `/v1/articles`.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::service::{self, Articles};
use super::store::{self, ArticleFilter};
use super::{ArticlePatch, ArticleView, NewArticleRequest};
use crate::audit::{self, Action, Change, Entity};
use crate::auth::{Caller, Permission, Scope};
use crate::db::Db;
use crate::http::fields::Fields;
use crate::http::pagination::{PageParams, Paged};
use crate::http::problem::ApiError;
use crate::http::route_table::{at, RouteTable};
use crate::http::{created, RecordId};

/// Article text for ingest may be larger than other bodies: up to 5 MiB of JSON.
pub const INGEST_LIMIT: usize = 5 * 1024 * 1024;

/// The endpoints of this feature.
pub fn configure(t: &mut RouteTable<'_>) {
    t.mount(at("/v1/articles").post(create).get(list));
    t.mount(
        at("/v1/articles/ingest")
            .app_data(
                web::JsonConfig::default()
                    .limit(INGEST_LIMIT)
                    .error_handler(crate::http::problem::json_error),
            )
            .post(ingest),
    );
    t.mount(
        at("/v1/articles/{id}")
            .get(read)
            .patch(update)
            .delete(remove),
    );
    t.mount(at("/v1/articles/{id}/restore").post(restore));
    super::tdm_routes::configure(t);
}

/// Creates an article.
#[utoipa::path(post, path = "/v1/articles", operation_id = "createArticle", tag = "articles", request_body = NewArticleRequest,
    responses((status = 201, body = ArticleView), (status = 409, body = crate::http::problem::Problem),
              (status = 422, body = crate::http::problem::Problem)),
    security(("bearer" = [])))]
pub async fn create(
    db: web::Data<Db>,
    caller: Caller,
    body: crate::http::json::Json<NewArticleRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::WriteRecords)?;
    let draft = body.into_inner().parse()?;
    let row = db
        .write(move |conn| {
            service::check_references(conn, &draft, None)?;
            let row = store::insert(conn, &draft, None)?;
            audit::record(
                conn,
                Change::created(
                    &caller.actor(),
                    Entity::Article,
                    row.id,
                    &ArticleView::from(&row),
                ),
            )?;
            Ok::<_, ApiError>(row)
        })
        .await?;
    Ok(created(
        format!("/v1/articles/{}", row.id),
        &ArticleView::from(&row),
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ArticleQuery {
    /// What may be republished on this day (YYYY-MM-DD): articles a license in force that day
    /// covers. A partner gets its own; staff name the outlet with `licensed_to`, or get those any
    /// partner may republish.
    #[param(value_type = Option<String>, format = Date)]
    pub licensed_on: Option<String>,
    /// With `licensed_on`, for staff: the licensee outlet
    pub licensed_to: Option<i64>,
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
#[utoipa::path(get, path = "/v1/articles", operation_id = "listArticles", tag = "articles", params(ArticleQuery, PageParams),
    responses((status = 200, body = Paged<ArticleView>), (status = 400, body = crate::http::problem::Problem)),
    security(("bearer" = [])))]
pub async fn list(
    db: web::Data<Db>,
    caller: Caller,
    query: crate::http::query::Query<ArticleQuery>,
    page: crate::http::query::Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ReadRecords)?;
    let page = page.parse()?;
    let query = query.into_inner();
    let mut f = Fields::new();
    let scope = caller.scope();
    let licensed_on = f.date("licensed_on", query.licensed_on.as_deref());
    let licensed = match (licensed_on, scope, query.licensed_to) {
        (None, _, None) => None,
        // licensed_to alone: what that outlet may republish today.
        (None, Scope::All, Some(to)) => Some((Some(to), crate::types::today())),
        (None, Scope::Outlet(own), Some(to)) => {
            if to != own {
                f.error("licensed_to", "a partner asks for its own outlet");
            }
            Some((Some(own), crate::types::today()))
        }
        (Some(day), Scope::Outlet(own), None) => Some((Some(own), day)),
        (Some(day), Scope::Outlet(own), Some(to)) => {
            if to != own {
                f.error("licensed_to", "a partner asks for its own outlet");
            }
            Some((Some(own), day))
        }
        // Staff: one licensee's, or what any partner may republish that day.
        (Some(day), Scope::All, to) => Some((to, day)),
    };
    let filter = ArticleFilter {
        licensed,
        source_outlet_id: query.source_outlet_id,
        title_contains: crate::http::search_text(query.q)?,
        published_after: f.date("published_after", query.published_after.as_deref()),
        published_before: f.date("published_before", query.published_before.as_deref()),
    };
    f.finish(()).map_err(crate::http::query_problem)?;
    let rows = db
        .read(move |conn| {
            Ok::<_, ApiError>(store::list(
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
#[utoipa::path(get, path = "/v1/articles/{id}", operation_id = "readArticle", tag = "articles", params(RecordId),
    responses((status = 200, content((ArticleView = "application/json"), (SchemaOrgArticle = "application/ld+json"))),
              (status = 404, body = crate::http::problem::Problem)),
    security(("bearer" = [])))]
pub async fn read(
    db: web::Data<Db>,
    caller: Caller,
    req: actix_web::HttpRequest,
    id: RecordId,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ReadRecords)?;
    let id = id.get();
    let scope = caller.scope();
    if crate::http::negotiation::wants_json_ld(&req) {
        let markup = db
            .read(move |conn| {
                let article = store::find(conn, id, scope)?;
                let source = crate::outlets::store::find_any(conn, article.source_outlet_id)?;
                let tdm = super::data_mining::headers(
                    article.data_mining(),
                    article.tdm_policy_url.as_deref(),
                );
                Ok::<_, ApiError>((super::schema_org::markup(&article, &source), tdm))
            })
            .await?;
        let (markup, headers) = markup;
        let mut answer = HttpResponse::Ok();
        answer.content_type(crate::http::negotiation::JSON_LD);
        for header in headers {
            answer.insert_header(header);
        }
        return Ok(answer.json(markup));
    }
    let row = db
        .read(move |conn| Ok::<_, ApiError>(store::find(conn, id, scope)?))
        .await?;
    Ok(HttpResponse::Ok().json(ArticleView::from(&row)))
}

/// Changes an article; `null` clears an optional field.
#[utoipa::path(patch, path = "/v1/articles/{id}", operation_id = "updateArticle", tag = "articles", params(RecordId), request_body = ArticlePatch,
    responses((status = 200, body = ArticleView), (status = 404, body = crate::http::problem::Problem),
              (status = 422, body = crate::http::problem::Problem)),
    security(("bearer" = [])))]
pub async fn update(
    db: web::Data<Db>,
    caller: Caller,
    id: RecordId,
    body: crate::http::json::Json<ArticlePatch>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::WriteRecords)?;
    let id = id.get();
    let patch = body.into_inner();
    let row = db
        .write(move |conn| {
            let before = store::find(conn, id, Scope::All)?;
            let draft = patch.apply(&before)?;
            service::check_references(conn, &draft, Some(id))?;
            let after = store::update(conn, id, &draft)?;
            audit::record(
                conn,
                Change::changed(
                    &caller.actor(),
                    Action::Update,
                    Entity::Article,
                    id,
                    &ArticleView::from(&before),
                    &ArticleView::from(&after),
                ),
            )?;
            Ok::<_, ApiError>(after)
        })
        .await?;
    Ok(HttpResponse::Ok().json(ArticleView::from(&row)))
}

/// Deletes an article (softly: an admin can restore it). Refused while licenses name it.
#[utoipa::path(delete, path = "/v1/articles/{id}", operation_id = "removeArticle", tag = "articles", params(RecordId),
    responses((status = 204), (status = 404, body = crate::http::problem::Problem), (status = 409, body = crate::http::problem::Problem)),
    security(("bearer" = [])))]
pub async fn remove(
    db: web::Data<Db>,
    caller: Caller,
    id: RecordId,
) -> Result<HttpResponse, ApiError> {
    crate::auth::records::remove::<Articles>(&db, caller, id).await
}

/// Restores a deleted article (admin).
#[utoipa::path(post, path = "/v1/articles/{id}/restore", operation_id = "restoreArticle", tag = "articles", params(RecordId),
    responses((status = 200, body = ArticleView), (status = 404, body = crate::http::problem::Problem),
              (status = 409, body = crate::http::problem::Problem)),
    security(("bearer" = [])))]
pub async fn restore(
    db: web::Data<Db>,
    caller: Caller,
    id: RecordId,
) -> Result<HttpResponse, ApiError> {
    crate::auth::records::restore::<Articles>(&db, caller, id).await
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
#[utoipa::path(post, path = "/v1/articles/ingest", operation_id = "ingestArticle", tag = "articles", request_body = IngestRequest,
    responses((status = 201, body = super::ingest::IngestAnswer), (status = 200, body = super::ingest::IngestAnswer),
              (status = 413, body = crate::http::problem::Problem), (status = 422, body = crate::http::problem::Problem)),
    security(("bearer" = [])))]
pub async fn ingest(
    db: web::Data<Db>,
    caller: Caller,
    body: crate::http::json::Json<IngestRequest>,
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
    let (outcome, extracted) = db
        .write(move |conn| {
            let outcome = ingest::ingest(conn, &caller.actor(), &text, &extracted, &draft)?;
            Ok::<_, ApiError>((outcome, extracted))
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
