//! # veritas-worker
//!
//! Running Veritas jobs with the engine, from the chain's descriptions of
//! models and requests: fetching and digest-checking the files and the input,
//! loading models (through an LRU cache), running them and writing proof
//! documents ([`execute`]), and comparing a verifier's own result with an
//! executor's under the model's rule ([`check`]).
//!
//! The node runs jobs in an engine worker process ([`process`]), which its
//! off-chain workers reach through the engine host; the `veritas verify`
//! command runs [`check`] locally.

use std::time::Instant;

use codec::{DecodeAll, Encode};
use veritas_engine::{
	blake2_256,
	compare::{compare, Comparison, Verdict},
	digest::to_hex,
	load::{load, Architecture as EngineArchitecture, ModelBytes},
	model::{EngineError, Input, Model, RunParams},
	onnx::{OnnxOutput, OnnxSignature},
	output::{InferenceOutput, OutputDigest},
	proof::{ProofDocument, ProofFile, Timings, PROOF_FORMAT_VERSION},
	StoreError,
};
use veritas_primitives::{
	host::{CheckJob, CheckReceipt, ExecutionJob, ExecutionReceipt, JobFailure, ModelSpec},
	inference::{
		decode_output, Attestation, DeliveredOutput, F32Bits, InferenceParams, RequestInput,
		MAX_OUTPUT_LENGTH, MAX_STORED_OUTPUT_LENGTH,
	},
	model::{Architecture, Cid, ComparisonRule, FileRef, TaskKind},
};

use veritas_engine::{cache::ModelCache, ModelStore};

pub mod batch;
pub mod child;
#[cfg(test)]
mod fixtures;
pub mod process;
#[cfg(test)]
mod reference_tests;

const LOG_TARGET: &str = "veritas::engine";

/// What jobs run with: the store, the cache of loaded models, and limits.
pub struct Worker {
	pub store: std::sync::Arc<dyn ModelStore>,
	pub cache: ModelCache,
	/// Threads the engine computes with (recorded in proof documents).
	pub threads: usize,
	/// The largest model file to fetch.
	pub max_file_bytes: u64,
}

fn store_failure(error: StoreError) -> JobFailure {
	let text = error.to_string().into_bytes();
	match error {
		StoreError::DigestMismatch { .. } | StoreError::TooLarge { .. } => {
			JobFailure::DigestMismatch(text)
		},
		// The file is there but does not fit in the engine's memory: no
		// later attempt will do better, so this is the model's failure, not
		// the store's.
		StoreError::Io(error) if error.kind() == std::io::ErrorKind::OutOfMemory => {
			engine_failure(format!("a file does not fit in the engine's memory: {error}"))
		},
		_ => JobFailure::Unavailable(text),
	}
}

fn engine_failure(error: impl ToString) -> JobFailure {
	JobFailure::Engine(error.to_string().into_bytes())
}

/// What a job took from the store and the model cache before it ran: what
/// the node's metrics count.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, codec::Encode, codec::Decode)]
pub struct Fetched {
	/// The model was loaded in this worker's cache already.
	pub cache_hit: bool,
	/// Bytes read from the store: the input if it is stored, and the
	/// model's files when it was not cached.
	pub store_bytes: u64,
	/// Bytes of loaded models this worker's cache held when the job began.
	pub cache_bytes: u64,
}

/// A model ready to run on a request's input.
struct Prepared {
	model: std::sync::Arc<dyn Model>,
	input: Vec<u8>,
	timings: Timings,
}

