//! The `veritas` command line against a live `veritas-node --dev`: a
//! publisher publishes the loan-risk model into the node's store, Alice
//! registers as its executor, Bob runs an inference and waits for its
//! verdict, then verifies it without trusting the node; verifiers and data
//! nodes register and a request is scored on a feed; mistakes are one clear
//! line and a non-zero exit; the publisher cuts the price, and Alice is
//! assigned nothing until she accepts the new terms. Each part has a node of
//! its own, so that the parts run side by side.
//! (`scripts/test.sh` builds the `veritas` binary beside the node's.)

use crate::common;

use common::{
	veritas_cli::{args, json_of, publish_loan_risk, stderr, stdout, veritas, DevNode},
	Node,
};

#[tokio::test(flavor = "multi_thread")]
#[ignore = "starts a real node; run by scripts/test.sh"]
async fn publish_serve_and_infer_from_the_command_line() {
	let DevNode { node, url, store, _dir } = DevNode::start("cli").await;
	let published = veritas(publish_loan_risk(&url, &store, "loan-risk", &[])).await;
	assert!(published.status.success(), "{}", stderr(&published));
	assert_eq!(stdout(&published).trim(), "0", "the new model's id");
	assert!(stderr(&published).contains("uploaded weights"));

	let listed =
		veritas(args(&url, "//Alice", &["model", "list", "--task", "classification"])).await;
	assert!(stdout(&listed).contains("classification"), "{}", stdout(&listed));
	let shown = veritas(args(&url, "//Alice", &["model", "show", "0"])).await;
	assert!(stdout(&shown).contains("\"architecture\": \"Mlp\""), "{}", stdout(&shown));

	let serving = veritas(args(&url, "//Alice", &["executor", "register", "--models", "0"])).await;
	assert!(serving.status.success(), "{}", stderr(&serving));
	let status = veritas(args(&url, "//Alice", &["executor", "status"])).await;
	assert!(stdout(&status).contains("100 VRT"), "{}", stdout(&status));

	// The same answers for scripts: one JSON document each, amounts in the
	// smallest unit as strings.
	let listed =
		json_of(&veritas(args(&url, "//Alice", &["model", "list", "--output", "json"])).await);
	assert_eq!(listed["models"][0]["id"], 0, "{listed}");
	let status =
		json_of(&veritas(args(&url, "//Alice", &["executor", "status", "--output", "json"])).await);
	assert_eq!(status["stake"], "100000000000000", "{status}");
	assert_eq!(status["models"][0]["model"], 0, "{status}");
	assert_eq!(status["models"][0]["assigned"], true, "{status}");
	let balances = json_of(
		&veritas(args(&url, "//Bob", &["balance", "//Bob", "treasury", "--output", "json"])).await,
	);
	assert_eq!(balances["balances"][0]["name"], "//Bob", "{balances}");
	let free: u128 = balances["balances"][0]["free"].as_str().and_then(|f| f.parse().ok()).unwrap();
	assert!(free > 0, "{balances}");
	let unknown = veritas(args(&url, "//Bob", &["model", "show", "9", "--output", "json"])).await;
	assert!(!unknown.status.success());
	assert!(unknown.stdout.is_empty(), "nothing on stdout when it fails");
	let error: serde_json::Value = serde_json::from_slice(&unknown.stderr).expect("JSON error");
	assert_eq!(error["error"], "no model 9");

	let inferred = veritas(args(
		&url,
		"//Bob",
		&["infer", "--model", "0", "--input", "28,0.62,590,45,1,1", "--wait"],
	))
	.await;
	let printed = stdout(&inferred);
	assert!(inferred.status.success(), "{}\n{}", stderr(&inferred), node.log_tail());
	assert!(printed.contains("Accepted"), "{printed}");
	assert!(stderr(&inferred).contains("Accepted, finalized"), "waits for finality by default");
	assert!(printed.contains("class probabilities"), "{printed}");
	assert!(printed.contains("paid"), "{printed}");
	assert!(printed.contains("proof       bafk"), "{printed}");
	verify_trusting_no_node(&node, &url, &store).await;
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "starts a real node; run by scripts/test.sh"]
async fn verifiers_and_data_feeds_from_the_command_line() {
	let dev = DevNode::serving_loan_risk("cli-feeds").await;
	let (node, url) = (&dev.node, dev.url.clone());

	// Charlie verifies from genesis; Bob registers now and sits in rounds
	// only two epochs (400 blocks) later.
	let genesis = veritas(args(&url, "//Charlie", &["verifier", "status"])).await;
	assert!(stdout(&genesis).contains("sits from      block 0"), "{}", stdout(&genesis));
	let genesis = json_of(
		&veritas(args(&url, "//Charlie", &["verifier", "status", "--output", "json"])).await,
	);
	assert_eq!(genesis["eligibleFrom"], 0, "{genesis}");
	let again = veritas(args(&url, "//Charlie", &["verifier", "register", "--stake", "100"])).await;
	assert!(!again.status.success());
	assert!(stderr(&again).contains("AlreadyRegistered"), "{}", stderr(&again));
	let verifier = veritas(args(&url, "//Bob", &["verifier", "register", "--stake", "100"])).await;
	assert!(verifier.status.success(), "{}", stderr(&verifier));
	let status = veritas(args(&url, "//Bob", &["verifier", "status"])).await;
	let sits_from: u32 = stdout(&status)
		.lines()
		.find_map(|line| line.strip_prefix("sits from      block "))
		.and_then(|block| block.trim().parse().ok())
		.unwrap_or_else(|| panic!("{}", stdout(&status)));
	assert!(sits_from >= 400, "{}", stdout(&status));

	// Data feeds: Alice and Bob (whose data node keys the dev node holds)
	// register, Alice creates a feed, and Bob scores an applicant with the
	// feed's debt-to-income ratio as feature 1.
	let (source, _) = common::serve_json(common::APPLICANT_SOURCE);
	dev.applicant_feed(&source, "0.4125").await;
	let shown = veritas(args(&url, "//Bob", &["feed", "show", "0"])).await;
	assert!(stdout(&shown).contains("\"minReporters\": 2"), "{}", stdout(&shown));
	let scored = veritas(args(
		&url,
		"//Bob",
		&[
			"infer",
			"--model",
			"0",
			"--input",
			"28,590,45,1,1",
			"--feed",
			"0",
			"--feed-position",
			"1",
			"--wait",
		],
	))
	.await;
	let printed = stdout(&scored);
	assert!(scored.status.success(), "{}\n{}", stderr(&scored), node.log_tail());
	assert!(printed.contains("feed        0 = 0.4125"), "{printed}");
	assert!(printed.contains("Accepted"), "{printed}");
	let status = veritas(args(&url, "//Alice", &["data-node", "status"])).await;
	assert!(stdout(&status).contains("\"status\": \"active\""), "{}", stdout(&status));
	let no_feed = veritas(args(&url, "//Bob", &["feed", "show", "9"])).await;
	assert_eq!(stderr(&no_feed).trim(), "error: no feed 9");
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "starts a real node; run by scripts/test.sh"]
async fn mistakes_and_new_terms_from_the_command_line() {
	let dev = DevNode::serving_loan_risk("cli-terms").await;
	let url = dev.url.clone();

	// Mistakes: one line, non-zero exit.
	let unknown = veritas(args(&url, "//Bob", &["model", "show", "9"])).await;
	assert!(!unknown.status.success());
	assert_eq!(stderr(&unknown).trim(), "error: no model 9");
	let cheap = veritas(args(
		&url,
		"//Bob",
		&["infer", "--model", "0", "--input", "1,2,3,4,5,6", "--max-fee", "0.000001"],
	))
	.await;
	assert!(stderr(&cheap).starts_with("error: fee too low"), "{}", stderr(&cheap));
	let offline = veritas(args("http://127.0.0.1:1", "//Bob", &["model", "list"])).await;
	// With its cause: nothing listens there.
	let offline = stderr(&offline);
	assert!(
		offline.starts_with("error: node unreachable at http://127.0.0.1:1: ")
			&& offline.contains("Connection refused"),
		"{offline}"
	);
	let refused = veritas(args(&url, "//Alice", &["executor", "register", "--models", "0"])).await;
	assert!(
		stderr(&refused).contains("the chain refused it: Inference(AlreadyExecutor)"),
		"{}",
		stderr(&refused)
	);

	// The publisher cuts the price: the executor is not assigned new
	// requests until it accepts the new terms, and cannot accept a revision
	// it has not read.
	let status = veritas(args(&url, "//Alice", &["executor", "status"])).await;
	assert!(stdout(&status).contains("terms revision 0 accepted"), "{}", stdout(&status));
	let cut = veritas(args(&url, "//Alice", &["model", "set-price", "0", "--price", "0.01"])).await;
	assert!(cut.status.success(), "{}", stderr(&cut));
	assert!(stdout(&cut).contains("revision 1"), "{}", stdout(&cut));
	let status = veritas(args(&url, "//Alice", &["executor", "status"])).await;
	assert!(stdout(&status).contains("terms changed to revision 1"), "{}", stdout(&status));
	let shown = veritas(args(&url, "//Bob", &["model", "show", "0"])).await;
	assert!(stdout(&shown).contains("\"terms\": 1"), "{}", stdout(&shown));
	let unassigned =
		veritas(args(&url, "//Bob", &["infer", "--model", "0", "--input", "28,0.62,590,45,1,1"]))
			.await;
	assert!(
		stderr(&unassigned).contains("Inference(NoExecutorAvailable)"),
		"{}",
		stderr(&unassigned)
	);
	let stale =
		veritas(args(&url, "//Alice", &["executor", "accept-terms", "0", "--terms", "0"])).await;
	assert!(stderr(&stale).contains("read them again"), "{}", stderr(&stale));
	let accepted = veritas(args(&url, "//Alice", &["executor", "accept-terms", "0"])).await;
	assert!(accepted.status.success(), "{}", stderr(&accepted));
	let served = veritas(args(
		&url,
		"//Bob",
		&[
			"infer",
			"--model",
			"0",
			"--input",
			"28,0.62,590,45,1,1",
			"--wait",
			"best",
			"--output",
			"json",
		],
	))
	.await;
	let settled = json_of(&served);
	assert_eq!(settled["status"], "Accepted", "{settled}");
	assert_eq!(settled["result"]["output"]["classification"].as_array().map(Vec::len), Some(2));
	assert!(
		!stderr(&served).contains("Accepted, finalized"),
		"--wait best stops at the best block"
	);
}

