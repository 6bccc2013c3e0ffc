//! The attacks on the verification game that `docs/security.md` lists, each
//! performed against the real pallet (with real balances and settlement)
//! and shown to fail. Every test ends by checking the invariants and that
//! no funds were created or destroyed.

use frame_support::{
	assert_noop, assert_ok,
	traits::{fungible::InspectHold, Hooks},
	weights::Weight,
};
use veritas_primitives::{
	inference::{Attestation, UnrunnableReason, Verdict},
	settlement::RequestId,
};

use crate::{mock::*, ActiveVerifiers, Due, Error, Event, Stage, Verifications, WeightInfo};

const UNRUNNABLE: Attestation = Attestation::Unrunnable(UnrunnableReason::BadInput);

fn challenge_bond_held() -> Balance {
	Balances::balance_on_hold(
		&RuntimeHoldReason::Settlement(pallet_settlement::HoldReason::ChallengeBond),
		&CHALLENGER,
	)
}

// --- 1. A challenger picks its own jury -------------------------------------

/// The attack: the challenger computes the members its challenge would
/// get from the seed it can already see, and sends the challenge only when
/// they suit it. Now the challenge fixes nothing: the round's seed is fixed
/// on the block after the challenge is in, which the challenger cannot know
/// when it signs, and who sits follows that seed alone.
#[test]
fn a_challenger_cannot_know_its_committee_when_it_signs() {
	let drawn_after = |seed_at_challenge: u8, seed_after: u8| {
		let mut drawn = Vec::new();
		run_test(|| {
			submit(1, EXECUTOR, optimistic(5, 50));
			run_to(2);
			TestRandomness::set_seed(seed_at_challenge);
			assert_ok!(Verification::challenge(RuntimeOrigin::signed(CHALLENGER), 1));
			assert_eq!(stage(1), Stage::SelectingChallenge);
			let record = Verifications::<Test>::get(1).expect("verifying");
			assert!(record.sortition.is_none(), "no seed in the challenger's transaction");
			assert_eq!(challenge_bond_held(), 50);
			TestRandomness::set_seed(seed_after);
			next_block();
			assert_eq!(stage(1), Stage::Challenge);
			drawn = selected(1);
		});
		drawn
	};
	// Whatever the challenger saw when it signed, the committee follows the
	// later seed alone.
	for seed_after in 0..6 {
		let committees: Vec<_> = (0..4).map(|seen| drawn_after(seen, seed_after)).collect();
		assert!(committees.windows(2).all(|pair| pair[0] == pair[1]), "{committees:?}");
	}
	let by_later_seed: std::collections::BTreeSet<_> =
		(0..6).map(|seed_after| drawn_after(0, seed_after)).collect();
	assert!(by_later_seed.len() > 1);
}

/// The attack's payoff: members of the challenge's round vote fraud on an
/// honest result. Under the old rules that was final (50% of the executor's
/// stake). Now it goes to a dispute, which the honest majority decides:
/// the liars and the challenger pay, the executor keeps everything.
#[test]
fn a_captured_challenge_committee_cannot_slash_an_honest_executor() {
	run_test(|| {
		let captured = challenged_and_opened();
		attest(captured[0], 1, Attestation::Mismatch);
		// The optimistic policy compares under `Exact`: the first mismatch
		// already sends it to a dispute, and the second liar has no vote left.
		assert_eq!(stage(1), Stage::SelectingDispute);
		assert!(verdict(1).is_none(), "no fraud without a dispute");
		for honest in open_round_with(1, 2) {
			attest(honest, 1, Attestation::Match);
		}
		assert!(matches!(verdict(1), Some(Verdict::Accepted { .. })));
		assert_eq!(stake(captured[0]), MIN_STAKE * 10 - MIN_STAKE, "10% for the wrong attestation");
		for others in &captured[1..] {
			assert_eq!(stake(*others), MIN_STAKE * 10, "a round that ended early slashes no one");
		}
		assert_eq!(challenge_bond_held(), 0);
		assert!(events().contains(&Event::ChallengeBondSlashed {
			request: 1,
			challenger: CHALLENGER,
			amount: 50
		}));
	});
}

