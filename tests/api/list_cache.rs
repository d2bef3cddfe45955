//! The license list's remembered pages never answer from before a write: every write that can
//! change a page changes the very next answer, on both backends; a page remembered for one caller
//! is never shown to another.

use serde_json::{json, Value};

use crate::both_backends;
use crate::common::TestApp;

/// The page as the partner sees it, asked again until an answer comes from the cache (at once on
/// SQLite; on PostgreSQL this instance also hears its own write's notification a moment later,
/// which drops what was remembered before it arrived): every answer must be the first one.
async fn page_twice(app: &TestApp, token: &str, path: &str, after: &str) -> Value {
    let first = app.get_as(token, path).await.expect(200).body;
    for _ in 0..20 {
        let hits = page_cache_hits(app).await;
        let again = app.get_as(token, path).await.expect(200).body;
        assert_eq!(first, again, "another answer after {after}");
        if page_cache_hits(app).await > hits {
            return first;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("no answer after {after} came from the cache");
}

/// (id, status, media, grantor_name) of each license on the page.
fn rows(page: &Value) -> Vec<(i64, String, Value, Value)> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["id"].as_i64().unwrap(),
                l["status"].as_str().unwrap().to_string(),
                l["media"].clone(),
                l["grantor_name"].clone(),
            )
        })
        .collect()
}

async fn page_cache_hits(app: &TestApp) -> f64 {
    let text = app.get("/metrics").await.expect(200).text;
    text.lines()
        .find(|l| {
            l.starts_with("rightsdesk_license_page_cache_total") && l.contains("outcome=\"hit\"")
        })
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0.0)
}

both_backends! {
    async fn every_write_that_can_change_a_license_list_changes_the_next_page(app) {
        let (worthy, article) = app.worthy_news().await;
        let partner = app.create_outlet("Listed Gazette").await;
        let token = app.user_token("cms@listed.test", "partner", Some(partner)).await;
        let today = crate::common::today();
        let in_force = format!("/v1/licenses?licensee_outlet_id={partner}&active_on={today}&limit=10");
        let all = format!("/v1/licenses?licensee_outlet_id={partner}&limit=10");
        assert!(rows(&page_twice(&app, &token, &in_force, "nothing").await).is_empty());

        let license = app.post("/v1/licenses", json!({
            "grantor_outlet_id": worthy, "licensee_outlet_id": partner, "scope": "article",
            "article_id": article, "actions": ["republish"], "media": ["web"],
            "territories": ["US"], "valid_from": "2025-01-01"
        })).await.expect(201).id();
        let page = page_twice(&app, &token, &in_force, "create").await;
        assert_eq!(rows(&page), vec![(license, "active".into(), json!(["web"]), json!("Worthy News"))]);

        let path = format!("/v1/licenses/{license}");
        app.patch(&path, json!({"media": ["print"]})).await.expect(200);
        assert_eq!(rows(&page_twice(&app, &token, &in_force, "update").await)[0].2, json!(["print"]));

        app.patch(&format!("/v1/outlets/{worthy}"), json!({"name": "Worthy News Agency"})).await.expect(200);
        assert_eq!(rows(&page_twice(&app, &token, &in_force, "renaming the grantor").await)[0].3, json!("Worthy News Agency"));

        app.patch(&path, json!({"valid_until": "2025-12-31"})).await.expect(200);
        assert!(rows(&page_twice(&app, &token, &in_force, "an end date").await).is_empty());
        assert_eq!(rows(&page_twice(&app, &token, &all, "an end date").await)[0].1, "expired");
        app.post(&format!("{path}/renew"), json!({"valid_until": "2099-12-31"})).await.expect(200);
        assert_eq!(rows(&page_twice(&app, &token, &in_force, "renew").await).len(), 1);

        app.post(&format!("{path}/suspend"), json!({"reason": "invoice unpaid"})).await.expect(200);
        assert!(rows(&page_twice(&app, &token, &in_force, "suspend").await).is_empty());
        assert_eq!(rows(&page_twice(&app, &token, &all, "suspend").await)[0].1, "suspended");
        app.post(&format!("{path}/resume"), json!({})).await.expect(200);
        assert_eq!(rows(&page_twice(&app, &token, &in_force, "resume").await)[0].1, "active");

        app.delete(&path).await.expect(204);
        assert!(rows(&page_twice(&app, &token, &all, "delete").await).is_empty());
        app.post(&format!("{path}/restore"), json!({})).await.expect(200);
        assert_eq!(rows(&page_twice(&app, &token, &all, "restore").await).len(), 1);

        // A reprint changes no license list.
        app.post_as(&token, "/v1/reprints", json!({
            "article_id": article, "outlet_id": partner, "reprinted_on": today,
            "medium": "print", "territory": "US"
        })).await.expect(201);
        assert_eq!(rows(&page_twice(&app, &token, &all, "a reprint").await).len(), 1);

        // A license written by a CSV import shows on the next page.
        let csv = format!(
            "grantor_outlet_id,licensee_outlet_id,scope,article_id,actions,media,territories,valid_from\n\
             {worthy},{partner},article,{article},excerpt,web,GB,2025-01-01\n"
        );
        let imported = app.client.post(format!("{}/v1/licenses/import", app.address))
            .bearer_auth(&app.admin_token).header("Content-Type", "text/csv").body(csv)
            .send().await.unwrap();
        TestApp::answer(imported).await.expect(201);
        assert_eq!(rows(&page_twice(&app, &token, &all, "a CSV import").await).len(), 2);

        app.post(&format!("{path}/revoke"), json!({"reason": "contract ended early"})).await.expect(200);
        assert_eq!(rows(&page_twice(&app, &token, &in_force, "revoke").await).len(), 1);
        assert_eq!(rows(&page_twice(&app, &token, &all, "revoke").await)[0].1, "revoked");
    }

    async fn a_remembered_page_is_never_shown_to_another_caller(app) {
        let (worthy, article) = app.worthy_news().await;
        let partner = app.create_outlet("First Gazette").await;
        let other = app.create_outlet("Second Gazette").await;
        app.post("/v1/licenses", json!({
            "grantor_outlet_id": worthy, "licensee_outlet_id": partner, "scope": "article",
            "article_id": article, "actions": ["republish"], "media": ["web"],
            "territories": ["US"], "valid_from": "2025-01-01"
        })).await.expect(201);
        let path = format!("/v1/licenses?licensee_outlet_id={partner}");
        // The desk's page, remembered, has the license; the other partner asking the same
        // question sees only its own world: nothing.
        for _ in 0..2 {
            assert_eq!(app.get(&path).await.expect(200).body["items"].as_array().unwrap().len(), 1);
        }
        let other_token = app.user_token("cms@second.test", "partner", Some(other)).await;
        for _ in 0..2 {
            assert_eq!(app.get_as(&other_token, &path).await.expect(200).body["items"], json!([]));
        }
        let token = app.user_token("cms@first.test", "partner", Some(partner)).await;
        assert_eq!(app.get_as(&token, &path).await.expect(200).body["items"].as_array().unwrap().len(), 1);
    }
}
