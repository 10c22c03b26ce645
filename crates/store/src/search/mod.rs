//! Full-text search over tickets: the terms texts are indexed by, the queries users type, the
//! entries each ticket's subject and messages become, the index in each backend, the journal
//! of their changes and the index each node keeps from it, and the snippets shown with
//! results.

pub mod entry;
pub mod index;
pub mod journal;
pub mod node_index;
pub mod query;
pub mod snippet;
pub mod stored;
pub mod terms;

pub use entry::SearchEntry;
pub use node_index::NodeIndex;
pub use query::{QueryTerm, SearchQuery};
pub use snippet::SnippetPart;
