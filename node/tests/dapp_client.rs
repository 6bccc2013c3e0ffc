//! A JavaScript dApp on a live `veritas-node --dev`, through @polkadot/api
//! with no custom types (`scripts/dapp/follow-request.mjs`): it reads the
//! metadata, registers a model and an executor, submits `request_inference`
//! and follows the request with `inference_subscribeRequest` until it is
//! settled. `scripts/test.sh` installs the client and names it in
//! `VERITAS_DAPP_CLIENT`.

use crate::common;

use std::process::Command;

use common::{Node, TempDir};

#[tokio::test(flavor = "multi_thread")]
#[ignore = "starts a real node and needs VERITAS_DAPP_CLIENT; run by scripts/test.sh"]
async fn a_polkadot_js_dapp_requests_and_follows_an_inference() {
	let Ok(client) = std::env::var("VERITAS_DAPP_CLIENT") else {
		panic!(
			"VERITAS_DAPP_CLIENT must name the installed client (scripts/dapp-client.sh install)"
		);
	};
	let dir = TempDir::new("dapp");
	let node = Node::start("dapp", &["--dev", "--tmp"], dir.path());
	node.call_when_up("system_health", params![]).await;

	let url = format!("ws://127.0.0.1:{}", node.ports.rpc);
	let script = std::path::Path::new(&client).join("follow-request.mjs");
	let run =
		tokio::task::spawn_blocking(move || Command::new("node").arg(script).arg(url).output())
			.await
			.expect("the client ran")
			.expect("node starts");
	let stdout = String::from_utf8_lossy(&run.stdout);
	assert!(
		run.status.success(),
		"the dApp failed:\n{stdout}\n{}\n{}",
		String::from_utf8_lossy(&run.stderr),
		node.log_tail()
	);
	let report: serde_json::Value =
		serde_json::from_str(stdout.lines().last().unwrap_or_default()).expect("a JSON report");
	let statuses: Vec<&str> = report["statuses"]
		.as_array()
		.expect("statuses")
		.iter()
		.filter_map(|status| status.as_str())
		.collect();
	assert_eq!(statuses.last(), Some(&"Accepted"), "{statuses:?}");
	assert_eq!(statuses.first(), Some(&"Assigned"), "followed from the start: {statuses:?}");
	assert_eq!(report["request"]["result"]["output"]["regression"], 0.5);
	assert!(report["request"]["settlement"]["paid"].is_object());
	assert_eq!(report["fee"]["model"], "100000000000");
}