/// Bob asks for his loan score by reference: Alice's node stores the output
/// and posts its CID, length and digest; the node's verifiers fetch and check
/// it; the chain keeps only the reference; `inference_getRequest` fetches it
/// (digest-checked) for the answer, and `veritas verify` fetches and checks
/// it itself.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "starts a real node; run by scripts/test.sh"]
async fn results_by_reference_from_the_command_line() {
	use veritas_primitives::inference::ResultOutput;
	let dev = DevNode::serving_loan_risk("cli-reference").await;
	let (node, url) = (&dev.node, dev.url.clone());
	let infer = |rest: &[&str]| {
		let by_reference =
			["infer", "--model", "0", "--input", "28,0.62,590,45,1,1", "--output-by-reference"];
		args(&url, "//Bob", &[&by_reference[..], rest].concat())
	};
	let inferred = veritas(infer(&["--wait", "--output", "json"])).await;
	assert!(inferred.status.success(), "{}\n{}", stderr(&inferred), node.log_tail());
	let settled = json_of(&inferred);
	assert_eq!(settled["status"], "Accepted", "{settled}");
	assert_eq!(settled["params"]["output_by_reference"], true, "{settled}");
	let probabilities = settled["result"]["output"]["classification"].as_array().cloned();
	assert_eq!(probabilities.map(|p| p.len()), Some(2), "fetched for the answer: {settled}");
	let cid = settled["result"]["storedOutput"]["cid"].as_str().expect("stored").to_string();
	assert!(cid.starts_with("bafk"), "{settled}");
	assert!(matches!(&settled["settlement"]["paid"]["verifiers"], v if v.as_u64() >= Some(1)));

	// On-chain: the reference, not the output.
	let key = pallet_inference::Requests::<veritas_runtime::Runtime>::hashed_key_for(0);
	let record: pallet_inference::RequestOf<veritas_runtime::Runtime> =
		node.storage(&key).await.expect("the request");
	let result = record.result.expect("a result");
	let ResultOutput::Stored { cid: on_chain, size } = result.output else {
		panic!("stored by reference, not {:?}", result.output)
	};
	assert_eq!(String::from_utf8_lossy(&on_chain), cid);
	assert_eq!(settled["result"]["storedOutput"]["size"].as_u64(), Some(size));

	// The same answer for people names where it is stored.
	let shown = veritas(infer(&["--wait", "best"])).await;
	assert!(
		stdout(&shown).contains(&format!("stored      {cid} ({size} bytes)")),
		"{}",
		stdout(&shown)
	);
	assert!(stdout(&shown).contains("class probabilities"), "{}", stdout(&shown));

	// `veritas verify` fetches the output from the store itself, checks it
	// against the digest it proved on-chain, and re-runs the request
	// (settled in a finalized block: the first command waited for it).
	let verified =
		veritas(args(&url, "//Bob", &["verify", "0", "--store", &dev.store, "--output", "json"]))
			.await;
	assert!(verified.status.success(), "{}\n{}", stderr(&verified), node.log_tail());
	assert_eq!(json_of(&verified)["verdict"], "Match", "{}", stdout(&verified));
}

