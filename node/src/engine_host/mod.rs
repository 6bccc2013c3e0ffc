//! The inference engine as the off-chain workers see it: the node side of
//! `veritas_primitives::host`.
//!
//! A worker hands over a job and returns; a pool of engine threads
//! (`--engine-workers`) takes jobs from one bounded queue, each thread having
//! its own engine worker process run them (`veritas_worker`, [`process`]):
//! an executor's (fetch and check the files and the input, load the model or
//! take it from the LRU cache, run it, store a proof document) or a
//! verifier's (the same, then compare with the executor's output under the
//! model's rule). The off-chain worker picks the receipt up when it is done,
//! in the same run if it waits for it or on a later block. The math inside
//! a job uses `--inference-threads` threads; jobs of the pool run side by
//! side, so that the many small jobs of a busy node use every core.
//!
//! Model files are untrusted, so no job runs in the node's process: a model
//! that makes the engine abort, panic or run forever costs its one job and a
//! restart of the worker process, never the node's block production or RPC.
//! Jobs are keyed by [`JobKey`], the request and the digest of everything the
//! job was given, so one request id on two forks is two jobs.

pub mod child;
pub mod metrics;
pub mod process;

use std::{
	collections::{HashMap, VecDeque},
	sync::{
		mpsc::{sync_channel, Receiver, SyncSender, TrySendError},
		Arc, Mutex, MutexGuard,
	},
	time::{Duration, Instant},
};

use veritas_engine::digest::to_hex;
use veritas_primitives::host::{
	CheckJob, CheckReceipt, CheckStatus, ExecutionJob, ExecutionReceipt, ExecutionStatus,
	InferenceHost, JobFailure, JobKey, JobStatus, SubmitOutcome,
};
use veritas_worker::process::{Job, Report};

use metrics::{EngineMetrics, JobKind};
use process::{EngineProcess, WorkerSettings};

/// How many finished jobs of each kind the engine remembers for workers to
/// pick up.
const FINISHED_JOBS_KEPT: usize = 1024;

const LOG_TARGET: &str = "veritas::engine";

/// How long one request to the IPFS daemon may take.
pub const IPFS_TIMEOUT: Duration = Duration::from_secs(120);

/// How the engine is set up.
pub struct EngineSettings {
	/// The worker process jobs run in.
	pub worker: WorkerSettings,
	/// Jobs that may wait for an engine thread.
	pub queue_length: usize,
	/// Engine threads, each with its own worker process.
	pub workers: usize,
}

/// One kind of job's statuses, forgetting the oldest finished ones.
struct JobBook<Receipt> {
	status: HashMap<JobKey, JobStatus<Receipt>>,
	finished: VecDeque<JobKey>,
}

impl<Receipt: Clone> JobBook<Receipt> {
	fn new() -> Mutex<Self> {
		Mutex::new(Self { status: HashMap::new(), finished: VecDeque::new() })
	}

	fn get(&self, key: JobKey) -> JobStatus<Receipt> {
		self.status.get(&key).cloned().unwrap_or(JobStatus::Unknown)
	}

	/// Whether the job `key` may be queued: none is known, or the last one
	/// could not reach the store (which may be back).
	fn accepts(&self, key: JobKey) -> bool {
		matches!(self.status.get(&key), None | Some(JobStatus::Failed(JobFailure::Unavailable(_))))
	}

