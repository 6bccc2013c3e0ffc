//! `oracle_*`: data feeds, their latest values, and data nodes, answered
//! from the runtime's `OracleApi` at the node's best block.

use jsonrpsee::{core::RpcResult, proc_macros::rpc};
use serde::{Deserialize, Serialize};
use veritas_primitives::{
	oracle::{FeedId, RoundId},
	BlockNumber,
};

use crate::Amount;

/// Error codes of the `oracle_*` methods.
pub mod codes {
	pub const UNKNOWN_FEED: i32 = 4101;
	pub const NO_VALUE: i32 = 4102;
	pub const BAD_ACCOUNT: i32 = 4103;
	pub const RUNTIME: i32 = 4110;
}

#[rpc(server, client, namespace = "oracle")]
pub trait OracleApi {
	/// A feed: its source, parameters, open round and latest value.
	#[method(name = "getFeed", blocking)]
	fn get_feed(&self, feed: FeedId) -> RpcResult<FeedInfo>;

	/// Feeds from id `start` on, at most `limit` (256).
	#[method(name = "listFeeds", blocking)]
	fn list_feeds(&self, start: Option<FeedId>, limit: Option<u32>) -> RpcResult<Vec<FeedInfo>>;

	/// A feed's latest value.
	#[method(name = "latest", blocking)]
	fn latest(&self, feed: FeedId) -> RpcResult<Reading>;

	/// A data node (by SS58 account), or `None` for an account that is not
	/// one.
	#[method(name = "getDataNode", blocking)]
	fn get_data_node(&self, account: String) -> RpcResult<Option<DataNodeInfo>>;
}

/// A feed's value at the close of a round.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Reading {
	/// The on-chain integer, as a decimal string (it is an `i128`).
	pub value: String,
	pub decimals: u8,
	/// The number in decimal notation: `6412345` with 2 decimals is
	/// `64123.45`.
	pub display: String,
	pub round: RoundId,
	/// The block the round closed in.
	pub updated_at: BlockNumber,
	/// How many data nodes' reports it is the median of.
	pub reporters: u32,
}

/// `oracle_getFeed`: a feed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FeedInfo {
	pub id: FeedId,
	pub name: String,
	pub source_url: String,
	pub json_path: String,
	pub decimals: u8,
	pub heartbeat_blocks: BlockNumber,
	pub min_reporters: u32,
	/// SS58; `None` for a feed created by root.
	pub owner: Option<String>,
	pub deposit: Amount,
	pub created_at: BlockNumber,
	pub round: Option<Round>,
	pub latest: Option<Reading>,
}

/// A feed's open round.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Round {
	pub round: RoundId,
	pub opened_at: BlockNumber,
	pub ends_at: BlockNumber,
	/// Reports so far.
	pub reports: u32,
	/// The value it closed with, once enough reported (a decimal string).
	pub closed_with: Option<String>,
}

/// `oracle_getDataNode`: a data node.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DataNodeInfo {
	pub stake: Amount,
	pub reputation: u32,
	pub strikes: u32,
	pub registered_at: BlockNumber,
	pub status: DataNodeState,
}

/// `"active"`, or `{"unbonding": {"until": block}}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum DataNodeState {
	Active,
	Unbonding { until: BlockNumber },
}
