//! Tests of every call and error, and of each policy's paths: honest and
//! fraudulent results, challenges true and false, disputes either way,
//! absent verifiers, and too few verifiers. Every test ends by checking the
//! invariants and that no funds were created or destroyed.

use frame_support::{
	assert_noop, assert_ok,
	traits::fungible::{Inspect, InspectHold},
};
use veritas_primitives::inference::{Attestation, Verdict};

use crate::{
	mock::*, Due, Error, Event, Seats, SlashReason, Stage, Verifications, VerifierStatus, Verifiers,
};

fn sorted(mut accounts: Vec<AccountId>) -> Vec<AccountId> {
	accounts.sort();
	accounts
}

// --- The verifier registry --------------------------------------------------

#[test]
fn register_verifier_holds_the_stake_and_makes_it_eligible() {
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
		assert_eq!(
			Verifiers::<Test>::get(SPARE).expect("registered").status,
			VerifierStatus::Active
		);
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
			VerifierStatus::Unbonding { until: 11 }
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
			Verification::unregister_verifier(RuntimeOrigin::signed(SPARE)),
			Error::<Test>::NotVerifier
		);
	});
}

#[test]
fn a_verifier_with_open_seats_cannot_withdraw() {
	run_test(|| {
		submit(1, EXECUTOR, quorum(3, 5));
		run_to(2);
		let member = committee(1)[0];
		assert_ok!(Verification::unregister_verifier(RuntimeOrigin::signed(member)));
		run_to(12);
		// Its round has ended (it was slashed for not attesting), so its seat
		// is free again.
		assert_eq!(Verifiers::<Test>::get(member).expect("kept").seats, 0);
		assert_ok!(Verification::withdraw_stake(RuntimeOrigin::signed(member)));

		submit(2, EXECUTOR, quorum(2, 3));
		run_to(13);
		let seated = committee(2)[0];
		assert_ok!(Verification::unregister_verifier(RuntimeOrigin::signed(seated)));
		// Past its unbonding, but the seat is still open.
		System::set_block_number(40);
		assert_noop!(
			Verification::withdraw_stake(RuntimeOrigin::signed(seated)),
			Error::<Test>::SeatsOpen
		);
		System::set_block_number(13);
	});
}

// --- Quorum -------------------------------------------------------------------

#[test]
fn the_committee_is_drawn_on_the_next_block_and_never_holds_the_executor() {
	run_test(|| {
		assert_ok!(Verification::register_verifier(RuntimeOrigin::signed(EXECUTOR), MIN_STAKE));
		for request in 0..4 {
			submit(request, EXECUTOR, quorum(3, 5));
			assert_eq!(stage(request), Stage::Selecting);
		}
		run_to(2);
		for request in 0..4 {
			let members = committee(request);
			assert_eq!(members.len(), 5);
			assert!(!members.contains(&EXECUTOR));
			assert_eq!(stage(request), Stage::Quorum { k: 3 });
			for member in members {
				assert!(Seats::<Test>::contains_key(member, request));
			}
		}
	});
}

#[test]
fn k_matching_attestations_accept_the_result() {
	run_test(|| {
		let members = drawn_quorum(2, 3);
		attest(members[0], 1, Attestation::Match);
		assert!(verdict(1).is_none());
		attest(members[1], 1, Attestation::Match);
		assert_eq!(verdict(1), Some(Verdict::Accepted { verifiers: vec![members[0], members[1]] }));
		assert!(!Verifications::<Test>::contains_key(1));
		// The third member's seat is freed, with no slash.
		assert!(!Seats::<Test>::contains_key(members[2], 1));
		assert_eq!(stake(members[2]), MIN_STAKE * 10);
		assert_eq!((reputation(members[0]), reputation(members[1])), (1, 1));
		assert!(events().contains(&Event::VerdictReached { request: 1, fraud: false }));
	});
}

#[test]
fn attest_errors() {
	run_test(|| {
		assert_noop!(
			Verification::attest(
				RuntimeOrigin::signed(VERIFIERS[0]),
				1,
				Attestation::Match,
				OUTPUT
			),
			Error::<Test>::UnknownRequest
		);
		submit(1, EXECUTOR, quorum(2, 3));
		// Before the draw there is no round.
		assert_noop!(
			Verification::attest(
				RuntimeOrigin::signed(VERIFIERS[0]),
				1,
				Attestation::Match,
				OUTPUT
			),
			Error::<Test>::AttestationClosed
		);
		run_to(2);
		let members = committee(1);
		let outsider = *VERIFIERS.iter().find(|v| !members.contains(v)).expect("5 > 3");
		assert_noop!(
			Verification::attest(RuntimeOrigin::signed(outsider), 1, Attestation::Match, OUTPUT),
			Error::<Test>::NotInCommittee
		);
		attest(members[0], 1, Attestation::Match);
		assert_noop!(
			Verification::attest(RuntimeOrigin::signed(members[0]), 1, Attestation::Match, OUTPUT),
			Error::<Test>::AlreadyAttested
		);
		System::set_block_number(2 + ATTESTATION_PERIOD + 1);
		assert_noop!(
			Verification::attest(RuntimeOrigin::signed(members[1]), 1, Attestation::Match, OUTPUT),
			Error::<Test>::AttestationClosed
		);
	});
}

#[test]
fn under_exact_a_verdict_must_agree_with_the_digests() {
	run_test(|| {
		challenged_and_drawn();
		let member = committee(1)[0];
		for (attestation, digest) in
			[(Attestation::Match, OTHER_OUTPUT), (Attestation::Mismatch, OUTPUT)]
		{
			assert_noop!(
				Verification::attest(RuntimeOrigin::signed(member), 1, attestation, digest),
				Error::<Test>::VerdictContradictsDigest
			);
		}
		attest(member, 1, Attestation::Mismatch);
	});
}

