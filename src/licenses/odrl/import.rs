//! An ODRL policy back into license terms, refusing (with every construct named) what has no
//! equivalent.

use serde_json::Value;

use super::*;
use crate::http::fields::Fields;
use crate::http::problem::ApiError;
use crate::licenses::NewLicenseRequest;

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

/// A literal, or the `@id` of a node.
fn literal_or_id(value: &Value) -> Option<String> {
    literal(value).or_else(|| value.get("@id").and_then(Value::as_str).map(str::to_string))
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
            "prohibition" => {
                let only_mining = obj.get("prohibition").map(many).is_some_and(|ps| {
                    ps.iter().all(|p| {
                        p.get("action").and_then(Value::as_str).map(term) == Some("tdm:mine")
                    })
                });
                if !only_mining {
                    r.unsupported(
                        "prohibition",
                        "rightsdesk licenses grant; what they do not grant is not allowed \
                         already (the one prohibition read is tdm:mine, the TDMRep reservation)",
                    );
                }
            }
            "dataMining" | "tdmPolicy" => {}
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
            "grantUse" | "odrl:grantUse" => "sublicense",
            "tdm:mine" | "http://www.w3.org/ns/tdmrep#mine" => "text_data_mining",
            "rightsdesk:aiTraining" | "urn:rightsdesk:ns:aiTraining" => "ai_training",
            other => {
                r.unsupported(
                    &format!("{field}.action"),
                    format!(
                        "'{other}' has no equivalent: rightsdesk reads distribute+reproduce, \
                         extract, translate, modify, archive, grantUse, tdm:mine and rightsdesk:aiTraining"
                    ),
                );
                continue;
            }
        };
        if !req.actions.iter().any(|a| a == ours) {
            req.actions.push(ours.to_string());
        }
    }
    let reserved = obj.get("prohibition").is_some();
    req.data_mining = match obj.get("dataMining").and_then(literal_or_id) {
        Some(raw) => match crate::articles::data_mining::DataMining::from_uri(&raw) {
            Some(value) => Some(value.as_str().to_string()),
            None => {
                r.unsupported(
                    "dataMining",
                    format!("'{raw}' is not an IPTC PLUS data-mining value"),
                );
                None
            }
        },
        None if reserved => Some("prohibited".into()),
        None => None,
    };
    req.tdm_policy_url = obj.get("tdmPolicy").and_then(literal_or_id);
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
