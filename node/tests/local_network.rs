//! Four validators (Alice, Bob, Charlie and Dave) on loopback with
//! `--chain local`, each with its own base path and ports, joined through
//! Alice as bootnode. Finality must advance with all four, keep advancing
//! with Dave stopped (3 of 4 is above GRANDPA's two-thirds threshold), and
//! Dave must catch up to the same finalized chain after a restart. The
//! `veritas` command line, off a development chain, signs with no default
//! key.
//!
//! Started by `scripts/test.sh` (`cargo test -p veritas-node -- --ignored`).

use crate::common;

use std::time::Duration;

use common::{Node, Ports, TempDir};

const VALIDATORS: [&str; 4] = ["alice", "bob", "charlie", "dave"];

/// Starts one validator of the local testnet. A validator must have a
/// network key before it starts; the first start generates one, as an
/// operator would with `veritas-node key generate-node-key`.
fn start_validator(name: &str, ports: Ports, dir: &TempDir, bootnode: Option<&str>) -> Node {
	let base_path = dir.path().join(name);
	let base_path = base_path.to_str().expect("utf-8 path");
	let network_dir = dir.path().join(name).join("chains/veritas_local_testnet/network");
	if !network_dir.join("secret_ed25519").exists() {
		let status = std::process::Command::new(common::NODE_BINARY)
			.args(["key", "generate-node-key", "--chain", "local", "--base-path", base_path])
			.stdout(std::process::Stdio::null())
			.stderr(std::process::Stdio::null())
			.status()
			.expect("the node binary runs");
		assert!(status.success(), "{name}'s network key is generated");
	}
	let mut args = vec!["--chain", "local", "--base-path", base_path];
	let flag = format!("--{name}");
	args.push(&flag);
	if let Some(bootnode) = bootnode {
		args.extend(["--bootnodes", bootnode]);
	}
	Node::start_on(name, ports, &args, dir.path())
}

/// Fails unless every node has the same block hash at `number`.
async fn assert_agree_at(nodes: &[&Node], number: u32) {
	let mut hashes = Vec::new();
	for node in nodes {
		hashes.push((node.name.clone(), node.block_hash(number).await));
	}
	let first = hashes[0].1;
	assert!(first.is_some(), "{} has block {number}", hashes[0].0);
	for (name, hash) in &hashes {
		assert_eq!(*hash, first, "{name} disagrees at block {number}: {hashes:?}");
	}
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "starts four real nodes; run by scripts/test.sh"]
async fn four_validators_finalize_tolerate_one_down_and_resync() {
	let dir = TempDir::new("local");
	let ports: Vec<Ports> = VALIDATORS.iter().map(|_| Ports::free()).collect();

	let alice = start_validator("alice", ports[0], &dir, None);
	let peer_id = alice.call_when_up("system_localPeerId", params![]).await;
	let bootnode = format!(
		"/ip4/127.0.0.1/tcp/{}/p2p/{}",
		ports[0].p2p,
		peer_id.as_str().expect("a peer id is a string")
	);
	let bob = start_validator("bob", ports[1], &dir, Some(&bootnode));
	let charlie = start_validator("charlie", ports[2], &dir, Some(&bootnode));
	let mut dave = start_validator("dave", ports[3], &dir, Some(&bootnode));

	// All four finalize, and agree on what they finalized.
	for node in [&alice, &bob, &charlie, &dave] {
		node.wait_for("finality to reach block 3", Duration::from_secs(180), || async {
			node.finalized().await.1 >= 3
		})
		.await;
	}
	let common_finalized = {
		let mut lowest = u32::MAX;
		for node in [&alice, &bob, &charlie, &dave] {
			lowest = lowest.min(node.finalized().await.1);
		}
		lowest
	};
	assert_agree_at(&[&alice, &bob, &charlie, &dave], common_finalized).await;
	let peers = alice.call_when_up("system_health", params![]).await;
	assert_eq!(peers["peers"], 3, "Alice sees the three others: {peers}");

	// Off a development chain, the command line signs with no well-known
	// key by default: a command that signs asks for one.
	let cli = std::path::PathBuf::from(common::NODE_BINARY).with_file_name("veritas");
	let url = format!("http://127.0.0.1:{}", ports[0].rpc);
	let unsigned = tokio::task::spawn_blocking(move || {
		std::process::Command::new(cli)
			.args(["--url", &url, "data-node", "register"])
			.env_remove("VERITAS_SURI")
			.output()
			.expect("veritas runs")
	})
	.await
	.expect("the command ran");
	let said = String::from_utf8_lossy(&unsigned.stderr);
	assert!(!unsigned.status.success() && said.contains("pass --suri"), "{said}");

	// Dave stops: the other three still finalize new blocks.
	let status = dave.stop().expect("Dave was running");
	assert!(status.success(), "Dave stops cleanly: {status:?}");
	let (_, before) = alice.finalized().await;
	for node in [&alice, &bob, &charlie] {
		node.wait_for("finality to advance without Dave", Duration::from_secs(90), || async {
			node.finalized().await.1 >= before + 3
		})
		.await;
	}
	let (_, without_dave) = alice.finalized().await;
	assert_agree_at(&[&alice, &bob, &charlie], without_dave).await;

	// Dave restarts on the same base path and catches up.
	let dave = start_validator("dave", Ports::free(), &dir, Some(&bootnode));
	dave.wait_for("Dave to catch up with finality", Duration::from_secs(120), || async {
		dave.finalized().await.1 >= without_dave
	})
	.await;
	assert_agree_at(&[&alice, &bob, &charlie, &dave], without_dave).await;
}

