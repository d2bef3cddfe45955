//! Field-level accuracy of the extraction over the corpus: the shared articles with their
//! expected fields, and the cases of tests/fixtures/extraction/cases.json.

use rightsdesk::articles::extract::{extract, Extracted};
use serde_json::{json, Value};

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

fn as_json(e: &Extracted) -> Value {
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

struct Score {
    right: usize,
    total: usize,
    misses: Vec<String>,
}

impl Score {
    fn compare(&mut self, name: &str, got: &Value, expected: &Value, fields: &[&str]) {
        for field in fields {
            self.total += 1;
            if got[*field] == expected[*field] {
                self.right += 1;
            } else {
                self.misses.push(format!(
                    "{name}: {field}: expected {} got {}",
                    expected[*field], got[*field]
                ));
            }
        }
    }
}

#[test]
fn extraction_accuracy_over_the_corpus() {
    let dir = "tests/fixtures/extraction";
    let mut score = Score {
        right: 0,
        total: 0,
        misses: Vec::new(),
    };
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{dir}/corpus/expected.json")).unwrap(),
    )
    .unwrap();
    for (file, fields) in expected.as_object().unwrap() {
        let text = std::fs::read_to_string(format!("{dir}/corpus/{file}")).unwrap();
        score.compare(file, &as_json(&extract(&text)), fields, FIELDS);
    }
    let corpus_total = score.total;
    let cases: Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{dir}/cases.json")).unwrap())
            .unwrap();
    let cases = cases.as_array().unwrap();
    for case in cases {
        let got = as_json(&extract(case["text"].as_str().unwrap()));
        let expected = &case["expected"];
        let mut fields: Vec<&str> = FIELDS.to_vec();
        for extra in ["title", "byline"] {
            if expected.get(extra).is_some() {
                fields.push(extra);
            }
        }
        let filled = json!(fields
            .iter()
            .map(|f| (
                f.to_string(),
                expected.get(*f).cloned().unwrap_or(Value::Null)
            ))
            .collect::<serde_json::Map<_, _>>());
        score.compare(case["name"].as_str().unwrap(), &got, &filled, &fields);
    }
    let accuracy = score.right as f64 / score.total as f64;
    println!(
        "extraction accuracy: {}/{} fields = {:.1}% ({} corpus files, {} corpus fields, {} own cases)",
        score.right, score.total, accuracy * 100.0, expected.as_object().unwrap().len(), corpus_total, cases.len()
    );
    for miss in &score.misses {
        println!("  miss: {miss}");
    }
    assert!(
        cases.len() >= 30,
        "at least 30 cases of our own, found {}",
        cases.len()
    );
    assert!(
        accuracy >= 0.95,
        "field-level accuracy {:.1}% is below 95%",
        accuracy * 100.0
    );
}
