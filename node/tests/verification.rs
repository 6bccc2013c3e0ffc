//! Verification against real cheating, on a live `veritas-node --dev`: the
//! node's verifier keys (Charlie, Dave, Eve, Ferdie) check results with the
//! real engine and attest; Bob is an executor that the test drives, honest
//! or not, by signing `submit_result` with whatever output it chooses.
//!
//! 1. An honest result under Quorum(2, 3) is accepted and the verifiers paid.
//! 2. A cheat is caught and slashed, and the requester refunded in full:
//!    changed output bytes (Quorum), the output of another model version
//!    (Optimistic, after a challenge), a truncated generation (Quorum,
//!    `TokenTopK`, on the real SmolLM2 when `VERITAS_MODELS` has it).
//! 3. Honest floats that differ slightly are accepted under MaxAbs and Cosine.
//! 4. A false challenge loses its bond.
//! 5. A request nobody can run (its stored input does not match its digest)
//!    cannot drain the verifiers: they attest `Unrunnable`, a dispute agrees,
//!    the request ends `Unrunnable` and nobody is slashed, the executor's
//!    made-up output unpaid.
//! 6. No funds are created or lost: total issuance falls by exactly the
//!    transaction fees the chain reports.
//! 7. Outputs by reference: the verifiers fetch and accept an honest one;
//!    one nobody serves, or committed to with another size, is slashed.
//!
//! The scenarios are grouped into five tests, each on a node of its own, so
//! that they run side by side; each ends with the issuance check (6).

use crate::common;

use std::{path::Path, time::Duration};

use codec::Encode;
use common::{file_ref, fixture, Node, TempDir};
use pallet_inference::{Request, RequestStatus, Settled};
use sp_core::H256;
use sp_keyring::Sr25519Keyring;
use veritas_engine::{
	mlp::{Mlp, MlpConfig},
	model::{Input, Model, RunParams},
	output::InferenceOutput,
	store::embedded::EmbeddedStore,
};
use veritas_primitives::{
	currency::VRT,
	inference::{F32Bits, InferenceParams, RequestInput},
	model::*,
	AccountId, Balance, BlockNumber,
};
use veritas_runtime::{Runtime, RuntimeCall, RuntimeEvent};

type RequestRecord = Request<AccountId, Balance, BlockNumber>;

const PUBLISHER: Sr25519Keyring = Sr25519Keyring::Alice;
const REQUESTER: Sr25519Keyring = Sr25519Keyring::Alice;
const CHALLENGER: Sr25519Keyring = Sr25519Keyring::AliceStash;
const EXECUTOR: Sr25519Keyring = Sr25519Keyring::Bob;
const MAX_FEE: Balance = VRT;
const CHALLENGE_BOND: Balance = 10 * VRT;
const APPLICANT: [f32; 6] = [28.0, 0.62, 590.0, 45.0, 1.0, 1.0];

/// The loan-risk weights with the order of their numbers reversed: a valid
/// model that scores differently, as another version would.
fn other_version(weights: &[u8]) -> Vec<u8> {
	let header = u64::from_le_bytes(weights[..8].try_into().expect("8 bytes")) as usize;
	let (head, data) = weights.split_at(8 + header);
	let mut floats: Vec<[u8; 4]> =
		data.chunks_exact(4).map(|chunk| chunk.try_into().expect("4 bytes")).collect();
	floats.reverse();
	head.iter().copied().chain(floats.into_iter().flatten()).collect()
}

fn loan_risk_spec(
	files: ModelFiles,
	verification: VerificationPolicy<Balance, BlockNumber>,
	comparison: ComparisonRule,
) -> pallet_models::ModelSpecOf<Runtime> {
	pallet_models::ModelSpec {
		files,
		format: ModelFormat::Safetensors,
		architecture: Architecture::Mlp,
		task: TaskKind::TabularClassification { inputs: 6, classes: 2 },
		pricing: Pricing { per_request: VRT / 10, per_output_token: 0 },
		policy: ModelPolicy { verification, comparison, min_deadline: 10 },
	}
}

