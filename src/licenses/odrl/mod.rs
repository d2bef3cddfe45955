//! ODRL 2.2 / IPTC RightsML: a license as an ODRL `Agreement`, and an ODRL policy back into
//! license terms. Pure: no storage, no HTTP. The mapping, term by term, is in `docs/interop.md`.
//!
//! The policy is compact JSON-LD whose context is embedded in the document (the ODRL terms it
//! uses, bound to the same IRIs as <http://www.w3.org/ns/odrl.jsonld>, plus three `rightsdesk:`
//! terms), so that a JSON-LD processor expands it without fetching anything. Import reads the
//! same terms whether the policy names that embedded context or the ODRL context URL.

use chrono::NaiveDate;
use serde_json::{json, Map, Value};

use super::rules::Action;

mod export;
mod import;
#[cfg(test)]
mod tests;

pub use export::export;
pub use import::import;

pub const ODRL: &str = "http://www.w3.org/ns/odrl/2/";
pub const ODRL_CONTEXT_URL: &str = "http://www.w3.org/ns/odrl.jsonld";
pub const RIGHTSML_PROFILE: &str = "https://iptc.org/std/RightsML/odrl-profile/";
pub const RIGHTSDESK_NS: &str = "urn:rightsdesk:ns:";
/// The W3C TDMRep ODRL vocabulary (`tdm:mine`) and profile.
pub const TDM_NS: &str = "http://www.w3.org/ns/tdmrep#";
pub const TDM_PROFILE: &str = "http://www.w3.org/ns/tdmrep";
pub const CURRENCY_SCHEME: &str = "http://cvx.iptc.org/iso4217a/";
const OUTLET_URN: &str = "urn:rightsdesk:outlet:";
const ARTICLE_URN: &str = "urn:rightsdesk:article:";
const LICENSE_URN: &str = "urn:rightsdesk:license:";
const FEED_SUFFIX: &str = ":feed";

/// The JSON-LD context every exported policy carries.
pub fn context() -> Value {
    let mut c = Map::new();
    let mut put = |k: &str, v: Value| {
        c.insert(k.to_string(), v);
    };
    put("odrl", json!(ODRL));
    put("xsd", json!("http://www.w3.org/2001/XMLSchema#"));
    put("rdf", json!("http://www.w3.org/1999/02/22-rdf-syntax-ns#"));
    put("rightsdesk", json!(RIGHTSDESK_NS));
    put("tdm", json!(TDM_NS));
    put("uid", json!("@id"));
    put("type", json!("@type"));
    for class in [
        "Agreement",
        "Party",
        "Asset",
        "AssetCollection",
        "Permission",
        "Duty",
    ] {
        put(class, json!(format!("odrl:{class}")));
    }
    for id_term in [
        "profile",
        "assigner",
        "assignee",
        "target",
        "permission",
        "prohibition",
        "duty",
        "constraint",
        "refinement",
        "unit",
    ] {
        put(
            id_term,
            json!({"@type": "@id", "@id": format!("odrl:{id_term}")}),
        );
    }
    for vocab_term in ["action", "leftOperand", "operator"] {
        put(
            vocab_term,
            json!({"@type": "@vocab", "@id": format!("odrl:{vocab_term}")}),
        );
    }
    put("rightOperand", json!("odrl:rightOperand"));
    for word in [
        "distribute",
        "reproduce",
        "extract",
        "translate",
        "modify",
        "archive",
        "grantUse",
        "attribute",
        "compensate",
        "spatial",
        "dateTime",
        "deliveryChannel",
        "count",
        "payAmount",
        "eq",
        "gteq",
        "lteq",
        "isAnyOf",
    ] {
        put(word, json!(format!("odrl:{word}")));
    }
    put("exclusive", json!("rightsdesk:exclusive"));
    put("creditLine", json!("rightsdesk:creditLine"));
    put(
        "dataMining",
        json!({"@type": "@id", "@id": "rightsdesk:dataMining"}),
    );
    put("tdmPolicy", json!({"@type": "@id", "@id": "tdm:policy"}));
    put("licenseStatus", json!("rightsdesk:licenseStatus"));
    Value::Object(c)
}

/// The ODRL actions one rightsdesk action stands for.
fn odrl_actions(action: Action) -> &'static [&'static str] {
    match action {
        Action::Republish => &["distribute", "reproduce"],
        Action::Excerpt => &["extract"],
        Action::Translate => &["translate"],
        Action::Adapt => &["modify"],
        Action::Archive => &["archive"],
        Action::Sublicense => &["grantUse"],
        Action::TextDataMining => &["tdm:mine"],
        Action::AiTraining => &["rightsdesk:aiTraining"],
    }
}

fn date_literal(day: NaiveDate) -> Value {
    json!({"@value": day.format("%Y-%m-%d").to_string(), "@type": "xsd:date"})
}

fn constraint(left: &str, operator: &str, right: Value) -> Value {
    json!({"leftOperand": left, "operator": operator, "rightOperand": right})
}

fn minor_unit_exponent(currency: &str) -> u32 {
    iso_currency::Currency::from_code(currency)
        .and_then(|c| c.exponent())
        .map_or(2, u32::from)
}

/// `1250` cents of USD as `"12.50"`.
fn decimal_amount(minor_units: i64, currency: &str) -> String {
    let exponent = minor_unit_exponent(currency);
    if exponent == 0 {
        return minor_units.to_string();
    }
    let scale = 10i64.pow(exponent);
    format!(
        "{}.{:0width$}",
        minor_units / scale,
        minor_units % scale,
        width = exponent as usize
    )
}

/// `"12.50"` of USD as `1250` cents; `None` when it is not a plain decimal with at most as many
/// places as the currency has minor units.
fn minor_units(decimal: &str, currency: &str) -> Option<i64> {
    let exponent = minor_unit_exponent(currency) as usize;
    let (whole, fraction) = decimal.split_once('.').unwrap_or((decimal, ""));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || (!fraction.is_empty() && !digits(fraction)) || fraction.len() > exponent {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let fraction: i64 = format!("{fraction:0<exponent$}").parse().unwrap_or(0);
    whole
        .checked_mul(10i64.pow(exponent as u32))?
        .checked_add(fraction)
}
