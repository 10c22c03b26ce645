//! Photos and files in chats: the visitor sends a picture of the broken product from the
//! widget's website over HTTP; the agent's socket and the visitor's own get it as a line with
//! a thumbnail; the same upload sent again is stored once; the file is typed by its bytes,
//! size-capped, and served so that it can never run as a page.

use std::io::Cursor;

use kefu_api_types::chat::{ClientFrame, Resume, ServerFrame};
use kefu_domain::chat::Sequence;
use kefu_store::chat::lines;
use kefu_testkit::test_both;
use reqwest::StatusCode;
use serde_json::Value;

use crate::protocol::{line, start};
use crate::support::{Harness, SHOP};

/// A photo as a phone would send it: a JPEG, 1200 × 900 pixels.
fn photo() -> Vec<u8> {
    let picture = image::RgbImage::from_fn(1200, 900, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
    });
    let mut out = Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(picture)
        .write_to(&mut out, image::ImageFormat::Jpeg)
        .unwrap();
    out.into_inner()
}

async fn send(
    base: &str,
    token: &str,
    origin: &str,
    query: &str,
    body: Vec<u8>,
) -> (StatusCode, reqwest::header::HeaderMap, Value) {
    let response = reqwest::Client::new()
        .post(format!("{base}/api/v1/chat/files?{query}"))
        .header("Authorization", format!("Bearer {token}"))
        .header("Origin", origin)
        .header("Content-Type", "image/png")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.json().await.unwrap_or(Value::Null);
    (status, headers, body)
}

test_both! {
    async fn a_visitor_sends_a_photo_and_the_agent_sees_it_live_with_a_thumbnail(db: TestDb) {
        let h = Harness::start(db).await;
        let base = h.api().await;
        let li = h.agent("li@example.com", "Li Na", &[h.team]).await;
        let (mut agent, _) = h.agent_socket(li).await;
        let key = "p".repeat(43);
        let token = h.visitor_token(&key).await;
        let mut visitor = h.visitor(&key, Vec::new()).await;
        visitor.send(&start(Some("My kettle arrived cracked"))).await;
        let ServerFrame::Started { ticket, .. } = visitor.next_where(|f| matches!(f, ServerFrame::Started { .. })).await else { panic!() };
        agent.next_where(|f| matches!(f, ServerFrame::Offered { .. })).await;
        agent.send(&ClientFrame::Accept { ticket }).await;
        visitor.next_where(|f| matches!(f, ServerFrame::Assigned { .. })).await;

        let bytes = photo();
        let (status, headers, sent) = send(&base, &token, SHOP, "client_id=photo-1&name=C%3A%5Cfakepath%5Ckettle.jpg", bytes.clone()).await;
        assert_eq!(status, StatusCode::CREATED, "{sent}");
        assert_eq!(headers["access-control-allow-origin"], SHOP);
        assert_eq!(sent["seq"], 3, "after the first line and the note that Li joined");
        let file = &sent["file"];
        assert_eq!((file["name"].as_str(), file["content_type"].as_str()), (Some("kettle.jpg"), Some("image/jpeg")));
        assert_eq!((file["width"].as_u64(), file["height"].as_u64(), file["size"].as_u64()), (Some(1200), Some(900), Some(bytes.len() as u64)));

        // Both sides get the line live, with the file.
        for client in [&mut agent, &mut visitor] {
            let ServerFrame::Message { seq, files, text, .. } = client.next_where(|f| matches!(f, ServerFrame::Message { seq: 3, .. })).await else { panic!() };
            assert_eq!((seq, text.as_str(), files.len()), (3, "kettle.jpg", 1));
            assert_eq!(files[0].id.to_string(), file["id"].as_str().unwrap());
            assert!(files[0].thumbnail_url.is_some());
        }

        // Sent again (the answer was lost on a train): the same line, stored once.
        let (status, _, again) = send(&base, &token, SHOP, "client_id=photo-1&name=kettle.jpg", bytes.clone()).await;
        assert_eq!(status, StatusCode::OK, "{again}");
        assert_eq!((again["seq"].as_u64(), again["duplicate"].as_bool()), (Some(3), Some(true)));
        assert_eq!(again["file"]["id"], file["id"]);
        let stored = h.app.store.read(move |c| lines::after(c, ticket, Sequence::new(0), 100)).await.unwrap();
        assert_eq!(stored.len(), 3, "the first line, the note that Li joined and the photo, once: {stored:?}");
        // A client id a text line already took is not a file's.
        visitor.send(&line("said-1", "it leaks")).await;
        visitor.next_where(|f| matches!(f, ServerFrame::Ack { .. })).await;
        let (status, _, problem) = send(&base, &token, SHOP, "client_id=said-1&name=kettle.jpg", bytes.clone()).await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::CONFLICT, Some("client_id_taken")));

        // The picture itself, and its thumbnail, for whoever holds the link.
        let client = reqwest::Client::new();
        let url = format!("{base}{}", file["url"].as_str().unwrap());
        let response = client.get(&url).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["content-type"], "image/jpeg");
        assert_eq!(response.headers()["x-content-type-options"], "nosniff");
        assert!(response.headers()["content-security-policy"].to_str().unwrap().contains("sandbox"));
        assert!(response.headers()["content-disposition"].to_str().unwrap().starts_with("inline"));
        assert_eq!(response.bytes().await.unwrap().to_vec(), bytes);
        let thumb = client.get(format!("{base}{}", file["thumbnail_url"].as_str().unwrap())).send().await.unwrap();
        assert_eq!(thumb.status(), StatusCode::OK);
        let thumb = image::load_from_memory(&thumb.bytes().await.unwrap()).unwrap();
        assert_eq!((thumb.width(), thumb.height()), (320, 240));
        let wrong_key = url.replace("key=", "key=x");
        assert_eq!(client.get(&wrong_key).send().await.unwrap().status(), StatusCode::NOT_FOUND);

        // After a reload the line comes back with its file.
        drop(visitor);
        let mut back = h.visitor(&key, vec![Resume { ticket, after: 2 }]).await;
        let ServerFrame::Message { files, .. } = back.next_where(|f| matches!(f, ServerFrame::Message { .. })).await else { panic!() };
        assert_eq!(files[0].name, "kettle.jpg");
    }
}

