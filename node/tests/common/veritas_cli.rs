//! Running the `veritas` command line, built beside the node's binary, as a
//! user would.

use std::{path::PathBuf, process::Output};

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