fn register(name: &str, spec: pallet_models::ModelSpecOf<Runtime>) -> RuntimeCall {
	RuntimeCall::Models(pallet_models::Call::register_model {
		name: ModelName::truncate_from(name.as_bytes().to_vec()),
		spec,
	})
}

async fn request(node: &Node, id: u64) -> Option<RequestRecord> {
	node.storage(&pallet_inference::Requests::<Runtime>::hashed_key_for(id)).await
}

async fn wait_until_final(node: &Node, id: u64) -> RequestRecord {
	node.wait_for("the request to settle", Duration::from_secs(180), || async {
		request(node, id).await.is_some_and(|r| r.status.is_final())
	})
	.await;
	request(node, id).await.expect("kept")
}

/// Waits until the executor's result for `id` has landed.
async fn wait_for_result(node: &Node, id: u64) {
	node.wait_for("the result to land", Duration::from_secs(30), || async {
		request(node, id).await.is_some_and(|r| r.status == RequestStatus::Submitted)
	})
	.await;
}

/// The total issuance at the end of block `number`.
async fn total_issuance(node: &Node, number: u32) -> Balance {
	let hash = node.block_hash(number).await.expect("the block exists");
	let key = pallet_balances::TotalIssuance::<Runtime>::hashed_key();
	node.storage_at(&key, hash).await.unwrap_or(0)
}

/// The transaction fees the chain reports paid in blocks `from..=to`.
async fn fees_paid(node: &Node, from: u32, to: u32) -> Balance {
	// `System::Events`: the pallet's and the item's names, each twox-128.
	let key = [sp_io::hashing::twox_128(b"System"), sp_io::hashing::twox_128(b"Events")].concat();
	let mut fees = 0;
	for number in from..=to {
		let hash: H256 = node.block_hash(number).await.expect("the block exists");
		let events: Vec<frame_system::EventRecord<RuntimeEvent, H256>> =
			node.storage_at(&key, hash).await.unwrap_or_default();
		for record in events {
			if let RuntimeEvent::TransactionPayment(
				pallet_transaction_payment::Event::TransactionFeePaid { actual_fee, .. },
			) = record.event
			{
				fees += actual_fee;
			}
		}
	}
	fees
}

/// The node, with request ids handed out in order.
struct Chain {
	node: Node,
	next_request: u64,
}

impl Chain {
	/// Asks `model` for an inference on `input` bytes and has Bob submit
	/// `output` for it.
	async fn ask_and_answer(
		&mut self,
		model: ModelId,
		input: Vec<u8>,
		params: InferenceParams,
		output: &InferenceOutput,
	) -> u64 {
		let input = RequestInput::Inline(input.try_into().expect("fits"));
		self.ask_for_input(model, input, params, output).await
	}

	/// Asks `model` for an inference on `input` and has Bob submit `output`
	/// for it, whatever the input holds.
	async fn ask_for_input(
		&mut self,
		model: ModelId,
		input: RequestInput,
		params: InferenceParams,
		output: &InferenceOutput,
	) -> u64 {
		let id = self.ask(model, input, params).await;
		let bytes = output.canonical_bytes();
		let answer = RuntimeCall::Inference(pallet_inference::Call::submit_result {
			request: id,
			output_digest: sp_io::hashing::blake2_256(&bytes),
			output: bytes.try_into().expect("fits"),
			proof_cid: Cid::truncate_from(b"bafkreiproof".to_vec()),
			proof_digest: [3; 32],
		});
		self.node.sign_and_submit(answer, EXECUTOR).await.expect("answered");
		id
	}

