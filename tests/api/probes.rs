//! Health, readiness and metrics.

use kefu_testkit::{TestApp, test_both};
use reqwest::StatusCode;

test_both! {
    async fn probes_and_metrics_answer(db: TestDb) {
        let app = TestApp::start(db).await;
        let client = app.anonymous();
        assert_eq!(client.get("/healthz").await, (StatusCode::OK, serde_json::json!({"status": "ok"})));
        let (status, ready) = client.get("/readyz").await;
        assert_eq!((status, ready["status"].as_str()), (StatusCode::OK, Some("ready")));
        let (status, metrics) = client.get("/metrics").await;
        assert_eq!(status, StatusCode::OK);
        let text = metrics.as_str().unwrap();
        assert!(text.contains("kefu_http_requests_total{method=\"GET\",route=\"/readyz\",status=\"200\"} 1"), "{text}");
        assert!(text.contains("kefu_db_pool_connections"), "{text}");
    }
}
