//! Hostile model files against a live `veritas-node --dev`, whose engine
//! (executor Alice, verifiers Charlie, Dave, Eve and Ferdie) runs every job
//! in a worker process limited to 128 MiB.
//!
//! A publisher registers, beside the honest loan-risk model:
//! 1. the 12 KB GGUF that used to abort the whole node: a 4-token
//!    vocabulary, two tiny tensors and `llama.block_count = 2^32 - 1`;
//! 2. a GGUF whose `general.alignment` is 0 (a division by zero inside the
//!    reader);
//! 3. a safetensors file whose header claims to be far longer than the file;
//! 4. a BERT model whose tokenizer.json is nested 100,000 objects deep;
//! 5. a valid MLP that needs more memory than the worker may have (72 MB of
//!    weights): loading it aborts the worker process;
//! 6. an ONNX graph with an operator nobody implements;
//! 7. an ONNX graph of a few hundred bytes whose `ConstantOfShape` asks for
//!    4 TiB.
//!
//! Bob asks each for a score or an embedding. The node keeps producing
//! blocks through all of it. Alice reports each hostile request unrunnable
//! and the verifiers, failing too, agree: each ends `Unrunnable`, Bob pays
//! for Alice's attempt and the checks, the publisher earns nothing, and
//! nobody is slashed. A request to the honest model made afterwards is
//! served, checked and paid by a worker process started anew.

use crate::common;

use std::time::Duration;

use codec::Encode;
use common::{file_ref, fixture, veritas_cli, Node, TempDir};
use pallet_inference::{Request, RequestStatus, Settled};
use sp_keyring::Sr25519Keyring;
use veritas_engine::{onnx::write as onnx, store::embedded::EmbeddedStore};
use veritas_primitives::{
	currency::VRT,
	inference::{F32Bits, InferenceParams, RequestInput, ResultOutput, UnrunnableReason},
	model::*,
	AccountId, Balance, BlockNumber,
};
use veritas_runtime::{Runtime, RuntimeCall};

type RequestRecord = Request<AccountId, Balance, BlockNumber>;

const PUBLISHER: Sr25519Keyring = Sr25519Keyring::Alice;
const EXECUTOR: Sr25519Keyring = Sr25519Keyring::Alice;
const REQUESTER: Sr25519Keyring = Sr25519Keyring::Bob;

/// GGUF's value types.
const GGUF_U32: u32 = 4;
const GGUF_F32: u32 = 6;
const GGUF_STRING: u32 = 8;
const GGUF_ARRAY: u32 = 9;

/// A GGUF file written byte by byte, as a hostile publisher would.
#[derive(Default)]
struct Gguf {
	metadata: Vec<u8>,
	entries: u64,
	tensors: Vec<u8>,
	tensor_count: u64,
	data: Vec<u8>,
}

fn gguf_string(out: &mut Vec<u8>, text: &str) {
	out.extend((text.len() as u64).to_le_bytes());
	out.extend(text.as_bytes());
}

impl Gguf {
	fn u32(mut self, key: &str, value: u32) -> Self {
		gguf_string(&mut self.metadata, key);
		self.metadata.extend(GGUF_U32.to_le_bytes());
		self.metadata.extend(value.to_le_bytes());
		self.entries += 1;
		self
	}

	fn f32(mut self, key: &str, value: f32) -> Self {
		gguf_string(&mut self.metadata, key);
		self.metadata.extend(GGUF_F32.to_le_bytes());
		self.metadata.extend(value.to_le_bytes());
		self.entries += 1;
		self
	}

	fn string(mut self, key: &str, value: &str) -> Self {
		gguf_string(&mut self.metadata, key);
		self.metadata.extend(GGUF_STRING.to_le_bytes());
		gguf_string(&mut self.metadata, value);
		self.entries += 1;
		self
	}

