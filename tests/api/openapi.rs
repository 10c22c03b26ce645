//! The OpenAPI document is generated from the code; the snapshot makes changes reviewable.

use kefu_testkit::{TestApp, TestDb};
use reqwest::StatusCode;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openapi_document_is_served_and_reviewed() {
    let app = TestApp::start(TestDb::sqlite().await).await;
    let (status, document) = app.anonymous().get("/api/v1/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(document["openapi"], "3.1.0");
    for path in [
        "/api/v1/tickets",
        "/api/v1/tickets/{id}/calls",
        "/api/v1/auth/login",
        "/api/v1/customers",
    ] {
        assert!(
            document["paths"].get(path).is_some(),
            "{path} is documented"
        );
    }
    let mut operation_ids: Vec<&str> = document["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|item| item.as_object().unwrap().values())
        .filter_map(|operation| operation["operationId"].as_str())
        .collect();
    let count = operation_ids.len();
    operation_ids.sort();
    operation_ids.dedup();
    assert_eq!(
        operation_ids.len(),
        count,
        "operation ids are unique: {operation_ids:?}"
    );
    insta::assert_json_snapshot!("openapi", document, {".info.version" => "[version]"});
}
