//! Notices people can steer: lead times per license, contacts with roles and opt-outs, the
//! account manager copied, acknowledgements that snooze, and each license's notice history. Real
//! SMTP on loopback, both backends.

use serde_json::{json, Value};

use crate::both_backends;
use crate::common::{test_config, TestApp};
use crate::smtp::SmtpServer;

const DESK: &str = "desk@rightsdesk.test";
const MANAGER: &str = "am@rightsdesk.test";

async fn mailing(app: TestApp, smtp_url: &str) -> TestApp {
    let url = crate::ingest::database_url(&app);
    let dir = tempfile::tempdir().unwrap();
    let mut config = test_config(&url, dir.path());
    config.smtp_url = Some(smtp_url.to_string().into());
    config.desk_email = Some(DESK.parse().unwrap());
    let pg = app.pg;
    let mut keep = app.keep_alive;
    keep.push(app.data_dir);
    let mut next = TestApp::spawn_with(app.backend, config, dir, pg).await;
    next.keep_alive = keep;
    next
}

async fn pass_on(app: &TestApp, today: &str) -> Value {
    app.post(&format!("/v1/notices/run?today={today}"), json!({}))
        .await
        .expect(200)
        .body
}

async fn feed_license(
    app: &TestApp,
    grantor: i64,
    licensee: i64,
    until: &str,
    leads: Value,
) -> i64 {
    app.post(
        "/v1/licenses",
        json!({"grantor_outlet_id": grantor, "licensee_outlet_id": licensee,
        "scope": "feed", "actions": ["republish"], "media": ["web"], "territories": ["WORLD"],
        "valid_from": "2025-01-01", "valid_until": until, "notice_leads": leads}),
    )
    .await
    .expect(201)
    .id()
}

fn leads_of(history: &Value) -> Vec<String> {
    let mut leads: Vec<String> = history["notices"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["status"] == "sent")
        .map(|n| n["lead"].as_str().unwrap().to_string())
        .collect();
    leads.dedup();
    leads
}

fn recipients_of(smtp: &SmtpServer) -> Vec<String> {
    let mut all: Vec<String> = smtp.messages().iter().flat_map(|m| m.to.clone()).collect();
    all.sort();
    all.dedup();
    all
}

