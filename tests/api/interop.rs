//! Interop through real HTTP on both backends: ODRL/RightsML export and import, schema.org
//! markup, CSV import of licenses (round trip, all or nothing), the iCalendar feed (parsed by the
//! `icalendar` crate's parser), and partner scoping on every one of them.

use std::str::FromStr;

use icalendar::{Component, DatePerhapsTime};
use reqwest::Method;
use serde_json::{json, Value};

use crate::both_backends;
use crate::common::*;

const CREDIT: &str =
    "This article was originally published on Worthy News and was reproduced with permission.";

fn in_days(days: i64) -> String {
    (chrono::Utc::now().date_naive() + chrono::Duration::days(days)).to_string()
}

async fn raw(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    headers: &[(&str, &str)],
    body: Option<String>,
) -> Answer {
    let mut request = app
        .client
        .request(method, format!("{}{}", app.address, path))
        .bearer_auth(token);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    if let Some(body) = body {
        request = request.body(body);
    }
    TestApp::answer(request.send().await.expect("request")).await
}

fn without_uid(policy: &Value) -> Value {
    let mut p = policy.clone();
    p.as_object_mut().unwrap().remove("uid");
    p
}

both_backends! {
    async fn odrl_exports_imports_and_round_trips(app) {
        let (worthy, article) = app.worthy_news().await;
        let partner = app.create_outlet("Gazette").await;
        let other = app.create_outlet("Other Partner").await;
        let license = app.post("/v1/licenses", json!({
            "grantor_outlet_id": worthy, "licensee_outlet_id": partner, "scope": "article",
            "article_id": article, "actions": ["republish", "excerpt"], "media": ["web"],
            "territories": ["US", "CA"], "valid_from": "2025-02-23", "valid_until": "2026-02-22",
            "credit_line": CREDIT, "fee_cents": 5000, "currency": "EUR", "max_reprints": 2
        })).await.expect(201).id();

        let policy = app.get(&format!("/v1/licenses/{license}/odrl")).await.expect(200);
        assert!(policy.headers["content-type"].to_str().unwrap().starts_with("application/ld+json"));
        let policy = policy.body;
        assert_eq!(policy["type"], "Agreement");
        assert_eq!(policy["assigner"], format!("urn:rightsdesk:outlet:{worthy}"));
        assert_eq!(policy["assignee"], format!("urn:rightsdesk:outlet:{partner}"));
        assert_eq!(policy["target"], format!("urn:rightsdesk:article:{article}"));
        let actions: Vec<&str> = policy["permission"].as_array().unwrap().iter()
            .map(|p| p["action"].as_str().unwrap()).collect();
        assert_eq!(actions, ["distribute", "reproduce", "extract"]);
        let duties = &policy["permission"][0]["duty"];
        assert_eq!(duties[0]["creditLine"], CREDIT);
        assert_eq!(duties[1]["action"][0]["refinement"][0]["rightOperand"]["@value"], "50.00");
        assert_eq!(duties[1]["action"][0]["refinement"][0]["unit"], "http://cvx.iptc.org/iso4217a/EUR");

        // Content negotiation gives the same document.
        let negotiated = raw(&app, Method::GET, &format!("/v1/licenses/{license}"), &app.admin_token,
            &[("Accept", "application/ld+json")], None).await.expect(200);
        assert_eq!(negotiated.body, policy);

        // Import it back: a new license with the same terms; its export is the same policy.
        let imported = raw(&app, Method::POST, "/v1/licenses", &app.admin_token,
            &[("Content-Type", "application/ld+json")], Some(policy.to_string())).await.expect(201);
        assert_eq!(imported.body["credit_line"], CREDIT);
        assert_eq!(imported.body["fee_cents"], 5000);
        let again = app.get(&format!("/v1/licenses/{}/odrl", imported.id())).await.expect(200).body;
        assert_eq!(without_uid(&again), without_uid(&policy));

        // What rightsdesk cannot represent is named, and nothing is written.
        let before = app.count_rows("licenses");
        let mut odd = policy.clone();
        odd["type"] = json!("Offer");
        odd["prohibition"] = json!([{"action": "sell"}]);
        odd["permission"][0]["constraint"][0] = json!({"leftOperand": "purpose", "operator": "eq", "rightOperand": "education"});
        let refused = raw(&app, Method::POST, "/v1/licenses", &app.admin_token,
            &[("Content-Type", "application/ld+json")], Some(odd.to_string())).await.expect_problem(422);
        let fields: Vec<&str> = refused.body["errors"].as_array().unwrap().iter()
            .map(|e| e["field"].as_str().unwrap()).collect();
        assert!(fields.contains(&"type") && fields.contains(&"prohibition")
            && fields.contains(&"permission[0].constraint[0]"), "{fields:?}");
        assert_eq!(app.count_rows("licenses"), before);

        // Partners: their own policy, not another's.
        let own = app.user_token("rights@gazette.test", "partner", Some(partner)).await;
        app.get_as(&own, &format!("/v1/licenses/{license}/odrl")).await.expect(200);
        let stranger = app.user_token("rights@other.test", "partner", Some(other)).await;
        app.get_as(&stranger, &format!("/v1/licenses/{license}/odrl")).await.expect_problem(404);
        raw(&app, Method::GET, &format!("/v1/licenses/{license}"), &stranger,
            &[("Accept", "application/ld+json")], None).await.expect_problem(404);
    }
}

