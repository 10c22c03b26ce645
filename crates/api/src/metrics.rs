//! Prometheus metrics: requests by route and status, their latency, and the connection pool.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use kefu_domain::role::Role;
use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGaugeVec, Opts, Registry, TextEncoder,
};

use crate::auth::session::Auth;
use crate::error::ApiError;
use crate::state::AppState;

/// The metrics Kefu's API exports.
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    pool: IntGaugeVec,
}

impl Metrics {
    /// Registers Kefu's metrics in a fresh registry.
    pub fn new() -> Result<Self, prometheus::Error> {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new("kefu_http_requests_total", "HTTP requests answered"),
            &["method", "route", "status"],
        )?;
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "kefu_http_request_duration_seconds",
                "Time to answer an HTTP request",
            )
            .buckets(vec![
                0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
            ]),
            &["method", "route"],
        )?;
        let pool = IntGaugeVec::new(
            Opts::new(
                "kefu_db_pool_connections",
                "Database connections in the pool",
            ),
            &["state"],
        )?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(latency.clone()))?;
        registry.register(Box::new(pool.clone()))?;
        Ok(Self {
            registry,
            requests,
            latency,
            pool,
        })
    }

    fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        self.requests
            .with_label_values(&[method, route, &status.to_string()])
            .inc();
        self.latency
            .with_label_values(&[method, route])
            .observe(seconds);
    }
}

/// Middleware recording each request under its route pattern (not its raw path).
pub async fn record(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let method = request.method().as_str().to_owned();
    let route = request
        .match_pattern()
        .unwrap_or_else(|| "unmatched".to_owned());
    let state = request.app_data::<web::Data<AppState>>().cloned();
    let response = next.call(request).await?;
    if let Some(state) = state {
        state.metrics.observe(
            &method,
            &route,
            response.status().as_u16(),
            started.elapsed().as_secs_f64(),
        );
    }
    Ok(response)
}

/// Whether the request may read the metrics: a client on this machine, a scraper with the
/// configured token, or a signed-in admin.
fn may_read(state: &AppState, request: &HttpRequest, auth: Option<&Auth>) -> bool {
    // A proxy on this machine makes every client look local, so a forwarded request is never
    // taken for one from this machine.
    let forwarded = request.headers().contains_key("x-forwarded-for")
        || request.headers().contains_key(header::FORWARDED);
    let local = !forwarded
        && crate::client::address(request, &state.trusted_proxies)
            .is_some_and(|ip| ip.is_loopback());
    let scraper = state.config.metrics_token.as_deref().is_some_and(|token| {
        request
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .is_some_and(|sent| kefu_app::tokens::equal(sent.trim(), token))
    });
    local || scraper || auth.is_some_and(|a| a.actor.role == Role::Admin)
}

/// `GET /metrics`: the Prometheus text format, for this machine, the configured scraper token
/// and admins.
pub async fn export(
    state: web::Data<AppState>,
    request: HttpRequest,
    auth: Option<Auth>,
) -> HttpResponse {
    if !may_read(&state, &request, auth.as_ref()) {
        return ApiError::Forbidden(
            "metrics are served to this machine, the configured scraper token and admins".into(),
        )
        .error_response();
    }
    let (open, idle) = state.app.store.pool_state();
    state
        .metrics
        .pool
        .with_label_values(&["open"])
        .set(i64::from(open));
    state
        .metrics
        .pool
        .with_label_values(&["idle"])
        .set(i64::from(idle));
    let mut buffer = Vec::new();
    match TextEncoder::new().encode(&state.metrics.registry.gather(), &mut buffer) {
        Ok(()) => HttpResponse::Ok()
            .content_type("text/plain; version=0.0.4; charset=utf-8")
            .body(buffer),
        Err(error) => {
            tracing::error!(%error, "encoding metrics failed");
            HttpResponse::InternalServerError().finish()
        }
    }
}
