//! Tests of every call and error, and of each policy's paths: honest and
//! fraudulent results, challenges true and false, disputes either way, and
//! rounds too few members attest in. Every test ends by checking the
//! invariants and that no funds were created or destroyed.

use frame_support::{
	assert_noop, assert_ok,
	traits::fungible::{Inspect, InspectHold},
};
use veritas_primitives::inference::{Attestation, Verdict};

use crate::{
	mock::*, Due, Error, Event, Opening, SlashReason, Stage, StakeStatus, Verifications, Verifiers,
};

fn attest_call(
	who: AccountId,
	request: u64,
	attestation: Attestation,
	digest: [u8; 32],
) -> sp_runtime::DispatchResultWithInfo<frame_support::dispatch::PostDispatchInfo> {
	Verification::attest(
		RuntimeOrigin::signed(who),
		request,
		attestation,
		digest,
		proof(who, request),
	)
}

// --- The verifier registry --------------------------------------------------

#[test]
fn register_verifier_holds_the_stake_and_makes_it_eligible_after_the_delay() {
	run_test(|| {
		assert_ok!(Verification::register_verifier(RuntimeOrigin::signed(SPARE), MIN_STAKE));
		assert_eq!(
			Balances::balance_on_hold(
				&RuntimeHoldReason::Settlement(pallet_settlement::HoldReason::VerifierStake),
				&SPARE
			),
			MIN_STAKE
		);
		assert!(is_active(SPARE));
		let verifier = Verifiers::<Test>::get(SPARE).expect("registered");
		assert_eq!(verifier.status, StakeStatus::Active);
		assert_eq!(verifier.eligible_from, 1 + ELIGIBILITY_DELAY);
		assert!(events().contains(&Event::VerifierRegistered { verifier: SPARE, stake: MIN_STAKE }));
	});
}

#[test]
fn register_verifier_errors() {
	run_test(|| {
		assert_noop!(
			Verification::register_verifier(RuntimeOrigin::signed(VERIFIERS[0]), MIN_STAKE),
			Error::<Test>::AlreadyRegistered
		);
		assert_noop!(
			Verification::register_verifier(RuntimeOrigin::signed(SPARE), MIN_STAKE - 1),
			Error::<Test>::StakeTooLow
		);
		// Funds the account does not have cannot be held.
		assert!(Verification::register_verifier(RuntimeOrigin::signed(POOR), MIN_STAKE).is_err());
		assert!(!Verifiers::<Test>::contains_key(POOR));
		assert!(!is_active(POOR));
		// Seven may register: five are, two more fit, the eighth does not.
		assert_ok!(Verification::register_verifier(RuntimeOrigin::signed(SPARE), MIN_STAKE));
		assert_ok!(Verification::register_verifier(RuntimeOrigin::signed(EXECUTOR), MIN_STAKE));
		assert_noop!(
			Verification::register_verifier(RuntimeOrigin::signed(EXTRA), MIN_STAKE),
			Error::<Test>::TooManyVerifiers
		);
	});
}

#[test]
fn unregistering_unbonds_and_withdrawing_returns_the_stake() {
	run_test(|| {
		let who = VERIFIERS[0];
		let free = Balances::balance(&who);
		assert_noop!(
			Verification::withdraw_stake(RuntimeOrigin::signed(who)),
			Error::<Test>::NotUnbonding
		);
		assert_ok!(Verification::unregister_verifier(RuntimeOrigin::signed(who)));
		assert!(!is_active(who));
		assert_eq!(
			Verifiers::<Test>::get(who).expect("kept").status,
			StakeStatus::Unbonding { until: 11 }
		);
		assert_noop!(
			Verification::unregister_verifier(RuntimeOrigin::signed(who)),
			Error::<Test>::AlreadyUnbonding
		);
		assert_noop!(
			Verification::withdraw_stake(RuntimeOrigin::signed(who)),
			Error::<Test>::StillUnbonding
		);
		run_to(11);
		assert_ok!(Verification::withdraw_stake(RuntimeOrigin::signed(who)));
		assert_eq!(Balances::balance(&who), free + MIN_STAKE * 10);
		assert!(!Verifiers::<Test>::contains_key(who));
		assert_noop!(
			Verification::withdraw_stake(RuntimeOrigin::signed(who)),
			Error::<Test>::NotVerifier
		);
		assert_noop!(
			Verification::unregister_verifier(RuntimeOrigin::signed(SPARE),),
			Error::<Test>::NotVerifier
		);
	});
}

