//! Login, tokens, API keys, roles and partner scoping.

use jsonwebtoken::{encode, EncodingKey, Header};
use reqwest::Method;
use serde_json::{json, Value};

use crate::both_backends;
use crate::common::{TestApp, ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD};

fn signing_key(app: &TestApp) -> String {
    std::fs::read_to_string(app.data_dir.path().join("jwt-secret"))
        .unwrap()
        .trim()
        .to_string()
}

fn token_with(secret: &str, alg: jsonwebtoken::Algorithm, claims: Value) -> String {
    encode(
        &Header::new(alg),
        &claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

fn claims(sub: i64, offset_exp: i64) -> Value {
    let now = chrono::Utc::now().timestamp();
    json!({"sub": sub.to_string(), "iss": "rightsdesk", "aud": "rightsdesk-api",
           "iat": now, "nbf": now, "exp": now + offset_exp, "gen": 0})
}

/// Every operation of the OpenAPI document, with the roles that may use it. An endpoint added
/// without a row here fails `every_role_against_every_endpoint`.
struct Rule {
    method: &'static str,
    template: &'static str,
    allowed: &'static [&'static str],
}

const ALL: &[&str] = &["admin", "desk", "viewer", "partner"];
const STAFF_WRITE: &[&str] = &["admin", "desk"];
const ADMIN: &[&str] = &["admin"];

const RULES: &[Rule] = &[
    Rule {
        method: "get",
        template: "/healthz",
        allowed: ALL,
    },
    Rule {
        method: "get",
        template: "/readyz",
        allowed: ALL,
    },
    Rule {
        method: "post",
        template: "/v1/auth/login",
        allowed: ALL,
    },
    Rule {
        method: "post",
        template: "/v1/auth/refresh",
        allowed: ALL,
    },
    Rule {
        method: "post",
        template: "/v1/me/password",
        allowed: ALL,
    },
    Rule {
        method: "get",
        template: "/v1/me",
        allowed: ALL,
    },
    Rule {
        method: "post",
        template: "/v1/users",
        allowed: ADMIN,
    },
    Rule {
        method: "get",
        template: "/v1/users",
        allowed: ADMIN,
    },
    Rule {
        method: "get",
        template: "/v1/users/{id}",
        allowed: ADMIN,
    },
    Rule {
        method: "patch",
        template: "/v1/users/{id}",
        allowed: ADMIN,
    },
    Rule {
        method: "post",
        template: "/v1/api-keys",
        allowed: ALL,
    },
    Rule {
        method: "get",
        template: "/v1/api-keys",
        allowed: ALL,
    },
    Rule {
        method: "delete",
        template: "/v1/api-keys/{id}",
        allowed: ALL,
    },
    Rule {
        method: "post",
        template: "/v1/outlets",
        allowed: STAFF_WRITE,
    },
    Rule {
        method: "get",
        template: "/v1/outlets",
        allowed: ALL,
    },
    Rule {
        method: "get",
        template: "/v1/outlets/{id}",
        allowed: ALL,
    },
    Rule {
        method: "patch",
        template: "/v1/outlets/{id}",
        allowed: STAFF_WRITE,
    },
    Rule {
        method: "delete",
        template: "/v1/outlets/{id}",
        allowed: STAFF_WRITE,
    },
    Rule {
        method: "post",
        template: "/v1/outlets/{id}/restore",
        allowed: ADMIN,
    },
    Rule {
        method: "post",
        template: "/v1/articles",
        allowed: STAFF_WRITE,
    },
    Rule {
        method: "get",
        template: "/v1/articles",
        allowed: ALL,
    },
    Rule {
        method: "get",
        template: "/v1/articles/{id}",
        allowed: ALL,
    },
    Rule {
        method: "patch",
        template: "/v1/articles/{id}",
        allowed: STAFF_WRITE,
    },
    Rule {
        method: "delete",
        template: "/v1/articles/{id}",
        allowed: STAFF_WRITE,
    },
    Rule {
        method: "post",
        template: "/v1/articles/{id}/restore",
        allowed: ADMIN,
    },
    Rule {
        method: "post",
        template: "/v1/licenses",
        allowed: STAFF_WRITE,
    },
    Rule {
        method: "get",
        template: "/v1/licenses",
        allowed: ALL,
    },
    Rule {
        method: "get",
        template: "/v1/licenses/{id}",
        allowed: ALL,
    },
    Rule {
        method: "patch",
        template: "/v1/licenses/{id}",
        allowed: STAFF_WRITE,
    },
    Rule {
        method: "post",
        template: "/v1/licenses/{id}/renew",
        allowed: STAFF_WRITE,
    },
    Rule {
        method: "post",
        template: "/v1/licenses/{id}/revoke",
        allowed: STAFF_WRITE,
    },
    Rule {
        method: "post",
        template: "/v1/licenses/{id}/suspend",
        allowed: STAFF_WRITE,
    },
    Rule {
        method: "post",
        template: "/v1/licenses/{id}/resume",
        allowed: STAFF_WRITE,
    },
    Rule {
        method: "get",
        template: "/v1/licenses/{id}/history",
        allowed: ALL,
    },
    Rule {
        method: "get",
        template: "/v1/licenses/{id}/odrl",
        allowed: ALL,
    },
    Rule {
        method: "post",
        template: "/v1/licenses/import",
        allowed: STAFF_WRITE,
    },
    Rule {
        method: "post",
        template: "/v1/licenses/odrl",
        allowed: STAFF_WRITE,
    },
    Rule {
        method: "get",
        template: "/v1/calendar.ics",
        allowed: ALL,
    },
    Rule {
        method: "get",
        template: "/v1/rights/check",
        allowed: ALL,
    },
    Rule {
        method: "get",
        template: "/v1/licenses/{id}/chain",
        allowed: ALL,
    },
    Rule {
        method: "get",
        template: "/v1/articles/{id}/tdm",
        allowed: ALL,
    },
    Rule {
        method: "get",
        template: "/.well-known/tdmrep.json",
        allowed: ALL,
    },
    Rule {
        method: "post",
        template: "/v1/reprints",
        allowed: &["admin", "desk", "partner"],
    },
    Rule {
        method: "get",
        template: "/v1/reprints",
        allowed: ALL,
    },
    Rule {
        method: "get",
        template: "/v1/reprints/{id}",
        allowed: ALL,
    },
    Rule {
        method: "patch",
        template: "/v1/reprints/{id}",
        allowed: &["admin", "desk", "partner"],
    },
    Rule {
        method: "delete",
        template: "/v1/reprints/{id}",
        allowed: STAFF_WRITE,
    },
    Rule {
        method: "post",
        template: "/v1/reprints/{id}/restore",
        allowed: ADMIN,
    },
    Rule {
        method: "post",
        template: "/v1/articles/ingest",
        allowed: STAFF_WRITE,
    },
    Rule {
        method: "get",
        template: "/v1/notices",
        allowed: ALL,
    },
    Rule {
        method: "post",
        template: "/v1/notices/run",
        allowed: STAFF_WRITE,
    },
    Rule {
        method: "post",
        template: "/v1/notices/test-email",
        allowed: ADMIN,
    },
    Rule {
        method: "post",
        template: "/v1/notices/{id}/acknowledge",
        allowed: STAFF_WRITE,
    },
    Rule {
        method: "get",
        template: "/v1/licenses/{id}/notices",
        allowed: ALL,
    },
    Rule {
        method: "post",
        template: "/v1/reprints/{id}/verify",
        allowed: &["admin", "desk", "partner"],
    },
    Rule {
        method: "get",
        template: "/metrics",
        allowed: ALL,
    },
    Rule {
        method: "get",
        template: "/openapi.json",
        allowed: ALL,
    },
    Rule {
        method: "delete",
        template: "/v1/licenses/{id}",
        allowed: STAFF_WRITE,
    },
    Rule {
        method: "post",
        template: "/v1/licenses/{id}/restore",
        allowed: ADMIN,
    },
    Rule {
        method: "get",
        template: "/v1/audit",
        allowed: ADMIN,
    },
];

/// A request body that passes parsing for the endpoint, so that only the role decides.
fn body_for(method: &str, template: &str, ids: &Ids) -> Option<Value> {
    let body = match (method, template) {
        ("post", "/v1/auth/login") => json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}),
        ("post", "/v1/auth/refresh") => json!({"refresh_token": ids.refresh_token}),
        // Refused by the password policy before anything is checked or written.
        ("post", "/v1/me/password") => {
            json!({"current_password": "whatever", "new_password": "short"})
        }
        ("post", "/v1/users") => {
            json!({"email": format!("new{}@rightsdesk.test", uuid::Uuid::new_v4().simple()), "password": PASSWORD, "role": "viewer"})
        }
        ("patch", "/v1/users/{id}") => json!({"active": true}),
        ("post", "/v1/api-keys") => json!({"name": "script"}),
        ("post", "/v1/outlets") => json!({"name": "New Outlet"}),
        ("patch", "/v1/outlets/{id}") => json!({"notes": "checked"}),
        ("post", "/v1/articles") => json!({"title": "New", "source_outlet_id": ids.outlet}),
        ("patch", "/v1/articles/{id}") => json!({"byline": "Desk"}),
        ("post", "/v1/articles/ingest") => {
            json!({"text": "Table Test\nCopyright 2024 Worthy News.", "source_outlet_id": ids.outlet})
        }
        ("post", "/v1/licenses") => {
            json!({"grantor_outlet_id": ids.outlet, "licensee_outlet_id": ids.licensee, "scope": "feed",
            "actions": ["excerpt"], "media": ["app"], "territories": ["DE"], "valid_from": "2030-01-01"})
        }
        ("patch", "/v1/licenses/{id}") => json!({"notes": "checked"}),
        ("post", "/v1/licenses/{id}/renew") => json!({"valid_until": "2027-12-31"}),
        ("post", "/v1/licenses/{id}/revoke") => json!({"reason": "table test"}),
        ("post", "/v1/notices/test-email") => json!({"to": "ops@rightsdesk.test"}),
        ("patch", "/v1/reprints/{id}") => json!({"medium": "web"}),
        ("post", "/v1/notices/{id}/acknowledge") => json!({"until": "2030-01-01"}),
        ("post", "/v1/reprints") => {
            json!({"article_id": ids.article, "outlet_id": ids.licensee, "reprinted_on": "2025-06-01", "medium": "web"})
        }
        ("post", _) | ("patch", _) => json!({}),
        _ => return None,
    };
    Some(body)
}

