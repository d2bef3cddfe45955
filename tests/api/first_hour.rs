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

async fn export(app: &crate::common::TestApp) -> String {
    app.client
        .get(format!("{}/v1/licenses", app.address))
        .bearer_auth(&app.admin_token)
        .header("Accept", "text/csv")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

async fn import(app: &crate::common::TestApp, query: &str, file: String) -> crate::common::Answer {
    let r = app
        .client
        .post(format!("{}/v1/licenses/import{query}", app.address))
        .bearer_auth(&app.admin_token)
        .header("Content-Type", "text/csv")
        .body(file)
        .send()
        .await
        .unwrap();
    crate::common::TestApp::answer(r).await
}

both_backends! {
    async fn a_license_export_edited_and_imported_updates_in_place(app) {
        let (worthy, _) = app.worthy_news().await;
        let partner = app.create_outlet("Gazette").await;
        let id = app.post("/v1/licenses", one_use_feed(worthy, partner)).await.expect(201).id();
        let file = export(&app).await;

        // Unchanged: nothing written, no new license (which would send its own expiry emails).
        let same = import(&app, "", file.clone()).await.expect(201);
        assert_eq!(same.body["rows"], json!([{"row": 2, "outcome": "unchanged", "license_id": id}]));
        assert_eq!(app.count_rows("licenses"), 1);

        // The end date edited in the spreadsheet: a dry run says so and writes nothing ...
        let edited = file.replace("2025-12-31", "2026-06-30");
        let preview = import(&app, "?dry_run=true", edited.clone()).await.expect(200);
        assert_eq!(preview.body["dry_run"], true);
        assert_eq!(preview.body["rows"], json!([{"row": 2, "outcome": "update", "license_id": id}]));
        let stored = app.get(&format!("/v1/licenses/{id}")).await.expect(200);
        assert_eq!((stored.body["valid_until"].clone(), stored.body["version"].clone()), (json!("2025-12-31"), json!(1)));

        // ... and the import updates that license, with PATCH's checks and a new version.
        let done = import(&app, "", edited.clone()).await.expect(201);
        assert_eq!((done.body["updated"].clone(), done.body["created"].clone()), (json!(1), json!(0)));
        let stored = app.get(&format!("/v1/licenses/{id}")).await.expect(200);
        assert_eq!((stored.body["valid_until"].clone(), stored.body["version"].clone()), (json!("2026-06-30"), json!(2)));
        assert_eq!(app.count_rows("licenses"), 1);

        // The same file again names version 1, which is stale now: refused, nothing written.
        let stale = import(&app, "", edited).await.expect_problem(422);
        assert_eq!(stale.body["errors"][0]["field"], "rows[2].version", "{}", stale.text);
        // A row naming no license, or changing who is licensed, is refused with its field.
        let header = file.lines().next().unwrap();
        let row = file.lines().nth(1).unwrap();
        let unknown = format!("{header}\n{}\n", row.replacen(&format!("{id},"), "999999,", 1));
        assert_eq!(import(&app, "", unknown).await.expect_problem(422).body["errors"][0]["field"], "rows[2].id");
        let other = app.create_outlet("Other Partner").await;
        let fresh = export(&app).await;
        let moved = fresh.replacen(&format!(",{partner},feed,"), &format!(",{other},feed,"), 1);
        let refused = import(&app, "", moved).await.expect_problem(422);
        assert_eq!(refused.body["errors"][0]["field"], "rows[2]", "{}", refused.text);
        // A row without id creates, as before.
        let new_row = format!("{header}\n{}\n", fresh.lines().nth(1).unwrap().replacen(&format!("{id},"), ",", 1));
        let created = import(&app, "", new_row).await.expect(201);
        assert_eq!(created.body["created"], 1);
        assert_eq!(app.count_rows("licenses"), 2);
    }
}

both_backends! {
    async fn text_with_control_characters_is_refused_and_names_are_unique(app) {
        for (name, bad) in [("NUL\u{0}Daily", "U+0000"), ("Line\r\nBreak", "U+000D"), ("Gazette\u{202e}ettezaG", "U+202E")] {
            let answer = app.post("/v1/outlets", json!({"name": name})).await.expect_problem(422);
            assert_eq!(answer.body["errors"][0]["field"], "name");
            assert!(answer.body["errors"][0]["message"].as_str().unwrap().contains(bad), "{}", answer.text);
        }
        assert_eq!(app.count_rows("outlets"), 0);
        // Surrounding spaces go; notes may have several lines.
        let gazette = app.post("/v1/outlets", json!({"name": "  Gazette  ", "notes": "Line one\nLine two"})).await.expect(201);
        assert_eq!(gazette.body["name"], "Gazette");
        assert_eq!(gazette.body["notes"], "Line one\nLine two");
        let (worthy, article) = app.worthy_news().await;
        let credit = app.patch(&format!("/v1/articles/{article}"), json!({"permission_statement": "Reprinted\u{0}"})).await.expect_problem(422);
        assert_eq!(credit.body["errors"][0]["field"], "permission_statement");

        // A second outlet of the same name, in any case, points at the first.
        let again = app.post("/v1/outlets", json!({"name": "GAZETTE"})).await.expect_problem(409);
        assert!(again.body["detail"].as_str().unwrap().contains(&format!("/v1/outlets/{}", gazette.id())), "{}", again.text);
        app.patch(&format!("/v1/outlets/{worthy}"), json!({"name": "gazette"})).await.expect_problem(409);
        app.patch(&format!("/v1/outlets/{}", gazette.id()), json!({"name": "The Gazette"})).await.expect(200);
        app.post("/v1/outlets", json!({"name": "Gazette"})).await.expect(201);
    }

    async fn a_partner_keeps_its_own_contacts_up_to_date(app) {
        let partner = app.create_outlet("Gazette").await;
        let other = app.create_outlet("Herald").await;
        let token = app.user_token("editor@gazette.test", "partner", Some(partner)).await;
        let changed = app.send(reqwest::Method::PATCH, &format!("/v1/outlets/{partner}"), Some(&token),
            Some(json!({"contact_emails": ["rights@gazette.test"]}))).await.expect(200);
        assert_eq!(changed.body["contact_emails"], json!(["rights@gazette.test"]));
        app.send(reqwest::Method::PATCH, &format!("/v1/outlets/{partner}"), Some(&token),
            Some(json!({"name": "Gazette International"}))).await.expect_problem(403);
        app.send(reqwest::Method::PATCH, &format!("/v1/outlets/{other}"), Some(&token),
            Some(json!({"contact_emails": ["x@herald.test"]}))).await.expect_problem(404);
    }
}

/// `--data-dir` moves everything the service keeps, the default SQLite file included.
#[test]
fn the_default_database_lives_in_the_data_folder() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("elsewhere");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_rightsdesk"))
        .args(["migrate", "--data-dir"])
        .arg(&data)
        .env_remove("RIGHTSDESK_DATABASE_URL")
        .env_remove("RIGHTSDESK_DATA_DIR")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        data.join("rightsdesk.db").is_file(),
        "no database in the data folder"
    );
    assert!(
        !dir.path().join("data").exists(),
        "something was written to ./data"
    );
}

