use serde_json::json;

use crate::both_backends;

both_backends! {
    async fn worthy_news_article_round_trip(app) {
        let (outlet, article) = app.worthy_news().await;
        let read = app.get(&format!("/v1/articles/{article}")).await.expect(200);
        assert_eq!(read.body["source_outlet_id"], outlet);
        assert_eq!(read.body["copyright_line"], "Copyright 1999-2025 Worthy News.");
        assert_eq!(read.body["permission_kind"], "reproduced_with_permission");
        assert_eq!(read.body["published_on"], "2025-02-23");
        assert_eq!(read.body["copyright_year_from"], 1999);

        let listed = app.get(&format!("/v1/articles?source_outlet_id={outlet}&q=NATO")).await.expect(200);
        assert_eq!(listed.body["items"].as_array().unwrap().len(), 1);
        let none = app.get("/v1/articles?published_after=2025-03-01").await.expect(200);
        assert_eq!(none.body["items"].as_array().unwrap().len(), 0);
        let some = app.get("/v1/articles?published_after=2025-02-23&published_before=2025-02-23").await.expect(200);
        assert_eq!(some.body["items"].as_array().unwrap().len(), 1);
        app.get("/v1/articles?published_after=yesterday").await.expect_problem(400);

        let changed = app
            .patch(&format!("/v1/articles/{article}"), json!({"license_name": "CC BY-ND 4.0", "byline": null}))
            .await
            .expect(200);
        assert_eq!(changed.body["license_name"], "CC BY-ND 4.0");
        assert_eq!(changed.body["byline"], json!(null));
        assert_eq!(changed.body["title"], read.body["title"]);

        app.delete(&format!("/v1/articles/{article}")).await.expect(204);
        app.get(&format!("/v1/articles/{article}")).await.expect_problem(404);
        app.post(&format!("/v1/articles/{article}/restore"), json!({})).await.expect(200);
    }

    async fn bad_articles_are_refused_and_write_nothing(app) {
        let (outlet, _) = app.worthy_news().await;
        let before = app.count_rows("articles");

        let empty_title = app.post("/v1/articles", json!({"title": "", "source_outlet_id": outlet})).await.expect_problem(422);
        assert_eq!(empty_title.body["errors"][0]["field"], "title");

        let unknown_outlet = app.post("/v1/articles", json!({"title": "T", "source_outlet_id": 9999})).await.expect_problem(422);
        assert_eq!(unknown_outlet.body["errors"][0]["field"], "source_outlet_id");

        let duplicate = app
            .post("/v1/articles", json!({"title": "Again", "source_outlet_id": outlet, "external_id": "wn-2025-02-23-zelenskyy"}))
            .await
            .expect_problem(409);
        assert!(duplicate.body["detail"].as_str().unwrap().contains("external_id"));

        app.post("/v1/articles", json!({"title": "T", "source_outlet_id": outlet, "published_on": "23/02/2025"}))
            .await
            .expect_problem(422);
        app.post("/v1/articles", json!({"title": "T", "source_outlet_id": outlet, "permission_kind": "maybe"}))
            .await
            .expect_problem(422);
        app.post("/v1/articles", json!({"title": "T", "source_outlet_id": outlet, "surprise": true}))
            .await
            .expect_problem(400);
        assert_eq!(app.count_rows("articles"), before);

        // Another source may use the same external id.
        let other = app.create_outlet("Other Source").await;
        app.post("/v1/articles", json!({"title": "T", "source_outlet_id": other, "external_id": "wn-2025-02-23-zelenskyy"}))
            .await
            .expect(201);
    }
}
