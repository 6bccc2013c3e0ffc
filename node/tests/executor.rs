//! The executor's whole path on a live `veritas-node --dev` (which runs the
//! engine with Alice's executor key): the publisher puts the loan-risk model's
//! files in a store and registers them, Alice registers as its executor, a
//! dApp asks for a score, and Alice's off-chain worker fetches the files,
//! checks their digests, runs the model, stores a proof document and posts
//! the result, which the chain accepts and pays.
//!
//! The store is the node's embedded directory, or a real IPFS daemon when
//! `VERITAS_IPFS_API` names one (scripts/test.sh starts it). A model whose
//! file does not match the digest on-chain is refused and reported; the
//! verifiers agree, the dApp pays for the executor's attempt and the
//! verifiers, and gets the rest back; nobody is slashed.

use crate::common;

use std::time::Duration;

use codec::Encode;
use common::{file_ref, fixture, Node, TempDir};
use jsonrpsee::{
	core::client::{ClientT, SubscriptionClientT},
	ws_client::WsClientBuilder,
};
use pallet_inference::{Request, RequestStatus, Settled};
use sp_keyring::Sr25519Keyring;
use veritas_engine::{
	mlp::{Mlp, MlpConfig},
	model::{Input, Model, RunParams},
	proof::ProofDocument,
	store::{embedded::EmbeddedStore, ipfs::IpfsStore},
	ModelStore, OutputDigest,
};
use veritas_primitives::{
	currency::VRT,
	inference::{F32Bits, InferenceParams, RequestInput, ResultOutput, UnrunnableReason},
	model::*,
	AccountId, Balance, BlockNumber,
};
use veritas_runtime::{Runtime, RuntimeCall};

type RequestRecord = Request<AccountId, Balance, BlockNumber>;

/// A risky applicant: low income, high debt, a past default.
const APPLICANT: [f32; 6] = [28.0, 0.62, 590.0, 45.0, 1.0, 1.0];

async fn request(node: &Node, id: u64) -> Option<RequestRecord> {
	node.storage(&pallet_inference::Requests::<Runtime>::hashed_key_for(id)).await
}

/// Registers the model with these files, Alice as its executor, and has
/// Bob ask for a score due in `deadline_blocks` (request 0).
async fn ask_for_a_score(node: &Node, weights: FileRef, config: FileRef, deadline_blocks: u32) {
	let (alice, bob) = (Sr25519Keyring::Alice, Sr25519Keyring::Bob);
	common::register_model_and_executor(
		node,
		common::register_loan_risk(weights, config),
		alice,
		alice,
		4,
	)
	.await;

	let features: Vec<F32Bits> = APPLICANT.iter().copied().map(F32Bits::from).collect();
	let head = node.best_number().await;
	let ask = RuntimeCall::Inference(pallet_inference::Call::request_inference {
		model: 0,
		input: RequestInput::Inline(features.encode().try_into().expect("fits")),
		params: InferenceParams::default(),
		max_fee: VRT,
		deadline: head + deadline_blocks,
	});
	node.sign_and_submit(ask, bob).await.expect("requested");
	node.wait_for("the request to be assigned", Duration::from_secs(30), || async {
		request(node, 0).await.is_some()
	})
	.await;
}