/// The vote that escalates cannot pick the dispute's members either: its
/// seed is fixed on the next block.
#[test]
fn the_vote_that_escalates_cannot_know_the_dispute_committee() {
	let dispute_after = |seed_after: u8| {
		let mut drawn = Vec::new();
		run_test(|| {
			// One member, whose mismatch escalates: four verifiers may sit in
			// the dispute, which expects three.
			submit(1, EXECUTOR, quorum(1, 1));
			let first = open_round_with(1, 1);
			attest(first[0], 1, Attestation::Mismatch);
			assert_eq!(stage(1), Stage::SelectingDispute);
			let record = Verifications::<Test>::get(1).expect("verifying");
			assert!(record.sortition.is_none(), "no seed in the escalating vote's transaction");
			TestRandomness::set_seed(seed_after);
			next_block();
			assert_eq!(stage(1), Stage::Dispute);
			drawn = selected(1);
		});
		drawn
	};
	let chosen: std::collections::BTreeSet<_> = (0..8).map(dispute_after).collect();
	assert!(chosen.len() > 1, "{chosen:?}");
}

// --- 2. Unrunnable requests drain honest verifiers --------------------------

/// The attack: a request nobody can run. Honest verifiers used to stay
/// silent and pay the no-show slash while the attacker's result was
/// accepted. Now they say so; that is an answer, never a no-show, and a
/// dispute that agrees ends the request as unrunnable (no acceptance).
#[test]
fn honest_verifiers_that_cannot_run_a_request_say_so_and_lose_nothing() {
	run_test(|| {
		let first = opened_quorum(2, 3);
		attest(first[0], 1, UNRUNNABLE);
		attest(first[1], 1, UNRUNNABLE);
		// Two of three cannot run it: two matches are out of reach.
		assert_eq!(stage(1), Stage::SelectingDispute);
		let second = open_round_with(1, 3);
		let second = &second[..2];
		for member in second {
			attest(*member, 1, UNRUNNABLE);
		}
		assert_eq!(verdict(1), Some(Verdict::Unrunnable { verifiers: second.to_vec() }));
		for verifier in VERIFIERS {
			assert_eq!(stake(verifier), MIN_STAKE * 10, "nobody slashed");
		}
		assert!(!events().iter().any(|event| matches!(event, Event::VerifierSlashed { .. })));
	});
}

#[test]
fn an_unrunnable_attestation_needs_no_digest_under_exact() {
	run_test(|| {
		let members = challenged_and_opened();
		let (member, other) = (members[0], members[1]);
		assert_ok!(Verification::attest(
			RuntimeOrigin::signed(member),
			1,
			UNRUNNABLE,
			[9; 32],
			proof(member, 1)
		));
		// A match or mismatch still must agree with the digests.
		assert_noop!(
			Verification::attest(
				RuntimeOrigin::signed(other),
				1,
				Attestation::Match,
				[9; 32],
				proof(other, 1)
			),
			Error::<Test>::VerdictContradictsDigest
		);
	});
}

/// A challenge that ends with the request found unrunnable was not false:
/// its bond comes back, and nobody is paid from the executor.
#[test]
fn a_challenge_that_finds_the_request_unrunnable_keeps_its_bond() {
	run_test(|| {
		for member in &challenged_and_opened()[..2] {
			attest(*member, 1, UNRUNNABLE);
		}
		// The three verifiers not in the first round: a dispute expects as
		// many as may sit in it.
		for member in &open_round_with(1, 3)[..2] {
			attest(*member, 1, UNRUNNABLE);
		}
		assert!(matches!(verdict(1), Some(Verdict::Unrunnable { .. })));
		assert_eq!(challenge_bond_held(), 0);
		assert_eq!(Balances::free_balance(CHALLENGER), ENDOWMENT);
	});
}

// --- 3. Honest verifiers slashed without a dispute --------------------------

/// The attack: a policy whose `k` is a minority (k = 1 of 32) lets one
/// colluding match accept over honest mismatches, and the honest majority
/// is slashed. Such policies are now refused (`ModelPolicy::validate`); and
/// a first round that accepts slashes nobody whatever the policy.
#[test]
fn a_first_round_that_accepts_slashes_nobody() {
	run_test(|| {
		let first = opened_quorum(3, 5);
		attest(first[0], 1, Attestation::Mismatch);
		attest(first[1], 1, Attestation::Match);
		attest(first[2], 1, Attestation::Match);
		attest(first[3], 1, Attestation::Match);
		assert!(matches!(verdict(1), Some(Verdict::Accepted { .. })));
		assert_eq!(stake(first[0]), MIN_STAKE * 10, "no slash without a decided dispute");
	});
}

