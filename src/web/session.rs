//! Signing in and out of the pages. The session cookie holds a token signed with the service's
//! JWT keys for its own audience (`rightsdesk-web`, so it is no API token): `HttpOnly`,
//! `SameSite=Strict`, `Secure` when the page was asked for over TLS. Each request loads the user
//! as the API does (active, token generation unchanged), so deactivating a user or bumping its
//! generation ends its sessions too.
//!
//! CSRF: a form that changes something carries a token derived from the session (SHA-256 of
//! the session token with a label: unforgeable without the cookie, which pages never show); the
//! sign-in form, before any session, carries a random value also set in a short-lived cookie.

use std::future::Future;
use std::pin::Pin;

use actix_web::cookie::{time::Duration as CookieAge, Cookie, SameSite};
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest, HttpResponse};
use rand::RngCore;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::page::{html, render, PageError};
use crate::auth::password::HashParams;
use crate::auth::throttle::Throttle;
use crate::auth::token::TokenKeys;
use crate::auth::{store, Caller, Role};
use crate::db::{Db, StoreError};
use crate::http::problem::ApiError;

pub const SESSION_COOKIE: &str = "rightsdesk_session";
const LOGIN_COOKIE: &str = "rightsdesk_login";
/// A session lasts a working day.
const SESSION_SECS: u64 = 10 * 60 * 60;

/// A signed-in person on a page.
#[derive(Debug, Clone)]
pub struct Visitor {
    pub caller: Caller,
    pub email: String,
    /// The CSRF token every changing form of this session carries.
    pub csrf: String,
}

impl Visitor {
    /// Refuses a form post whose CSRF token is missing or not this session's (403).
    pub fn check_csrf(&self, sent: Option<&str>) -> Result<(), PageError> {
        match sent {
            Some(sent) if same(sent, &self.csrf) => Ok(()),
            _ => Err(refused_form()),
        }
    }

    /// Where this person's pages start.
    pub fn home(&self) -> &'static str {
        home(self.caller.role)
    }
}

pub fn refused_form() -> PageError {
    PageError::Forbidden(
        "this form did not come from a rightsdesk page of your session, or has expired: \
         reload the page and send it again"
            .into(),
    )
}

fn home(role: Role) -> &'static str {
    match role {
        Role::Partner => "/portal",
        _ => "/desk",
    }
}

/// Constant-time comparison of two tokens.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

fn csrf_for(session: &str) -> String {
    let digest = Sha256::digest(format!("rightsdesk csrf\n{session}").as_bytes());
    hex::encode(digest)
}

fn is_tls(req: &HttpRequest) -> bool {
    req.connection_info().scheme() == "https"
}

fn cookie<'c>(req: &HttpRequest, name: &'c str, value: String) -> Cookie<'c> {
    Cookie::build(name, value)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(is_tls(req))
        .finish()
}

fn expired<'c>(req: &HttpRequest, name: &'c str) -> Cookie<'c> {
    let mut gone = cookie(req, name, String::new());
    gone.set_max_age(CookieAge::ZERO);
    gone
}

impl FromRequest for Visitor {
    type Error = PageError;
    type Future = Pin<Box<dyn Future<Output = Result<Visitor, PageError>>>>;

    fn from_request(req: &HttpRequest, _payload: &mut actix_web::dev::Payload) -> Self::Future {
        let db = req.app_data::<web::Data<Db>>().cloned();
        let tokens = req.app_data::<web::Data<TokenKeys>>().cloned();
        let session = req.cookie(SESSION_COOKIE).map(|c| c.value().to_string());
        let request_id = req
            .extensions()
            .get::<crate::http::RequestIdValue>()
            .map(|id| id.0.clone());
        Box::pin(async move {
            let (Some(db), Some(tokens)) = (db, tokens) else {
                return Err(PageError::Internal(anyhow::anyhow!(
                    "the App does not register the database and the token keys"
                )));
            };
            let session = session.ok_or(PageError::SignIn)?;
            let claims = tokens
                .verify_session(&session)
                .map_err(|_| PageError::SignIn)?;
            let user_id: i64 = claims.sub.parse().map_err(|_| PageError::SignIn)?;
            let user = db
                .read_point(move |conn| {
                    Ok::<_, StoreError>(diesel::OptionalExtension::optional(store::find_user(
                        conn, user_id,
                    ))?)
                })
                .await?
                .ok_or(PageError::SignIn)?;
            if !user.active || user.token_generation != claims.gen {
                return Err(PageError::SignIn);
            }
            let mut caller = user.caller(None)?;
            caller.request_id = request_id;
            Ok(Visitor {
                caller,
                email: user.email,
                csrf: csrf_for(&session),
            })
        })
    }
}

