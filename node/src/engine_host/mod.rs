//! The inference engine as the off-chain workers see it: the node side of
//! `veritas_primitives::host`.
//!
//! A worker hands over a job and returns; one engine thread takes jobs from a
//! bounded queue and runs them (`veritas_worker`): an executor's (fetch and check the
//! files and the input, load the model or take it from the LRU cache, run it,
//! store a proof document) or a verifier's (the same, then compare with the
//! executor's output under the model's rule). The worker picks the receipt
//! up on a later block. The math inside a job uses `--inference-threads`
//! threads.

use std::{
	collections::{HashMap, VecDeque},
	sync::{
		mpsc::{sync_channel, Receiver, SyncSender, TrySendError},
		Arc, Mutex, MutexGuard,
	},
};

use veritas_engine::{cache::ModelCache, digest::to_hex, ModelStore};
use veritas_primitives::{
	host::{
		CheckJob, CheckReceipt, CheckStatus, ExecutionJob, ExecutionReceipt, ExecutionStatus,
		InferenceHost, JobFailure, JobStatus, SubmitOutcome,
	},
	settlement::RequestId,
};
use veritas_worker::Worker;

/// How many finished jobs of each kind the engine remembers for workers to
/// pick up.
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

/// One kind of job's statuses, forgetting the oldest finished ones.
struct JobBook<Receipt> {
	status: HashMap<RequestId, JobStatus<Receipt>>,
	finished: VecDeque<RequestId>,
}

impl<Receipt: Clone> JobBook<Receipt> {
	fn new() -> Mutex<Self> {
		Mutex::new(Self { status: HashMap::new(), finished: VecDeque::new() })
	}

	fn get(&self, request: RequestId) -> JobStatus<Receipt> {
		self.status.get(&request).cloned().unwrap_or(JobStatus::Unknown)
	}

	/// Whether a job for `request` may be queued: none is known, or the
	/// last one could not reach the store (which may be back).
	fn accepts(&self, request: RequestId) -> bool {
		matches!(
			self.status.get(&request),
			None | Some(JobStatus::Failed(JobFailure::Unavailable(_)))
		)
	}

	fn set(&mut self, request: RequestId, status: JobStatus<Receipt>) {
		let finished = matches!(status, JobStatus::Done(_) | JobStatus::Failed(_));
		self.status.insert(request, status);
		if finished {
			self.finished.push_back(request);
			while self.finished.len() > FINISHED_JOBS_KEPT {
				if let Some(oldest) = self.finished.pop_front() {
					self.status.remove(&oldest);
				}
			}
		}
	}
}

/// Every update is a single map write, so a poisoned lock is consistent.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
	mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

enum Job {
	Execute(ExecutionJob),
	Check(CheckJob),
}

/// What the engine thread works with.
struct Shared {
	worker: Worker,
	executions: Mutex<JobBook<ExecutionReceipt>>,
	checks: Mutex<JobBook<CheckReceipt>>,
}

/// The engine behind the host functions.
pub struct EngineHost {
	shared: Arc<Shared>,
	sender: SyncSender<Job>,
}

impl EngineHost {
	/// Starts the engine thread.
	pub fn start(settings: EngineSettings) -> std::io::Result<Arc<Self>> {
		let shared = Arc::new(Shared {
			worker: Worker {
				store: settings.store,
				cache: ModelCache::new(settings.cache_bytes),
				threads: settings.threads,
				max_file_bytes: settings.max_file_bytes,
			},
			executions: JobBook::new(),
			checks: JobBook::new(),
		});
		let (sender, receiver) = sync_channel(settings.queue_length.max(1));
		let worker = shared.clone();
		std::thread::Builder::new()
			.name("veritas-engine".into())
			.spawn(move || run_jobs(worker, receiver))?;
		Ok(Arc::new(Self { shared, sender }))
	}

	/// Queues `job` for `request` in `book`, unless the book knows it.
	fn submit<Receipt: Clone>(
		&self,
		book: &Mutex<JobBook<Receipt>>,
		request: RequestId,
		job: Job,
	) -> SubmitOutcome {
		let mut book = lock(book);
		if !book.accepts(request) {
			return SubmitOutcome::AlreadyKnown;
		}
		// Recorded before sending, so that the engine thread's Running is
		// never overwritten by this Queued.
		book.set(request, JobStatus::Queued);
		match self.sender.try_send(job) {
			Ok(()) => SubmitOutcome::Queued,
			Err(error) => {
				book.status.remove(&request);
				match error {
					TrySendError::Full(_) => SubmitOutcome::Busy,
					TrySendError::Disconnected(_) => SubmitOutcome::NoEngine,
				}
			},
		}
	}
}

impl InferenceHost for EngineHost {
	fn submit_execution(&self, job: ExecutionJob) -> SubmitOutcome {
		self.submit(&self.shared.executions, job.request, Job::Execute(job))
	}

	fn execution_status(&self, request: RequestId) -> ExecutionStatus {
		lock(&self.shared.executions).get(request)
	}

	fn submit_check(&self, job: CheckJob) -> SubmitOutcome {
		self.submit(&self.shared.checks, job.request, Job::Check(job))
	}

	fn check_status(&self, request: RequestId) -> CheckStatus {
		lock(&self.shared.checks).get(request)
	}
}

fn run_jobs(shared: Arc<Shared>, receiver: Receiver<Job>) {
	while let Ok(job) = receiver.recv() {
		match job {
			Job::Execute(job) => {
				let request = job.request;
				lock(&shared.executions).set(request, JobStatus::Running);
				let status =
					finished(request, veritas_worker::execute(&shared.worker, &job), |receipt| {
						format!(
							"ran model {}, output {}",
							job.model.model,
							to_hex(&receipt.output_digest)
						)
					});
				lock(&shared.executions).set(request, status);
			},
			Job::Check(job) => {
				let request = job.request;
				lock(&shared.checks).set(request, JobStatus::Running);
				let status =
					finished(request, veritas_worker::check(&shared.worker, &job), |receipt| {
						format!("checked the executor's output: {:?}", receipt.attestation)
					});
				lock(&shared.checks).set(request, status);
			},
		}
	}
}

/// The status a finished job leaves, logged.
fn finished<Receipt>(
	request: RequestId,
	outcome: Result<Receipt, JobFailure>,
	describe: impl FnOnce(&Receipt) -> String,
) -> JobStatus<Receipt> {
	match outcome {
		Ok(receipt) => {
			log::info!(target: LOG_TARGET, "request {request}: {}", describe(&receipt));
			JobStatus::Done(receipt)
		},
		Err(failure) => {
			log::error!(target: LOG_TARGET, "request {request}: {}", failure.describe());
			JobStatus::Failed(failure)
		},
	}
}