/// Records that exist and belong to others than the partner of the table test.
struct Ids {
    refresh_token: String,
    outlet: i64,
    article: i64,
    user: i64,
    licensee: i64,
    license: i64,
    reprint: i64,
}

fn concrete_path(template: &str, ids: &Ids, own_key: i64) -> String {
    let id = match template.split('/').nth(2) {
        Some("users") => ids.user,
        Some("api-keys") => own_key,
        Some("outlets") => ids.outlet,
        Some("articles") => ids.article,
        Some("licenses") => ids.license,
        Some("reprints") => ids.reprint,
        // No notice exists in this test: a well-formed id, so that the role decides first.
        Some("notices") => 1,
        _ => 0,
    };
    if template == "/.well-known/tdmrep.json" {
        return format!("{template}?outlet_id={}", ids.outlet);
    }
    if template == "/v1/rights/check" {
        return format!(
            "{template}?outlet_id={}&article_id={}&on=2025-06-01",
            ids.licensee, ids.article
        );
    }
    template.replace("{id}", &id.to_string())
}

/// Does this request reach a record of another outlet (so a partner must get 404)?
fn reaches_others(method: &str, template: &str) -> bool {
    (template.contains("{id}") && !template.starts_with("/v1/api-keys"))
        || template == "/v1/rights/check"
        || (method == "post" && template == "/v1/reprints")
}