/// A verifier's stake answers for its attestations until their
/// verifications end: a dispute may still slash it.
#[test]
fn a_verifier_whose_votes_are_open_cannot_withdraw() {
	run_test(|| {
		let first = opened_quorum(2, 3);
		attest(first[0], 1, Attestation::Mismatch);
		assert_eq!(Verifiers::<Test>::get(first[0]).expect("kept").open_votes, 1);
		assert_ok!(Verification::unregister_verifier(RuntimeOrigin::signed(first[0])));
		// Unbonded, it sits in no further round.
		attest(first[1], 1, Attestation::Mismatch);
		assert_eq!(stage(1), Stage::SelectingDispute);
		System::set_block_number(40);
		assert_noop!(
			Verification::withdraw_stake(RuntimeOrigin::signed(first[0])),
			Error::<Test>::VotesOpen
		);
		System::set_block_number(2);
		// The three who may sit in the dispute, each certain.
		let second = open_round_with(1, 3);
		assert!(!second.contains(&first[0]));
		for member in &second[..2] {
			attest(*member, 1, Attestation::Mismatch);
		}
		assert!(matches!(verdict(1), Some(Verdict::Fraud { .. })));
		assert_eq!(Verifiers::<Test>::get(first[0]).expect("kept").open_votes, 0);
		run_to(12);
		assert_ok!(Verification::withdraw_stake(RuntimeOrigin::signed(first[0])));
	});
}

// --- Sortition ----------------------------------------------------------------

#[test]
fn a_round_opens_on_the_next_block_and_its_executor_never_sits_in_it() {
	run_test(|| {
		// The executor is a verifier too, with the largest stake.
		assert_ok!(Verification::register_verifier(
			RuntimeOrigin::signed(EXECUTOR),
			MIN_STAKE * 90
		));
		run_to(1 + ELIGIBILITY_DELAY);
		for request in 0..4 {
			submit(request, EXECUTOR, quorum(3, 5));
			assert_eq!(stage(request), Stage::Selecting);
			assert_eq!(Verifications::<Test>::get(request).expect("kept").sortition, None);
		}
		next_block();
		for request in 0..4 {
			let record = Verifications::<Test>::get(request).expect("verifying");
			assert_eq!(record.stage, Stage::Quorum { k: 3 });
			let sortition = record.sortition.expect("a round is open");
			assert_eq!((sortition.expected, sortition.fixed_at), (5, 2 + ELIGIBILITY_DELAY));
			// The executor's stake is not counted: it never sits.
			assert_eq!(sortition.total_stake, MIN_STAKE * 50);
			assert!(events().contains(&Event::RoundOpened {
				request,
				stage: Stage::Quorum { k: 3 },
				expected: 5
			}));
			assert_noop!(
				attest_call(EXECUTOR, request, Attestation::Match, OUTPUT),
				Error::<Test>::OwnResult
			);
		}
	});
}