#[test]
fn a_quorum_that_cannot_reach_k_goes_to_a_dispute_which_proves_fraud() {
	run_test(|| {
		let first = drawn_quorum(2, 3);
		attest(first[0], 1, Attestation::Mismatch);
		attest(first[1], 1, Attestation::Mismatch);
		// Two mismatches of three: two matches are out of reach. The dispute
		// committee is drawn on the next block.
		assert_eq!(stage(1), Stage::SelectingDispute);
		assert!(events().contains(&Event::Escalated { request: 1 }));
		next_block();
		assert_eq!(stage(1), Stage::Dispute);
		let second = committee(1);
		assert_eq!(second.len(), 2, "the two verifiers not in the first round");
		assert!(second.iter().all(|member| !first.contains(member)));
		assert!(!Seats::<Test>::contains_key(first[2], 1), "the silent member is released");
		for member in &second {
			attest(*member, 1, Attestation::Mismatch);
		}
		assert_eq!(
			verdict(1),
			Some(Verdict::Fraud { challenger: None, verifiers: second.clone() })
		);
		// Everyone who said mismatch was right.
		for member in first[..2].iter().chain(second.iter()) {
			assert_eq!(stake(*member), MIN_STAKE * 10);
			assert_eq!(reputation(*member), 1);
		}
	});
}

#[test]
fn a_dispute_that_upholds_the_result_slashes_the_first_rounds_mismatches() {
	run_test(|| {
		let treasury = Balances::balance(&TREASURY);
		let first = drawn_quorum(2, 3);
		attest(first[0], 1, Attestation::Match);
		attest(first[1], 1, Attestation::Mismatch);
		attest(first[2], 1, Attestation::Mismatch);
		next_block();
		assert_eq!(stage(1), Stage::Dispute);
		let second = committee(1);
		for member in &second {
			attest(*member, 1, Attestation::Match);
		}
		assert_eq!(verdict(1), Some(Verdict::Accepted { verifiers: second.clone() }));
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

#[test]
fn absent_members_are_slashed_and_fraud_is_never_presumed() {
	run_test(|| {
		let first = drawn_quorum(2, 3);
		attest(first[0], 1, Attestation::Match);
		// Nobody else attests: at the deadline the absent pay, and the round
		// goes to a dispute.
		run_to(2 + ATTESTATION_PERIOD);
		for absent in &first[1..] {
			assert_eq!(stake(*absent), MIN_STAKE * 10 - MIN_STAKE / 10);
			assert_eq!(reputation(*absent), -1);
		}
		next_block();
		assert_eq!(stage(1), Stage::Dispute);
		let second = committee(1);
		// Nobody attests in the dispute either: accepted, with no verifier
		// to pay.
		run_to(3 + 2 * ATTESTATION_PERIOD);
		assert_eq!(verdict(1), Some(Verdict::Accepted { verifiers: vec![] }));
		for absent in &second {
			assert_eq!(reputation(*absent), -1);
		}
		assert!(Seats::<Test>::iter().next().is_none());
	});
}

#[test]
fn with_too_few_verifiers_the_result_is_accepted_unverified() {
	run_test(|| {
		for verifier in &VERIFIERS[1..] {
			assert_ok!(Verification::unregister_verifier(RuntimeOrigin::signed(*verifier)));
		}
		submit(1, EXECUTOR, quorum(2, 3));
		run_to(2);
		assert!(events().contains(&Event::Unverified { request: 1, eligible: 1 }));
		assert_eq!(verdict(1), Some(Verdict::Accepted { verifiers: vec![] }));
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
		for request in 2..5 {
			submit(request, EXECUTOR, quorum(2, 3));
		}
		// Four fall due in block 2 already: a fifth spills over to block 3.
		submit(5, EXECUTOR, quorum(2, 3));
		assert_eq!(Due::<Test>::get(2).len(), 4);
		assert_eq!(Due::<Test>::get(3).into_inner(), vec![5]);
		run_to(3);
		for request in 1..=5 {
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
		next_block();
		assert_eq!(stage(1), Stage::Challenge);
		let members = committee(1);
		assert_eq!(members.len(), 3);
		// Under `Exact` one mismatch is a disagreement: a finding of fraud
		// gets a second round before anyone is slashed.
		attest(members[0], 1, Attestation::Mismatch);
		assert!(verdict(1).is_none());
		assert_eq!(stage(1), Stage::SelectingDispute);
		next_block();
		let second = committee(1);
		assert!(second.iter().all(|member| !members.contains(member)));
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
fn a_false_challenge_loses_its_bond_when_its_committee_upholds_the_result() {
	run_test(|| {
		let treasury = Balances::balance(&TREASURY);
		submit(1, EXECUTOR, optimistic(5, 50));
		run_to(2);
		let free = Balances::balance(&CHALLENGER);
		assert_ok!(Verification::challenge(RuntimeOrigin::signed(CHALLENGER), 1));
		next_block();
		let members = committee(1);
		attest(members[0], 1, Attestation::Match);
		attest(members[1], 1, Attestation::Match);
		// A majority of the challenge's committee upholds the result.
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
		assert_eq!(committee(1).len(), 3);
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

#[test]
fn different_seeds_draw_different_committees() {
	run_test(|| {
		let mut drawn = std::collections::BTreeSet::new();
		for seed in 0..8 {
			TestRandomness::set_seed(seed);
			let request = 10 + seed as u64;
			submit(request, EXECUTOR, quorum(2, 2));
			run_to(System::block_number() + 1);
			drawn.insert(sorted(committee(request)));
		}
		assert!(drawn.len() > 1, "{drawn:?}");
	});
}