/// `veritas verify` on request 0 (settled and final): Match through the
/// node and through an honest relay, from genesis and from a given trusted
/// block; NodeLied, exit 3, through a relay that falsifies headers, storage
/// proofs, GRANDPA justifications or proof documents.
async fn verify_trusting_no_node(node: &Node, url: &str, store: &str) {
	use common::lying_proxy::{Lie, LyingProxy};

	let verify = |url: &str, extra: &[&str]| {
		let mut rest = vec!["verify", "0", "--store", store, "--output", "json"];
		rest.extend(extra);
		args(url, "//Bob", &rest)
	};
	let verified = veritas(verify(url, &[])).await;
	assert!(verified.status.success(), "{}\n{}", stderr(&verified), node.log_tail());
	let report = json_of(&verified);
	assert_eq!(report["verdict"], "Match", "{report}");
	assert_eq!(report["authoritySet"], 0);
	let (_, finalized) = node.finalized().await;
	let proven = report["finalizedBlock"].as_u64().expect("a block number") as u32;
	assert!(proven > 0 && proven <= finalized, "{report}");

	let genesis = format!("{:?}", node.block_hash(0).await.expect("a genesis block"));
	let trusted = veritas(verify(url, &["--trusted-block", &genesis])).await;
	assert_eq!(json_of(&trusted)["verdict"], "Match", "{}", stderr(&trusted));
	let unknown = format!("0x{}", "42".repeat(32));
	let unknown = veritas(verify(url, &["--trusted-block", &unknown])).await;
	assert_eq!(unknown.status.code(), Some(1), "a block the node lacks is no lie");

	// The engine runs in a process of its own, under limits: one that
	// overruns its time is ended, not the command, which says why.
	let hurried = veritas(verify(url, &["--time-limit", "0"])).await;
	assert_eq!(hurried.status.code(), Some(1), "{}", stdout(&hurried));
	let said = stderr(&hurried);
	assert!(said.contains("the engine worker was not done within 0 s"), "{said}");

	let honest = LyingProxy::start(url, Lie::None).await;
	let relayed = veritas(verify(&honest.url, &[])).await;
	assert_eq!(json_of(&relayed)["verdict"], "Match", "{}", stderr(&relayed));

	for (lie, caught) in [
		(Lie::HeaderStateRoot, "hashes to another"),
		(Lie::ReadProof, "read proof does not match"),
		(Lie::Justification, "signature does not verify"),
		(Lie::ProofDocument, "does not hash to the digest"),
	] {
		let proxy = LyingProxy::start(url, lie).await;
		let lied = veritas(verify(&proxy.url, &[])).await;
		assert_eq!(lied.status.code(), Some(3), "{lie:?}: {}", stderr(&lied));
		let report = json_of(&lied);
		assert_eq!(report["verdict"], "NodeLied", "{lie:?}: {report}");
		let said = report["lie"].as_str().unwrap_or_default();
		assert!(said.contains(caught), "{lie:?}: {said}");
	}
}