	/// Asks `model` for an inference on `input` bytes, its output by
	/// reference, and has Bob submit `output` as stored (with no tokens).
	async fn ask_and_answer_stored(
		&mut self,
		model: ModelId,
		input: Vec<u8>,
		output: pallet_inference::StoredOutput,
	) -> u64 {
		let input = RequestInput::Inline(input.try_into().expect("fits"));
		let params = InferenceParams { output_by_reference: true, ..Default::default() };
		let id = self.ask(model, input, params).await;
		let answer = RuntimeCall::Inference(pallet_inference::Call::submit_stored_result {
			request: id,
			output,
			proof_cid: Cid::truncate_from(b"bafkreiproof".to_vec()),
			proof_digest: [3; 32],
		});
		self.node.sign_and_submit(answer, EXECUTOR).await.expect("answered");
		id
	}

	/// Asks `model` for an inference on `input`; the request's id once the
	/// chain has it.
	async fn ask(&mut self, model: ModelId, input: RequestInput, params: InferenceParams) -> u64 {
		let id = self.next_request;
		self.next_request += 1;
		let head = self.node.best_number().await;
		let ask = RuntimeCall::Inference(pallet_inference::Call::request_inference {
			model,
			input,
			params,
			max_fee: MAX_FEE,
			deadline: head + 200,
		});
		self.node.sign_and_submit(ask, REQUESTER).await.expect("requested");
		self.node
			.wait_for("the request", Duration::from_secs(30), || async {
				request(&self.node, id).await.is_some()
			})
			.await;
		id
	}
}

/// The dev verifiers' stakes, in a fixed order.
async fn verifier_stakes(node: &Node) -> Vec<Option<Balance>> {
	let mut stakes = Vec::new();
	for keyring in common::DEV_VERIFIERS {
		let key =
			pallet_verification::Verifiers::<Runtime>::hashed_key_for(keyring.to_account_id());
		let verifier: Option<pallet_verification::VerifierOf<Runtime>> = node.storage(&key).await;
		stakes.push(verifier.map(|verifier| verifier.stake));
	}
	stakes
}

fn features() -> Vec<u8> {
	APPLICANT.iter().copied().map(F32Bits::from).collect::<Vec<_>>().encode()
}

fn assert_fraud(record: &RequestRecord, challenger: bool) {
	assert_eq!(record.status, RequestStatus::Rejected);
	match &record.settled {
		Some(Settled::Fraud(payouts)) => {
			assert_eq!(payouts.refund, MAX_FEE, "the requester gets everything back");
			assert!(payouts.slashed > 0, "the executor is slashed");
			assert_eq!(payouts.challenger > 0, challenger);
			assert!(payouts.verifiers >= 1);
		},
		other => panic!("fraud, not {other:?}"),
	}
}

fn assert_accepted(record: &RequestRecord, paid_verifiers: u32) {
	assert_eq!(record.status, RequestStatus::Accepted);
	match &record.settled {
		Some(Settled::Paid(payouts)) => {
			assert!(payouts.verifiers >= paid_verifiers, "{payouts:?}");
			assert!(payouts.executor > 0);
		},
		other => panic!("paid, not {other:?}"),
	}
}

/// A dev node where Alice published the loan-risk model under three
/// policies (model 0: Quorum(2, 3) with MaxAbs, 1: Quorum(2, 3) with Cosine,
/// 2: Optimistic with MaxAbs) and, given its GGUF file, SmolLM2 (model 3),
/// all served by Bob. Each scenario has a node of its own, so that they run
/// side by side.
struct Setup {
	chain: Chain,
	store: EmbeddedStore,
	weights: Vec<u8>,
	config: Vec<u8>,
	/// The loan-risk model's true output on [`APPLICANT`].
	honest: InferenceOutput,
	/// The block the node started from, for the issuance check.
	start: u32,
	// Last, so that the node stops before its directory goes.
	_dir: TempDir,
}