	fn strings(mut self, key: &str, values: &[&str]) -> Self {
		gguf_string(&mut self.metadata, key);
		self.metadata.extend(GGUF_ARRAY.to_le_bytes());
		self.metadata.extend(GGUF_STRING.to_le_bytes());
		self.metadata.extend((values.len() as u64).to_le_bytes());
		for value in values {
			gguf_string(&mut self.metadata, value);
		}
		self.entries += 1;
		self
	}

	/// An f32 tensor of `dims` (innermost first, as GGUF stores them).
	fn tensor(mut self, name: &str, dims: &[u64]) -> Self {
		gguf_string(&mut self.tensors, name);
		self.tensors.extend((dims.len() as u32).to_le_bytes());
		for dim in dims {
			self.tensors.extend(dim.to_le_bytes());
		}
		self.tensors.extend(0u32.to_le_bytes());
		self.tensors.extend((self.data.len() as u64).to_le_bytes());
		let count: u64 = dims.iter().product();
		self.data.extend(std::iter::repeat_n(0u8, count as usize * 4));
		self.data.resize(self.data.len().next_multiple_of(32), 0);
		self.tensor_count += 1;
		self
	}

	fn bytes(self) -> Vec<u8> {
		let mut out = b"GGUF".to_vec();
		out.extend(3u32.to_le_bytes());
		out.extend(self.tensor_count.to_le_bytes());
		out.extend(self.entries.to_le_bytes());
		out.extend(self.metadata);
		out.extend(self.tensors);
		out.resize(out.len().next_multiple_of(32), 0);
		out.extend(self.data);
		out
	}
}

/// A tiny Llama header and its two tensors, with `block_count` blocks
/// declared and `extra` to finish the metadata.
fn tiny_llama(block_count: u32, extra: impl FnOnce(Gguf) -> Gguf) -> Vec<u8> {
	let gguf = Gguf::default()
		.string("general.architecture", "llama")
		.u32("llama.block_count", block_count)
		.u32("llama.embedding_length", 8)
		.u32("llama.attention.head_count", 1)
		.u32("llama.attention.head_count_kv", 1)
		.u32("llama.context_length", 16)
		.f32("llama.attention.layer_norm_rms_epsilon", 1e-5)
		.string("tokenizer.ggml.model", "gpt2")
		.strings("tokenizer.ggml.tokens", &["a", "b", "c", "d"])
		.strings("tokenizer.ggml.merges", &[]);
	extra(gguf).tensor("token_embd.weight", &[8, 4]).tensor("output_norm.weight", &[8]).bytes()
}

/// safetensors bytes of zero-valued f32 tensors.
fn safetensors(tensors: &[(&str, &[usize])]) -> Vec<u8> {
	let mut offset = 0usize;
	let mut header = Vec::new();
	for (name, shape) in tensors {
		let size = shape.iter().product::<usize>() * 4;
		header.push(format!(
			"\"{name}\":{{\"dtype\":\"F32\",\"shape\":{shape:?},\"data_offsets\":[{offset},{}]}}",
			offset + size
		));
		offset += size;
	}
	let mut header = format!("{{{}}}", header.join(",")).into_bytes();
	header.resize(header.len().next_multiple_of(8), b' ');
	let mut bytes = (header.len() as u64).to_le_bytes().to_vec();
	bytes.extend(header);
	bytes.resize(bytes.len() + offset, 0);
	bytes
}

fn spec(
	files: ModelFiles,
	format: ModelFormat,
	architecture: Architecture,
	task: TaskKind,
) -> pallet_models::ModelSpecOf<Runtime> {
	pallet_models::ModelSpec {
		files,
		format,
		architecture,
		task,
		pricing: Pricing { per_request: VRT / 10, per_output_token: 0 },
		policy: ModelPolicy {
			verification: VerificationPolicy::Quorum { k: 2, n: 3 },
			comparison: ComparisonRule::Exact,
			min_deadline: 10,
		},
	}
}

async fn request(node: &Node, id: u64) -> Option<RequestRecord> {
	node.storage(&pallet_inference::Requests::<Runtime>::hashed_key_for(id)).await
}

