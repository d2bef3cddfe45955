#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Field-level accuracy of the extraction over the whole visible corpus in `../shared/corpus`:
//! the article files with `expected.json`, and the cases of `footers.jsonl`. Prints accuracy per
//! field, per language and per half (even and odd case numbers, so a rule tuned on one half can
//! be checked on the other); fails below 97% overall and on any field invented on a negative case
//! (a case where every field is null). Spans are compared by their text: tags dropped, entities
//! decoded, whitespace collapsed (the corpus README's rule).

use std::collections::BTreeMap;
use std::path::PathBuf;

use rightsdesk::articles::extract::{extract, Extracted};
use serde_json::Value;

const FIELDS: &[&str] = &[
    "copyright_line",
    "copyright_holder",
    "copyright_year_from",
    "copyright_year_to",
    "permission_statement",
    "original_publisher",
    "permission_kind",
    "license_name",
];

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus")
}

fn values(e: &Extracted) -> Value {
    let v = serde_json::to_value(e).unwrap();
    let mut out = serde_json::Map::new();
    for (k, f) in v.as_object().unwrap() {
        out.insert(
            k.clone(),
            if f.is_null() {
                Value::Null
            } else {
                f["value"].clone()
            },
        );
    }
    Value::Object(out)
}

/// A span's text as the acceptance check compares it.
fn span_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    let decoded = html_escape::decode_html_entities(&out).to_string();
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn same(got: &Value, expected: &Value) -> bool {
    match (got, expected) {
        (Value::String(g), Value::String(e)) => span_text(g) == span_text(e),
        _ => got == expected,
    }
}

#[derive(Default)]
struct Tally {
    right: usize,
    total: usize,
}

impl Tally {
    fn add(&mut self, ok: bool) {
        self.total += 1;
        self.right += usize::from(ok);
    }
    fn pct(&self) -> f64 {
        if self.total == 0 {
            100.0
        } else {
            self.right as f64 * 100.0 / self.total as f64
        }
    }
    fn show(&self) -> String {
        format!("{}/{} = {:.1}%", self.right, self.total, self.pct())
    }
}

struct Case {
    name: String,
    lang: String,
    half: &'static str,
    text: String,
    expected: Value,
}

fn load() -> Vec<Case> {
    let dir = corpus_dir();
    assert!(
        dir.join("footers.jsonl").is_file() && dir.join("expected.json").is_file(),
        "the shared corpus is missing: expected {} (footers.jsonl, expected.json and the article \
         files) beside the clone",
        dir.display()
    );
    let mut cases = Vec::new();
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap()).unwrap();
    for (i, (file, fields)) in expected.as_object().unwrap().iter().enumerate() {
        let text = std::fs::read_to_string(dir.join(file))
            .unwrap_or_else(|e| panic!("corpus file {file}: {e}"));
        cases.push(Case {
            name: file.clone(),
            lang: "articles".to_string(),
            half: if i.is_multiple_of(2) { "even" } else { "odd" },
            text,
            expected: fields.clone(),
        });
    }
    let footers = std::fs::read_to_string(dir.join("footers.jsonl")).unwrap();
    for line in footers.lines().filter(|l| !l.trim().is_empty()) {
        let case: Value = serde_json::from_str(line).unwrap();
        let id = case["id"].as_str().unwrap().to_string();
        let number: usize = id
            .trim_start_matches(|c: char| !c.is_ascii_digit())
            .parse()
            .unwrap_or(0);
        cases.push(Case {
            name: id,
            lang: case["lang"].as_str().unwrap_or("?").to_string(),
            half: if number.is_multiple_of(2) {
                "even"
            } else {
                "odd"
            },
            text: case["text"].as_str().unwrap().to_string(),
            expected: case["expected"].clone(),
        });
    }
    cases
}

#[test]
fn extraction_over_the_shared_corpus() {
    let cases = load();
    let mut overall = Tally::default();
    let mut per_field: BTreeMap<&str, Tally> = BTreeMap::new();
    let mut per_lang: BTreeMap<String, Tally> = BTreeMap::new();
    let mut per_half: BTreeMap<&str, Tally> = BTreeMap::new();
    let mut per_half_field: BTreeMap<(&str, &str), Tally> = BTreeMap::new();
    let mut misses = Vec::new();
    let mut invented_on_negatives = Vec::new();
    let mut invented = 0;
    let mut footer_cases = 0;
    for case in &cases {
        footer_cases += usize::from(case.lang != "articles");
        let got = values(&extract(&case.text));
        let negative = FIELDS.iter().all(|f| case.expected[*f].is_null());
        for field in FIELDS {
            let expected = &case.expected[*field];
            let value = &got[*field];
            let ok = same(value, expected);
            overall.add(ok);
            per_field.entry(field).or_default().add(ok);
            per_lang.entry(case.lang.clone()).or_default().add(ok);
            per_half.entry(case.half).or_default().add(ok);
            per_half_field
                .entry((case.half, field))
                .or_default()
                .add(ok);
            if !ok {
                misses.push(format!(
                    "{} [{}] {field}: expected {expected} got {value}",
                    case.name, case.lang
                ));
                if expected.is_null() {
                    invented += 1;
                    if negative {
                        invented_on_negatives.push(format!("{} {field}: {value}", case.name));
                    }
                }
            }
        }
    }
    println!(
        "extraction over the shared corpus ({} article files, {footer_cases} footer cases): {}",
        cases.len() - footer_cases,
        overall.show()
    );
    println!("per field:");
    for (field, t) in &per_field {
        let even = &per_half_field[&("even", *field)];
        let odd = &per_half_field[&("odd", *field)];
        println!(
            "  {field:<22} {:<22} even {:<20} odd {}",
            t.show(),
            even.show(),
            odd.show()
        );
    }
    println!("per language:");
    for (lang, t) in &per_lang {
        println!("  {lang:<9} {}", t.show());
    }
    println!("per half:");
    for (half, t) in &per_half {
        println!("  {half:<5} {}", t.show());
    }
    println!("fields invented (expected null, got a value): {invented}");
    for miss in &misses {
        println!("  miss: {miss}");
    }
    assert!(
        invented_on_negatives.is_empty(),
        "fields invented on negative cases: {invented_on_negatives:#?}"
    );
    assert!(
        overall.pct() >= 97.0,
        "field-level accuracy {:.1}% is below 97%",
        overall.pct()
    );
}
