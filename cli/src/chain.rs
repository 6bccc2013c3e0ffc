//! Talking to a node: JSON-RPC calls, signed transactions and their fate.

use std::time::{Duration, Instant};

use codec::{Decode, Encode};
use jsonrpsee::{
	core::{client::ClientT, params::ArrayParams, ClientError},
	http_client::{HttpClient, HttpClientBuilder},
	rpc_params,
};
use serde_json::Value;
use sp_core::{sr25519, Pair, H256};
use veritas_primitives::{AccountId, Nonce};
use veritas_runtime::{RuntimeCall, RuntimeError, RuntimeEvent};

/// A node, over its JSON-RPC endpoint.
pub struct Chain {
	http: HttpClient,
	url: String,
	/// Whether the node runs a development chain (`system_chainType`).
	pub is_development: bool,
}

/// What a transaction did once in a block: its events.
pub struct Included {
	pub events: Vec<RuntimeEvent>,
}

impl Chain {
	/// Connects to `url` (`http://…` or `ws://…`), and checks that a node
	/// answers there, asking it what kind of chain it runs.
	pub async fn connect(url: &str) -> Result<Self, String> {
		let http_url = url.replacen("ws://", "http://", 1).replacen("wss://", "https://", 1);
		let http = HttpClientBuilder::default()
			.request_timeout(Duration::from_secs(30))
			.build(&http_url)
			.map_err(|e| format!("bad node URL {url}: {e}"))?;
		let mut chain = Self { http, url: http_url, is_development: false };
		// The transport's own words (refused, timed out, not JSON-RPC) say
		// what to fix.
		let kind: Value = chain
			.http
			.request("system_chainType", rpc_params![])
			.await
			.map_err(|error| format!("node unreachable at {url}: {}", cause(&error)))?;
		chain.is_development = kind == "Development";
		Ok(chain)
	}

	/// The node's WebSocket URL (same port).
	pub fn ws_url(&self) -> String {
		self.url.replacen("http://", "ws://", 1).replacen("https://", "wss://", 1)
	}

	/// Calls `method`; a JSON-RPC error comes back as its message.
	pub async fn call<T: serde::de::DeserializeOwned>(
		&self,
		method: &str,
		params: ArrayParams,
	) -> Result<T, String> {
		self.http.request(method, params).await.map_err(|error| message(error, method))
	}

	/// The client for the node's typed methods: `veritas_rpc_api`'s
	/// `InferenceApiClient` and `OracleApiClient` calls on it.
	pub fn rpc(&self) -> &HttpClient {
		&self.http
	}

	/// A typed call's answer (`chain.ask(chain.rpc().get_model(0))`); a
	/// JSON-RPC error comes back as its message.
	pub async fn ask<T>(
		&self,
		call: impl std::future::Future<Output = Result<T, ClientError>>,
	) -> Result<T, String> {
		call.await.map_err(|error| message(error, "the node"))
	}

	/// A storage value of the best block, decoded.
	pub async fn storage<T: Decode>(&self, key: &[u8]) -> Result<Option<T>, String> {
		let value: Option<String> = self.call("state_getStorage", rpc_params![hex(key)]).await?;
		value
			.map(|text| {
				T::decode(&mut &unhex(&text)?[..]).map_err(|e| format!("undecodable storage: {e}"))
			})
			.transpose()
	}

	/// Signs `call` as `signer`, submits it, waits until it is in a block and
	/// returns its events, or the chain's error in one line.
	pub async fn submit(
		&self,
		call: RuntimeCall,
		signer: &sr25519::Pair,
	) -> Result<Included, String> {
		let account: AccountId = signer.public().into();
		let nonce: Nonce =
			self.call("system_accountNextIndex", rpc_params![account.to_string()]).await?;
		let genesis: H256 = self.call("chain_getBlockHash", rpc_params![0]).await?;
		let transaction =
			veritas_runtime::signing::signed_transaction(call, signer, nonce, genesis);
		let encoded = hex(&transaction.encode());
		let _: Value = self.call("author_submitExtrinsic", rpc_params![encoded.clone()]).await?;
		self.wait_for_inclusion(&encoded).await
	}

