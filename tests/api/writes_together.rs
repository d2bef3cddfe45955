//! Writes that arrive together: on SQLite they share one transaction (each in a savepoint), on
//! PostgreSQL they run side by side. Either way a failing write changes nothing and fails alone,
//! and a license's use cap counts every reprint, however many arrive at once.

use reqwest::StatusCode;
use serde_json::{json, Value};
use tokio::task::JoinSet;

use crate::both_backends;
use crate::common::TestApp;

const CREDIT: &str =
    "This article was originally published on Worthy News and was reproduced with permission.";

/// Posts every body to /v1/reprints at once; the statuses and answers, in no particular order.
async fn post_all(app: &TestApp, token: &str, bodies: Vec<Value>) -> Vec<(StatusCode, Value)> {
    let mut posts = JoinSet::new();
    for body in bodies {
        let request = app
            .client
            .post(format!("{}/v1/reprints", app.address))
            .bearer_auth(token)
            .json(&body);
        posts.spawn(async move {
            let response = request.send().await.expect("request");
            let status = response.status();
            (
                status,
                response.json::<Value>().await.unwrap_or(Value::Null),
            )
        });
    }
    let mut answers = Vec::new();
    while let Some(answer) = posts.join_next().await {
        answers.push(answer.expect("task"));
    }
    answers
}

both_backends! {
    async fn a_failing_write_among_many_fails_alone_and_writes_nothing(app) {
        let (worthy, article) = app.worthy_news().await;
        let partner = app.create_outlet("Busy Gazette").await;
        app.post("/v1/licenses", json!({
            "grantor_outlet_id": worthy, "licensee_outlet_id": partner, "scope": "article",
            "article_id": article, "actions": ["republish"], "media": ["web"],
            "territories": ["US"], "valid_from": "2025-01-01", "credit_line": CREDIT
        })).await.expect(201);
        let reprints_before = app.count_rows("reprints");
        let audit_before = app.count_rows("audit_log");
        let today = crate::common::today();
        // 30 good reprints and 10 naming an outlet that does not exist, interleaved.
        let bodies = (0..40)
            .map(|i| json!({
                "article_id": article,
                "outlet_id": if i % 4 == 3 { 999_999 } else { partner },
                "reprinted_on": today, "medium": "web", "territory": "US",
                "credit_line_used": CREDIT, "url": format!("https://busy.example/{i}")
            }))
            .collect();
        let answers = post_all(&app, &app.admin_token, bodies).await;
        let created = answers.iter().filter(|(s, _)| *s == StatusCode::CREATED).count();
        let refused: Vec<&Value> = answers
            .iter()
            .filter(|(s, _)| *s == StatusCode::UNPROCESSABLE_ENTITY)
            .map(|(_, body)| body)
            .collect();
        assert_eq!((created, refused.len()), (30, 10), "{answers:?}");
        assert!(refused.iter().all(|p| p.to_string().contains("there is no outlet 999999")), "{refused:?}");
        assert!(answers
            .iter()
            .filter(|(s, _)| *s == StatusCode::CREATED)
            .all(|(_, r)| r["compliance"] == "covered"));
        // Exactly the good ones were written, each with its audit entry.
        assert_eq!(app.count_rows("reprints"), reprints_before + 30);
        assert_eq!(app.count_rows("audit_log"), audit_before + 30);
    }

    async fn a_use_cap_counts_every_reprint_that_arrives_at_once(app) {
        let (worthy, article) = app.worthy_news().await;
        let partner = app.create_outlet("Capped Gazette").await;
        let token = app.user_token("cms@capped.test", "partner", Some(partner)).await;
        let license = app.post("/v1/licenses", json!({
            "grantor_outlet_id": worthy, "licensee_outlet_id": partner, "scope": "article",
            "article_id": article, "actions": ["republish"], "media": ["web"],
            "territories": ["US"], "valid_from": "2025-01-01", "credit_line": CREDIT,
            "max_reprints": 5
        })).await.expect(201).id();
        // The partner's CMS has the answer cached before the rush.
        let check = format!("/v1/rights/check?outlet_id={partner}&article_id={article}&territory=US");
        assert_eq!(app.get_as(&token, &check).await.expect(200).body["allowed"], true);
        let today = crate::common::today();
        let bodies = (0..20)
            .map(|_| json!({
                "article_id": article, "outlet_id": partner, "reprinted_on": today,
                "medium": "web", "territory": "US", "credit_line_used": CREDIT
            }))
            .collect();
        let answers = post_all(&app, &token, bodies).await;
        assert!(answers.iter().all(|(s, _)| *s == StatusCode::CREATED), "{answers:?}");
        let covered = answers.iter().filter(|(_, r)| r["compliance"] == "covered").count();
        assert_eq!(covered, 5, "{answers:?}");
        assert!(answers
            .iter()
            .filter(|(_, r)| r["compliance"] == "uncovered")
            .all(|(_, r)| r["reasons"] == json!(["use_limit_reached"]) && r["license_id"].is_null()),
            "{answers:?}");
        assert!(answers
            .iter()
            .filter(|(_, r)| r["compliance"] == "covered")
            .all(|(_, r)| r["license_id"] == json!(license)));
        // And the check now refuses, from the first answer on.
        let answer = app.get_as(&token, &check).await.expect(200).body;
        assert_eq!((answer["allowed"].clone(), answer["reasons"].clone()), (json!(false), json!(["use_limit_reached"])));
    }

    async fn a_deleted_outlet_records_no_reprint_even_after_it_has_recorded_one(app) {
        // Each reprint is worked out from the coverage cache, which also says whether the outlet
        // exists; deleting the outlet must reach the next reprint at once, and restoring it too.
        let (worthy, article) = app.worthy_news().await;
        let partner = app.create_outlet("Short-lived Gazette").await;
        let license = app.post("/v1/licenses", json!({
            "grantor_outlet_id": worthy, "licensee_outlet_id": partner, "scope": "article",
            "article_id": article, "actions": ["republish"], "media": ["web"],
            "territories": ["US"], "valid_from": "2025-01-01", "credit_line": CREDIT
        })).await.expect(201).id();
        let reprint = json!({
            "article_id": article, "outlet_id": partner, "reprinted_on": crate::common::today(),
            "medium": "web", "territory": "US", "credit_line_used": CREDIT
        });
        let first = app.post("/v1/reprints", reprint.clone()).await.expect(201);
        assert_eq!(first.body["compliance"], "covered");
        // An outlet with a live license cannot be deleted: the license goes first.
        app.delete(&format!("/v1/licenses/{license}")).await.expect(204);
        let unlicensed = app.post("/v1/reprints", reprint.clone()).await.expect(201);
        assert_eq!(unlicensed.body["compliance"], "uncovered");
        app.delete(&format!("/v1/outlets/{partner}")).await.expect(204);
        let (reprints, audit) = (app.count_rows("reprints"), app.count_rows("audit_log"));
        let refused = app.post("/v1/reprints", reprint.clone()).await.expect_problem(422);
        assert!(refused.body.to_string().contains(&format!("there is no outlet {partner}")), "{:?}", refused.body);
        assert_eq!((app.count_rows("reprints"), app.count_rows("audit_log")), (reprints, audit));
        app.post(&format!("/v1/outlets/{partner}/restore"), json!({})).await.expect(200);
        let again = app.post("/v1/reprints", reprint).await.expect(201);
        assert_eq!(again.body["compliance"], "uncovered");
    }
}
