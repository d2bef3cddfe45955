//! What a reprint names is checked before it is judged: the outlet exists, the article exists and
//! the caller may see it. A refusal writes nothing, also when it refuses a correction.

use serde_json::json;

use crate::both_backends;

const CREDIT: &str =
    "This article was originally published on Worthy News and was reproduced with permission.";

both_backends! {
    async fn a_reprint_names_an_outlet_and_an_article_its_recorder_may_see(app) {
        let (worthy, named) = app.worthy_news().await;
        let fed = app.post("/v1/articles", json!({
            "title": "A second story from the feed", "source_outlet_id": worthy,
            "published_on": "2025-03-01"
        })).await.expect(201).id();
        let elsewhere = app.create_outlet("Other Source").await;
        let unseen = app.post("/v1/articles", json!({
            "title": "A story nobody licensed", "source_outlet_id": elsewhere,
            "published_on": "2025-03-01"
        })).await.expect(201).id();
        let partner = app.create_outlet("Careful Gazette").await;
        // One license names the first article; a feed license from the same source shows the
        // second without naming it; nothing shows the third.
        for license in [
            json!({"scope": "article", "article_id": named}),
            json!({"scope": "feed"}),
        ] {
            let mut body = json!({
                "grantor_outlet_id": worthy, "licensee_outlet_id": partner,
                "actions": ["republish"], "media": ["web"], "territories": ["US"],
                "valid_from": "2025-01-01", "credit_line": CREDIT
            });
            body.as_object_mut().unwrap().extend(license.as_object().unwrap().clone());
            app.post("/v1/licenses", body).await.expect(201);
        }
        let reprint = |article: i64, outlet: i64| json!({
            "article_id": article, "outlet_id": outlet, "reprinted_on": "2025-06-01",
            "medium": "web", "territory": "US", "credit_line_used": CREDIT
        });
        let partner_token = app.user_token("cms@careful.example", "partner", Some(partner)).await;
        let (reprints, audit) = (app.count_rows("reprints"), app.count_rows("audit_log"));

        // The desk: a missing article or outlet is a field to correct (the outlet named first).
        let missing_article = app.post("/v1/reprints", reprint(999_999, partner)).await.expect_problem(422);
        assert!(missing_article.text.contains("there is no article 999999"), "{}", missing_article.text);
        let both_missing = app.post("/v1/reprints", reprint(999_999, 888_888)).await.expect_problem(422);
        assert!(both_missing.text.contains("there is no outlet 888888"), "{}", both_missing.text);
        // A partner: an article it cannot see does not exist for it.
        app.post_as(&partner_token, "/v1/reprints", reprint(unseen, partner)).await.expect_problem(404);
        app.post_as(&partner_token, "/v1/reprints", reprint(999_999, partner)).await.expect_problem(404);
        assert_eq!((app.count_rows("reprints"), app.count_rows("audit_log")), (reprints, audit));

        // What it can see, named by its license or shown by the feed, it records.
        let by_name = app.post_as(&partner_token, "/v1/reprints", reprint(named, partner)).await.expect(201);
        assert_eq!(by_name.body["compliance"], "covered");
        let by_feed = app.post_as(&partner_token, "/v1/reprints", reprint(fed, partner)).await.expect(201);
        assert_eq!(by_feed.body["compliance"], "covered");

        // A correction naming an article it cannot see is refused and leaves the reprint as it was
        // (it is taken out of the count while it is judged again; the refusal puts it back).
        let id = by_name.id();
        app.patch(&format!("/v1/reprints/{id}"), json!({"article_id": 999_999})).await.expect_problem(422);
        // Found (a withdrawn reprint is not) and unchanged.
        let kept = app.get(&format!("/v1/reprints/{id}")).await.expect(200);
        assert_eq!((kept.body["article_id"].as_i64(), kept.body["compliance"].as_str()), (Some(named), Some("covered")));
        assert_eq!(app.count_rows("audit_log"), audit + 2);
    }
}
