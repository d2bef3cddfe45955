//! A bounded load test on both backends against the real binary (a separate process, so its
//! memory can be read): 16 concurrent clients mix writes (reprints, outlets) with the hot reads
//! (rights check, license list, article). No 5xx, every 201 is in the database and nothing else,
//! and the server's peak RSS stays bounded. Speed is not asserted here (see benches/load).

use std::process::{Child, Command};
use std::time::Duration;

use serde_json::{json, Value};

use crate::common::*;

const CLIENTS: usize = 16;
const ROUNDS: usize = 60;
/// Peak resident memory the debug build may reach under this load (it sits near 40 MB).
const MAX_PEAK_RSS_KB: u64 = 256 * 1024;

struct Server {
    child: Child,
    base: String,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn start(database_url: Option<String>, log: Option<&std::path::Path>) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let port = crate::smtp::free_port();
        let url = database_url
            .unwrap_or_else(|| format!("sqlite://{}", dir.path().join("rightsdesk.db").display()));
        let child = Command::new(env!("CARGO_BIN_EXE_rightsdesk"))
            .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .env("RIGHTSDESK_DATABASE_URL", &url)
            .env("RIGHTSDESK_DATA_DIR", dir.path())
            .env("RIGHTSDESK_ADMIN_EMAIL", ADMIN_EMAIL)
            .env("RIGHTSDESK_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .env("RIGHTSDESK_ARGON2_MEMORY_KIB", "1024")
            .env("RIGHTSDESK_ARGON2_ITERATIONS", "1")
            .env(
                "RIGHTSDESK_LOG",
                if log.is_some() { "info" } else { "warn" },
            )
            .env("RIGHTSDESK_LOG_FORMAT", "json")
            .env("RIGHTSDESK_NOTIFY_INTERVAL", "0")
            .stdout(std::process::Stdio::null())
            .stderr(match log {
                Some(path) => std::process::Stdio::from(std::fs::File::create(path).unwrap()),
                None => std::process::Stdio::null(),
            })
            .spawn()
            .unwrap();
        Server {
            child,
            base: format!("http://127.0.0.1:{port}"),
            _dir: dir,
        }
    }

    /// VmHWM: the most resident memory the process has had.
    fn peak_rss_kb(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmHWM in /proc/<pid>/status")
    }
}