impl Setup {
	async fn new(name: &str, smollm2: Option<&[u8]>) -> Self {
		let dir = TempDir::new(name);
		let base = dir.path().join("base");
		let store = EmbeddedStore::open(base.join("model-store")).expect("the store opens");
		let base_arg = base.to_string_lossy().into_owned();
		let node = Node::start(name, &["--dev", "--base-path", &base_arg], dir.path());
		let start = node.best_number().await;

		let weights = fixture("model.safetensors");
		let config = fixture("config.json");
		let files = ModelFiles {
			weights: file_ref(&store, &weights),
			config: Some(file_ref(&store, &config)),
			tokenizer: None,
		};
		let tolerance = Tolerance(1_000);
		let specs = [
			(
				"loan-risk-maxabs",
				VerificationPolicy::Quorum { k: 2, n: 3 },
				ComparisonRule::MaxAbs(tolerance),
			),
			(
				"loan-risk-cosine",
				VerificationPolicy::Quorum { k: 2, n: 3 },
				ComparisonRule::Cosine(tolerance),
			),
			(
				"loan-risk-optimistic",
				VerificationPolicy::Optimistic {
					window_blocks: 40,
					challenge_bond: CHALLENGE_BOND,
				},
				ComparisonRule::MaxAbs(tolerance),
			),
		];
		for (name, verification, comparison) in specs {
			let spec = loan_risk_spec(files.clone(), verification, comparison);
			node.sign_and_submit(register(name, spec), PUBLISHER).await.expect("registered");
		}
		if let Some(gguf) = smollm2 {
			let spec = pallet_models::ModelSpec {
				files: ModelFiles {
					weights: file_ref(&store, gguf),
					config: None,
					tokenizer: None,
				},
				format: ModelFormat::Gguf,
				architecture: Architecture::Llama,
				task: TaskKind::TextGeneration { max_context: 2048, max_new_tokens: 32 },
				pricing: Pricing { per_request: VRT / 10, per_output_token: 0 },
				policy: ModelPolicy {
					verification: VerificationPolicy::Quorum { k: 2, n: 3 },
					comparison: ComparisonRule::TokenTopK(5),
					min_deadline: 10,
				},
			};
			node.sign_and_submit(register("smollm2", spec), PUBLISHER).await.expect("registered");
		}
		let models: Vec<ModelId> = if smollm2.is_some() { vec![0, 1, 2, 3] } else { vec![0, 1, 2] };
		let last_model =
			pallet_models::Models::<Runtime>::hashed_key_for(models.len() as ModelId - 1);
		node.wait_for("the models", Duration::from_secs(30), || async {
			node.storage::<pallet_models::ModelRecordOf<Runtime>>(&last_model).await.is_some()
		})
		.await;

		// Bob serves every model; the node's four verifier keys register.
		let serve = RuntimeCall::Inference(pallet_inference::Call::register_executor {
			stake: 1_000 * VRT,
			models: models.try_into().expect("fits"),
			capacity: 8,
		});
		node.sign_and_submit(serve, EXECUTOR).await.expect("executor registered");

		let honest = Mlp::load(MlpConfig::from_json(&config).expect("config"), weights.clone())
			.expect("loads")
			.run(Input::Numbers(&APPLICANT), &RunParams::default())
			.expect("runs");
		let chain = Chain { node, next_request: 0 };
		Self { chain, store, weights, config, honest, start, _dir: dir }
	}

	/// No funds were created or lost: every transfer only moved funds, so
	/// the issuance fell by exactly the transaction fees the chain reports.
	async fn assert_only_fees_burned(&self) {
		let node = &self.chain.node;
		let end = node.best_number().await;
		let burned = total_issuance(node, self.start).await - total_issuance(node, end).await;
		let fees = fees_paid(node, self.start + 1, end).await;
		assert!(fees > 0);
		assert_eq!(burned, fees, "only fees were burned");
	}
}

/// 1 and 3: honest results, exact or off by a summation order's worth, are
/// accepted under MaxAbs and Cosine, and the verifiers paid.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "starts a real node; run by scripts/test.sh"]
async fn honest_results_are_accepted_and_the_verifiers_paid() {
	let mut setup = Setup::new("verification-honest", None).await;
	let chain = &mut setup.chain;

	let id = chain.ask_and_answer(0, features(), InferenceParams::default(), &setup.honest).await;
	assert_accepted(&wait_until_final(&chain.node, id).await, 2);

	let probabilities = setup.honest.numbers().expect("numbers");
	let noisy = InferenceOutput::Classification(
		probabilities.iter().map(|p| F32Bits::from(p * (1.0 + 2e-6))).collect(),
	);
	for model in [0, 1] {
		let id = chain.ask_and_answer(model, features(), InferenceParams::default(), &noisy).await;
		assert_accepted(&wait_until_final(&chain.node, id).await, 2);
	}
	setup.assert_only_fees_burned().await;
}