/// Marks every notice as claimed by a pass that died a moment ago, its lease still running.
fn claimed_by_a_dead_pass(app: &crate::common::TestApp) {
    use diesel::RunQueryDsl;
    let until = chrono::Utc::now().naive_utc() + chrono::Duration::minutes(5);
    let mut conn = app.db.get().unwrap();
    diesel::sql_query("UPDATE notices SET status = 'pending', sent_at = NULL, message_id = NULL, claimed_by = 'dead:1', lease_until = $1")
        .bind::<diesel::sql_types::Timestamp, _>(until)
        .execute(&mut *conn)
        .unwrap();
}

both_backends! {
    async fn notices_held_by_a_dead_pass_say_so_and_a_restart_frees_them(app) {
        let (worthy, _) = app.worthy_news().await;
        let partner = app.post("/v1/outlets", json!({"name": "Gazette", "contact_emails": ["rights@gazette.test"]})).await.expect(201).id();
        app.post("/v1/licenses", one_use_feed(worthy, partner)).await.expect(201);
        let first = app.post("/v1/notices/run?today=2025-12-01", json!({})).await.expect(200);
        assert_eq!(first.body["sent"], 1, "{}", first.text);
        claimed_by_a_dead_pass(&app);

        // The lease is visible, and a pass says why it sends nothing.
        let listed = app.get("/v1/notices").await.expect(200);
        assert!(listed.body["items"][0]["claimed_until"].is_string(), "{}", listed.text);
        let held = app.post("/v1/notices/run?today=2025-12-01", json!({})).await.expect(200);
        assert_eq!((held.body["sent"].clone(), held.body["held_by_lease"].clone()), (json!(0), json!(1)), "{}", held.text);

        // A single SQLite instance frees its own claims when it starts again; on PostgreSQL other
        // instances may be sending, so the lease runs out instead.
        let dir = tempfile::tempdir().unwrap();
        let again = crate::common::TestApp::spawn_with(app.backend, crate::common::test_config(&app.database_url, dir.path()), dir, None).await;
        let after = again.post("/v1/notices/run?today=2025-12-01", json!({})).await.expect(200);
        match app.backend {
            crate::common::Backend::Sqlite => {
                assert_eq!((after.body["sent"].clone(), after.body["held_by_lease"].clone()), (json!(1), json!(0)), "{}", after.text);
                assert!(again.get("/v1/notices").await.expect(200).body["items"][0]["claimed_until"].is_null());
            }
            crate::common::Backend::Postgres => {
                assert_eq!((after.body["sent"].clone(), after.body["held_by_lease"].clone()), (json!(0), json!(1)), "{}", after.text);
            }
        }
    }
}