/// The attack: a dispute round in which nobody attests used to accept *and*
/// slash the first round's fraud voters; later, to accept the result
/// unverified. A dispute too few attest in now decides nothing and accepts
/// nothing: the requester is refunded, nobody is slashed, and the executor
/// is not paid for a result nobody vouched for.
#[test]
fn a_silent_dispute_slashes_nobody_and_accepts_nothing() {
	run_test(|| {
		let first = opened_quorum(2, 3);
		attest(first[0], 1, Attestation::Mismatch);
		attest(first[1], 1, Attestation::Mismatch);
		let silent = open_round_with(1, 3);
		let end = 3 + ATTESTATION_PERIOD + 2 * (1 + ATTESTATION_PERIOD);
		run_to(end - 1);
		assert!(verdict(1).is_none(), "it draws more members twice first");
		run_to(end);
		assert_eq!(verdict(1), Some(Verdict::Unverified { verifiers: vec![] }));
		for verifier in first.iter().chain(silent.iter()) {
			assert_eq!(stake(*verifier), MIN_STAKE * 10);
		}
	});
}

/// Under `Exact` outputs are deterministic: a single mismatch is a
/// disagreement worth a dispute, even when `k` matches would accept.
#[test]
fn any_mismatch_under_exact_escalates() {
	run_test(|| {
		let exact = policy(
			veritas_primitives::model::VerificationPolicy::Quorum { k: 2, n: 3 },
			veritas_primitives::model::ComparisonRule::Exact,
		);
		submit(1, EXECUTOR, exact);
		let first = open_round_with(1, 3);
		attest(first[0], 1, Attestation::Match);
		attest(first[1], 1, Attestation::Mismatch);
		assert_eq!(stage(1), Stage::SelectingDispute);
		assert!(verdict(1).is_none());
	});
}

// --- 4. Verifications stuck forever -----------------------------------------

/// The attack: an attacker fills a block's due list, so that the next
/// verification due there fails to advance and is left behind. Due work now
/// spills over to later blocks, and every verification still ends.
#[test]
fn a_full_due_list_spills_over_and_nothing_is_stuck() {
	run_test(|| {
		// The attacker's own results fill block 2's list.
		let opening: u32 =
			<<Test as crate::Config>::MaxOpeningPerBlock as frame_support::traits::Get<u32>>::get();
		for request in 100..100 + u64::from(opening) {
			submit(request, EXECUTOR, optimistic(3, 50));
		}
		submit(1, EXECUTOR, quorum(2, 3));
		assert_eq!(Verifications::<Test>::get(1).expect("verifying").due, 3);
		run_to(3);
		assert_eq!(stage(1), Stage::Quorum { k: 2 });
		run_to(3 + ATTESTATION_PERIOD + 3 * (1 + ATTESTATION_PERIOD));
		assert!(Verifications::<Test>::iter().next().is_none(), "every verification ended");
		assert_eq!(TestInference::verdicts().len() as u32, opening + 1);
	});
}

/// A verification that cannot advance at its due block is tried again later,
/// never dropped, and anyone may push it on.
#[test]
fn a_verification_that_cannot_advance_is_deferred_then_advanced_by_anyone() {
	run_test(|| {
		submit(1, EXECUTOR, optimistic(5, 50));
		// Every block the window could end in is full.
		let full: frame_support::BoundedVec<RequestId, _> =
			vec![900, 901, 902, 903].try_into().expect("four fit");
		let last = 7 + crate::rounds::MAX_DUE_SPILL as BlockNumber;
		for block in 7..=last {
			Due::<Test>::insert(block, full.clone());
		}
		run_to(2);
		assert_eq!(stage(1), Stage::Selecting);
		assert!(events().iter().any(|event| matches!(
			event,
			Event::AdvanceDeferred { request: 1, error }
				if *error == Error::<Test>::TooManyDue.into()
		)));
		assert_eq!(Verifications::<Test>::get(1).expect("kept").due, 3);
		// The lists empty out; the retry at block 3 opens the window.
		for block in 7..=last {
			Due::<Test>::remove(block);
		}
		// Nobody ran block 3's hook (say it was overweight): anyone may.
		System::set_block_number(3);
		assert_noop!(
			Verification::advance(RuntimeOrigin::signed(SPARE), 2),
			Error::<Test>::UnknownRequest
		);
		assert_ok!(Verification::advance(RuntimeOrigin::signed(SPARE), 1));
		assert_eq!(stage(1), Stage::Window);
		assert_noop!(Verification::advance(RuntimeOrigin::signed(SPARE), 1), Error::<Test>::NotDue);
		System::set_block_number(8);
		assert_ok!(Verification::advance(RuntimeOrigin::signed(SPARE), 1));
		assert_eq!(verdict(1), Some(Verdict::Accepted { verifiers: vec![] }));
	});
}