/// Every way to attest in a round one does not sit in, and every other
/// misuse, is refused with its own error.
#[test]
fn attest_errors() {
	run_test(|| {
		let forged =
			veritas_primitives::sortition::SortitionProof { pre_output: [1; 32], proof: [2; 64] };
		let call = |who, request, proof| {
			Verification::attest(
				RuntimeOrigin::signed(who),
				request,
				Attestation::Match,
				OUTPUT,
				proof,
			)
		};
		assert_noop!(call(VERIFIERS[0], 1, forged), Error::<Test>::UnknownRequest);
		submit(1, EXECUTOR, quorum(2, 3));
		submit(2, EXECUTOR, quorum(2, 3));
		// Before the round opens there is nothing to attest in.
		assert_noop!(call(VERIFIERS[0], 1, forged), Error::<Test>::AttestationClosed);
		// A newcomer registered now sits in rounds opened from block 4.
		assert_ok!(Verification::register_verifier(RuntimeOrigin::signed(SPARE), MIN_STAKE * 10));
		let members = open_round_with(1, 3);
		let outsider = not_selected(1).into_iter().find(|who| VERIFIERS.contains(who));
		let outsider = outsider.expect("two of five are not selected");

		assert_noop!(call(SPARE, 1, proof(SPARE, 1)), Error::<Test>::NotEligible);
		assert_noop!(call(EXTRA, 1, proof(EXTRA, 1)), Error::<Test>::NotVerifier);
		assert_noop!(call(members[0], 1, forged), Error::<Test>::InvalidSortitionProof);
		assert_noop!(
			call(members[0], 1, proof(members[1], 1)),
			Error::<Test>::InvalidSortitionProof,
		);
		// A member's proof for request 1 is no proof for request 2.
		assert_noop!(
			call(members[0], 2, proof(members[0], 1)),
			Error::<Test>::InvalidSortitionProof
		);
		let mut changed = proof(members[0], 1);
		changed.pre_output[0] ^= 1;
		assert_noop!(call(members[0], 1, changed), Error::<Test>::InvalidSortitionProof);
		// A genuine proof whose output is over the threshold.
		assert_noop!(call(outsider, 1, proof(outsider, 1)), Error::<Test>::NotSelected);

		attest(members[0], 1, Attestation::Match);
		assert_noop!(call(members[0], 1, proof(members[0], 1)), Error::<Test>::AlreadyAttested);
		// An unbonding member sits in no round any more.
		assert_ok!(Verification::unregister_verifier(RuntimeOrigin::signed(members[1])));
		assert_noop!(call(members[1], 1, proof(members[1], 1)), Error::<Test>::NotEligible);
		System::set_block_number(2 + ATTESTATION_PERIOD + 1);
		assert_noop!(call(members[2], 1, proof(members[2], 1)), Error::<Test>::AttestationClosed);
	});
}

/// A round holds at most `MAX_VOTES` attestations, whatever the VRFs draw.
#[test]
fn a_full_round_takes_no_more() {
	run_test(|| {
		let members = opened_quorum(3, 3);
		let mut record = Verifications::<Test>::get(1).expect("verifying");
		let filler =
			crate::Vote { verifier: 500, attestation: Attestation::Match, output_digest: OUTPUT };
		while record.votes.try_push(filler.clone()).is_ok() {}
		Verifications::<Test>::insert(1, record);
		assert_noop!(
			attest_call(members[0], 1, Attestation::Match, OUTPUT),
			Error::<Test>::RoundFull
		);
		// Restore the round so that the invariants hold at the end.
		let mut record = Verifications::<Test>::get(1).expect("verifying");
		record.votes = Default::default();
		Verifications::<Test>::insert(1, record);
	});
}

#[test]
fn different_seeds_select_different_members() {
	run_test(|| {
		let mut chosen = std::collections::BTreeSet::new();
		for seed in 0..8 {
			TestRandomness::set_seed(seed);
			let request = 10 + seed as u64;
			submit(request, EXECUTOR, quorum(2, 2));
			next_block();
			chosen.insert(selected(request));
		}
		assert!(chosen.len() > 1, "{chosen:?}");
	});
}

// --- Quorum -------------------------------------------------------------------

#[test]
fn k_matching_attestations_accept_the_result() {
	run_test(|| {
		let members = opened_quorum(2, 3);
		attest(members[0], 1, Attestation::Match);
		assert!(verdict(1).is_none());
		attest(members[1], 1, Attestation::Match);
		assert_eq!(verdict(1), Some(Verdict::Accepted { verifiers: vec![members[0], members[1]] }));
		assert!(!Verifications::<Test>::contains_key(1));
		// The third member was not needed, and loses nothing.
		assert_eq!(stake(members[2]), MIN_STAKE * 10);
		assert_eq!((reputation(members[0]), reputation(members[1])), (1, 1));
		assert!(events().contains(&Event::VerdictReached { request: 1, fraud: false }));
	});
}

