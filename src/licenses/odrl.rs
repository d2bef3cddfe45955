//! ODRL 2.2 / IPTC RightsML: a license as an ODRL `Agreement`, and an ODRL policy back into
//! license terms. Pure: no storage, no HTTP. The mapping, term by term, is in `docs/interop.md`.
//!
//! The policy is compact JSON-LD whose context is embedded in the document (the ODRL terms it
//! uses, bound to the same IRIs as <http://www.w3.org/ns/odrl.jsonld>, plus three `rightsdesk:`
//! terms), so that a JSON-LD processor expands it without fetching anything. Import reads the
//! same terms whether the policy names that embedded context or the ODRL context URL.

use chrono::NaiveDate;
use serde_json::{json, Map, Value};

use super::rules::{Action, Coverage, Territories};
use super::{LicenseDraft, NewLicenseRequest};
use crate::error::ApiError;
use crate::types::Fields;

pub const ODRL: &str = "http://www.w3.org/ns/odrl/2/";
pub const ODRL_CONTEXT_URL: &str = "http://www.w3.org/ns/odrl.jsonld";
pub const RIGHTSML_PROFILE: &str = "https://iptc.org/std/RightsML/odrl-profile/";
pub const RIGHTSDESK_NS: &str = "urn:rightsdesk:ns:";
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

/// A license as an ODRL 2.2 `Agreement` in the RightsML profile.
pub fn export(id: i64, draft: &LicenseDraft) -> Value {
    let mut constraints = Vec::new();
    if let Territories::Countries(countries) = &draft.territories {
        let codes: Vec<&str> = countries.iter().map(|c| c.code()).collect();
        constraints.push(constraint("spatial", "isAnyOf", json!(codes)));
    }
    constraints.push(constraint(
        "dateTime",
        "gteq",
        date_literal(draft.window.from),
    ));
    if let Some(until) = draft.window.until {
        constraints.push(constraint("dateTime", "lteq", date_literal(until)));
    }
    let channels: Vec<&str> = draft.media.iter().map(|m| m.as_str()).collect();
    constraints.push(constraint("deliveryChannel", "isAnyOf", json!(channels)));
    if let Some(max) = draft.max_reprints {
        constraints.push(constraint("count", "lteq", json!(max)));
    }

    let mut duties = Vec::new();
    if let Some(credit) = &draft.credit_line {
        duties.push(json!({"action": "attribute", "creditLine": credit}));
    }
    if let (Some(fee), Some(currency)) = (draft.fee_cents, &draft.currency) {
        duties.push(json!({
            "action": [{
                "rdf:value": {"@id": "odrl:compensate"},
                "refinement": [{
                    "leftOperand": "payAmount",
                    "operator": "eq",
                    "rightOperand": {"@value": decimal_amount(fee, currency), "@type": "xsd:decimal"},
                    "unit": format!("{CURRENCY_SCHEME}{currency}"),
                }],
            }],
        }));
    }

    let permissions: Vec<Value> = draft
        .actions
        .iter()
        .flat_map(|a| odrl_actions(*a).iter())
        .map(|action| {
            let mut p = json!({"action": action, "constraint": constraints});
            if !duties.is_empty() {
                p["duty"] = json!(duties);
            }
            p
        })
        .collect();

    let target = match draft.coverage {
        Coverage::Article(article) => json!(format!("{ARTICLE_URN}{article}")),
        Coverage::Feed(range) => {
            let mut refinement = Vec::new();
            if let Some(from) = range.from {
                refinement.push(constraint("dateTime", "gteq", date_literal(from)));
            }
            if let Some(until) = range.until {
                refinement.push(constraint("dateTime", "lteq", date_literal(until)));
            }
            let mut collection = json!({
                "type": "AssetCollection",
                "uid": format!("{OUTLET_URN}{}{FEED_SUFFIX}", draft.grantor),
            });
            if !refinement.is_empty() {
                collection["refinement"] = json!(refinement);
            }
            collection
        }
    };

    json!({
        "@context": context(),
        "type": "Agreement",
        "uid": format!("{LICENSE_URN}{id}"),
        "profile": RIGHTSML_PROFILE,
        "assigner": format!("{OUTLET_URN}{}", draft.grantor),
        "assignee": format!("{OUTLET_URN}{}", draft.licensee),
        "target": target,
        "exclusive": draft.exclusive,
        "licenseStatus": draft.status.as_str(),
        "permission": permissions,
    })
}