/// A validator's consensus keys are BABE's and GRANDPA's: the chain spec
/// `build-spec` writes names them (with BABE's epoch configuration and the
/// genesis verifiers), it converts to raw, and `key insert` puts a BABE key
/// in a node's keystore, as `docs/operators.md` tells an operator to.
#[test]
#[ignore = "runs the node binary; run by scripts/test.sh"]
fn the_local_spec_names_babe_authorities_and_keys_are_inserted() {
	let run = |args: &[&str]| {
		let output = std::process::Command::new(common::NODE_BINARY)
			.args(args)
			.output()
			.expect("the node binary runs");
		assert!(output.status.success(), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
		output.stdout
	};
	let spec: serde_json::Value =
		serde_json::from_slice(&run(&["build-spec", "--chain", "local"])).expect("a JSON spec");
	let patch = &spec["genesis"]["runtimeGenesis"]["patch"];
	assert_eq!(patch["babe"]["authorities"].as_array().map(Vec::len), Some(4), "{patch}");
	assert_eq!(patch["babe"]["epochConfig"]["allowed_slots"], "PrimaryAndSecondaryVRFSlots");
	assert_eq!(patch["grandpa"]["authorities"].as_array().map(Vec::len), Some(4));
	assert_eq!(patch["verification"]["verifiers"].as_array().map(Vec::len), Some(4));
	let raw: serde_json::Value =
		serde_json::from_slice(&run(&["build-spec", "--chain", "local", "--raw"]))
			.expect("a raw JSON spec");
	assert!(raw["genesis"]["raw"]["top"].as_object().is_some_and(|top| !top.is_empty()));

	let dir = TempDir::new("keys");
	let base = dir.path().to_string_lossy().into_owned();
	run(&[
		"key",
		"insert",
		"--chain",
		"local",
		"--base-path",
		&base,
		"--key-type",
		"babe",
		"--scheme",
		"sr25519",
		"--suri",
		"//Alice",
	]);
	let keystore = dir.path().join("chains/veritas_local_testnet/keystore");
	let babe_prefix = "62616265"; // "babe" in hex
	let inserted = std::fs::read_dir(&keystore)
		.expect("a keystore")
		.filter_map(Result::ok)
		.any(|entry| entry.file_name().to_string_lossy().starts_with(babe_prefix));
	assert!(inserted, "a babe key in {}", keystore.display());
}
