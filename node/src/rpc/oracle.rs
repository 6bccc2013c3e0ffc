//! `oracle_*`: data feeds, their open rounds and latest values, and data
//! nodes, answered from the runtime's `OracleApi` at the best block.
//!
//! Feed values are decimal strings of the on-chain integer (they overflow
//! JavaScript numbers), with the feed's `decimals` beside them and the
//! number itself as a decimal string in `display`.

use std::sync::Arc;

use jsonrpsee::core::RpcResult;
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use veritas_primitives::{
	oracle::{FeedId, FeedReading, OracleApi, MAX_FEEDS_PER_PAGE},
	stake::StakeStatus,
	AccountId, Balance, BlockNumber,
};
use veritas_rpc_api::{
	error,
	oracle::{codes, DataNodeInfo, DataNodeState, FeedInfo, OracleApiServer, Reading, Round},
};
use veritas_runtime::opaque::Block;

type Hash = <Block as sp_runtime::traits::Block>::Hash;

/// The `oracle_*` methods.
pub struct Oracle<C> {
	client: Arc<C>,
}

impl<C> Oracle<C> {
	pub fn new(client: Arc<C>) -> Self {
		Self { client }
	}
}

/// A reading as the RPC shows it: the integer, its decimals, and the number
/// in decimal notation.
pub fn reading(reading: &FeedReading<BlockNumber>) -> Reading {
	Reading {
		value: reading.value.to_string(),
		decimals: reading.decimals,
		display: display(reading.value, reading.decimals),
		round: reading.round,
		updated_at: reading.updated_at,
		reporters: reading.reporters,
	}
}

/// `6412345` with 2 decimals is "64123.45".
fn display(value: i128, decimals: u8) -> String {
	let digits = value.unsigned_abs().to_string();
	let decimals = usize::from(decimals);
	let padded = format!("{digits:0>width$}", width = decimals + 1);
	let (whole, fraction) = padded.split_at(padded.len() - decimals);
	let sign = if value < 0 { "-" } else { "" };
	if fraction.is_empty() {
		format!("{sign}{whole}")
	} else {
		format!("{sign}{whole}.{fraction}")
	}
}

impl<C> Oracle<C>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: OracleApi<Block, AccountId, Balance, BlockNumber>,
{
	/// A feed, read at block `at`.
	fn feed_info(&self, at: Hash, feed: FeedId) -> RpcResult<Option<FeedInfo>> {
		let view = self
			.client
			.runtime_api()
			.feed(at, feed)
			.map_err(|e| error(codes::RUNTIME, format!("runtime API: {e}")))?;
		Ok(view.map(|view| {
			let record = &view.feed;
			let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
			FeedInfo {
				id: feed,
				name: text(&record.name),
				source_url: text(&record.source_url),
				json_path: text(&record.json_path),
				decimals: record.decimals,
				heartbeat_blocks: record.heartbeat_blocks,
				min_reporters: record.min_reporters,
				owner: record.owner.as_ref().map(|owner| owner.to_string()),
				deposit: record.deposit.into(),
				created_at: record.created_at,
				round: view.round.map(|round| Round {
					round: round.round,
					opened_at: round.opened_at,
					ends_at: round.ends_at,
					reports: round.reports,
					closed_with: round.closed_with.map(|value| value.to_string()),
				}),
				latest: view.latest.as_ref().map(reading),
			}
		}))
	}
}

impl<C> OracleApiServer for Oracle<C>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: OracleApi<Block, AccountId, Balance, BlockNumber>,
{
	fn get_feed(&self, feed: FeedId) -> RpcResult<FeedInfo> {
		self.feed_info(self.client.info().best_hash, feed)?
			.ok_or_else(|| error(codes::UNKNOWN_FEED, format!("no feed {feed}")))
	}

	fn list_feeds(&self, start: Option<FeedId>, limit: Option<u32>) -> RpcResult<Vec<FeedInfo>> {
		let best = self.client.info().best_hash;
		let limit = limit.unwrap_or(MAX_FEEDS_PER_PAGE).min(MAX_FEEDS_PER_PAGE);
		let ids = self
			.client
			.runtime_api()
			.feeds(best, start.unwrap_or(0), limit)
			.map_err(|e| error(codes::RUNTIME, format!("runtime API: {e}")))?;
		// Every feed from the same block as the list.
		let mut feeds = Vec::with_capacity(ids.len());
		for id in ids {
			feeds.extend(self.feed_info(best, id)?);
		}
		Ok(feeds)
	}

	fn latest(&self, feed: FeedId) -> RpcResult<Reading> {
		self.feed_info(self.client.info().best_hash, feed)?
			.ok_or_else(|| error(codes::UNKNOWN_FEED, format!("no feed {feed}")))?
			.latest
			.ok_or_else(|| error(codes::NO_VALUE, format!("feed {feed} has no value yet")))
	}

	fn get_data_node(&self, account: String) -> RpcResult<Option<DataNodeInfo>> {
		use sp_core::crypto::Ss58Codec;
		let who = AccountId::from_ss58check(&account).map_err(|e| {
			error(codes::BAD_ACCOUNT, format!("{account}: not an SS58 account: {e:?}"))
		})?;
		let best = self.client.info().best_hash;
		let node = self
			.client
			.runtime_api()
			.data_node(best, who)
			.map_err(|e| error(codes::RUNTIME, format!("runtime API: {e}")))?;
		Ok(node.map(|node| DataNodeInfo {
			stake: node.stake.into(),
			reputation: node.reputation,
			strikes: node.strikes,
			registered_at: node.registered_at,
			status: match node.status {
				StakeStatus::Active => DataNodeState::Active,
				StakeStatus::Unbonding { until } => DataNodeState::Unbonding { until },
			},
		}))
	}
}

#[cfg(test)]
mod tests {
	use super::display;

	#[test]
	fn values_display_with_their_decimals() {
		assert_eq!(display(6_412_345, 2), "64123.45");
		assert_eq!(display(-5, 3), "-0.005");
		assert_eq!(display(42, 0), "42");
		assert_eq!(display(0, 2), "0.00");
		assert_eq!(display(i128::MIN, 18), "-170141183460469231731.687303715884105728");
	}
}