/// Reads ODRL policies: collects every construct it cannot represent before answering.
struct Reader {
    f: Fields,
}

/// `odrl:distribute` or the full IRI as `distribute`; other strings unchanged.
fn term(raw: &str) -> &str {
    raw.strip_prefix(ODRL)
        .or_else(|| raw.strip_prefix("odrl:"))
        .unwrap_or(raw)
}

/// A JSON-LD value that may be one item or an array of them.
fn many(value: &Value) -> Vec<&Value> {
    match value {
        Value::Array(items) => items.iter().collect(),
        other => vec![other],
    }
}

/// The string of a literal: `"x"` or `{"@value": "x", ...}`.
fn literal(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Object(o) => o.get("@value").and_then(literal),
        _ => None,
    }
}

/// The IRI of a node reference: `"urn:..."` or `{"uid": "urn:..."}` / `{"@id": ...}`.
fn node_id(value: &Value) -> Option<&str> {
    match value {
        Value::String(s) => Some(s),
        Value::Object(o) => o
            .get("uid")
            .or_else(|| o.get("@id"))
            .and_then(Value::as_str),
        _ => None,
    }
}

/// The terms one permission sets, compared across permissions.
#[derive(Debug, Default, Clone, PartialEq)]
struct RuleTerms {
    territories: Option<Vec<String>>,
    valid_from: Option<String>,
    valid_until: Option<String>,
    media: Option<Vec<String>>,
    max_reprints: Option<i32>,
    credit_line: Option<String>,
    fee: Option<(String, String)>,
}

impl Reader {
    fn unsupported(&mut self, field: &str, message: impl Into<String>) {
        self.f.error(field, message);
    }

    fn outlet(&mut self, field: &str, value: Option<&Value>) -> i64 {
        let Some(value) = value else {
            self.unsupported(field, "name the outlet as urn:rightsdesk:outlet:<id>");
            return 0;
        };
        match node_id(value)
            .and_then(|iri| iri.strip_prefix(OUTLET_URN))
            .and_then(|id| id.parse::<i64>().ok())
        {
            Some(id) if id > 0 => id,
            _ => {
                self.unsupported(
                    field,
                    "only outlets of this desk can be parties: urn:rightsdesk:outlet:<id>",
                );
                0
            }
        }
    }

    fn strings(&mut self, field: &str, value: &Value) -> Vec<String> {
        let mut out = Vec::new();
        for item in many(value) {
            match literal(item) {
                Some(s) => out.push(s),
                None => self.unsupported(field, "expected a list of plain values"),
            }
        }
        out
    }

    fn constraint(&mut self, field: &str, c: &Value, terms: &mut RuleTerms) {
        let Some(obj) = c.as_object() else {
            return self.unsupported(field, "a constraint is an object");
        };
        for key in obj.keys() {
            if !matches!(
                key.as_str(),
                "leftOperand" | "operator" | "rightOperand" | "type" | "@type"
            ) {
                self.unsupported(
                    &format!("{field}.{key}"),
                    format!("'{key}' on a constraint has no equivalent in rightsdesk"),
                );
            }
        }
        let left = obj.get("leftOperand").and_then(Value::as_str).map(term);
        let operator = obj.get("operator").and_then(Value::as_str).map(term);
        let right = obj.get("rightOperand").unwrap_or(&Value::Null);
        match (left, operator) {
            (Some("spatial"), Some("isAnyOf" | "eq")) => {
                terms.territories = Some(self.strings(field, right));
            }
            (Some("deliveryChannel"), Some("isAnyOf" | "eq")) => {
                terms.media = Some(self.strings(field, right));
            }
            (Some("dateTime"), Some("gteq")) => terms.valid_from = literal(right),
            (Some("dateTime"), Some("lteq")) => terms.valid_until = literal(right),
            (Some("count"), Some("lteq")) => match literal(right).and_then(|s| s.parse().ok()) {
                Some(n) => terms.max_reprints = Some(n),
                None => self.unsupported(field, "a count is a whole number"),
            },
            (Some(left), Some(op)) => self.unsupported(
                field,
                format!(
                    "'{left} {op}' has no equivalent: rightsdesk reads spatial isAnyOf, \
                     dateTime gteq/lteq, deliveryChannel isAnyOf and count lteq"
                ),
            ),
            _ => self.unsupported(field, "a constraint names leftOperand and operator"),
        }
    }

