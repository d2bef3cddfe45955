//! What a new desk trips over in its first hour (issue "The first hour of a new desk"): records
//! that must not go wrong, errors that explain themselves, what a partner expects on day one.
//! Each on SQLite and PostgreSQL.

use serde_json::{json, Value};

use crate::both_backends;

const CREDIT: &str =
    "This article was originally published on Worthy News and was reproduced with permission.";

/// Worthy News' feed to a partner for 2025, republish and excerpt, web, US, one use only.
fn one_use_feed(grantor: i64, licensee: i64) -> Value {
    json!({
        "grantor_outlet_id": grantor, "licensee_outlet_id": licensee, "scope": "feed",
        "actions": ["republish", "excerpt"], "media": ["web"], "territories": ["US"],
        "valid_from": "2025-01-01", "valid_until": "2025-12-31", "credit_line": CREDIT
    })
}

both_backends! {
    async fn a_reprint_keeps_its_action_and_can_be_corrected_and_withdrawn(app) {
        let (worthy, article) = app.worthy_news().await;
        let partner = app.create_outlet("Gazette").await;
        let license = app.post("/v1/licenses", one_use_feed(worthy, partner)).await.expect(201).id();
        let reprint = |on: &str, action: &str| json!({"article_id": article, "outlet_id": partner,
            "reprinted_on": on, "medium": "web", "territory": "US", "action": action, "credit_line_used": CREDIT});

        // The action is stored, shown, listed and exported.
        let excerpt = app.post("/v1/reprints", reprint("2025-03-01", "excerpt")).await.expect(201);
        assert_eq!(excerpt.body["action"], "excerpt");
        assert_eq!(excerpt.body["compliance"], "covered");
        let id = excerpt.id();
        assert_eq!(app.get(&format!("/v1/reprints/{id}")).await.expect(200).body["action"], "excerpt");
        let listed = app.get("/v1/reprints?action=excerpt").await.expect(200);
        assert_eq!(listed.body["items"].as_array().unwrap().len(), 1);
        assert_eq!(app.get("/v1/reprints?action=republish").await.expect(200).body["items"], json!([]));
        let csv = app.client.get(format!("{}/v1/reprints", app.address)).bearer_auth(&app.admin_token)
            .header("Accept", "text/csv").send().await.unwrap().text().await.unwrap();
        let mut rows = csv::Reader::from_reader(csv.as_bytes());
        let header = rows.headers().unwrap().clone();
        let at = header.iter().position(|h| h == "action").expect("an action column");
        assert_eq!(rows.records().next().unwrap().unwrap().get(at), Some("excerpt"));
        // Without one, a reprint is a republication.
        let plain = json!({"article_id": article, "outlet_id": partner, "reprinted_on": "2025-03-02", "medium": "web"});
        let default = app.post("/v1/reprints", plain).await.expect(201);
        assert_eq!(default.body["action"], "republish");
        app.delete(&format!("/v1/reprints/{}", default.id())).await.expect(204);

        // A correction: a wrong date moves the reprint out of the window; the verdict follows.
        let moved = app.patch(&format!("/v1/reprints/{id}"), json!({"reprinted_on": "2026-01-15"})).await.expect(200);
        assert_eq!(moved.body["compliance"], "uncovered");
        assert_eq!(moved.body["reasons"], json!(["expired"]));
        let back = app.patch(&format!("/v1/reprints/{id}"), json!({"reprinted_on": "2025-03-01", "action": "translate"})).await.expect(200);
        assert_eq!(back.body["reasons"], json!(["action_not_granted"]));
        let fixed = app.patch(&format!("/v1/reprints/{id}"), json!({"action": "republish"})).await.expect(200);
        assert_eq!(fixed.body["compliance"], "covered", "its own earlier use must not count against it: {}", fixed.text);
        assert_eq!(fixed.body["license_id"], license);
        // Bad corrections write nothing.
        app.patch(&format!("/v1/reprints/{id}"), json!({"medium": "telepathy"})).await.expect_problem(422);
        app.patch(&format!("/v1/reprints/{id}"), json!({"colour": "red"})).await.expect_problem(400);
        let history = app.get(&format!("/v1/audit?entity=reprint&entity_id={id}")).await.expect(200);
        let actions: Vec<&str> = history.body["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
        assert_eq!(actions, ["create", "update", "update", "update"]);

        // Withdrawn: gone from lists and reads, no longer using the license; an admin restores it.
        app.delete(&format!("/v1/reprints/{id}")).await.expect(204);
        app.get(&format!("/v1/reprints/{id}")).await.expect_problem(404);
        app.delete(&format!("/v1/reprints/{id}")).await.expect_problem(404);
        assert_eq!(app.get("/v1/reprints").await.expect(200).body["items"], json!([]));
        let restored = app.post(&format!("/v1/reprints/{id}/restore"), json!({})).await.expect(200);
        assert_eq!(restored.body["action"], "republish");
        app.post(&format!("/v1/reprints/{id}/restore"), json!({})).await.expect_problem(409);
    }

    async fn a_reprint_in_the_future_is_refused(app) {
        let (_, article) = app.worthy_news().await;
        let partner = app.create_outlet("Gazette").await;
        let next_week = (chrono::Utc::now().date_naive() + chrono::Days::new(7)).to_string();
        let answer = app.post("/v1/reprints", json!({"article_id": article, "outlet_id": partner,
            "reprinted_on": next_week, "medium": "web"})).await.expect_problem(422);
        assert_eq!(answer.body["errors"][0]["field"], "reprinted_on");
        let tomorrow = (chrono::Utc::now().date_naive() + chrono::Days::new(1)).to_string();
        app.post("/v1/reprints", json!({"article_id": article, "outlet_id": partner,
            "reprinted_on": tomorrow, "medium": "web"})).await.expect(201);
        assert_eq!(app.count_rows("reprints"), 1);
    }
}
