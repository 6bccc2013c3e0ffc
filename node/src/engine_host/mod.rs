//! The inference engine as the off-chain workers see it: the node side of
//! `veritas_primitives::host`.
//!
//! A worker hands over a job and returns; a pool of engine threads
//! (`--engine-workers`) takes jobs from one bounded queue, each thread having
//! its own engine worker process run them (`veritas_worker`, [`process`]).
//! A thread that takes a job for an MLP or an embedding model also takes the
//! queued jobs of the same kind, model and parameters (up to
//! `--engine-batch`, 32 by default) and has them run together (`veritas_worker::batch`):
//! one model run for all, each job still fetched, checked and committed to
//! alone, and each output what the job alone would give, bit for bit. If the
//! batch fails as a whole (its worker panics, aborts or overruns), each of
//! its jobs runs again alone, so that an input crafted to kill the worker
//! fails only its own request. Each job is an executor's (fetch and check
//! the files and the input, load the model or take it from the LRU cache,
//! run it, store a proof document) or a
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
	sync::{Arc, Condvar, Mutex, MutexGuard},
	time::{Duration, Instant},
};

use veritas_engine::digest::to_hex;
use veritas_primitives::host::{
	CheckJob, CheckReceipt, CheckStatus, ExecutionJob, ExecutionReceipt, ExecutionStatus,
	InferenceHost, JobFailure, JobKey, JobStatus, SubmitOutcome,
};
use veritas_primitives::{host::ModelSpec, inference::InferenceParams};
use veritas_worker::{
	batch::batchable,
	process::{Job, Report},
	Fetched,
};

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
	/// The most queued jobs of one model a thread runs together; 1 runs
	/// each alone.
	pub batch: usize,
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
		match self.status.get(&key) {
			None => true,
			Some(JobStatus::Failed(failure)) => failure.is_retryable(),
			Some(_) => false,
		}
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

/// What jobs must share to run together: the kind, the model and the
/// parameters; `None` for a job that runs alone (a generation).
fn batch_key(job: &Job) -> Option<(bool, &ModelSpec, &InferenceParams)> {
	let (is_check, model, params) = match job {
		Job::Execute(job) => (false, &job.model, &job.params),
		Job::Check(job) => (true, &job.model, &job.params),
		Job::ExecuteBatch(_) | Job::CheckBatch(_) => return None,
	};
	batchable(&model.task).then_some((is_check, model, params))
}

/// The jobs waiting for an engine thread, first come first served, bounded.
struct JobQueue {
	state: Mutex<QueueState>,
	ready: Condvar,
	capacity: usize,
}

struct QueueState {
	jobs: VecDeque<(JobKey, Job)>,
	/// The host is gone: threads stop once the queue is empty.
	closed: bool,
}

/// Why a job was not queued.
enum Refused {
	Full,
	Closed,
}

impl JobQueue {
	fn new(capacity: usize) -> Self {
		let state = QueueState { jobs: VecDeque::new(), closed: false };
		Self { state: Mutex::new(state), ready: Condvar::new(), capacity: capacity.max(1) }
	}

	fn push(&self, key: JobKey, job: Job) -> Result<(), Refused> {
		let mut state = lock(&self.state);
		if state.closed {
			return Err(Refused::Closed);
		}
		if state.jobs.len() >= self.capacity {
			return Err(Refused::Full);
		}
		state.jobs.push_back((key, job));
		self.ready.notify_one();
		Ok(())
	}

	/// The oldest job, with the queued jobs that may run with it (in the
	/// order they came), at most `most` in all; waits for one. `None` once
	/// the queue is closed and empty.
	fn take(&self, most: usize) -> Option<Vec<(JobKey, Job)>> {
		let mut state = lock(&self.state);
		loop {
			if let Some(first) = state.jobs.pop_front() {
				let mut taken = vec![first];
				let mut index = 0;
				while taken.len() < most && index < state.jobs.len() {
					let joins = batch_key(&taken[0].1)
						.is_some_and(|key| batch_key(&state.jobs[index].1) == Some(key));
					match joins.then(|| state.jobs.remove(index)).flatten() {
						Some(job) => taken.push(job),
						None => index += 1,
					}
				}
				return Some(taken);
			}
			if state.closed {
				return None;
			}
			state = self.ready.wait(state).unwrap_or_else(|poisoned| poisoned.into_inner());
		}
	}

	fn close(&self) {
		lock(&self.state).closed = true;
		self.ready.notify_all();
	}
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
	queue: Arc<JobQueue>,
}

