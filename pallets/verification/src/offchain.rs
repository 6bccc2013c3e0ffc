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
//! 2. once the engine has a finding, attests it with the VRF proof that the
//!    key sits in the round: all of a key's findings of a block go in one
//!    [`Call::attest_many`] transaction;
//! 3. if the engine could not run the request at all (a file did not match
//!    its digest, the input does not suit the model, the model would not
//!    load or run), logs why and attests `Unrunnable` with the reason's
//!    class: an answer, never a no-show. A file that could not be fetched
//!    is tried again on later blocks.
//! 4. an executor's output stored by reference that nobody serves is tried
//!    [`FETCH_ATTEMPTS`] times, then attested a mismatch: the executor
//!    committed to it and is paid for delivering it, and an output nobody
//!    can read would otherwise be paid for unchecked.
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
use frame_support::traits::Get;
use frame_system::{
	offchain::{Account, SendSignedTransaction, Signer},
	pallet_prelude::BlockNumberFor,
};
use sp_runtime::{
	traits::{One, Saturating},
	SaturatedConversion,
};
use veritas_primitives::{
	host::{veritas_engine, CheckJob, JobFailure, JobKey, JobStatus, ModelSpec, SubmitOutcome},
	inference::{Attestation, RequestInspect, UnrunnableReason},
	model::ModelInspect,
	offchain::{one_run_at_a_time, send_batch, WorkRecord, FETCH_ATTEMPTS},
	settlement::RequestId,
};

use veritas_primitives::sortition::SortitionProof;

use crate::{BatchBound, Call, Config, Finding, Pallet, Verifications};

const LOG_TARGET: &str = "runtime::verification::verifier";

/// The most rounds one verifier key handles per block: a batch's worth.
fn max_seats_per_run<T: Config>() -> usize {
	T::MaxAttestationsPerBatch::get() as usize
}

/// Blocks after which an attestation that has not landed is sent again: its
/// transaction was dropped, or lost its nonce to another run's. Sending one
/// twice costs an item refused in its batch, so the wait is short.
pub const RESUBMIT_AFTER: u32 = 4;

/// Runs the verifiers' work for block `now`: each key's, unless the run of
/// an earlier block is still busy with that key (`one_run_at_a_time`), so
/// that overlapping runs share the keys out instead of racing on them.
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
		let role = (b"verifier", &account.id).encode();
		if !one_run_at_a_time(&role, || attest_as::<T>(&account, &open, &upcoming, now)) {
			log::debug!(target: LOG_TARGET, "an earlier run is still busy with a key");
		}
	}
}

/// `account`'s work on the `open` rounds and those `upcoming`: checks where
/// it sits, and one batch of the findings ready.
fn attest_as<T: Config>(
	account: &Account<T>,
	open: &[(RequestId, crate::VerificationOf<T>)],
	upcoming: &[(RequestId, crate::VerificationOf<T>)],
	now: BlockNumberFor<T>,
) {
	// Seats whose finding is in flight, or whose check runs, do not count
	// against the batch: a backlog of them cannot crowd out new work. A
	// batch is charged by its bound before it runs, and one that could not
	// fit in a block would never be included: it takes findings while it is
	// charged at most a quarter of a block's normal weight, and leaves the
	// rest to the next block.
	let (mut findings, mut bound) = (Vec::new(), BatchBound::default());
	for (request, record, proof) in seats::<T>(account, open) {
		if findings.len() >= max_seats_per_run::<T>() {
			break;
		}
		let Some(finding) = check_seat::<T>(account, request, record, proof, now) else {
			continue;
		};
		let mut wider = bound;
		match record.stage {
			crate::Stage::Dispute => wider.disputes = wider.disputes.saturating_add(1),
			_ => wider.largest_round = wider.largest_round.max(record.most_votes()),
		}
		if Pallet::<T>::batch_weight(findings.len() + 1, wider).any_gt(batch_budget::<T>()) {
			break;
		}
		findings.push(finding);
		bound = wider;
	}
	attest::<T>(account, findings, bound, now);
	for (request, record, _) in seats::<T>(account, upcoming).take(max_seats_per_run::<T>()) {
		start_early::<T>(request, record);
	}
}

