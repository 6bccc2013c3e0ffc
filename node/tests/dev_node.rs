//! A real `veritas-node --dev` on loopback, driven over JSON-RPC: it produces
//! and finalizes blocks, accepts a signed transfer, refuses a malformed
//! extrinsic without stalling, serves Prometheus metrics, and stops cleanly.
//!
//! Started by `scripts/test.sh` (`cargo test -p veritas-node -- --ignored`),
//! since it needs the node binary with its WASM runtime.

use crate::common;

use std::time::Duration;

use common::{hex_number, Node, TempDir};
use sp_keyring::Sr25519Keyring;
use veritas_primitives::currency::VRT;
use veritas_runtime::{signing::signed_transaction, RuntimeCall};

#[tokio::test(flavor = "multi_thread")]
#[ignore = "starts a real node; run by scripts/test.sh"]
async fn dev_node_produces_finalizes_and_accepts_transactions() {
	let dir = TempDir::new("dev");
	let mut node = Node::start("dev", &["--dev", "--tmp"], dir.path());

	// 1. Blocks are produced and finalized within 60 s.
	node.wait_for("3 blocks and a finalized head above 0", Duration::from_secs(60), || async {
		node.best_number().await >= 3 && node.finalized().await.1 > 0
	})
	.await;

	let properties = node.call_when_up("system_properties", params![]).await;
	assert_eq!(properties["tokenSymbol"], "VRT");
	assert_eq!(properties["tokenDecimals"], 12);
	let chain = node.call_when_up("system_chain", params![]).await;
	assert_eq!(chain, "Veritas Development");

	// 2. A transfer signed with Alice's dev key, through author_submitExtrinsic.
	let alice = Sr25519Keyring::Alice;
	let bob = Sr25519Keyring::Bob.to_account_id();
	let bob_before = node.free_balance(&bob).await;
	let alice_before = node.free_balance(&alice.to_account_id()).await;
	let genesis = node.block_hash(0).await.expect("genesis exists");
	let nonce = node
		.call_when_up("system_accountNextIndex", params![alice.to_account_id().to_string()])
		.await
		.as_u64()
		.expect("a nonce is a number") as u32;
	let amount = 42 * VRT;
	let call = RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive {
		dest: bob.clone().into(),
		value: amount,
	});
	let transfer = signed_transaction(call, &alice.pair(), nonce, genesis);
	let tx_hash = node.submit(&transfer).await.expect("the pool accepts the transfer");
	assert!(tx_hash.as_str().is_some_and(|h| h.starts_with("0x")));

	node.wait_for("Bob's balance to rise", Duration::from_secs(30), || async {
		node.free_balance(&bob).await == bob_before + amount
	})
	.await;
	let alice_after = node.free_balance(&alice.to_account_id()).await;
	assert!(alice_after < alice_before - amount, "Alice paid the amount and a fee");

	// The same signed bytes again: a replay is refused (stale nonce).
	let replay = node.submit(&transfer).await;
	assert!(replay.is_err(), "a replayed transaction is refused: {replay:?}");

	// 3. Malformed bytes get an RPC error, and the chain keeps going.
	let height = node.best_number().await;
	let malformed = node.call("author_submitExtrinsic", params!["0x0102030405"]).await;
	let error = malformed.expect_err("malformed extrinsic is refused");
	assert!(!error.is_empty());
	node.wait_for("blocks after the malformed extrinsic", Duration::from_secs(30), || async {
		node.best_number().await >= height + 2
	})
	.await;

	// 4. Prometheus serves the node's metrics on loopback.
	let metrics = node.metrics().await;
	assert!(metrics.contains("substrate_block_height"), "metrics are served");

	// 5. SIGTERM stops the node cleanly.
	let status = node.stop().expect("the node was running");
	assert!(status.success(), "the node exits cleanly on SIGTERM: {status:?}");
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "starts a real node; run by scripts/test.sh"]
async fn runtime_version_and_metadata_are_served() {
	let dir = TempDir::new("dev-meta");
	let node = Node::start("dev-meta", &["--dev", "--tmp"], dir.path());
	let version = node.call_when_up("state_getRuntimeVersion", params![]).await;
	assert_eq!(version["specName"], "veritas");
	let metadata = node.call_when_up("state_getMetadata", params![]).await;
	let bytes = common::from_hex(metadata.as_str().expect("hex metadata"));
	// SCALE-encoded RuntimeMetadataPrefixed starts with the magic "meta".
	assert_eq!(&bytes[..4], b"meta");
	let header = node.call_when_up("chain_getHeader", params![]).await;
	assert!(hex_number(&header["number"]) < 1_000);
}

/// `InferenceApi_estimate_fee` through `state_call`, as a dApp would call it.
async fn estimate_fee(
	node: &Node,
	model: u64,
) -> Result<
	veritas_primitives::settlement::FeeQuote<u128>,
	veritas_primitives::inference::FeeEstimateError,
> {
	use codec::{Decode, Encode};
	let args = (model, veritas_primitives::inference::InferenceParams::default()).encode();
	let answer = node
		.call_when_up("state_call", params!["InferenceApi_estimate_fee", common::to_hex(&args)])
		.await;
	let bytes = common::from_hex(answer.as_str().expect("hex answer"));
	Decode::decode(&mut &bytes[..]).expect("the answer decodes")
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "starts a real node; run by scripts/test.sh"]
async fn a_registered_model_gets_a_fee_estimate_from_the_runtime_api() {
	use veritas_primitives::inference::FeeEstimateError;

	let dir = TempDir::new("dev-fee");
	let node = Node::start("dev-fee", &["--dev", "--tmp"], dir.path());
	assert_eq!(estimate_fee(&node, 0).await, Err(FeeEstimateError::UnknownModel));

	node.sign_and_submit(common::register_minilm(), Sr25519Keyring::Alice)
		.await
		.expect("the pool accepts the registration");

	node.wait_for("the model to be registered", Duration::from_secs(30), || async {
		estimate_fee(&node, 0).await.is_ok()
	})
	.await;
	let quote = estimate_fee(&node, 0).await.expect("an active model has a fee");
	// 1 VRT for the model, 3 verifiers at 20% each, 5% protocol.
	assert_eq!(quote.model, VRT);
	assert_eq!(quote.verification, 3 * VRT / 5);
	assert_eq!(quote.protocol, VRT / 20);
	assert_eq!(quote.total, VRT + 3 * VRT / 5 + VRT / 20);
}
