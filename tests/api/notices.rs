//! Expiry and takedown notices against a real SMTP server on loopback, on both backends.

use serde_json::{json, Value};

use crate::both_backends;
use crate::common::{test_config, Backend, TestApp};
use crate::smtp::{free_port, SmtpServer};

const DESK: &str = "desk@rightsdesk.test";

async fn spawn_with_smtp(app: TestApp, smtp_url: &str) -> TestApp {
    // The same database, a second instance configured for mail: the first only made the database.
    let url = crate::ingest::database_url(&app);
    let dir = tempfile::tempdir().unwrap();
    let mut config = test_config(&url, dir.path());
    config.smtp_url = Some(smtp_url.to_string().into());
    config.desk_email = Some(DESK.parse().unwrap());
    let pg = app.pg;
    let mut keep = app.keep_alive;
    keep.push(app.data_dir);
    let mut mailing = TestApp::spawn_with(app.backend, config, dir, pg).await;
    mailing.keep_alive = keep;
    mailing
}

/// Worthy News grants the Gazette (two contacts) an article license ending 2025-12-31 and a feed
/// license ending 2025-12-28.
async fn two_licenses(app: &TestApp) -> (i64, i64, i64) {
    let (worthy, article) = app.worthy_news().await;
    let gazette = app
        .post(
            "/v1/outlets",
            json!({"name": "Gazette", "contact_emails": ["a@gazette.test", "b@gazette.test"]}),
        )
        .await
        .expect(201)
        .id();
    let article_license = app.post("/v1/licenses", json!({"grantor_outlet_id": worthy, "licensee_outlet_id": gazette,
        "scope": "article", "article_id": article, "actions": ["republish"], "media": ["web"], "territories": ["US", "CA"],
        "valid_from": "2025-01-01", "valid_until": "2025-12-31"})).await.expect(201).id();
    let feed_license = app.post("/v1/licenses", json!({"grantor_outlet_id": worthy, "licensee_outlet_id": gazette,
        "scope": "feed", "actions": ["republish", "archive"], "media": ["print"], "territories": ["WORLD"],
        "valid_from": "2025-01-01", "valid_until": "2025-12-28"})).await.expect(201).id();
    (gazette, article_license, feed_license)
}

async fn pass_on(app: &TestApp, today: &str) -> Value {
    app.post(&format!("/v1/notices/run?today={today}"), json!({}))
        .await
        .expect(200)
        .body
}

fn make_due_now(app: &TestApp) {
    use diesel::RunQueryDsl;
    let mut conn = app.db.get().unwrap();
    diesel::sql_query("UPDATE notices SET next_attempt_at = created_at WHERE status = 'failed'")
        .execute(&mut *conn)
        .unwrap();
}

