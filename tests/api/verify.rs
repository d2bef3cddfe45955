//! Reprints checked on the page itself, against a real HTTP server on loopback serving
//! real-looking pages, on both backends.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};

use crate::both_backends;
use crate::common::{test_config, TestApp};
use crate::smtp::SmtpServer;

const DESK: &str = "desk@rightsdesk.test";
const ORIGINAL: &str = "https://www.worthynews.com/ukrainian-president-open-to-resign";
const CREDIT: &str = "Reproduced with permission of Worthy News";

/// A small web server on 127.0.0.1 that records every path asked for.
pub struct Pages {
    pub port: u16,
    seen: Arc<Mutex<Vec<String>>>,
}

fn page(body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Gazette</title>\n{body}"
    )
}

fn answer(path: &str) -> (u16, Vec<(&'static str, String)>, String) {
    let good = page(&format!(
        r#"<link rel="canonical" href="{ORIGINAL}">
<script>window.credit = "From the wires";</script></head>
<body><header><nav><a href="/">Gazette</a></nav></header>
<article><h1>Ukrainian President Open To Resign In Exchange For NATO Membership</h1>
<p>KYIV (Worthy News) – Ukrainian President Volodymyr Zelenskyy said he was willing to resign…</p>
<footer class="credit"><p>REPRODUCED   with
  permission of <em>Worthy&nbsp;News</em>.</p></footer></article></body></html>"#
    ));
    let bare = page(
        r#"<link rel="canonical" href="/world/zelenskyy"></head>
<body><article><h1>Zelenskyy open to resign</h1><p>From the wires.</p>
<p><a href="https://other.example/story">Related</a></p></article></body></html>"#,
    );
    match path {
        "/robots.txt" => (200, vec![], "User-agent: *\nDisallow: /private/\n".into()),
        "/world/zelenskyy" => (200, vec![], good),
        "/world/bare" => (200, vec![], bare),
        "/moved" => (
            301,
            vec![("Location", "/world/zelenskyy".into())],
            String::new(),
        ),
        "/to-metadata" => (
            302,
            vec![(
                "Location",
                "http://169.254.169.254/latest/meta-data/".into(),
            )],
            String::new(),
        ),
        _ => (404, vec![], page("</head><body>Not found</body></html>")),
    }
}

impl Pages {
    pub fn start() -> Pages {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut first = String::new();
                if reader.read_line(&mut first).is_err() {
                    continue;
                }
                let mut agent = String::new();
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    if line.to_ascii_lowercase().starts_with("user-agent:") {
                        agent = line[11..].trim().to_string();
                    }
                }
                let path = first.split_whitespace().nth(1).unwrap_or("/").to_string();
                assert!(
                    agent.starts_with("rightsdesk-verifier/"),
                    "user agent {agent}"
                );
                log.lock().unwrap().push(path.clone());
                let (status, headers, body) = answer(&path);
                let mut out = format!(
                    "HTTP/1.1 {status} X\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n",
                    body.len()
                );
                for (k, v) in headers {
                    out.push_str(&format!("{k}: {v}\r\n"));
                }
                out.push_str("\r\n");
                out.push_str(&body);
                let _ = stream.write_all(out.as_bytes());
            }
        });
        Pages { port, seen }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub fn seen(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

/// A second instance on the same database, allowed to fetch from 127.0.0.1, mailing the desk.
async fn permissive(app: TestApp, smtp_url: &str) -> TestApp {
    let url = crate::ingest::database_url(&app);
    let dir = tempfile::tempdir().unwrap();
    let mut config = test_config(&url, dir.path());
    config.smtp_url = Some(smtp_url.to_string().into());
    config.desk_email = Some(DESK.parse().unwrap());
    config.fetch_allow =
        rightsdesk::reprints::verify::safety::AllowList::parse("127.0.0.1").unwrap();
    let pg = app.pg;
    let mut keep = app.keep_alive;
    keep.push(app.data_dir);
    let mut next = TestApp::spawn_with(app.backend, config, dir, pg).await;
    next.keep_alive = keep;
    next
}

fn verification(answer: &Value) -> &Value {
    &answer["verification"]
}

async fn reprint(app: &TestApp, article: i64, outlet: i64, url: &str, on: &str) -> i64 {
    app.post(
        "/v1/reprints",
        json!({"article_id": article, "outlet_id": outlet, "reprinted_on": on,
        "medium": "web", "territory": "US", "url": url, "credit_line_used": CREDIT}),
    )
    .await
    .expect(201)
    .id()
}

fn ids(list: &Value) -> Vec<i64> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect()
}

