//! subxt, the usual Rust client, against a live `veritas-node --dev` with no
//! generated code: it reads storage and a constant, and signs and submits a
//! transfer with the runtime's transaction extensions, learnt from the
//! metadata.

use crate::common;

use common::{Node, TempDir};
use sp_keyring::Sr25519Keyring;
use subxt::{dynamic, dynamic::Value, OnlineClient, PolkadotConfig};

#[tokio::test(flavor = "multi_thread")]
#[ignore = "starts a real node; run by scripts/test.sh"]
async fn subxt_reads_and_submits_with_the_metadata_alone() {
	let dir = TempDir::new("subxt");
	let node = Node::start("subxt", &["--dev", "--tmp"], dir.path());
	node.call_when_up("system_health", params![]).await;
	let url = format!("ws://127.0.0.1:{}", node.ports.rpc);
	let api = OnlineClient::<PolkadotConfig>::from_url(&url).await.expect("subxt connects");

	let at = api.at_current_block().await.expect("a block");
	let existential = at
		.constants()
		.entry(dynamic::constant::<u128>("Balances", "ExistentialDeposit"))
		.expect("a constant");
	assert!(existential > 0);

	let bob = Sr25519Keyring::Bob.to_account_id();
	let before = node.free_balance(&bob).await;
	let amount = 1_000_000_000_000u128;
	let transfer = dynamic::tx(
		"Balances",
		"transfer_keep_alive",
		vec![
			Value::unnamed_variant("Id", [Value::from_bytes(<[u8; 32]>::from(bob.clone()))]),
			Value::u128(amount),
		],
	);
	at.transactions()
		.sign_and_submit_then_watch_default(&transfer, &subxt_signer::sr25519::dev::alice())
		.await
		.expect("the transfer is accepted")
		.wait_for_finalized_success()
		.await
		.expect("the transfer succeeds in a finalized block");
	assert_eq!(node.free_balance(&bob).await, before + amount);
}