// --- 6. Verifier seats squatted ---------------------------------------------

/// The attack: fill every verifier seat with refundable minimum stakes so
/// that honest verifiers cannot register. A larger stake now displaces the
/// smallest, which starts unbonding and gets its stake back in full.
#[test]
fn a_larger_stake_evicts_the_smallest_from_a_full_list() {
	run_test(|| {
		// The list (7) fills with two squatters at the minimum.
		assert_ok!(Verification::register_verifier(RuntimeOrigin::signed(SPARE), MIN_STAKE));
		assert_ok!(Verification::register_verifier(RuntimeOrigin::signed(EXECUTOR), MIN_STAKE));
		// An equal stake does not displace anyone.
		assert_noop!(
			Verification::register_verifier(RuntimeOrigin::signed(EXTRA), MIN_STAKE),
			Error::<Test>::TooManyVerifiers
		);
		assert_ok!(Verification::register_verifier(RuntimeOrigin::signed(EXTRA), MIN_STAKE * 2));
		// The earliest of the smallest goes.
		let active: Vec<AccountId> =
			ActiveVerifiers::<Test>::get().iter().map(|listed| listed.verifier).collect();
		assert!(!active.contains(&SPARE));
		assert!(active.contains(&EXECUTOR) && active.contains(&EXTRA));
		assert!(events().contains(&Event::VerifierEvicted { verifier: SPARE, stake: MIN_STAKE }));
		// The evicted verifier loses nothing: it withdraws after unbonding.
		run_to(12);
		assert_ok!(Verification::withdraw_stake(RuntimeOrigin::signed(SPARE)));
		assert_eq!(Balances::free_balance(SPARE), ENDOWMENT);
	});
}

/// Chances follow the stake on the list, which a slash lowers.
#[test]
fn the_eligible_list_carries_stakes_that_slashes_lower() {
	run_test(|| {
		let first = opened_quorum(2, 3);
		attest(first[0], 1, Attestation::Match);
		attest(first[1], 1, Attestation::Mismatch);
		attest(first[2], 1, Attestation::Mismatch);
		for member in open_round_with(1, 2) {
			attest(member, 1, Attestation::Match);
		}
		for wrong in &first[1..] {
			let listed = ActiveVerifiers::<Test>::get()
				.into_iter()
				.find(|listed| listed.verifier == *wrong)
				.map(|listed| listed.stake);
			assert_eq!(listed, Some(MIN_STAKE * 10 - MIN_STAKE));
		}
	});
}

// --- 8. Keys ground against a known seed --------------------------------------

/// The attack: once a round's seed is known, make fresh verifier keys until
/// one's VRF selects it, and register that one. A verifier sits only in
/// rounds opened `EligibilityDelay` blocks after it registered, longer than
/// any seed is known in advance, so a key ground against a known seed is
/// refused even when its VRF selects it.
#[test]
fn a_key_ground_against_a_known_seed_cannot_sit() {
	run_test(|| {
		submit(1, EXECUTOR, quorum(1, 1));
		// Registered in the block before the round opens: every seed it
		// could know of.
		assert_ok!(Verification::register_verifier(RuntimeOrigin::signed(SPARE), MIN_STAKE * 50));
		open_round_where(1, || {
			let record = Verifications::<Test>::get(1).expect("verifying");
			let round = record.sortition.expect("open");
			let input = veritas_primitives::sortition::SortitionInput {
				seed: round.seed,
				request: 1,
				round: 0,
			};
			let output = veritas_primitives::sortition::verify(
				&sp_core::Pair::public(&key_of(SPARE)),
				&input,
				&proof(SPARE, 1),
			)
			.expect("its own proof");
			// Its VRF would select it, at its stake against the rest.
			let threshold = veritas_primitives::sortition::threshold(
				MIN_STAKE * 50,
				round.total_stake + MIN_STAKE * 50,
				1,
			);
			veritas_primitives::sortition::is_selected(output, threshold)
		});
		assert_noop!(
			Verification::attest(
				RuntimeOrigin::signed(SPARE),
				1,
				Attestation::Match,
				OUTPUT,
				proof(SPARE, 1)
			),
			Error::<Test>::NotEligible
		);
		// Its stake does not count in the round either: it cannot dilute
		// the others' chances.
		let round = Verifications::<Test>::get(1).and_then(|record| record.sortition);
		assert_eq!(round.map(|round| round.total_stake), Some(MIN_STAKE * 50));
	});
}

