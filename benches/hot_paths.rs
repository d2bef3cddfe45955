//! Micro-benchmarks of the pure hot functions: the coverage rules, the notice plan and the extraction.
//! Run: `cargo bench --bench hot_paths`. Numbers are in docs/performance.md.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::NaiveDate;
use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use rightsdesk::articles::extract::extract;
use rightsdesk::licenses::rules::{
    reasons, Action, ArticleFacts, Coverage, DateWindow, LicenseStatus, Medium, PublishedRange,
    Terms, Territories, Use,
};

const SEED: &str = include_str!("../tests/fixtures/extraction/corpus/worthy-news-zelenskyy.txt");

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

fn coverage(c: &mut Criterion) {
    let terms = Terms {
        id: 1,
        grantor: 10,
        licensee: 20,
        coverage: Coverage::Feed(PublishedRange::default()),
        actions: vec![Action::Republish, Action::Excerpt],
        media: vec![Medium::Web, Medium::App],
        territories: Territories::parse(&["US".into(), "CA".into(), "GB".into()])
            .expect("territories"),
        window: DateWindow::new(day("2025-01-01"), Some(day("2025-12-31"))).expect("window"),
        exclusive: false,
        status: LicenseStatus::Active,
        max_reprints: None,
    };
    let article = ArticleFacts {
        id: 5,
        source_outlet: 10,
        holder: 10,
        published_on: Some(day("2025-02-23")),
        embargo_until: None,
    };
    let wanted = Use::new(
        Action::Republish,
        Medium::Web,
        Some("CA".parse().expect("country")),
        day("2025-06-01"),
        day("2025-06-01").and_hms_opt(12, 0, 0).expect("time"),
    );
    c.bench_function("coverage: reasons for one license", |b| {
        b.iter(|| {
            reasons(
                black_box(&terms),
                black_box(&article),
                black_box(&wanted),
                0,
            )
        })
    });
}

fn extraction(c: &mut Criterion) {
    c.bench_function("extract: the seed article", |b| {
        b.iter(|| extract(black_box(SEED)))
    });
    let mut big = String::from(SEED);
    while big.len() < 1_000_000 {
        big.push_str("Frustration is growing in Washington over the resource deal, officials said on Sunday. ");
        if big.len().is_multiple_of(7) {
            big.push('\n');
        }
    }
    // 1 MB where every few lines are rights-shaped, in several languages: the lexicon, the
    // candidates and the name readers all run.
    const RIGHTS: &[&str] = &[
        "© 2019 Vox Media, Inc. All Rights Reserved",
        "Copyright © 2021 Bennett, Coleman & Co. Ltd. All rights reserved.",
        "(с) 2006-2019 ООО \"Медиа\". Все права защищены.",
        "Dieser Artikel ist zuerst bei \"Capital\" erschienen.",
        "Quelle: dpa-AFX",
        "This article originally appeared on [Site](https://example.org) and is republished with permission.",
        "Prinz Harry, Herzog von Sussex. © Victoria Jones/PA Wire/dpa",
        "He said: \"Copyright 2020 Acme. All rights reserved,\" and left.",
        "Alle Inhalte stehen unter einer CC BY-SA 3.0 Lizenz.",
        "AFPBB Newsに掲載している写真・見出し・記事の無断使用を禁じます。 © AFPBB News",
    ];
    let mut shaped = String::new();
    let mut i = 0usize;
    while shaped.len() < 1_000_000 {
        shaped.push_str(
            "The council met on Tuesday and voted to extend the budget talks by a week.\n",
        );
        if i.is_multiple_of(3) {
            shaped.push_str(RIGHTS[(i / 3) % RIGHTS.len()]);
            shaped.push('\n');
        }
        i += 1;
    }
    let mut group = c.benchmark_group("extract: 1 MB");
    group.throughput(Throughput::Bytes(big.len() as u64));
    group.sample_size(20);
    group.bench_function("seed + 1 MB of body text", |b| {
        b.iter(|| extract(black_box(&big)))
    });
    group.bench_function("1 MB with a rights line every few lines", |b| {
        b.iter(|| extract(black_box(&shaped)))
    });
    group.finish();
}

fn notice_plan(c: &mut Criterion) {
    use rightsdesk::notices::due_lead;
    let today = day("2025-12-01");
    let ends: Vec<NaiveDate> = (0..10_000)
        .map(|i| today + chrono::Duration::days(i % 120 - 60))
        .collect();
    c.bench_function("notice plan: due lead for 10,000 end dates", |b| {
        b.iter(|| {
            ends.iter()
                .filter(|end| due_lead(**end, black_box(today), &[30, 7, 1]).is_some())
                .count()
        })
    });
}

criterion_group!(benches, coverage, extraction, notice_plan);
criterion_main!(benches);
