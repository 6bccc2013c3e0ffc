//! An executor on a machine of its own: a second node, not a validator,
//! joined to a `veritas-node --dev`, runs with `--inference` and Bob's `vrex`
//! key, and serves a request that the dev node's verifiers then check.
//! Off-chain workers run on authorities only unless told otherwise; a role
//! flag is what tells them, so an executor that authors no blocks still
//! works.
//!
//! Started by `scripts/test.sh` (`cargo test -p veritas-node -- --ignored`).

use crate::common;

use std::time::Duration;

use codec::Encode;
use common::{file_ref, fixture, Node, TempDir};
use pallet_inference::RequestStatus;
use sp_keyring::Sr25519Keyring;
use veritas_engine::store::embedded::EmbeddedStore;
use veritas_primitives::{
	currency::VRT,
	inference::{F32Bits, InferenceParams, RequestInput},
	AccountId, Balance, BlockNumber,
};
use veritas_runtime::{Runtime, RuntimeCall};

type RequestRecord = pallet_inference::Request<AccountId, Balance, BlockNumber>;

#[tokio::test(flavor = "multi_thread")]
#[ignore = "starts two real nodes; run by scripts/test.sh"]
async fn an_executor_on_a_node_that_is_not_a_validator_serves_requests() {
	let dir = TempDir::new("remote-executor");
	let (alice, bob) = (Sr25519Keyring::Alice, Sr25519Keyring::Bob);

	let dev_base = dir.path().join("dev");
	let dev_arg = dev_base.to_string_lossy().into_owned();
	let dev = Node::start("dev", &["--dev", "--base-path", &dev_arg], dir.path());
	let peer_id = dev.call_when_up("system_localPeerId", params![]).await;
	let bootnode = format!(
		"/ip4/127.0.0.1/tcp/{}/p2p/{}",
		dev.ports.p2p,
		peer_id.as_str().expect("a peer id is a string")
	);

	// Bob's executor node: the dev chain, no validator role, its own
	// keystore holding only Bob's executor key.
	let remote_base = dir.path().join("remote");
	let remote_arg = remote_base.to_string_lossy().into_owned();
	let inserted = std::process::Command::new(common::NODE_BINARY)
		.args(["key", "insert", "--chain", "dev", "--base-path", &remote_arg])
		.args(["--key-type", "vrex", "--scheme", "sr25519", "--suri", "//Bob"])
		.status()
		.expect("the node binary runs");
	assert!(inserted.success(), "Bob's executor key is inserted");
	let remote = Node::start(
		"remote",
		&["--chain", "dev", "--base-path", &remote_arg, "--inference", "--bootnodes", &bootnode],
		dir.path(),
	);
	remote.call_when_up("system_health", params![]).await;

	// Both nodes' stores hold the model: the remote one runs it, the dev
	// node's verifiers check it.
	let (weights, config) = (fixture("model.safetensors"), fixture("config.json"));
	let mut files = None;
	for base in [&dev_base, &remote_base] {
		let store = EmbeddedStore::open(base.join("model-store")).expect("the store opens");
		files = Some((file_ref(&store, &weights), file_ref(&store, &config)));
	}
	let (weights, config) = files.expect("stored");
	common::register_model_and_executor(
		&dev,
		common::register_loan_risk(weights, config),
		alice,
		bob,
		4,
	)
	.await;

	let features: Vec<F32Bits> =
		[28.0, 0.62, 590.0, 45.0, 1.0, 1.0].into_iter().map(F32Bits::from).collect();
	let ask = RuntimeCall::Inference(pallet_inference::Call::request_inference {
		model: 0,
		input: RequestInput::Inline(features.encode().try_into().expect("fits")),
		params: InferenceParams::default(),
		max_fee: VRT,
		deadline: dev.best_number().await + 30,
	});
	dev.sign_and_submit(ask, alice).await.expect("requested");
	let key = pallet_inference::Requests::<Runtime>::hashed_key_for(0u64);
	dev.wait_for(
		"the remote executor's result to be accepted",
		// A first round that selects too few waits for its deadline (a
		// minute) and a dispute.
		Duration::from_secs(180),
		|| async {
			dev.storage::<RequestRecord>(&key)
				.await
				.is_some_and(|request| request.status == RequestStatus::Accepted)
		},
	)
	.await;
	// Bob's key is in the remote node's keystore only: it served the request.
	let request = dev.storage::<RequestRecord>(&key).await.expect("stored");
	assert_eq!(request.executor, Some(bob.to_account_id()));
	// The remote node is a full node, not an authority.
	let roles = remote.call("system_nodeRoles", params![]).await.expect("roles");
	assert_eq!(roles, serde_json::json!(["Full"]), "{roles}");
}
