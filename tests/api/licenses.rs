//! Licenses, the rights check and reprints, end to end, on both backends.

use serde_json::{json, Value};

use crate::both_backends;
use crate::common::TestApp;

const CREDIT: &str =
    "This article was originally published on Worthy News and was reproduced with permission.";

/// The story's feed license: Worthy News to a partner, web, US and CA, for 2025.
fn feed_2025(grantor: i64, licensee: i64) -> Value {
    json!({
        "grantor_outlet_id": grantor, "licensee_outlet_id": licensee, "scope": "feed",
        "actions": ["republish"], "media": ["web"], "territories": ["US", "CA"],
        "valid_from": "2025-01-01", "valid_until": "2025-12-31", "exclusive": false,
        "credit_line": CREDIT
    })
}

async fn check(app: &TestApp, token: &str, query: &str) -> Value {
    app.get_as(token, &format!("/v1/rights/check?{query}"))
        .await
        .expect(200)
        .body
}

both_backends! {
    async fn the_worthy_news_story_end_to_end(app) {
        let (worthy, article) = app.worthy_news().await;
        let partner = app.create_outlet("Gazette Partner").await;
        let license = app.post("/v1/licenses", feed_2025(worthy, partner)).await.expect(201);
        let license_id = license.id();
        assert_eq!(license.headers["etag"], "\"1\"");
        assert_eq!(license.body["territories"], json!(["CA", "US"]));
        assert_eq!(license.body["status"], "expired", "its last day, 2025-12-31, has passed");
        let token = app.user_token("cms@gazette.test", "partner", Some(partner)).await;

        // The edges of the window.
        let q = |on: &str, extra: &str| format!("outlet_id={partner}&article_id={article}&on={on}&territory=US{extra}");
        let first = check(&app, &token, &q("2025-01-01", "")).await;
        assert_eq!(first["allowed"], true, "{first}");
        assert_eq!(first["license_id"], license_id);
        assert_eq!(first["valid_until"], "2025-12-31");
        assert_eq!(first["credit_line"], CREDIT);
        assert_eq!(first["reasons"], json!([]));
        assert_eq!(check(&app, &token, &q("2025-12-31", "")).await["allowed"], true);
        let before = check(&app, &token, &q("2024-12-31", "")).await;
        assert_eq!((before["allowed"].clone(), before["reasons"].clone()), (json!(false), json!(["not_yet_valid"])));
        assert_eq!(before["license_id"], json!(null));
        let after = check(&app, &token, &q("2026-01-01", "")).await;
        assert_eq!(after["reasons"], json!(["expired"]));
        assert_eq!(after["considered"], json!([{"license_id": license_id, "reasons": ["expired"], "explanations": ["expired on 2025-12-31"]}]));
        assert_eq!(after["explanations"], json!([format!("license {license_id}: expired on 2025-12-31")]));
        assert_eq!(check(&app, &token, &q("2025-06-01", "&medium=print")).await["reasons"], json!(["medium_not_granted"]));
        assert_eq!(check(&app, &token, &q("2025-06-01", "&action=translate")).await["reasons"], json!(["action_not_granted"]));
        let france = check(&app, &token, &format!("outlet_id={partner}&article_id={article}&on=2025-06-01&territory=FR")).await;
        assert_eq!(france["reasons"], json!(["territory_not_granted"]));

        // A covered reprint, an uncovered one in print, one after the end date, one without credit.
        let reprint = |on: &str, medium: &str, credit: Option<&str>| json!({
            "article_id": article, "outlet_id": partner, "reprinted_on": on, "medium": medium,
            "territory": "US", "url": "https://gazette.test/zelenskyy", "credit_line_used": credit
        });
        let covered = app.post_as(&token, "/v1/reprints", reprint("2025-03-01", "web", Some(CREDIT))).await.expect(201);
        assert_eq!(covered.body["compliance"], "covered");
        assert_eq!(covered.body["license_id"], license_id);
        assert_eq!(covered.body["reasons"], json!([]));
        let print = app.post_as(&token, "/v1/reprints", reprint("2025-03-02", "print", Some(CREDIT))).await.expect(201);
        assert_eq!(print.body["compliance"], "uncovered");
        assert_eq!(print.body["reasons"], json!(["medium_not_granted"]));
        let late = app.post_as(&token, "/v1/reprints", reprint("2026-02-01", "web", Some(CREDIT))).await.expect(201);
        assert_eq!(late.body["compliance"], "uncovered");
        assert_eq!(late.body["reasons"], json!(["expired"]));
        let loose_credit = "this article was originally published on Worthy News, and was reproduced with permission";
        assert_eq!(app.post_as(&token, "/v1/reprints", reprint("2025-03-03", "web", Some(loose_credit))).await.expect(201).body["compliance"], "covered");
        let uncredited = app.post_as(&token, "/v1/reprints", reprint("2025-03-04", "web", Some("Source: Worthy News"))).await.expect(201);
        assert_eq!(uncredited.body["compliance"], "uncovered");
        assert_eq!(uncredited.body["reasons"], json!(["credit_line_missing"]));
        assert_eq!(uncredited.body["license_id"], license_id);

        // The desk lists the violations.
        let violations = app.get(&format!("/v1/reprints?compliance=uncovered&outlet_id={partner}")).await.expect(200);
        assert_eq!(violations.body["items"].as_array().unwrap().len(), 3);
        let ranged = app.get("/v1/reprints?from=2025-03-02&to=2025-03-03").await.expect(200);
        assert_eq!(ranged.body["items"].as_array().unwrap().len(), 2);

        // A renewal covers the late reprint's day.
        let renewed = app.post(&format!("/v1/licenses/{license_id}/renew"), json!({"valid_until": "2026-12-31"})).await.expect(200);
        assert_eq!(renewed.body["valid_until"], "2026-12-31");
        assert_eq!(renewed.body["version"], 2);
        let again = check(&app, &token, &q("2026-02-01", "")).await;
        assert_eq!(again["allowed"], true);
        assert_eq!(again["valid_until"], "2026-12-31");
        let now_covered = app.post_as(&token, "/v1/reprints", reprint("2026-02-01", "web", Some(CREDIT))).await.expect(201);
        assert_eq!(now_covered.body["compliance"], "covered");

        // The partner now sees the article; lists of licenses by filter.
        app.get_as(&token, &format!("/v1/articles/{article}")).await.expect(200);
        let listed = app.get(&format!("/v1/licenses?licensee_outlet_id={partner}&active_on=2026-06-01")).await.expect(200);
        assert_eq!(listed.body["items"].as_array().unwrap().len(), 1);
        let none = app.get(&format!("/v1/licenses?grantor_outlet_id={partner}")).await.expect(200);
        assert_eq!(none.body["items"].as_array().unwrap().len(), 0);

        // Revoked: the history keeps every step, and checks say why.
        app.post(&format!("/v1/licenses/{license_id}/revoke"), json!({})).await.expect_problem(422);
        let revoked = app.post(&format!("/v1/licenses/{license_id}/revoke"), json!({"reason": "contract ended early"})).await.expect(200);
        assert_eq!(revoked.body["status"], "revoked");
        assert_eq!(check(&app, &token, &q("2026-02-01", "")).await["reasons"], json!(["revoked"]));
        let history = app.get(&format!("/v1/licenses/{license_id}/history")).await.expect(200);
        let actions: Vec<_> = history.body.as_array().unwrap().iter().map(|h| h["action"].clone()).collect();
        assert_eq!(actions, vec![json!("create"), json!("renew"), json!("revoke")]);
        assert_eq!(history.body[1]["before"]["valid_until"], "2025-12-31");
        assert_eq!(history.body[1]["after"]["valid_until"], "2026-12-31");
        app.get(&format!("/v1/licenses/{license_id}")).await.expect(200);
    }

    async fn an_exclusive_license_refuses_overlaps(app) {
        let (worthy, article) = app.worthy_news().await;
        let a = app.create_outlet("Partner A").await;
        let b = app.create_outlet("Partner B").await;
        let mut exclusive = feed_2025(worthy, a);
        exclusive["exclusive"] = json!(true);
        let first = app.post("/v1/licenses", exclusive).await.expect(201).id();

        let before = app.count_rows("licenses");
        let conflict = app.post("/v1/licenses", feed_2025(worthy, b)).await.expect_problem(409);
        assert!(conflict.body["detail"].as_str().unwrap().contains(&format!("license {first}")), "{}", conflict.text);
        let one_article = json!({"grantor_outlet_id": worthy, "licensee_outlet_id": b, "scope": "article", "article_id": article,
            "actions": ["republish"], "media": ["web"], "territories": ["WORLD"], "valid_from": "2025-06-01"});
        app.post("/v1/licenses", one_article).await.expect_problem(409);
        assert_eq!(app.count_rows("licenses"), before);

        // Print, France or 2026 do not overlap; the same partner may hold more.
        let mut print = feed_2025(worthy, b);
        print["media"] = json!(["print"]);
        app.post("/v1/licenses", print).await.expect(201);
        let mut next_year = feed_2025(worthy, b);
        next_year["valid_from"] = json!("2026-01-01");
        next_year["valid_until"] = json!(null);
        let later = app.post("/v1/licenses", next_year).await.expect(201).id();
        app.post("/v1/licenses", feed_2025(worthy, a)).await.expect(201);

        // Changing a license into an overlap is refused too, and leaves it unchanged.
        app.patch(&format!("/v1/licenses/{later}"), json!({"valid_from": "2025-06-01"})).await.expect_problem(409);
        assert_eq!(app.get(&format!("/v1/licenses/{later}")).await.expect(200).body["valid_from"], "2026-01-01");
    }

    async fn a_one_use_license_refuses_the_second_reprint(app) {
        let (worthy, article) = app.worthy_news().await;
        let partner = app.create_outlet("Agency Client").await;
        let license = app.post("/v1/licenses", json!({
            "grantor_outlet_id": worthy, "licensee_outlet_id": partner, "scope": "article", "article_id": article,
            "actions": ["republish"], "media": ["web", "print"], "territories": ["WORLD"],
            "valid_from": "2025-01-01", "max_reprints": 1, "fee_cents": 15000, "currency": "usd"
        })).await.expect(201);
        assert_eq!(license.body["credit_line"], CREDIT, "the credit line defaults to the article's permission statement");
        assert_eq!(license.body["currency"], "USD");
        let reprint = json!({"article_id": article, "outlet_id": partner, "reprinted_on": "2025-02-24", "medium": "web", "credit_line_used": CREDIT});
        assert_eq!(app.post("/v1/reprints", reprint.clone()).await.expect(201).body["compliance"], "covered");
        let second = app.post("/v1/reprints", reprint).await.expect(201);
        assert_eq!(second.body["compliance"], "uncovered");
        assert_eq!(second.body["reasons"], json!(["use_limit_reached"]));
        let check = app.get(&format!("/v1/rights/check?outlet_id={partner}&article_id={article}&on=2025-03-01")).await.expect(200);
        assert_eq!(check.body["reasons"], json!(["use_limit_reached"]));
    }

    async fn an_embargoed_article_is_not_covered(app) {
        let worthy = app.create_outlet("Worthy News").await;
        let partner = app.create_outlet("Early Bird").await;
        let article = app.post("/v1/articles", json!({"title": "Embargoed", "source_outlet_id": worthy,
            "published_on": "2025-05-01", "embargo_until": "2025-05-02T09:00:00Z"})).await.expect(201);
        assert_eq!(article.body["embargo_until"], "2025-05-02T09:00:00Z");
        let article = article.id();
        let mut license = feed_2025(worthy, partner);
        license["valid_until"] = json!(null);
        app.post("/v1/licenses", license).await.expect(201);
        let q = |on: &str| format!("/v1/rights/check?outlet_id={partner}&article_id={article}&on={on}");
        assert_eq!(app.get(&q("2025-05-01")).await.expect(200).body["reasons"], json!(["embargoed"]));
        assert_eq!(app.get(&q("2025-05-03")).await.expect(200).body["allowed"], true);
        let early = app.post("/v1/reprints", json!({"article_id": article, "outlet_id": partner, "reprinted_on": "2025-05-01", "medium": "web"})).await.expect(201);
        assert_eq!(early.body["reasons"], json!(["embargoed"]));
    }

    async fn a_stale_if_match_answers_412(app) {
        let (worthy, _) = app.worthy_news().await;
        let partner = app.create_outlet("Partner").await;
        let id = app.post("/v1/licenses", feed_2025(worthy, partner)).await.expect(201).id();
        let url = format!("{}/v1/licenses/{id}", app.address);
        let etag = app.get(&format!("/v1/licenses/{id}")).await.expect(200).headers["etag"].to_str().unwrap().to_string();

        let first = app.client.patch(&url).bearer_auth(&app.admin_token).header("If-Match", &etag)
            .json(&json!({"notes": "first writer"})).send().await.unwrap();
        let first = TestApp::answer(first).await.expect(200);
        assert_eq!(first.headers["etag"], "\"2\"");
        let stale = app.client.patch(&url).bearer_auth(&app.admin_token).header("If-Match", &etag)
            .json(&json!({"notes": "second writer"})).send().await.unwrap();
        TestApp::answer(stale).await.expect_problem(412);
        let now = app.get(&format!("/v1/licenses/{id}")).await.expect(200);
        assert_eq!(now.body["notes"], "first writer");
        assert_eq!(now.body["version"], 2);
    }

    async fn bad_licenses_are_refused_and_write_nothing(app) {
        let (worthy, article) = app.worthy_news().await;
        let partner = app.create_outlet("Partner").await;
        let other = app.create_outlet("Other Source").await;
        let before = app.count_rows("licenses");
        let mut bad = feed_2025(worthy, partner);
        bad["territories"] = json!(["XX"]);
        bad["media"] = json!(["telegraph"]);
        let answer = app.post("/v1/licenses", bad).await.expect_problem(422);
        assert_eq!(answer.body["errors"].as_array().unwrap().len(), 2);
        let mut missing = feed_2025(worthy, 9999);
        missing["valid_until"] = json!("2024-01-01");
        app.post("/v1/licenses", missing).await.expect_problem(422);
        let not_theirs = json!({"grantor_outlet_id": other, "licensee_outlet_id": partner, "scope": "article", "article_id": article,
            "actions": ["republish"], "media": ["web"], "territories": ["US"], "valid_from": "2025-01-01"});
        // Another outlet's article: the grantor holds no upstream right to it (the rights chain).
        let answer = app.post("/v1/licenses", not_theirs).await.expect_problem(409);
        assert_eq!(answer.body["code"], "no_upstream_right");
        assert_eq!(app.count_rows("licenses"), before);
        app.get("/v1/rights/check?outlet_id=1").await.expect_problem(400);
        app.get(&format!("/v1/rights/check?outlet_id={partner}&article_id={article}&on=tomorrow")).await.expect_problem(400);
        app.get(&format!("/v1/rights/check?outlet_id={partner}&article_id=999999")).await.expect_problem(404);
        let nothing = app.get(&format!("/v1/rights/check?outlet_id={partner}&article_id={article}")).await.expect(200);
        assert_eq!(nothing.body["reasons"], json!(["no_license"]));
    }

    async fn partners_cannot_check_or_record_for_another_outlet(app) {
        let (worthy, article) = app.worthy_news().await;
        let a = app.create_outlet("Partner A").await;
        let b = app.create_outlet("Partner B").await;
        let license_b = app.post("/v1/licenses", feed_2025(worthy, b)).await.expect(201).id();
        let token_a = app.user_token("a@partner-a.test", "partner", Some(a)).await;
        let token_b = app.user_token("b@partner-b.test", "partner", Some(b)).await;

        // B checks its own rights (its outlet implied); A may not ask about B; about an article it
        // holds nothing for, A hears no_license, the same as for an article that does not exist.
        let own = check(&app, &token_b, &format!("outlet_id={b}&article_id={article}&on=2025-06-01")).await;
        assert_eq!(own["allowed"], true);
        let implied = check(&app, &token_b, &format!("article_id={article}&on=2025-06-01")).await;
        assert_eq!((implied["allowed"].clone(), implied["outlet_id"].clone()), (json!(true), json!(b)));
        app.get_as(&token_a, &format!("/v1/rights/check?outlet_id={b}&article_id={article}&on=2025-06-01")).await.expect_problem(404);
        let nothing = check(&app, &token_a, &format!("outlet_id={a}&article_id={article}&on=2025-06-01")).await;
        assert_eq!((nothing["allowed"].clone(), nothing["reasons"].clone()), (json!(false), json!(["no_license"])));
        assert_eq!(nothing["considered"], json!([]));
        let missing = check(&app, &token_a, "article_id=999999&on=2025-06-01").await;
        assert_eq!(missing["reasons"], nothing["reasons"]);
        // Staff must name the outlet.
        app.get(&format!("/v1/rights/check?article_id={article}")).await.expect_problem(400);

        // A records nothing for B, and nothing for an article it cannot see.
        let before = app.count_rows("reprints");
        let for_b = json!({"article_id": article, "outlet_id": b, "reprinted_on": "2025-06-01", "medium": "web"});
        app.post_as(&token_a, "/v1/reprints", for_b.clone()).await.expect_problem(404);
        let for_a = json!({"article_id": article, "outlet_id": a, "reprinted_on": "2025-06-01", "medium": "web"});
        app.post_as(&token_a, "/v1/reprints", for_a).await.expect_problem(404);
        assert_eq!(app.count_rows("reprints"), before);

        // B's license and reprints do not exist for A, by id, list or filter.
        let reprint_b = app.post_as(&token_b, "/v1/reprints", for_b).await.expect(201).id();
        app.get_as(&token_a, &format!("/v1/licenses/{license_b}")).await.expect_problem(404);
        app.get_as(&token_a, &format!("/v1/licenses/{license_b}/history")).await.expect_problem(404);
        app.get_as(&token_a, &format!("/v1/reprints/{reprint_b}")).await.expect_problem(404);
        let licenses = app.get_as(&token_a, &format!("/v1/licenses?licensee_outlet_id={b}")).await.expect(200);
        assert_eq!(licenses.body["items"], json!([]));
        let reprints = app.get_as(&token_a, &format!("/v1/reprints?outlet_id={b}")).await.expect(200);
        assert_eq!(reprints.body["items"], json!([]));
        app.post_as(&token_a, &format!("/v1/licenses/{license_b}/revoke"), json!({"reason": "mine now"})).await.expect_problem(404);
        // B sees its own.
        app.get_as(&token_b, &format!("/v1/licenses/{license_b}")).await.expect(200);
        assert_eq!(app.get_as(&token_b, "/v1/reprints").await.expect(200).body["items"].as_array().unwrap().len(), 1);
    }

    async fn suspend_and_resume(app) {
        let (worthy, article) = app.worthy_news().await;
        let partner = app.create_outlet("Partner").await;
        let id = app.post("/v1/licenses", feed_2025(worthy, partner)).await.expect(201).id();
        app.post(&format!("/v1/licenses/{id}/suspend"), json!({"reason": "invoice unpaid"})).await.expect(200);
        let q = format!("/v1/rights/check?outlet_id={partner}&article_id={article}&on=2025-06-01");
        assert_eq!(app.get(&q).await.expect(200).body["reasons"], json!(["suspended"]));
        app.post(&format!("/v1/licenses/{id}/suspend"), json!({})).await.expect_problem(409);
        app.post(&format!("/v1/licenses/{id}/resume"), json!({})).await.expect(200);
        assert_eq!(app.get(&q).await.expect(200).body["allowed"], true);
        let expiring = app.get("/v1/licenses?expiring_within_days=36500&status=active").await.expect(200);
        assert_eq!(expiring.body["items"].as_array().unwrap().len(), 0, "2025-12-31 is in the past");
    }
}

