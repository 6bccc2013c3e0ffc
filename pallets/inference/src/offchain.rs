//! The executor's off-chain worker: run the requests assigned to this node's
//! executor key and post their results.
//!
//! Each block, for every executor key in the node's keystore (key type
//! `vrex`), the worker reads the executor's [`PendingWork`] and, per request:
//! 1. if the node's engine has no job for it, hands one over (the model's
//!    files and digests, the input, the parameters);
//! 2. once the engine reports the job done, answers with the output and the
//!    proof document's CID: the output inline ([`Answer::Result`]), or, when
//!    the request asked for it by reference or it is too long to go inline,
//!    the CID, length and digest the engine stored it under
//!    ([`Answer::StoredResult`]);
//! 3. if the engine could not run the job (a file or input did not match
//!    its digest, the input does not suit the model, the model would not
//!    load or run, or nothing could be fetched after [`FETCH_ATTEMPTS`]
//!    tries), answers with a report that it cannot be run, and the reason:
//!    the verifiers check the report, and the executor is not slashed for
//!    what the request or the model caused. A result the executor cannot
//!    stand behind is never posted.
//!
//! The run then waits up to [`WAIT_FOR_JOBS_MS`] for the jobs it handed over
//! or found running, so that a job that takes less than that is answered in
//! the run that handed it over, and sends all its answers in one
//! [`Call::submit_answers`] transaction: one signature and one transaction's
//! overhead a block, however many requests the executor serves.
//!
//! Jobs and records are keyed by the request id *and* the digest of the job
//! ([`veritas_primitives::host::JobKey`]): a result computed for a request on
//! one fork is never posted for the other request that has its id on a
//! sibling fork.
//!
//! A persistent off-chain record per job, claimed with a compare-and-set
//! before submitting, keeps the worker from posting a result twice, whether
//! from overlapping workers, later blocks or after a restart. If the result
//! has not landed [`RESUBMIT_AFTER`] blocks later (the transaction was
//! dropped), the claim lapses and the worker tries again.

use alloc::vec::Vec;
use codec::Encode;
use frame_support::traits::Get;
use frame_system::{
	offchain::{Account, SendSignedTransaction, Signer},
	pallet_prelude::BlockNumberFor,
};
use sp_runtime::{offchain::Duration, SaturatedConversion};
use veritas_primitives::{
	host::{
		veritas_engine, ExecutionJob, ExecutionReceipt, JobFailure, JobKey, JobStatus, ModelSpec,
		SubmitOutcome,
	},
	inference::{DeliveredOutput, OutputBytes},
	model::{Cid, FileRef, ModelInspect},
	offchain::{one_run_at_a_time, send_batch, WorkRecord, FETCH_ATTEMPTS},
	settlement::RequestId,
};

use crate::{Answer, Call, Config, PendingWork, RequestStatus, Requests, StoredOutput};

const LOG_TARGET: &str = "runtime::inference::executor";

/// The worker's name in its off-chain records.
const ROLE: &[u8] = b"executor";

/// Blocks after which an answer that has not landed is sent again: its
/// transaction was dropped, or lost its nonce to another run's. Sending one
/// twice costs an item refused in its batch, so the wait is short.
pub const RESUBMIT_AFTER: u32 = 4;

/// How long, in milliseconds, a run waits for the jobs it handed over (or
/// found running) to finish, so that a quick job's result goes out in the
/// same run instead of a block later. A third of a 3-second block leaves the
/// transaction time to reach the next block's author.
pub const WAIT_FOR_JOBS_MS: u64 = 1_000;

/// How often, in milliseconds, the run looks at the jobs it waits for.
const POLL_MS: u64 = 10;

/// Runs the executor's work for block `now`: for each executor key in the
/// keystore, one batch of answers ([`Call::submit_answers`]) with every
/// result and report ready, including those of jobs that finish within
/// [`WAIT_FOR_JOBS_MS`].
pub fn run_executor<T: Config>(now: BlockNumberFor<T>) {
	let accounts: Vec<_> = Signer::<T, T::ExecutorAuthority>::keystore_accounts().collect();
	let give_up_at = sp_io::offchain::timestamp().add(Duration::from_millis(WAIT_FOR_JOBS_MS));
	for account in accounts {
		// Unless the run of an earlier block is still busy with this key:
		// two runs signing with one key would race on its nonce.
		let role = (ROLE, &account.id).encode();
		if !one_run_at_a_time(&role, || answer_as::<T>(&account, give_up_at, now)) {
			log::debug!(target: LOG_TARGET, "an earlier run is still busy with a key");
		}
	}
}

