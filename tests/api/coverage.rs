//! The coverage cache never answers from before a write: every write that can change a rights
//! check changes the very next answer, on both backends; and on PostgreSQL a second instance on
//! the same database hears a revocation within a second.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::both_backends;
use crate::common::{test_config, Backend, PgDatabase, TestApp};

const CREDIT: &str =
    "This article was originally published on Worthy News and was reproduced with permission.";

/// The partner's answer for the seed article today, web, US: (allowed, reasons).
async fn answer(app: &TestApp, token: &str, partner: i64, article: i64) -> (bool, Value) {
    let body = app
        .get_as(
            token,
            &format!("/v1/rights/check?outlet_id={partner}&article_id={article}&territory=US"),
        )
        .await
        .expect(200)
        .body;
    (body["allowed"].as_bool().unwrap(), body["reasons"].clone())
}

/// Asks twice (the second answer comes from the cache when nothing changed) and expects both.
async fn expect_twice(
    app: &TestApp,
    token: &str,
    partner: i64,
    article: i64,
    allowed: bool,
    reasons: Value,
    after: &str,
) {
    for round in ["first", "second"] {
        assert_eq!(
            answer(app, token, partner, article).await,
            (allowed, reasons.clone()),
            "{round} answer after {after}"
        );
    }
}

both_backends! {
    async fn every_write_that_can_change_an_answer_changes_the_next_one(app) {
        let (worthy, article) = app.worthy_news().await;
        let partner = app.create_outlet("Cached Gazette").await;
        let token = app.user_token("cms@cached.test", "partner", Some(partner)).await;
        expect_twice(&app, &token, partner, article, false, json!(["no_license"]), "nothing").await;

        let license = app.post("/v1/licenses", json!({
            "grantor_outlet_id": worthy, "licensee_outlet_id": partner, "scope": "article",
            "article_id": article, "actions": ["republish"], "media": ["web"],
            "territories": ["US"], "valid_from": "2025-01-01", "credit_line": CREDIT
        })).await.expect(201).id();
        expect_twice(&app, &token, partner, article, true, json!([]), "create").await;

        let path = format!("/v1/licenses/{license}");
        app.patch(&path, json!({"media": ["print"]})).await.expect(200);
        expect_twice(&app, &token, partner, article, false, json!(["medium_not_granted"]), "update").await;
        app.patch(&path, json!({"media": ["web"], "valid_until": "2025-12-31"})).await.expect(200);
        expect_twice(&app, &token, partner, article, false, json!(["expired"]), "an end date").await;
        app.post(&format!("{path}/renew"), json!({"valid_until": "2099-12-31"})).await.expect(200);
        expect_twice(&app, &token, partner, article, true, json!([]), "renew").await;

        app.post(&format!("{path}/suspend"), json!({"reason": "invoice unpaid"})).await.expect(200);
        expect_twice(&app, &token, partner, article, false, json!(["suspended"]), "suspend").await;
        app.post(&format!("{path}/resume"), json!({})).await.expect(200);
        expect_twice(&app, &token, partner, article, true, json!([]), "resume").await;

        app.delete(&path).await.expect(204);
        expect_twice(&app, &token, partner, article, false, json!(["no_license"]), "delete").await;
        app.post(&format!("{path}/restore"), json!({})).await.expect(200);
        expect_twice(&app, &token, partner, article, true, json!([]), "restore").await;

        // An embargo, set and lifted.
        let article_path = format!("/v1/articles/{article}");
        app.patch(&article_path, json!({"embargo_until": "2099-01-01T00:00:00Z"})).await.expect(200);
        expect_twice(&app, &token, partner, article, false, json!(["embargoed"]), "an embargo").await;
        app.patch(&article_path, json!({"embargo_until": null})).await.expect(200);
        expect_twice(&app, &token, partner, article, true, json!([]), "lifting the embargo").await;

        // A use cap: the reprint that reaches it closes the license at once.
        app.patch(&path, json!({"max_reprints": 1})).await.expect(200);
        expect_twice(&app, &token, partner, article, true, json!([]), "a cap of one").await;
        let reprint = app.post_as(&token, "/v1/reprints", json!({
            "article_id": article, "outlet_id": partner, "reprinted_on": crate::common::today(),
            "medium": "web", "territory": "US", "credit_line_used": CREDIT
        })).await.expect(201);
        assert_eq!(reprint.body["compliance"], "covered");
        expect_twice(&app, &token, partner, article, false, json!(["use_limit_reached"]), "the reprint that used it up").await;
        let reprint_path = format!("/v1/reprints/{}", reprint.id());
        app.delete(&reprint_path).await.expect(204);
        expect_twice(&app, &token, partner, article, true, json!([]), "deleting that reprint").await;
        app.post(&format!("{reprint_path}/restore"), json!({})).await.expect(200);
        expect_twice(&app, &token, partner, article, false, json!(["use_limit_reached"]), "restoring it").await;
        app.patch(&path, json!({"max_reprints": null})).await.expect(200);

        app.post(&format!("{path}/revoke"), json!({"reason": "contract ended early"})).await.expect(200);
        expect_twice(&app, &token, partner, article, false, json!(["revoked"]), "revoke").await;

        // A feed license from the source covers it (no license names the article any more).
        app.delete(&path).await.expect(204);
        app.post("/v1/licenses", json!({
            "grantor_outlet_id": worthy, "licensee_outlet_id": partner, "scope": "feed",
            "actions": ["republish"], "media": ["web"], "territories": ["WORLD"],
            "valid_from": "2025-01-01", "credit_line": CREDIT
        })).await.expect(201);
        expect_twice(&app, &token, partner, article, true, json!([]), "a feed license").await;

        // The article deleted: staff get 404, the partner the same no_license as for any article.
        app.delete(&article_path).await.expect(204);
        for _ in 0..2 {
            app.get(&format!("/v1/rights/check?outlet_id={partner}&article_id={article}")).await.expect_problem(404);
        }
        expect_twice(&app, &token, partner, article, false, json!(["no_license"]), "deleting the article").await;
    }
}