/// Fetches the input and (unless cached) the model's files, each checked
/// against its on-chain digest, and loads the model.
fn prepare(
	shared: &Worker,
	spec: &ModelSpec,
	input: &RequestInput,
	fetched: &mut dyn FnMut(Fetched),
) -> Result<Prepared, JobFailure> {
	let store_bytes = std::cell::Cell::new(0u64);
	let fetch = |file: &FileRef| -> Result<Vec<u8>, JobFailure> {
		let cid = String::from_utf8_lossy(&file.cid).into_owned();
		if file.size > shared.max_file_bytes {
			return Err(JobFailure::Unavailable(
				format!(
					"{cid}: {} bytes, over this node's limit of {}",
					file.size, shared.max_file_bytes
				)
				.into_bytes(),
			));
		}
		let bytes = shared.store.fetch(&cid, &file.digest, file.size).map_err(store_failure)?;
		store_bytes.set(store_bytes.get().saturating_add(bytes.len() as u64));
		Ok(bytes)
	};
	let started = Instant::now();
	let input = match input {
		RequestInput::Inline(bytes) => bytes.to_vec(),
		RequestInput::Stored(file) => fetch(file)?,
		// The chain records feed inputs resolved; an unresolved one is a
		// request that did not come from the chain.
		RequestInput::Feed { feed_id, .. } => {
			return Err(JobFailure::BadInput(
				format!("feed {feed_id} was not resolved into features").into_bytes(),
			))
		},
	};
	let mut timings = Timings::default();
	// Files are fetched only when the model is not cached. The cache key is
	// the digest of the model's file digests, its architecture and its task:
	// one ONNX file registered twice with two input shapes is two models.
	let mut description = spec.files.iter().flat_map(|file| file.digest).collect::<Vec<u8>>();
	(&spec.architecture, &spec.task).encode_to(&mut description);
	let key = blake2_256(&description);
	let cache_bytes = shared.cache.used_bytes() as u64;
	let model = match shared.cache.get(&key) {
		Some(model) => {
			fetched(Fetched { cache_hit: true, store_bytes: store_bytes.get(), cache_bytes });
			model
		},
		None => {
			let files = ModelBytes {
				weights: fetch(&spec.files.weights)?,
				config: spec.files.config.as_ref().map(fetch).transpose()?,
				tokenizer: spec.files.tokenizer.as_ref().map(fetch).transpose()?,
			};
			fetched(Fetched { cache_hit: false, store_bytes: store_bytes.get(), cache_bytes });
			let loading = Instant::now();
			let architecture = architecture(&spec.architecture, &spec.task)?;
			let model =
				load(architecture, files, shared.cache.capacity_bytes()).map_err(engine_failure)?;
			timings.load_ms = loading.elapsed().as_millis() as u64;
			shared.cache.insert(key, model).map_err(engine_failure)?
		},
	};
	// Everything so far but the load was fetching (the input, and the files
	// on a cache miss).
	timings.fetch_ms = (started.elapsed().as_millis() as u64).saturating_sub(timings.load_ms);
	Ok(Prepared { model, input, timings })
}

/// A request's input decoded as the model takes it.
enum Decoded<'a> {
	Text(&'a str),
	Numbers(Vec<f32>),
}

impl Decoded<'_> {
	fn as_input(&self) -> Input<'_> {
		match self {
			Decoded::Text(text) => Input::Text(text),
			Decoded::Numbers(numbers) => Input::Numbers(numbers),
		}
	}
}

/// The input bytes as the model takes them: text for text models, numbers
/// (SCALE-encoded f32 values) for tabular ones.
fn decode_input<'a>(task: &TaskKind, input: &'a [u8]) -> Result<Decoded<'a>, JobFailure> {
	match task.numeric_inputs() {
		None => {
			Ok(Decoded::Text(std::str::from_utf8(input).map_err(|_| {
				JobFailure::BadInput(b"a text model's input must be UTF-8".to_vec())
			})?))
		},
		Some(_) => {
			let numbers = Vec::<F32Bits>::decode_all(&mut &input[..]).map_err(|_| {
				JobFailure::BadInput(
					b"a tabular model's input must be SCALE-encoded f32 values".to_vec(),
				)
			})?;
			Ok(Decoded::Numbers(numbers.into_iter().map(F32Bits::to_f32).collect()))
		},
	}
}

