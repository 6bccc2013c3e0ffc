//! What a settled result costs the chain in bytes, inline and by reference,
//! for real outputs: all-MiniLM-L6-v2's embedding of a sentence (384
//! floats) and a 128-token SmolLM2 generation. The engine runs each request
//! both ways; the figures are the encoded `submit_answers` call that carries
//! the answer (kept in the block for good) and the result the request
//! records (kept in state until the request is pruned).
//!
//! `scripts/bench/result-bytes.sh` prints the table; `scripts/test.sh` runs
//! it as a test of the claim that by reference the chain's bytes per result
//! do not grow with the output.

use std::{path::PathBuf, sync::Arc};

use codec::Encode;
use veritas_engine::{cache::ModelCache, store::embedded::EmbeddedStore, ModelStore};
use veritas_primitives::{
	host::{ExecutionJob, ModelSpec},
	inference::{DeliveredOutput, InferenceParams, RequestInput, ResultOutput},
	model::{Architecture, Cid, ModelFiles, ModelFormat, TaskKind},
	request::ResultCommitment,
	BlockNumber,
};
use veritas_runtime::RuntimeCall;
use veritas_worker::Worker;

use crate::common::{file_ref, TempDir};

/// One model's request, run inline and by reference.
struct Case {
	name: &'static str,
	model: ModelSpec,
	input: &'static str,
	params: InferenceParams,
}

/// The bytes of one way of delivering a result.
#[derive(Debug)]
struct Bytes {
	/// The tokens the output holds (what the executor claims by reference).
	tokens: u32,
	/// The encoded `submit_answers` call with this one answer.
	call: usize,
	/// The result the request records, encoded.
	state: usize,
}

fn measured(worker: &Worker, case: &Case, by_reference: bool) -> (usize, Bytes) {
	let params = InferenceParams { output_by_reference: by_reference, ..case.params };
	let job = ExecutionJob {
		request: 1,
		model: case.model.clone(),
		input: RequestInput::Inline(case.input.as_bytes().to_vec().try_into().expect("short")),
		params,
		executor: vec![7; 32],
	};
	let receipt = veritas_worker::execute(worker, &job)
		.unwrap_or_else(|failure| panic!("{}: {}", case.name, failure.describe()));
	let proof_cid = Cid::try_from(receipt.proof_cid).expect("a CID the chain takes");
	let (answer, output, generated_tokens, output_length) = match receipt.output {
		DeliveredOutput::Inline(bytes) => {
			let length = bytes.len();
			let output = bytes.try_into().expect("fits inline");
			let answer = pallet_inference::Answer::Result {
				request: 1,
				output: Clone::clone(&output),
				output_digest: receipt.output_digest,
				proof_cid: proof_cid.clone(),
				proof_digest: receipt.proof_digest,
			};
			// The chain counts an inline output's tokens itself.
			(answer, ResultOutput::Inline(output), 0, length)
		},
		DeliveredOutput::Stored { file, generated_tokens } => {
			let answer = pallet_inference::Answer::StoredResult {
				request: 1,
				output: pallet_inference::StoredOutput {
					cid: file.cid.clone(),
					size: file.size,
					digest: file.digest,
					generated_tokens,
				},
				proof_cid: proof_cid.clone(),
				proof_digest: receipt.proof_digest,
			};
			let output = ResultOutput::Stored { cid: file.cid, size: file.size };
			(answer, output, generated_tokens, file.size as usize)
		},
	};
	assert_eq!(matches!(output, ResultOutput::Stored { .. }), by_reference, "{}", case.name);
	let call = RuntimeCall::Inference(pallet_inference::Call::submit_answers {
		answers: vec![answer].try_into().expect("one answer"),
	});
	let result = ResultCommitment::<BlockNumber> {
		output,
		output_digest: receipt.output_digest,
		proof_cid,
		proof_digest: receipt.proof_digest,
		generated_tokens,
		submitted_at: 1,
		reported: None,
	};
	let bytes =
		Bytes { tokens: generated_tokens, call: call.encoded_size(), state: result.encoded_size() };
	(output_length, bytes)
}

#[test]
#[ignore = "runs real models from VERITAS_MODELS; run by scripts/test.sh"]
fn a_result_by_reference_takes_the_same_bytes_on_chain_whatever_its_output() {
	let models = PathBuf::from(
		std::env::var_os("VERITAS_MODELS").expect("VERITAS_MODELS (scripts/fetch-models.sh)"),
	);
	let read =
		|path: &str| std::fs::read(models.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
	let dir = TempDir::new("result-bytes");
	let store: Arc<dyn ModelStore> =
		Arc::new(EmbeddedStore::open(dir.path().join("store")).expect("the store opens"));
	let cases = [
		Case {
			name: "all-MiniLM-L6-v2 embedding",
			model: ModelSpec {
				model: 0,
				files: ModelFiles {
					weights: file_ref(&*store, &read("all-minilm-l6-v2/model.safetensors")),
					config: Some(file_ref(&*store, &read("all-minilm-l6-v2/config.json"))),
					tokenizer: Some(file_ref(&*store, &read("all-minilm-l6-v2/tokenizer.json"))),
				},
				format: ModelFormat::Safetensors,
				architecture: Architecture::Bert,
				task: TaskKind::TextEmbedding { dim: 384 },
			},
			input: "A man is eating food.",
			params: InferenceParams::default(),
		},
		Case {
			name: "SmolLM2-135M 128-token generation",
			model: ModelSpec {
				model: 1,
				files: ModelFiles {
					weights: file_ref(
						&*store,
						&read("smollm2-135m-instruct/SmolLM2-135M-Instruct.Q4_1.gguf"),
					),
					config: None,
					tokenizer: None,
				},
				format: ModelFormat::Gguf,
				architecture: Architecture::Llama,
				task: TaskKind::TextGeneration { max_context: 2048, max_new_tokens: 128 },
			},
			input: "Write a long story about a lighthouse keeper and a storm.",
			params: InferenceParams { max_new_tokens: 128, seed: 1, ..Default::default() },
		},
	];
	let worker =
		Worker { store, cache: ModelCache::new(2 << 30), threads: 2, max_file_bytes: 1 << 30 };
	println!(
		"{:<36} {:>7} {:>8} {:>12} {:>13} {:>12} {:>13}",
		"result", "tokens", "output", "inline call", "inline state", "stored call", "stored state"
	);
	let mut stored_states = Vec::new();
	for case in &cases {
		let (length, inline) = measured(&worker, case, false);
		let (stored_length, stored) = measured(&worker, case, true);
		assert_eq!(length, stored_length, "{}: the same output both ways", case.name);
		println!(
			"{:<36} {:>7} {:>8} {:>12} {:>13} {:>12} {:>13}",
			case.name, stored.tokens, length, inline.call, inline.state, stored.call, stored.state
		);
		assert_eq!(
			stored.tokens, case.params.max_new_tokens,
			"{}: every token asked for",
			case.name
		);
		// Inline, the output is on-chain twice over: in the block and in
		// state. By reference, neither holds more than its reference.
		assert!(inline.call > length && inline.state > length, "{}: {inline:?}", case.name);
		assert!(stored.call < inline.call && stored.state < inline.state, "{}", case.name);
		stored_states.push((stored.call, stored.state));
	}
	assert!(
		stored_states.windows(2).all(|pair| pair[0] == pair[1]),
		"by reference, every result takes the same bytes: {stored_states:?}"
	);
}
