use serde_json::json;

use crate::both_backends;

both_backends! {
    async fn create_read_update_list_delete(app) {
        let created = app
            .post("/v1/outlets", json!({"name": "Worthy News", "website": "https://www.worthynews.com",
                "country": "us", "contact_emails": ["Syndication@WorthyNews.com", "desk@worthynews.com"]}))
            .await
            .expect(201);
        let id = created.id();
        assert_eq!(created.headers["location"], format!("/v1/outlets/{id}").as_str());
        assert_eq!(created.body["country"], "US");
        assert_eq!(created.body["contact_emails"], json!(["desk@worthynews.com", "syndication@worthynews.com"]));
        assert!(created.body["created_at"].as_str().unwrap().ends_with('Z'));

        let read = app.get(&format!("/v1/outlets/{id}")).await.expect(200);
        assert_eq!(read.body["name"], "Worthy News");

        let changed = app
            .patch(&format!("/v1/outlets/{id}"), json!({"website": null, "notes": "source of the Zelenskyy story"}))
            .await
            .expect(200);
        assert_eq!(changed.body["website"], json!(null));
        assert_eq!(changed.body["notes"], "source of the Zelenskyy story");
        assert_eq!(changed.body["name"], "Worthy News");

        app.create_outlet("Daily Partner").await;
        let found = app.get("/v1/outlets?q=worthy").await.expect(200);
        let names: Vec<_> = found.body["items"].as_array().unwrap().iter().map(|o| o["name"].clone()).collect();
        assert_eq!(names, vec![json!("Worthy News")]);

        app.delete(&format!("/v1/outlets/{id}")).await.expect(204);
        app.get(&format!("/v1/outlets/{id}")).await.expect_problem(404);
        let all = app.get("/v1/outlets").await.expect(200);
        assert_eq!(all.body["items"].as_array().unwrap().len(), 1);

        // Soft delete: an admin restores it, and the audit log kept every step.
        app.post(&format!("/v1/outlets/{id}/restore"), json!({})).await.expect(200);
        app.get(&format!("/v1/outlets/{id}")).await.expect(200);
        let audit = app.get(&format!("/v1/audit?entity=outlet&entity_id={id}")).await.expect(200);
        let actions: Vec<_> = audit.body["items"].as_array().unwrap().iter().map(|e| e["action"].clone()).collect();
        assert_eq!(actions, vec![json!("create"), json!("update"), json!("delete"), json!("restore")]);
        assert_eq!(audit.body["items"][1]["before"]["website"], "https://www.worthynews.com/");
        assert_eq!(audit.body["items"][1]["after"]["website"], json!(null));
    }

    async fn pagination_walks_every_page(app) {
        for i in 0..7 {
            app.create_outlet(&format!("Outlet {i}")).await;
        }
        let mut seen = Vec::new();
        let mut path = "/v1/outlets?limit=3".to_string();
        loop {
            let page = app.get(&path).await.expect(200);
            for item in page.body["items"].as_array().unwrap() {
                seen.push(item["name"].as_str().unwrap().to_string());
            }
            match page.body["next_cursor"].as_str() {
                Some(cursor) => path = format!("/v1/outlets?limit=3&cursor={cursor}"),
                None => break,
            }
        }
        assert_eq!(seen.len(), 7);
        assert_eq!(seen[0], "Outlet 0");
        assert_eq!(seen[6], "Outlet 6");
        app.get("/v1/outlets?cursor=not-a-cursor").await.expect_problem(400);
    }

    async fn delete_refuses_while_articles_refer(app) {
        let (outlet, _article) = app.worthy_news().await;
        let refused = app.delete(&format!("/v1/outlets/{outlet}")).await.expect_problem(409);
        assert!(refused.body["detail"].as_str().unwrap().contains("1 article"));
        app.get(&format!("/v1/outlets/{outlet}")).await.expect(200);
    }

    async fn invalid_outlets_write_nothing(app) {
        let before = app.count_rows("outlets");
        let answer = app
            .post("/v1/outlets", json!({"name": " ", "country": "XX", "website": "ftp://x", "contact_emails": ["nope"]}))
            .await
            .expect_problem(422);
        let fields: Vec<_> = answer.body["errors"].as_array().unwrap().iter().map(|e| e["field"].clone()).collect();
        assert_eq!(fields, vec![json!("name"), json!("website"), json!("country"), json!("contact_emails[0]")]);
        assert_eq!(app.count_rows("outlets"), before);
    }
}