both_backends! {
    async fn deleted_licenses_stop_counting_and_can_be_restored(app) {
        let (worthy, article) = app.worthy_news().await;
        let partner = app.create_outlet("Partner").await;
        let id = app.post("/v1/licenses", feed_2025(worthy, partner)).await.expect(201).id();
        let q = format!("/v1/rights/check?outlet_id={partner}&article_id={article}&on=2025-06-01");
        assert_eq!(app.get(&q).await.expect(200).body["allowed"], true);
        app.delete(&format!("/v1/licenses/{id}")).await.expect(204);
        app.get(&format!("/v1/licenses/{id}")).await.expect_problem(404);
        assert_eq!(app.get(&q).await.expect(200).body["reasons"], json!(["no_license"]));
        // The outlet can go once nothing live refers to it... but the article still does.
        app.delete(&format!("/v1/outlets/{partner}")).await.expect(204);
        app.post(&format!("/v1/outlets/{partner}/restore"), json!({})).await.expect(200);
        app.post(&format!("/v1/licenses/{id}/restore"), json!({})).await.expect(200);
        assert_eq!(app.get(&q).await.expect(200).body["allowed"], true);
        let history = app.get(&format!("/v1/licenses/{id}/history")).await.expect(200);
        let actions: Vec<_> = history.body.as_array().unwrap().iter().map(|h| h["action"].clone()).collect();
        assert_eq!(actions, vec![json!("create"), json!("delete"), json!("restore")]);
    }
}

