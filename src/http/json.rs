//! The JSON body extractor every handler uses: like `web::Json`, but a body must be a JSON
//! object (serde would otherwise read `[1, 2]` into a struct, field by position), and a whole
//! number written with a fraction (`5.0`) counts as the integer JSON Schema says it is.

use std::future::Future;
use std::ops::Deref;
use std::pin::Pin;

use actix_web::{dev::Payload, web, FromRequest, HttpRequest};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::http::problem::{ApiError, FieldError};

#[derive(Debug)]
/// A JSON body that must be an object; see the module for the rules.
pub struct Json<T>(pub T);

impl<T> Json<T> {
    /// The parsed body.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> Deref for Json<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

/// `5.0` becomes `5`, everywhere in the document; other numbers stay as they are.
fn whole_numbers(value: Value) -> Value {
    match value {
        Value::Number(n) if !n.is_i64() && !n.is_u64() => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0 => {
                Value::from(f as i64)
            }
            _ => Value::Number(n),
        },
        Value::Array(items) => Value::Array(items.into_iter().map(whole_numbers).collect()),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, whole_numbers(v)))
                .collect(),
        ),
        other => other,
    }
}

/// Reads a JSON object into `T`; 400 when it is not an object or does not fit `T`.
pub fn from_object<T: DeserializeOwned>(value: Value) -> Result<T, ApiError> {
    if !value.is_object() {
        return Err(ApiError::BadRequest(
            "the JSON body must be an object".into(),
        ));
    }
    serde_path_to_error::deserialize(whole_numbers(value)).map_err(|err| {
        let field = super::query::field_of(&err);
        let message = super::query::humanize(&err.inner().to_string());
        let detail = if field.is_empty() {
            format!("the JSON body is not valid: {message}")
        } else {
            format!("the JSON body is not valid: {field}: {message}")
        };
        ApiError::Malformed(detail, vec![FieldError::new(field, message)])
    })
}

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = web::Json::<Value>::from_request(req, payload);
        Box::pin(async move {
            let value = body.await?.into_inner();
            Ok(Json(from_object(value)?))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    struct Two {
        a: Option<i64>,
        b: Option<i64>,
    }

    #[test]
    fn arrays_are_not_objects_and_whole_floats_are_integers() {
        assert!(from_object::<Two>(serde_json::json!([1, 2])).is_err());
        let two: Two = from_object(serde_json::json!({"a": 5.0, "b": null})).unwrap();
        assert_eq!((two.a, two.b), (Some(5), None));
        assert!(from_object::<Two>(serde_json::json!({"a": 5.5})).is_err());
        // Parsed exactly (serde_json's float_roundtrip), so a large whole number stays whole.
        let big: Two =
            from_object(serde_json::from_str(r#"{"a": 1907362520235303.0}"#).unwrap()).unwrap();
        assert_eq!(big.a, Some(1_907_362_520_235_303));
    }
}
