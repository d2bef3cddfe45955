//! Every error is problem+json, and bad input writes nothing.

use reqwest::Method;
use serde_json::json;

use crate::both_backends;

both_backends! {
    async fn malformed_requests_get_problems(app) {
        let (outlet, _) = app.worthy_news().await;
        let before = (app.count_rows("outlets"), app.count_rows("articles"));
        let url = format!("{}/v1/articles", app.address);

        // Malformed JSON.
        let r = app.client.post(&url).bearer_auth(&app.admin_token).header("content-type", "application/json")
            .body("{\"title\": ").send().await.unwrap();
        crate::common::TestApp::answer(r).await.expect_problem(400);

        // Wrong content type.
        let r = app.client.post(&url).bearer_auth(&app.admin_token).header("content-type", "text/plain")
            .body("title=x").send().await.unwrap();
        crate::common::TestApp::answer(r).await.expect_problem(415);

        // A 10 MB body.
        let huge = format!("{{\"title\": \"{}\", \"source_outlet_id\": {outlet}}}", "x".repeat(10 * 1024 * 1024));
        let r = app.client.post(&url).bearer_auth(&app.admin_token).header("content-type", "application/json")
            .body(huge).send().await.unwrap();
        crate::common::TestApp::answer(r).await.expect_problem(413);

        // Ids that are not positive integers.
        app.get("/v1/articles/-1").await.expect_problem(400);
        app.get("/v1/articles/abc").await.expect_problem(400);
        app.get("/v1/articles/0").await.expect_problem(404);
        app.get("/v1/articles/99999999999999999999").await.expect_problem(400);

        // Page sizes.
        app.get("/v1/articles?limit=100000").await.expect_problem(400);
        app.get("/v1/articles?limit=-5").await.expect_problem(400);
        app.get("/v1/articles?source_outlet_id=abc").await.expect_problem(400);

        // Unknown routes and wrong methods.
        app.get("/v1/nothing-here").await.expect_problem(404);
        let wrong = app.send(Method::PUT, "/v1/outlets", Some(&app.admin_token), Some(json!({}))).await.expect_problem(405);
        assert!(wrong.headers.contains_key("allow"));

        // No token, a bad token.
        app.send(Method::GET, "/v1/outlets", None, None).await.expect_problem(401);
        app.send(Method::GET, "/v1/outlets", Some("not-a-token"), None).await.expect_problem(401);

        assert_eq!((app.count_rows("outlets"), app.count_rows("articles")), before);
    }

    async fn service_endpoints_answer(app) {
        let health = app.send(Method::GET, "/healthz", None, None).await.expect(200);
        assert_eq!(health.body, json!({"status": "ok"}));
        assert!(health.headers.contains_key("x-request-id"));
        assert_eq!(health.headers["x-content-type-options"], "nosniff");
        app.send(Method::GET, "/readyz", None, None).await.expect(200);
        let doc = app.send(Method::GET, "/openapi.json", None, None).await.expect(200);
        assert!(doc.body["openapi"].as_str().unwrap().starts_with("3.1"));
    }
}

