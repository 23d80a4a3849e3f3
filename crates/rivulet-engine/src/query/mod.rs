//! Running queries: decoding source records into rows, transient push queries that filter and
//! project them and hand rows to a client until it goes, persistent queries that write them
//! to a sink topic until terminated, and PRINT of a topic's raw records.

pub mod aggregate_runner;
pub mod persistent;
pub mod print;
pub mod pull;
pub mod push;
pub mod push_aggregate;
pub mod record_formatter;
pub mod repartition;
pub mod row_decoder;
pub mod row_encoder;
pub mod shared;
pub mod shared_feed;
pub mod tombstone;

pub use print::PrintQuery;
pub use pull::PullQuery;
pub use push::{PushQuery, StartFrom};
pub use row_decoder::RowDecoder;
pub use row_encoder::RowEncoder;
pub use shared::{SharedPushQueries, Subscription};
pub use shared_feed::{Batch, Delivery, Encode, FeedPolicy, FeedSubscription};
pub use tombstone::PushItem;

/// What a statement on a query endpoint runs: a push query's rows, a pull query's finite
/// result or PRINT's text lines.
pub enum QueryStream {
    Push(PushQuery),
    Pull(PullQuery),
    Print(PrintQuery),
}