/// `values` as a tabular model's inline input.
fn numbers(values: &[f32]) -> RequestInput {
	let features: Vec<F32Bits> = values.iter().copied().map(F32Bits::from).collect();
	RequestInput::Inline(features.encode().try_into().expect("fits"))
}

fn applicant() -> RequestInput {
	numbers(&[28.0, 0.62, 590.0, 45.0, 1.0, 1.0])
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "starts a real node; run by scripts/test.sh"]
async fn hostile_model_files_cannot_stop_the_node_or_its_other_models() {
	let dir = TempDir::new("hostile");
	let base = dir.path().join("base");
	let store = EmbeddedStore::open(base.join("model-store")).expect("the store opens");
	let base_arg = base.to_string_lossy().into_owned();
	let node = Node::start(
		"hostile",
		&["--dev", "--base-path", &base_arg, "--engine-memory-mb", "128"],
		dir.path(),
	);

	let loan_config = file_ref(&store, &fixture("config.json"));
	let tabular = TaskKind::TabularClassification { inputs: 6, classes: 2 };
	let generation = TaskKind::TextGeneration { max_context: 16, max_new_tokens: 4 };
	let weights_only = |weights: FileRef| ModelFiles { weights, config: None, tokenizer: None };
	let with_config = |weights: FileRef| ModelFiles {
		weights,
		config: Some(loan_config.clone()),
		tokenizer: None,
	};
	let block_bomb = tiny_llama(u32::MAX, |gguf| gguf);
	assert!(block_bomb.len() < 12 * 1024, "{} bytes", block_bomb.len());
	let mut long_header = fixture("model.safetensors");
	long_header[..8].copy_from_slice(&(1u64 << 40).to_le_bytes());
	let deep = format!("{}1{}", r#"{"a":"#.repeat(100_000), "}".repeat(100_000));
	let bert_config = br#"{"vocab_size": 4, "hidden_size": 8, "num_hidden_layers": 1,
		"num_attention_heads": 2, "intermediate_size": 16, "max_position_embeddings": 16,
		"type_vocab_size": 2}"#;
	// Valid, and 72 MB of weights: more than the worker's 128 MiB holds
	// once they are read and loaded.
	const WIDE: usize = 2_000_000;
	let memory_bomb = safetensors(&[
		("layers.0.weight", &[WIDE, 6]),
		("layers.0.bias", &[WIDE]),
		("layers.1.weight", &[2, WIDE]),
		("layers.1.bias", &[2]),
	]);
	let memory_bomb_config = format!(
		r#"{{"architecture": "mlp", "task": "classification", "inputs": 6, "hidden": [{WIDE}], "outputs": 2}}"#
	);
	let mut unsupported = onnx::linear_classifier();
	unsupported.node.push(onnx::node("Teleport", &["probabilities"], "elsewhere"));
	let onnx_graph = Architecture::OnnxGraph { input_shape: InputShape::truncate_from(vec![1, 3]) };
	let models = [
		(
			"loan-risk",
			spec(
				with_config(file_ref(&store, &fixture("model.safetensors"))),
				ModelFormat::Safetensors,
				Architecture::Mlp,
				tabular,
			),
		),
		(
			"block-count",
			spec(
				weights_only(file_ref(&store, &block_bomb)),
				ModelFormat::Gguf,
				Architecture::Llama,
				generation,
			),
		),
		(
			"zero-alignment",
			spec(
				weights_only(file_ref(
					&store,
					&tiny_llama(1, |gguf| gguf.u32("general.alignment", 0)),
				)),
				ModelFormat::Gguf,
				Architecture::Llama,
				generation,
			),
		),
		(
			"long-header",
			spec(
				with_config(file_ref(&store, &long_header)),
				ModelFormat::Safetensors,
				Architecture::Mlp,
				tabular,
			),
		),
		(
			"deep-tokenizer",
			spec(
				ModelFiles {
					weights: file_ref(
						&store,
						&safetensors(&[("embeddings.word_embeddings.weight", &[4, 8])]),
					),
					config: Some(file_ref(&store, bert_config)),
					tokenizer: Some(file_ref(&store, deep.as_bytes())),
				},
				ModelFormat::Safetensors,
				Architecture::Bert,
				TaskKind::TextEmbedding { dim: 8 },
			),
		),
		(
			"memory-bomb",
			spec(
				ModelFiles {
					weights: file_ref(&store, &memory_bomb),
					config: Some(file_ref(&store, memory_bomb_config.as_bytes())),
					tokenizer: None,
				},
				ModelFormat::Safetensors,
				Architecture::Mlp,
				tabular,
			),
		),
		(
			"onnx-unsupported",
			spec(
				weights_only(file_ref(&store, &onnx::model_file(unsupported))),
				ModelFormat::Onnx,
				onnx_graph.clone(),
				TaskKind::TabularClassification { inputs: 3, classes: 2 },
			),
		),
		(
			"onnx-constant-bomb",
			spec(
				weights_only(file_ref(
					&store,
					&onnx::model_file(onnx::constant_of_shape(&[1 << 20, 1 << 20])),
				)),
				ModelFormat::Onnx,
				onnx_graph,
				TaskKind::TabularRegression { inputs: 3 },
			),
		),
	];
	for (name, spec) in models.iter().cloned() {
		let call = RuntimeCall::Models(pallet_models::Call::register_model {
			name: ModelName::truncate_from(name.as_bytes().to_vec()),
			spec,
		});
		node.sign_and_submit(call, PUBLISHER).await.expect("registered");
	}
	let last = pallet_models::Models::<Runtime>::hashed_key_for(models.len() as u64 - 1);
	node.wait_for("the models", Duration::from_secs(60), || async {
		node.storage::<pallet_models::ModelRecordOf<Runtime>>(&last).await.is_some()
	})
	.await;
	let serve = RuntimeCall::Inference(pallet_inference::Call::register_executor {
		stake: 1_000 * VRT,
		models: (0..models.len() as u64).collect::<Vec<_>>().try_into().expect("fits"),
		capacity: 8,
	});
	node.sign_and_submit(serve, EXECUTOR).await.expect("executor registered");

	// Bob asks every hostile model once (requests 0 to 6), then the honest
	// one (request 7).
	for model in 1..models.len() as u64 {
		let (input, params) = match models[model as usize].1.task {
			TaskKind::TabularClassification { inputs: 3, .. }
			| TaskKind::TabularRegression { inputs: 3 } => {
				(numbers(&[1.0, 2.0, 3.0]), InferenceParams::default())
			},
			TaskKind::TabularClassification { .. } => (applicant(), InferenceParams::default()),
			TaskKind::TextGeneration { .. } => (
				RequestInput::Inline(b"hello".to_vec().try_into().expect("fits")),
				InferenceParams { max_new_tokens: 4, ..Default::default() },
			),
			_ => (
				RequestInput::Inline(b"hello".to_vec().try_into().expect("fits")),
				InferenceParams::default(),
			),
		};
		let head = node.best_number().await;
		let ask = RuntimeCall::Inference(pallet_inference::Call::request_inference {
			model,
			input,
			params,
			max_fee: VRT,
			deadline: head + 20,
		});
		node.sign_and_submit(ask, REQUESTER).await.expect("requested");
	}
	let hostile = models.len() as u64 - 1;
	node.wait_for("the hostile requests", Duration::from_secs(60), || async {
		request(&node, hostile - 1).await.is_some()
	})
	.await;
	let head = node.best_number().await;
	let ask = RuntimeCall::Inference(pallet_inference::Call::request_inference {
		model: 0,
		input: applicant(),
		params: InferenceParams::default(),
		max_fee: VRT,
		deadline: head + 100,
	});
	node.sign_and_submit(ask, REQUESTER).await.expect("requested");

	// The honest request is served, checked and paid.
	node.wait_for("the honest request to be accepted", Duration::from_secs(180), || async {
		request(&node, hostile).await.is_some_and(|r| r.status == RequestStatus::Accepted)
	})
	.await;
	// Alice's worker reported each hostile request; the verifiers could not
	// run them either and agreed. Each ends Unrunnable: Bob pays for Alice's
	// attempt and the verifiers' checks, the publisher earns nothing, and
	// nobody is slashed.
	node.wait_for("the hostile requests to end", Duration::from_secs(180), || async {
		let mut ended = true;
		for id in 0..hostile {
			ended &= request(&node, id).await.is_some_and(|r| r.status.is_final());
		}
		ended
	})
	.await;
	for id in 0..hostile {
		let reason = UnrunnableReason::ModelFailed;
		let record = request(&node, id).await.expect("stored");
		assert_eq!(record.status, RequestStatus::Unrunnable, "request {id}: {record:?}");
		let result = record.result.clone().expect("a report");
		assert_eq!(result.reported, Some(reason), "request {id}");
		assert_eq!(result.output, ResultOutput::default());
		let Some(Settled::Paid(payouts)) = record.settled else { panic!("{record:?}") };
		assert_eq!((payouts.executor, payouts.royalty), (VRT / 10, 0), "request {id}");
	}
	let alice = pallet_inference::Executors::<Runtime>::hashed_key_for(EXECUTOR.to_account_id());
	let stake = node.storage::<pallet_inference::ExecutorOf<Runtime>>(&alice).await.expect("Alice");
	assert_eq!(stake.stake, 1_000 * VRT, "Alice was slashed");
	for verifier in common::DEV_VERIFIERS {
		let key =
			pallet_verification::Verifiers::<Runtime>::hashed_key_for(verifier.to_account_id());
		let record = node
			.storage::<pallet_verification::VerifierOf<Runtime>>(&key)
			.await
			.expect("registered");
		assert_eq!(record.stake, 100 * VRT, "{verifier:?} was slashed\n{}", node.log_tail());
	}

	// The node never stopped: it is running, still producing blocks, and its
	// log shows each file refused and the worker that died replaced.
	node.assert_running();
	let before = node.best_number().await;
	node.wait_for("two more blocks", Duration::from_secs(30), || async {
		node.best_number().await >= before + 2
	})
	.await;
	let log = node.log();
	let engine: Vec<&str> = log.lines().filter(|line| line.contains("engine")).collect();
	for (request, expected) in [
		(0, "llama.block_count 4294967295 needs"),
		(1, "the GGUF header could not be read"),
		(2, "safetensors header"),
		(3, "model config"),
		(4, "the engine worker was killed by signal 6"),
		(5, "ONNX operators tract does not implement: Teleport"),
		(6, "tract failed on it: failed to allocate"),
	] {
		let shown = engine.iter().any(|line| {
			line.contains(&format!("request {request} (job")) && line.contains(expected)
		});
		assert!(
			shown,
			"request {request}: the log does not show {expected:?}:\n{}",
			engine.join("\n")
		);
	}
	assert!(log.contains("engine worker") && log.contains("started (2 so far)"), "no new worker");

	// `veritas verify` re-runs a request on its user's machine: the memory
	// bomb ends the engine process it runs in, under the limit it was
	// given, and the command says so instead of dying.
	let url = format!("http://127.0.0.1:{}", node.ports.rpc);
	let store_dir = base.join("model-store").to_string_lossy().into_owned();
	let verify = ["verify", "4", "--store", &store_dir, "--memory-mb", "128"];
	let verified = veritas_cli::veritas(veritas_cli::args(&url, "//Bob", &verify)).await;
	let said = veritas_cli::stderr(&verified);
	assert_eq!(verified.status.code(), Some(1), "{said}");
	assert!(said.contains("the engine worker died (killed by signal 6)"), "{said}");
}
