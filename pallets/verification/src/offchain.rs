//! The verifier's off-chain worker: check the results this node's verifier
//! keys sit in committees for, and attest.
//!
//! Each block, for every verifier key in the node's keystore (key type
//! `vrvf`), the worker reads the key's open [`Seats`] and, per request:
//! 1. if the node's engine has no check for it, hands one over: the model's
//!    files and digests, the request's input and parameters, the model's
//!    comparison rule, and the executor's output as committed on-chain;
//! 2. once the engine has a finding, signs and submits [`Call::attest`];
//! 3. if the engine could not run the request at all (a file did not match
//!    its digest, the input does not suit the model, the model would not
//!    load or run), logs why and attests `Unrunnable` with the reason's
//!    class: an answer, never a no-show. A file that could not be fetched
//!    is tried again on later blocks.
//!
//! When the executor reported that it could not run the request, the check
//! runs it anyway: if it runs, the report was false and the verifier attests
//! a mismatch; if it cannot run either (or, for files nobody serves, after
//! [`FETCH_ATTEMPTS`] tries), it attests a match with the report.
//!
//! The same per-job records as the executor's (keyed by the request id and
//! the digest of the check, executor's output included) keep a worker from
//! attesting twice, and from attesting on one fork what it found on another.

use alloc::vec::Vec;
use codec::Encode;
use frame_system::{
	offchain::{Account, SendSignedTransaction, Signer},
	pallet_prelude::BlockNumberFor,
};
use veritas_primitives::{
	host::{veritas_engine, CheckJob, JobFailure, JobKey, JobStatus, ModelSpec, SubmitOutcome},
	inference::{Attestation, RequestInspect, UnrunnableReason},
	model::ModelInspect,
	offchain::{WorkRecord, FETCH_ATTEMPTS},
	settlement::RequestId,
};

use crate::{Call, Config, Seats, Verifications};

const LOG_TARGET: &str = "runtime::verification::verifier";

/// The most seats one verifier key handles per block.
pub const MAX_SEATS_PER_RUN: usize = 16;

/// Blocks after which an attestation that has not landed is sent again.
pub const RESUBMIT_AFTER: u32 = 10;

/// Runs the verifiers' work for block `now`.
pub fn run_verifier<T: Config>(now: BlockNumberFor<T>) {
	let accounts: Vec<_> = Signer::<T, T::VerifierAuthority>::keystore_accounts().collect();
	for account in accounts {
		let seats: Vec<RequestId> =
			Seats::<T>::iter_key_prefix(&account.id).take(MAX_SEATS_PER_RUN).collect();
		for request in seats {
			check_seat::<T>(&account, request, now);
		}
	}
}

fn check_seat<T: Config>(account: &Account<T>, request: RequestId, now: BlockNumberFor<T>) {
	let Some(job) = check_job::<T>(request) else { return };
	// Keyed by what the finding depends on, so that a check made on one fork
	// is never posted for another request with this id on a sibling fork.
	let key = job.key();
	// Two keys of one node may sit in one committee: each attests once.
	let record = WorkRecord::new(&(b"verifier", &account.id).encode(), &key);
	if record.is_handled(now, RESUBMIT_AFTER.into()) {
		return;
	}
	let reported = job.reported;
	match veritas_engine::check_status(key) {
		JobStatus::Unknown => hand_over(key, job),
		JobStatus::Queued | JobStatus::Running => {},
		// The executor said nobody serves the files or the input; after as
		// many tries as it made, this verifier agrees.
		JobStatus::Failed(JobFailure::Unavailable(_))
			if reported == Some(UnrunnableReason::Unavailable)
				&& record.count_attempt() >= FETCH_ATTEMPTS =>
		{
			let reason = UnrunnableReason::Unavailable;
			log::warn!(target: LOG_TARGET, "{key}: nothing to fetch, as the executor reported");
			attest::<T>(account, &record, request, Attestation::Match, reason.digest(), now)
		},
		JobStatus::Failed(JobFailure::Unavailable(_)) => hand_over(key, job),
		JobStatus::Done(receipt) => {
			attest::<T>(account, &record, request, receipt.attestation, receipt.output_digest, now)
		},
		JobStatus::Failed(failure) => match reported {
			// The executor reported it could not run the request, and neither
			// can this verifier: the report stands.
			Some(reason) => {
				log::warn!(
					target: LOG_TARGET,
					"{key}: cannot run it either, agreeing with the executor's report: {}",
					failure.describe()
				);
				attest::<T>(account, &record, request, Attestation::Match, reason.digest(), now)
			},
			None => {
				log::error!(
					target: LOG_TARGET,
					"{key}: cannot run it, attesting so: {}",
					failure.describe()
				);
				let attestation = Attestation::Unrunnable(failure.reason());
				attest::<T>(account, &record, request, attestation, [0; 32], now)
			},
		},
	}
}

/// Signs and sends `account`'s attestation, once per claim of `record`.
fn attest<T: Config>(
	account: &Account<T>,
	record: &WorkRecord,
	request: RequestId,
	attestation: Attestation,
	output_digest: [u8; 32],
	now: BlockNumberFor<T>,
) {
	let call = Call::<T>::attest { request, attestation, output_digest };
	let what = alloc::format!("request {request}: attestation {attestation:?}");
	record.send_once(now, RESUBMIT_AFTER.into(), (LOG_TARGET, &what), || {
		let sent = Signer::<T, T::VerifierAuthority>::all_accounts()
			.with_filter(alloc::vec![account.public.clone()])
			.send_signed_transaction(|_| call.clone());
		matches!(sent.first(), Some((_, Ok(()))))
	});
}

fn hand_over(key: JobKey, job: CheckJob) {
	match veritas_engine::submit_check(job) {
		SubmitOutcome::Queued => {
			log::info!(target: LOG_TARGET, "{key}: check handed to the engine")
		},
		SubmitOutcome::AlreadyKnown | SubmitOutcome::Busy => {},
		SubmitOutcome::NoEngine => log::warn!(
			target: LOG_TARGET,
			"a verifier key in this node's keystore sits in the committee of {key}, but the \
			 node runs no engine: start it with --verifier"
		),
	}
}

/// What the engine needs to check `request`'s result.
fn check_job<T: Config>(request: RequestId) -> Option<CheckJob> {
	let verification = Verifications::<T>::get(request)?;
	let Some(submitted) = T::Requests::request_to_check(request) else {
		log::error!(target: LOG_TARGET, "request {request}: its result is gone");
		return None;
	};
	let Some(model) = T::Models::model(submitted.model) else {
		log::error!(target: LOG_TARGET, "request {request}: model {} is gone", submitted.model);
		return None;
	};
	Some(CheckJob {
		request,
		model: ModelSpec {
			model: submitted.model,
			files: model.files,
			format: model.format,
			architecture: model.architecture,
			task: submitted.task,
		},
		input: submitted.input,
		params: submitted.params,
		comparison: verification.comparison,
		claimed_output: submitted.output,
		reported: submitted.reported,
	})
}