both_backends! {
    async fn articles_carry_schema_org_markup(app) {
        let (worthy, article) = app.worthy_news().await;
        let markup = raw(&app, Method::GET, &format!("/v1/articles/{article}"), &app.admin_token,
            &[("Accept", "application/ld+json")], None).await.expect(200);
        assert!(markup.headers["content-type"].to_str().unwrap().starts_with("application/ld+json"));
        let doc = markup.body;
        assert_eq!(doc["@context"], "https://schema.org");
        assert_eq!(doc["@type"], "NewsArticle");
        assert_eq!(doc["copyrightHolder"]["name"], "Worthy News");
        assert_eq!(doc["copyrightYear"], 2025);
        assert_eq!(doc["copyrightNotice"], "Copyright 1999-2025 Worthy News.");
        assert_eq!(doc["creditText"], CREDIT);
        assert_eq!(doc["isBasedOn"]["url"], "https://www.worthynews.com/ukrainian-president-open-to-resign");
        assert_eq!(doc["isBasedOn"]["publisher"]["name"], "Worthy News");

        // A partner sees the markup of an article its license covers, not of others.
        let partner = app.create_outlet("Gazette").await;
        let token = app.user_token("rights@gazette.test", "partner", Some(partner)).await;
        raw(&app, Method::GET, &format!("/v1/articles/{article}"), &token,
            &[("Accept", "application/ld+json")], None).await.expect_problem(404);
        app.post("/v1/licenses", json!({"grantor_outlet_id": worthy, "licensee_outlet_id": partner,
            "scope": "article", "article_id": article, "actions": ["republish"], "media": ["web"],
            "territories": ["WORLD"], "valid_from": "2025-01-01"})).await.expect(201);
        raw(&app, Method::GET, &format!("/v1/articles/{article}"), &token,
            &[("Accept", "application/ld+json")], None).await.expect(200);
    }
}

fn csv_rows(text: &str) -> (csv::StringRecord, Vec<csv::StringRecord>) {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    (headers, reader.records().map(|r| r.unwrap()).collect())
}