/// 2a and 5: changed output bytes under Quorum are caught by the committee
/// and proven in a dispute; a request nobody can run (its stored input does
/// not match its digest) ends `Unrunnable` without slashing a verifier.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "starts a real node; run by scripts/test.sh"]
async fn a_changed_output_is_slashed_and_an_unrunnable_request_slashes_nobody() {
	let mut setup = Setup::new("verification-changed", None).await;
	let chain = &mut setup.chain;

	let probabilities = setup.honest.numbers().expect("numbers");
	let changed = InferenceOutput::classification(&[probabilities[1], probabilities[0]]);
	let id = chain.ask_and_answer(0, features(), InferenceParams::default(), &changed).await;
	assert_fraud(&wait_until_final(&chain.node, id).await, false);

	// The bytes stored under the input's CID are not the ones its digest
	// names. Bob answers anyway; the verifiers cannot run it and say so, and
	// are not slashed for it.
	let mut unrunnable_input = file_ref(&setup.store, &features());
	unrunnable_input.digest = [0xee; 32];
	let stakes_before = verifier_stakes(&chain.node).await;
	let input = RequestInput::Stored(unrunnable_input);
	let id = chain.ask_for_input(0, input, InferenceParams::default(), &setup.honest).await;
	let settled = wait_until_final(&chain.node, id).await;
	assert_eq!(settled.status, RequestStatus::Unrunnable);
	match &settled.settled {
		Some(Settled::Paid(payouts)) => {
			assert_eq!((payouts.executor, payouts.royalty), (0, 0), "nobody paid for the output");
			assert!(payouts.verifiers >= 1, "the verifiers who found out are paid: {payouts:?}");
		},
		other => panic!("paid to the verifiers, not {other:?}"),
	}
	assert_eq!(verifier_stakes(&chain.node).await, stakes_before, "no verifier slashed");
	setup.assert_only_fees_burned().await;
}

/// 7: outputs by reference. The verifiers fetch Bob's stored output from
/// the node's store and accept it; an output committed to under a CID that
/// nobody serves is tried, then found against, and Bob slashed; an output
/// stored honestly but committed to with another size is a fraud too.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "starts a real node; run by scripts/test.sh"]
async fn outputs_by_reference_are_fetched_and_one_nobody_serves_is_slashed() {
	let mut setup = Setup::new("verification-by-reference", None).await;
	let chain = &mut setup.chain;
	let honest = setup.honest.canonical_bytes();
	let stored = file_ref(&setup.store, &honest);
	let output = pallet_inference::StoredOutput {
		cid: stored.cid.clone(),
		size: stored.size,
		digest: stored.digest,
		generated_tokens: 0,
	};

	let id = chain.ask_and_answer_stored(0, features(), output.clone()).await;
	let accepted = wait_until_final(&chain.node, id).await;
	assert_accepted(&accepted, 2);
	assert!(
		matches!(
			accepted.result.map(|result| result.output),
			Some(veritas_primitives::inference::ResultOutput::Stored { size, .. }) if size == stored.size
		),
		"the chain keeps the reference"
	);

	// A valid CID, of bytes stored only in a store no node reads.
	let elsewhere = TempDir::new("verification-elsewhere");
	let other_store = EmbeddedStore::open(elsewhere.path()).expect("the store opens");
	let mut unserved = honest.clone();
	unserved.push(0);
	let nowhere = pallet_inference::StoredOutput {
		cid: file_ref(&other_store, &unserved).cid,
		..output.clone()
	};
	let id = chain.ask_and_answer_stored(0, features(), nowhere).await;
	assert_fraud(&wait_until_final(&chain.node, id).await, false);

	let longer = pallet_inference::StoredOutput { size: stored.size + 8, ..output };
	let id = chain.ask_and_answer_stored(0, features(), longer).await;
	assert_fraud(&wait_until_final(&chain.node, id).await, false);
	setup.assert_only_fees_burned().await;
}