both_backends! {
    async fn every_role_against_every_endpoint(app) {
        // Every documented operation has a rule.
        let doc = app.get("/openapi.json").await.expect(200);
        for (path, item) in doc.body["paths"].as_object().unwrap() {
            for method in item.as_object().unwrap().keys() {
                assert!(
                    RULES.iter().any(|r| r.template == path && r.method == method),
                    "{method} {path} has no access rule in tests/api/auth.rs"
                );
            }
        }

        let (outlet, article) = app.worthy_news().await;
        let partner_outlet = app.create_outlet("Partner Daily").await;
        let licensee = app.create_outlet("Other Partner").await;
        let user = app.post("/v1/users", json!({"email": "target@rightsdesk.test", "password": PASSWORD, "role": "viewer"})).await.expect(201).id();
        let license = app.post("/v1/licenses", json!({"grantor_outlet_id": outlet, "licensee_outlet_id": licensee, "scope": "feed",
            "actions": ["republish"], "media": ["web"], "territories": ["WORLD"], "valid_from": "2025-01-01"})).await.expect(201).id();
        let reprint = app.post("/v1/reprints", json!({"article_id": article, "outlet_id": licensee, "reprinted_on": "2025-06-01", "medium": "web"})).await.expect(201).id();
        let refresh_token = app.send(Method::POST, "/v1/auth/login", None, Some(json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})))
            .await.expect(200).body["refresh_token"].as_str().unwrap().to_string();
        let ids = Ids { refresh_token, outlet, article, user, licensee, license, reprint };
        let tokens = [
            ("admin", app.admin_token.clone()),
            ("desk", app.user_token("desk@rightsdesk.test", "desk", None).await),
            ("viewer", app.user_token("viewer@rightsdesk.test", "viewer", None).await),
            ("partner", app.user_token("partner@rightsdesk.test", "partner", Some(partner_outlet)).await),
        ];
        for rule in RULES {
            for (role, token) in &tokens {
                let own_key = app.post_as(token, "/v1/api-keys", json!({"name": "k"})).await.expect(201).id();
                let path = concrete_path(rule.template, &ids, own_key);
                let method = Method::from_bytes(rule.method.to_uppercase().as_bytes()).unwrap();
                let answer = app.send(method, &path, Some(token), body_for(rule.method, rule.template, &ids)).await;
                let status = answer.status.as_u16();
                if rule.allowed.contains(role) {
                    if *role == "partner" && reaches_others(rule.method, rule.template) {
                        assert_eq!(status, 404, "partner must not reach another outlet's record: {} {path}: {}", rule.method, answer.text);
                    } else {
                        assert!(!matches!(status, 401 | 403 | 500), "{role} {} {path}: {status} {}", rule.method, answer.text);
                    }
                } else if *role == "partner" {
                    assert_eq!(status, 404, "partner {} {path}: {}", rule.method, answer.text);
                } else {
                    assert_eq!(status, 403, "{role} {} {path}: {}", rule.method, answer.text);
                }
                if rule.template == "/v1/articles/{id}" && rule.method == "delete" && status == 204 {
                    app.post(&format!("/v1/articles/{}/restore", ids.article), json!({})).await.expect(200);
                }
                if rule.template == "/v1/reprints/{id}" && rule.method == "delete" && status == 204 {
                    app.post(&format!("/v1/reprints/{}/restore", ids.reprint), json!({})).await.expect(200);
                }
                if rule.template == "/v1/licenses/{id}" && rule.method == "delete" && status == 204 {
                    app.post(&format!("/v1/licenses/{}/restore", ids.license), json!({})).await.expect(200);
                }
                if rule.template == "/v1/outlets/{id}" && rule.method == "delete" {
                    assert_ne!(status, 204, "the outlet has an article; delete must refuse");
                }
            }
        }
    }

    async fn login_and_tokens(app) {
        let me = app.get("/v1/me").await.expect(200);
        assert_eq!(me.body["email"], ADMIN_EMAIL);
        assert_eq!(me.body["role"], "admin");

        // Same answer for an unknown email and a wrong password.
        let unknown = app.send(Method::POST, "/v1/auth/login", None, Some(json!({"email": "nobody@rightsdesk.test", "password": "whatever it is"}))).await.expect_problem(401);
        let wrong = app.send(Method::POST, "/v1/auth/login", None, Some(json!({"email": ADMIN_EMAIL, "password": "not the password"}))).await.expect_problem(401);
        assert_eq!(unknown.body["detail"], wrong.body["detail"]);

        let secret = signing_key(&app);
        let good = token_with(&secret, jsonwebtoken::Algorithm::HS256, claims(1, 60));
        app.get_as(&good, "/v1/me").await.expect(200);

        let expired = token_with(&secret, jsonwebtoken::Algorithm::HS256, claims(1, -120));
        // An expired token says so (RFC 6750), so a client knows to refresh.
        let answer = app.get_as(&expired, "/v1/me").await.expect_problem(401);
        assert_eq!(answer.headers["www-authenticate"], "Bearer error=\"invalid_token\", error_description=\"expired\"");
        assert!(answer.body["detail"].as_str().unwrap().contains("expired"));
        let other_alg = token_with(&secret, jsonwebtoken::Algorithm::HS512, claims(1, 60));
        app.get_as(&other_alg, "/v1/me").await.expect_problem(401);
        let other_key = token_with("an entirely different key, 32+ chars long", jsonwebtoken::Algorithm::HS256, claims(1, 60));
        app.get_as(&other_key, "/v1/me").await.expect_problem(401);
        let mut wrong_aud = claims(1, 60);
        wrong_aud["aud"] = json!("someone-else");
        app.get_as(&token_with(&secret, jsonwebtoken::Algorithm::HS256, wrong_aud), "/v1/me").await.expect_problem(401);

        use base64::Engine;
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let none = format!("{}.{}.", b64.encode(r#"{"alg":"none","typ":"JWT"}"#), b64.encode(claims(1, 60).to_string()));
        app.get_as(&none, "/v1/me").await.expect_problem(401);

        // Tampered: the payload changed, the signature kept.
        let parts: Vec<&str> = good.split('.').collect();
        let mut forged = claims(2, 60);
        forged["gen"] = json!(0);
        let tampered = format!("{}.{}.{}", parts[0], b64.encode(forged.to_string()), parts[2]);
        app.get_as(&tampered, "/v1/me").await.expect_problem(401);
    }

    async fn deactivated_users_and_revoked_keys_stop_at_once(app) {
        let token = app.user_token("desk@rightsdesk.test", "desk", None).await;
        let me = app.get_as(&token, "/v1/me").await.expect(200);
        let user_id = me.body["id"].as_i64().unwrap();
        let key = app.post_as(&token, "/v1/api-keys", json!({"name": "cms"})).await.expect(201);
        let secret_key = key.body["key"].as_str().unwrap().to_string();
        assert!(secret_key.starts_with("rdk_"));
        let key_id = key.id();
        let via_key = app.get_as(&secret_key, "/v1/me").await.expect(200);
        assert_eq!(via_key.body["api_key_id"], key_id);

        // The key is never shown again, and no hash shows anywhere.
        let keys = app.get_as(&token, "/v1/api-keys").await.expect(200);
        assert!(!keys.text.contains(&secret_key) && !keys.text.contains("hash"));
        let users = app.get("/v1/users").await.expect(200);
        assert!(!users.text.contains("argon2") && !users.text.contains("password"));

        app.send(Method::DELETE, &format!("/v1/api-keys/{key_id}"), Some(&token), None).await.expect(204);
        app.get_as(&secret_key, "/v1/me").await.expect_problem(401);

        app.patch(&format!("/v1/users/{user_id}"), json!({"active": false})).await.expect(200);
        app.get_as(&token, "/v1/me").await.expect_problem(401);
        app.send(Method::POST, "/v1/auth/login", None, Some(json!({"email": "desk@rightsdesk.test", "password": PASSWORD}))).await.expect_problem(401);

        // Audit has the user and key changes, without secrets.
        let audit = app.get("/v1/audit").await.expect(200);
        assert!(audit.text.contains("\"api_key\"") && audit.text.contains("\"revoke\""));
        assert!(!audit.text.contains("argon2") && !audit.text.contains(&secret_key));
    }

    async fn weak_passwords_and_bad_roles_are_refused(app) {
        let before = app.count_rows("users");
        app.post("/v1/users", json!({"email": "a@rightsdesk.test", "password": "short", "role": "desk"})).await.expect_problem(422);
        app.post("/v1/users", json!({"email": "a@rightsdesk.test", "password": "password1234", "role": "desk"})).await.expect_problem(422);
        app.post("/v1/users", json!({"email": "a@rightsdesk.test", "password": PASSWORD, "role": "owner"})).await.expect_problem(422);
        app.post("/v1/users", json!({"email": "a@rightsdesk.test", "password": PASSWORD, "role": "partner"})).await.expect_problem(422);
        app.post("/v1/users", json!({"email": ADMIN_EMAIL, "password": PASSWORD, "role": "desk"})).await.expect_problem(409);
        assert_eq!(app.count_rows("users"), before);
    }

    async fn throttling_engages_and_releases(app) {
        let body = json!({"email": ADMIN_EMAIL, "password": "not the password"});
        for _ in 0..5 {
            app.send(Method::POST, "/v1/auth/login", None, Some(body.clone())).await.expect_problem(401);
        }
        let throttled = app.send(Method::POST, "/v1/auth/login", None, Some(json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}))).await.expect_problem(429);
        let retry: u64 = throttled.headers["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((1..=2).contains(&retry));
        tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
        app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    }

    async fn partners_see_only_their_world(app) {
        let (source, article) = app.worthy_news().await;
        let a = app.create_outlet("Partner A").await;
        let b = app.create_outlet("Partner B").await;
        let token_a = app.user_token("a@partner-a.test", "partner", Some(a)).await;

        let own = app.get_as(&token_a, &format!("/v1/outlets/{a}")).await.expect(200);
        assert_eq!(own.body["name"], "Partner A");
        app.get_as(&token_a, &format!("/v1/outlets/{b}")).await.expect_problem(404);
        app.get_as(&token_a, &format!("/v1/outlets/{source}")).await.expect_problem(404);
        let listed = app.get_as(&token_a, "/v1/outlets").await.expect(200);
        assert_eq!(listed.body["items"].as_array().unwrap().len(), 1);
        let filtered = app.get_as(&token_a, "/v1/outlets?q=Partner").await.expect(200);
        assert_eq!(filtered.body["items"].as_array().unwrap().len(), 1);

        // No license yet: the article does not exist for partner A.
        app.get_as(&token_a, &format!("/v1/articles/{article}")).await.expect_problem(404);
        let articles = app.get_as(&token_a, &format!("/v1/articles?source_outlet_id={source}")).await.expect(200);
        assert_eq!(articles.body["items"].as_array().unwrap().len(), 0);
        // Writing answers 404 too, never 403.
        app.post_as(&token_a, "/v1/outlets", json!({"name": "Sneaky"})).await.expect_problem(404);
    }
}

