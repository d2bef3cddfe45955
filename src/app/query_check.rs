//! Unknown query parameters answer 400 listing the ones the operation takes: a typo
//! (`?licencee_outlet_id=`) must not turn a filtered export into an export of everything, as it
//! would if the parameter were silently ignored. The accepted names come from the OpenAPI
//! document, so they are the ones the documentation shows.

use std::collections::{BTreeSet, HashMap};
use std::sync::LazyLock;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use utoipa::OpenApi;

use crate::http::problem::{ApiError, FieldError};

/// (method, path pattern) -> the query parameters the operation takes.
static ACCEPTED: LazyLock<HashMap<(String, String), BTreeSet<String>>> = LazyLock::new(|| {
    let doc = serde_json::to_value(super::openapi::ApiDoc::openapi()).unwrap_or_default();
    let mut accepted = HashMap::new();
    let Some(paths) = doc.get("paths").and_then(|p| p.as_object()) else {
        return accepted;
    };
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        for (method, operation) in item {
            let names: BTreeSet<String> = operation
                .get("parameters")
                .and_then(|p| p.as_array())
                .into_iter()
                .flatten()
                .filter(|p| p.get("in").and_then(|i| i.as_str()) == Some("query"))
                .filter_map(|p| p.get("name").and_then(|n| n.as_str()).map(str::to_string))
                .collect();
            accepted.insert((method.clone(), path.clone()), names);
        }
    }
    accepted
});

/// The parameters of `query` that `accepted` does not name, in order, each once.
fn unknown(query: &str, accepted: &BTreeSet<String>) -> Vec<String> {
    let mut seen = Vec::new();
    for (name, _) in form_urlencoded::parse(query.as_bytes()) {
        let name = name.into_owned();
        if !accepted.contains(&name) && !seen.contains(&name) {
            seen.push(name);
        }
    }
    seen
}

/// Refuses a request to a documented operation that carries a query parameter it does not take.
pub async fn refuse_unknown_parameters(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if !req.query_string().is_empty() {
        if let Some(pattern) = req.match_pattern() {
            let key = (req.method().as_str().to_ascii_lowercase(), pattern);
            if let Some(accepted) = ACCEPTED.get(&key) {
                let unknown = unknown(req.query_string(), accepted);
                if !unknown.is_empty() {
                    let list = if accepted.is_empty() {
                        "this operation takes no query parameters".to_string()
                    } else {
                        let names: Vec<&str> = accepted.iter().map(String::as_str).collect();
                        format!("accepted: {}", names.join(", "))
                    };
                    let errors = unknown
                        .into_iter()
                        .map(|name| {
                            FieldError::new(name, format!("is not a parameter here; {list}"))
                        })
                        .collect();
                    return Err(ApiError::InvalidQuery(errors).into());
                }
            }
        }
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_boxed_body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_lists_its_parameters_and_typos_are_caught() {
        let list = &ACCEPTED[&("get".to_string(), "/v1/licenses".to_string())];
        assert!(
            list.contains("licensee_outlet_id") && list.contains("limit"),
            "{list:?}"
        );
        assert_eq!(
            unknown("licencee_outlet_id=3&limit=5", list),
            ["licencee_outlet_id"]
        );
        assert!(unknown("licensee_outlet_id=3&cursor=9", list).is_empty());
    }
}
