//! The rules' cases.

use super::*;

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn us() -> Country {
    "US".parse().unwrap()
}

/// The Worthy News feed license of the story: web, US and CA, 2025.
fn feed_2025() -> Terms {
    Terms {
        id: 1,
        grantor: 10,
        licensee: 20,
        coverage: Coverage::Feed(PublishedRange::default()),
        actions: vec![Action::Republish],
        media: vec![Medium::Web],
        territories: Territories::parse(&["US".into(), "CA".into()]).unwrap(),
        window: DateWindow::new(day("2025-01-01"), Some(day("2025-12-31"))).unwrap(),
        exclusive: false,
        status: LicenseStatus::Active,
        max_reprints: None,
    }
}

fn article() -> ArticleFacts {
    ArticleFacts {
        id: 5,
        source_outlet: 10,
        holder: 10,
        published_on: Some(day("2025-02-23")),
        embargo_until: None,
    }
}

fn web_us(on: &str) -> Use {
    Use::new(
        Action::Republish,
        Medium::Web,
        Some(us()),
        day(on),
        day("2026-11-28").and_hms_opt(12, 0, 0).unwrap(),
    )
}

#[test]
fn window_edges() {
    let t = feed_2025();
    assert_eq!(
        reasons(&t, &article(), &web_us("2024-12-31"), 0),
        vec![Reason::NotYetValid]
    );
    assert!(
        reasons(&t, &article(), &web_us("2025-01-01"), 0).is_empty(),
        "first day"
    );
    assert!(
        reasons(&t, &article(), &web_us("2025-12-31"), 0).is_empty(),
        "last day"
    );
    assert_eq!(
        reasons(&t, &article(), &web_us("2026-01-01"), 0),
        vec![Reason::Expired],
        "day after"
    );
    let open = Terms {
        window: DateWindow::new(day("2025-01-01"), None).unwrap(),
        ..feed_2025()
    };
    assert!(
        reasons(&open, &article(), &web_us("2099-01-01"), 0).is_empty(),
        "open end"
    );
}

#[test]
fn each_reason() {
    let t = feed_2025();
    let a = article();
    let mut print = web_us("2025-06-01");
    print.medium = Medium::Print;
    assert_eq!(reasons(&t, &a, &print, 0), vec![Reason::MediumNotGranted]);
    let mut translate = web_us("2025-06-01");
    translate.action = Action::Translate;
    assert_eq!(
        reasons(&t, &a, &translate, 0),
        vec![Reason::ActionNotGranted]
    );
    let mut france = web_us("2025-06-01");
    france.territory = Some("FR".parse().unwrap());
    assert_eq!(
        reasons(&t, &a, &france, 0),
        vec![Reason::TerritoryNotGranted]
    );
    let mut anywhere = web_us("2025-06-01");
    anywhere.territory = None;
    assert!(
        reasons(&t, &a, &anywhere, 0).is_empty(),
        "no territory named: not checked"
    );
    let revoked = Terms {
        status: LicenseStatus::Revoked,
        ..feed_2025()
    };
    assert_eq!(
        reasons(&revoked, &a, &web_us("2025-06-01"), 0),
        vec![Reason::Revoked]
    );
    let suspended = Terms {
        status: LicenseStatus::Suspended,
        ..feed_2025()
    };
    assert_eq!(
        reasons(&suspended, &a, &web_us("2025-06-01"), 0),
        vec![Reason::Suspended]
    );
    let other_source = ArticleFacts {
        source_outlet: 11,
        holder: 11,
        ..a
    };
    assert_eq!(
        reasons(&t, &other_source, &web_us("2025-06-01"), 0),
        vec![Reason::ArticleNotInFeed]
    );
    let once = Terms {
        max_reprints: Some(1),
        ..feed_2025()
    };
    assert!(reasons(&once, &a, &web_us("2025-06-01"), 0).is_empty());
    assert_eq!(
        reasons(&once, &a, &web_us("2025-06-01"), 1),
        vec![Reason::UseLimitReached]
    );
    let several = reasons(
        &t,
        &a,
        &Use {
            medium: Medium::Print,
            ..web_us("2026-02-01")
        },
        0,
    );
    assert_eq!(several, vec![Reason::Expired, Reason::MediumNotGranted]);
}

#[test]
fn feed_date_range_edges() {
    let range = PublishedRange {
        from: Some(day("2025-02-01")),
        until: Some(day("2025-02-28")),
    };
    let t = Terms {
        coverage: Coverage::Feed(range),
        ..feed_2025()
    };
    let on = |published: &str| ArticleFacts {
        published_on: Some(day(published)),
        ..article()
    };
    assert!(
        reasons(&t, &on("2025-02-01"), &web_us("2025-06-01"), 0).is_empty(),
        "first day of range"
    );
    assert!(
        reasons(&t, &on("2025-02-28"), &web_us("2025-06-01"), 0).is_empty(),
        "last day of range"
    );
    assert_eq!(
        reasons(&t, &on("2025-01-31"), &web_us("2025-06-01"), 0),
        vec![Reason::ArticleNotInFeed]
    );
    assert_eq!(
        reasons(&t, &on("2025-03-01"), &web_us("2025-06-01"), 0),
        vec![Reason::ArticleNotInFeed]
    );
    let undated = ArticleFacts {
        published_on: None,
        ..article()
    };
    assert_eq!(
        reasons(&t, &undated, &web_us("2025-06-01"), 0),
        vec![Reason::ArticleNotInFeed]
    );
    assert!(
        reasons(&feed_2025(), &undated, &web_us("2025-06-01"), 0).is_empty(),
        "unbounded feed"
    );
}

