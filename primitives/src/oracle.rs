//! Data feeds: outside numbers (prices, rates, scores) that data nodes bring
//! on-chain and that inference requests can take as input.
//!
//! pallet-oracle implements [`DataFeeds`]; pallet-inference reads a feed's
//! latest value through it when a request names one, and never touches the
//! oracle's storage.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_core::ConstU32;
use sp_runtime::BoundedVec;

use crate::stake::StakeStatus;

/// Identifies a data feed.
pub type FeedId = u32;

/// Numbers a feed's rounds, from 0.
pub type RoundId = u32;

/// A feed's value as a fixed-point integer: the number times
/// 10^`decimals`. Signed, because rates and returns can be negative.
pub type FeedValue = i128;

/// The most decimals a feed may have: 10^18 still fits an `i128` with
/// twenty integer digits to spare.
pub const MAX_FEED_DECIMALS: u8 = 18;

/// The longest feed name, in bytes.
pub const MAX_FEED_NAME_LENGTH: u32 = 64;

/// The longest source URL, in bytes.
pub const MAX_SOURCE_URL_LENGTH: u32 = 256;

/// The longest JSON path, in bytes.
pub const MAX_JSON_PATH_LENGTH: u32 = 128;

/// A feed's name, for people: "BTC/USD", "ECB deposit rate".
pub type FeedName = BoundedVec<u8, ConstU32<MAX_FEED_NAME_LENGTH>>;

/// Where data nodes fetch a feed: an `http://` or `https://` URL answering
/// JSON.
pub type SourceUrl = BoundedVec<u8, ConstU32<MAX_SOURCE_URL_LENGTH>>;

/// Where the number sits in the answer, for example `$.data.price` or
/// `rates[0].value` (see pallet-oracle's `source` module).
pub type JsonPath = BoundedVec<u8, ConstU32<MAX_JSON_PATH_LENGTH>>;

/// A feed's latest closed round, as consumers read it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub struct FeedReading<BlockNumber> {
	/// The stake-weighted median of the round's reports, times
	/// 10^`decimals`.
	pub value: FeedValue,
	pub decimals: u8,
	/// The round that closed with this value.
	pub round: RoundId,
	/// The block in which the round closed.
	pub updated_at: BlockNumber,
	/// How many data nodes' reports the value is the median of.
	pub reporters: u32,
}

impl<BlockNumber> FeedReading<BlockNumber> {
	/// The value as an `f32`, the way a tabular model takes it: the integer
	/// divided by 10^`decimals`.
	///
	/// Floats are safe here although this runs in the runtime: an integer
	/// to float conversion and one division are IEEE 754 operations with a
	/// single correctly rounded result on every platform, WASM included, and
	/// no NaN can arise from a finite value over a power of ten.
	pub fn as_f32(&self) -> f32 {
		let scale = 10u64.saturating_pow(self.decimals.min(MAX_FEED_DECIMALS).into());
		(self.value as f64 / scale as f64) as f32
	}
}

/// Why a feed cannot be read.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum FeedError {
	/// No feed has this id (or it was retired).
	Unknown,
	/// No round of the feed has closed with a value yet.
	NoValue,
}

/// A data feed: where data nodes fetch it and how its rounds close.
#[derive(Clone, PartialEq, Eq, Debug)]
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub struct Feed<AccountId, Balance, BlockNumber> {
	pub name: FeedName,
	pub source_url: SourceUrl,
	pub json_path: JsonPath,
	/// The value on-chain is the number times 10^`decimals`.
	pub decimals: u8,
	/// How long a round stays open: a round closes early once
	/// `min_reporters` have reported, and in any case when this ends.
	pub heartbeat_blocks: BlockNumber,
	pub min_reporters: u32,
	/// Who created the feed and holds its deposit; `None` for feeds that
	/// governance created.
	pub owner: Option<AccountId>,
	pub deposit: Balance,
	pub created_at: BlockNumber,
}