both_backends! {
    async fn licenses_export_as_csv_with_the_same_filters_and_scope(app) {
        let (worthy, _) = app.worthy_news().await;
        let a = app.create_outlet("Partner A").await;
        let b = app.create_outlet("Partner B").await;
        for _ in 0..3 {
            app.post("/v1/licenses", feed_2025(worthy, a)).await.expect(201);
        }
        app.post("/v1/licenses", feed_2025(worthy, b)).await.expect(201);
        let get_csv = |token: String, path: String| {
            let client = app.client.clone();
            let url = format!("{}{}", app.address, path);
            async move {
                let r = client.get(url).bearer_auth(token).header("Accept", "text/csv").send().await.unwrap();
                assert_eq!(r.status().as_u16(), 200);
                assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
                let text = r.text().await.unwrap();
                let mut reader = csv::Reader::from_reader(text.as_bytes());
                let headers = reader.headers().unwrap().clone();
                let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
                (headers, rows)
            }
        };
        let (headers, rows) = get_csv(app.admin_token.clone(), "/v1/licenses".into()).await;
        assert_eq!(&headers[0], "id");
        assert_eq!(rows.len(), 4);
        let (_, rows) = get_csv(app.admin_token.clone(), format!("/v1/licenses?licensee_outlet_id={a}")).await;
        assert_eq!(rows.len(), 3);
        assert_eq!(&rows[0][9], "CA,US");
        // A partner exports only its own.
        let token_b = app.user_token("b@partner-b.test", "partner", Some(b)).await;
        let (_, rows) = get_csv(token_b, "/v1/licenses".into()).await;
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0][2].parse::<i64>().unwrap(), b);
    }
}

