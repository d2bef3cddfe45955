//! The rights chain (rights held vs rights granted), text and data mining, and use caps, on both
//! backends. The story of docs/rights.md: Worthy News grants the desk `republish` + `sublicense`
//! for 2025; the desk grants Budapest Daily `republish` in 2025; Worthy News revokes in June.

use reqwest::Method;
use serde_json::{json, Value};

use crate::both_backends;
use crate::common::{test_config, Answer, TestApp};
use crate::smtp::SmtpServer;

const CREDIT: &str =
    "This article was originally published on Worthy News and was reproduced with permission.";
const DESK_EMAIL: &str = "desk@rightsdesk.test";

/// Worthy News, the desk (an outlet too) and Budapest Daily; an article the desk carries, first
/// published by Worthy News (its rights holder).
async fn story(app: &TestApp) -> (i64, i64, i64, i64) {
    let worthy = app.create_outlet("Worthy News").await;
    let desk = app.create_outlet("Rights Desk").await;
    let budapest = app.create_outlet("Budapest Daily").await;
    let article = app
        .post(
            "/v1/articles",
            json!({
                "title": "Ukrainian President Open To Resign In Exchange For NATO Membership",
                "source_outlet_id": desk, "original_outlet_id": worthy,
                "published_on": "2025-02-23",
                "url": "https://desk.example.com/ukrainian-president-open-to-resign",
                "permission_statement": CREDIT, "original_publisher": "Worthy News",
                "permission_kind": "reproduced_with_permission"
            }),
        )
        .await
        .expect(201);
    assert_eq!(article.body["original_outlet_id"], worthy);
    assert_eq!(article.body["rights_holder_outlet_id"], worthy);
    (worthy, desk, budapest, article.id())
}

fn grant(grantor: i64, licensee: i64, article: i64, actions: &[&str], until: &str) -> Value {
    json!({
        "grantor_outlet_id": grantor, "licensee_outlet_id": licensee, "scope": "article",
        "article_id": article, "actions": actions, "media": ["web"], "territories": ["WORLD"],
        "valid_from": "2025-01-01", "valid_until": until, "exclusive": false
    })
}

async fn check(app: &TestApp, outlet: i64, article: i64, extra: &str) -> Value {
    app.get(&format!(
        "/v1/rights/check?outlet_id={outlet}&article_id={article}&on=2025-06-01{extra}"
    ))
    .await
    .expect(200)
    .body
}

async fn raw(
    app: &TestApp,
    method: Method,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<String>,
) -> Answer {
    let mut request = app
        .client
        .request(method, format!("{}{}", app.address, path))
        .bearer_auth(&app.admin_token);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    if let Some(body) = body {
        request = request.body(body);
    }
    TestApp::answer(request.send().await.expect("request")).await
}

async fn spawn_with_smtp(app: TestApp, smtp_url: &str) -> TestApp {
    let url = crate::ingest::database_url(&app);
    let dir = tempfile::tempdir().unwrap();
    let mut config = test_config(&url, dir.path());
    config.smtp_url = Some(smtp_url.to_string().into());
    config.desk_email = Some(DESK_EMAIL.parse().unwrap());
    let pg = app.pg;
    let mut keep = app.keep_alive;
    keep.push(app.data_dir);
    let mut mailing = TestApp::spawn_with(app.backend, config, dir, pg).await;
    mailing.keep_alive = keep;
    mailing
}