both_backends! {
    async fn reprint_pages_are_checked_and_private_addresses_refused(app) {
        let pages = Pages::start();
        let (worthy, article) = app.worthy_news().await;
        let gazette = app.create_outlet("Gazette").await;
        let courier = app.create_outlet("Courier").await;
        let in_force = app.post("/v1/licenses", json!({"grantor_outlet_id": worthy, "licensee_outlet_id": gazette,
            "scope": "feed", "actions": ["republish"], "media": ["web"], "territories": ["WORLD"],
            "valid_from": "2025-01-01", "valid_until": "2099-12-31", "credit_line": CREDIT})).await.expect(201).id();
        let ended = app.post("/v1/licenses", json!({"grantor_outlet_id": worthy, "licensee_outlet_id": courier,
            "scope": "feed", "actions": ["republish"], "media": ["web"], "territories": ["WORLD"],
            "valid_from": "2025-01-01", "valid_until": "2025-06-30", "credit_line": CREDIT})).await.expect(201).id();

        // Without an allow-list, a page on a loopback address is refused and never asked for.
        let good = reprint(&app, article, gazette, &pages.url("/world/zelenskyy"), "2025-06-01").await;
        let fresh = app.get(&format!("/v1/reprints/{good}")).await.expect(200).body;
        assert_eq!(fresh["verification"], Value::Null);
        let refused = app.post(&format!("/v1/reprints/{good}/verify"), json!({})).await.expect(200).body;
        let v = verification(&refused);
        assert_eq!(v["outcome"], "failed");
        assert_eq!(v["http_status"], Value::Null);
        assert!(v["error"].as_str().unwrap().contains("loopback"), "{v}");
        assert!(pages.seen().is_empty(), "no request may reach the server: {:?}", pages.seen());

        // An instance whose allow-list names 127.0.0.1 fetches it.
        let smtp = SmtpServer::start(0);
        let app = permissive(app, &smtp.url()).await;
        let checked = app.post(&format!("/v1/reprints/{good}/verify"), json!({})).await.expect(200).body;
        let v = verification(&checked);
        assert_eq!(v["outcome"], "ok", "{v}");
        assert_eq!((v["http_status"].clone(), v["credit_found"].clone(), v["canonical_ok"].clone()), (json!(200), json!(true), json!(true)));
        assert_eq!(v["link_to_original"], false);
        assert_eq!(v["still_online_after_end"], Value::Null);
        assert!(v["checked_at"].is_string() && v["error"].is_null());
        assert_eq!(checked["license_id"], in_force);
        assert!(pages.seen().contains(&"/robots.txt".to_string()) && pages.seen().contains(&"/world/zelenskyy".to_string()));

        // A page without the credit line or a link to the original fails, with the flags that say why.
        let bare = reprint(&app, article, gazette, &pages.url("/world/bare"), "2025-06-02").await;
        let v = app.post(&format!("/v1/reprints/{bare}/verify"), json!({})).await.expect(200).body["verification"].clone();
        assert_eq!(v["outcome"], "failed");
        assert_eq!((v["credit_found"].clone(), v["link_to_original"].clone(), v["canonical_ok"].clone()), (json!(false), json!(false), json!(false)));

        // Redirects are followed, and each target is checked again: the metadata address is refused.
        let moved = reprint(&app, article, gazette, &pages.url("/moved"), "2025-06-03").await;
        let v = app.post(&format!("/v1/reprints/{moved}/verify"), json!({})).await.expect(200).body["verification"].clone();
        assert_eq!(v["outcome"], "ok", "{v}");
        let sneaky = reprint(&app, article, gazette, &pages.url("/to-metadata"), "2025-06-04").await;
        let v = app.post(&format!("/v1/reprints/{sneaky}/verify"), json!({})).await.expect(200).body["verification"].clone();
        assert!(v["error"].as_str().unwrap().contains("metadata"), "{v}");
        // robots.txt is honoured: the disallowed page is never fetched.
        let private = reprint(&app, article, gazette, &pages.url("/private/page"), "2025-06-05").await;
        let v = app.post(&format!("/v1/reprints/{private}/verify"), json!({})).await.expect(200).body["verification"].clone();
        assert!(v["error"].as_str().unwrap().contains("robots.txt"), "{v}");
        assert!(!pages.seen().contains(&"/private/page".to_string()));

        // Lists by outcome; a reprint without a URL cannot be checked (422 naming the field).
        let no_url = app.post("/v1/reprints", json!({"article_id": article, "outlet_id": gazette, "reprinted_on": "2025-06-06",
            "medium": "print", "credit_line_used": CREDIT})).await.expect(201).id();
        app.post(&format!("/v1/reprints/{no_url}/verify"), json!({})).await.expect_problem(422);
        assert_eq!(ids(&app.get("/v1/reprints?verification=ok").await.expect(200).body), vec![good, moved]);
        assert_eq!(ids(&app.get("/v1/reprints?verification=failed").await.expect(200).body), vec![bare, sneaky, private]);
        assert_eq!(ids(&app.get("/v1/reprints?verification=unchecked").await.expect(200).body), vec![no_url]);
        app.get("/v1/reprints?verification=maybe").await.expect_problem(400);
        app.post("/v1/reprints/999999/verify", json!({})).await.expect_problem(404);

        // A page still online after its rights ended raises one desk notice, once.
        let late = reprint(&app, article, courier, &pages.url("/world/zelenskyy"), "2025-06-10").await;
        let v = app.post(&format!("/v1/reprints/{late}/verify"), json!({})).await.expect(200).body["verification"].clone();
        assert_eq!(v["still_online_after_end"], true, "{v}");
        assert_eq!(v["outcome"], "failed");
        // And a reprint recorded after the license ended: the desk hears of it too, once.
        let recorded_late = app.post("/v1/reprints", json!({"article_id": article, "outlet_id": courier,
            "reprinted_on": "2025-07-15", "medium": "web", "url": pages.url("/late-copy")})).await.expect(201).body;
        assert_eq!(recorded_late["compliance"], "uncovered");
        let report = app.post("/v1/notices/run", json!({})).await.expect(200).body;
        assert_eq!(report["sent"], 2, "{report}");
        let messages = smtp.messages();
        assert_eq!(messages.len(), 1);
        assert_eq!(messages[0].to, [DESK]);
        assert!(messages[0].data.contains(&pages.url("/world/zelenskyy")), "{}", messages[0].data);
        assert!(messages[0].data.contains(&pages.url("/late-copy")), "{}", messages[0].data);
        app.post(&format!("/v1/reprints/{late}/verify"), json!({})).await.expect(200);
        let again = app.post("/v1/notices/run", json!({})).await.expect(200).body;
        assert_eq!(again["planned"], 0, "{again}");
        assert_eq!(smtp.messages().len(), 1);
        let history = app.get(&format!("/v1/licenses/{ended}/notices")).await.expect(200).body;
        let kinds: Vec<(Value, Value)> = history["notices"].as_array().unwrap().iter()
            .map(|n| (n["kind"].clone(), n["lead"].clone())).collect();
        assert!(kinds.contains(&(json!("still_online"), json!(format!("online-{late}")))), "{kinds:?}");
        assert!(kinds.contains(&(json!("late_reprint"), json!(format!("reprint-{}", recorded_late["id"])))), "{kinds:?}");
        assert_eq!(kinds.len(), 2);
    }
}