/// A feed's open round, as the runtime API shows it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub struct RoundSummary<BlockNumber> {
	pub round: RoundId,
	pub opened_at: BlockNumber,
	/// When the round ends and the next one opens.
	pub ends_at: BlockNumber,
	/// How many data nodes have reported.
	pub reports: u32,
	/// The value it closed with, if enough nodes reported before its end.
	pub closed_with: Option<FeedValue>,
}

/// A feed with its open round and latest value.
#[derive(Clone, PartialEq, Eq, Debug)]
#[derive(Encode, Decode, DecodeWithMemTracking, TypeInfo)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub struct FeedView<AccountId, Balance, BlockNumber> {
	pub feed: Feed<AccountId, Balance, BlockNumber>,
	pub round: Option<RoundSummary<BlockNumber>>,
	pub latest: Option<FeedReading<BlockNumber>>,
}

/// A registered data node.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub struct DataNode<Balance, BlockNumber> {
	/// Held; it weighs the node's reports in the median.
	pub stake: Balance,
	/// Up one for each report within the band of its round's value, down
	/// one for each outside it.
	pub reputation: u32,
	/// Rounds in a row the node was out of band or silent; at the runtime's
	/// limit it is slashed and the count starts again.
	pub strikes: u32,
	pub registered_at: BlockNumber,
	pub status: StakeStatus<BlockNumber>,
}

/// The key, in a node's persistent off-chain storage, of the flag that a
/// node started with `--data-node` sets to `true` (SCALE `bool`): the data
/// node's off-chain worker runs only when it is set.
pub const DATA_NODE_ENABLED_KEY: &[u8] = b"veritas::data-node::enabled";

/// The key, in a node's persistent off-chain storage, of the flag that a
/// node started with `--data-node-allow-private` sets to `true`: its data
/// node may then fetch sources on private, loopback and link-local
/// addresses.
pub const DATA_NODE_ALLOW_PRIVATE_KEY: &[u8] = b"veritas::data-node::allow-private";

/// The most feed ids one call of `OracleApi::feeds` returns.
pub const MAX_FEEDS_PER_PAGE: u32 = 256;

sp_api::decl_runtime_apis! {
	/// What dApps and tools ask the runtime about data feeds.
	pub trait OracleApi<AccountId, Balance, BlockNumber> where
		AccountId: codec::Codec,
		Balance: codec::Codec,
		BlockNumber: codec::Codec,
	{
		/// A feed's latest value, and the round and block it is from.
		fn latest(feed: FeedId) -> Option<FeedReading<BlockNumber>>;

		/// A feed, its open round and its latest value.
		fn feed(feed: FeedId) -> Option<FeedView<AccountId, Balance, BlockNumber>>;

		/// Feed ids from `start` on, at most `limit` (capped at
		/// [`MAX_FEEDS_PER_PAGE`]).
		fn feeds(start: FeedId, limit: u32) -> alloc::vec::Vec<FeedId>;

		/// A data node's record.
		fn data_node(who: AccountId) -> Option<DataNode<Balance, BlockNumber>>;
	}
}

/// What other pallets may ask of the data feeds.
pub trait DataFeeds<BlockNumber> {
	/// The feed's latest value, and the round and block it is from.
	fn latest(feed: FeedId) -> Result<FeedReading<BlockNumber>, FeedError>;
}

/// A runtime without data feeds: every feed is unknown.
impl<BlockNumber> DataFeeds<BlockNumber> for () {
	fn latest(_: FeedId) -> Result<FeedReading<BlockNumber>, FeedError> {
		Err(FeedError::Unknown)
	}
}

/// What a request recorded of the feed it took as input, so that the
/// executor, the verifiers and anyone later see which value was used.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub struct FeedInput<BlockNumber> {
	pub feed: FeedId,
	/// The reading the request was made with.
	pub reading: FeedReading<BlockNumber>,
	/// Where in the feature vector the value went.
	pub position: u16,
}