/// 2b and 4, Optimistic: a challenge catches another model version's
/// output; a challenge of an honest result loses its bond.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "starts a real node; run by scripts/test.sh"]
async fn challenges_catch_another_version_and_a_false_one_loses_its_bond() {
	let mut setup = Setup::new("verification-challenge", None).await;
	let chain = &mut setup.chain;

	let other = Mlp::load(
		MlpConfig::from_json(&setup.config).expect("config"),
		other_version(&setup.weights),
	)
	.expect("the other version loads")
	.run(Input::Numbers(&APPLICANT), &RunParams::default())
	.expect("runs");
	assert_ne!(other, setup.honest);
	let id = chain.ask_and_answer(2, features(), InferenceParams::default(), &other).await;
	wait_for_result(&chain.node, id).await;
	let challenge = RuntimeCall::Verification(pallet_verification::Call::challenge { request: id });
	chain.node.sign_and_submit(challenge, CHALLENGER).await.expect("challenged");
	assert_fraud(&wait_until_final(&chain.node, id).await, true);

	let id = chain.ask_and_answer(2, features(), InferenceParams::default(), &setup.honest).await;
	wait_for_result(&chain.node, id).await;
	let challenger_before = chain.node.free_balance(&CHALLENGER.to_account_id()).await;
	let challenge = RuntimeCall::Verification(pallet_verification::Call::challenge { request: id });
	chain.node.sign_and_submit(challenge, CHALLENGER).await.expect("challenged");
	let settled = wait_until_final(&chain.node, id).await;
	assert_eq!(settled.status, RequestStatus::Accepted);
	let lost = challenger_before - chain.node.free_balance(&CHALLENGER.to_account_id()).await;
	assert!((CHALLENGE_BOND..CHALLENGE_BOND + VRT / 10).contains(&lost), "lost {lost}");
	setup.assert_only_fees_burned().await;
}

/// 2c: a truncated generation of the real SmolLM2 under Quorum with
/// TokenTopK is caught, when `VERITAS_MODELS` has SmolLM2.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "starts a real node; run by scripts/test.sh"]
async fn a_truncated_generation_is_caught() {
	let smollm2 = std::env::var_os("VERITAS_MODELS")
		.map(|dir| Path::new(&dir).join("smollm2-135m-instruct/SmolLM2-135M-Instruct.Q4_1.gguf"));
	let Some(path) = smollm2.as_deref().filter(|path| path.exists()) else {
		eprintln!("skipped: VERITAS_MODELS has no SmolLM2");
		return;
	};
	let gguf = std::fs::read(path).expect("SmolLM2 readable");
	let mut setup = Setup::new("verification-generation", Some(&gguf)).await;
	let generator = veritas_engine::generation::TextGenerator::load(&gguf).expect("SmolLM2 loads");

	let params = InferenceParams { max_new_tokens: 24, ..Default::default() };
	let run = RunParams { max_new_tokens: 24, ..Default::default() };
	let tokens = generator.generate("Write a long story about the sea.", &run).expect("generates");
	assert!(tokens.len() > 8, "a long answer to cut");
	let cut = &tokens[..tokens.len() / 2];
	let text = generator.decode(cut).expect("decodes").into_bytes();
	let truncated = InferenceOutput::Generation { tokens: cut.to_vec(), text };
	let prompt = "Write a long story about the sea.".as_bytes().to_vec();
	let id = setup.chain.ask_and_answer(3, prompt, params, &truncated).await;
	assert_fraud(&wait_until_final(&setup.chain.node, id).await, false);
	setup.assert_only_fees_burned().await;
}
