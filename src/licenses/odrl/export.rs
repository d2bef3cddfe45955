//! A license as an ODRL 2.2 `Agreement` in the RightsML profile.

use serde_json::{json, Value};

use super::*;
use crate::articles::data_mining::DataMining;
use crate::licenses::rules::{Coverage, Territories};
use crate::licenses::LicenseDraft;

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

    let mut policy = json!({
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
    });
    // The TDMRep reservation: mining is prohibited (under its ODRL profile), with the exact IPTC
    // PLUS value and the policy alongside.
    if draft.data_mining.reserves_ai_training() {
        policy["profile"] = json!([RIGHTSML_PROFILE, TDM_PROFILE]);
        policy["prohibition"] = json!([{"action": "tdm:mine"}]);
    }
    if draft.data_mining != DataMining::Unspecified {
        policy["dataMining"] = json!({"@id": draft.data_mining.uri()});
    }
    if let Some(url) = &draft.tdm_policy_url {
        policy["tdmPolicy"] = json!({"@id": url});
    }
    policy
}