test_both! {
    async fn files_are_typed_by_their_bytes_capped_and_taken_only_from_the_widgets_websites(db: TestDb) {
        let h = Harness::start(db).await;
        let base = h.api().await;
        let li = h.agent("li@example.com", "Li Na", &[h.team]).await;
        let (_agent, _) = h.agent_socket(li).await;
        let key = "q".repeat(43);
        let token = h.visitor_token(&key).await;
        let mut visitor = h.visitor(&key, Vec::new()).await;
        visitor.send(&start(None)).await;
        visitor.next_where(|f| matches!(f, ServerFrame::Started { .. })).await;

        // A program named like a photo.
        let (status, headers, problem) = send(&base, &token, SHOP, "client_id=f-1&name=photo.jpg", b"MZ\x90\x00\x03\x00\x00\x00".to_vec()).await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_file")));
        assert_eq!(headers["access-control-allow-origin"], SHOP, "the widget can read why");
        // Over 10 MiB.
        let (status, _, problem) = send(&base, &token, SHOP, "client_id=f-2&name=big.jpg", vec![b'a'; 10 * 1024 * 1024 + 1]).await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::PAYLOAD_TOO_LARGE, Some("payload_too_large")));
        // From a page that is not one of the widget's websites.
        let (status, _, problem) = send(&base, &token, "https://evil.example.net", "client_id=f-3&name=a.txt", b"hello".to_vec()).await;
        assert_eq!((status, problem["code"].as_str()), (StatusCode::FORBIDDEN, Some("forbidden")));
        // Without a token.
        let (status, _, _) = send(&base, "nobody", SHOP, "client_id=f-4&name=a.txt", b"hello".to_vec()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let bare = reqwest::Client::new()
            .post(format!("{base}/api/v1/chat/files?client_id=f-6&name=a.txt"))
            .header("Origin", SHOP)
            .body(vec![b'a'; 1024 * 1024])
            .send()
            .await
            .unwrap();
        assert_eq!(bare.status(), StatusCode::UNAUTHORIZED, "refused before its body is read");
        assert_eq!(bare.headers()["access-control-allow-origin"], SHOP);
        // A script named like a document keeps an extension of what it is.
        let (status, _, sent) = send(&base, &token, SHOP, "client_id=f-7&name=invoice.pdf.js", b"alert(1)".to_vec()).await;
        assert_eq!(status, StatusCode::CREATED, "{sent}");
        assert_eq!(sent["file"]["name"], "invoice.pdf.txt");
        // A web page is taken as text, and served as a download that cannot run.
        let (status, _, sent) = send(&base, &token, SHOP, "client_id=f-5&name=order.html", b"<script>alert(1)</script>".to_vec()).await;
        assert_eq!(status, StatusCode::CREATED, "{sent}");
        assert_eq!(sent["file"]["content_type"], "text/plain; charset=utf-8");
        assert_eq!(sent["file"]["name"], "order.txt");
        assert!(sent["file"]["thumbnail_url"].is_null());
        let response = reqwest::get(format!("{base}{}", sent["file"]["url"].as_str().unwrap())).await.unwrap();
        assert_eq!(response.headers()["content-type"], "text/plain; charset=utf-8");
        assert!(response.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
        // The widget's preflight is answered for any page; the request itself is checked.
        let preflight = reqwest::Client::new()
            .request(reqwest::Method::OPTIONS, format!("{base}/api/v1/chat/files"))
            .header("Origin", SHOP)
            .send()
            .await
            .unwrap();
        assert_eq!(preflight.status(), StatusCode::NO_CONTENT);
        assert!(preflight.headers()["access-control-allow-headers"].to_str().unwrap().contains("authorization"));
    }
}