#[test]
fn under_exact_a_verdict_must_agree_with_the_digests() {
	run_test(|| {
		let member = challenged_and_opened()[0];
		for (attestation, digest) in
			[(Attestation::Match, OTHER_OUTPUT), (Attestation::Mismatch, OUTPUT)]
		{
			assert_noop!(
				attest_call(member, 1, attestation, digest),
				Error::<Test>::VerdictContradictsDigest
			);
		}
		attest(member, 1, Attestation::Mismatch);
	});
}

#[test]
fn a_quorum_that_cannot_reach_k_goes_to_a_dispute_which_proves_fraud() {
	run_test(|| {
		let first = opened_quorum(2, 3);
		attest(first[0], 1, Attestation::Mismatch);
		attest(first[1], 1, Attestation::Mismatch);
		// Two mismatches of three expected: two matches are out of reach.
		// The dispute opens on the next block.
		assert_eq!(stage(1), Stage::SelectingDispute);
		assert!(events().contains(&Event::Escalated { request: 1 }));
		// The dispute expects as many as may sit in it: the three verifiers
		// who did not vote, each certain. Two of three decide.
		let second = open_round_with(1, 3);
		assert_eq!(stage(1), Stage::Dispute);
		assert!(second.iter().all(|member| !first[..2].contains(member)));
		let second = &second[..2];
		for member in second {
			attest(*member, 1, Attestation::Mismatch);
		}
		assert_eq!(
			verdict(1),
			Some(Verdict::Fraud { challenger: None, verifiers: second.to_vec() })
		);
		// Everyone who said mismatch was right.
		for member in first[..2].iter().chain(second.iter()) {
			assert_eq!(stake(*member), MIN_STAKE * 10);
			assert_eq!(reputation(*member), 1);
		}
	});
}

/// The first round's voters are judged by the dispute: one its VRF selects
/// again may not sit in it.
#[test]
fn a_first_round_voter_may_not_sit_in_the_dispute() {
	run_test(|| {
		let first = opened_quorum(2, 3);
		attest(first[0], 1, Attestation::Mismatch);
		attest(first[1], 1, Attestation::Mismatch);
		open_round_where(1, || {
			let record = Verifications::<Test>::get(1).expect("verifying");
			Verification::check_selected(&first[0], 1, &record, &proof(first[0], 1)).is_ok()
		});
		assert_eq!(stage(1), Stage::Dispute);
		assert!(!selected(1).contains(&first[0]));
		assert_noop!(
			attest_call(first[0], 1, Attestation::Mismatch, OTHER_OUTPUT),
			Error::<Test>::SatInFirstRound
		);
	});
}

#[test]
fn a_dispute_that_upholds_the_result_slashes_the_first_rounds_mismatches() {
	run_test(|| {
		let treasury = Balances::balance(&TREASURY);
		let first = opened_quorum(2, 3);
		attest(first[0], 1, Attestation::Match);
		attest(first[1], 1, Attestation::Mismatch);
		attest(first[2], 1, Attestation::Mismatch);
		let fresh = open_round_with(1, 2);
		assert_eq!(stage(1), Stage::Dispute);
		// Three sat in the first round: two may sit in the dispute, which
		// expects two, not the three it would ask for.
		let round = Verifications::<Test>::get(1).and_then(|record| record.sortition);
		assert_eq!(
			round.map(|round| (round.expected, round.total_stake)),
			Some((2, MIN_STAKE * 20))
		);
		for member in &fresh {
			attest(*member, 1, Attestation::Match);
		}
		// Two matches of two expected: a majority.
		assert_eq!(verdict(1), Some(Verdict::Accepted { verifiers: fresh.clone() }));
		for wrong in &first[1..] {
			assert_eq!(stake(*wrong), MIN_STAKE * 10 - MIN_STAKE);
			assert_eq!(reputation(*wrong), -1);
			assert!(events().contains(&Event::VerifierSlashed {
				verifier: *wrong,
				amount: MIN_STAKE,
				reason: SlashReason::AgainstMajority
			}));
		}
		assert_eq!(stake(first[0]), MIN_STAKE * 10);
		assert_eq!(Balances::balance(&TREASURY), treasury + 2 * MIN_STAKE);
	});
}

