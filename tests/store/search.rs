//! Full-text search through each backend's index, Chinese included.

use kefu_domain::message::Visibility;
use kefu_store::dialect::{self, SearchScope};
use kefu_store::search::{SearchDocument, SearchQuery};
use kefu_store::tickets::{self, TicketFilter, TicketSort};
use kefu_store::{DbConnection, StoreError};
use kefu_testkit::test_both;

use crate::fixtures::{people, ticket};

fn found(conn: &mut DbConnection, q: &str, scope: SearchScope) -> Vec<String> {
    let filter = TicketFilter {
        text: Some((SearchQuery::parse(q).unwrap(), scope)),
        ..TicketFilter::default()
    };
    let mut subjects: Vec<String> = tickets::list(conn, &filter, TicketSort::Updated, None, 50)
        .unwrap()
        .items
        .into_iter()
        .map(|t| t.subject)
        .collect();
    subjects.sort();
    subjects
}

test_both! {
    async fn search_finds_chinese_and_english_words(db: TestDb) {
        db.store.write(|conn| {
            let (requester, _, _) = people(conn);
            let texts = [
                ("申请退货", vec![(Visibility::Public, "屏幕碎了，想退货")]),
                ("Refund for order SO-1042", vec![(Visibility::Public, "The parcel arrived damaged")]),
                ("发票问题", vec![(Visibility::Internal, "内部备注：客户是VIP")]),
                ("Quote request", vec![(Visibility::Public, "需要 20 台 X200 笔记本的报价")]),
            ];
            for (subject, body) in &texts {
                let t = ticket(conn, requester, subject, 1);
                tickets::insert(conn, &t)?;
                dialect::write_search_documents(conn, &[SearchDocument::new(&t, body)])?;
            }
            let all = SearchScope::All;
            assert_eq!(found(conn, "退货", all), ["申请退货"]);
            assert_eq!(found(conn, "屏幕", all), ["申请退货"]);
            assert_eq!(found(conn, "货", all), ["申请退货"]);
            assert_eq!(found(conn, "退款", all), Vec::<String>::new());
            assert_eq!(found(conn, "refu", all), ["Refund for order SO-1042"]);
            assert_eq!(found(conn, "REFUND damaged", all), ["Refund for order SO-1042"]);
            assert_eq!(found(conn, "refund 退货", all), Vec::<String>::new());
            assert_eq!(found(conn, "x200 报价", all), ["Quote request"]);
            assert_eq!(found(conn, "VIP", all), ["发票问题"]);
            assert_eq!(found(conn, "VIP", SearchScope::Public), Vec::<String>::new());
            assert_eq!(found(conn, "发票", SearchScope::Public), ["发票问题"]);
            Ok::<_, StoreError>(())
        }).await.unwrap();
    }
}

test_both! {
    async fn rewriting_a_document_replaces_its_terms(db: TestDb) {
        db.store.write(|conn| {
            let (requester, _, _) = people(conn);
            let mut t = ticket(conn, requester, "Printer jam", 1);
            tickets::insert(conn, &t)?;
            dialect::write_search_documents(conn, &[SearchDocument::new(&t, &[])])?;
            assert_eq!(found(conn, "printer", SearchScope::All), ["Printer jam"]);
            t.subject = "标签打印机卡纸".into();
            tickets::save(conn, &t)?;
            dialect::write_search_documents(conn, &[SearchDocument::new(&t, &[])])?;
            assert_eq!(found(conn, "printer", SearchScope::All), Vec::<String>::new());
            assert_eq!(found(conn, "卡纸", SearchScope::All), ["标签打印机卡纸"]);
            Ok::<_, StoreError>(())
        }).await.unwrap();
    }
}
