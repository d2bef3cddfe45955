//! `/v1/notices`: the outbox, a pass on demand, and a test email.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

use super::mailer::{Mailer, Outgoing};
use super::pass::{run_pass, NoticeSettings, PassReport, Stopping};
use super::store::{self, NoticeFilter, NoticeRow};
use crate::auth::{Caller, Permission, Scope};
use crate::db::Db;
use crate::http::fields::Fields;
use crate::http::pagination::{PageParams, Paged};
use crate::http::problem::ApiError;
use crate::http::route_table::{at, RouteTable};
use crate::types::{rfc3339, Email};

/// The endpoints of this feature.
pub fn configure(t: &mut RouteTable<'_>) {
    t.mount(at("/v1/notices").get(list));
    t.mount(at("/v1/notices/run").post(run));
    t.mount(at("/v1/notices/test-email").post(test_email));
    t.mount(at("/v1/notices/{id}/acknowledge").post(super::ack_routes::acknowledge));
    t.mount(at("/v1/licenses/{id}/notices").get(super::ack_routes::license_notices));
}

pub use super::view::NoticeView;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct NoticeQuery {
    /// pending, sent, failed, dead or suppressed
    #[param(pattern = "^(pending|sent|failed|dead|suppressed)$")]
    pub status: Option<String>,
    pub license_id: Option<i64>,
}

/// The notice outbox (a partner sees the notices of its own licenses).
#[utoipa::path(get, path = "/v1/notices", operation_id = "listNotices", tag = "notices", params(NoticeQuery, PageParams),
    responses((status = 200, body = Paged<NoticeView>), (status = 400, body = crate::http::problem::Problem)),
    security(("bearer" = [])))]
pub async fn list(
    db: web::Data<Db>,
    caller: Caller,
    req: actix_web::HttpRequest,
    query: crate::http::query::Query<NoticeQuery>,
    page: crate::http::query::Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ReadRecords)?;
    let page = page.parse()?;
    let q = query.into_inner();
    let mut f = Fields::new();
    let filter = NoticeFilter {
        status: f.parse("status", q.status.as_deref()),
        license: q.license_id,
    };
    f.finish(()).map_err(crate::http::query_problem)?;
    let licensee = match caller.scope() {
        Scope::All => None,
        Scope::Outlet(own) => Some(own),
    };
    if crate::http::csv::wanted(&req) {
        return Ok(csv(db.get_ref().clone(), licensee, filter));
    }
    let rows = db
        .read(move |conn| {
            Ok::<_, ApiError>(store::list(
                conn,
                licensee,
                &filter,
                page.after_id,
                page.limit,
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(Paged::new(rows, page, |r| r.id, |r| NoticeView::from(&r))))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct RunQuery {
    /// Preview what the pass would send; write and send nothing
    pub dry_run: Option<bool>,
    /// The day the pass takes as today (YYYY-MM-DD; default: today, UTC)
    #[param(value_type = Option<String>, format = Date)]
    pub today: Option<String>,
}

/// Runs one notice pass now: plan, claim, send, record.
#[utoipa::path(post, path = "/v1/notices/run", operation_id = "runNotices", tag = "notices", params(RunQuery),
    responses((status = 200, body = PassReport), (status = 400, body = crate::http::problem::Problem)),
    security(("bearer" = [])))]
pub async fn run(
    db: web::Data<Db>,
    mailer: web::Data<Mailer>,
    settings: web::Data<NoticeSettings>,
    stopping: web::Data<Stopping>,
    caller: Caller,
    query: crate::http::query::Query<RunQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::RunNotices)?;
    let mut f = Fields::new();
    let today = f
        .date("today", query.today.as_deref())
        .unwrap_or_else(crate::types::today);
    f.finish(()).map_err(crate::http::query_problem)?;
    let report = run_pass(
        &db,
        &mailer,
        &settings,
        today,
        query.dry_run.unwrap_or(false),
        &stopping,
    )
    .await?;
    Ok(HttpResponse::Ok().json(report))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TestEmailRequest {
    pub to: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TestEmailAnswer {
    pub sent: bool,
    /// How mail leaves: SMTP, or the file outbox
    pub transport: String,
    pub message_id: String,
}

/// Sends a test message, so an operator can check the mail set-up (admin). A failure answers 503
/// with the mail server's words.
#[utoipa::path(post, path = "/v1/notices/test-email", operation_id = "sendTestEmail", tag = "notices", request_body = TestEmailRequest,
    responses((status = 200, body = TestEmailAnswer), (status = 422, body = crate::http::problem::Problem),
              (status = 503, body = crate::http::problem::Problem)),
    security(("bearer" = [])))]
pub async fn test_email(
    mailer: web::Data<Mailer>,
    settings: web::Data<NoticeSettings>,
    caller: Caller,
    body: crate::http::json::Json<TestEmailRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::Administer)?;
    let mut f = Fields::new();
    let to: Option<Email> = f.parse("to", Some(&body.to));
    f.finish(())?;
    let to = to.ok_or_else(|| ApiError::validation("to", "an email address"))?;
    let message_id = format!("<test-{}@rightsdesk>", uuid::Uuid::new_v4().simple());
    let mail = Outgoing {
        from: settings.mail_from.clone(),
        to: to.as_str().to_string(),
        subject: "[rightsdesk] Test message".into(),
        text: "This is a test message from rightsdesk. Notices will reach you this way.\n".into(),
        html: "<p>This is a test message from rightsdesk. Notices will reach you this way.</p>"
            .into(),
        message_id: message_id.clone(),
    };
    mailer.send(&mail).await.map_err(|e| {
        ApiError::Unavailable(anyhow::anyhow!(
            "the mail server refused the test message: {e}"
        ))
    })?;
    Ok(HttpResponse::Ok().json(TestEmailAnswer {
        sent: true,
        transport: mailer.describe(),
        message_id,
    }))
}

/// The outbox as CSV, every page, streamed.
fn csv(db: crate::db::Db, licensee: Option<i64>, filter: NoticeFilter) -> HttpResponse {
    use crate::http::csv::opt;
    const HEADER: &[&str] = &[
        "id",
        "license_id",
        "kind",
        "recipient",
        "lead",
        "expires_on",
        "status",
        "attempts",
        "last_error",
        "sent_at",
        "next_attempt_at",
        "message_id",
        "created_at",
    ];
    crate::http::csv::stream(
        db,
        "notices",
        HEADER,
        move |conn, after, limit| store::list(conn, licensee, &filter, after, limit),
        |n: &NoticeRow| {
            (
                n.id,
                vec![
                    n.id.to_string(),
                    n.license_id.to_string(),
                    n.kind.clone(),
                    n.recipient.clone(),
                    n.lead.clone(),
                    n.expires_on.to_string(),
                    n.status.clone(),
                    n.attempts.to_string(),
                    opt(&n.last_error),
                    n.sent_at.as_ref().map(rfc3339).unwrap_or_default(),
                    n.next_attempt_at.as_ref().map(rfc3339).unwrap_or_default(),
                    opt(&n.message_id),
                    rfc3339(&n.created_at),
                ],
            )
        },
    )
}