both_backends! {
    async fn key_rotation_and_hash_upgrade_across_a_restart(app) {
        // The first instance: its signing key, and a desk user hashed with its (cheap) parameters.
        let token = app.user_token("desk@rightsdesk.test", "desk", None).await;
        let old_secret = signing_key(&app);
        let hash_before = stored_hash(&app, "desk@rightsdesk.test");
        assert!(hash_before.contains("m=1024,t=1,p=1"), "{hash_before}");

        // A second instance on the same database: a new key, the old one kept for verification,
        // and stronger hashing parameters.
        let url = app.database_url.clone();
        let second_dir = tempfile::tempdir().unwrap();
        let mut config = crate::common::test_config(&url, second_dir.path());
        config.jwt_secret = Some("a brand new signing key of 32+ characters".to_string().into());
        config.jwt_previous_secret = Some(old_secret.clone().into());
        config.argon2_memory_kib = 2048;
        let rotated = TestApp::spawn_with(app.backend, config, second_dir, None).await;

        // Tokens signed with the previous key still work; new ones use the new key.
        rotated.get_as(&token, "/v1/me").await.expect(200);
        let fresh = rotated.login("desk@rightsdesk.test", PASSWORD).await;
        rotated.get_as(&fresh, "/v1/me").await.expect(200);
        app.get_as(&fresh, "/v1/me").await.expect_problem(401);

        // The login upgraded the stored hash to the new parameters, and it still verifies.
        let hash_after = stored_hash(&rotated, "desk@rightsdesk.test");
        assert!(hash_after.contains("m=2048,t=1,p=1"), "{hash_after}");
        rotated.login("desk@rightsdesk.test", PASSWORD).await;
    }
}

fn stored_hash(app: &TestApp, email: &str) -> String {
    let mut conn = app.db.get().unwrap();
    rightsdesk::auth::store::find_user_by_email(&mut conn, email)
        .unwrap()
        .unwrap()
        .password_hash
}