	fn set(&mut self, key: JobKey, status: JobStatus<Receipt>) {
		let finished = matches!(status, JobStatus::Done(_) | JobStatus::Failed(_));
		self.status.insert(key, status);
		if finished {
			self.finished.push_back(key);
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

/// The job books the engine thread and the host functions share, and the
/// metrics (when the node has a Prometheus registry).
struct Shared {
	executions: Mutex<JobBook<ExecutionReceipt>>,
	checks: Mutex<JobBook<CheckReceipt>>,
	metrics: Option<EngineMetrics>,
}

/// The engine behind the host functions.
pub struct EngineHost {
	shared: Arc<Shared>,
	sender: SyncSender<(JobKey, Job)>,
}

impl EngineHost {
	/// Starts the engine threads; each one's worker process starts with
	/// its first job. Its metrics go in `metrics`, when given.
	pub fn start(
		settings: EngineSettings,
		metrics: Option<EngineMetrics>,
	) -> std::io::Result<Arc<Self>> {
		let shared =
			Arc::new(Shared { executions: JobBook::new(), checks: JobBook::new(), metrics });
		let (sender, receiver) = sync_channel(settings.queue_length.max(1));
		let receiver = Arc::new(Mutex::new(receiver));
		for index in 0..settings.workers.max(1) {
			let (books, receiver) = (shared.clone(), receiver.clone());
			let worker = EngineProcess::new(settings.worker.clone());
			std::thread::Builder::new()
				.name(format!("veritas-engine-{index}"))
				.spawn(move || run_jobs(index, books, worker, receiver))?;
		}
		Ok(Arc::new(Self { shared, sender }))
	}

	/// Queues `job` under `key` in `book`, unless the book knows it.
	fn submit<Receipt: Clone>(
		&self,
		book: &Mutex<JobBook<Receipt>>,
		kind: JobKind,
		key: JobKey,
		job: Job,
	) -> SubmitOutcome {
		let mut book = lock(book);
		if !book.accepts(key) {
			return SubmitOutcome::AlreadyKnown;
		}
		// Recorded before sending, so that the engine thread's Running is
		// never overwritten by this Queued.
		book.set(key, JobStatus::Queued);
		let metrics = self.shared.metrics.as_ref();
		// Counted before sending, so that an engine thread taking the job at
		// once never takes the count below zero.
		metrics.inspect(|metrics| metrics.queued());
		match self.sender.try_send((key, job)) {
			Ok(()) => SubmitOutcome::Queued,
			Err(error) => {
				book.status.remove(&key);
				let busy = matches!(error, TrySendError::Full(_));
				metrics.inspect(|metrics| metrics.unqueued(kind, busy));
				if busy {
					SubmitOutcome::Busy
				} else {
					SubmitOutcome::NoEngine
				}
			},
		}
	}
}

impl InferenceHost for EngineHost {
	fn submit_execution(&self, job: ExecutionJob) -> SubmitOutcome {
		self.submit(&self.shared.executions, JobKind::Execute, job.key(), Job::Execute(job))
	}

	fn execution_status(&self, key: JobKey) -> ExecutionStatus {
		lock(&self.shared.executions).get(key)
	}

	fn submit_check(&self, job: CheckJob) -> SubmitOutcome {
		self.submit(&self.shared.checks, JobKind::Check, job.key(), Job::Check(job))
	}

	fn check_status(&self, key: JobKey) -> CheckStatus {
		lock(&self.shared.checks).get(key)
	}
}

/// One engine thread, the `index`th: takes the next queued job (the queue's
/// lock is held only while waiting for one) and runs it in its own worker
/// process.
fn run_jobs(
	index: usize,
	books: Arc<Shared>,
	mut worker: EngineProcess,
	receiver: Arc<Mutex<Receiver<(JobKey, Job)>>>,
) {
	loop {
		let next = lock(&receiver).recv();
		let Ok((key, job)) = next else { return };
		let metrics = books.metrics.as_ref();
		metrics.inspect(|metrics| metrics.started());
		let started = Instant::now();
		let timed = |kind, model, failure: Option<&JobFailure>| {
			metrics.inspect(|metrics| metrics.finished(kind, model, started.elapsed(), failure));
		};
		let mut fetched = |what| {
			if let Some(metrics) = metrics {
				metrics.fetched(index, what);
			}
		};
		match &job {
			Job::Execute(execution) => {
				lock(&books.executions).set(key, JobStatus::Running);
				let outcome = match worker.run(&job, &mut fetched) {
					Ok(Report::Executed(outcome)) => outcome,
					Ok(other) => Err(unexpected(other)),
					Err(failure) => Err(failure),
				};
				timed(JobKind::Execute, execution.model.model, outcome.as_ref().err());
				let status = finished(key, outcome, |receipt| {
					format!(
						"ran model {}, output {}",
						execution.model.model,
						to_hex(&receipt.output_digest)
					)
				});
				lock(&books.executions).set(key, status);
			},
			Job::Check(check) => {
				lock(&books.checks).set(key, JobStatus::Running);
				let outcome = match worker.run(&job, &mut fetched) {
					Ok(Report::Checked(outcome)) => outcome,
					Ok(other) => Err(unexpected(other)),
					Err(failure) => Err(failure),
				};
				timed(JobKind::Check, check.model.model, outcome.as_ref().err());
				if let (Some(metrics), Ok(receipt)) = (metrics, &outcome) {
					metrics.checked(&receipt.attestation);
				}
				let status = finished(key, outcome, |receipt| {
					format!("checked the executor's output: {:?}", receipt.attestation)
				});
				lock(&books.checks).set(key, status);
			},
		}
	}
}

fn unexpected(report: Report) -> JobFailure {
	JobFailure::Engine(format!("the engine worker answered out of turn: {report:?}").into_bytes())
}

/// The status a finished job leaves, logged.
fn finished<Receipt>(
	key: JobKey,
	outcome: Result<Receipt, JobFailure>,
	describe: impl FnOnce(&Receipt) -> String,
) -> JobStatus<Receipt> {
	match outcome {
		Ok(receipt) => {
			log::info!(target: LOG_TARGET, "{key}: {}", describe(&receipt));
			JobStatus::Done(receipt)
		},
		Err(failure) => {
			log::error!(target: LOG_TARGET, "{key}: {}", failure.describe());
			JobStatus::Failed(failure)
		},
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn key(request: u64, job: u8) -> JobKey {
		JobKey { request, job: [job; 32] }
	}

	#[test]
	fn one_request_id_on_two_forks_is_two_jobs() {
		let book = JobBook::<u8>::new();
		let mut book = lock(&book);
		let (fork_a, fork_b) = (key(7, 1), key(7, 2));
		assert!(book.accepts(fork_a));
		book.set(fork_a, JobStatus::Done(1));
		assert!(!book.accepts(fork_a));
		assert!(book.accepts(fork_b), "fork B's job is not fork A's");
		assert_eq!(book.get(fork_b), JobStatus::Unknown);
		book.set(fork_b, JobStatus::Done(2));
		assert_eq!((book.get(fork_a), book.get(fork_b)), (JobStatus::Done(1), JobStatus::Done(2)));
	}

	#[test]
	fn a_job_that_could_not_fetch_is_taken_again_and_the_book_stays_bounded() {
		let book = JobBook::<u8>::new();
		let mut book = lock(&book);
		book.set(key(1, 0), JobStatus::Failed(JobFailure::Unavailable(b"down".to_vec())));
		assert!(book.accepts(key(1, 0)));
		book.set(key(2, 0), JobStatus::Failed(JobFailure::Engine(b"aborted".to_vec())));
		assert!(!book.accepts(key(2, 0)));
		for request in 0..(FINISHED_JOBS_KEPT as u64 + 10) {
			book.set(key(request + 100, 0), JobStatus::Done(0));
		}
		assert_eq!(book.status.len(), FINISHED_JOBS_KEPT);
		assert_eq!(book.finished.len(), FINISHED_JOBS_KEPT);
	}
}