impl Drop for EngineHost {
	fn drop(&mut self) {
		self.queue.close();
	}
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
		let queue = Arc::new(JobQueue::new(settings.queue_length));
		for index in 0..settings.workers.max(1) {
			let (books, queue) = (shared.clone(), queue.clone());
			let worker = EngineProcess::new(settings.worker.clone());
			std::thread::Builder::new()
				.name(format!("veritas-engine-{index}"))
				.spawn(move || run_jobs(index, books, worker, queue, settings.batch.max(1)))?;
		}
		Ok(Arc::new(Self { shared, queue }))
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
		match self.queue.push(key, job) {
			Ok(()) => SubmitOutcome::Queued,
			Err(refused) => {
				book.status.remove(&key);
				let busy = matches!(refused, Refused::Full);
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

/// One engine thread, the `index`th: takes the next queued job (with the
/// jobs that may run with it) and runs them in its own worker process.
fn run_jobs(
	index: usize,
	books: Arc<Shared>,
	mut worker: EngineProcess,
	queue: Arc<JobQueue>,
	batch: usize,
) {
	while let Some(jobs) = queue.take(batch) {
		if let Some(metrics) = books.metrics.as_ref() {
			jobs.iter().for_each(|_| metrics.started());
		}
		if jobs.len() == 1 {
			for (key, job) in jobs {
				run_one(index, &books, &mut worker, key, &job);
			}
		} else {
			run_together(index, &books, &mut worker, jobs);
		}
	}
}

/// What the job's worker is told of the node's metrics: what each job
/// fetched.
fn counting_fetches(index: usize, books: &Shared) -> impl FnMut(Fetched) + '_ {
	move |what| {
		if let Some(metrics) = books.metrics.as_ref() {
			metrics.fetched(index, what);
		}
	}
}

/// Runs one job and records how it ended.
fn run_one(index: usize, books: &Shared, worker: &mut EngineProcess, key: JobKey, job: &Job) {
	let started = Instant::now();
	set_running(books, key, job);
	let report = worker.run(job, &mut counting_fetches(index, books));
	record(books, key, job, report, started.elapsed());
}

/// Runs jobs of one kind, model and parameters together; if the batch
/// fails as a whole, runs each alone.
fn run_together(
	index: usize,
	books: &Shared,
	worker: &mut EngineProcess,
	jobs: Vec<(JobKey, Job)>,
) {
	let started = Instant::now();
	let (keys, jobs): (Vec<JobKey>, Vec<Job>) = jobs.into_iter().unzip();
	keys.iter().zip(&jobs).for_each(|(key, job)| set_running(books, *key, job));
	let (reports, jobs) = match Job::batch(jobs) {
		Ok(batch) => {
			let report = worker.run(&batch, &mut counting_fetches(index, books));
			let reports = report.ok().and_then(Report::into_reports);
			(reports.filter(|reports| reports.len() == keys.len()), batch.into_jobs())
		},
		// Mixed kinds, which the queue never takes together.
		Err(jobs) => (None, jobs),
	};
	let Some(reports) = reports else {
		// No job's outcome can be trusted to a batch that failed as a
		// whole: each runs again alone, in a new worker if the old one died.
		let count = jobs.len();
		log::warn!(target: LOG_TARGET, "a batch of {count} jobs failed as a whole; running each alone");
		for (key, job) in keys.into_iter().zip(&jobs) {
			run_one(index, books, worker, key, job);
		}
		return;
	};
	log::info!(target: LOG_TARGET, "ran {} jobs together", jobs.len());
	for ((key, job), report) in keys.into_iter().zip(&jobs).zip(reports) {
		record(books, key, job, Ok(report), started.elapsed());
	}
}

fn set_running(books: &Shared, key: JobKey, job: &Job) {
	match job {
		Job::Execute(_) => lock(&books.executions).set(key, JobStatus::Running),
		Job::Check(_) => lock(&books.checks).set(key, JobStatus::Running),
		// Batches are made from single jobs, never queued.
		Job::ExecuteBatch(_) | Job::CheckBatch(_) => {},
	}
}

/// Records how one job ended, `took` after it started: its status in the
/// books (with a line in the log) and the metrics.
fn record(
	books: &Shared,
	key: JobKey,
	job: &Job,
	report: Result<Report, JobFailure>,
	took: Duration,
) {
	let metrics = books.metrics.as_ref();
	let timed = |kind, model, failure: Option<&JobFailure>| {
		metrics.inspect(|metrics| metrics.finished(kind, model, took, failure));
	};
	match (job, report) {
		(Job::Execute(execution), report) => {
			let outcome = match report {
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
		(Job::Check(check), report) => {
			let outcome = match report {
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
		(Job::ExecuteBatch(_) | Job::CheckBatch(_), _) => {},
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
	use veritas_primitives::{
		host::{CheckJob, ExecutionJob},
		inference::RequestInput,
		model::{Architecture, Cid, ComparisonRule, FileRef, ModelFiles, ModelFormat, TaskKind},
	};

	use super::*;

	/// The most queued jobs of one model a thread takes, as the node's
	/// `--engine-batch` sets it by default.
	const MAX_BATCH_JOBS: usize = 32;

	/// A job for model `model` (a generation model from 100 on), as an
	/// executor's or a verifier's.
	fn queued(request: u64, model: u64, check: bool) -> (JobKey, Job) {
		let file = FileRef { cid: Cid::truncate_from(b"bafk".to_vec()), digest: [1; 32], size: 1 };
		let model = ModelSpec {
			model,
			files: ModelFiles { weights: file, config: None, tokenizer: None },
			format: ModelFormat::Safetensors,
			architecture: Architecture::Mlp,
			task: if model >= 100 {
				TaskKind::TextGeneration { max_context: 64, max_new_tokens: 8 }
			} else {
				TaskKind::TabularRegression { inputs: 1 }
			},
		};
		let input = RequestInput::Inline(b"x".to_vec().try_into().expect("fits"));
		let params = InferenceParams::default();
		let job = if check {
			Job::Check(CheckJob {
				request,
				model,
				input,
				params,
				comparison: ComparisonRule::Exact,
				claimed_output: Default::default(),
				reported: None,
			})
		} else {
			Job::Execute(ExecutionJob { request, model, input, params, executor: vec![] })
		};
		(key(request, 0), job)
	}

	fn requests(jobs: &[(JobKey, Job)]) -> Vec<u64> {
		jobs.iter().map(|(key, _)| key.request).collect()
	}

	#[test]
	fn the_queue_hands_out_a_models_jobs_together_and_the_rest_in_order() {
		let queue = JobQueue::new(64);
		for (request, model, check) in [
			(1, 7, false),
			(2, 7, true),
			(3, 8, false),
			(4, 7, false),
			(5, 100, false),
			(6, 100, false),
			(7, 7, true),
		] {
			assert!(queue.push(key(request, 0), queued(request, model, check).1).is_ok());
		}
		let taken = || requests(&queue.take(MAX_BATCH_JOBS).expect("a job"));
		// Model 7's executions, then its checks (another kind), model 8's,
		// and the generations one at a time.
		assert_eq!(taken(), [1, 4]);
		assert_eq!(taken(), [2, 7]);
		assert_eq!(taken(), [3]);
		assert_eq!(taken(), [5]);
		assert_eq!(taken(), [6]);

		for request in 10..(10 + MAX_BATCH_JOBS as u64 + 8) {
			assert!(queue.push(key(request, 0), queued(request, 7, false).1).is_ok());
		}
		assert_eq!(queue.take(MAX_BATCH_JOBS).expect("jobs").len(), MAX_BATCH_JOBS);
		assert_eq!(queue.take(MAX_BATCH_JOBS).expect("jobs").len(), 8);
	}

	/// A batch whose worker dies (an input crafted to abort the engine, say)
	/// tells nothing about its jobs: each runs again alone, in a worker of
	/// its own, and fails or not by itself.
	#[test]
	fn a_batch_that_kills_its_worker_runs_each_job_again_alone() {
		use process::tests::{script, settings, temporary_dir};
		let dir = temporary_dir("batch-abort");
		// It takes the job (its length, then the start of the message, which
		// arrives whole), so that handing it over never fails and starts
		// another worker; then it aborts.
		let body = "head -c 8 >/dev/null; kill -ABRT $$";
		let mut worker = EngineProcess::new(settings(script(&dir, "abort", body)));
		let books = Shared { executions: JobBook::new(), checks: JobBook::new(), metrics: None };
		run_together(0, &books, &mut worker, vec![queued(1, 7, false), queued(2, 7, false)]);
		assert_eq!(worker.started, 3, "one worker for the batch, then one for each job");
		for request in [1, 2] {
			let status = lock(&books.executions).get(key(request, 0));
			assert!(matches!(status, JobStatus::Failed(JobFailure::Engine(_))), "{status:?}");
		}
		let _ = std::fs::remove_dir_all(dir);
	}

	#[test]
	fn a_full_queue_refuses_and_a_closed_one_ends_its_threads() {
		let queue = Arc::new(JobQueue::new(2));
		assert!(queue.push(key(1, 0), queued(1, 7, false).1).is_ok());
		assert!(queue.push(key(2, 0), queued(2, 8, false).1).is_ok());
		assert!(matches!(queue.push(key(3, 0), queued(3, 7, false).1), Err(Refused::Full)));

		let waiting = {
			let queue = queue.clone();
			std::thread::spawn(move || {
				let mut taken = Vec::new();
				while let Some(jobs) = queue.take(MAX_BATCH_JOBS) {
					taken.extend(requests(&jobs));
				}
				taken
			})
		};
		std::thread::sleep(Duration::from_millis(50));
		queue.close();
		assert_eq!(waiting.join().expect("the thread ends"), [1, 2], "what was queued is run");
		assert!(matches!(queue.push(key(4, 0), queued(4, 7, false).1), Err(Refused::Closed)));
	}

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