/// Runs `run` on the input bytes decoded as the model takes them.
fn with_input<R>(
	task: &TaskKind,
	input: &[u8],
	run: impl FnOnce(Input<'_>) -> Result<R, JobFailure>,
) -> Result<R, JobFailure> {
	run(decode_input(task, input)?.as_input())
}

fn run_params(params: &InferenceParams) -> RunParams {
	RunParams {
		max_new_tokens: params.max_new_tokens,
		seed: params.seed,
		temperature: params.temperature_thousandths as f32 / 1000.0,
		top_k: params.top_k,
		top_p: params.top_p_thousandths as f32 / 1000.0,
	}
}

fn run_failure(error: EngineError) -> JobFailure {
	match error {
		EngineError::BadInput(text) => JobFailure::BadInput(text.into_bytes()),
		other => engine_failure(other),
	}
}

/// Runs an executor's job: the output, and a proof document in the store.
pub fn execute(shared: &Worker, job: &ExecutionJob) -> Result<ExecutionReceipt, JobFailure> {
	execute_observed(shared, job, &mut |_| {})
}

/// [`execute`], calling `fetched` once the files and input are in memory.
fn execute_observed(
	shared: &Worker,
	job: &ExecutionJob,
	fetched: &mut dyn FnMut(Fetched),
) -> Result<ExecutionReceipt, JobFailure> {
	let spec = &job.model;
	let Prepared { model, input, mut timings } = prepare(shared, spec, &job.input, fetched)?;
	let running = Instant::now();
	let output = with_input(&spec.task, &input, |input| {
		model.run(input, &run_params(&job.params)).map_err(run_failure)
	})?;
	timings.run_ms = running.elapsed().as_millis() as u64;
	committed(shared, job, &input, output, timings)
}

/// An executor's output, checked as the chain will check it, and its proof
/// document, stored.
fn committed(
	shared: &Worker,
	job: &ExecutionJob,
	input: &[u8],
	output: InferenceOutput,
	timings: Timings,
) -> Result<ExecutionReceipt, JobFailure> {
	let spec = &job.model;
	let output_bytes = output.canonical_bytes();
	let generated_tokens = acceptable(&output_bytes, &spec.task, &job.params)?;
	let output_digest = blake2_256(&output_bytes);
	let delivered = deliver(shared, job, &output_bytes, generated_tokens)?;
	let output_cid = match &delivered {
		DeliveredOutput::Stored { file, .. } => {
			Some(String::from_utf8_lossy(&file.cid).into_owned())
		},
		DeliveredOutput::Inline(_) => None,
	};
	let document = ProofDocument {
		format_version: PROOF_FORMAT_VERSION,
		request: job.request,
		model: spec.model,
		files: proof_files(spec),
		input_digest: to_hex(&blake2_256(input)),
		max_new_tokens: job.params.max_new_tokens,
		seed: job.params.seed,
		temperature_thousandths: job.params.temperature_thousandths,
		top_k: job.params.top_k,
		top_p_thousandths: job.params.top_p_thousandths,
		// An output stored by reference is named, not copied: the document
		// stays small whatever the output's size.
		output: if output_cid.is_some() { String::new() } else { to_hex(&output_bytes) },
		output_cid,
		output_digest: to_hex(&output_digest),
		engine: ProofDocument::engine_name(),
		threads: shared.threads as u32,
		timings,
		executor: to_hex(&job.executor),
	};
	let stored = shared.store.put(&document.to_bytes()).map_err(store_failure)?;
	Ok(ExecutionReceipt {
		output: delivered,
		output_digest,
		proof_cid: stored.cid.into_bytes(),
		proof_digest: stored.digest,
	})
}

/// What the chain takes of an output: the same decoding and shape checks
/// it runs on an inline one, and no longer than it takes by reference. The
/// tokens it holds. An output that fails this is the model's failure: the
/// executor reports it, and a verifier checking the report fails the same
/// way and agrees.
fn acceptable(output: &[u8], task: &TaskKind, params: &InferenceParams) -> Result<u32, JobFailure> {
	let decoded = decode_output(output, task, params).map_err(|error| {
		engine_failure(format!("the output does not fit the model's task: {error:?}"))
	})?;
	if output.len() as u64 > MAX_STORED_OUTPUT_LENGTH {
		return Err(engine_failure(format!(
			"the output takes {} bytes, more than the chain takes by reference ({MAX_STORED_OUTPUT_LENGTH})",
			output.len()
		)));
	}
	Ok(decoded.generated_tokens())
}

/// The output as the chain takes it: inline, or (when the request asked
/// for it by reference, or it is too long to go inline) stored, with the
/// tokens it holds.
fn deliver(
	shared: &Worker,
	job: &ExecutionJob,
	output: &[u8],
	generated_tokens: u32,
) -> Result<DeliveredOutput, JobFailure> {
	let length = output.len() as u64;
	if !job.params.output_by_reference && length <= MAX_OUTPUT_LENGTH as u64 {
		return Ok(DeliveredOutput::Inline(output.to_vec()));
	}
	let stored = shared.store.put(output).map_err(store_failure)?;
	let cid = Cid::try_from(stored.cid.into_bytes()).map_err(|_| {
		engine_failure("the store named the output with a CID longer than the chain takes")
	})?;
	let file = FileRef { cid, digest: stored.digest, size: length };
	Ok(DeliveredOutput::Stored { file, generated_tokens })
}

/// The executor's output a check judges, or why it is a wrong answer
/// before anything runs.
enum Claimed {
	Output { output: InferenceOutput, digest: [u8; 32] },
	Wrong(String),
}

/// The executor's output, decoded: inline as committed on-chain, or
/// fetched from the store (at most the size committed to, and only if it
/// hashes to the digest committed to). A stored output must also pass the
/// checks the chain runs on an inline one, and hold the tokens the executor
/// was paid for. An output the store cannot give now is
/// [`JobFailure::OutputUnavailable`], tried again; one that is not what was
/// committed to is a wrong answer at once.
fn claimed_output(shared: &Worker, job: &CheckJob) -> Result<Claimed, JobFailure> {
	let (bytes, tokens) = match &job.claimed_output {
		DeliveredOutput::Inline(bytes) => (std::borrow::Cow::Borrowed(&bytes[..]), None),
		DeliveredOutput::Stored { file, generated_tokens } => {
			let cid = String::from_utf8_lossy(&file.cid).into_owned();
			if file.size > MAX_STORED_OUTPUT_LENGTH {
				return Ok(Claimed::Wrong(format!("a stored output of {} bytes", file.size)));
			}
			let bytes = match shared.store.fetch(&cid, &file.digest, file.size) {
				Ok(bytes) => bytes,
				Err(error @ (StoreError::DigestMismatch { .. } | StoreError::TooLarge { .. })) => {
					return Ok(Claimed::Wrong(format!(
						"the stored output is not the one committed to: {error}"
					)))
				},
				Err(error) => {
					return Err(JobFailure::OutputUnavailable(error.to_string().into_bytes()))
				},
			};
			if bytes.len() as u64 != file.size {
				return Ok(Claimed::Wrong(format!(
					"the stored output has {} bytes, not the {} committed to",
					bytes.len(),
					file.size
				)));
			}
			(std::borrow::Cow::Owned(bytes), Some(*generated_tokens))
		},
	};
	if let Some(claimed) = tokens {
		match decode_output(&bytes, &job.model.task, &job.params) {
			Ok(output) if output.generated_tokens() == claimed => {},
			Ok(output) => {
				return Ok(Claimed::Wrong(format!(
					"{claimed} tokens claimed, {} in the stored output",
					output.generated_tokens()
				)))
			},
			Err(error) => {
				return Ok(Claimed::Wrong(format!(
					"the stored output does not fit the request: {error:?}"
				)))
			},
		}
	}
	let digest = blake2_256(&bytes);
	Ok(match InferenceOutput::decode_all(&mut &bytes[..]) {
		Ok(output) => Claimed::Output { output, digest },
		Err(_) => Claimed::Wrong("the executor's output does not decode".into()),
	})
}

/// Runs a verifier's job: re-runs the request (or, under `TokenTopK`,
/// checks the executor's tokens in one pass) and compares under the rule.
pub fn check(shared: &Worker, job: &CheckJob) -> Result<CheckReceipt, JobFailure> {
	check_observed(shared, job, &mut |_| {})
}

/// [`check`], calling `fetched` once the files and input are in memory.
fn check_observed(
	shared: &Worker,
	job: &CheckJob,
	fetched: &mut dyn FnMut(Fetched),
) -> Result<CheckReceipt, JobFailure> {
	// The executor's output (or its report that it could not run the
	// request) first: an output that is not there, or not what was
	// committed to, needs no model.
	let claimed = match job.reported {
		None => match claimed_output(shared, job)? {
			Claimed::Output { output, digest } => Ok((output, digest)),
			Claimed::Wrong(reason) => return Ok(mismatch(job, reason)),
		},
		Some(reason) => Err(reason),
	};
	let Prepared { model, input, .. } = prepare(shared, &job.model, &job.input, fetched)?;
	let (claimed, claimed_digest) = match claimed {
		Ok(claimed) => claimed,
		Err(reason) => {
			// The executor said it could not run this; it runs here, to an
			// output the chain takes, so the report is false. (If it does not
			// run here either, the failure goes back to the verifier's
			// worker, which agrees with the report.)
			let mine = with_input(&job.model.task, &input, |input| {
				model.run(input, &run_params(&job.params)).map_err(run_failure)
			})?;
			acceptable(&mine.canonical_bytes(), &job.model.task, &job.params)?;
			return Ok(mismatch_digest(
				job,
				format!("reported unrunnable ({reason:?}) but it runs"),
				mine.digest(),
			));
		},
	};
	let (verdict, own_digest) = match (job.comparison, &claimed) {
		(ComparisonRule::TokenTopK(k), InferenceOutput::Generation { tokens, text }) => {
			let verdict = with_input(&job.model.task, &input, |input| {
				let Input::Text(prompt) = input else {
					return Err(JobFailure::BadInput(b"a generation model takes text".to_vec()));
				};
				model
					.check_generation(prompt, tokens, text, &run_params(&job.params), k as usize)
					.map_err(run_failure)
			})?;
			// The verifier does not generate: on a match it vouches for the
			// executor's digest.
			let digest = match &verdict {
				Verdict::Match => claimed_digest,
				Verdict::Mismatch(reason) => blake2_256(reason.as_bytes()),
			};
			(verdict, digest)
		},
		(ComparisonRule::TokenTopK(_), _) => {
			return Ok(mismatch(job, "a token check of an output that is not a generation".into()))
		},
		(_, claimed) => {
			let mine = with_input(&job.model.task, &input, |input| {
				model.run(input, &run_params(&job.params)).map_err(run_failure)
			})?;
			return Ok(judged(job, &mine, claimed));
		},
	};
	Ok(attested(job, verdict, own_digest))
}

/// A verifier's own output against the executor's, under the job's rule.
fn judged(job: &CheckJob, mine: &InferenceOutput, claimed: &InferenceOutput) -> CheckReceipt {
	attested(job, compare(comparison(job.comparison), mine, claimed), mine.digest())
}

/// The attestation a verdict makes, with the digest of what the verifier
/// found.
fn attested(job: &CheckJob, verdict: Verdict, own_digest: [u8; 32]) -> CheckReceipt {
	match verdict {
		Verdict::Match => {
			CheckReceipt { attestation: Attestation::Match, output_digest: own_digest }
		},
		Verdict::Mismatch(reason) => {
			log::warn!(target: LOG_TARGET, "request {}: mismatch: {reason}", job.request);
			CheckReceipt { attestation: Attestation::Mismatch, output_digest: own_digest }
		},
	}
}

/// A mismatch found before running anything.
fn mismatch(job: &CheckJob, reason: String) -> CheckReceipt {
	let digest = blake2_256(reason.as_bytes());
	mismatch_digest(job, reason, digest)
}

/// A mismatch, with the digest of what the verifier found.
fn mismatch_digest(job: &CheckJob, reason: String, output_digest: [u8; 32]) -> CheckReceipt {
	log::warn!(target: LOG_TARGET, "request {}: mismatch: {reason}", job.request);
	CheckReceipt { attestation: Attestation::Mismatch, output_digest }
}

/// The chain's rule as the engine compares: tolerances are in millionths.
fn comparison(rule: ComparisonRule) -> Comparison {
	let fraction = |millionths: u32| millionths as f32 / 1_000_000.0;
	match rule {
		ComparisonRule::Exact => Comparison::Exact,
		ComparisonRule::MaxAbs(tolerance) => Comparison::MaxAbs(fraction(tolerance.0)),
		ComparisonRule::Cosine(tolerance) => Comparison::Cosine(fraction(tolerance.0)),
		ComparisonRule::TokenTopK(k) => Comparison::TokenTopK(k),
	}
}

fn proof_files(spec: &ModelSpec) -> Vec<ProofFile> {
	let files = &spec.files;
	[
		("weights", Some(&files.weights)),
		("config", files.config.as_ref()),
		("tokenizer", files.tokenizer.as_ref()),
	]
	.into_iter()
	.filter_map(|(role, file)| {
		file.map(|file| ProofFile {
			role: role.into(),
			cid: String::from_utf8_lossy(&file.cid).into_owned(),
			digest: to_hex(&file.digest),
		})
	})
	.collect()
}

/// What the engine builds for a registered architecture and task.
fn architecture(
	architecture: &Architecture,
	task: &TaskKind,
) -> Result<EngineArchitecture, JobFailure> {
	Ok(match architecture {
		Architecture::Bert => EngineArchitecture::Bert,
		Architecture::Llama => EngineArchitecture::Llama,
		Architecture::Mlp => EngineArchitecture::Mlp,
		Architecture::OnnxGraph { input_shape } => {
			let output = match *task {
				TaskKind::TabularClassification { classes, .. } => {
					OnnxOutput::Classification { classes: classes as usize }
				},
				TaskKind::TabularRegression { .. } => OnnxOutput::Regression,
				TaskKind::TabularEmbedding { dim, .. } => {
					OnnxOutput::Embedding { dim: dim as usize }
				},
				TaskKind::TextEmbedding { .. } | TaskKind::TextGeneration { .. } => {
					return Err(engine_failure("an ONNX graph serves only numeric tasks"))
				},
			};
			let input_shape = input_shape.iter().map(|dim| *dim as usize).collect();
			EngineArchitecture::Onnx(OnnxSignature { input_shape, output })
		},
	})
}

#[cfg(test)]
mod tests {
	use super::*;

	/// A store that cannot be reached is tried again later; a file too
	/// large for the engine's memory never will be, so it fails the job as
	/// the model's failure, and verifiers answer instead of retrying until
	/// they miss their round.
	#[test]
	fn store_errors_are_classed_by_whether_a_retry_can_help() {
		let io = |kind| StoreError::Io(std::io::Error::from(kind));
		assert!(matches!(
			store_failure(io(std::io::ErrorKind::ConnectionRefused)),
			JobFailure::Unavailable(_)
		));
		assert!(matches!(
			store_failure(StoreError::NotFound { cid: "bafk".into() }),
			JobFailure::Unavailable(_)
		));
		assert!(matches!(
			store_failure(io(std::io::ErrorKind::OutOfMemory)),
			JobFailure::Engine(_)
		));
		let mismatch = StoreError::DigestMismatch {
			cid: "bafk".into(),
			expected: "00".into(),
			actual: "11".into(),
		};
		assert!(matches!(store_failure(mismatch), JobFailure::DigestMismatch(_)));
	}
}
