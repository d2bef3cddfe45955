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