    fn duty(&mut self, field: &str, d: &Value, terms: &mut RuleTerms) {
        let Some(obj) = d.as_object() else {
            return self.unsupported(field, "a duty is an object");
        };
        let action = obj.get("action").unwrap_or(&Value::Null);
        let action_name = match action {
            Value::String(s) => Some(term(s).to_string()),
            Value::Array(items) if items.len() == 1 => items[0]
                .get("rdf:value")
                .and_then(node_id)
                .or_else(|| items[0].as_str())
                .map(|s| term(s).to_string()),
            _ => None,
        };
        match action_name.as_deref() {
            Some("attribute") => {
                terms.credit_line = obj.get("creditLine").and_then(literal);
                if terms.credit_line.is_none() {
                    self.unsupported(field, "an attribute duty carries its creditLine");
                }
            }
            Some("compensate") => {
                let refinement = action
                    .get(0)
                    .and_then(|a| a.get("refinement"))
                    .map(many)
                    .unwrap_or_default();
                let pay = refinement.iter().find(|r| {
                    r.get("leftOperand").and_then(Value::as_str).map(term) == Some("payAmount")
                });
                let amount = pay.and_then(|r| r.get("rightOperand")).and_then(literal);
                let unit = pay
                    .and_then(|r| r.get("unit"))
                    .and_then(node_id)
                    .and_then(|u| u.strip_prefix(CURRENCY_SCHEME));
                match (amount, unit) {
                    (Some(amount), Some(unit)) => {
                        terms.fee = Some((amount, unit.to_string()));
                    }
                    _ => self.unsupported(
                        field,
                        format!(
                            "a compensate duty refines payAmount eq <decimal> with unit \
                             {CURRENCY_SCHEME}<ISO 4217 code>"
                        ),
                    ),
                }
            }
            Some(other) => self.unsupported(
                field,
                format!(
                    "a '{other}' duty has no equivalent: rightsdesk reads attribute and compensate"
                ),
            ),
            None => self.unsupported(field, "a duty names its action"),
        }
        for key in obj.keys() {
            if !matches!(key.as_str(), "action" | "creditLine" | "type" | "@type") {
                self.unsupported(
                    &format!("{field}.{key}"),
                    format!("'{key}' on a duty has no equivalent in rightsdesk"),
                );
            }
        }
    }

    fn permission(&mut self, field: &str, p: &Value) -> (Option<String>, RuleTerms) {
        let mut terms = RuleTerms::default();
        let Some(obj) = p.as_object() else {
            self.unsupported(field, "a permission is an object");
            return (None, terms);
        };
        for key in obj.keys() {
            if !matches!(
                key.as_str(),
                "action" | "constraint" | "duty" | "type" | "@type"
            ) {
                self.unsupported(
                    &format!("{field}.{key}"),
                    format!(
                        "'{key}' on a permission has no equivalent: put target, assigner and \
                         assignee on the policy"
                    ),
                );
            }
        }
        let action = obj.get("action").and_then(Value::as_str).map(term);
        if action.is_none() {
            self.unsupported(
                &format!("{field}.action"),
                "a permission names one action, without refinements",
            );
        }
        if let Some(constraints) = obj.get("constraint") {
            for (i, c) in many(constraints).into_iter().enumerate() {
                self.constraint(&format!("{field}.constraint[{i}]"), c, &mut terms);
            }
        }
        if let Some(duties) = obj.get("duty") {
            for (i, d) in many(duties).into_iter().enumerate() {
                self.duty(&format!("{field}.duty[{i}]"), d, &mut terms);
            }
        }
        (action.map(str::to_string), terms)
    }

