//! The `veritas` binary as a script meets it, without a node: every command
//! documents itself, and a failure is one line on stderr (one JSON object
//! with `--output json`) and a non-zero exit. The commands against a live
//! node are tested in `node/tests/cli.rs`.

use std::process::{Command, Output};

fn veritas(args: &[&str]) -> Output {
	Command::new(env!("CARGO_BIN_EXE_veritas"))
		.args(args)
		.env_remove("VERITAS_URL")
		.env_remove("VERITAS_SURI")
		.env_remove("VERITAS_OUTPUT")
		.output()
		.expect("the veritas binary runs")
}

fn text(bytes: &[u8]) -> String {
	String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn every_command_has_help() {
	let commands: &[&[&str]] = &[
		&["model", "publish"],
		&["model", "list"],
		&["model", "show"],
		&["model", "set-price"],
		&["infer"],
		&["executor", "register"],
		&["executor", "status"],
		&["executor", "accept-terms"],
		&["verifier", "register"],
		&["verifier", "status"],
		&["feed", "create"],
		&["feed", "list"],
		&["feed", "show"],
		&["feed", "retire"],
		&["data-node", "register"],
		&["data-node", "serve"],
		&["data-node", "unregister"],
		&["data-node", "withdraw"],
		&["data-node", "status"],
		&["verify"],
		&["balance"],
	];
	for command in commands {
		let help = veritas(&[command, &["--help"][..]].concat());
		let printed = text(&help.stdout);
		assert!(help.status.success(), "{command:?}: {}", text(&help.stderr));
		// The global options are on every command.
		for option in ["--url", "--suri", "--output"] {
			assert!(printed.contains(option), "{command:?} --help lacks {option}:\n{printed}");
		}
	}
	let top = text(&veritas(&["--help"]).stdout);
	assert!(top.contains("- text: Lines for people") && top.contains("- json: One JSON"), "{top}");
}

#[test]
fn an_unreachable_node_is_one_line_or_one_json_object() {
	let args = ["--url", "http://127.0.0.1:1", "model", "list"];
	let failed = veritas(&args);
	assert_eq!(failed.status.code(), Some(1));
	assert!(failed.stdout.is_empty());
	let line = text(&failed.stderr);
	assert!(line.starts_with("error: node unreachable at http://127.0.0.1:1"), "{line}");
	assert_eq!(line.trim_end().lines().count(), 1, "{line}");

	let failed = veritas(&[&args[..], &["--output", "json"]].concat());
	assert_eq!(failed.status.code(), Some(1));
	assert!(failed.stdout.is_empty());
	let error: serde_json::Value =
		serde_json::from_slice(&failed.stderr).expect("the error is one JSON object");
	let message = error["error"].as_str().expect("an error message");
	assert!(message.starts_with("node unreachable at http://127.0.0.1:1"), "{message}");
}

#[test]
fn a_bad_output_format_is_refused_before_anything_runs() {
	let refused = veritas(&["--output", "yaml", "model", "list"]);
	assert_eq!(refused.status.code(), Some(2), "clap's usage error");
	assert!(text(&refused.stderr).contains("possible values: text, json"));
}
