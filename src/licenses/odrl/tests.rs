//! Export and import cases.

use super::*;
use crate::http::ApiError;
use crate::licenses::{LicenseDraft, NewLicenseRequest};
#[allow(unused_imports)]
use serde_json::{json, Value};

fn draft(json: Value) -> LicenseDraft {
    serde_json::from_value::<NewLicenseRequest>(json)
        .unwrap()
        .parse()
        .unwrap()
}

fn worthy_news_feed() -> LicenseDraft {
    draft(json!({
        "grantor_outlet_id": 1, "licensee_outlet_id": 2, "scope": "feed",
        "feed_published_from": "2025-01-01",
        "actions": ["republish", "translate"], "media": ["web", "print"],
        "territories": ["US", "CA"], "valid_from": "2025-01-01", "valid_until": "2025-12-31",
        "credit_line": "This article was originally published on Worthy News and was reproduced with permission.",
        "fee_cents": 1250, "currency": "USD", "max_reprints": 3, "exclusive": true
    }))
}

#[test]
fn republish_becomes_distribute_and_reproduce() {
    let policy = export(7, &worthy_news_feed());
    let actions: Vec<&str> = policy["permission"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["distribute", "reproduce", "translate"]);
    assert_eq!(policy["assigner"], "urn:rightsdesk:outlet:1");
    assert_eq!(policy["assignee"], "urn:rightsdesk:outlet:2");
    assert_eq!(policy["type"], "Agreement");
    let duty = &policy["permission"][0]["duty"];
    assert_eq!(
        duty[1]["action"][0]["refinement"][0]["rightOperand"]["@value"],
        "12.50"
    );
}

#[test]
fn export_import_export_is_the_same_policy() {
    let first = export(7, &worthy_news_feed());
    let again = import(&first).unwrap().parse().unwrap();
    assert_eq!(export(7, &again), first);
    let article = draft(json!({
        "grantor_outlet_id": 1, "licensee_outlet_id": 2, "scope": "article", "article_id": 9,
        "actions": ["excerpt", "adapt", "archive"], "media": ["app"], "territories": ["WORLD"],
        "valid_from": "2025-02-23"
    }));
    let first = export(3, &article);
    assert_eq!(export(3, &import(&first).unwrap().parse().unwrap()), first);
}

#[test]
fn the_odrl_context_url_is_read_too() {
    let mut policy = export(7, &worthy_news_feed());
    policy["@context"] = json!(ODRL_CONTEXT_URL);
    policy["permission"][0]["action"] = json!("odrl:distribute");
    assert!(import(&policy).is_ok());
}

#[test]
fn every_unsupported_construct_is_named() {
    let mut policy = export(7, &worthy_news_feed());
    policy["type"] = json!("Offer");
    policy["prohibition"] = json!([{"action": "sell"}]);
    policy["permission"][0]["constraint"][0] =
        json!({"leftOperand": "purpose", "operator": "eq", "rightOperand": "education"});
    policy["permission"][2]["action"] = json!("play");
    let ApiError::Validation(errors) = import(&policy).unwrap_err() else {
        panic!("expected 422")
    };
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert!(fields.contains(&"type"), "{fields:?}");
    assert!(fields.contains(&"prohibition"), "{fields:?}");
    assert!(
        fields.contains(&"permission[0].constraint[0]"),
        "{fields:?}"
    );
    assert!(fields.contains(&"permission[2].action"), "{fields:?}");
}

#[test]
fn amounts_follow_the_currency() {
    assert_eq!(decimal_amount(1250, "USD"), "12.50");
    assert_eq!(decimal_amount(5, "USD"), "0.05");
    assert_eq!(decimal_amount(500, "JPY"), "500");
    assert_eq!(minor_units("12.5", "USD"), Some(1250));
    assert_eq!(minor_units("500", "JPY"), Some(500));
    assert_eq!(minor_units("1.5", "JPY"), None);
    assert_eq!(minor_units("-1", "USD"), None);
}