both_backends! {
    async fn csv_import_round_trips_and_is_all_or_nothing(app) {
        let (worthy, article) = app.worthy_news().await;
        let a = app.create_outlet("Partner A").await;
        let b = app.create_outlet("Partner B").await;
        app.post("/v1/licenses", json!({"grantor_outlet_id": worthy, "licensee_outlet_id": a, "scope": "feed",
            "feed_published_from": "2025-01-01", "actions": ["republish", "translate"], "media": ["web", "print"],
            "territories": ["US", "CA"], "valid_from": "2025-01-01", "valid_until": "2025-12-31",
            "credit_line": CREDIT, "fee_cents": 1250, "currency": "USD", "max_reprints": 5})).await.expect(201);
        let suspended = app.post("/v1/licenses", json!({"grantor_outlet_id": worthy, "licensee_outlet_id": b,
            "scope": "article", "article_id": article, "actions": ["excerpt"], "media": ["app"],
            "territories": ["WORLD"], "valid_from": "2025-02-23"})).await.expect(201).id();
        app.post(&format!("/v1/licenses/{suspended}/suspend"), json!({"reason": "invoice unpaid"})).await.expect(200);

        let export = raw(&app, Method::GET, "/v1/licenses", &app.admin_token, &[("Accept", "text/csv")], None).await.expect(200);
        let (headers, before) = csv_rows(&export.text);
        assert_eq!(before.len(), 2);

        // The export goes back in unchanged: nothing changes, nothing is written.
        let audit_before = app.count_rows("audit_log");
        let same = raw(&app, Method::POST, "/v1/licenses/import", &app.admin_token,
            &[("Content-Type", "text/csv")], Some(export.text.clone())).await.expect(201);
        assert_eq!((same.body["imported"].clone(), same.body["unchanged"].clone()), (json!(0), json!(2)), "{}", same.text);
        assert_eq!(app.count_rows("audit_log"), audit_before);
        let again = raw(&app, Method::GET, "/v1/licenses", &app.admin_token, &[("Accept", "text/csv")], None).await.expect(200);
        assert_eq!(again.text, export.text);

        // Without their ids the rows are new licenses, which export the same but for ids and times.
        let id_at = headers.iter().position(|h| h == "id").unwrap();
        let version_at = headers.iter().position(|h| h == "version").unwrap();
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.write_record(&headers).unwrap();
        for row in &before {
            let cells: Vec<&str> = row.iter().enumerate()
                .map(|(i, c)| if i == id_at || i == version_at { "" } else { c }).collect();
            writer.write_record(&cells).unwrap();
        }
        let copies = String::from_utf8(writer.into_inner().unwrap()).unwrap();
        let imported = raw(&app, Method::POST, "/v1/licenses/import", &app.admin_token,
            &[("Content-Type", "text/csv")], Some(copies)).await.expect(201);
        assert_eq!(imported.body["imported"], 2);
        let new_ids: Vec<i64> = imported.body["license_ids"].as_array().unwrap().iter().map(|v| v.as_i64().unwrap()).collect();
        let after = raw(&app, Method::GET, "/v1/licenses", &app.admin_token, &[("Accept", "text/csv")], None).await.expect(200);
        let (_, rows) = csv_rows(&after.text);
        assert_eq!(rows.len(), 4);
        let volatile = ["id", "version", "created_at", "updated_at"];
        for (old, new) in before.iter().zip(rows.iter().skip(2)) {
            assert_eq!(new[0].parse::<i64>().unwrap(), new_ids[before.iter().position(|r| r == old).unwrap()]);
            for (i, name) in headers.iter().enumerate() {
                if !volatile.contains(&name) {
                    assert_eq!(old[i], new[i], "column {name}");
                }
            }
        }

        // One bad row refuses the file: every refused row and field is named, nothing is written.
        let count = app.count_rows("licenses");
        let audit = app.count_rows("audit_log");
        let file = format!(
            "grantor_outlet_id,licensee_outlet_id,scope,actions,media,territories,valid_from,valid_until\n\
             {worthy},{a},feed,republish,web,US,2026-01-01,2026-12-31\n\
             {worthy},{a},feed,steal,web,XX,2026-01-01,2025-12-31\n\
             999999,{a},feed,republish,web,US,2026-01-01,\n"
        );
        let refused = raw(&app, Method::POST, "/v1/licenses/import", &app.admin_token,
            &[("Content-Type", "text/csv")], Some(file)).await.expect_problem(422);
        let fields: Vec<&str> = refused.body["errors"].as_array().unwrap().iter()
            .map(|e| e["field"].as_str().unwrap()).collect();
        assert!(fields.contains(&"rows[3].actions[0]"), "{fields:?}");
        assert!(fields.contains(&"rows[3].territories"), "{fields:?}");
        assert!(fields.contains(&"rows[3].valid_until"), "{fields:?}");
        assert!(!fields.iter().any(|f| f.starts_with("rows[2]")), "{fields:?}");
        assert_eq!(app.count_rows("licenses"), count);

        // A row the database refuses (no such outlet) also refuses the whole file.
        let file = format!(
            "grantor_outlet_id,licensee_outlet_id,scope,actions,media,territories,valid_from\n\
             {worthy},{a},feed,republish,web,US,2026-01-01\n\
             999999,{a},feed,republish,web,US,2026-01-01\n"
        );
        let refused = raw(&app, Method::POST, "/v1/licenses/import", &app.admin_token,
            &[("Content-Type", "text/csv")], Some(file)).await.expect_problem(422);
        assert_eq!(refused.body["errors"][0]["field"], "rows[3].grantor_outlet_id");
        assert_eq!(app.count_rows("licenses"), count);
        assert_eq!(app.count_rows("audit_log"), audit);

        // Not CSV: 415. A partner cannot import.
        raw(&app, Method::POST, "/v1/licenses/import", &app.admin_token,
            &[("Content-Type", "application/json")], Some("{}".into())).await.expect_problem(415);
        let partner = app.user_token("rights@a.test", "partner", Some(a)).await;
        raw(&app, Method::POST, "/v1/licenses/import", &partner,
            &[("Content-Type", "text/csv")], Some(export.text)).await.expect_problem(404);
    }
}