/// Members who stay silent cannot be known, so they are not slashed; but a
/// round too few reveal themselves in never accepts: it escalates, and a
/// dispute too few answer ends unverified.
#[test]
fn too_few_members_revealing_never_accepts_a_result() {
	run_test(|| {
		let first = opened_quorum(2, 3);
		attest(first[0], 1, Attestation::Match);
		// Nobody else attests: at the deadline the round goes to a dispute.
		run_to(2 + ATTESTATION_PERIOD);
		assert_eq!(stage(1), Stage::SelectingDispute);
		for silent in &first[1..] {
			assert_eq!(stake(*silent), MIN_STAKE * 10, "silence is not slashed");
			assert_eq!(reputation(*silent), 0);
		}
		let answering = open_round_with(1, 1)[0];
		attest(answering, 1, Attestation::Match);
		// One vote of three expected is no majority, and no quorum of votes:
		// the dispute draws more members, twice, and nobody more answers.
		until_final(1);
		assert!(events().contains(&Event::DisputeRedrawn { request: 1, draw: 1 }));
		assert!(events().contains(&Event::DisputeRedrawn { request: 1, draw: 2 }));
		assert_eq!(verdict(1), Some(Verdict::Unverified { verifiers: vec![answering] }));
		assert!(events().contains(&Event::Unverified { request: 1, attested: 1 }));
		for verifier in VERIFIERS {
			assert_eq!(stake(verifier), MIN_STAKE * 10);
		}
	});
}

/// A dispute too few attested in draws more members under a new seed,
/// keeping the votes cast: together they can decide it.
#[test]
fn a_dispute_too_few_attested_in_draws_more_members() {
	run_test(|| {
		let first = opened_quorum(2, 3);
		attest(first[0], 1, Attestation::Mismatch);
		attest(first[1], 1, Attestation::Mismatch);
		let draw = open_round_with(1, 3);
		attest(draw[0], 1, Attestation::Mismatch);
		let deadline = Verifications::<Test>::get(1).expect("verifying").due;
		run_to(deadline);
		assert_eq!(stage(1), Stage::SelectingDispute);
		assert!(events().contains(&Event::DisputeRedrawn { request: 1, draw: 1 }));
		let record = Verifications::<Test>::get(1).expect("verifying");
		assert_eq!(record.votes.len(), 1, "the vote cast is kept");
		// The second draw: another round number in the input, and only the
		// two who have not voted may sit.
		let again = open_round_with(1, 2);
		assert_eq!(Verifications::<Test>::get(1).expect("verifying").round_number(), 2);
		assert!(!again.contains(&draw[0]));
		attest(again[0], 1, Attestation::Mismatch);
		assert_eq!(
			verdict(1),
			Some(Verdict::Fraud { challenger: None, verifiers: vec![draw[0], again[0]] })
		);
	});
}

/// Moves block by block until `request`'s verification ends.
fn until_final(request: u64) {
	for _ in 0..100 {
		if verdict(request).is_some() {
			return;
		}
		next_block();
	}
	panic!("request {request} did not end");
}

/// With nobody to judge it at all, a quorum's result is not accepted: it
/// ends unverified.
#[test]
fn with_no_verifiers_a_result_ends_unverified() {
	run_test(|| {
		for verifier in VERIFIERS {
			assert_ok!(Verification::unregister_verifier(RuntimeOrigin::signed(verifier)));
		}
		submit(1, EXECUTOR, quorum(2, 3));
		next_block();
		assert_eq!(
			Verifications::<Test>::get(1).expect("kept").sortition.map(|s| s.total_stake),
			Some(0)
		);
		until_final(1);
		assert_eq!(verdict(1), Some(Verdict::Unverified { verifiers: vec![] }));
	});
}

