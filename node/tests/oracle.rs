//! Data feeds on a live `veritas-node --dev` (whose data node keys are
//! Alice's and Bob's): a JSON source served by this test on 127.0.0.1, a
//! feed of it, the node's data node worker fetching it and reporting until
//! rounds close, and then a loan-risk request that takes the feed's value as
//! one of its features, run by Alice's executor worker and checked by a
//! committee of the node's verifier keys.

use crate::common;

use std::{sync::atomic::Ordering, time::Duration};

use codec::Encode;
use common::{file_ref, fixture, Node, TempDir};
use pallet_inference::{Request, RequestStatus, Settled};
use sp_keyring::Sr25519Keyring;
use veritas_engine::{
	mlp::{Mlp, MlpConfig},
	model::{Input, Model, RunParams},
	store::embedded::EmbeddedStore,
};
use veritas_primitives::{
	currency::VRT,
	inference::{F32Bits, InferenceParams, InlineInput, RequestInput, ResultOutput},
	oracle::{FeedInput, FeedName, FeedReading, JsonPath, SourceUrl},
	AccountId, Balance, BlockNumber,
};
use veritas_runtime::{Runtime, RuntimeCall};

type RequestRecord = Request<AccountId, Balance, BlockNumber>;

/// The applicant's other features, around the feed's debt-to-income ratio
/// (feature 1 of the loan-risk model).
const OTHER_FEATURES: [f32; 5] = [28.0, 590.0, 45.0, 1.0, 1.0];

async fn latest(node: &Node) -> Option<FeedReading<BlockNumber>> {
	node.storage(&pallet_oracle::Latest::<Runtime>::hashed_key_for(0)).await
}

async fn request(node: &Node, id: u64) -> Option<RequestRecord> {
	node.storage(&pallet_inference::Requests::<Runtime>::hashed_key_for(id)).await
}

fn encode(features: &[f32]) -> InlineInput {
	let values: Vec<F32Bits> = features.iter().copied().map(F32Bits::from).collect();
	InlineInput::truncate_from(values.encode())
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "starts a real node; run by scripts/test.sh"]
async fn a_request_scores_with_a_feed_reported_by_data_nodes() {
	let (source, served) = common::serve_json(common::APPLICANT_SOURCE);
	let dir = TempDir::new("oracle");
	let base = dir.path().join("base").to_string_lossy().into_owned();
	// The JSON source is served on loopback, which a data node refuses
	// unless told otherwise.
	let node = Node::start(
		"oracle",
		&["--dev", "--base-path", &base, "--data-node-allow-private"],
		dir.path(),
	);
	let (alice, bob) = (Sr25519Keyring::Alice, Sr25519Keyring::Bob);

	// Alice and Bob, whose data node keys the dev node holds, register; Bob
	// stakes more. Alice creates the feed, leaving the deposit.
	for (node_account, stake) in [(alice, 100 * VRT), (bob, 300 * VRT)] {
		let call = RuntimeCall::Oracle(pallet_oracle::Call::register_data_node { stake });
		node.sign_and_submit(call, node_account).await.expect("data node registered");
	}
	let create = RuntimeCall::Oracle(pallet_oracle::Call::create_feed {
		name: FeedName::truncate_from(b"applicant a-17 debt-to-income".to_vec()),
		source_url: SourceUrl::truncate_from(source.clone().into_bytes()),
		json_path: JsonPath::truncate_from(b"$.applicant.debt_to_income".to_vec()),
		decimals: 4,
		heartbeat_blocks: 5,
		min_reporters: 2,
	});
	node.sign_and_submit(create, alice).await.expect("feed created");
	// Each chooses to serve it.
	for node_account in [alice, bob] {
		let feeds = vec![0].try_into().expect("one feed");
		let call = RuntimeCall::Oracle(pallet_oracle::Call::serve_feeds { feeds });
		node.sign_and_submit(call, node_account).await.expect("serving the feed");
	}

	// Both report; the round closes at two reports with their median.
	node.wait_for("a round to close", Duration::from_secs(60), || async {
		latest(&node).await.is_some()
	})
	.await;
	let reading = latest(&node).await.expect("a value");
	assert_eq!((reading.value, reading.decimals, reading.reporters), (4125, 4, 2));
	assert!(served.load(Ordering::SeqCst) >= 1, "the source was fetched");
	let rpc = node.call_when_up("oracle_latest", params![0]).await;
	assert_eq!(rpc["display"], "0.4125");
	assert_eq!(rpc["value"], "4125");
	let alice_node: pallet_oracle::DataNodeOf<Runtime> = node
		.storage(&pallet_oracle::DataNodes::<Runtime>::hashed_key_for(alice.to_account_id()))
		.await
		.expect("a data node");
	assert_eq!(alice_node.strikes, 0);

	// The loan-risk model, Alice as its executor, and the dev node's four
	// verifier keys registered, so that the result is checked for real.
	let store = EmbeddedStore::open(dir.path().join("base/model-store")).expect("opens");
	let (weights, config) = (fixture("model.safetensors"), fixture("config.json"));
	let register =
		common::register_loan_risk(file_ref(&store, &weights), file_ref(&store, &config));
	common::register_model_and_executor(&node, register, alice, alice, 4).await;

	// Bob asks for a score with the feed's value as feature 1.
	let head = node.best_number().await;
	let ask = RuntimeCall::Inference(pallet_inference::Call::request_inference {
		model: 0,
		input: RequestInput::Feed {
			feed_id: 0,
			max_age_blocks: 30,
			features: encode(&OTHER_FEATURES),
			position: 1,
		},
		params: InferenceParams::default(),
		max_fee: VRT,
		deadline: head + 60,
	});
	node.sign_and_submit(ask, bob).await.expect("requested");
	node.wait_for("the result to be verified", Duration::from_secs(180), || async {
		request(&node, 0).await.is_some_and(|r| r.status == RequestStatus::Accepted)
	})
	.await;
	let record = request(&node, 0).await.expect("stored");

	// The request recorded the reading it was made with, and its input holds
	// that value among the others.
	let used: FeedInput<BlockNumber> = record.feed.expect("a feed input");
	assert_eq!((used.feed, used.position), (0, 1));
	assert_eq!(used.reading.value, 4125);
	let mut features = OTHER_FEATURES.to_vec();
	features.insert(1, 0.4125);
	assert_eq!(record.input, RequestInput::Inline(encode(&features)));

	// The result is the model's on those features, and a committee checked it.
	let model = Mlp::load(MlpConfig::from_json(&config).expect("config"), weights)
		.expect("the fixture loads");
	let expected = model.run(Input::Numbers(&features), &RunParams::default()).expect("runs");
	assert_eq!(
		record.result.expect("a result").output,
		ResultOutput::Inline(expected.canonical_bytes().try_into().expect("fits"))
	);
	match record.settled {
		Some(Settled::Paid(payouts)) => assert!(payouts.verifiers >= 2, "{payouts:?}"),
		other => panic!("paid after verification, not {other:?}"),
	}
	let rpc = node.call_when_up("inference_getRequest", params![0]).await;
	assert_eq!(rpc["feed"]["reading"]["display"], "0.4125");
}