/// The full path, the node keeping its chain under `dir/base` and the
/// publisher putting the files in `store` (the node's store too).
async fn the_executor_serves_a_request(
	label: &str,
	dir: &TempDir,
	store: &dyn ModelStore,
	extra_args: &[&str],
) {
	let base_arg = dir.path().join("base").to_string_lossy().into_owned();
	let mut args = vec!["--dev", "--base-path", &base_arg];
	args.extend_from_slice(extra_args);
	let node = Node::start(label, &args, dir.path());

	let (weights, config) = (fixture("model.safetensors"), fixture("config.json"));
	ask_for_a_score(&node, file_ref(store, &weights), file_ref(store, &config), 100).await;
	let bob = Sr25519Keyring::Bob.to_account_id();
	let bob_before = node.free_balance(&bob).await;

	// A first round that selects too few waits for its deadline (a minute)
	// and a dispute.
	node.wait_for("Alice's worker to post the result", Duration::from_secs(180), || async {
		request(&node, 0).await.is_some_and(|r| r.status == RequestStatus::Accepted)
	})
	.await;
	let accepted = request(&node, 0).await.expect("stored");
	let result = accepted.result.expect("a result");

	// The chain holds what the engine computes from the same files.
	let config = MlpConfig::from_json(&config).expect("the fixture config reads");
	let model = Mlp::load(config, weights.clone()).expect("the fixture model loads");
	let expected =
		model.run(Input::Numbers(&APPLICANT), &RunParams::default()).expect("the model runs");
	assert_eq!(
		result.output,
		ResultOutput::Inline(expected.canonical_bytes().try_into().expect("fits"))
	);
	assert_eq!(result.output_digest, expected.digest());

	// The proof document is in the store, matches its on-chain digest, and
	// names the request, the model, the files, the input and Alice.
	let cid = String::from_utf8(result.proof_cid.to_vec()).expect("a CID is text");
	let bytes = store.fetch(&cid, &result.proof_digest, 1 << 20).expect("the proof is stored");
	let proof = ProofDocument::from_bytes(&bytes).expect("a proof document");
	assert!(proof.is_consistent());
	assert_eq!((proof.request, proof.model), (0, 0));
	assert_eq!(proof.output_bytes().expect("hex output"), expected.canonical_bytes());
	assert_eq!(proof.files.len(), 2);
	let features: Vec<F32Bits> = APPLICANT.iter().copied().map(F32Bits::from).collect();
	assert_eq!(
		proof.input_digest,
		veritas_engine::digest::to_hex(&sp_io::hashing::blake2_256(&features.encode()))
	);
	let alice = Sr25519Keyring::Alice.to_account_id();
	assert_eq!(proof.executor, veritas_engine::digest::to_hex(&alice.encode()));

	// Bob paid the model's price, the protocol fee and the verifiers who
	// confirmed the result (the dev chain's genesis verifiers, whose keys
	// the node holds), and got the rest of his 1 VRT escrow back.
	let Some(Settled::Paid(payouts)) = &accepted.settled else {
		panic!("paid, not {:?}", accepted.settled);
	};
	assert!(payouts.verifiers >= 2, "{payouts:?}");
	let verifiers = payouts.per_verifier * u128::from(payouts.verifiers);
	assert_eq!(
		node.free_balance(&bob).await,
		bob_before + VRT - VRT / 10 - VRT / 10 / 20 - verifiers
	);

	// The engine's metrics saw the execution and the verifiers' checks (the
	// node's registry labels every metric with the chain, too).
	let metrics = node.metrics().await;
	for (name, labels) in [
		("veritas_engine_jobs_total", &[r#"kind="execute""#, r#"outcome="done""#][..]),
		("veritas_engine_jobs_total", &[r#"kind="check""#, r#"outcome="done""#]),
		("veritas_engine_checks_total", &[r#"attestation="match""#]),
		("veritas_engine_job_seconds_count", &[r#"kind="execute""#, r#"model="0""#]),
		("veritas_engine_queued_jobs", &[]),
		// Each engine worker's first job fetches the model and loads it.
		("veritas_engine_model_cache_total", &[r#"result="miss""#]),
		("veritas_engine_model_cache_bytes", &[r#"worker=""#]),
	] {
		let found = metrics.lines().any(|line| {
			line.strip_prefix(name).is_some_and(|rest| rest.starts_with(['{', ' ']))
				&& labels.iter().all(|label| line.contains(label))
		});
		assert!(found, "{name} {labels:?} missing from the node's metrics:\n{metrics}");
	}
	let read: f64 = metrics
		.lines()
		.find_map(|line| line.strip_prefix("veritas_engine_store_read_bytes_total"))
		.and_then(|rest| rest.rsplit(' ').next()?.parse().ok())
		.unwrap_or_else(|| panic!("no store bytes in the node's metrics:\n{metrics}"));
	assert!(read >= weights.len() as f64, "the model's weights were read from the store: {read}");
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "starts a real node; run by scripts/test.sh"]
async fn the_executor_serves_a_request_from_the_embedded_store() {
	// The embedded store is a directory under the node's base path: the
	// publisher's copy goes straight into it.
	let dir = TempDir::new("embedded");
	let store = EmbeddedStore::open(dir.path().join("base/model-store")).expect("opens");
	the_executor_serves_a_request("embedded", &dir, &store, &[]).await;
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "starts a real node and needs VERITAS_IPFS_API; run by scripts/test.sh"]
async fn the_executor_serves_a_request_through_ipfs() {
	let Ok(api) = std::env::var("VERITAS_IPFS_API") else {
		panic!("VERITAS_IPFS_API must name a Kubo RPC API (scripts/test.sh starts one)");
	};
	let dir = TempDir::new("ipfs");
	let store = IpfsStore::new(&api, Duration::from_secs(60));
	the_executor_serves_a_request("ipfs", &dir, &store, &["--ipfs-api", &api]).await;
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "starts a real node; run by scripts/test.sh"]
async fn a_file_that_does_not_match_its_digest_is_refused_and_reported() {
	let dir = TempDir::new("tampered");
	let base = dir.path().join("base");
	let store = EmbeddedStore::open(base.join("model-store")).expect("the store opens");
	let base_arg = base.to_string_lossy().into_owned();
	let node = Node::start("tampered", &["--dev", "--base-path", &base_arg], dir.path());

	// The config is registered with the digest of other bytes.
	let weights = file_ref(&store, &fixture("model.safetensors"));
	let mut config = file_ref(&store, &fixture("config.json"));
	config.digest = sp_io::hashing::blake2_256(b"a different config");
	let bob = Sr25519Keyring::Bob.to_account_id();
	let alice = Sr25519Keyring::Alice.to_account_id();
	let bob_before = node.free_balance(&bob).await;
	ask_for_a_score(&node, weights, config, 8).await;
	let executor_key = pallet_inference::Executors::<Runtime>::hashed_key_for(&alice);
	let stake_before = node
		.storage::<pallet_inference::ExecutorOf<Runtime>>(&executor_key)
		.await
		.expect("Alice executes")
		.stake;

	// Alice's worker refuses the file and reports it; the dev node's
	// verifiers find the same mismatch and agree.
	node.wait_for("the report to be agreed", Duration::from_secs(120), || async {
		request(&node, 0).await.is_some_and(|r| r.status == RequestStatus::Unrunnable)
	})
	.await;
	let settled = request(&node, 0).await.expect("stored");
	let result = settled.result.clone().expect("the report");
	assert_eq!(result.reported, Some(UnrunnableReason::DigestMismatch));
	assert_eq!(result.output, ResultOutput::default(), "no output was posted");
	// Bob paid Alice's attempt (the model's 0.1 VRT), the verifiers' fees
	// (0.02 VRT each) and his transaction's fee, not the protocol fee or the
	// publisher's royalty; Alice lost nothing.
	let Some(Settled::Paid(payouts)) = settled.settled else { panic!("{settled:?}") };
	assert_eq!((payouts.executor, payouts.royalty, payouts.treasury), (VRT / 10, 0, 0));
	assert!(payouts.verifiers >= 2, "{payouts:?}");
	let spent = bob_before - node.free_balance(&bob).await;
	let paid = VRT / 10 + payouts.per_verifier * payouts.verifiers as u128;
	assert!(spent >= paid && spent < paid + VRT / 20, "Bob spent {spent}, {paid} for the request");
	let stake_after = node
		.storage::<pallet_inference::ExecutorOf<Runtime>>(&executor_key)
		.await
		.expect("Alice executes")
		.stake;
	assert_eq!(stake_after, stake_before, "Alice was not slashed");
	let log = node.log();
	assert!(log.contains("digest mismatch"), "the refusal is logged:\n{}", node.log_tail());
}

/// What a dApp sees over `inference_*`: the fee, the model, a subscription
/// that follows its request until it is settled, the request with its
/// result and payouts, and the proof document checked against the chain.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "starts a real node; run by scripts/test.sh"]
async fn a_dapp_follows_its_request_over_inference_rpc() {
	let dir = TempDir::new("rpc");
	let base = dir.path().join("base");
	let store = EmbeddedStore::open(base.join("model-store")).expect("opens");
	let base_arg = base.to_string_lossy().into_owned();
	let node = Node::start("rpc", &["--dev", "--base-path", &base_arg], dir.path());
	let (weights, config) = (fixture("model.safetensors"), fixture("config.json"));
	let weights_ref = file_ref(&store, &weights);
	let weights_cid = String::from_utf8(weights_ref.cid.to_vec()).expect("text");

	// Errors are JSON-RPC errors that name the problem.
	node.call_when_up("system_health", params![]).await;
	let unknown = node.call("inference_getModel", params![7]).await.unwrap_err();
	assert!(unknown.contains("no model 7"), "{unknown}");
	let unknown = node.call("inference_getRequest", params![7]).await.unwrap_err();
	assert!(unknown.contains("no request 7"), "{unknown}");
	let bad = node.call("inference_listModels", params![0, 10, "poetry"]).await.unwrap_err();
	assert!(bad.contains("unknown task"), "{bad}");

	ask_for_a_score(&node, weights_ref, file_ref(&store, &config), 100).await;

	let fee = node.call("inference_estimateFee", params![0]).await.expect("a fee");
	assert_eq!(fee["model"], (VRT / 10).to_string());
	assert_eq!(fee["total"], (VRT / 10 + 3 * (VRT / 50) + VRT / 200).to_string());
	let model = node.call("inference_getModel", params![0]).await.expect("the model");
	assert_eq!(model["task"], "classification");
	assert_eq!(model["files"]["weights"]["cid"], weights_cid);
	let listed = node.call("inference_listModels", params![0, 10, "classification"]).await.unwrap();
	assert_eq!(listed["models"].as_array().map(Vec::len), Some(1));
	let none = node.call("inference_listModels", params![0, 10, "embedding"]).await.unwrap();
	assert_eq!(none["models"].as_array().map(Vec::len), Some(0));

	// Follow request 0 until it settles.
	let ws = WsClientBuilder::default()
		.build(format!("ws://127.0.0.1:{}", node.ports.rpc))
		.await
		.expect("a WebSocket connection");
	let mut updates = ws
		.subscribe::<serde_json::Value, _>(
			"inference_subscribeRequest",
			params![0],
			"inference_unsubscribeRequest",
		)
		.await
		.expect("subscribed");
	// The best chain's updates and the finalized chain's, until the
	// settlement is finalized.
	let (mut best, mut finalized) = (Vec::new(), Vec::new());
	while let Ok(Some(update)) =
		tokio::time::timeout(Duration::from_secs(150), updates.next()).await
	{
		let update = update.expect("an update");
		let status = update["request"]["status"].as_str().unwrap_or_default().to_string();
		let is_finalized = update["finalized"].as_bool().expect("says whether finalized");
		if is_finalized {
			finalized.push(status.clone());
		} else {
			best.push(status.clone());
		}
		if is_finalized
			&& ["Accepted", "Rejected", "Expired", "Cancelled"].contains(&status.as_str())
		{
			break;
		}
	}
	for statuses in [&best, &finalized] {
		assert_eq!(statuses.last().map(String::as_str), Some("Accepted"), "{best:?} {finalized:?}");
		assert!(statuses.windows(2).all(|pair| pair[0] != pair[1]), "one update per change");
	}

	let settled = node.call("inference_getRequest", params![0]).await.expect("the request");
	assert_eq!(settled["status"], "Accepted");
	let probabilities = settled["result"]["output"]["classification"].as_array().expect("numbers");
	assert_eq!(probabilities.len(), 2);
	assert!(settled["settlement"]["paid"]["executor"].is_string());
	let proof = node.call("inference_getProof", params![0]).await.expect("the proof");
	assert_eq!(proof["document"]["request"], 0);
	assert_eq!(
		proof["document"]["output_digest"].as_str().map(|d| format!("0x{d}")),
		settled["result"]["outputDigest"].as_str().map(String::from)
	);
	let unsubscribed = ws.request::<serde_json::Value, _>("system_health", params![]).await;
	assert!(unsubscribed.is_ok(), "the connection stays usable");
}