/// A dispute where a majority of the expected members voted, but no answer
/// holds a majority, proves nothing: the result stands and nobody is
/// slashed for a vote.
#[test]
fn a_split_dispute_leaves_the_result_standing() {
	run_test(|| {
		let first = opened_quorum(2, 3);
		attest(first[0], 1, Attestation::Mismatch);
		attest(first[1], 1, Attestation::Mismatch);
		let fresh = open_round_with(1, 3);
		attest(fresh[0], 1, Attestation::Match);
		attest(
			fresh[1],
			1,
			veritas_primitives::inference::Attestation::Unrunnable(
				veritas_primitives::inference::UnrunnableReason::BadInput,
			),
		);
		run_to(3 + 2 * ATTESTATION_PERIOD);
		assert_eq!(verdict(1), Some(Verdict::Accepted { verifiers: vec![fresh[0]] }));
		for verifier in VERIFIERS {
			assert_eq!(stake(verifier), MIN_STAKE * 10);
		}
	});
}

#[test]
fn a_verdict_the_inference_pallet_refuses_still_ends_the_verification() {
	run_test(|| {
		TestInference::refuse_verdicts();
		submit(1, EXECUTOR, optimistic(3, 50));
		run_to(5);
		assert!(!Verifications::<Test>::contains_key(1));
		assert!(events()
			.iter()
			.any(|event| matches!(event, Event::VerdictNotSettled { request: 1, .. })));
	});
}

#[test]
fn a_result_is_verified_once_and_due_lists_are_bounded() {
	run_test(|| {
		submit(1, EXECUTOR, quorum(2, 3));
		let again = <Verification as veritas_primitives::inference::VerificationHooks<_, _, _>>::on_result_submitted(
			veritas_primitives::inference::SubmittedResult {
				request: 1,
				model: 0,
				executor: EXECUTOR,
				policy: quorum(2, 3),
				output_digest: OUTPUT,
			},
		);
		assert_eq!(again, Err(Error::<Test>::AlreadyVerifying.into()));
		let opening: u32 =
			<<Test as crate::Config>::MaxOpeningPerBlock as frame_support::traits::Get<u32>>::get();
		let last = u64::from(opening) + 1;
		for request in 2..last {
			submit(request, EXECUTOR, quorum(2, 3));
		}
		// A block's worth open in block 2 already: one more spills over to
		// block 3.
		submit(last, EXECUTOR, quorum(2, 3));
		assert_eq!(Opening::<Test>::get(2).len() as u32, opening);
		assert_eq!(Opening::<Test>::get(3).into_inner(), vec![last]);
		assert!(Due::<Test>::get(2).is_empty(), "openings leave the due list to ends");
		run_to(3);
		for request in 1..=last {
			assert_eq!(stage(request), Stage::Quorum { k: 2 });
		}
	});
}

// --- Optimistic and sampled ---------------------------------------------------

#[test]
fn an_unchallenged_result_is_accepted_when_its_window_ends() {
	run_test(|| {
		submit(1, EXECUTOR, optimistic(5, 50));
		run_to(2);
		assert_eq!(stage(1), Stage::Window);
		assert!(events().contains(&Event::WindowOpened { request: 1, ends: 7 }));
		run_to(6);
		assert!(verdict(1).is_none());
		run_to(7);
		assert_eq!(verdict(1), Some(Verdict::Accepted { verifiers: vec![] }));
	});
}

#[test]
fn challenge_errors() {
	run_test(|| {
		assert_noop!(
			Verification::challenge(RuntimeOrigin::signed(CHALLENGER), 1),
			Error::<Test>::UnknownRequest
		);
		submit(1, EXECUTOR, quorum(2, 3));
		submit(2, EXECUTOR, optimistic(5, 50));
		assert_noop!(
			Verification::challenge(RuntimeOrigin::signed(CHALLENGER), 2),
			Error::<Test>::NotChallengeable
		);
		run_to(2);
		assert_noop!(
			Verification::challenge(RuntimeOrigin::signed(CHALLENGER), 1),
			Error::<Test>::NotChallengeable
		);
		assert_noop!(
			Verification::challenge(RuntimeOrigin::signed(EXECUTOR), 2),
			Error::<Test>::OwnResult
		);
		// A bond the challenger cannot pay.
		assert!(Verification::challenge(RuntimeOrigin::signed(POOR), 2).is_err());
		assert_eq!(stage(2), Stage::Window);
		for verifier in VERIFIERS {
			assert_ok!(Verification::unregister_verifier(RuntimeOrigin::signed(verifier)));
		}
		assert_noop!(
			Verification::challenge(RuntimeOrigin::signed(CHALLENGER), 2),
			Error::<Test>::NoVerifiersAvailable
		);
		System::set_block_number(7);
		assert_noop!(
			Verification::challenge(RuntimeOrigin::signed(CHALLENGER), 2),
			Error::<Test>::WindowClosed
		);
	});
}