/// The `rounds` `account` sits in and has not attested in, with its proofs.
fn seats<'a, T: Config>(
	account: &'a Account<T>,
	rounds: &'a [(RequestId, crate::VerificationOf<T>)],
) -> impl Iterator<Item = (RequestId, &'a crate::VerificationOf<T>, SortitionProof)> + 'a {
	rounds.iter().filter(|(_, record)| !record.has_voted(&account.id)).filter_map(
		|(request, record)| {
			Some((*request, record, Pallet::<T>::selection_proof(&account.id, *request, record)?))
		},
	)
}

/// What a verifier found when the executor's stored output could not be
/// fetched, in place of an output's digest: the same for every verifier, so
/// that their findings agree.
pub const OUTPUT_UNAVAILABLE_DIGEST: [u8; 32] = *b"veritas/output-unavailable\0\0\0\0\0\0";

/// Hands `request`'s check to the engine before its round opens, unless
/// the engine already has it: the attestation waits for the round.
fn start_early<T: Config>(request: RequestId, record: &crate::VerificationOf<T>) {
	let Some(job) = check_job::<T>(request, record) else { return };
	let key = job.key();
	if veritas_engine::check_status(key) == JobStatus::Unknown {
		hand_over(key, job);
	}
}

/// `account`'s finding on `request`, where it sits, once the engine has
/// one; hands the check over if the engine has none.
fn check_seat<T: Config>(
	account: &Account<T>,
	request: RequestId,
	verification: &crate::VerificationOf<T>,
	proof: SortitionProof,
	now: BlockNumberFor<T>,
) -> Option<(WorkRecord, Finding)> {
	let job = check_job::<T>(request, verification)?;
	// Keyed by what the finding depends on, so that a check made on one fork
	// is never posted for another request with this id on a sibling fork.
	let key = job.key();
	// Two keys of one node may sit in one committee: each attests once.
	let record = WorkRecord::new(&(b"verifier", &account.id).encode(), &key);
	if record.is_handled(now, RESUBMIT_AFTER.into()) {
		return None;
	}
	let reported = job.reported;
	let finding = |(attestation, output_digest): (Attestation, [u8; 32])| {
		Some((record.clone(), Finding { request, attestation, output_digest, proof }))
	};
	match veritas_engine::check_status(key) {
		JobStatus::Unknown => {
			hand_over(key, job);
			None
		},
		JobStatus::Queued | JobStatus::Running => None,
		// The executor said nobody serves the files or the input; after as
		// many tries as it made, this verifier agrees.
		JobStatus::Failed(JobFailure::Unavailable(_))
			if reported == Some(UnrunnableReason::Unavailable)
				&& record.count_attempt() >= FETCH_ATTEMPTS =>
		{
			let reason = UnrunnableReason::Unavailable;
			log::warn!(target: LOG_TARGET, "{key}: nothing to fetch, as the executor reported");
			finding((Attestation::Match, reason.digest()))
		},
		JobStatus::Failed(JobFailure::Unavailable(_)) => {
			hand_over(key, job);
			None
		},
		JobStatus::Failed(JobFailure::OutputUnavailable(reason)) => {
			let attempts = record.count_attempt();
			log::warn!(
				target: LOG_TARGET,
				"{key}: could not fetch the executor's output ({}), attempt {attempts} of {FETCH_ATTEMPTS}",
				alloc::string::String::from_utf8_lossy(&reason)
			);
			if attempts < FETCH_ATTEMPTS {
				hand_over(key, job);
				return None;
			}
			finding((Attestation::Mismatch, OUTPUT_UNAVAILABLE_DIGEST))
		},
		JobStatus::Done(receipt) => finding((receipt.attestation, receipt.output_digest)),
		JobStatus::Failed(failure) => match reported {
			// The executor reported it could not run the request, and neither
			// can this verifier: the report stands.
			Some(reason) => {
				log::warn!(
					target: LOG_TARGET,
					"{key}: cannot run it either, agreeing with the executor's report: {}",
					failure.describe()
				);
				finding((Attestation::Match, reason.digest()))
			},
			None => {
				log::error!(
					target: LOG_TARGET,
					"{key}: cannot run it, attesting so: {}",
					failure.describe()
				);
				finding((Attestation::Unrunnable(failure.reason()), [0; 32]))
			},
		},
	}
}

/// The most one batch may be charged: a quarter of a block's normal
/// weight, so that every busy verifier's batch fits beside the others.
fn batch_budget<T: Config>() -> frame_support::weights::Weight {
	let weights = <T as frame_system::Config>::BlockWeights::get();
	let normal = weights.get(frame_support::dispatch::DispatchClass::Normal);
	normal.max_total.unwrap_or(weights.max_block) / 4
}

/// Signs `account`'s findings and sends them in one [`Call::attest_many`]
/// transaction under `bound`, each claimed once (`send_batch`).
fn attest<T: Config>(
	account: &Account<T>,
	findings: Vec<(WorkRecord, Finding)>,
	bound: BatchBound,
	now: BlockNumberFor<T>,
) {
	if findings.is_empty() {
		return;
	}
	let what = alloc::format!(
		"attestations at block {} on requests {:?}",
		now.saturated_into::<u64>(),
		findings
			.iter()
			.map(|(_, finding)| (finding.request, finding.attestation))
			.collect::<Vec<_>>()
	);
	send_batch(findings, now, RESUBMIT_AFTER.into(), (LOG_TARGET, &what), |findings| {
		let Ok(findings) = findings.try_into() else { return false };
		let call = Call::<T>::attest_many { findings, bound };
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

/// What the engine needs to check `request`'s result, under `record`.
fn check_job<T: Config>(request: RequestId, record: &crate::VerificationOf<T>) -> Option<CheckJob> {
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
		comparison: record.comparison,
		claimed_output: submitted.output,
		reported: submitted.reported,
	})
}