both_backends! {
    async fn a_pass_sends_one_digest_per_recipient_and_the_next_sends_nothing(app) {
        let smtp = SmtpServer::start(0);
        let app = spawn_with_smtp(app, &smtp.url()).await;
        let (_, article_license, feed_license) = two_licenses(&app).await;

        // A dry run previews and writes nothing.
        let preview = app.post("/v1/notices/run?dry_run=true&today=2025-12-24", json!({})).await.expect(200).body;
        assert_eq!(preview["planned"], 6);
        assert_eq!(preview["emails"].as_array().unwrap().len(), 3);
        assert_eq!(app.count_rows("notices"), 0);
        assert!(smtp.messages().is_empty());

        // 7 days before the article license's end, 4 before the feed's: both get their 7-day notice.
        let report = pass_on(&app, "2025-12-24").await;
        assert_eq!((report["planned"].clone(), report["sent"].clone(), report["failed"].clone()), (json!(6), json!(6), json!(0)));
        let messages = smtp.messages();
        let mut recipients: Vec<String> = messages.iter().flat_map(|m| m.to.clone()).collect();
        recipients.sort();
        assert_eq!(recipients, ["a@gazette.test", "b@gazette.test", DESK]);
        for m in &messages {
            assert!(m.data.contains("multipart/alternative"), "{}", m.data);
            assert!(m.data.contains("text/html"));
            assert!(m.data.contains("Message-ID: <notices-"));
            assert!(m.data.contains("Subject: [rightsdesk] 2 licenses need attention"), "{}", m.data);
            assert!(m.data.contains(&format!("license {article_license}")) && m.data.contains(&format!("license {feed_license}")));
            assert!(m.data.contains("Ukrainian President Open To Resign") && m.data.contains("every article of Worthy News"));
            assert!(m.data.contains("Archive rights: yes") && m.data.contains("Archive rights: no"));
            assert!(m.data.contains("To renew, contact: desk@worthynews.example.com"), "{}", m.data);
        }

        // The next pass, the same day or the next, sends nothing.
        assert_eq!(pass_on(&app, "2025-12-24").await["sent"], 0);
        assert_eq!(pass_on(&app, "2025-12-25").await["planned"], 0);
        assert_eq!(smtp.messages().len(), 3);
        let sent = app.get("/v1/notices?status=sent").await.expect(200);
        assert_eq!(sent.body["items"].as_array().unwrap().len(), 6);
        assert_eq!(sent.body["items"][0]["lead"], "7d");
        assert!(sent.body["items"][0]["sent_at"].is_string() && sent.body["items"][0]["message_id"].is_string());

        // The 1-day notice on the feed license's last day but one, then "expired" the day after its end.
        let report = pass_on(&app, "2025-12-27").await;
        assert_eq!(report["planned"], 3);
        let report = pass_on(&app, "2025-12-29").await;
        assert_eq!(report["planned"], 3, "{report}");
        let expired = app.get(&format!("/v1/notices?license_id={feed_license}&status=sent")).await.expect(200);
        let leads: Vec<Value> = expired.body["items"].as_array().unwrap().iter().map(|n| n["lead"].clone()).collect();
        assert!(leads.contains(&json!("expired")) && leads.contains(&json!("1d")) && leads.contains(&json!("7d")));

        let r = app.client.get(format!("{}/v1/notices?status=sent", app.address)).bearer_auth(&app.admin_token)
            .header("Accept", "text/csv").send().await.unwrap();
        let text = r.text().await.unwrap();
        let rows: Vec<_> = csv::Reader::from_reader(text.as_bytes()).records().map(|r| r.unwrap()).collect();
        assert_eq!(rows.len(), 12);
        assert!(rows.iter().all(|r| &r[6] == "sent" && r[11].starts_with("<notices-")));

        let metrics = app.client.get(format!("{}/metrics", app.address)).send().await.unwrap().text().await.unwrap();
        assert!(metrics.contains("rightsdesk_notices{status=\"sent\"} 12"), "{metrics}");
        assert!(metrics.contains("http_requests_total"), "{metrics}");
    }

    async fn smtp_down_then_back_sends_late_and_once(app) {
        let port = free_port();
        let app = spawn_with_smtp(app, &format!("smtp://127.0.0.1:{port}")).await;
        two_licenses(&app).await;
        let report = pass_on(&app, "2025-12-24").await;
        assert_eq!((report["sent"].clone(), report["failed"].clone()), (json!(0), json!(6)));
        let failed = app.get("/v1/notices?status=failed").await.expect(200);
        let first = &failed.body["items"][0];
        assert_eq!(first["attempts"], 1);
        assert!(first["next_attempt_at"].is_string() && first["last_error"].is_string());

        // Not due again before its next attempt.
        assert_eq!(pass_on(&app, "2025-12-24").await["failed"], 0);

        let smtp = SmtpServer::start(port);
        smtp.set(|b| b.transient_failure = true);
        make_due_now(&app);
        assert_eq!(pass_on(&app, "2025-12-24").await["failed"], 6, "451 answers leave them failed");
        assert_eq!(app.get("/v1/notices?status=failed").await.expect(200).body["items"][0]["attempts"], 2);

        smtp.set(|b| b.transient_failure = false);
        make_due_now(&app);
        let report = pass_on(&app, "2025-12-24").await;
        assert_eq!((report["sent"].clone(), report["failed"].clone()), (json!(6), json!(0)));
        assert_eq!(smtp.messages().len(), 3);
        make_due_now(&app);
        assert_eq!(pass_on(&app, "2025-12-24").await["sent"], 0);
        assert_eq!(smtp.messages().len(), 3, "nothing twice");
    }

    async fn a_refused_address_fails_only_itself_and_renewals_suppress(app) {
        let smtp = SmtpServer::start(0);
        smtp.set(|b| b.refused = vec!["b@gazette.test".into()]);
        let app = spawn_with_smtp(app, &smtp.url()).await;
        let (_, article_license, _) = two_licenses(&app).await;
        let report = pass_on(&app, "2025-12-24").await;
        assert_eq!((report["sent"].clone(), report["dead"].clone(), report["failed"].clone()), (json!(4), json!(2), json!(0)));
        let dead = app.get("/v1/notices?status=dead").await.expect(200);
        assert!(dead.body["items"].as_array().unwrap().iter().all(|n| n["recipient"] == "b@gazette.test"));
        assert!(dead.body["items"][0]["last_error"].as_str().unwrap().contains("550"));

        // A notice planned, then its license renewed before it could go out: suppressed.
        let port = free_port();
        let down = spawn_with_smtp(app, &format!("smtp://127.0.0.1:{port}")).await;
        assert_eq!(pass_on(&down, "2025-12-30").await["failed"], 6, "1-day notices of one license, expired of the other, SMTP down");
        down.post(&format!("/v1/licenses/{article_license}/renew"), json!({"valid_until": "2026-12-31"})).await.expect(200);
        let _smtp_back = SmtpServer::start(port);
        make_due_now(&down);
        let report = pass_on(&down, "2025-12-30").await;
        assert_eq!((report["suppressed"].clone(), report["sent"].clone()), (json!(3), json!(3)), "{report}");
        let suppressed = down.get(&format!("/v1/notices?status=suppressed&license_id={article_license}")).await.expect(200);
        assert!(suppressed.body["items"][0]["last_error"].as_str().unwrap().contains("renewed"));
    }

    async fn a_revoked_license_without_archive_rights_sends_a_takedown(app) {
        let smtp = SmtpServer::start(0);
        let app = spawn_with_smtp(app, &smtp.url()).await;
        let (gazette, article_license, _) = two_licenses(&app).await;
        let article = app.get(&format!("/v1/licenses/{article_license}")).await.expect(200).body["article_id"].as_i64().unwrap();
        app.post("/v1/reprints", json!({"article_id": article, "outlet_id": gazette, "reprinted_on": "2025-03-01",
            "medium": "web", "url": "https://gazette.test/zelenskyy", "credit_line_used": "This article was originally published on Worthy News and was reproduced with permission."}))
            .await.expect(201);
        app.post(&format!("/v1/licenses/{article_license}/revoke"), json!({"reason": "rights dispute"})).await.expect(200);
        let today = crate::common::today();
        let report = pass_on(&app, &today).await;
        assert_eq!(report["sent"], 2, "{report}");
        let messages = smtp.messages();
        assert_eq!(messages.len(), 2);
        for m in &messages {
            assert!(m.data.contains("TAKE DOWN") && m.data.contains("https://gazette.test/zelenskyy"), "{}", m.data);
            assert!(!m.to.contains(&DESK.to_string()));
        }
        let takedowns = app.get(&format!("/v1/notices?license_id={article_license}")).await.expect(200);
        assert!(takedowns.body["items"].as_array().unwrap().iter().all(|n| n["kind"] == "takedown" && n["lead"] == "takedown"));
    }

    async fn two_instances_at_once_deliver_each_notice_exactly_once(app) {
        let smtp = SmtpServer::start(0);
        let app = spawn_with_smtp(app, &smtp.url()).await;
        // Twenty partners, each with one license ending in 7 days, one contact each, no desk copies.
        let (worthy, _) = app.worthy_news().await;
        for i in 0..20 {
            let partner = app.post("/v1/outlets", json!({"name": format!("Partner {i}"), "contact_emails": [format!("p{i}@partners.test")]})).await.expect(201).id();
            app.post("/v1/licenses", json!({"grantor_outlet_id": worthy, "licensee_outlet_id": partner, "scope": "feed",
                "actions": ["republish"], "media": ["web"], "territories": ["WORLD"], "valid_from": "2025-01-01", "valid_until": "2025-12-31"}))
                .await.expect(201);
        }
        let url = crate::ingest::database_url(&app);
        let instance = |dir: &std::path::Path| {
            let mut config = test_config(&url, dir);
            config.smtp_url = Some(smtp.url().into());
            rightsdesk::app::server::Parts::prepare(config).unwrap()
        };
        let (d1, d2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let (a, b) = (instance(d1.path()), instance(d2.path()));
        let day = chrono::NaiveDate::from_ymd_opt(2025, 12, 24).unwrap();
        let stop = rightsdesk::notices::pass::Stopping::default();
        let (ra, rb) = tokio::join!(
            rightsdesk::notices::pass::run_pass(&a.db, &a.mailer, &a.notice_settings, day, false, &stop),
            rightsdesk::notices::pass::run_pass(&b.db, &b.mailer, &b.notice_settings, day, false, &stop),
        );
        let (ra, rb) = (ra.unwrap(), rb.unwrap());
        assert_eq!(ra.planned + rb.planned, 20);
        assert_eq!(ra.sent + rb.sent, 20, "a: {ra:?} b: {rb:?}");
        let mut recipients: Vec<String> = smtp.messages().iter().flat_map(|m| m.to.clone()).collect();
        recipients.sort();
        recipients.dedup();
        assert_eq!(smtp.messages().len(), 20);
        assert_eq!(recipients.len(), 20);
        if app.backend == Backend::Postgres {
            println!("two instances on PostgreSQL: a sent {}, b sent {}", ra.sent, rb.sent);
        }
    }

    async fn the_embedded_outbox_and_rightsdesk_notify(app) {
        // No SMTP configured: the command line writes .eml files to DATA_DIR/outbox/.
        let (_, article_license, _) = two_licenses(&app).await;
        let url = crate::ingest::database_url(&app);
        let dir = tempfile::tempdir().unwrap();
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_rightsdesk"))
            .args(["notify", "--today", "2025-12-24"])
            .env("RIGHTSDESK_DATABASE_URL", &url)
            .env("RIGHTSDESK_DATA_DIR", dir.path())
            .env("RIGHTSDESK_DESK_EMAIL", DESK)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "{stdout}{}", String::from_utf8_lossy(&output.stderr));
        assert!(stdout.contains("planned 6, sent 6"), "{stdout}");
        let files: Vec<_> = std::fs::read_dir(dir.path().join("outbox")).unwrap().map(|e| e.unwrap().path()).collect();
        assert_eq!(files.len(), 3);
        let eml = std::fs::read_to_string(&files[0]).unwrap();
        assert!(eml.contains("Subject: [rightsdesk]") && eml.contains(&format!("license {article_license}")), "{eml}");

        // A dry run from the command line sends nothing more.
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_rightsdesk"))
            .args(["notify", "--dry-run", "--today", "2025-12-24"])
            .env("RIGHTSDESK_DATABASE_URL", &url)
            .env("RIGHTSDESK_DATA_DIR", dir.path())
            .output()
            .unwrap();
        assert!(String::from_utf8_lossy(&output.stdout).contains("(dry run): planned 0, sent 0"));
        assert_eq!(std::fs::read_dir(dir.path().join("outbox")).unwrap().count(), 3);

        // The test email goes through the configured transport.
        let answer = app.post("/v1/notices/test-email", json!({"to": "ops@rightsdesk.test"})).await.expect(200);
        assert_eq!(answer.body["sent"], true);
        assert!(answer.body["transport"].as_str().unwrap().contains("outbox"));
        app.post("/v1/notices/test-email", json!({"to": "not an address"})).await.expect_problem(422);
    }
}