#[test]
fn article_scope_and_embargo() {
    let t = Terms {
        coverage: Coverage::Article(5),
        ..feed_2025()
    };
    assert!(reasons(&t, &article(), &web_us("2025-06-01"), 0).is_empty());
    let other = ArticleFacts { id: 6, ..article() };
    assert_eq!(
        reasons(&t, &other, &web_us("2025-06-01"), 0),
        vec![Reason::ArticleNotInFeed]
    );

    let lifts = day("2025-06-02").and_hms_opt(9, 0, 0).unwrap();
    let embargoed = ArticleFacts {
        embargo_until: Some(lifts),
        ..article()
    };
    assert_eq!(
        reasons(&t, &embargoed, &web_us("2025-06-01"), 0),
        vec![Reason::Embargoed]
    );
    assert_eq!(
        reasons(&t, &embargoed, &web_us("2025-06-02"), 0),
        vec![Reason::Embargoed],
        "the day it lifts, at 00:00"
    );
    assert!(reasons(&t, &embargoed, &web_us("2025-06-03"), 0).is_empty());
    // Asked today, the moment is now.
    let now_before = Use::new(
        Action::Republish,
        Medium::Web,
        None,
        day("2025-06-02"),
        day("2025-06-02").and_hms_opt(8, 0, 0).unwrap(),
    );
    let now_after = Use::new(
        Action::Republish,
        Medium::Web,
        None,
        day("2025-06-02"),
        day("2025-06-02").and_hms_opt(10, 0, 0).unwrap(),
    );
    assert_eq!(
        reasons(&t, &embargoed, &now_before, 0),
        vec![Reason::Embargoed]
    );
    assert!(reasons(&t, &embargoed, &now_after, 0).is_empty());
}

#[test]
fn overlap_rules() {
    let a = Terms {
        exclusive: true,
        ..feed_2025()
    };
    let b = Terms {
        id: 2,
        licensee: 21,
        ..feed_2025()
    };
    let no_dates = |_| None;
    assert!(overlap(&a, &b, no_dates));
    assert!(exclusivity_conflict(&b, &a, no_dates));
    // Other media, territories, windows, grantor, or the same licensee: no conflict.
    assert!(!exclusivity_conflict(
        &Terms {
            media: vec![Medium::Print],
            ..b.clone()
        },
        &a,
        no_dates
    ));
    let fr = Territories::parse(&["FR".into()]).unwrap();
    assert!(!exclusivity_conflict(
        &Terms {
            territories: fr,
            ..b.clone()
        },
        &a,
        no_dates
    ));
    let world = Territories::parse(&["WORLD".into()]).unwrap();
    assert!(exclusivity_conflict(
        &Terms {
            territories: world,
            ..b.clone()
        },
        &a,
        no_dates
    ));
    let next_year = DateWindow::new(day("2026-01-01"), None).unwrap();
    assert!(!exclusivity_conflict(
        &Terms {
            window: next_year,
            ..b.clone()
        },
        &a,
        no_dates
    ));
    let touching = DateWindow::new(day("2025-12-31"), None).unwrap();
    assert!(exclusivity_conflict(
        &Terms {
            window: touching,
            ..b.clone()
        },
        &a,
        no_dates
    ));
    assert!(!exclusivity_conflict(
        &Terms {
            grantor: 99,
            ..b.clone()
        },
        &a,
        no_dates
    ));
    assert!(!exclusivity_conflict(
        &Terms {
            licensee: 20,
            ..b.clone()
        },
        &a,
        no_dates
    ));
    assert!(!exclusivity_conflict(
        &b,
        &Terms {
            status: LicenseStatus::Revoked,
            ..a.clone()
        },
        no_dates
    ));
    assert!(!exclusivity_conflict(
        &b,
        &Terms {
            exclusive: false,
            ..a.clone()
        },
        no_dates
    ));
    // An article inside, or outside, an exclusive feed range.
    let range = PublishedRange {
        from: Some(day("2025-02-01")),
        until: Some(day("2025-02-28")),
    };
    let ranged = Terms {
        coverage: Coverage::Feed(range),
        ..a.clone()
    };
    let one = Terms {
        coverage: Coverage::Article(5),
        ..b.clone()
    };
    assert!(exclusivity_conflict(&one, &ranged, |_| Some(day(
        "2025-02-23"
    ))));
    assert!(!exclusivity_conflict(&one, &ranged, |_| Some(day(
        "2025-03-23"
    ))));
}

#[test]
fn territories_parse() {
    assert_eq!(
        Territories::parse(&["WORLD".into()]).unwrap(),
        Territories::World
    );
    assert!(Territories::parse(&["WORLD".into(), "US".into()]).is_err());
    assert!(Territories::parse(&[]).is_err());
    assert!(Territories::parse(&["ZZ".into()]).is_err());
    assert_eq!(
        Territories::parse(&["ca".into(), "US".into(), "CA".into()])
            .unwrap()
            .codes(),
        vec!["CA", "US"]
    );
}

#[test]
fn credit_lines_compare_loosely() {
    let required =
        "This article was originally published on Worthy News and was reproduced with permission.";
    assert!(credit_given(required, Some("this article was originally published on worthy news, and was reproduced with permission")));
    assert!(credit_given(
        required,
        Some(&format!("Photo: AP. {required}"))
    ));
    assert!(!credit_given(required, Some("Source: Worthy News")));
    assert!(!credit_given(required, None));
    assert!(credit_given("", None));
}

#[test]
fn best_prefers_the_longest_running() {
    let short = feed_2025();
    let open = Terms {
        id: 2,
        window: DateWindow::new(day("2025-01-01"), None).unwrap(),
        ..feed_2025()
    };
    assert_eq!(best([&short, &open]).unwrap().id, 2);
    assert_eq!(best([&short]).unwrap().id, 1);
}
