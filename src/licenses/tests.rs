//! Parsing license requests and patches.

use super::*;

fn feed() -> NewLicenseRequest {
    NewLicenseRequest {
        grantor_outlet_id: 1,
        licensee_outlet_id: 2,
        scope: "feed".into(),
        actions: vec!["republish".into()],
        media: vec!["web".into()],
        territories: vec!["US".into(), "CA".into()],
        valid_from: "2025-01-01".into(),
        valid_until: Some("2025-12-31".into()),
        ..Default::default()
    }
}

fn fields(err: ApiError) -> Vec<String> {
    match err {
        ApiError::Validation(errors) => errors.into_iter().map(|e| e.field).collect(),
        other => panic!("expected validation, got {other:?}"),
    }
}

#[test]
fn a_valid_feed_license_parses() {
    let d = feed().parse().unwrap();
    assert_eq!(d.actions, vec![Action::Republish]);
    assert_eq!(d.territories.codes(), vec!["CA", "US"]);
    assert_eq!(d.coverage, Coverage::Feed(PublishedRange::default()));
}

#[test]
fn every_mistake_is_named() {
    let bad = NewLicenseRequest {
        scope: "article".into(),
        actions: vec!["steal".into()],
        media: vec![],
        territories: vec!["XX".into()],
        valid_from: "2025-12-31".into(),
        valid_until: Some("2025-01-01".into()),
        fee_cents: Some(-5),
        currency: Some("ZZZ".into()),
        max_reprints: Some(0),
        ..feed()
    };
    assert_eq!(
        fields(bad.parse().unwrap_err()),
        [
            "article_id",
            "valid_until",
            "fee_cents",
            "max_reprints",
            "actions[0]",
            "media",
            "territories",
            "currency"
        ]
    );
}

#[test]
fn patch_keeps_what_it_does_not_name() {
    let d = feed().parse().unwrap();
    let patch = LicensePatch {
        valid_until: Some(None),
        media: Some(vec!["print".into(), "web".into()]),
        ..Default::default()
    };
    let after = patch.apply(&d).unwrap();
    assert_eq!(after.window.until, None);
    assert_eq!(after.media, vec![Medium::Web, Medium::Print]);
    assert_eq!(after.actions, d.actions);
    let bad = LicensePatch {
        valid_until: Some(Some("2024-01-01".into())),
        ..Default::default()
    };
    assert_eq!(fields(bad.apply(&d).unwrap_err()), ["valid_until"]);
}
