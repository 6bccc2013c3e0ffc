//! A JSON-RPC proxy in front of a real node that passes the calls of a
//! light client through and falsifies one kind of answer: the node a light
//! client must not believe. It serves HTTP and WebSocket on one port, as the
//! node does.

use jsonrpsee::{
	core::{
		client::{ClientT, SubscriptionClientT},
		params::ArrayParams,
		ClientError,
	},
	http_client::{HttpClient, HttpClientBuilder},
	server::{PendingSubscriptionSink, RpcModule, Server, ServerHandle, SubscriptionMessage},
	types::ErrorObjectOwned,
	ws_client::WsClientBuilder,
};
use serde_json::{json, Value};

/// The calls relayed: what `veritas verify` asks.
const METHODS: [&str; 7] = [
	"system_chainType",
	"chain_getBlockHash",
	"chain_getHeader",
	"chain_getBlock",
	"chain_getFinalizedHead",
	"state_getReadProof",
	"inference_getProof",
];

/// What the proxy falsifies.
#[derive(Clone, Copy, Debug)]
pub enum Lie {
	/// Nothing: an honest relay.
	None,
	/// Every header's state root (`chain_getHeader`): made-up state.
	HeaderStateRoot,
	/// One node of every storage proof (`state_getReadProof`).
	ReadProof,
	/// The round of every GRANDPA justification it relays, so that the
	/// authorities' signatures no longer cover it.
	Justification,
	/// A field of every proof document (`inference_getProof`).
	ProofDocument,
}

impl Lie {
	fn falsify(self, method: &str, mut result: Value) -> Value {
		match (self, method) {
			(Lie::HeaderStateRoot, "chain_getHeader") if result.is_object() => {
				result["stateRoot"] = json!(format!("0x{}", "11".repeat(32)));
			},
			(Lie::ReadProof, "state_getReadProof") => {
				if let Some(node) = result["proof"].get_mut(0) {
					let mut bytes = super::from_hex(node.as_str().unwrap_or_default());
					if let Some(last) = bytes.last_mut() {
						*last ^= 0xff;
					}
					*node = json!(super::to_hex(&bytes));
				}
			},
			(Lie::Justification, "grandpa_justifications") if result.is_string() => {
				let mut bytes = super::from_hex(result.as_str().unwrap_or_default());
				// A justification starts with its round, a little-endian u64.
				bytes[0] ^= 1;
				result = json!(super::to_hex(&bytes));
			},
			(Lie::ProofDocument, "inference_getProof") => {
				let threads = result["document"]["threads"].as_u64().unwrap_or_default();
				result["document"]["threads"] = json!(threads + 1);
			},
			_ => {},
		}
		result
	}
}

/// The proxy, serving on a free loopback port until dropped.
pub struct LyingProxy {
	pub url: String,
	server: ServerHandle,
}

struct Relay {
	node: HttpClient,
	node_ws: String,
	lie: Lie,
}

impl LyingProxy {
	/// Relays to the node at `node_url` (HTTP), telling `lie`.
	pub async fn start(node_url: &str, lie: Lie) -> Self {
		let node = HttpClientBuilder::default()
			.max_response_size(64 << 20)
			.build(node_url)
			.expect("a node URL");
		let node_ws = node_url.replacen("http://", "ws://", 1);
		let mut module = RpcModule::new(Relay { node, node_ws, lie });
		for method in METHODS {
			module
				.register_async_method(method, move |params, relay, _| async move {
					let params: Vec<Value> = params.parse().unwrap_or_default();
					relay.call(method, params).await
				})
				.expect("a method registered once");
		}
		module
			.register_subscription(
				"grandpa_subscribeJustifications",
				"grandpa_justifications",
				"grandpa_unsubscribeJustifications",
				|_, pending, relay, _| async move { relay.justifications(pending).await },
			)
			.expect("a subscription registered once");
		let server = Server::builder().build("127.0.0.1:0").await.expect("binds a free port");
		let url = format!("http://{}", server.local_addr().expect("has an address"));
		Self { url, server: server.start(module) }
	}
}

impl Drop for LyingProxy {
	fn drop(&mut self) {
		let _ = self.server.stop();
	}
}

impl Relay {
	async fn call(&self, method: &str, params: Vec<Value>) -> Result<Value, ErrorObjectOwned> {
		let mut array = ArrayParams::new();
		for param in params {
			array.insert(param).expect("JSON serializes");
		}
		match self.node.request::<Value, _>(method, array).await {
			Ok(result) => Ok(self.lie.falsify(method, result)),
			Err(ClientError::Call(error)) => Err(error),
			Err(other) => Err(ErrorObjectOwned::owned(-32000, other.to_string(), None::<()>)),
		}
	}

	/// Relays the node's justifications as it makes them.
	async fn justifications(
		&self,
		pending: PendingSubscriptionSink,
	) -> jsonrpsee::core::SubscriptionResult {
		let node = WsClientBuilder::default().build(&self.node_ws).await?;
		let mut justifications = node
			.subscribe::<Value, _>(
				"grandpa_subscribeJustifications",
				ArrayParams::new(),
				"grandpa_unsubscribeJustifications",
			)
			.await?;
		let sink = pending.accept().await?;
		while let Some(justification) = justifications.next().await {
			let justification = self.lie.falsify("grandpa_justifications", justification?);
			sink.send(SubscriptionMessage::from_json(&justification)?).await?;
		}
		Ok(())
	}
}
