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
	/// No feed has this id.
	Unknown,
	/// The feed was retired.
	Retired,
	/// No round of the feed has closed with a value yet.
	NoValue,
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