    /// The coverage: an article IRI, or the grantor's feed as an AssetCollection.
    fn target(&mut self, value: Option<&Value>, grantor: i64, req: &mut NewLicenseRequest) {
        let Some(value) = value else {
            return self.unsupported("target", "name the article or the grantor's feed");
        };
        let Some(iri) = node_id(value) else {
            return self.unsupported("target", "a target is one asset or asset collection");
        };
        if let Some(article) = iri.strip_prefix(ARTICLE_URN) {
            req.scope = "article".into();
            req.article_id = article.parse().ok();
            if req.article_id.is_none() {
                self.unsupported("target", "an article target is urn:rightsdesk:article:<id>");
            }
            if value.get("refinement").is_some() {
                self.unsupported("target.refinement", "only a feed target has a refinement");
            }
            return;
        }
        let feed_of = iri
            .strip_prefix(OUTLET_URN)
            .and_then(|rest| rest.strip_suffix(FEED_SUFFIX))
            .and_then(|id| id.parse::<i64>().ok());
        match feed_of {
            Some(outlet) => {
                req.scope = "feed".into();
                if outlet != grantor {
                    self.unsupported("target", "a feed license covers the assigner's own feed");
                }
                if let Some(refinement) = value.get("refinement") {
                    for (i, r) in many(refinement).into_iter().enumerate() {
                        let field = format!("target.refinement[{i}]");
                        let left = r.get("leftOperand").and_then(Value::as_str).map(term);
                        let op = r.get("operator").and_then(Value::as_str).map(term);
                        let right = r.get("rightOperand").and_then(literal);
                        match (left, op) {
                            (Some("dateTime"), Some("gteq")) => req.feed_published_from = right,
                            (Some("dateTime"), Some("lteq")) => req.feed_published_until = right,
                            _ => self.unsupported(
                                &field,
                                "a feed is refined only by publication dateTime gteq/lteq",
                            ),
                        }
                    }
                }
            }
            None => self.unsupported(
                "target",
                "a target is urn:rightsdesk:article:<id> or urn:rightsdesk:outlet:<id>:feed",
            ),
        }
    }
}

fn context_is_odrl(context: &Value) -> bool {
    many(context).iter().all(|c| match c {
        Value::String(url) => url.trim_end_matches('/') == ODRL_CONTEXT_URL,
        Value::Object(o) => o.get("odrl").and_then(Value::as_str) == Some(ODRL),
        _ => false,
    })
}

