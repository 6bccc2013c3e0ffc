//! The inference engine as the off-chain workers see it: the node side of
//! `veritas_primitives::host`.
//!
//! A worker hands over a job and returns; one engine thread takes jobs from a
//! bounded queue, fetches and checks the model's files and the input, loads
//! the model (or takes it from the LRU cache), runs it, and stores a proof
//! document. The worker picks the receipt up on a later block. The math
//! inside a job uses `--inference-threads` threads.

use std::{
	collections::{HashMap, VecDeque},
	sync::{
		mpsc::{sync_channel, Receiver, SyncSender, TrySendError},
		Arc, Mutex, MutexGuard,
	},
	time::Instant,
};

use codec::DecodeAll;
use veritas_engine::{
	blake2_256,
	cache::ModelCache,
	digest::to_hex,
	load::{load, Architecture as EngineArchitecture, ModelBytes},
	model::{Input, RunParams},
	proof::{ProofDocument, ProofFile, Timings, PROOF_FORMAT_VERSION},
	ModelStore, StoreError,
};
use veritas_primitives::{
	host::{ExecutionJob, ExecutionReceipt, InferenceHost, JobFailure, JobStatus, SubmitOutcome},
	inference::{F32Bits, InferenceOutput, RequestInput},
	model::{Architecture, FileRef, TaskKind},
	settlement::RequestId,
};

/// How many finished jobs the engine remembers for workers to pick up.
const FINISHED_JOBS_KEPT: usize = 1024;

const LOG_TARGET: &str = "veritas::engine";

/// How the engine is set up.
pub struct EngineSettings {
	pub store: Arc<dyn ModelStore>,
	/// The LRU cache's bound on loaded models, in bytes.
	pub cache_bytes: usize,
	/// Threads a job computes with (recorded in proof documents).
	pub threads: usize,
	/// Jobs that may wait for the engine thread.
	pub queue_length: usize,
	/// The largest model file the node will fetch.
	pub max_file_bytes: u64,
}

#[derive(Default)]
struct Jobs {
	status: HashMap<RequestId, JobStatus>,
	finished: VecDeque<RequestId>,
}

struct Shared {
	store: Arc<dyn ModelStore>,
	cache: ModelCache,
	threads: usize,
	max_file_bytes: u64,
	jobs: Mutex<Jobs>,
}

impl Shared {
	fn jobs(&self) -> MutexGuard<'_, Jobs> {
		// Every update is a single map write, so a poisoned lock is consistent.
		self.jobs.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
	}

	fn set(&self, request: RequestId, status: JobStatus) {
		let mut jobs = self.jobs();
		let finished = matches!(status, JobStatus::Done(_) | JobStatus::Failed(_));
		jobs.status.insert(request, status);
		if finished {
			jobs.finished.push_back(request);
			while jobs.finished.len() > FINISHED_JOBS_KEPT {
				if let Some(oldest) = jobs.finished.pop_front() {
					jobs.status.remove(&oldest);
				}
			}
		}
	}
}

/// The engine behind the host functions.
pub struct EngineHost {
	shared: Arc<Shared>,
	sender: SyncSender<ExecutionJob>,
}

impl EngineHost {
	/// Starts the engine thread.
	pub fn start(settings: EngineSettings) -> std::io::Result<Arc<Self>> {
		let shared = Arc::new(Shared {
			store: settings.store,
			cache: ModelCache::new(settings.cache_bytes),
			threads: settings.threads,
			max_file_bytes: settings.max_file_bytes,
			jobs: Mutex::new(Jobs::default()),
		});
		let (sender, receiver) = sync_channel(settings.queue_length.max(1));
		let worker = shared.clone();
		std::thread::Builder::new()
			.name("veritas-engine".into())
			.spawn(move || run_jobs(worker, receiver))?;
		Ok(Arc::new(Self { shared, sender }))
	}
}

impl InferenceHost for EngineHost {
	fn submit_execution(&self, job: ExecutionJob) -> SubmitOutcome {
		let request = job.request;
		let mut jobs = self.shared.jobs();
		match jobs.status.get(&request) {
			// A store that was unreachable may be back: try again.
			Some(JobStatus::Failed(JobFailure::Unavailable(_))) | None => {},
			Some(_) => return SubmitOutcome::AlreadyKnown,
		}
		// Recorded before sending, so that the engine thread's Running is
		// never overwritten by this Queued.
		jobs.status.insert(request, JobStatus::Queued);
		match self.sender.try_send(job) {
			Ok(()) => SubmitOutcome::Queued,
			Err(error) => {
				jobs.status.remove(&request);
				match error {
					TrySendError::Full(_) => SubmitOutcome::Busy,
					TrySendError::Disconnected(_) => SubmitOutcome::NoEngine,
				}
			},
		}
	}

	fn execution_status(&self, request: RequestId) -> JobStatus {
		self.shared.jobs().status.get(&request).cloned().unwrap_or(JobStatus::Unknown)
	}
}

fn run_jobs(shared: Arc<Shared>, receiver: Receiver<ExecutionJob>) {
	while let Ok(job) = receiver.recv() {
		let request = job.request;
		shared.set(request, JobStatus::Running);
		let status = match execute(&shared, &job) {
			Ok(receipt) => {
				log::info!(
					target: LOG_TARGET,
					"request {request}: ran model {}, output {}",
					job.model.model,
					to_hex(&receipt.output_digest)
				);
				JobStatus::Done(receipt)
			},
			Err(failure) => {
				log::error!(target: LOG_TARGET, "request {request}: {}", failure.describe());
				JobStatus::Failed(failure)
			},
		};
		shared.set(request, status);
	}
}