// --- 7. Hooks that charge less than they cost --------------------------------

/// What `on_initialize` charges a block whose hook ends `stages`.
fn charged_for(stages: &[Stage]) -> Weight {
	stages.iter().fold(<() as WeightInfo>::on_initialize(0), |total, stage| {
		total.saturating_add(Verification::weight_to_advance(*stage))
	})
}

/// The attack: fill a block's due list with rounds that end at their
/// deadline. The hook used to be charged for opening rounds only. Each due
/// verification is now charged the benchmarked worst case of the stage it
/// ends: a round's end pays for escalating or for the verdict it may reach.
#[test]
fn a_block_of_rounds_ending_is_charged_for_their_ends() {
	run_test(|| {
		opened_quorum(3, 3);
		let due = Verifications::<Test>::get(1).expect("verifying").due;
		System::set_block_number(due);
		let charged = Verification::on_initialize(due);
		assert_eq!(stage(1), Stage::SelectingDispute, "nobody attested: a dispute");
		assert_eq!(charged, charged_for(&[Stage::Quorum { k: 3 }]));
		let each = |weight: fn(u32) -> Weight| weight(1).saturating_sub(weight(0));
		assert!(charged.all_gte(each(<() as WeightInfo>::on_initialize_round_ends)));
		assert!(charged.all_gte(each(<() as WeightInfo>::on_initialize_verdicts)));
	});
}

/// Each stage is charged what its own benchmark measured, and a block with
/// nothing due pays only for reading its empty list.
#[test]
fn every_stage_a_block_ends_is_charged_by_its_benchmark() {
	run_test(|| {
		let each = |weight: fn(u32) -> Weight| weight(1).saturating_sub(weight(0));
		let opening = each(<() as WeightInfo>::on_initialize);
		let settling = each(<() as WeightInfo>::on_initialize_verdicts);
		let round_end = each(<() as WeightInfo>::on_initialize_round_ends);
		assert_eq!(Verification::weight_to_advance(Stage::Selecting), opening);
		assert_eq!(Verification::weight_to_advance(Stage::Window), settling);
		assert_eq!(Verification::weight_to_advance(Stage::Dispute), round_end.max(settling));
		for stage in [Stage::Selecting, Stage::Window, Stage::Challenge, Stage::SelectingDispute] {
			assert!(Verification::most_to_advance().all_gte(Verification::weight_to_advance(stage)));
		}
		// A window that opens, and a round, in one block.
		submit(1, EXECUTOR, optimistic(1, 50));
		submit(2, EXECUTOR, quorum(2, 3));
		System::set_block_number(2);
		assert_eq!(
			Verification::on_initialize(2),
			charged_for(&[Stage::Selecting, Stage::Selecting])
		);
		let window_ends = Verifications::<Test>::get(1).expect("in its window").due;
		System::set_block_number(window_ends);
		assert_eq!(Verification::on_initialize(window_ends), charged_for(&[Stage::Window]));
		assert_eq!(verdict(1), Some(Verdict::Accepted { verifiers: vec![] }));
		let quiet = window_ends + 1;
		System::set_block_number(quiet);
		assert_eq!(Verification::on_initialize(quiet), <() as WeightInfo>::on_initialize(0));
	});
}

