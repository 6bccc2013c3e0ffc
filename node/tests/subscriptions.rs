//! Recurring inference on a live `veritas-node --dev`, from the command
//! line: Bob subscribes to three loan scores, ten blocks apart, each taking
//! the applicant's current debt-to-income ratio from a data feed whose
//! source changes between runs. Each run is an ordinary request, run by
//! Alice's executor worker, checked by the node's verifiers and paid; each
//! records the feed value it scored. A second subscription is cancelled and
//! its runs not made are refunded.

use crate::common;

use std::{
	sync::{Arc, Mutex},
	time::Duration,
};

use common::veritas_cli::{args, json_of, stderr, veritas, DevNode};
use serde_json::Value;

fn applicant(debt_to_income: &str) -> String {
	format!(r#"{{"applicant": {{"id": "a-17", "debt_to_income": "{debt_to_income}"}}}}"#)
}

/// `veritas subscription show` as JSON.
async fn show(dev: &DevNode, subscription: u64) -> Value {
	let shown = veritas(args(
		&dev.url,
		"//Bob",
		&["--output", "json", "subscription", "show", &subscription.to_string()],
	))
	.await;
	assert!(shown.status.success(), "{}", stderr(&shown));
	json_of(&shown)
}

fn runs_made(info: &Value) -> usize {
	info["runs"].as_array().map_or(0, Vec::len)
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "starts a real node; run by scripts/test.sh"]
async fn three_feed_fed_loan_scores_from_one_subscription_each_verified_and_paid() {
	let dev = DevNode::serving_loan_risk("subscriptions").await;
	let answer = Arc::new(Mutex::new(applicant("0.4125")));
	let (source, _) = common::serve_changing_json(answer.clone());
	dev.applicant_feed(&source, "0.4125").await;

	let subscribe = [
		"--output",
		"json",
		"subscribe",
		"--model",
		"0",
		"--input",
		"28,590,45,1,1",
		"--feed",
		"0",
		"--feed-position",
		"1",
		"--max-age-blocks",
		"30",
		"--max-fee",
		"1",
		"--every",
		"10",
		"--runs",
		"3",
		"--deadline-blocks",
		"60",
	];
	let subscribed = veritas(args(&dev.url, "//Bob", &subscribe)).await;
	assert!(subscribed.status.success(), "{}", stderr(&subscribed));
	let subscribed = json_of(&subscribed);
	assert_eq!(subscribed["subscription"], 0);
	assert_eq!(subscribed["budget"], "3000000000000", "three runs of 1 VRT held");

	// The source moves after each run is made: the next run must score the
	// feed's new value (rounds close within 5 blocks, runs are 10 apart).
	for (made, next) in [(1, "0.3810"), (2, "0.5020")] {
		dev.node
			.wait_for("the next run", Duration::from_secs(120), || async {
				runs_made(&show(&dev, 0).await) >= made
			})
			.await;
		*answer.lock().expect("the answer") = applicant(next);
	}
	dev.node
		.wait_for("every run verified and paid", Duration::from_secs(240), || async {
			let info = show(&dev, 0).await;
			runs_made(&info) == 3
				&& info["runs"].as_array().is_some_and(|runs| {
					runs.iter().all(|run| run["request"]["status"] == "Accepted")
				})
		})
		.await;

	let info = show(&dev, 0).await;
	assert_eq!(info["status"]["Completed"]["at"], info["runs"][2]["madeAt"], "{info:#}");
	assert_eq!(info["budget"], "0");
	let runs = info["runs"].as_array().expect("runs");
	let scored: Vec<&str> = runs
		.iter()
		.map(|run| run["request"]["feed"]["reading"]["display"].as_str().expect("a feed value"))
		.collect();
	assert_eq!(scored, vec!["0.4125", "0.3810", "0.5020"], "{info:#}");
	for (number, run) in runs.iter().enumerate() {
		assert_eq!(run["madeAt"], run["due"], "run {number} on its beat: {run}");
		let request = &run["request"];
		assert_eq!(
			request["requester"],
			sp_keyring::Sr25519Keyring::Bob.to_account_id().to_string()
		);
		assert!(request["result"]["output"]["classification"].is_array(), "{request}");
		let paid = &request["settlement"]["paid"];
		assert!(paid["verifiers"].as_u64().is_some_and(|count| count >= 2), "{request}");
	}
	let due: Vec<u64> = runs.iter().map(|run| run["due"].as_u64().expect("a block")).collect();
	assert_eq!((due[1] - due[0], due[2] - due[1]), (10, 10));

	// A second subscription, cancelled before most of its runs: those are
	// refunded, and nothing more is made.
	let long = [&subscribe[..13], &["--max-fee", "1", "--every", "50", "--runs", "20"]].concat();
	let opened = veritas(args(&dev.url, "//Bob", &long)).await;
	assert!(opened.status.success(), "{}", stderr(&opened));
	dev.node
		.wait_for("its first run", Duration::from_secs(60), || async {
			runs_made(&show(&dev, 1).await) == 1
		})
		.await;
	let cancelled =
		veritas(args(&dev.url, "//Bob", &["--output", "json", "subscription", "cancel", "1"]))
			.await;
	assert!(cancelled.status.success(), "{}", stderr(&cancelled));
	assert_eq!(json_of(&cancelled)["refund"], "19000000000000", "19 runs of 1 VRT back");
	let info = show(&dev, 1).await;
	assert!(info["status"]["Cancelled"].is_object(), "{info:#}");
	let again = veritas(args(&dev.url, "//Bob", &["subscription", "cancel", "1"])).await;
	assert!(!again.status.success());
	assert!(stderr(&again).contains("NotActive"), "{}", stderr(&again));
	let unknown = veritas(args(&dev.url, "//Bob", &["subscription", "show", "7"])).await;
	assert_eq!(stderr(&unknown).trim(), "error: no subscription 7");
}
