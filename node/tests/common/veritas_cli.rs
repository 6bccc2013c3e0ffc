//! Running the `veritas` command line, built beside the node's binary, as a
//! user would.

use std::{path::PathBuf, process::Output};

use super::{Node, TempDir};

pub fn veritas_binary() -> PathBuf {
	let path = PathBuf::from(super::NODE_BINARY).with_file_name("veritas");
	assert!(path.exists(), "{} is missing: cargo build -p veritas-cli", path.display());
	path
}

pub async fn veritas(args: Vec<String>) -> Output {
	tokio::task::spawn_blocking(move || {
		std::process::Command::new(veritas_binary()).args(args).output().expect("veritas runs")
	})
	.await
	.expect("the command ran")
}

pub fn args(url: &str, suri: &str, rest: &[&str]) -> Vec<String> {
	["--url", url, "--suri", suri].iter().chain(rest).map(|s| s.to_string()).collect()
}

/// `veritas model publish` of the loan-risk MLP fixture, as `name`, into the
/// embedded store at `store`, signed by Alice; then `extra`.
pub fn publish_loan_risk(url: &str, store: &str, name: &str, extra: &[&str]) -> Vec<String> {
	let fixture = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("engine/fixtures/loan-risk");
	let fixture = fixture.to_string_lossy();
	let publish = [
		"model",
		"publish",
		&fixture,
		"--name",
		name,
		"--task",
		"classification:6:2",
		"--price",
		"0.1",
		"--policy",
		"quorum:2:3",
		"--store",
		store,
	];
	args(url, "//Alice", &[&publish[..], extra].concat())
}

pub fn stdout(output: &Output) -> String {
	String::from_utf8_lossy(&output.stdout).into_owned()
}

/// What a command printed with `--output json`.
pub fn json_of(output: &Output) -> serde_json::Value {
	serde_json::from_slice(&output.stdout)
		.unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", stdout(output), stderr(output)))
}

pub fn stderr(output: &Output) -> String {
	String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A `--dev` node for the command line to talk to, with its JSON-RPC URL
/// and the path of its embedded model store.
pub struct DevNode {
	pub node: Node,
	pub url: String,
	pub store: String,
	pub _dir: TempDir,
}

impl DevNode {
	pub async fn start(name: &str) -> Self {
		let dir = TempDir::new(name);
		let base = dir.path().join("base");
		let base_arg = base.to_string_lossy().into_owned();
		let node = Node::start(
			name,
			&["--dev", "--base-path", &base_arg, "--data-node-allow-private"],
			dir.path(),
		);
		node.call_when_up("system_health", crate::params![]).await;
		let url = format!("http://127.0.0.1:{}", node.ports.rpc);
		let store = base.join("model-store").to_string_lossy().into_owned();
		Self { node, url, store, _dir: dir }
	}

	/// Starts a node on which the loan-risk model (model 0) is published and
	/// Alice serves it.
	pub async fn serving_loan_risk(name: &str) -> Self {
		let dev = Self::start(name).await;
		let published = veritas(publish_loan_risk(&dev.url, &dev.store, "loan-risk", &[])).await;
		assert!(published.status.success(), "{}", stderr(&published));
		let serving =
			veritas(args(&dev.url, "//Alice", &["executor", "register", "--models", "0"])).await;
		assert!(serving.status.success(), "{}", stderr(&serving));
		dev
	}

	/// Alice and Bob (whose data node keys the dev node holds) register as
	/// data nodes, Alice creates feed 0 of `source`'s debt-to-income ratio
	/// (4 decimals; rounds of at most 5 blocks, closing at two reports),
	/// both serve it, and it gets its first value, `first_value`.
	pub async fn applicant_feed(&self, source: &str, first_value: &str) {
		for suri in ["//Alice", "//Bob"] {
			let registered = veritas(args(&self.url, suri, &["data-node", "register"])).await;
			assert!(registered.status.success(), "{}", stderr(&registered));
		}
		let create = [
			"feed",
			"create",
			"--name",
			"a-17 debt-to-income",
			"--source",
			source,
			"--path",
			"$.applicant.debt_to_income",
			"--decimals",
			"4",
			"--heartbeat",
			"5",
			"--min-reporters",
			"2",
		];
		let created = veritas(args(&self.url, "//Alice", &create)).await;
		assert!(created.status.success(), "{}", stderr(&created));
		assert_eq!(stdout(&created).trim(), "0", "the new feed's id");
		for suri in ["//Alice", "//Bob"] {
			let serving = veritas(args(&self.url, suri, &["data-node", "serve", "0"])).await;
			assert!(serving.status.success(), "{}", stderr(&serving));
		}
		let url = &self.url;
		self.node
			.wait_for("the feed's first value", std::time::Duration::from_secs(60), || async {
				stdout(&veritas(args(url, "//Bob", &["feed", "list"])).await).contains(first_value)
			})
			.await;
	}
}
