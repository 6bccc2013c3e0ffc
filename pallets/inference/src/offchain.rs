//! The executor's off-chain worker: run the requests assigned to this node's
//! executor key and post their results.
//!
//! Each block, for every executor key in the node's keystore (key type
//! `vrex`), the worker reads the executor's [`PendingWork`] and, per request:
//! 1. if the node's engine has no job for it, hands one over (the model's
//!    files and digests, the input, the parameters) and returns at once;
//! 2. once the engine reports the job done, signs and submits
//!    [`Call::submit_result`] with the output and the proof document's CID;
//! 3. if the engine could not run the job (a file or input did not match
//!    its digest, the input does not suit the model, the model would not
//!    load or run, or nothing could be fetched after [`FETCH_ATTEMPTS`]
//!    tries), signs and submits [`Call::report_unrunnable`] with the reason:
//!    the verifiers check the report, and the executor is not slashed for
//!    what the request or the model caused. A result the executor cannot
//!    stand behind is never posted.
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

use codec::Encode;
use frame_system::{
	offchain::{SendSignedTransaction, Signer},
	pallet_prelude::BlockNumberFor,
};
use sp_runtime::SaturatedConversion;
use veritas_primitives::{
	host::{
		veritas_engine, ExecutionJob, ExecutionReceipt, JobFailure, JobKey, JobStatus, ModelSpec,
		SubmitOutcome,
	},
	inference::OutputBytes,
	inference::UnrunnableReason,
	model::{Cid, ModelInspect},
	offchain::{WorkRecord, FETCH_ATTEMPTS},
	settlement::RequestId,
};

use crate::{Call, Config, PendingWork, RequestStatus, Requests};

const LOG_TARGET: &str = "runtime::inference::executor";

/// The worker's name in its off-chain records.
const ROLE: &[u8] = b"executor";

/// The most requests one executor key handles per block, so that a long
/// backlog cannot make a worker run past its block. (Smaller in tests, so
/// that a test can fill it within a mock executor's capacity.)
#[cfg(not(test))]
pub const MAX_REQUESTS_PER_RUN: usize = 16;
#[cfg(test)]
pub const MAX_REQUESTS_PER_RUN: usize = 4;

/// Blocks after which a submitted result that has not landed is submitted
/// again.
pub const RESUBMIT_AFTER: u32 = 10;

/// Runs the executor's work for block `now`.
pub fn run_executor<T: Config>(now: BlockNumberFor<T>) {
	let accounts: alloc::vec::Vec<_> =
		Signer::<T, T::ExecutorAuthority>::keystore_accounts().collect();
	for account in accounts {
		// Work already handled (a result or report in flight) does not count
		// against the limit, so a backlog of it cannot starve the rest.
		let mut handled = 0;
		for request in PendingWork::<T>::iter_key_prefix(&account.id) {
			if handled >= MAX_REQUESTS_PER_RUN {
				break;
			}
			if handle_request::<T>(&account, request, now) {
				handled += 1;
			}
		}
	}
}

/// Does what `request` needs this block; whether that was anything.
fn handle_request<T: Config>(
	account: &frame_system::offchain::Account<T>,
	request: RequestId,
	now: BlockNumberFor<T>,
) -> bool {
	let Some(job) = job_for::<T>(&account.id, request, now) else { return false };
	// Everything below is keyed by what the result depends on, not by the
	// request id alone: on a sibling fork the same id may be another request.
	let key = job.key();
	let record = WorkRecord::new(ROLE, &key);
	if record.is_handled(now, RESUBMIT_AFTER.into()) {
		return false;
	}
	match veritas_engine::execution_status(key) {
		JobStatus::Unknown => hand_over(key, job),
		JobStatus::Queued | JobStatus::Running => return false,
		JobStatus::Done(receipt) => submit::<T>(account, &record, request, receipt, now),
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
				true => report::<T>(account, &record, request, UnrunnableReason::Unavailable, now),
				false => hand_over(key, job),
			}
		},
		// Not the executor's doing (a file or input that does not match its
		// digest, an input the model cannot take, a model that will not load
		// or run): it says so on-chain instead of letting the deadline pass,
		// and the verifiers check that it is true.
		JobStatus::Failed(failure) => {
			log::error!(
				target: LOG_TARGET,
				"{key}: cannot be run, reporting it: {}",
				failure.describe()
			);
			report::<T>(account, &record, request, failure.reason(), now)
		},
	};
	true
}

fn hand_over(key: JobKey, job: ExecutionJob) {
	match veritas_engine::submit_execution(job) {
		SubmitOutcome::Queued => {
			log::info!(target: LOG_TARGET, "{key}: handed to the engine")
		},
		SubmitOutcome::AlreadyKnown => {},
		SubmitOutcome::Busy => {
			log::debug!(target: LOG_TARGET, "{key}: engine busy, next block")
		},
		SubmitOutcome::NoEngine => log::warn!(
			target: LOG_TARGET,
			"{key} is assigned to a key in this node's keystore, but the node runs no engine: \
			 start it with --inference"
		),
	}
}

/// The engine's job for `request`, if it still waits for this executor.
fn job_for<T: Config>(
	executor: &T::AccountId,
	request: RequestId,
	now: BlockNumberFor<T>,
) -> Option<ExecutionJob> {
	let record = Requests::<T>::get(request)?;
	if &record.executor != executor
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

fn submit<T: Config>(
	account: &frame_system::offchain::Account<T>,
	record: &WorkRecord,
	request: RequestId,
	receipt: ExecutionReceipt,
	now: BlockNumberFor<T>,
) {
	let (Ok(output), Ok(proof_cid)) =
		(OutputBytes::try_from(receipt.output), Cid::try_from(receipt.proof_cid))
	else {
		log::error!(target: LOG_TARGET, "request {request}: the output or the proof CID is too long");
		return;
	};
	// Claim the job: only the worker whose compare-and-set succeeds
	// submits.
	let call = Call::<T>::submit_result {
		request,
		output,
		output_digest: receipt.output_digest,
		proof_cid,
		proof_digest: receipt.proof_digest,
	};
	let what = alloc::format!("request {request}: result at block {}", now.saturated_into::<u64>());
	send::<T>(account, record, &what, call, now);
}

/// Signs `call` with `account`'s key and sends it, once per claim of
/// `record`.
fn send<T: Config>(
	account: &frame_system::offchain::Account<T>,
	record: &WorkRecord,
	what: &str,
	call: Call<T>,
	now: BlockNumberFor<T>,
) {
	record.send_once(now, RESUBMIT_AFTER.into(), (LOG_TARGET, &what), || {
		let results = Signer::<T, T::ExecutorAuthority>::all_accounts()
			.with_filter(alloc::vec![account.public.clone()])
			.send_signed_transaction(|_| call.clone());
		matches!(results.first(), Some((_, Ok(()))))
	});
}

/// Signs and sends the executor's report that it cannot run `request`, once
/// per claim of `record`.
fn report<T: Config>(
	account: &frame_system::offchain::Account<T>,
	record: &WorkRecord,
	request: RequestId,
	reason: UnrunnableReason,
	now: BlockNumberFor<T>,
) {
	let call = Call::<T>::report_unrunnable { request, reason };
	let what = alloc::format!("request {request}: report {reason:?}");
	send::<T>(account, record, &what, call, now);
}