both_backends! {
    async fn the_csv_export_streams_past_one_chunk(app) {
        let plan = rightsdesk::app::seed::SeedPlan {
            outlets: 20, articles: 100, licenses: 2_500, reprints: 0, seed: 7, expiring_share: 0.01,
            today: chrono::Utc::now().date_naive(),
        };
        {
            let mut conn = app.db.get().unwrap();
            rightsdesk::app::seed::seed(&mut conn, &plan, &|_| {}).unwrap();
        }
        let r = app.client.get(format!("{}/v1/licenses", app.address)).bearer_auth(&app.admin_token)
            .header("Accept", "text/csv").send().await.unwrap();
        let text = r.text().await.unwrap();
        let rows: Vec<_> = csv::Reader::from_reader(text.as_bytes()).records().map(|r| r.unwrap()).collect();
        assert_eq!(rows.len(), 2_500);
        let mut ids: Vec<i64> = rows.iter().map(|r| r[0].parse().unwrap()).collect();
        ids.dedup();
        assert_eq!(ids.len(), 2_500, "no row twice across chunks");
    }
}

both_backends! {
    async fn reprints_export_as_csv(app) {
        let (worthy, article) = app.worthy_news().await;
        let partner = app.create_outlet("Partner").await;
        app.post("/v1/licenses", feed_2025(worthy, partner)).await.expect(201);
        for (on, medium) in [("2025-03-01", "web"), ("2025-03-02", "print")] {
            app.post("/v1/reprints", json!({"article_id": article, "outlet_id": partner, "reprinted_on": on,
                "medium": medium, "url": "https://partner.test/a,b?x=1", "credit_line_used": CREDIT})).await.expect(201);
        }
        let r = app.client.get(format!("{}/v1/reprints?compliance=uncovered", app.address)).bearer_auth(&app.admin_token)
            .header("Accept", "text/csv").send().await.unwrap();
        let text = r.text().await.unwrap();
        let rows: Vec<_> = csv::Reader::from_reader(text.as_bytes()).records().map(|r| r.unwrap()).collect();
        assert_eq!(rows.len(), 1);
        assert_eq!(&rows[0][4], "print");
        assert_eq!(&rows[0][6], "https://partner.test/a,b?x=1");
        assert_eq!(&rows[0][10], "medium_not_granted");
    }
}