both_backends! {
    async fn leads_per_license_contacts_and_the_account_manager(app) {
        let smtp = SmtpServer::start(0);
        let app = mailing(app, &smtp.url()).await;
        let (worthy, _) = app.worthy_news().await;
        app.user_token(MANAGER, "desk", None).await;
        let manager = app.get("/v1/users").await.expect(200).body["items"].as_array().unwrap().iter()
            .find(|u| u["email"] == MANAGER).unwrap()["id"].as_i64().unwrap();
        // Bad input names the field.
        let bad = app.post("/v1/outlets", json!({"name": "X", "contacts": [{"email": "nope"}], "account_manager_user_id": 987654})).await.expect_problem(422);
        assert!(bad.text.contains("contacts[0].email"), "{}", bad.text);
        let bad = app.post("/v1/outlets", json!({"name": "X", "account_manager_user_id": 987654})).await.expect_problem(422);
        assert!(bad.text.contains("account_manager_user_id"), "{}", bad.text);
        let gazette = app.post("/v1/outlets", json!({"name": "Gazette",
            "contact_emails": ["a@gazette.test", "gone@gazette.test"],
            "contacts": [{"email": "legal@gazette.test", "name": "Lee Gal", "role": "legal"},
                         {"email": "gone@gazette.test", "role": "billing", "opted_out": true}],
            "account_manager_user_id": manager})).await.expect(201).body;
        assert_eq!(gazette["contacts"][1]["opted_out"], true);
        assert_eq!(gazette["account_manager_user_id"], manager);
        let gazette = gazette["id"].as_i64().unwrap();
        let bad = app.post("/v1/licenses", json!({"grantor_outlet_id": worthy, "licensee_outlet_id": gazette,
            "scope": "feed", "actions": ["republish"], "media": ["web"], "territories": ["WORLD"],
            "valid_from": "2025-01-01", "valid_until": "2025-12-31", "notice_leads": [0]})).await.expect_problem(422);
        assert!(bad.text.contains("notice_leads"), "{}", bad.text);

        let yearly = feed_license(&app, worthy, gazette, "2025-12-31", json!([7, 90, 30])).await;
        let weekly = feed_license(&app, worthy, gazette, "2025-12-31", json!([2])).await;
        assert_eq!(app.get(&format!("/v1/licenses/{yearly}")).await.expect(200).body["notice_leads"], json!([90, 30, 7]));

        // 90, 30 and 7 days before the end for the yearly deal; the weekly one only 2 days before.
        for (day, planned) in [("2025-10-01", 0), ("2025-10-02", 4), ("2025-11-15", 0), ("2025-12-01", 4),
                               ("2025-12-24", 4), ("2025-12-28", 0), ("2025-12-29", 4), ("2025-12-30", 0)] {
            let report = pass_on(&app, day).await;
            assert_eq!(report["planned"], planned, "on {day}: {report}");
            assert_eq!(report["sent"], planned, "on {day}: {report}");
        }
        let yearly_history = app.get(&format!("/v1/licenses/{yearly}/notices")).await.expect(200).body;
        assert_eq!(leads_of(&yearly_history), ["90d", "30d", "7d"]);
        assert_eq!(yearly_history["notices"].as_array().unwrap().len(), 12);
        let weekly_history = app.get(&format!("/v1/licenses/{weekly}/notices")).await.expect(200).body;
        assert_eq!(leads_of(&weekly_history), ["2d"]);

        // The opted-out contact got nothing; the account manager was copied on every digest.
        assert_eq!(recipients_of(&smtp), ["a@gazette.test", MANAGER, DESK, "legal@gazette.test"]);
        assert_eq!(smtp.messages().iter().filter(|m| m.to == [MANAGER]).count(), 4);
        let html = &smtp.messages()[0].data;
        assert!(html.contains("multipart/alternative"));

        // The desk sees the opt-out on the outlet.
        let outlet = app.get(&format!("/v1/outlets/{gazette}")).await.expect(200).body;
        assert_eq!(outlet["contacts"][1]["email"], "gone@gazette.test");
        assert_eq!(outlet["contacts"][1]["opted_out"], true);
    }

    async fn an_acknowledgement_snoozes_lead_notices_until_its_date(app) {
        let smtp = SmtpServer::start(0);
        let app = mailing(app, &smtp.url()).await;
        let (worthy, _) = app.worthy_news().await;
        let gazette = app.post("/v1/outlets", json!({"name": "Gazette", "contact_emails": ["a@gazette.test"]})).await.expect(201).id();
        let license = feed_license(&app, worthy, gazette, "2026-01-31", json!([90, 30, 7])).await;
        // 90 days before the end of January: 2025-11-02.
        assert_eq!(pass_on(&app, "2025-11-02").await["sent"], 2);
        let first = app.get(&format!("/v1/licenses/{license}/notices")).await.expect(200).body["notices"][0]["id"].as_i64().unwrap();

        let bad = app.post(&format!("/v1/notices/{first}/acknowledge"), json!({"until": "soon"})).await.expect_problem(422);
        assert!(bad.text.contains("until"), "{}", bad.text);
        app.post("/v1/notices/999999/acknowledge", json!({"until": "2026-01-10"})).await.expect_problem(404);
        let ack = app.post(&format!("/v1/notices/{first}/acknowledge"),
            json!({"until": "2026-01-10", "note": "renewal in progress"})).await.expect(201).body;
        assert_eq!(ack["license_id"], license);

        // The 30-day notice (due 2026-01-01) falls inside the snooze: not sent then, nor late.
        assert_eq!(pass_on(&app, "2026-01-01").await["planned"], 0);
        assert_eq!(pass_on(&app, "2026-01-10").await["planned"], 0);
        // The 7-day notice (2026-01-24) is after the snooze: it goes out.
        let report = pass_on(&app, "2026-01-24").await;
        assert_eq!(report["sent"], 2, "{report}");

        let history = app.get(&format!("/v1/licenses/{license}/notices")).await.expect(200).body;
        assert_eq!(leads_of(&history), ["90d", "7d"]);
        assert_eq!(history["snoozed_until"], "2026-01-10");
        assert_eq!(history["acknowledgements"][0]["note"], "renewal in progress");
        assert_eq!(history["notices"][0]["acknowledgements"][0]["until"], "2026-01-10");
        assert_eq!(smtp.messages().len(), 4);
    }
}
