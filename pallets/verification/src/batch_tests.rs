//! `attest_many`: many attestations of one verifier in one transaction,
//! each judged alone.

use frame_support::{assert_noop, dispatch::GetDispatchInfo, traits::Get};
use veritas_primitives::inference::{Attestation, Verdict};

use crate::{mock::*, BatchBound, Call, Error, Event, Finding, Verifications, WeightInfo};

/// The bound of a batch on quorum(2, 3) rounds: they end by their third
/// vote.
const QUORUM_2_3: BatchBound = BatchBound { largest_round: 3, disputes: 0 };

fn finding(who: AccountId, request: u64, attestation: Attestation) -> Finding {
	let output_digest = if attestation == Attestation::Match { OUTPUT } else { OTHER_OUTPUT };
	Finding { request, attestation, output_digest, proof: proof(who, request) }
}

fn attest_many(
	who: AccountId,
	findings: Vec<Finding>,
	bound: BatchBound,
) -> sp_runtime::DispatchResultWithInfo<frame_support::dispatch::PostDispatchInfo> {
	let findings = findings.try_into().expect("bounded");
	Verification::attest_many(RuntimeOrigin::signed(who), findings, bound)
}

fn refusals() -> Vec<(u64, sp_runtime::DispatchError)> {
	events()
		.into_iter()
		.filter_map(|event| match event {
			Event::AttestationRefused { request, error } => Some((request, error)),
			_ => None,
		})
		.collect()
}

#[test]
fn a_batch_counts_each_good_attestation_and_refuses_each_bad_one_alone() {
	run_test(|| {
		let members = opened_quorum(2, 3);
		let member = members[0];
		let mut forged = finding(member, 1, Attestation::Match);
		forged.proof = proof(members[1], 1);
		let findings = vec![
			forged,
			Finding { request: 77, ..finding(member, 1, Attestation::Match) },
			finding(member, 1, Attestation::Match),
			finding(member, 1, Attestation::Match),
		];
		let declared = Call::<Test>::attest_many {
			findings: findings.clone().try_into().expect("bounded"),
			bound: QUORUM_2_3,
		}
		.get_dispatch_info()
		.call_weight;
		let info = attest_many(member, findings, QUORUM_2_3).expect("the batch is taken");

		assert_eq!(
			refusals(),
			vec![
				(1, Error::<Test>::InvalidSortitionProof.into()),
				(77, Error::<Test>::UnknownRequest.into()),
				(1, Error::<Test>::AlreadyAttested.into()),
			]
		);
		let record = Verifications::<Test>::get(1).expect("still open");
		assert_eq!(record.votes.len(), 1, "one vote, from the one good attestation");
		assert_eq!(record.votes[0].verifier, member);
		// Charged as four settlements of three votes, refunded to four
		// recorded (or refused) votes.
		let settling = <Test as crate::Config>::WeightInfo::attest(3);
		let recording = <Test as crate::Config>::WeightInfo::attest_open_round();
		assert_eq!(declared, settling.max(recording).saturating_mul(4));
		assert_eq!(info.actual_weight, Some(recording.saturating_mul(4)));
	});
}

#[test]
fn attestations_in_batches_settle_as_they_would_alone() {
	run_test(|| {
		let members = opened_quorum(2, 3);
		attest(members[0], 1, Attestation::Match);
		let info =
			attest_many(members[1], vec![finding(members[1], 1, Attestation::Match)], QUORUM_2_3)
				.expect("taken");
		assert!(refusals().is_empty());
		assert_eq!(verdict(1), Some(Verdict::Accepted { verifiers: vec![members[0], members[1]] }));
		// Charged for settling a round of the two votes it held.
		assert_eq!(info.actual_weight, Some(<Test as crate::Config>::WeightInfo::attest(2)));
	});
}

/// A batch that declares less than its attestations would cost cannot make
/// the chain do more than it paid for: the dearer ones are refused.
#[test]
fn an_attestation_beyond_its_batchs_bound_is_refused() {
	run_test(|| {
		let members = opened_quorum(2, 3);
		attest(members[0], 1, Attestation::Match);
		// It would settle a round of two votes; the batch paid for one.
		let too_low = BatchBound { largest_round: 1, disputes: 0 };
		attest_many(members[1], vec![finding(members[1], 1, Attestation::Match)], too_low)
			.expect("the batch is taken");
		assert_eq!(refusals(), vec![(1, Error::<Test>::BeyondBatchBound.into())]);
		assert!(verdict(1).is_none());
		assert!(!Verifications::<Test>::get(1).expect("open").has_voted(&members[1]));
	});
}

#[test]
fn an_empty_batch_is_refused_and_the_bound_is_the_configs() {
	run_test(|| {
		let members = opened_quorum(2, 3);
		assert_noop!(attest_many(members[0], vec![], QUORUM_2_3), Error::<Test>::EmptyBatch);
		let bound: u32 = <Test as crate::Config>::MaxAttestationsPerBatch::get();
		let too_many = vec![finding(members[0], 1, Attestation::Match); bound as usize + 1];
		assert!(frame_support::BoundedVec::<
			Finding,
			<Test as crate::Config>::MaxAttestationsPerBatch,
		>::try_from(too_many)
		.is_err());
	});
}
