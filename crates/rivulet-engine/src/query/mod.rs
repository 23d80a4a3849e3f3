//! Running queries: decoding source records into rows, transient push queries that filter and
//! project them and hand rows to a client until it goes, and persistent queries that write them
//! to a sink topic until terminated.

pub mod persistent;
pub mod push;
pub mod row_decoder;
pub mod row_encoder;
pub mod shared;
pub mod shared_feed;

pub use push::{PushQuery, StartFrom};
pub use row_decoder::RowDecoder;
pub use row_encoder::RowEncoder;
pub use shared::{SharedPushQueries, Subscription};
pub use shared_feed::{Batch, Delivery, Encode, FeedPolicy, FeedSubscription};