/// `account`'s work: one batch of every answer ready, including those of
/// jobs that finish by `give_up_at`.
fn answer_as<T: Config>(
	account: &Account<T>,
	give_up_at: sp_runtime::offchain::Timestamp,
	now: BlockNumberFor<T>,
) {
	let bound = T::MaxAnswersPerBatch::get() as usize;
	let mut answers = Vec::new();
	let mut running = Vec::new();
	// Work already handled (an answer in flight) does not count against
	// the bound, so a backlog of it cannot starve the rest.
	for request in PendingWork::<T>::iter_key_prefix(&account.id) {
		if answers.len() + running.len() >= bound {
			break;
		}
		let Some(job) = job_for::<T>(&account.id, request, now) else { continue };
		// Everything below is keyed by what the result depends on, not by
		// the request id alone: on a sibling fork the same id may be
		// another request.
		let key = job.key();
		let record = WorkRecord::new(ROLE, &key);
		if record.is_handled(now, RESUBMIT_AFTER.into()) {
			continue;
		}
		match step(request, &record, job) {
			Step::Answer(answer) => answers.push((record, answer)),
			Step::Wait => running.push((request, key, record)),
			Step::Later => {},
		}
	}
	wait_for_jobs(&mut running, &mut answers, give_up_at);
	send_answers::<T>(account, answers, now);
}

/// What a run does with one request.
enum Step {
	/// Posts this answer.
	Answer(Answer),
	/// Waits for the engine's job.
	Wait,
	/// Nothing this block.
	Later,
}

/// The step `request` is at, by its job's status; hands the job over if the
/// engine has none.
fn step(request: RequestId, record: &WorkRecord, job: ExecutionJob) -> Step {
	let key = job.key();
	match veritas_engine::execution_status(key) {
		JobStatus::Unknown => hand_over(key, job),
		JobStatus::Queued | JobStatus::Running => Step::Wait,
		JobStatus::Done(receipt) => result(request, receipt),
		// A store that was down may be back: hand the job over again, a few
		// times, then report that nobody serves the files or the input.
		JobStatus::Failed(JobFailure::Unavailable(reason)) => {
			let attempts = record.count_attempt();
			log::warn!(
				target: LOG_TARGET,
				"{key}: could not fetch ({}), attempt {attempts} of {FETCH_ATTEMPTS}",
				alloc::string::String::from_utf8_lossy(&reason)
			);
			match attempts >= FETCH_ATTEMPTS {
				true => Step::Answer(Answer::Unrunnable {
					request,
					reason: veritas_primitives::inference::UnrunnableReason::Unavailable,
				}),
				false => hand_over(key, job),
			}
		},
		JobStatus::Failed(failure) => unrunnable(key, request, failure),
	}
}

/// Not the executor's doing (a file or input that does not match its
/// digest, an input the model cannot take, a model that will not load or
/// run): it says so on-chain instead of letting the deadline pass, and the
/// verifiers check that it is true.
fn unrunnable(key: JobKey, request: RequestId, failure: JobFailure) -> Step {
	log::error!(target: LOG_TARGET, "{key}: cannot be run, reporting it: {}", failure.describe());
	Step::Answer(Answer::Unrunnable { request, reason: failure.reason() })
}

/// Waits until `give_up_at` for the jobs in `running`, moving each that
/// finishes into `answers`. A fetch that failed is left to the next block,
/// which counts the attempt.
fn wait_for_jobs(
	running: &mut Vec<(RequestId, JobKey, WorkRecord)>,
	answers: &mut Vec<(WorkRecord, Answer)>,
	give_up_at: sp_runtime::offchain::Timestamp,
) {
	while !running.is_empty() {
		let now = sp_io::offchain::timestamp();
		if now >= give_up_at {
			return;
		}
		let next_look = now.add(Duration::from_millis(POLL_MS));
		sp_io::offchain::sleep_until(if next_look < give_up_at { next_look } else { give_up_at });
		running.retain(|(request, key, record)| {
			let step = match veritas_engine::execution_status(*key) {
				JobStatus::Queued | JobStatus::Running => return true,
				JobStatus::Done(receipt) => result(*request, receipt),
				JobStatus::Failed(JobFailure::Unavailable(_)) | JobStatus::Unknown => Step::Later,
				JobStatus::Failed(failure) => unrunnable(*key, *request, failure),
			};
			if let Step::Answer(answer) = step {
				answers.push((record.clone(), answer));
			}
			false
		});
	}
}

