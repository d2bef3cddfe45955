//! Test harness: the real service on a random port, a fresh database per test (a SQLite file in
//! a temporary folder, or a new PostgreSQL database on the server named by
//! RIGHTSDESK_TEST_POSTGRES_URL), and a client that speaks to it over real HTTP.
#![allow(dead_code)]

use diesel::{Connection, PgConnection, RunQueryDsl};
use reqwest::{Method, StatusCode};
use rightsdesk::app::config::Config;
use rightsdesk::app::server::Application;
use serde_json::{json, Value};

pub const ADMIN_EMAIL: &str = "admin@rightsdesk.test";
pub const ADMIN_PASSWORD: &str = "correct horse battery staple";
pub const PASSWORD: &str = "a long enough passphrase";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs each test body once per backend: `mod name { sqlite(), postgres() }`.
#[macro_export]
macro_rules! both_backends {
    ($(async fn $name:ident($app:ident) $body:block)*) => {
        $(
            mod $name {
                #[allow(unused_imports)]
                use super::*;

                async fn run($app: $crate::common::TestApp) $body

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    run($crate::common::TestApp::spawn($crate::common::Backend::Sqlite).await.expect("sqlite app")).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                #[cfg_attr(not(postgres_tests), ignore = "PostgreSQL: set RIGHTSDESK_TEST_POSTGRES_URL to run it")]
                async fn postgres() {
                    if let Some(app) = $crate::common::TestApp::spawn($crate::common::Backend::Postgres).await {
                        run(app).await;
                    }
                }
            }
        )*
    };
}

/// A throwaway PostgreSQL database, dropped with the test.
pub struct PgDatabase {
    admin_url: String,
    pub name: String,
    pub url: String,
}

