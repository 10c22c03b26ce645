//! Extractor settings: unreadable bodies and queries answer as problems, not plain text.

use actix_web::error::{JsonPayloadError, QueryPayloadError};
use actix_web::{HttpRequest, web};

use crate::error::ApiError;

/// JSON bodies: at most `limit` bytes, `application/json` only.
pub fn json(limit: usize) -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(limit)
        .error_handler(move |error, _request: &HttpRequest| {
            let api = match error {
                JsonPayloadError::Overflow { .. }
                | JsonPayloadError::OverflowKnownLength { .. } => {
                    ApiError::PayloadTooLarge { limit }
                }
                JsonPayloadError::ContentType => ApiError::BadRequest {
                    code: "invalid_content_type",
                    message: "send the body as application/json".into(),
                },
                JsonPayloadError::Deserialize(e) => ApiError::BadRequest {
                    code: "invalid_body",
                    message: format!("the JSON body is not valid: {e}"),
                },
                other => ApiError::BadRequest {
                    code: "invalid_body",
                    message: format!("the body could not be read: {other}"),
                },
            };
            api.into()
        })
}

/// Query strings.
pub fn query() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|error, _request| {
        let message = match error {
            QueryPayloadError::Deserialize(e) => e.to_string(),
            other => other.to_string(),
        };
        ApiError::BadRequest {
            code: "invalid_query",
            message: format!("the query string is not valid: {message}"),
        }
        .into()
    })
}

/// Path segments that do not parse name nothing.
pub fn path() -> web::PathConfig {
    web::PathConfig::default().error_handler(|_, _| ApiError::NotFound("resource").into())
}

/// Any route that does not exist.
pub async fn no_route() -> actix_web::HttpResponse {
    use actix_web::ResponseError;
    ApiError::NotFound("route").error_response()
}