both_backends! {
    async fn a_grant_out_needs_an_upstream_sublicense(app) {
        let (worthy, desk, budapest, article) = story(&app).await;

        // Nothing from Worthy News yet: the desk may not grant what it does not hold.
        let refused = app.post("/v1/licenses", grant(desk, budapest, article, &["republish"], "2025-12-31")).await.expect_problem(409);
        assert_eq!(refused.body["code"], "no_upstream_right", "{}", refused.text);
        assert_eq!(refused.body["missing"]["outlet_id"], worthy);
        assert_eq!(refused.body["missing"]["licensee_outlet_id"], desk);

        // Republish alone is not enough: the upstream must grant sublicense.
        let plain = app.post("/v1/licenses", grant(worthy, desk, article, &["republish"], "2025-12-31")).await.expect(201);
        assert_eq!(plain.body["upstream_license_id"], Value::Null, "granted by the rights holder");
        let refused = app.post("/v1/licenses", grant(desk, budapest, article, &["republish"], "2025-12-31")).await.expect_problem(409);
        assert_eq!(refused.body["missing"]["upstream_license_id"], plain.id());
        assert_eq!(refused.body["missing"]["lacks"], json!(["sublicense"]));

        // With republish + sublicense for 2025, the desk's grant rests on it.
        let upstream = app.post("/v1/licenses", grant(worthy, desk, article, &["republish", "sublicense"], "2025-12-31")).await.expect(201).id();
        let down = app.post("/v1/licenses", grant(desk, budapest, article, &["republish"], "2025-12-31")).await.expect(201);
        assert_eq!(down.body["upstream_license_id"], upstream);

        // A grant that outlasts its upstream is refused, on create and on renew.
        let longer = app.post("/v1/licenses", grant(desk, budapest, article, &["republish"], "2026-06-30")).await.expect_problem(409);
        assert_eq!(longer.body["code"], "no_upstream_right");
        assert_eq!(longer.body["missing"]["lacks"], json!(["valid until 2026-06-30"]));
        app.post(&format!("/v1/licenses/{}/renew", down.id()), json!({"valid_until": "2026-12-31"})).await.expect_problem(409);
        app.patch(&format!("/v1/licenses/{}", down.id()), json!({"media": ["web", "print"]})).await.expect_problem(409);

        // Three links: Worthy News -> desk -> Budapest Daily -> Szeged Weekly.
        let szeged = app.create_outlet("Szeged Weekly").await;
        let middle = app.post("/v1/licenses", grant(desk, budapest, article, &["republish", "sublicense"], "2025-12-31")).await.expect(201).id();
        let last = app.post("/v1/licenses", grant(budapest, szeged, article, &["republish"], "2025-12-31")).await.expect(201);
        assert_eq!(last.body["upstream_license_id"], middle);
        let allowed = check(&app, szeged, article, "").await;
        assert_eq!(allowed["allowed"], true, "{allowed}");
        assert_eq!(allowed["chain"], json!([upstream, middle, last.id()]));
        let chain = app.get(&format!("/v1/licenses/{}/chain", last.id())).await.expect(200).body;
        assert_eq!(chain["rights_holder_outlet_id"], worthy);
        let links: Vec<(i64, i64)> = chain["links"].as_array().unwrap().iter()
            .map(|l| (l["grantor_outlet_id"].as_i64().unwrap(), l["licensee_outlet_id"].as_i64().unwrap())).collect();
        assert_eq!(links, [(worthy, desk), (desk, budapest), (budapest, szeged)]);
    }

    async fn an_upstream_revocation_reaches_downstream(app) {
        let smtp = SmtpServer::start(0);
        let app = spawn_with_smtp(app, &smtp.url()).await;
        let (worthy, desk, budapest, article) = story(&app).await;
        let upstream = app.post("/v1/licenses", grant(worthy, desk, article, &["republish", "sublicense"], "2025-12-31")).await.expect(201).id();
        let down = app.post("/v1/licenses", grant(desk, budapest, article, &["republish"], "2025-12-31")).await.expect(201).id();
        assert_eq!(check(&app, budapest, article, "").await["chain"], json!([upstream, down]));

        // Worthy News revokes in June: the desk's grant to Budapest Daily loses its footing.
        let revoked = app.post(&format!("/v1/licenses/{upstream}/revoke"), json!({"reason": "Worthy News withdrew syndication"})).await.expect(200);
        assert_eq!(revoked.body["affected_license_ids"], json!([down]));
        let after = check(&app, budapest, article, "").await;
        assert_eq!(after["allowed"], false);
        assert_eq!(after["reasons"], json!(["upstream_not_in_force"]));
        assert_eq!(after["upstream_license_id"], upstream);
        assert_eq!(after["considered"][0]["upstream_license_id"], upstream);

        // A reprint on the day is uncovered for the same reason.
        let reprint = app.post("/v1/reprints", json!({"article_id": article, "outlet_id": budapest, "reprinted_on": "2025-06-20",
            "medium": "web", "credit_line_used": CREDIT})).await.expect(201);
        assert_eq!(reprint.body["reasons"], json!(["upstream_not_in_force"]));

        // One takedown to Budapest Daily and one to the desk, through the outbox, once.
        app.post("/v1/notices/run?today=2025-06-20", json!({})).await.expect(200);
        app.post("/v1/notices/run?today=2025-06-21", json!({})).await.expect(200);
        let notices = app.get(&format!("/v1/notices?license_id={down}")).await.expect(200).body;
        let mut to: Vec<(String, String)> = notices["items"].as_array().unwrap().iter()
            .map(|n| (n["kind"].as_str().unwrap().to_string(), n["recipient"].as_str().unwrap().to_string())).collect();
        to.sort();
        assert_eq!(to, [("takedown".to_string(), "desk@budapestdaily.example.com".to_string()),
            ("takedown".to_string(), DESK_EMAIL.to_string())], "{notices}");
    }

    async fn an_article_held_on_permission_reserves_mining(app) {
        let (worthy, desk, budapest, article) = story(&app).await;
        let read = app.get(&format!("/v1/articles/{article}")).await.expect(200).body;
        assert_eq!(read["data_mining"], "prohibited");
        assert_eq!(read["data_mining_uri"], "http://ns.useplus.org/ldf/vocab/DMI-PROHIBITED");
        app.post("/v1/licenses", grant(worthy, budapest, article, &["republish", "ai_training", "text_data_mining"], "2025-12-31")).await.expect(201);
        let ai = check(&app, budapest, article, "&action=ai_training").await;
        assert_eq!(ai["allowed"], false);
        assert_eq!(ai["reasons"], json!(["data_mining_reserved"]), "{ai}");
        assert_eq!(check(&app, budapest, article, "").await["allowed"], true);

        // What the publishing site states: tdmrep.json (public), headers, meta.
        let well_known = app.client.get(format!("{}/.well-known/tdmrep.json?outlet_id={desk}", app.address)).send().await.unwrap();
        assert_eq!(well_known.status(), 200);
        let entries: Value = serde_json::from_str(&well_known.text().await.unwrap()).unwrap();
        assert_eq!(entries, json!([{"location": "https://desk.example.com/ukrainian-president-open-to-resign", "tdm-reservation": 1}]));
        let missing = app.client.get(format!("{}/.well-known/tdmrep.json", app.address)).send().await.unwrap();
        assert_eq!(missing.status(), 400, "outlet_id is required");
        let tdm = app.get(&format!("/v1/articles/{article}/tdm")).await.expect(200).body;
        assert_eq!(tdm["tdm_reservation"], 1);
        assert_eq!(tdm["headers"]["tdm-reservation"], "1");
        assert!(tdm["html_meta"].as_str().unwrap().contains("<meta name=\"tdm-reservation\" content=\"1\">"));
        let ld = raw(&app, Method::GET, &format!("/v1/articles/{article}"), &[("Accept", "application/ld+json")], None).await.expect(200);
        assert_eq!(ld.headers["tdm-reservation"], "1");

        // Allowing it explicitly lifts the reservation; a bad value is named.
        app.patch(&format!("/v1/articles/{article}"), json!({"data_mining": "maybe"})).await.expect_problem(422);
        let allowed = app.patch(&format!("/v1/articles/{article}"), json!({"data_mining": "allowed", "tdm_policy_url": "https://worthynews.com/tdm"})).await.expect(200);
        assert_eq!(allowed.body["data_mining"], "allowed");
        assert_eq!(check(&app, budapest, article, "&action=ai_training").await["allowed"], true);
    }

    async fn odrl_keeps_sublicense_and_the_reservation(app) {
        let (worthy, desk, _, article) = story(&app).await;
        let mut terms = grant(worthy, desk, article, &["republish", "sublicense"], "2025-12-31");
        terms["data_mining"] = json!("prohibited_ai_training");
        terms["tdm_policy_url"] = json!("https://worthynews.com/tdm-policy.json");
        let license = app.post("/v1/licenses", terms).await.expect(201);
        assert_eq!(license.body["data_mining_uri"], "http://ns.useplus.org/ldf/vocab/DMI-PROHIBITED-AIMLTRAINING");
        let policy = app.get(&format!("/v1/licenses/{}/odrl", license.id())).await.expect(200).body;
        assert_eq!(policy["prohibition"], json!([{"action": "tdm:mine"}]));
        assert!(policy["profile"].as_array().unwrap().contains(&json!("http://www.w3.org/ns/tdmrep")));
        assert!(policy["permission"].as_array().unwrap().iter().any(|p| p["action"] == "grantUse"));
        let imported = raw(&app, Method::POST, "/v1/licenses", &[("Content-Type", "application/ld+json")], Some(policy.to_string())).await.expect(201);
        assert_eq!(imported.body["actions"], json!(["republish", "sublicense"]));
        assert_eq!(imported.body["data_mining"], "prohibited_ai_training");
        assert_eq!(imported.body["tdm_policy_url"], "https://worthynews.com/tdm-policy.json");
    }

    async fn a_one_use_license_counts_a_reprint_with_the_wrong_credit(app) {
        let (worthy, article) = app.worthy_news().await;
        let partner = app.create_outlet("Agency Client").await;
        app.post("/v1/licenses", json!({
            "grantor_outlet_id": worthy, "licensee_outlet_id": partner, "scope": "article", "article_id": article,
            "actions": ["republish"], "media": ["web"], "territories": ["WORLD"],
            "valid_from": "2025-01-01", "max_reprints": 1
        })).await.expect(201);
        let first = app.post("/v1/reprints", json!({"article_id": article, "outlet_id": partner, "reprinted_on": "2025-02-24",
            "medium": "web", "credit_line_used": "Courtesy of somebody"})).await.expect(201);
        assert_eq!(first.body["reasons"], json!(["credit_line_missing"]));
        let second = app.post("/v1/reprints", json!({"article_id": article, "outlet_id": partner, "reprinted_on": "2025-02-25",
            "medium": "web", "credit_line_used": CREDIT})).await.expect(201);
        assert_eq!(second.body["compliance"], "uncovered");
        assert_eq!(second.body["reasons"], json!(["use_limit_reached"]));
    }
}
