//! A live chain upgrades its runtime, and the same `veritas` binary keeps
//! working. The new runtime (`runtime/upgrade-test`) is one spec version
//! ahead and moves the Inference pallet to another index, so every
//! Inference call and event is encoded differently: a client with compiled-
//! in versions and indices breaks, while `veritas` signs with the node's
//! versions and sends and reads calls and events by name.

use crate::common;

use std::time::Duration;

use common::{
	veritas_cli::{args, json_of, publish_loan_risk, stderr, stdout, veritas},
	Node, TempDir,
};
use sp_keyring::Sr25519Keyring;
use subxt::{OnlineClient, PolkadotConfig};
use veritas_runtime::RuntimeCall;

async fn spec_version(node: &Node) -> u64 {
	node.call_when_up("state_getRuntimeVersion", params![]).await["specVersion"]
		.as_u64()
		.expect("a spec version")
}

/// Where the finalized chain's metadata puts the Inference pallet.
async fn inference_index(url: &str) -> u8 {
	let client = OnlineClient::<PolkadotConfig>::from_url(url).await.expect("subxt connects");
	let at = client.at_current_block().await.expect("a block");
	at.metadata_ref().pallet_by_name("Inference").expect("the pallet").call_index()
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "starts a real node; run by scripts/test.sh"]
async fn the_command_line_survives_a_runtime_upgrade() {
	let dir = TempDir::new("upgrade");
	let base = dir.path().join("base");
	let base_arg = base.to_string_lossy().into_owned();
	let node = Node::start("upgrade", &["--dev", "--base-path", &base_arg], dir.path());
	node.call_when_up("system_health", params![]).await;
	let url = format!("http://127.0.0.1:{}", node.ports.rpc);
	let ws = format!("ws://127.0.0.1:{}", node.ports.rpc);
	let store = base.join("model-store").to_string_lossy().into_owned();
	let publish = |name| publish_loan_risk(&url, &store, name, &["--output", "json"]);

	let published = veritas(publish("loan-risk")).await;
	assert!(published.status.success(), "{}", stderr(&published));
	let serving = veritas(args(&url, "//Alice", &["executor", "register", "--models", "0"])).await;
	assert!(serving.status.success(), "{}", stderr(&serving));
	let before = spec_version(&node).await;
	assert_eq!(inference_index(&ws).await, 12);

	let code = veritas_runtime_upgrade_test::WASM_BINARY.expect("the upgrade runtime is built");
	let upgrade = RuntimeCall::Sudo(pallet_sudo::Call::sudo_unchecked_weight {
		call: Box::new(RuntimeCall::System(frame_system::Call::set_code { code: code.to_vec() })),
		weight: frame_support::weights::Weight::zero(),
	});
	node.sign_and_submit(upgrade, Sr25519Keyring::Alice).await.expect("the upgrade is submitted");
	node.wait_for("the new runtime", Duration::from_secs(60), || async {
		spec_version(&node).await == before + 1
	})
	.await;
	// The new runtime moved Inference, as the finalized chain says too.
	node.wait_for("the new runtime, finalized", Duration::from_secs(60), || async {
		inference_index(&ws).await == 42
	})
	.await;

	// A transaction signed with the compiled-in runtime's version is refused.
	let stale = RuntimeCall::Inference(pallet_inference::Call::accept_terms { model: 0, terms: 0 });
	let refused = node.sign_and_submit(stale, Sr25519Keyring::Alice).await;
	assert!(refused.is_err(), "{refused:?}");

	// The same binary publishes, and requests and follows an inference.
	let published = veritas(publish("loan-risk-next")).await;
	assert!(published.status.success(), "{}", stderr(&published));
	assert_eq!(json_of(&published)["model"], 1, "{}", stdout(&published));
	let inferred = veritas(args(
		&url,
		"//Bob",
		&["infer", "--model", "0", "--input", "28,0.62,590,45,1,1", "--wait"],
	))
	.await;
	assert!(inferred.status.success(), "{}\n{}", stderr(&inferred), node.log_tail());
	assert!(stdout(&inferred).contains("status      Accepted"), "{}", stdout(&inferred));
	assert!(stderr(&inferred).contains("Accepted, finalized"), "{}", stderr(&inferred));
}
