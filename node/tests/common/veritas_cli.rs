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