impl PgDatabase {
    /// A new empty database, or `None` (said loudly) when no server is configured. In CI a missing
    /// server is a failure, never a skip.
    pub fn create() -> Option<PgDatabase> {
        let Ok(admin_url) = std::env::var("RIGHTSDESK_TEST_POSTGRES_URL") else {
            if std::env::var("CI").is_ok() {
                panic!("CI is set but RIGHTSDESK_TEST_POSTGRES_URL is not: the PostgreSQL tests cannot be skipped in CI");
            }
            eprintln!("!!! SKIPPED: PostgreSQL test (set RIGHTSDESK_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres to run it)");
            return None;
        };
        let name = format!("rightsdesk_test_{}", uuid::Uuid::new_v4().simple());
        let mut conn = PgConnection::establish(&admin_url)
            .expect("connecting to RIGHTSDESK_TEST_POSTGRES_URL");
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .expect("creating a test database");
        let mut url = url::Url::parse(&admin_url).expect("RIGHTSDESK_TEST_POSTGRES_URL is a URL");
        url.set_path(&name);
        // The test binary exits while stopped servers' worker threads may still be closing their
        // pooled connections; with TLS on, libpq's SSL_free can then race OpenSSL's exit-time
        // cleanup and abort the process ("double free or corruption") after every test passed.
        // Loopback connections gain nothing from TLS, so the tests' pools go without it.
        if !url.query_pairs().any(|(key, _)| key == "sslmode") {
            url.query_pairs_mut().append_pair("sslmode", "disable");
        }
        Some(PgDatabase {
            admin_url,
            name,
            url: url.to_string(),
        })
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        if let Ok(mut conn) = PgConnection::establish(&self.admin_url) {
            let _ = diesel::sql_query(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .execute(&mut conn);
        }
    }
}

/// The settings every test server starts from: cheap password hashing, a port picked by the OS.
pub fn test_config(database_url: &str, data_dir: &std::path::Path) -> Config {
    let mut config = Config::defaults();
    config.database_url = Some(database_url.parse().expect("database url"));
    config.bind = "127.0.0.1:0".parse().expect("bind");
    config.data_dir = data_dir.to_path_buf();
    config.admin_email = Some(ADMIN_EMAIL.parse().expect("email"));
    config.admin_password = Some(ADMIN_PASSWORD.to_string().into());
    config.argon2_memory_kib = 1024;
    config.argon2_iterations = 1;
    config.workers = 2;
    config.login_lockout_secs = 2;
    config.notify_interval = std::time::Duration::ZERO;
    config
}

pub struct TestApp {
    pub address: String,
    pub port: u16,
    pub backend: Backend,
    pub client: reqwest::Client,
    pub admin_token: String,
    pub data_dir: tempfile::TempDir,
    /// The database the app serves from (for counting rows and seeding).
    pub db: actix_web::web::Data<rightsdesk::db::Db>,
    pub pg: Option<PgDatabase>,
    pub database_url: String,
    /// A data folder to keep alive with this app (of an instance it replaced).
    pub keep_alive: Vec<tempfile::TempDir>,
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Answer {
    /// Asserts the status, showing the body when it differs.
    #[track_caller]
    pub fn expect(self, status: u16) -> Answer {
        assert_eq!(
            self.status.as_u16(),
            status,
            "unexpected status; body: {}",
            self.text
        );
        self
    }

    /// Asserts an RFC 9457 problem with this status.
    #[track_caller]
    pub fn expect_problem(self, status: u16) -> Answer {
        let answer = self.expect(status);
        let content_type = answer
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        assert!(
            content_type.starts_with("application/problem+json"),
            "content type {content_type}: {}",
            answer.text
        );
        assert_eq!(answer.body["status"], json!(status), "{}", answer.text);
        assert!(
            answer.body["title"].is_string()
                && answer.body["type"].is_string()
                && answer.body["detail"].is_string()
        );
        answer
    }

    pub fn id(&self) -> i64 {
        self.body["id"]
            .as_i64()
            .unwrap_or_else(|| panic!("no id in {}", self.text))
    }
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> Option<TestApp> {
        let data_dir = tempfile::tempdir().expect("temp dir");
        let (url, pg) = match backend {
            Backend::Sqlite => (
                format!(
                    "sqlite://{}",
                    data_dir.path().join("rightsdesk.db").display()
                ),
                None,
            ),
            Backend::Postgres => {
                let db = PgDatabase::create()?;
                (db.url.clone(), Some(db))
            }
        };
        Some(Self::spawn_with(backend, test_config(&url, data_dir.path()), data_dir, pg).await)
    }

    pub async fn spawn_with(
        backend: Backend,
        config: Config,
        data_dir: tempfile::TempDir,
        pg: Option<PgDatabase>,
    ) -> TestApp {
        if std::env::var("RIGHTSDESK_TEST_LOG").is_ok() {
            rightsdesk::app::telemetry::init("text");
        }
        let database_url = match &config.database() {
            rightsdesk::db::DatabaseUrl::Sqlite(path) => format!("sqlite://{}", path.display()),
            rightsdesk::db::DatabaseUrl::Postgres(url) => url.clone(),
        };
        let app = Application::build(config).await.expect("building the app");
        let port = app.port();
        let db = app.parts().db.clone();
        tokio::spawn(app.run_until_stopped());
        let mut test_app = TestApp {
            address: format!("http://127.0.0.1:{port}"),
            port,
            backend,
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            admin_token: String::new(),
            data_dir,
            db,
            pg,
            database_url,
            keep_alive: Vec::new(),
        };
        test_app.admin_token = test_app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        test_app
    }

    pub async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Answer {
        let mut request = self
            .client
            .request(method, format!("{}{}", self.address, path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("request failed");
        Self::answer(response).await
    }

    pub async fn answer(response: reqwest::Response) -> Answer {
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.expect("body");
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Answer {
            status,
            headers,
            body,
            text,
        }
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.send(Method::GET, path, Some(&self.admin_token), None)
            .await
    }

    pub async fn post(&self, path: &str, body: Value) -> Answer {
        self.send(Method::POST, path, Some(&self.admin_token), Some(body))
            .await
    }

    pub async fn patch(&self, path: &str, body: Value) -> Answer {
        self.send(Method::PATCH, path, Some(&self.admin_token), Some(body))
            .await
    }

    pub async fn delete(&self, path: &str) -> Answer {
        self.send(Method::DELETE, path, Some(&self.admin_token), None)
            .await
    }

    pub async fn get_as(&self, token: &str, path: &str) -> Answer {
        self.send(Method::GET, path, Some(token), None).await
    }

    pub async fn post_as(&self, token: &str, path: &str, body: Value) -> Answer {
        self.send(Method::POST, path, Some(token), Some(body)).await
    }

    pub async fn login(&self, email: &str, password: &str) -> String {
        let answer = self
            .send(
                Method::POST,
                "/v1/auth/login",
                None,
                Some(json!({"email": email, "password": password})),
            )
            .await
            .expect(200);
        answer.body["access_token"]
            .as_str()
            .expect("token")
            .to_string()
    }

    pub async fn create_outlet(&self, name: &str) -> i64 {
        self.post("/v1/outlets", json!({"name": name, "country": "US", "contact_emails": [format!("desk@{}.example.com", name.to_lowercase().replace(' ', ""))]}))
            .await
            .expect(201)
            .id()
    }

    /// A user with this role (and outlet, for partners), logged in: its token.
    pub async fn user_token(&self, email: &str, role: &str, outlet_id: Option<i64>) -> String {
        self.post(
            "/v1/users",
            json!({"email": email, "password": PASSWORD, "role": role, "outlet_id": outlet_id}),
        )
        .await
        .expect(201);
        self.login(email, PASSWORD).await
    }

    /// The Worthy News story: the source outlet and the article from the seed text.
    pub async fn worthy_news(&self) -> (i64, i64) {
        let outlet = self.create_outlet("Worthy News").await;
        let article = self
            .post(
                "/v1/articles",
                json!({
                    "title": "Ukrainian President Open To Resign In Exchange For NATO Membership",
                    "source_outlet_id": outlet,
                    "byline": "Stefan J. Bos, Chief International Correspondent Worthy News",
                    "published_on": "2025-02-23",
                    "url": "https://www.worthynews.com/ukrainian-president-open-to-resign",
                    "external_id": "wn-2025-02-23-zelenskyy",
                    "copyright_line": "Copyright 1999-2025 Worthy News.",
                    "copyright_holder": "Worthy News",
                    "copyright_year_from": 1999,
                    "copyright_year_to": 2025,
                    "permission_statement": "This article was originally published on Worthy News and was reproduced with permission.",
                    "original_publisher": "Worthy News",
                    "permission_kind": "reproduced_with_permission"
                }),
            )
            .await
            .expect(201)
            .id();
        (outlet, article)
    }

    /// Counts rows of a table straight from the database.
    pub fn count_rows(&self, table: &str) -> i64 {
        use diesel::sql_types::BigInt;
        #[derive(diesel::QueryableByName)]
        struct Count {
            #[diesel(sql_type = BigInt)]
            n: i64,
        }
        let mut conn = self.db.get().expect("connection");
        let rows: Vec<Count> = diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {table}"))
            .load(&mut *conn)
            .expect("count");
        rows[0].n
    }
}

/// Today in UTC, as YYYY-MM-DD.
pub fn today() -> String {
    chrono::Utc::now().date_naive().to_string()
}