async fn login(client: &reqwest::Client, base: &str, email: &str, password: &str) -> String {
    for _ in 0..100 {
        if let Ok(r) = client
            .post(format!("{base}/v1/auth/login"))
            .json(&json!({"email": email, "password": password}))
            .send()
            .await
        {
            let body: Value = r.json().await.unwrap();
            return body["access_token"].as_str().unwrap().to_string();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the server did not start");
}

/// Calendar apps put the API key in the URL; the request log must never hold it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_calendar_key_never_reaches_the_log() {
    let logs = tempfile::tempdir().unwrap();
    let log = logs.path().join("server.log");
    let server = Server::start(None, Some(&log));
    let client = reqwest::Client::new();
    let base = server.base.clone();
    let token = login(&client, &base, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let key = client
        .post(format!("{base}/v1/api-keys"))
        .bearer_auth(&token)
        .json(&json!({"name": "calendar"}))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap()["key"]
        .as_str()
        .unwrap()
        .to_string();
    let feed = client
        .get(format!("{base}/v1/calendar.ics?days=30&key={key}"))
        .send()
        .await
        .unwrap();
    assert_eq!(feed.status().as_u16(), 200);
    let refused = client
        .get(format!("{base}/v1/calendar.ics?key={key}x"))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status().as_u16(), 401);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(
        text.contains("/v1/calendar.ics?days=30"),
        "the request is logged: {text}"
    );
    assert!(!text.contains(&key[..20]), "the API key reached the log");
    assert!(!text.contains(&token[..20]), "the token reached the log");
}

/// Logs people can read and alert on: one access line per request naming the caller, client
/// mistakes at INFO, WARN for refused credentials, no colour codes in a file, and a line saying
/// the notice worker is off.
#[tokio::test]
async fn the_log_is_quiet_about_client_mistakes_and_names_the_caller() {
    let logs = tempfile::tempdir().unwrap();
    let log = logs.path().join("server.log");
    let server = Server::start(None, Some(&log));
    let client = reqwest::Client::new();
    let base = server.base.clone();
    let token = login(&client, &base, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let get = |path: &str, token: Option<&str>| {
        let mut request = client.get(format!("{base}{path}"));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send()
    };
    assert_eq!(
        get("/v1/articles/424242", Some(&token))
            .await
            .unwrap()
            .status()
            .as_u16(),
        404
    );
    assert_eq!(
        get("/v1/licenses?limit=0", Some(&token))
            .await
            .unwrap()
            .status()
            .as_u16(),
        400
    );
    assert_eq!(
        get("/v1/me", Some("not-a-token"))
            .await
            .unwrap()
            .status()
            .as_u16(),
        401
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(!text.contains('\u{1b}'), "colour codes in a log file");
    let lines: Vec<Value> = text
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let access = |path: &str| {
        lines
            .iter()
            .find(|l| l["target"] == "rightsdesk::access" && l.to_string().contains(path))
            .unwrap_or_else(|| panic!("no access line for {path}: {text}"))
    };
    let missing = access("/v1/articles/424242");
    assert_eq!(missing["level"], "INFO", "{missing}");
    assert_eq!(missing["fields"]["caller"], "user:1", "{missing}");
    assert_eq!(access("/v1/licenses?limit=0")["level"], "INFO");
    let refused = access("/v1/me");
    assert_eq!(refused["level"], "WARN", "{refused}");
    assert_eq!(refused["fields"]["caller"], "anonymous");
    assert!(
        lines
            .iter()
            .all(|l| l["level"] != "WARN" || l.to_string().contains("/v1/me")),
        "WARN only for the refused credentials: {text}"
    );
    assert!(text.contains("notice worker off"), "{text}");
}

async fn run(database_url: Option<String>) {
    let server = Server::start(database_url, None);
    let client = reqwest::Client::new();
    let base = server.base.clone();
    let token = login(&client, &base, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let post = |path: &str, body: Value| {
        let request = client
            .post(format!("{base}{path}"))
            .bearer_auth(&token)
            .json(&body);
        async move {
            let r = request.send().await.unwrap();
            assert_eq!(r.status().as_u16(), 201);
            r.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
        }
    };
    let worthy = post("/v1/outlets", json!({"name": "Worthy News"})).await;
    let partner = post("/v1/outlets", json!({"name": "Gazette"})).await;
    let article = post(
        "/v1/articles",
        json!({"title": "Ukrainian President Open To Resign In Exchange For NATO Membership",
        "source_outlet_id": worthy, "published_on": "2025-02-23"}),
    )
    .await;
    post("/v1/licenses", json!({"grantor_outlet_id": worthy, "licensee_outlet_id": partner, "scope": "feed",
        "actions": ["republish"], "media": ["web"], "territories": ["US", "CA"], "valid_from": "2025-01-01"})).await;
    // A partner's API key, as a CMS would call.
    let key_owner = post(
        "/v1/users",
        json!({"email": "cms@gazette.test", "password": PASSWORD,
        "role": "partner", "outlet_id": partner}),
    )
    .await;
    assert!(key_owner > 0);
    let partner_token = login(&client, &base, "cms@gazette.test", PASSWORD).await;
    let key = {
        let r = client
            .post(format!("{base}/v1/api-keys"))
            .bearer_auth(&partner_token)
            .json(&json!({"name": "cms"}))
            .send()
            .await
            .unwrap();
        r.json::<Value>().await.unwrap()["key"]
            .as_str()
            .unwrap()
            .to_string()
    };

    let mut clients = Vec::new();
    for c in 0..CLIENTS {
        let (client, base, token, key) = (client.clone(), base.clone(), token.clone(), key.clone());
        clients.push(tokio::spawn(async move {
            let (mut reprints, mut outlets, mut statuses) = (0i64, 0i64, Vec::new());
            for i in 0..ROUNDS {
                let requests = [
                    client.get(format!("{base}/v1/rights/check?outlet_id={partner}&article_id={article}&territory=US")).bearer_auth(&key),
                    client.post(format!("{base}/v1/reprints")).bearer_auth(&key).json(&json!({
                        "article_id": article, "outlet_id": partner, "reprinted_on": "2025-06-01",
                        "medium": "web", "territory": "US", "url": format!("https://gazette.test/{c}/{i}")})),
                    client.get(format!("{base}/v1/licenses?limit=20")).bearer_auth(&token),
                    client.get(format!("{base}/v1/articles/{article}")).bearer_auth(&key),
                    client.post(format!("{base}/v1/outlets")).bearer_auth(&token)
                        .json(&json!({"name": format!("Load {c} #{i}")})),
                ];
                for (n, request) in requests.into_iter().enumerate() {
                    let status = request.send().await.unwrap().status().as_u16();
                    match (n, status) {
                        (1, 201) => reprints += 1,
                        (4, 201) => outlets += 1,
                        _ => {}
                    }
                    statuses.push((n, status));
                }
            }
            (reprints, outlets, statuses)
        }));
    }
    let (mut reprints, mut outlets, mut statuses) = (0i64, 0i64, Vec::new());
    for c in clients {
        let (r, o, s) = c.await.unwrap();
        reprints += r;
        outlets += o;
        statuses.extend(s);
    }
    let server_errors = statuses.iter().filter(|(_, s)| *s >= 500).count();
    assert_eq!(server_errors, 0, "5xx under load");
    let mut unexpected: Vec<_> = statuses
        .iter()
        .filter(|(_, s)| !matches!(*s, 200 | 201))
        .collect();
    unexpected.dedup();
    assert!(
        unexpected.is_empty(),
        "non-2xx answers under load (request kind, status): {unexpected:?}"
    );
    assert_eq!(reprints as usize, CLIENTS * ROUNDS);

    // No lost or doubled writes: the CSV export holds exactly the 201s.
    let count_csv = |path: &str| {
        let request = client
            .get(format!("{base}{path}"))
            .bearer_auth(&token)
            .header("Accept", "text/csv");
        async move {
            let text = request.send().await.unwrap().text().await.unwrap();
            csv::Reader::from_reader(text.as_bytes()).records().count() as i64
        }
    };
    assert_eq!(count_csv("/v1/reprints").await, reprints);
    let mut all_outlets = 0i64;
    let mut path = "/v1/outlets?limit=500".to_string();
    loop {
        let page: Value = client
            .get(format!("{base}{path}"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        all_outlets += page["items"].as_array().unwrap().len() as i64;
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/v1/outlets?limit=500&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(
        all_outlets,
        outlets + 2,
        "every created outlet, and only those"
    );
    let peak = server.peak_rss_kb();
    eprintln!(
        "load: {} requests, peak RSS {} MB",
        statuses.len(),
        peak / 1024
    );
    assert!(peak < MAX_PEAK_RSS_KB, "peak RSS {peak} kB");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bounded_load_sqlite() {
    run(None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(postgres_tests),
    ignore = "PostgreSQL: set RIGHTSDESK_TEST_POSTGRES_URL to run it"
)]
async fn bounded_load_postgres() {
    let Some(db) = PgDatabase::create() else {
        return;
    };
    run(Some(db.url.clone())).await;
    drop(db);
}