#[test]
fn a_true_challenge_proves_fraud_and_returns_the_bond() {
	run_test(|| {
		submit(1, EXECUTOR, optimistic(5, 50));
		run_to(3);
		let free = Balances::balance(&CHALLENGER);
		assert_ok!(Verification::challenge(RuntimeOrigin::signed(CHALLENGER), 1));
		assert_eq!(Balances::balance(&CHALLENGER), free - 50);
		assert_eq!(stage(1), Stage::SelectingChallenge);
		let members = open_round_with(1, 3);
		assert_eq!(stage(1), Stage::Challenge);
		// Under `Exact` one mismatch is a disagreement: a finding of fraud
		// gets a second round before anyone is slashed.
		attest(members[0], 1, Attestation::Mismatch);
		assert!(verdict(1).is_none());
		assert_eq!(stage(1), Stage::SelectingDispute);
		let second = open_round_with(1, 2);
		for member in &second {
			attest(*member, 1, Attestation::Mismatch);
		}
		assert_eq!(
			verdict(1),
			Some(Verdict::Fraud { challenger: Some(CHALLENGER), verifiers: second.clone() })
		);
		assert_eq!(Balances::balance(&CHALLENGER), free);
		// The window's end no longer concerns it.
		run_to(12);
		assert_eq!(TestInference::verdicts().len(), 1);
	});
}

#[test]
fn a_false_challenge_loses_its_bond_when_its_round_upholds_the_result() {
	run_test(|| {
		let treasury = Balances::balance(&TREASURY);
		let free = Balances::balance(&CHALLENGER);
		let members = challenged_and_opened();
		attest(members[0], 1, Attestation::Match);
		attest(members[1], 1, Attestation::Match);
		// A majority of the challenge's expected three upholds the result.
		assert_eq!(verdict(1), Some(Verdict::Accepted { verifiers: members[..2].to_vec() }));
		assert_eq!(Balances::balance(&CHALLENGER), free - 50);
		assert_eq!(Balances::balance(&TREASURY), treasury + 50);
		assert!(events().contains(&Event::ChallengeBondSlashed {
			request: 1,
			challenger: CHALLENGER,
			amount: 50
		}));
		// Nobody was slashed for a vote: no dispute decided anything.
		for verifier in VERIFIERS {
			assert_eq!(stake(verifier), MIN_STAKE * 10);
		}
	});
}

#[test]
fn sampled_requests_get_a_quorum_at_the_rate_or_a_window() {
	run_test(|| {
		submit(1, EXECUTOR, sampled(100));
		submit(2, EXECUTOR, sampled(0));
		run_to(2);
		assert_eq!(stage(1), Stage::Quorum { k: 2 });
		assert_eq!(
			Verifications::<Test>::get(1).and_then(|r| r.sortition).map(|s| s.expected),
			Some(3)
		);
		assert_eq!(stage(2), Stage::Window);
		assert!(events().contains(&Event::WindowOpened { request: 2, ends: 2 + SAMPLED_WINDOW }));
		// Its challenge takes the runtime's bond for sampled requests.
		assert_ok!(Verification::challenge(RuntimeOrigin::signed(CHALLENGER), 2));
		assert_eq!(
			Balances::balance_on_hold(
				&RuntimeHoldReason::Settlement(pallet_settlement::HoldReason::ChallengeBond),
				&CHALLENGER
			),
			SAMPLED_BOND
		);
	});
}