	/// Looks at each new block until one carries `extrinsic`.
	async fn wait_for_inclusion(&self, extrinsic: &str) -> Result<Included, String> {
		let deadline = Instant::now() + Duration::from_secs(60);
		let mut seen = None;
		while Instant::now() < deadline {
			let head: Value = self.call("chain_getHeader", rpc_params![]).await?;
			let number = head["number"]
				.as_str()
				.and_then(|n| u32::from_str_radix(n.trim_start_matches("0x"), 16).ok());
			if number.is_some() && number != seen {
				seen = number;
				// Look back a few blocks, in case several came at once.
				for back in 0..3u32 {
					let Some(at) = number.and_then(|n| n.checked_sub(back)) else { break };
					if let Some(included) = self.find_in_block(at, extrinsic).await? {
						return Ok(included);
					}
				}
			}
			tokio::time::sleep(Duration::from_millis(500)).await;
		}
		Err("the transaction was not included within a minute".into())
	}

	async fn find_in_block(
		&self,
		number: u32,
		extrinsic: &str,
	) -> Result<Option<Included>, String> {
		let hash: Option<H256> = self.call("chain_getBlockHash", rpc_params![number]).await?;
		let Some(hash) = hash else { return Ok(None) };
		let block: Value = self.call("chain_getBlock", rpc_params![hash]).await?;
		let extrinsics = block["block"]["extrinsics"].as_array().cloned().unwrap_or_default();
		let Some(index) = extrinsics.iter().position(|x| x.as_str() == Some(extrinsic)) else {
			return Ok(None);
		};
		let key =
			[sp_io::hashing::twox_128(b"System"), sp_io::hashing::twox_128(b"Events")].concat();
		let raw: Option<String> =
			self.call("state_getStorage", rpc_params![hex(&key), hash]).await?;
		let records: Vec<frame_system_events::EventRecord> = match raw {
			Some(text) => Decode::decode(&mut &unhex(&text)?[..])
				.map_err(|e| format!("undecodable events: {e}"))?,
			None => Vec::new(),
		};
		let mine: Vec<RuntimeEvent> = records
			.into_iter()
			.filter(|record| {
				record.phase == frame_system_events::Phase::ApplyExtrinsic(index as u32)
			})
			.map(|record| record.event)
			.collect();
		for event in &mine {
			if let RuntimeEvent::System(frame_system_events::SystemEvent::ExtrinsicFailed {
				dispatch_error,
				..
			}) = event
			{
				let reason = match RuntimeError::from_dispatch_error(*dispatch_error) {
					Some(error) => format!("{error:?}"),
					None => format!("{dispatch_error:?}"),
				};
				return Err(format!("the chain refused it: {reason}"));
			}
		}
		Ok(Some(Included { events: mine }))
	}
}

/// The runtime's event records, as stored.
mod frame_system_events {
	pub type EventRecord = frame_system::EventRecord<veritas_runtime::RuntimeEvent, sp_core::H256>;
	pub use frame_system::{Event as SystemEventOf, Phase};
	pub type SystemEvent = SystemEventOf<veritas_runtime::Runtime>;
}

/// A JSON-RPC error's own message, or what failed on the way.
fn message(error: ClientError, method: &str) -> String {
	match error {
		ClientError::Call(call) => call.message().to_string(),
		other => format!("{method}: {other}"),
	}
}

pub fn hex(bytes: &[u8]) -> String {
	format!("0x{}", veritas_engine::digest::to_hex(bytes))
}

pub fn unhex(text: &str) -> Result<Vec<u8>, String> {
	veritas_engine::proof::from_hex(text)
}

/// An error and each error beneath it, innermost last, without repeats: a
/// transport error's own message rarely names the socket's.
fn cause(error: &(dyn std::error::Error + 'static)) -> String {
	let mut words: Vec<String> = Vec::new();
	let mut next = Some(error);
	while let Some(error) = next {
		let said = error.to_string();
		if !words.iter().any(|earlier| earlier.contains(&said)) {
			words.push(said);
		}
		next = error.source();
	}
	words.join(": ")
}