fn store_failure(error: StoreError) -> JobFailure {
	let text = error.to_string().into_bytes();
	match error {
		StoreError::DigestMismatch { .. } | StoreError::TooLarge { .. } => {
			JobFailure::DigestMismatch(text)
		},
		_ => JobFailure::Unavailable(text),
	}
}

fn engine_failure(error: impl ToString) -> JobFailure {
	JobFailure::Engine(error.to_string().into_bytes())
}

fn execute(shared: &Shared, job: &ExecutionJob) -> Result<ExecutionReceipt, JobFailure> {
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
		shared.store.fetch(&cid, &file.digest, file.size).map_err(store_failure)
	};
	let spec = &job.model;
	let started = Instant::now();
	let input = match &job.input {
		RequestInput::Inline(bytes) => bytes.to_vec(),
		RequestInput::Stored(file) => fetch(file)?,
	};
	let mut timings = Timings::default();
	// Files are fetched only when the model is not cached; the cache key is
	// the digest of all of the model's file digests.
	let key = blake2_256(&spec.files.iter().flat_map(|file| file.digest).collect::<Vec<u8>>());
	let model = match shared.cache.get(&key) {
		Some(model) => model,
		None => {
			let files = ModelBytes {
				weights: fetch(&spec.files.weights)?,
				config: spec.files.config.as_ref().map(fetch).transpose()?,
				tokenizer: spec.files.tokenizer.as_ref().map(fetch).transpose()?,
			};
			let loading = Instant::now();
			let model = load(architecture(spec.architecture), files).map_err(engine_failure)?;
			timings.load_ms = loading.elapsed().as_millis() as u64;
			shared.cache.insert(key, model).map_err(engine_failure)?
		},
	};
	// Everything so far but the load was fetching (the input, and the files
	// on a cache miss).
	timings.fetch_ms = (started.elapsed().as_millis() as u64).saturating_sub(timings.load_ms);

	let numbers;
	let model_input = match spec.task {
		TaskKind::TextEmbedding { .. } | TaskKind::TextGeneration { .. } => {
			Input::Text(std::str::from_utf8(&input).map_err(|_| {
				JobFailure::BadInput(b"a text model's input must be UTF-8".to_vec())
			})?)
		},
		TaskKind::TabularClassification { .. } | TaskKind::TabularRegression { .. } => {
			numbers = Vec::<F32Bits>::decode_all(&mut &input[..])
				.map_err(|_| {
					JobFailure::BadInput(
						b"a tabular model's input must be SCALE-encoded f32 values".to_vec(),
					)
				})?
				.into_iter()
				.map(F32Bits::to_f32)
				.collect::<Vec<f32>>();
			Input::Numbers(&numbers)
		},
	};
	let params = RunParams {
		max_new_tokens: job.params.max_new_tokens,
		seed: job.params.seed,
		temperature: job.params.temperature_thousandths as f32 / 1000.0,
	};
	let running = Instant::now();
	let output = model.run(model_input, &params).map_err(|error| match error {
		veritas_engine::model::EngineError::BadInput(text) => {
			JobFailure::BadInput(text.into_bytes())
		},
		other => engine_failure(other),
	})?;
	timings.run_ms = running.elapsed().as_millis() as u64;

	let output_bytes = output.canonical_bytes();
	// What the chain will accept: the same decoding and shape checks it runs.
	InferenceOutput::decode_for(&output_bytes, &spec.task, &job.params).map_err(|error| {
		engine_failure(format!("the output does not fit the model's task: {error:?}"))
	})?;
	if output_bytes.len() > veritas_primitives::inference::MAX_OUTPUT_LENGTH as usize {
		return Err(engine_failure(format!(
			"the output takes {} bytes, more than the chain's {}",
			output_bytes.len(),
			veritas_primitives::inference::MAX_OUTPUT_LENGTH
		)));
	}
	let output_digest = blake2_256(&output_bytes);
	let document = ProofDocument {
		format_version: PROOF_FORMAT_VERSION,
		request: job.request,
		model: spec.model,
		files: proof_files(spec),
		input_digest: to_hex(&blake2_256(&input)),
		max_new_tokens: job.params.max_new_tokens,
		seed: job.params.seed,
		temperature_thousandths: job.params.temperature_thousandths,
		output: to_hex(&output_bytes),
		output_digest: to_hex(&output_digest),
		engine: ProofDocument::engine_name(),
		threads: shared.threads as u32,
		timings,
		executor: to_hex(&job.executor),
	};
	let stored = shared.store.put(&document.to_bytes()).map_err(store_failure)?;
	Ok(ExecutionReceipt {
		output: output_bytes,
		output_digest,
		proof_cid: stored.cid.into_bytes(),
		proof_digest: stored.digest,
	})
}

fn proof_files(spec: &veritas_primitives::host::ModelSpec) -> Vec<ProofFile> {
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

fn architecture(architecture: Architecture) -> EngineArchitecture {
	match architecture {
		Architecture::Bert => EngineArchitecture::Bert,
		Architecture::Llama => EngineArchitecture::Llama,
		Architecture::Mlp => EngineArchitecture::Mlp,
	}
}