both_backends! {
    async fn an_embargo_lifts_on_time_without_a_write(app) {
        let (worthy, article) = app.worthy_news().await;
        let partner = app.create_outlet("Patient Gazette").await;
        let token = app.user_token("cms@patient.test", "partner", Some(partner)).await;
        app.post("/v1/licenses", json!({
            "grantor_outlet_id": worthy, "licensee_outlet_id": partner, "scope": "article",
            "article_id": article, "actions": ["republish"], "media": ["web"],
            "territories": ["US"], "valid_from": "2025-01-01", "credit_line": CREDIT
        })).await.expect(201);
        let lifts = chrono::Utc::now() + chrono::Duration::seconds(3);
        app.patch(&format!("/v1/articles/{article}"), json!({
            "embargo_until": lifts.format("%Y-%m-%dT%H:%M:%SZ").to_string()
        })).await.expect(200);
        // Asked repeatedly while the embargo holds: never remembered past its moment.
        expect_twice(&app, &token, partner, article, false, json!(["embargoed"]), "an embargo three seconds away").await;
        tokio::time::sleep(std::time::Duration::from_secs(4)).await;
        expect_twice(&app, &token, partner, article, true, json!([]), "the embargo's moment, with no write").await;
    }
}

/// Two instances on one PostgreSQL database: a revocation through the first is refused by the
/// second within a second (it hears of it through LISTEN/NOTIFY).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(postgres_tests),
    ignore = "PostgreSQL: set RIGHTSDESK_TEST_POSTGRES_URL to run it"
)]
async fn a_revocation_reaches_another_instance_within_a_second() {
    let Some(pg) = PgDatabase::create() else {
        return;
    };
    let url = pg.url.clone();
    let secret = "one signing key for both instances, 32+ characters";
    let first_dir = tempfile::tempdir().unwrap();
    let mut first_config = test_config(&url, first_dir.path());
    first_config.jwt_secret = Some(secret.to_string().into());
    let first = TestApp::spawn_with(Backend::Postgres, first_config, first_dir, Some(pg)).await;
    let second_dir = tempfile::tempdir().unwrap();
    let mut second_config = test_config(&url, second_dir.path());
    second_config.jwt_secret = Some(secret.to_string().into());
    let second = TestApp::spawn_with(Backend::Postgres, second_config, second_dir, None).await;

    let (worthy, article) = first.worthy_news().await;
    let partner = first.create_outlet("Two Instance Gazette").await;
    let token = first
        .user_token("cms@two.test", "partner", Some(partner))
        .await;
    let license = first
        .post(
            "/v1/licenses",
            json!({
                "grantor_outlet_id": worthy, "licensee_outlet_id": partner, "scope": "article",
                "article_id": article, "actions": ["republish"], "media": ["web"],
                "territories": ["US"], "valid_from": "2025-01-01"
            }),
        )
        .await
        .expect(201)
        .id();

    // The second instance learns of the license, then answers from its cache.
    let started = Instant::now();
    while !answer(&second, &token, partner, article).await.0 {
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "the second instance never heard of the license"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // The license's own notification may still be on its way (it moves the second instance's
    // stamp when it lands): ask until an answer comes from the cache.
    let mut from_cache = false;
    for _ in 0..20 {
        let hits_before = cache_hits(&second).await;
        assert!(answer(&second, &token, partner, article).await.0);
        if cache_hits(&second).await > hits_before {
            from_cache = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(from_cache, "the second instance answers from its cache");

    first
        .post(
            &format!("/v1/licenses/{license}/revoke"),
            json!({"reason": "contract ended"}),
        )
        .await
        .expect(200);
    let revoked = Instant::now();
    loop {
        let (allowed, reasons) = answer(&second, &token, partner, article).await;
        if !allowed {
            assert_eq!(reasons, json!(["revoked"]));
            break;
        }
        assert!(
            revoked.elapsed() < Duration::from_secs(1),
            "the second instance still allowed a revoked license after {:?}",
            revoked.elapsed()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let took = revoked.elapsed();
    assert!(took < Duration::from_secs(1), "took {took:?}");
    eprintln!("the second instance refused the revoked license after {took:?}");
}

/// Checks answered from memory so far (a remembered answer, or one judged afresh on remembered
/// coverage), from the metrics endpoint.
async fn cache_hits(app: &TestApp) -> f64 {
    let text = app.get("/metrics").await.expect(200).text;
    text.lines()
        .filter(|l| {
            (l.starts_with("rightsdesk_coverage_cache_total")
                || l.starts_with("rightsdesk_check_answer_cache_total"))
                && l.contains("outcome=\"hit\"")
        })
        .filter_map(|l| l.rsplit(' ').next())
        .filter_map(|n| n.parse::<f64>().ok())
        .sum()
}