both_backends! {
    async fn the_calendar_feed_holds_license_ends(app) {
        let (worthy, article) = app.worthy_news().await;
        let gazette = app.create_outlet("Gazette").await;
        let courier = app.create_outlet("Courier").await;
        let ends = in_days(10);
        let license = app.post("/v1/licenses", json!({"grantor_outlet_id": worthy, "licensee_outlet_id": gazette,
            "scope": "article", "article_id": article, "actions": ["republish"], "media": ["web"],
            "territories": ["US"], "valid_from": "2025-01-01", "valid_until": ends})).await.expect(201).id();
        app.post("/v1/licenses", json!({"grantor_outlet_id": worthy, "licensee_outlet_id": courier,
            "scope": "feed", "actions": ["republish"], "media": ["web"], "territories": ["US"],
            "valid_from": "2025-01-01", "valid_until": in_days(20)})).await.expect(201);
        let revoked = app.post("/v1/licenses", json!({"grantor_outlet_id": worthy, "licensee_outlet_id": courier,
            "scope": "feed", "actions": ["excerpt"], "media": ["web"], "territories": ["US"],
            "valid_from": "2025-01-01", "valid_until": in_days(5)})).await.expect(201).id();
        app.post(&format!("/v1/licenses/{revoked}/revoke"), json!({"reason": "ended early"})).await.expect(200);

        let parse = |text: &str| icalendar::Calendar::from_str(text).expect("RFC 5545");
        let desk = app.get("/v1/calendar.ics").await.expect(200);
        assert!(desk.headers["content-type"].to_str().unwrap().starts_with("text/calendar"));
        let calendar = parse(&desk.text);
        let events: Vec<_> = calendar.events().collect();
        assert_eq!(events.len(), 2, "revoked licenses are not in the feed");
        let first = events[0];
        let day = chrono::NaiveDate::parse_from_str(&ends, "%Y-%m-%d").unwrap();
        assert_eq!(first.get_start(), Some(DatePerhapsTime::Date(day)), "an all-day event on the last day");
        assert!(first.get_summary().unwrap().contains("Gazette"));
        assert!(first.get_description().unwrap().contains("NATO Membership"));
        assert_eq!(first.get_uid(), Some(format!("license-{license}-ends@rightsdesk").as_str()));

        // A calendar app: the partner's API key in the query; only its own licenses.
        let token = app.user_token("rights@gazette.test", "partner", Some(gazette)).await;
        let key = app.post_as(&token, "/v1/api-keys", json!({"name": "calendar"})).await.expect(201)
            .body["key"].as_str().unwrap().to_string();
        let feed = app.client.get(format!("{}/v1/calendar.ics?key={key}&days=30", app.address))
            .send().await.unwrap();
        assert_eq!(feed.status().as_u16(), 200);
        let calendar = parse(&feed.text().await.unwrap());
        let events: Vec<_> = calendar.events().collect();
        assert_eq!(events.len(), 1);
        assert!(events[0].get_summary().unwrap().contains("Gazette"));

        // A wrong key is refused; the key is accepted in the query only by the calendar.
        let wrong = app.client.get(format!("{}/v1/calendar.ics?key=rdk_{}", app.address, "0".repeat(64)))
            .send().await.unwrap();
        assert_eq!(wrong.status().as_u16(), 401);
        // Elsewhere `key` is not a parameter at all: refused, naming it, and never a credential.
        let elsewhere = app.client.get(format!("{}/v1/licenses?key={key}", app.address)).send().await.unwrap();
        let elsewhere = crate::common::TestApp::answer(elsewhere).await.expect_problem(400);
        assert_eq!(elsewhere.body["errors"][0]["field"], "key");
        // Out-of-range windows are refused.
        app.get("/v1/calendar.ics?days=4000").await.expect_problem(400);
    }
}
