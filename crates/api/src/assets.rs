//! The web front ends, built by Vite into `web/dist` and embedded in the binary.
//!
//! Hashed files under `/assets/` are cached for a year; every other GET that is not an API
//! route gets `index.html` (the console routes in the browser), never cached, with a strict
//! Content-Security-Policy.

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::{HttpRequest, HttpResponse, ResponseError};

use crate::error::ApiError;

#[derive(rust_embed::Embed)]
#[folder = "$CARGO_MANIFEST_DIR/../../web/dist"]
#[allow_missing = true]
struct Assets;

/// The policy for the console's HTML: scripts, styles and connections only from Kefu itself.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
    style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
    object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

fn file(path: &str, cache: &'static str) -> Option<HttpResponse> {
    let asset = Assets::get(path)?;
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let mut response = HttpResponse::Ok();
    response
        .insert_header((header::CONTENT_TYPE, mime.essence_str().to_owned()))
        .insert_header((header::CACHE_CONTROL, cache));
    if mime.essence_str() == "text/html" {
        response.insert_header((
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ));
    }
    Some(response.body(asset.data.into_owned()))
}

/// Serves a built file, or the console's `index.html` for its routes.
pub async fn serve(request: HttpRequest) -> HttpResponse {
    let path = request.path().trim_start_matches('/');
    let readable = matches!(*request.method(), Method::GET | Method::HEAD);
    if !readable || path.starts_with("api/") {
        return ApiError::NotFound("route").error_response();
    }
    if path.starts_with("assets/") {
        return file(path, "public, max-age=31536000, immutable")
            .unwrap_or_else(|| ApiError::NotFound("file").error_response());
    }
    if let Some(response) = (!path.is_empty())
        .then(|| file(path, "public, max-age=3600"))
        .flatten()
    {
        return response;
    }
    file("index.html", "no-cache").unwrap_or_else(|| {
        HttpResponse::build(StatusCode::SERVICE_UNAVAILABLE)
            .content_type("text/plain; charset=utf-8")
            .body(
                "The web console has not been built. Run ./scripts/run (it builds web/ with npm), \
                 or `npm ci && npm run build` in web/.\n\
                 网页控制台尚未构建。请运行 ./scripts/run。\n",
            )
    })
}
