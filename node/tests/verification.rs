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

#[macro_use]
mod common;

use std::{path::Path, time::Duration};

use codec::Encode;
use common::{file_ref, fixture, Node, TempDir};
use pallet_inference::{Request, RequestStatus, Settled};
use sp_core::H256;
use sp_keyring::Sr25519Keyring;
use veritas_engine::{
	mlp::{Mlp, MlpConfig},
	model::{Input, Model, RunParams},
	output::{F32Bits as EngineF32, Output},
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
		output: &Output,
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
		output: &Output,
	) -> u64 {
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

#[tokio::test(flavor = "multi_thread")]
#[ignore = "starts a real node; run by scripts/test.sh"]
async fn cheats_are_caught_and_honest_executors_paid() {
	let dir = TempDir::new("verification");
	let base = dir.path().join("base");
	let store = EmbeddedStore::open(base.join("model-store")).expect("the store opens");
	let base_arg = base.to_string_lossy().into_owned();
	let node = Node::start("verification", &["--dev", "--base-path", &base_arg], dir.path());
	let start = node.best_number().await;

	// Three versions of the loan-risk model's policy, and SmolLM2 if fetched.
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
			VerificationPolicy::Optimistic { window_blocks: 40, challenge_bond: CHALLENGE_BOND },
			ComparisonRule::MaxAbs(tolerance),
		),
	];
	for (name, verification, comparison) in specs {
		let spec = loan_risk_spec(files.clone(), verification, comparison);
		node.sign_and_submit(register(name, spec), PUBLISHER).await.expect("registered");
	}
	let smollm2 = std::env::var_os("VERITAS_MODELS")
		.map(|dir| Path::new(&dir).join("smollm2-135m-instruct/SmolLM2-135M-Instruct.Q4_1.gguf"));
	let generation = match smollm2.as_deref().filter(|path| path.exists()) {
		Some(path) => {
			let gguf = std::fs::read(path).expect("SmolLM2 readable");
			let spec = pallet_models::ModelSpec {
				files: ModelFiles {
					weights: file_ref(&store, &gguf),
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
			Some(veritas_engine::generation::TextGenerator::load(&gguf).expect("SmolLM2 loads"))
		},
		None => {
			eprintln!("the truncated-generation case is skipped: VERITAS_MODELS has no SmolLM2");
			None
		},
	};
	let models: Vec<ModelId> = if generation.is_some() { vec![0, 1, 2, 3] } else { vec![0, 1, 2] };
	let last_model = pallet_models::Models::<Runtime>::hashed_key_for(*models.last().unwrap());
	node.wait_for("the models", Duration::from_secs(30), || async {
		node.storage::<pallet_models::ModelRecordOf<Runtime>>(&last_model).await.is_some()
	})
	.await;

	// Bob serves every model; the node's four verifier keys register.
	let serve = RuntimeCall::Inference(pallet_inference::Call::register_executor {
		stake: 1_000 * VRT,
		models: models.clone().try_into().expect("fits"),
		capacity: 8,
	});
	node.sign_and_submit(serve, EXECUTOR).await.expect("executor registered");
	let mut chain = Chain { node, next_request: 0 };

	let honest = Mlp::load(MlpConfig::from_json(&config).expect("config"), weights.clone())
		.expect("loads")
		.run(Input::Numbers(&APPLICANT), &RunParams::default())
		.expect("runs");
	let probabilities = honest.numbers().expect("numbers");

	// 1. Honest, Quorum(2, 3): accepted, at least two verifiers paid.
	let id = chain.ask_and_answer(0, features(), InferenceParams::default(), &honest).await;
	assert_accepted(&wait_until_final(&chain.node, id).await, 2);

	// 2a. Changed bytes, Quorum: the committee disagrees, a dispute proves it.
	let changed = Output::classification(&[probabilities[1], probabilities[0]]);
	let id = chain.ask_and_answer(0, features(), InferenceParams::default(), &changed).await;
	assert_fraud(&wait_until_final(&chain.node, id).await, false);

	// 3. Floats off by a summation order's worth: accepted under MaxAbs and
	//    Cosine.
	let noisy = Output::Classification(
		probabilities.iter().map(|p| EngineF32::from(p * (1.0 + 2e-6))).collect(),
	);
	for model in [0, 1] {
		let id = chain.ask_and_answer(model, features(), InferenceParams::default(), &noisy).await;
		assert_accepted(&wait_until_final(&chain.node, id).await, 2);
	}

	// 2b. Another version's output, Optimistic: a challenge catches it.
	let other = Mlp::load(MlpConfig::from_json(&config).expect("config"), other_version(&weights))
		.expect("the other version loads")
		.run(Input::Numbers(&APPLICANT), &RunParams::default())
		.expect("runs");
	assert_ne!(other, honest);
	let id = chain.ask_and_answer(2, features(), InferenceParams::default(), &other).await;
	chain
		.node
		.wait_for("the result to land", Duration::from_secs(30), || async {
			request(&chain.node, id).await.is_some_and(|r| r.status == RequestStatus::Submitted)
		})
		.await;
	let challenge = RuntimeCall::Verification(pallet_verification::Call::challenge { request: id });
	chain.node.sign_and_submit(challenge, CHALLENGER).await.expect("challenged");
	assert_fraud(&wait_until_final(&chain.node, id).await, true);

	// 4. A false challenge of an honest result loses its bond.
	let id = chain.ask_and_answer(2, features(), InferenceParams::default(), &honest).await;
	chain
		.node
		.wait_for("the result to land", Duration::from_secs(30), || async {
			request(&chain.node, id).await.is_some_and(|r| r.status == RequestStatus::Submitted)
		})
		.await;
	let challenger_before = chain.node.free_balance(&CHALLENGER.to_account_id()).await;
	let challenge = RuntimeCall::Verification(pallet_verification::Call::challenge { request: id });
	chain.node.sign_and_submit(challenge, CHALLENGER).await.expect("challenged");
	let settled = wait_until_final(&chain.node, id).await;
	assert_eq!(settled.status, RequestStatus::Accepted);
	let lost = challenger_before - chain.node.free_balance(&CHALLENGER.to_account_id()).await;
	assert!((CHALLENGE_BOND..CHALLENGE_BOND + VRT / 10).contains(&lost), "lost {lost}");

	// 2c. A truncated generation, Quorum with TokenTopK.
	if let Some(generator) = generation {
		let params = InferenceParams { max_new_tokens: 24, ..Default::default() };
		let run = RunParams { max_new_tokens: 24, ..Default::default() };
		let tokens =
			generator.generate("Write a long story about the sea.", &run).expect("generates");
		assert!(tokens.len() > 8, "a long answer to cut");
		let cut = &tokens[..tokens.len() / 2];
		let text = generator.decode(cut).expect("decodes").into_bytes();
		let truncated = Output::Generation { tokens: cut.to_vec(), text };
		let prompt = "Write a long story about the sea.".as_bytes().to_vec();
		let id = chain.ask_and_answer(3, prompt, params, &truncated).await;
		assert_fraud(&wait_until_final(&chain.node, id).await, false);
	}

	// 5. An input nobody can run: the bytes stored under its CID are not the
	//    ones its digest names. Bob answers anyway; the verifiers cannot run
	//    it and say so, and are not slashed for it.
	let mut unrunnable_input = file_ref(&store, &features());
	unrunnable_input.digest = [0xee; 32];
	let stakes_before = verifier_stakes(&chain.node).await;
	let input = RequestInput::Stored(unrunnable_input);
	let id = chain.ask_for_input(0, input, InferenceParams::default(), &honest).await;
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

	// 6. Every transfer only moved funds: the issuance fell by the fees.
	let end = chain.node.best_number().await;
	let burned = total_issuance(&chain.node, start).await - total_issuance(&chain.node, end).await;
	let fees = fees_paid(&chain.node, start + 1, end).await;
	assert!(fees > 0);
	assert_eq!(burned, fees, "only fees were burned");
}