both_backends! {
    async fn errors_name_the_field_or_parameter_at_fault(app) {
        // A value of the wrong type names its field, in the errors[] of validation errors.
        let wrong = app.post("/v1/outlets", json!({"name": "Gazette", "contact_emails": "rights@gazette.test"})).await.expect_problem(400);
        assert_eq!(wrong.body["errors"][0]["field"], "contact_emails", "{}", wrong.text);
        assert!(wrong.body["errors"][0]["message"].as_str().unwrap().contains("expected a list"), "{}", wrong.text);
        let item = app.post("/v1/outlets", json!({"name": "Gazette", "contact_emails": [42]})).await.expect_problem(400);
        assert_eq!(item.body["errors"][0]["field"], "contact_emails[0]", "{}", item.text);
        assert_eq!(app.count_rows("outlets"), 0);

        // Bad query values and bad path ids name the parameter.
        let days = app.get("/v1/licenses?expiring_within_days=-5").await.expect_problem(400);
        assert_eq!(days.body["errors"][0]["field"], "expiring_within_days", "{}", days.text);
        assert!(days.body["errors"][0]["message"].as_str().unwrap().contains("-5"), "{}", days.text);
        let path = app.get("/v1/articles/abc").await.expect_problem(400);
        assert!(path.body["detail"].as_str().unwrap().contains("id"), "{}", path.text);

        // An unknown query parameter is refused, listing the accepted ones: a typo must not turn
        // a filtered export into an export of everything.
        let typo = app.get("/v1/licenses?licencee_outlet_id=3").await.expect_problem(400);
        assert_eq!(typo.body["errors"][0]["field"], "licencee_outlet_id");
        assert!(typo.body["errors"][0]["message"].as_str().unwrap().contains("licensee_outlet_id"), "{}", typo.text);
        let csv = app.client.get(format!("{}/v1/reprints?complience=uncovered", app.address)).bearer_auth(&app.admin_token)
            .header("Accept", "text/csv").send().await.unwrap();
        assert_eq!(csv.status().as_u16(), 400);
        app.get("/v1/licenses?licensee_outlet_id=3&limit=5").await.expect(200);
    }
}

