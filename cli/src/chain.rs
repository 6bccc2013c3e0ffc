//! Talking to a node: JSON-RPC calls, signed transactions and their fate.

use std::time::Duration;

use codec::Decode;
use jsonrpsee::{
	core::{client::ClientT, params::ArrayParams, ClientError},
	http_client::{HttpClient, HttpClientBuilder},
	rpc_params,
};
use serde_json::Value;
use sp_core::sr25519;
use subxt::{OnlineClient, PolkadotConfig};
use tokio::sync::OnceCell;
use veritas_runtime::RuntimeCall;

pub use crate::transactions::Included;

/// A node, over its JSON-RPC endpoint.
pub struct Chain {
	http: HttpClient,
	url: String,
	/// Whether the node runs a development chain (`system_chainType`).
	pub is_development: bool,
	/// The node over WebSocket, for transactions: made at the first.
	subxt: OnceCell<OnlineClient<PolkadotConfig>>,
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
		let mut chain = Self { http, url: http_url, is_development: false, subxt: OnceCell::new() };
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
	/// returns its events, or the chain's error in one line. The call is sent
	/// by its names through the node's metadata ([`crate::transactions`]).
	pub async fn submit(
		&self,
		call: RuntimeCall,
		signer: &sr25519::Pair,
	) -> Result<Included, String> {
		let client = self
			.subxt
			.get_or_try_init(|| async {
				OnlineClient::<PolkadotConfig>::from_url(self.ws_url())
					.await
					.map_err(|e| format!("node unreachable over WebSocket: {e}"))
			})
			.await?;
		let account = veritas_primitives::AccountId::from(sp_core::Pair::public(signer));
		let nonce: u64 =
			self.call("system_accountNextIndex", rpc_params![account.to_string()]).await?;
		let best = self.best_number().await?;
		crate::transactions::submit(client, &call, signer, best, nonce).await
	}

	/// The number of the node's best block.
	pub async fn best_number(&self) -> Result<u32, String> {
		let head: Value = self.call("chain_getHeader", rpc_params![]).await?;
		head["number"]
			.as_str()
			.and_then(|n| u32::from_str_radix(n.trim_start_matches("0x"), 16).ok())
			.ok_or_else(|| "the node sent no best block".to_string())
	}
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
