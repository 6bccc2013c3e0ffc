//! The paid path on a live `veritas-node --dev`, with real signed
//! transactions through the pool: a publisher registers a model, an executor
//! registers, a dApp requests, the executor submits a result, and the chain
//! pays the publisher its royalty and refunds the dApp what it did not spend.
//! The executor takes one request at a time: a second request waits in the
//! model's line, and is assigned once the first settles.
//! The model's files are made up, so no verifier could re-run it: its
//! policy is optimistic, and the result stands once a short window passes
//! unchallenged.

use crate::common;

use std::time::Duration;

use codec::Encode;
use common::{Node, TempDir};
use pallet_inference::{Request, RequestStatus};
use sp_keyring::Sr25519Keyring;
use veritas_primitives::{
	currency::VRT,
	inference::{F32Bits, InferenceOutput, InferenceParams, RequestInput},
	model::Cid,
	AccountId, Balance, BlockNumber,
};
use veritas_runtime::{Runtime, RuntimeCall};

type RequestRecord = Request<AccountId, Balance, BlockNumber>;

async fn request(node: &Node, id: u64) -> Option<RequestRecord> {
	node.storage(&pallet_inference::Requests::<Runtime>::hashed_key_for(id)).await
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "starts a real node; run by scripts/test.sh"]
async fn a_request_is_served_and_paid_on_a_live_node() {
	let dir = TempDir::new("paid");
	let node = Node::start("paid", &["--dev", "--tmp"], dir.path());
	let (publisher, executor, dapp) =
		(Sr25519Keyring::Alice, Sr25519Keyring::Bob, Sr25519Keyring::Charlie);

	// The publisher registers the model, the executor registers for it.
	let mut spec = common::minilm_spec();
	spec.policy.verification = veritas_primitives::model::VerificationPolicy::Optimistic {
		window_blocks: 3,
		challenge_bond: 10 * VRT,
	};
	let register = RuntimeCall::Models(pallet_models::Call::register_model {
		name: veritas_primitives::model::ModelName::truncate_from(b"made-up-minilm".to_vec()),
		spec,
	});
	common::register_model_and_executor(&node, register, publisher, executor, 1).await;
	let publisher_before = node.free_balance(&publisher.to_account_id()).await;

	// The dApp asks for an embedding, paying at most 2 VRT.
	let head = node.best_number().await;
	let ask = RuntimeCall::Inference(pallet_inference::Call::request_inference {
		model: 0,
		input: RequestInput::Inline(b"A man is eating food.".to_vec().try_into().expect("fits")),
		params: InferenceParams::default(),
		max_fee: 2 * VRT,
		deadline: head + 100,
	});
	node.sign_and_submit(ask.clone(), dapp).await.expect("request");
	node.wait_for("the request to be assigned", Duration::from_secs(30), || async {
		request(&node, 0).await.is_some()
	})
	.await;
	let assigned = request(&node, 0).await.expect("stored");
	assert_eq!(assigned.executor, Some(executor.to_account_id()));
	assert_eq!(assigned.status, RequestStatus::Assigned);

	// The executor's one place is taken: a second request waits, with no
	// executor, first in the model's line.
	node.sign_and_submit(ask, dapp).await.expect("second request");
	node.wait_for("the second request to be made", Duration::from_secs(30), || async {
		request(&node, 1).await.is_some()
	})
	.await;
	let waiting = request(&node, 1).await.expect("stored");
	assert_eq!((waiting.status, waiting.executor), (RequestStatus::Waiting, None));
	let seen = node.call("inference_getRequest", params![1]).await.expect("served");
	assert_eq!(seen["status"], "Waiting");
	assert_eq!(seen["executor"], serde_json::Value::Null);
	assert_eq!(seen["waitingPlace"], 0);
	let dapp_before_result = node.free_balance(&dapp.to_account_id()).await;

	// The executor answers with a result whose digest matches.
	let output = InferenceOutput::Embedding(vec![F32Bits::from(0.05); 384]).encode();
	let answer = RuntimeCall::Inference(pallet_inference::Call::submit_result {
		request: 0,
		output_digest: sp_io::hashing::blake2_256(&output),
		output: output.try_into().expect("fits"),
		proof_cid: Cid::truncate_from(b"bafkreiproofdocument".to_vec()),
		proof_digest: [3; 32],
	});
	node.sign_and_submit(answer, executor).await.expect("result");
	node.wait_for("the request to be accepted", Duration::from_secs(60), || async {
		request(&node, 0).await.is_some_and(|r| r.status == RequestStatus::Accepted)
	})
	.await;

	// Its place went to the second request at the start of a later block.
	node.wait_for("the waiting request to be assigned", Duration::from_secs(30), || async {
		request(&node, 1).await.is_some_and(|r| r.status == RequestStatus::Assigned)
	})
	.await;
	assert_eq!(request(&node, 1).await.expect("stored").executor, Some(executor.to_account_id()));

	// 1 VRT model price: 10% royalty to the publisher, 5% to the treasury;
	// an optimistic policy pays no verifier, so 2 - 1 - 0.05 VRT comes back
	// to the dApp.
	assert_eq!(node.free_balance(&publisher.to_account_id()).await, publisher_before + VRT / 10);
	assert_eq!(
		node.free_balance(&dapp.to_account_id()).await,
		dapp_before_result + 2 * VRT - VRT - VRT / 20
	);
}