both_backends! {
    async fn people_stay_signed_in_and_change_their_own_password(app) {
        let partner = app.create_outlet("Gazette").await;
        app.user_token("editor@gazette.test", "partner", Some(partner)).await;
        let login = app.send(reqwest::Method::POST, "/v1/auth/login", None,
            Some(json!({"email": "editor@gazette.test", "password": crate::common::PASSWORD}))).await.expect(200);
        let refresh = login.body["refresh_token"].as_str().unwrap().to_string();
        assert!(login.body["refresh_expires_in"].as_u64().unwrap() >= 86_400);
        // A refresh token is not an access token, and the other way round.
        app.get_as(&refresh, "/v1/me").await.expect_problem(401);
        let access = login.body["access_token"].as_str().unwrap();
        app.send(reqwest::Method::POST, "/v1/auth/refresh", None, Some(json!({"refresh_token": access}))).await.expect_problem(401);
        // The refresh gives a working access token.
        let renewed = app.send(reqwest::Method::POST, "/v1/auth/refresh", None, Some(json!({"refresh_token": refresh}))).await.expect(200);
        let fresh = renewed.body["access_token"].as_str().unwrap().to_string();
        assert_eq!(app.get_as(&fresh, "/v1/me").await.expect(200).body["email"], "editor@gazette.test");

        // A partner changes its own password: the old one is checked, the policy applies, every
        // earlier token (refresh tokens included) ends, and the answer carries new ones.
        let change = |current: &str, new: &str| json!({"current_password": current, "new_password": new});
        app.send(reqwest::Method::POST, "/v1/me/password", Some(&fresh), Some(change("wrong password!", "a much longer passphrase 2026"))).await.expect_problem(403);
        let weak = app.send(reqwest::Method::POST, "/v1/me/password", Some(&fresh), Some(change(crate::common::PASSWORD, "short"))).await.expect_problem(422);
        assert_eq!(weak.body["errors"][0]["field"], "new_password");
        let changed = app.send(reqwest::Method::POST, "/v1/me/password", Some(&fresh),
            Some(change(crate::common::PASSWORD, "a much longer passphrase 2026"))).await.expect(200);
        app.get_as(&fresh, "/v1/me").await.expect_problem(401);
        app.send(reqwest::Method::POST, "/v1/auth/refresh", None, Some(json!({"refresh_token": refresh}))).await.expect_problem(401);
        app.get_as(changed.body["access_token"].as_str().unwrap(), "/v1/me").await.expect(200);
        app.login("editor@gazette.test", "a much longer passphrase 2026").await;
    }
}

both_backends! {
    async fn licenses_name_their_parties_and_say_when_they_have_expired(app) {
        let (worthy, article) = app.worthy_news().await;
        let partner = app.create_outlet("Gazette").await;
        let ended = app.post("/v1/licenses", one_use_feed(worthy, partner)).await.expect(201);
        assert_eq!(ended.body["status"], "expired", "2025-12-31 has passed: {}", ended.text);
        assert_eq!((ended.body["grantor_name"].clone(), ended.body["licensee_name"].clone()), (json!("Worthy News"), json!("Gazette")));
        let next_year = (chrono::Utc::now().date_naive() + chrono::Days::new(365)).to_string();
        let running = app.post("/v1/licenses", json!({"grantor_outlet_id": worthy, "licensee_outlet_id": partner,
            "scope": "article", "article_id": article, "actions": ["excerpt"], "media": ["print"], "territories": ["CA"],
            "valid_from": "2026-01-01", "valid_until": next_year})).await.expect(201);
        assert_eq!(running.body["status"], "active");

        // The partner sees the grantor's name on what it holds; filters know "expired".
        let token = app.user_token("editor@gazette.test", "partner", Some(partner)).await;
        let mine = app.get_as(&token, "/v1/licenses").await.expect(200);
        assert!(mine.body["items"].as_array().unwrap().iter().all(|l| l["grantor_name"] == "Worthy News"), "{}", mine.text);
        let expired = app.get("/v1/licenses?status=expired").await.expect(200);
        assert_eq!(expired.body["items"].as_array().unwrap().len(), 1);
        assert_eq!(expired.body["items"][0]["id"], ended.id());
        let active = app.get("/v1/licenses?status=active").await.expect(200);
        assert_eq!(active.body["items"].as_array().unwrap().len(), 1);
        assert_eq!(active.body["items"][0]["id"], running.id());
        let read = app.get(&format!("/v1/licenses/{}", ended.id())).await.expect(200);
        assert_eq!(read.body["status"], "expired");
        assert_eq!(read.body["grantor_name"], "Worthy News");
        // A renewal brings it back.
        let renewed = app.post(&format!("/v1/licenses/{}/renew", ended.id()), json!({"valid_until": next_year})).await.expect(200);
        assert_eq!(renewed.body["status"], "active");
    }
}