/// An ODRL policy as a license request, or a 422 naming every construct rightsdesk cannot
/// represent. The request then goes through the same checks as a JSON one.
pub fn import(policy: &Value) -> Result<NewLicenseRequest, ApiError> {
    let mut r = Reader { f: Fields::new() };
    let Some(obj) = policy.as_object() else {
        r.unsupported("", "an ODRL policy is a JSON object");
        return r.f.finish(NewLicenseRequest::default());
    };
    match obj.get("@context") {
        Some(c) if context_is_odrl(c) => {}
        _ => r.unsupported(
            "@context",
            format!("use the ODRL context ({ODRL_CONTEXT_URL}) or the one rightsdesk exports"),
        ),
    }
    let kind = obj
        .get("type")
        .or_else(|| obj.get("@type"))
        .and_then(Value::as_str)
        .map(term);
    if kind != Some("Agreement") {
        r.unsupported(
            "type",
            "a license is an Agreement (Set, Offer and Privacy policies have no assignee)",
        );
    }
    for key in obj.keys() {
        match key.as_str() {
            "@context" | "type" | "@type" | "uid" | "@id" | "profile" | "assigner" | "assignee"
            | "target" | "exclusive" | "licenseStatus" | "permission" => {}
            "prohibition" => r.unsupported(
                "prohibition",
                "rightsdesk licenses grant; what they do not grant is not allowed already",
            ),
            "obligation" => r.unsupported(
                "obligation",
                "policy-level obligations have no equivalent: put duties on the permissions",
            ),
            other => r.unsupported(other, format!("'{other}' has no equivalent in rightsdesk")),
        }
    }
    if let Some(status) = obj.get("licenseStatus").and_then(Value::as_str) {
        if status != "active" {
            r.unsupported("licenseStatus", "import creates active licenses");
        }
    }
    let mut req = NewLicenseRequest {
        grantor_outlet_id: r.outlet("assigner", obj.get("assigner")),
        licensee_outlet_id: r.outlet("assignee", obj.get("assignee")),
        exclusive: match obj.get("exclusive") {
            None => false,
            Some(v) => {
                match literal(v)
                    .as_deref()
                    .or(v.as_bool().map(|b| if b { "true" } else { "false" }))
                {
                    Some("true") => true,
                    Some("false") => false,
                    _ => {
                        r.unsupported("exclusive", "exclusive is true or false");
                        false
                    }
                }
            }
        },
        ..Default::default()
    };
    let grantor = req.grantor_outlet_id;
    r.target(obj.get("target"), grantor, &mut req);

    let permissions = obj.get("permission").map(many).unwrap_or_default();
    if permissions.is_empty() {
        r.unsupported("permission", "an Agreement grants at least one permission");
    }
    let mut odrl_actions_seen = Vec::new();
    let mut shared: Option<RuleTerms> = None;
    for (i, p) in permissions.into_iter().enumerate() {
        let field = format!("permission[{i}]");
        let (action, terms) = r.permission(&field, p);
        if let Some(action) = action {
            odrl_actions_seen.push((field.clone(), action));
        }
        match &shared {
            None => shared = Some(terms),
            Some(first) if *first != terms => r.unsupported(
                &field,
                "every permission of a rightsdesk license has the same constraints and duties",
            ),
            Some(_) => {}
        }
    }
    let terms = shared.unwrap_or_default();
    let names: Vec<&str> = odrl_actions_seen.iter().map(|(_, a)| a.as_str()).collect();
    for (field, action) in &odrl_actions_seen {
        let ours = match action.as_str() {
            "distribute" | "reproduce" => {
                let other = if action == "distribute" {
                    "reproduce"
                } else {
                    "distribute"
                };
                if !names.contains(&other) {
                    r.unsupported(
                        field,
                        format!("republishing needs both distribute and reproduce; add {other}"),
                    );
                }
                "republish"
            }
            "extract" => "excerpt",
            "translate" => "translate",
            "modify" => "adapt",
            "archive" => "archive",
            other => {
                r.unsupported(
                    &format!("{field}.action"),
                    format!(
                        "'{other}' has no equivalent: rightsdesk reads distribute+reproduce, \
                         extract, translate, modify and archive"
                    ),
                );
                continue;
            }
        };
        if !req.actions.iter().any(|a| a == ours) {
            req.actions.push(ours.to_string());
        }
    }
    req.territories = terms.territories.unwrap_or_else(|| vec!["WORLD".into()]);
    req.media = terms.media.unwrap_or_default();
    if req.media.is_empty() {
        r.unsupported(
            "permission[0].constraint",
            "name the media with a deliveryChannel isAnyOf constraint",
        );
    }
    match terms.valid_from {
        Some(from) => req.valid_from = from,
        None => r.unsupported(
            "permission[0].constraint",
            "name the first day with a dateTime gteq constraint",
        ),
    }
    req.valid_until = terms.valid_until;
    req.max_reprints = terms.max_reprints;
    req.credit_line = terms.credit_line;
    if let Some((amount, currency)) = terms.fee {
        match minor_units(&amount, &currency) {
            Some(cents) => req.fee_cents = Some(cents),
            None => r.unsupported(
                "permission[0].duty",
                format!("'{amount}' is not an amount of {currency}"),
            ),
        }
        req.currency = Some(currency);
    }
    r.f.finish(req)
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
