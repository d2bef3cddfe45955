//! The HTML pages through real HTTP, on both backends: the session cookie's flags, CSRF
//! refusals, a partner kept to its own outlet (404 for the rest), the desk's retry button.

use std::collections::HashMap;

use reqwest::StatusCode;
use serde_json::json;

use crate::both_backends;
use crate::common::{today, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD};

/// A browser in miniature: keeps cookies, does not follow redirects.
struct Browser<'a> {
    app: &'a TestApp,
    client: reqwest::Client,
    cookies: HashMap<String, String>,
}

struct Page {
    status: StatusCode,
    headers: reqwest::header::HeaderMap,
    text: String,
}

impl Page {
    fn location(&self) -> &str {
        self.headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_string))
            .collect()
    }

    /// The value of the first hidden `csrf` field.
    fn csrf(&self) -> String {
        let at = self
            .text
            .find("name=\"csrf\" value=\"")
            .unwrap_or_else(|| panic!("no csrf field in {}", self.text));
        let rest = &self.text[at + 19..];
        rest[..rest.find('"').unwrap()].to_string()
    }
}

impl<'a> Browser<'a> {
    fn new(app: &'a TestApp) -> Browser<'a> {
        Browser {
            app,
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cookies: HashMap::new(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn keep(&mut self, response: reqwest::Response) -> Page {
        let page = Page {
            status: response.status(),
            headers: response.headers().clone(),
            text: response.text().await.unwrap(),
        };
        for cookie in page.set_cookies() {
            let pair = cookie.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            if value.is_empty() {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_string(), value.to_string());
            }
        }
        page
    }

    async fn get(&mut self, path: &str) -> Page {
        let response = self
            .client
            .get(format!("{}{path}", self.app.address))
            .header("cookie", self.cookie_header())
            .send()
            .await
            .unwrap();
        self.keep(response).await
    }

    async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        let response = self
            .client
            .post(format!("{}{path}", self.app.address))
            .header("cookie", self.cookie_header())
            .form(form)
            .send()
            .await
            .unwrap();
        self.keep(response).await
    }

    async fn sign_in(&mut self, email: &str, password: &str) -> Page {
        let form = self.get("/login").await;
        assert_eq!(form.status, StatusCode::OK, "{}", form.text);
        let csrf = form.csrf();
        self.post(
            "/login",
            &[("email", email), ("password", password), ("csrf", &csrf)],
        )
        .await
    }
}

/// Worthy News grants the Gazette its feed (web, US and CA, ending in 7 days, with a credit
/// line); the Herald holds nothing. Answers (article, gazette, herald).
async fn two_partners(app: &TestApp) -> (i64, i64, i64) {
    let (worthy, article) = app.worthy_news().await;
    let gazette = app.create_outlet("Gazette").await;
    let herald = app.create_outlet("Herald").await;
    let ends = (chrono::Utc::now().date_naive() + chrono::Days::new(7)).to_string();
    app.post(
        "/v1/licenses",
        json!({"grantor_outlet_id": worthy, "licensee_outlet_id": gazette, "scope": "feed",
               "actions": ["republish"], "media": ["web"], "territories": ["US", "CA"],
               "valid_from": "2025-01-01", "valid_until": ends,
               "credit_line": "Originally published on Worthy News; reproduced with permission."}),
    )
    .await
    .expect(201);
    app.post(
        "/v1/users",
        json!({"email": "editor@gazette.test", "password": PASSWORD, "role": "partner", "outlet_id": gazette}),
    )
    .await
    .expect(201);
    app.post(
        "/v1/users",
        json!({"email": "editor@herald.test", "password": PASSWORD, "role": "partner", "outlet_id": herald}),
    )
    .await
    .expect(201);
    (article, gazette, herald)
}

both_backends! {
    async fn sign_in_sets_a_strict_http_only_cookie_and_sign_out_clears_it(app) {
        let mut browser = Browser::new(&app);
        let wrong = browser.sign_in(ADMIN_EMAIL, "not the password").await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
        assert!(wrong.text.contains("The email or the password is wrong."));

        let signed_in = browser.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        assert_eq!(signed_in.status, StatusCode::SEE_OTHER, "{}", signed_in.text);
        assert_eq!(signed_in.location(), "/desk");
        let session = signed_in
            .set_cookies()
            .into_iter()
            .find(|c| c.starts_with("rightsdesk_session="))
            .expect("a session cookie");
        assert!(session.contains("HttpOnly"), "{session}");
        assert!(session.contains("SameSite=Strict"), "{session}");
        assert!(!session.contains("Secure"), "plain HTTP: {session}");
        // The session cookie is no API token.
        let value = browser.cookies["rightsdesk_session"].clone();
        app.get_as(&value, "/v1/me").await.expect_problem(401);

        let desk = browser.get("/desk").await;
        assert_eq!(desk.status, StatusCode::OK);
        assert!(desk.text.contains("<h1>The desk"));

        let csrf = desk.csrf();
        let out = browser.post("/logout", &[("csrf", &csrf)]).await;
        assert_eq!(out.status, StatusCode::SEE_OTHER);
        assert!(!browser.cookies.contains_key("rightsdesk_session"));
        let after = browser.get("/desk").await;
        assert_eq!(after.status, StatusCode::SEE_OTHER);
        assert_eq!(after.location(), "/login");

        // Behind a TLS proxy the cookie is Secure.
        let form = browser.get("/login").await;
        let csrf = form.csrf();
        let response = browser
            .client
            .post(format!("{}/login", app.address))
            .header("cookie", browser.cookie_header())
            .header("x-forwarded-proto", "https")
            .form(&[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD), ("csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        let secure = browser.keep(response).await;
        assert!(secure
            .set_cookies()
            .iter()
            .any(|c| c.starts_with("rightsdesk_session=") && c.contains("Secure")));
    }

    async fn forms_without_the_csrf_token_are_refused(app) {
        let mut browser = Browser::new(&app);
        // The sign-in form without the value of its cookie.
        let refused = browser
            .post("/login", &[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)])
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        assert!(refused.text.contains("reload the page"), "{}", refused.text);
        assert!(!browser.cookies.contains_key("rightsdesk_session"));

        browser.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        for path in ["/logout", "/desk/ingest", "/desk/notices/1/retry"] {
            let page = browser.post(path, &[("text", "Copyright 2025 Worthy News.")]).await;
            assert_eq!(page.status, StatusCode::FORBIDDEN, "{path}: {}", page.text);
            let wrong = browser.post(path, &[("csrf", "0123")]).await;
            assert_eq!(wrong.status, StatusCode::FORBIDDEN, "{path}");
        }
        // A post that is no form at all is refused the same way.
        let response = browser
            .client
            .post(format!("{}/logout", app.address))
            .header("cookie", browser.cookie_header())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        // Still signed in: nothing was done.
        assert_eq!(browser.get("/desk").await.status, StatusCode::OK);
    }

    async fn a_partner_sees_its_own_outlet_and_404_for_the_rest(app) {
        let (article, _gazette, _herald) = two_partners(&app).await;
        let mut gazette = Browser::new(&app);
        let signed_in = gazette.sign_in("editor@gazette.test", PASSWORD).await;
        assert_eq!(signed_in.location(), "/portal");
        let portal = gazette.get("/portal").await;
        assert_eq!(portal.status, StatusCode::OK, "{}", portal.text);
        assert!(portal.text.contains("Originally published on Worthy News; reproduced with permission."));
        assert!(portal.text.contains("every article Worthy News publishes"), "{}", portal.text);
        let check = gazette
            .get(&format!("/portal/check?article_id={article}&medium=web&territory=US&on={}", today()))
            .await;
        assert_eq!(check.status, StatusCode::OK, "{}", check.text);
        assert!(check.text.contains("Allowed:"), "{}", check.text);
        let refused = gazette
            .get(&format!("/portal/check?article_id={article}&medium=print&territory=FR"))
            .await;
        assert!(refused.text.contains("Not allowed"), "{}", refused.text);
        assert!(refused.text.contains("the license does not grant that medium"));
        assert!(refused.text.contains("the license does not cover that territory"));
        let bad = gazette.get("/portal/check?article_id=abc&on=tomorrow").await;
        assert_eq!(bad.status, StatusCode::OK);
        assert!(bad.text.contains("write it as YYYY-MM-DD"), "{}", bad.text);
        assert_eq!(gazette.get("/desk").await.status, StatusCode::NOT_FOUND);
        assert_eq!(gazette.get("/desk/ingest").await.status, StatusCode::NOT_FOUND);

        let mut herald = Browser::new(&app);
        herald.sign_in("editor@herald.test", PASSWORD).await;
        let portal = herald.get("/portal").await;
        assert_eq!(portal.status, StatusCode::OK);
        assert!(!portal.text.contains("Worthy News; reproduced"), "{}", portal.text);
        assert!(portal.text.contains("You have no license in force today."));
        let other = herald.get(&format!("/portal/check?article_id={article}")).await;
        assert_eq!(other.status, StatusCode::NOT_FOUND, "{}", other.text);
        assert!(other.headers["content-type"].to_str().unwrap().starts_with("text/html"));
        let missing = herald.get("/portal/check?article_id=999999").await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
    }

    async fn the_desk_shows_what_ends_and_retries_a_failed_notice(app) {
        two_partners(&app).await;
        app.post("/v1/notices/run", json!({})).await.expect(200);
        {
            use diesel::RunQueryDsl;
            let mut conn = app.db.get().unwrap();
            diesel::sql_query(
                "UPDATE notices SET status = 'failed', attempts = 1, last_error = 'connection refused', \
                 next_attempt_at = created_at + INTERVAL '1 day'",
            )
            .execute(&mut *conn)
            .or_else(|_| {
                diesel::sql_query(
                    "UPDATE notices SET status = 'failed', attempts = 1, last_error = 'connection refused', \
                     next_attempt_at = datetime(created_at, '+1 day')",
                )
                .execute(&mut *conn)
            })
            .unwrap();
        }
        let mut desk = Browser::new(&app);
        desk.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let board = desk.get("/desk").await;
        assert_eq!(board.status, StatusCode::OK, "{}", board.text);
        let within_7 = &board.text[board.text.find("Within 7 days").unwrap()..board.text.find("Within 30 days").unwrap()];
        assert!(within_7.contains("Gazette"), "{within_7}");
        assert!(board.text.contains("connection refused"));
        let at = board.text.find("/desk/notices/").expect("a retry button");
        let rest = &board.text[at + 14..];
        let id = &rest[..rest.find('/').unwrap()];
        let csrf = board.csrf();
        let retried = desk
            .post(&format!("/desk/notices/{id}/retry"), &[("csrf", &csrf)])
            .await;
        assert_eq!(retried.status, StatusCode::SEE_OTHER, "{}", retried.text);
        let after = desk.get(retried.location()).await;
        assert!(after.text.contains(&format!("Notice {id} was tried again and sent")), "{}", after.text);
        // Retrying what is not failed says so, and a notice that does not exist is 404.
        let again = desk.post(&format!("/desk/notices/{id}/retry"), &[("csrf", &csrf)]).await;
        assert_eq!(again.status, StatusCode::BAD_REQUEST);
        let none = desk.post("/desk/notices/999999/retry", &[("csrf", &csrf)]).await;
        assert_eq!(none.status, StatusCode::NOT_FOUND);
        assert!(board.text.contains("<svg"));
    }

    async fn pasting_the_seed_article_highlights_its_permission_and_saves_it(app) {
        let worthy = app.create_outlet("Worthy News").await;
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/corpus/worthy-news-zelenskyy.txt"
        ))
        .unwrap();
        let mut desk = Browser::new(&app);
        desk.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let form = desk.get("/desk/ingest").await;
        let csrf = form.csrf();
        let looked = desk
            .post("/desk/ingest", &[("csrf", &csrf), ("text", &text), ("intent", "look")])
            .await;
        assert_eq!(looked.status, StatusCode::OK, "{}", looked.text);
        assert!(
            looked.text.contains("<mark class=\"permission\"")
                && looked.text.contains("This article was originally published on Worthy News and was reproduced with permission."),
            "{}",
            looked.text
        );
        assert_eq!(app.count_rows("articles"), 0);
        let source = worthy.to_string();
        let saved = desk
            .post(
                "/desk/ingest",
                &[("csrf", &csrf), ("text", &text), ("intent", "save"), ("source_outlet_id", &source)],
            )
            .await;
        assert!(saved.text.contains("Saved as article"), "{}", saved.text);
        assert_eq!(app.count_rows("articles"), 1);
        let empty = desk.post("/desk/ingest", &[("csrf", &csrf), ("text", " ")]).await;
        assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(empty.text.contains("paste the article"));
    }
}

both_backends! {
    async fn the_portal_makes_a_calendar_address_that_works(app) {
        let (_article, _gazette, _herald) = two_partners(&app).await;
        let mut gazette = Browser::new(&app);
        gazette.sign_in("editor@gazette.test", PASSWORD).await;
        let portal = gazette.get("/portal").await;
        assert!(portal.text.contains("Make my calendar address"), "{}", portal.text);
        // The seed article is held "reproduced with permission": its holder reserves mining.
        assert!(portal.text.contains("reserved: no text and data mining, no AI training (DMI-PROHIBITED)"), "{}", portal.text);
        let keys_before = app.count_rows("api_keys");
        let refused = gazette.post("/portal/calendar", &[]).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text);
        assert_eq!(app.count_rows("api_keys"), keys_before, "a refused form writes nothing");

        let made = gazette.post("/portal/calendar", &[("csrf", &portal.csrf())]).await;
        assert_eq!(made.status, StatusCode::OK, "{}", made.text);
        assert_eq!(made.headers["cache-control"], "no-store");
        assert_eq!(app.count_rows("api_keys"), keys_before + 1);
        // (the page escapes `/` as `&#x2f;`, as minijinja's HTML escaping does)
        let at = made.text.find("calendar.ics?key=").expect("the calendar address");
        let key: String = made.text[at + "calendar.ics?key=".len()..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        assert!(key.len() > 40, "{key}");
        let feed = app
            .client
            .get(format!("{}/v1/calendar.ics?key={key}", app.address))
            .send()
            .await
            .unwrap();
        assert_eq!(feed.status(), StatusCode::OK);
        let ics = feed.text().await.unwrap();
        assert!(ics.starts_with("BEGIN:VCALENDAR"), "{ics}");
        assert!(ics.contains("Worthy News"), "the Gazette's license is in its feed: {ics}");
        // Shown once: the portal does not show it again.
        assert!(!gazette.get("/portal").await.text.contains(&key));
    }
}
