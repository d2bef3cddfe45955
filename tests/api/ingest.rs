//! Ingesting article text over HTTP and with `rightsdesk import`, on both backends.

use reqwest::Method;
use serde_json::json;

use crate::both_backends;
use crate::common::TestApp;

const SEED: &str = include_str!("../fixtures/extraction/corpus/worthy-news-zelenskyy.txt");

fn assert_seed_fields(article: &serde_json::Value) {
    assert_eq!(
        article["title"],
        "Ukrainian President Open To Resign In Exchange For NATO Membership"
    );
    assert_eq!(
        article["byline"],
        "Stefan J. Bos, Chief International Correspondent Worthy News"
    );
    assert_eq!(
        article["copyright_line"],
        "Copyright 1999-2025 Worthy News."
    );
    assert_eq!(article["copyright_holder"], "Worthy News");
    assert_eq!(article["copyright_year_from"], 1999);
    assert_eq!(article["copyright_year_to"], 2025);
    assert_eq!(
        article["permission_statement"],
        "This article was originally published on Worthy News and was reproduced with permission."
    );
    assert_eq!(article["original_publisher"], "Worthy News");
    assert_eq!(article["permission_kind"], "reproduced_with_permission");
    assert_eq!(article["license_name"], json!(null));
}

both_backends! {
    async fn ingesting_the_seed(app) {
        let outlet = app.create_outlet("Worthy News").await;

        // A dry run answers the extraction and writes nothing.
        let before = app.count_rows("articles");
        let dry = app.post("/v1/articles/ingest", json!({"text": SEED, "source_outlet_id": outlet, "dry_run": true})).await.expect(200);
        assert!(dry.body.get("article").is_none());
        assert_eq!(dry.body["extracted"]["copyright_holder"]["value"], "Worthy News");
        let evidence = &dry.body["extracted"]["copyright_line"]["evidence"];
        let (start, end) = (evidence["start"].as_u64().unwrap() as usize, evidence["end"].as_u64().unwrap() as usize);
        assert_eq!(SEED.chars().skip(start).take(end - start).collect::<String>(), evidence["text"].as_str().unwrap());
        assert_eq!(dry.body["extracted"]["license_name"], json!(null));
        assert_eq!(app.count_rows("articles"), before);

        let created = app.post("/v1/articles/ingest", json!({"text": SEED, "source_outlet_id": outlet})).await.expect(201);
        let id = created.body["article"]["id"].as_i64().unwrap();
        assert_eq!(created.headers["location"], format!("/v1/articles/{id}").as_str());
        assert_seed_fields(&created.body["article"]);
        assert_seed_fields(&app.get(&format!("/v1/articles/{id}")).await.expect(200).body);

        // The same text again (whatever its spacing) points at the article already there.
        let spaced = SEED.replace("\n\n", "\n \n");
        let again = app.post("/v1/articles/ingest", json!({"text": spaced, "source_outlet_id": outlet})).await.expect(200);
        assert_eq!(again.body["duplicate_of"], id);
        assert_eq!(app.count_rows("articles"), before + 1);
    }

    async fn the_publisher_named_in_the_text_finds_its_outlet(app) {
        let outlet = app.post("/v1/outlets", json!({"name": "WORTHY-NEWS"})).await.expect(201).id();
        let created = app.post("/v1/articles/ingest", json!({"text": SEED, "url": "https://worthynews.com/zelenskyy"})).await.expect(201);
        assert_eq!(created.body["article"]["source_outlet_id"], outlet);
        assert_eq!(created.body["article"]["url"], "https://worthynews.com/zelenskyy");

        let unknown = "Budget Passes\n[…]\nReprinted with permission from Nowhere Gazette.\n";
        let refused = app.post("/v1/articles/ingest", json!({"text": unknown})).await.expect_problem(422);
        assert_eq!(refused.body["errors"][0]["field"], "source_outlet_id");
        assert!(refused.body["errors"][0]["message"].as_str().unwrap().contains("Nowhere Gazette"));
    }

    async fn html_and_bad_input(app) {
        let outlet = app.create_outlet("Coastal Herald").await;
        let html = "<html><body><h1>Bridge Opens</h1><p>By Sam Lee</p><p>The bridge opened.</p>\
                    <footer><p>&copy; 2024 Coastal Herald Inc. All rights reserved.</p></footer></body></html>";
        let created = app.post("/v1/articles/ingest", json!({"text": html, "source_outlet_id": outlet})).await.expect(201);
        assert_eq!(created.body["article"]["title"], "Bridge Opens");
        assert_eq!(created.body["article"]["copyright_holder"], "Coastal Herald Inc.");
        assert_eq!(created.body["article"]["permission_kind"], "all_rights_reserved");

        let before = app.count_rows("articles");
        app.post("/v1/articles/ingest", json!({"text": "   "})).await.expect_problem(422);
        app.post("/v1/articles/ingest", json!({"text": SEED, "source_outlet_id": 999})).await.expect_problem(422);
        app.post("/v1/articles/ingest", json!({"text": SEED, "surprise": 1})).await.expect_problem(400);
        let huge = "x".repeat(6 * 1024 * 1024);
        app.post("/v1/articles/ingest", json!({"text": huge})).await.expect_problem(413);
        assert_eq!(app.count_rows("articles"), before);

        // Bigger than a JSON body elsewhere, within the ingest limit: a 2 MB text is read.
        let long = format!("{SEED}\n{}", "Filler paragraph about nothing in particular.\n".repeat(45_000));
        let answer = app.send(Method::POST, "/v1/articles/ingest", Some(&app.admin_token),
            Some(json!({"text": long, "source_outlet_id": outlet, "dry_run": true}))).await.expect(200);
        assert_eq!(answer.body["extracted"]["copyright_holder"]["value"], "Worthy News");
    }

    async fn rightsdesk_import_reads_files(app) {
        let outlet = app.create_outlet("Worthy News").await;
        let dir = tempfile::tempdir().unwrap();
        let seed = dir.path().join("seed.txt");
        std::fs::write(&seed, SEED).unwrap();
        let quanta = dir.path().join("quanta.txt");
        std::fs::write(&quanta, include_str!("../fixtures/extraction/corpus/01-wired-quanta-busy-beaver.txt")).unwrap();
        let url = database_url(&app);
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_rightsdesk"))
            .args(["import", "--source-outlet-id", &outlet.to_string()])
            .arg(&seed)
            .arg(&quanta)
            .env("RIGHTSDESK_DATABASE_URL", &url)
            .env("RIGHTSDESK_DATA_DIR", app.data_dir.path())
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
        assert!(stdout.contains("seed.txt: created article"), "{stdout}");
        assert!(stdout.contains("reproduced_with_permission"), "{stdout}");
        assert!(stdout.contains("quanta.txt: created article"), "{stdout}");
        assert!(stdout.contains("imported 2 of 2"), "{stdout}");
        let listed = app.get(&format!("/v1/articles?source_outlet_id={outlet}")).await.expect(200);
        assert_eq!(listed.body["items"].as_array().unwrap().len(), 2);
        assert_seed_fields(&listed.body["items"][0]);

        // Again: nothing doubles; a missing file fails that file only.
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_rightsdesk"))
            .args(["import", "--source-outlet-id", &outlet.to_string()])
            .arg(&seed)
            .arg(dir.path().join("missing.txt"))
            .env("RIGHTSDESK_DATABASE_URL", &url)
            .env("RIGHTSDESK_DATA_DIR", app.data_dir.path())
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(!output.status.success());
        assert!(stdout.contains("seed.txt: already there as article"), "{stdout}");
        assert!(stdout.contains("missing.txt: FAILED"), "{stdout}");
        assert_eq!(app.count_rows("articles"), 2);
    }
}

pub fn database_url(app: &TestApp) -> String {
    app.database_url.clone()
}
