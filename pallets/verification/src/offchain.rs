//! The verifier's off-chain worker: find the rounds this node's verifier
//! keys are selected for, check the results, and attest.
//!
//! Each block, for every open round and every verifier key in the node's
//! keystore (key type `vrvf`), the worker evaluates the key's VRF over the
//! round's input ([`Pallet::selection_proof`]); nobody but this node can.
//! Where the key is selected, per request:
//! 1. if the node's engine has no check for it, hands one over: the model's
//!    files and digests, the request's input and parameters, the model's
//!    comparison rule, and the executor's output as committed on-chain;
//! 2. once the engine has a finding, signs and submits [`Call::attest`],
//!    with the VRF proof that the key sits in the round;
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
//! A round opens on the block after the transaction that asks for it, with
//! the seed that block reads: the VRF output of the block before, which the
//! chain already holds. So the worker evaluates rounds about to open too
//! ([`Pallet::upcoming_round`]) and, where selected, hands the check to the
//! engine a block early; it attests once the round is open.
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
use sp_runtime::traits::{One, Saturating};
use veritas_primitives::{
	host::{veritas_engine, CheckJob, JobFailure, JobKey, JobStatus, ModelSpec, SubmitOutcome},
	inference::{Attestation, RequestInspect, UnrunnableReason},
	model::ModelInspect,
	offchain::{WorkRecord, FETCH_ATTEMPTS},
	settlement::RequestId,
};

use veritas_primitives::sortition::SortitionProof;

use crate::{Call, Config, Pallet, Verifications};

const LOG_TARGET: &str = "runtime::verification::verifier";

/// The most rounds one verifier key handles per block.
pub const MAX_SEATS_PER_RUN: usize = 16;

/// Blocks after which an attestation that has not landed is sent again.
pub const RESUBMIT_AFTER: u32 = 10;

/// Runs the verifiers' work for block `now`.
pub fn run_verifier<T: Config>(now: BlockNumberFor<T>) {
	let accounts: Vec<_> = Signer::<T, T::VerifierAuthority>::keystore_accounts().collect();
	if accounts.is_empty() {
		return;
	}
	let next = now.saturating_add(One::one());
	let mut open = Vec::new();
	let mut upcoming = Vec::new();
	for (request, record) in Verifications::<T>::iter() {
		if record.stage.is_round() && now <= record.due {
			open.push((request, record));
		} else if let Some(round) = Pallet::<T>::upcoming_round(request, &record, next) {
			upcoming.push((request, round));
		}
	}
	for account in accounts {
		let selected = |rounds: &[(RequestId, crate::VerificationOf<T>)]| {
			rounds
				.iter()
				.filter(|(_, record)| !record.has_voted(&account.id))
				.filter_map(|(request, record)| {
					Some((*request, Pallet::<T>::selection_proof(&account.id, *request, record)?))
				})
				.take(MAX_SEATS_PER_RUN)
				.collect::<Vec<_>>()
		};
		for (request, proof) in selected(&open) {
			check_seat::<T>(&account, request, proof, now);
		}
		for (request, _) in selected(&upcoming) {
			start_early::<T>(request);
		}
	}
}

/// Hands `request`'s check to the engine before its round opens, unless
/// the engine already has it: the attestation waits for the round.
fn start_early<T: Config>(request: RequestId) {
	let Some(job) = check_job::<T>(request) else { return };
	let key = job.key();
	if veritas_engine::check_status(key) == JobStatus::Unknown {
		hand_over(key, job);
	}
}

fn check_seat<T: Config>(
	account: &Account<T>,
	request: RequestId,
	proof: SortitionProof,
	now: BlockNumberFor<T>,
) {
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
			let finding = (Attestation::Match, reason.digest());
			attest::<T>(account, &record, request, finding, proof, now)
		},
		JobStatus::Failed(JobFailure::Unavailable(_)) => hand_over(key, job),
		JobStatus::Done(receipt) => {
			let finding = (receipt.attestation, receipt.output_digest);
			attest::<T>(account, &record, request, finding, proof, now)
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
				let finding = (Attestation::Match, reason.digest());
				attest::<T>(account, &record, request, finding, proof, now)
			},
			None => {
				log::error!(
					target: LOG_TARGET,
					"{key}: cannot run it, attesting so: {}",
					failure.describe()
				);
				let finding = (Attestation::Unrunnable(failure.reason()), [0; 32]);
				attest::<T>(account, &record, request, finding, proof, now)
			},
		},
	}
}

/// Signs and sends `account`'s attestation of its finding (the attestation
/// and its own output's digest), once per claim of `record`.
fn attest<T: Config>(
	account: &Account<T>,
	record: &WorkRecord,
	request: RequestId,
	(attestation, output_digest): (Attestation, [u8; 32]),
	proof: SortitionProof,
	now: BlockNumberFor<T>,
) {
	let call = Call::<T>::attest { request, attestation, output_digest, proof };
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
			"a verifier key in this node's keystore is selected to check {key}, but the node \
			 runs no engine: start it with --verifier"
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