fn hand_over(key: JobKey, job: ExecutionJob) -> Step {
	match veritas_engine::submit_execution(job) {
		SubmitOutcome::Queued => {
			log::info!(target: LOG_TARGET, "{key}: handed to the engine");
			Step::Wait
		},
		SubmitOutcome::AlreadyKnown => Step::Wait,
		SubmitOutcome::Busy => {
			log::debug!(target: LOG_TARGET, "{key}: engine busy, next block");
			Step::Later
		},
		SubmitOutcome::NoEngine => {
			log::warn!(
				target: LOG_TARGET,
				"{key} is assigned to a key in this node's keystore, but the node runs no \
				 engine: start it with --inference"
			);
			Step::Later
		},
	}
}

/// The engine's job for `request`, if it still waits for this executor.
fn job_for<T: Config>(
	executor: &T::AccountId,
	request: RequestId,
	now: BlockNumberFor<T>,
) -> Option<ExecutionJob> {
	let record = Requests::<T>::get(request)?;
	if record.executor.as_ref() != Some(executor)
		|| record.status != RequestStatus::Assigned
		|| now > record.deadline
	{
		return None;
	}
	let Some(model) = T::Models::model(record.model) else {
		log::error!(target: LOG_TARGET, "request {request}: model {} is gone", record.model);
		return None;
	};
	Some(ExecutionJob {
		request,
		model: ModelSpec {
			model: record.model,
			files: model.files,
			format: model.format,
			architecture: model.architecture,
			task: record.task,
		},
		input: record.input,
		params: record.params,
		executor: executor.encode(),
	})
}

/// The answer a finished job gives: its result, inline or by reference.
fn result(request: RequestId, receipt: ExecutionReceipt) -> Step {
	let Ok(proof_cid) = Cid::try_from(receipt.proof_cid) else {
		log::error!(target: LOG_TARGET, "request {request}: the proof CID is too long");
		return Step::Later;
	};
	let proof_digest = receipt.proof_digest;
	let answer = match receipt.output {
		DeliveredOutput::Inline(output) => {
			let Ok(output) = OutputBytes::try_from(output) else {
				log::error!(target: LOG_TARGET, "request {request}: the output is too long to go inline");
				return Step::Later;
			};
			let output_digest = receipt.output_digest;
			Answer::Result { request, output, output_digest, proof_cid, proof_digest }
		},
		DeliveredOutput::Stored { file, generated_tokens } => {
			let FileRef { cid, digest, size } = file;
			let output = StoredOutput { cid, size, digest, generated_tokens };
			Answer::StoredResult { request, output, proof_cid, proof_digest }
		},
	};
	Step::Answer(answer)
}

/// Signs `answers` with `account`'s key and sends them in one transaction,
/// each claimed once (`send_batch`).
fn send_answers<T: Config>(
	account: &Account<T>,
	answers: Vec<(WorkRecord, Answer)>,
	now: BlockNumberFor<T>,
) {
	if answers.is_empty() {
		return;
	}
	let requests: Vec<_> = answers.iter().map(|(_, answer)| answer.request()).collect();
	let what =
		alloc::format!("answers to requests {requests:?} at block {}", now.saturated_into::<u64>());
	send_batch(answers, now, RESUBMIT_AFTER.into(), (LOG_TARGET, &what), |answers| {
		let Ok(answers) = answers.try_into() else { return false };
		let call = Call::<T>::submit_answers { answers };
		let sent = Signer::<T, T::ExecutorAuthority>::all_accounts()
			.with_filter(alloc::vec![account.public.clone()])
			.send_signed_transaction(|_| call.clone());
		matches!(sent.first(), Some((_, Ok(()))))
	});
}