/// An attestation is charged for what it did: recording a vote in a round
/// it leaves open, ending a first round by the votes it holds, or deciding a
/// dispute (slashing the first round's wrong side).
#[test]
fn an_attestation_pays_for_a_dispute_only_in_one() {
	run_test(|| {
		let first = opened_quorum(2, 3);
		let charged = |who, attestation, digest| {
			Verification::attest(RuntimeOrigin::signed(who), 1, attestation, digest, proof(who, 1))
				.expect("attests")
				.actual_weight
				.expect("an actual weight")
		};
		let recorded = <() as WeightInfo>::attest_open_round();
		assert_eq!(charged(first[0], Attestation::Mismatch, [9; 32]), recorded);
		assert_eq!(
			charged(first[1], Attestation::Mismatch, [9; 32]),
			<() as WeightInfo>::attest(2),
			"escalating is a first round's work, by its two votes"
		);
		assert_eq!(stage(1), Stage::SelectingDispute);
		let dispute = open_round_with(1, 3);
		assert_eq!(charged(dispute[0], Attestation::Mismatch, [9; 32]), recorded);
		assert_eq!(
			charged(dispute[1], Attestation::Mismatch, [9; 32]),
			<() as WeightInfo>::attest_deciding_dispute()
		);
	});
}

// --- 4. Every verification ends ---------------------------------------------

/// What a selected verifier does in the property test.
#[derive(Clone, Copy, Debug)]
enum Act {
	Vote(Attestation),
	Absent,
}

fn act() -> impl proptest::strategy::Strategy<Value = Act> {
	use proptest::prelude::*;
	prop_oneof![
		Just(Act::Vote(Attestation::Match)),
		Just(Act::Vote(Attestation::Mismatch)),
		Just(Act::Vote(UNRUNNABLE)),
		Just(Act::Absent),
	]
}

/// The longest a verification can take in the mock: the opening, a window,
/// the challenge's opening and round, the dispute's openings and rounds.
const BOUND: BlockNumber = 1
	+ SAMPLED_WINDOW
	+ 1 + ATTESTATION_PERIOD
	+ (1 + crate::MAX_DISPUTE_REDRAWS as BlockNumber) * (1 + ATTESTATION_PERIOD)
	+ 2;

proptest::proptest! {
	#![proptest_config(proptest::prelude::ProptestConfig::with_cases(96))]

	/// From any mix of policies, challenges, votes and silences, every
	/// verification reaches a verdict within a bounded number of blocks,
	/// every due entry and open vote is gone, every challenge bond is
	/// released or slashed, and no funds are created or destroyed.
	#[test]
	fn every_verification_ends_within_a_bound(
		policies in proptest::collection::vec(0u8..4, 1..4),
		challenged in proptest::collection::vec(proptest::bool::ANY, 3),
		acts in proptest::collection::vec(act(), 64),
		seed in 0u8..16,
	) {
		run_test(|| {
			TestRandomness::set_seed(seed);
			for (request, kind) in policies.iter().enumerate() {
				let policy = match kind {
					0 => quorum(2, 3),
					1 => quorum(3, 5),
					2 => optimistic(5, 50),
					_ => sampled(50),
				};
				submit(request as RequestId, EXECUTOR, policy);
			}
			let mut turn = 0;
			while System::block_number() <= 1 + BOUND {
				next_block();
				for request in 0..policies.len() as RequestId {
					let Some(record) = Verifications::<Test>::get(request) else { continue };
					if record.stage == Stage::Window && challenged[request as usize] {
						assert_ok!(Verification::challenge(RuntimeOrigin::signed(CHALLENGER), request));
						continue;
					}
					if !record.stage.is_round() {
						continue;
					}
					for member in selected(request) {
						turn += 1;
						let still_open = Verifications::<Test>::get(request)
							.is_some_and(|now| now.stage == record.stage && !now.has_voted(&member));
						if let (true, Act::Vote(attestation)) = (still_open, acts[turn % acts.len()]) {
							attest(member, request, attestation);
						}
					}
				}
			}
			assert!(Verifications::<Test>::iter().next().is_none(), "a verification outlived the bound");
			assert_eq!(TestInference::verdicts().len(), policies.len());
			assert!(crate::Verifiers::<Test>::iter().all(|(_, verifier)| verifier.open_votes == 0));
			assert!(Due::<Test>::iter().all(|(_, due)| due.is_empty()));
			assert_eq!(challenge_bond_held(), 0);
		});
	}
}
