//! The web front ends, built by Vite into `web/dist` and embedded in the binary.
//!
//! Hashed files under `/assets/` are cached for a year; every other GET that is not an API
//! route gets `index.html` (the console routes in the browser), never cached, with a strict
//! Content-Security-Policy.

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};

use crate::error::ApiError;
use crate::state::AppState;

#[derive(rust_embed::Embed)]
#[folder = "$CARGO_MANIFEST_DIR/../../web/dist"]
#[allow_missing = true]
struct Assets;

/// The policy for Kefu's pages: scripts, styles and connections only from Kefu itself and its
/// chat gateway (`socket_url`).
pub fn content_security_policy(socket_url: &str) -> String {
    let gateway: String = socket_url
        .chars()
        .filter(|c| !c.is_whitespace() && *c != ';' && *c != ',')
        .collect();
    format!(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
         font-src 'self'; connect-src 'self' {gateway}; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    )
}

fn file(path: &str, cache: &'static str, policy: &str) -> Option<HttpResponse> {
    let asset = Assets::get(path)?;
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let mut response = HttpResponse::Ok();
    response
        .insert_header((header::CONTENT_TYPE, mime.essence_str().to_owned()))
        .insert_header((header::CACHE_CONTROL, cache));
    if mime.essence_str() == "text/html"
        && let Ok(value) = HeaderValue::from_str(policy)
    {
        response.insert_header((header::CONTENT_SECURITY_POLICY, value));
    }
    Some(response.body(asset.data.into_owned()))
}

/// Serves a built file, the demo shop at `/demo`, or the console's `index.html` for its routes.
pub async fn serve(state: web::Data<AppState>, request: HttpRequest) -> HttpResponse {
    let policy = content_security_policy(&state.chat_socket_url);
    let path = request.path().trim_start_matches('/');
    let readable = matches!(*request.method(), Method::GET | Method::HEAD);
    if !readable || path.starts_with("api/") {
        return ApiError::NotFound("route").error_response();
    }
    if path == "demo" || path == "demo/" {
        return demo(&state, &request, &policy).await;
    }
    if path.starts_with("assets/") {
        return file(path, "public, max-age=31536000, immutable", &policy)
            .unwrap_or_else(|| ApiError::NotFound("file").error_response());
    }
    if let Some(response) = (!path.is_empty())
        .then(|| file(path, "public, max-age=3600", &policy))
        .flatten()
    {
        return response;
    }
    file("index.html", "no-cache", &policy).unwrap_or_else(not_built)
}

fn not_built() -> HttpResponse {
    HttpResponse::build(StatusCode::SERVICE_UNAVAILABLE)
        .content_type("text/plain; charset=utf-8")
        .body(
            "The web console has not been built. Run ./scripts/run (it builds web/ with npm), \
             or `npm ci && npm run build` in web/.\n\
             网页控制台尚未构建。请运行 ./scripts/run。\n",
        )
}

/// The demo shop, carrying the first widget allowed on the site it is opened from; without
/// one, it says how to make one.
async fn demo(state: &AppState, request: &HttpRequest, policy: &str) -> HttpResponse {
    let Some(page) = Assets::get("demo.html") else {
        return not_built();
    };
    let site = {
        let info = request.connection_info();
        format!("{}://{}", info.scheme(), info.host())
    };
    let widgets = state
        .app
        .store
        .read(kefu_store::chat::widgets::list)
        .await
        .unwrap_or_default();
    let html = String::from_utf8_lossy(&page.data).into_owned();
    let html = match widgets.iter().find(|w| w.allows(&site)) {
        Some(widget) => html.replace("__KEFU_WIDGET__", &widget.id.to_string()),
        None => html
            .replace("id=\"no-widget\" hidden", "id=\"no-widget\"")
            .replace(
                "<script src=\"/widget.js\" data-kefu-widget=\"__KEFU_WIDGET__\" async></script>",
                "",
            ),
    };
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header((header::CONTENT_SECURITY_POLICY, policy.to_owned()))
        .body(html)
}