both_backends! {
    async fn a_partner_lists_what_it_may_republish_on_a_day(app) {
        let (worthy, article) = app.worthy_news().await;
        let other_source = app.create_outlet("Herald").await;
        let other = app.post("/v1/articles", json!({"title": "Not licensed", "source_outlet_id": other_source,
            "published_on": "2025-03-01"})).await.expect(201).id();
        let partner = app.create_outlet("Gazette").await;
        app.post("/v1/licenses", one_use_feed(worthy, partner)).await.expect(201);
        let token = app.user_token("editor@gazette.test", "partner", Some(partner)).await;
        let ids = |answer: &crate::common::Answer| -> Vec<i64> {
            answer.body["items"].as_array().unwrap().iter().map(|a| a["id"].as_i64().unwrap()).collect()
        };
        assert_eq!(ids(&app.get_as(&token, "/v1/articles?licensed_on=2025-06-01").await.expect(200)), [article]);
        assert!(ids(&app.get_as(&token, "/v1/articles?licensed_on=2026-06-01").await.expect(200)).is_empty());
        // Staff ask on a partner's behalf; the other source's article is never in it.
        let desk = app.get(&format!("/v1/articles?licensed_on=2025-06-01&licensed_to={partner}")).await.expect(200);
        assert_eq!(ids(&desk), [article]);
        assert!(!ids(&desk).contains(&other));
        // Without licensed_to, staff see what any partner may republish that day.
        assert_eq!(ids(&app.get("/v1/articles?licensed_on=2025-06-01").await.expect(200)), [article]);
        app.get(&format!("/v1/articles?licensed_to={partner}")).await.expect(200);
        app.get_as(&token, "/v1/articles?licensed_on=someday").await.expect_problem(400);
    }
}

both_backends! {
    async fn the_front_door_and_the_api_documentation(app) {
        let front = app.client.get(format!("{}/", app.address)).send().await.unwrap();
        assert_eq!(front.status().as_u16(), 200);
        assert!(front.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
        let page = front.text().await.unwrap();
        for link in ["/docs/", "/openapi.json", "/healthz", "/login"] {
            assert!(page.contains(&format!("href=\"{link}\"")), "no link to {link}");
        }
        let docs = app.client.get(format!("{}/docs/", app.address)).send().await.unwrap();
        assert_eq!(docs.status().as_u16(), 200);
        assert!(docs.text().await.unwrap().contains("swagger-ui"));
        // Its script comes from the binary, and it reads this service's document.
        let init = app.client.get(format!("{}/docs/swagger-initializer.js", app.address)).send().await.unwrap();
        assert_eq!(init.status().as_u16(), 200);
        assert!(init.text().await.unwrap().contains("/openapi.json"));
        let bundle = app.client.get(format!("{}/docs/swagger-ui-bundle.js", app.address)).send().await.unwrap();
        assert_eq!(bundle.status().as_u16(), 200);
    }
}