both_backends! {
    async fn request_ids_limits_and_cors(app) {
        // A client's request id comes back, and the audit entry of its write carries it.
        let r = app.client.post(format!("{}/v1/outlets", app.address)).bearer_auth(&app.admin_token)
            .header("X-Request-Id", "cms-req-42").json(&json!({"name": "Traced Outlet"})).send().await.unwrap();
        let created = crate::common::TestApp::answer(r).await.expect(201);
        assert_eq!(created.headers["x-request-id"], "cms-req-42");
        let audit = app.get(&format!("/v1/audit?entity=outlet&entity_id={}", created.id())).await.expect(200);
        assert_eq!(audit.body["items"][0]["request_id"], "cms-req-42");
        // An unusable one is replaced by a generated id.
        let r = app.client.get(format!("{}/healthz", app.address)).header("X-Request-Id", "no spaces allowed").send().await.unwrap();
        assert_ne!(r.headers()["x-request-id"], "no spaces allowed");

        // Over-long query strings and list bodies.
        let long = "x".repeat(5000);
        app.get(&format!("/v1/outlets?q={long}")).await.expect_problem(400);
        let many: Vec<String> = (0..60).map(|i| format!("c{i}@example.com")).collect();
        app.post("/v1/outlets", json!({"name": "Too Many", "contact_emails": many})).await.expect_problem(422);

        // CORS is off by default: no allow-origin header, even for a preflight.
        let r = app.client.request(Method::OPTIONS, format!("{}/v1/outlets", app.address))
            .header("Origin", "https://cms.partner.example").header("Access-Control-Request-Method", "GET").send().await.unwrap();
        assert!(r.headers().get("access-control-allow-origin").is_none());
    }

    async fn cors_when_configured(app) {
        let dir = tempfile::tempdir().unwrap();
        let mut config = crate::common::test_config(&app.database_url, dir.path());
        config.cors_origins = vec!["https://cms.partner.example".into()];
        let cors = crate::common::TestApp::spawn_with(app.backend, config, dir, None).await;
        let r = cors.client.request(Method::OPTIONS, format!("{}/v1/outlets", cors.address))
            .header("Origin", "https://cms.partner.example").header("Access-Control-Request-Method", "GET").send().await.unwrap();
        assert_eq!(r.headers()["access-control-allow-origin"], "https://cms.partner.example");
        let r = cors.client.get(format!("{}/healthz", cors.address)).header("Origin", "https://evil.example").send().await.unwrap();
        assert!(r.headers().get("access-control-allow-origin").is_none());
    }
}

// What schemathesis found (tests/contract/run.sh), kept as regression tests.
both_backends! {
    async fn schemathesis_findings_stay_fixed(app) {
        let (outlet, article) = app.worthy_news().await;
        let before = app.count_rows("articles");

        // A JSON array is not an object: serde would have read it into the struct by position.
        let r = app.client.patch(format!("{}/v1/articles/{article}", app.address)).bearer_auth(&app.admin_token)
            .header("content-type", "application/json").body("[null, null]").send().await.unwrap();
        let problem = crate::common::TestApp::answer(r).await.expect_problem(400);
        assert!(problem.body["detail"].as_str().unwrap().contains("must be an object"));
        app.send(Method::POST, "/v1/articles", Some(&app.admin_token), Some(json!(["x", outlet]))).await.expect_problem(400);
        assert_eq!(app.count_rows("articles"), before);

        // A whole number written with a fraction is the integer JSON Schema says it is.
        app.post("/v1/articles", json!({"title": "Float ids", "source_outlet_id": outlet as f64,
            "copyright_year_from": 2025.0})).await.expect(201);
        app.post("/v1/articles", json!({"title": "Half ids", "source_outlet_id": 1.5})).await.expect_problem(400);

        // Query values past the documented maximum are refused, not clamped.
        app.get("/v1/licenses?expiring_within_days=36501").await.expect_problem(400);
        app.get("/v1/calendar.ics?past_days=2147483648").await.expect_problem(400);
        app.get("/v1/calendar.ics?days=3651").await.expect_problem(400);
        // An empty or unknown audit entity is refused.
        app.get("/v1/audit?entity=").await.expect_problem(400);
        app.get("/v1/audit?entity=planet").await.expect_problem(400);

        // Audit entries and history may carry a null before/after: the schema says so.
        let doc = app.get("/openapi.json").await.expect(200).body;
        let entry = &doc["components"]["schemas"]["AuditEntry"]["properties"]["before"];
        assert!(entry.to_string().contains("null"), "before is nullable: {entry}");

        // Cursors are plain ids: any cursor the documented pattern admits is read.
        app.get("/v1/articles?cursor=123456789012345678").await.expect(200);
        app.get("/v1/articles?cursor=y34cnE").await.expect_problem(400);

        // Every error answer is documented as problem+json, with the statuses any request can get.
        let op = &doc["paths"]["/v1/licenses/{id}"]["patch"]["responses"];
        for status in ["400", "401", "403", "404", "412", "413", "415", "422", "503"] {
            assert!(op[status]["content"]["application/problem+json"].is_object(), "PATCH license {status}: {op}");
        }
        assert!(op["200"]["content"]["application/json"].is_object());
    }
}