#[derive(Serialize)]
struct LoginPage<'a> {
    title: &'a str,
    csrf: &'a str,
    email: &'a str,
    message: Option<String>,
    signed_in: bool,
}

fn login_page(
    req: &HttpRequest,
    status: actix_web::http::StatusCode,
    email: &str,
    message: Option<String>,
) -> Result<HttpResponse, PageError> {
    let mut bytes = [0u8; 24];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let csrf = hex::encode(bytes);
    let body = render(
        "login.html.j2",
        &LoginPage {
            title: "Sign in",
            csrf: &csrf,
            email,
            message,
            signed_in: false,
        },
    )?;
    let mut answer = html(body);
    *answer.status_mut() = status;
    let mut login = cookie(req, LOGIN_COOKIE, csrf);
    login.set_max_age(CookieAge::hours(1));
    answer
        .add_cookie(&login)
        .map_err(|e| PageError::Internal(anyhow::anyhow!("setting a cookie: {e}")))?;
    Ok(answer)
}

/// `GET /login`: the sign-in form (or, signed in already, one's own start page).
pub async fn login_form(
    req: HttpRequest,
    visitor: Option<Visitor>,
) -> Result<HttpResponse, PageError> {
    if let Some(visitor) = visitor {
        return Ok(see_other(visitor.home()));
    }
    login_page(&req, actix_web::http::StatusCode::OK, "", None)
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    csrf: Option<String>,
}

/// `POST /login`: the same sign-in as `POST /v1/auth/login` (users, argon2, throttling); sets
/// the session cookie and goes to the portal (partners) or the desk.
pub async fn login(
    req: HttpRequest,
    db: web::Data<Db>,
    throttle: web::Data<Throttle>,
    hash_params: web::Data<HashParams>,
    tokens: web::Data<TokenKeys>,
    form: web::Form<LoginForm>,
) -> Result<HttpResponse, PageError> {
    let form = form.into_inner();
    let expected = req.cookie(LOGIN_COOKIE).map(|c| c.value().to_string());
    match (&form.csrf, expected) {
        (Some(sent), Some(expected)) if same(sent, &expected) => {}
        _ => return Err(refused_form()),
    }
    if form.email.trim().is_empty() || form.password.is_empty() {
        return login_page(
            &req,
            actix_web::http::StatusCode::BAD_REQUEST,
            &form.email,
            Some("Enter your email and your password.".into()),
        );
    }
    let client = crate::auth::routes::client_address(&req);
    let user = match crate::auth::sign_in::sign_in(
        &db,
        &throttle,
        **hash_params,
        &client,
        &form.email,
        SecretString::from(form.password),
    )
    .await
    {
        Ok(user) => user,
        Err(ApiError::Unauthorized(_)) => {
            return login_page(
                &req,
                actix_web::http::StatusCode::UNAUTHORIZED,
                &form.email,
                Some("The email or the password is wrong.".into()),
            )
        }
        Err(ApiError::TooManyRequests { retry_after_secs }) => {
            let mut answer = login_page(
                &req,
                actix_web::http::StatusCode::TOO_MANY_REQUESTS,
                &form.email,
                Some(format!(
                    "Too many failed sign-ins: try again in {retry_after_secs} seconds."
                )),
            )?;
            answer.headers_mut().insert(
                header::RETRY_AFTER,
                header::HeaderValue::from(retry_after_secs),
            );
            return Ok(answer);
        }
        Err(other) => return Err(other.into()),
    };
    let role = user.role()?;
    let session = tokens
        .issue_session(user.id, user.token_generation, SESSION_SECS)
        .map_err(PageError::Internal)?;
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, home(role)))
        .cookie(cookie(&req, SESSION_COOKIE, session))
        .cookie(expired(&req, LOGIN_COOKIE))
        .finish())
}

#[derive(Deserialize)]
pub struct CsrfForm {
    pub csrf: Option<String>,
}

/// `POST /logout`: clears the session.
pub async fn logout(
    req: HttpRequest,
    visitor: Visitor,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse, PageError> {
    visitor.check_csrf(form.csrf.as_deref())?;
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, "/login"))
        .cookie(expired(&req, SESSION_COOKIE))
        .finish())
}

/// 303 to `path`.
pub fn see_other(path: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, path.to_string()))
        .finish()
}
