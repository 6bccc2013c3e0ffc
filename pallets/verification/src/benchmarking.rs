//! Benchmarks of every call and of `on_initialize`, each at its worst case:
//! the eligible list full, rounds expecting the most members, and the
//! attestation that settles a request paying them all.
//!
//! Who sits in a round is decided by VRFs, so the benchmarks do not rely on
//! chance: the attester whose call is measured holds as much stake as every
//! other verifier together, which its VRF always selects in a round that
//! expects two or more, and proves it with a key in the benchmark's
//! keystore. The votes cast before it are written into the round directly,
//! as a round that selected those verifiers would hold them.

use alloc::vec::Vec;
use frame_benchmarking::v2::*;
use frame_support::traits::{fungible::Mutate, Hooks};
use frame_system::RawOrigin;
use sp_runtime::traits::{Bounded, One, Saturating};
use veritas_primitives::{
	model::{ModelPolicy, MAX_COMMITTEE_SIZE},
	sortition::{SortitionInput, SortitionKey},
};

use super::*;

fn fund<T: Config>(who: &T::AccountId) {
	// Enough for every verifier the list holds, without overflowing the
	// total issuance.
	T::Currency::set_balance(who, BalanceOf::<T>::max_value() / 1_000_000u32.into());
}

fn funded<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, 0);
	fund::<T>(&who);
	who
}

fn verifier_stake<T: Config>() -> BalanceOf<T> {
	T::MinVerifierStake::get().saturating_mul(10u32.into())
}

/// Registers `count` verifiers and returns them.
fn verifiers<T: Config>(count: u32) -> Vec<T::AccountId> {
	(0..count)
		.map(|index| {
			let who = funded::<T>("verifier", index);
			Pallet::<T>::register_verifier(
				RawOrigin::Signed(who.clone()).into(),
				verifier_stake::<T>(),
			)
			.expect("a verifier registers");
			who
		})
		.collect()
}

/// Fills the eligible list: `MaxVerifiers - 1` verifiers, then one with a
/// key in the keystore and as much stake as all of them, whom every round
/// expecting two or more selects. Moves past the eligibility delay, so that
/// all of them sit in rounds opened from now on. Returns the others and
/// the sure one.
fn full_list<T: Config>() -> (Vec<T::AccountId>, T::AccountId) {
	let others = verifiers::<T>(T::MaxVerifiers::get().saturating_sub(1));
	let sure = T::BenchmarkHelper::verifier_with_key(0);
	fund::<T>(&sure);
	let stake = verifier_stake::<T>().saturating_mul((others.len() as u32).max(1).into());
	Pallet::<T>::register_verifier(RawOrigin::Signed(sure.clone()).into(), stake)
		.expect("the sure verifier registers");
	let eligible =
		frame_system::Pallet::<T>::block_number().saturating_add(T::EligibilityDelay::get());
	frame_system::Pallet::<T>::set_block_number(eligible);
	(others, sure)
}

/// The largest first round the eligible list allows, beside the sure
/// verifier and a dispute's voters.
fn largest_committee<T: Config>() -> u8 {
	let room = T::MaxVerifiers::get()
		.saturating_sub(1)
		.saturating_sub(T::DisputeCommitteeSize::get().into());
	MAX_COMMITTEE_SIZE.min(room.try_into().unwrap_or(u8::MAX)).max(2)
}

/// A quorum of all `n` members, under `Exact` (attestations have their
/// digests checked: the dearer path).
fn quorum_of<T: Config>(n: u8) -> ModelPolicy<BalanceOf<T>, BlockNumberFor<T>> {
	ModelPolicy {
		verification: VerificationPolicy::Quorum { k: n, n },
		comparison: ComparisonRule::Exact,
		min_deadline: 10u32.into(),
	}
}

fn quorum_of_all<T: Config>() -> ModelPolicy<BalanceOf<T>, BlockNumberFor<T>> {
	quorum_of::<T>(largest_committee::<T>())
}

/// A result by a fresh executor, submitted under `policy`.
fn submitted<T: Config>(
	index: u32,
	policy: ModelPolicy<BalanceOf<T>, BlockNumberFor<T>>,
) -> RequestId {
	T::BenchmarkHelper::submitted_result(&funded::<T>("executor", index), policy)
}

/// Moves to the next block, without running its hook.
fn next_block_number<T: Config>() -> BlockNumberFor<T> {
	let next = frame_system::Pallet::<T>::block_number().saturating_add(One::one());
	frame_system::Pallet::<T>::set_block_number(next);
	next
}

/// Moves to the next block and runs its hook: rounds open.
fn next_block<T: Config>() -> BlockNumberFor<T> {
	let next = next_block_number::<T>();
	Pallet::<T>::on_initialize(next);
	next
}

/// A digest other than `digest`: what a `Mismatch` carries under `Exact`.
fn other_than(digest: Digest) -> Digest {
	let mut other = digest;
	other[0] ^= 1;
	other
}

/// Writes `voters`' attestations into `request`'s open round, as the round
/// would hold them had their VRFs selected them.
fn cast<T: Config>(
	request: RequestId,
	voters: &[T::AccountId],
	attestation: Attestation,
	digest: Digest,
) {
	let mut record = Verifications::<T>::get(request).expect("verifying");
	for voter in voters {
		record
			.votes
			.try_push(Vote { verifier: voter.clone(), attestation, output_digest: digest })
			.expect("within the round's bound");
		Pallet::<T>::count_open_vote(voter, true);
	}
	Verifications::<T>::insert(request, record);
}

/// `who`'s VRF proof for `request`'s open round.
fn proof<T: Config>(who: &T::AccountId, request: RequestId) -> SortitionProof {
	let record = Verifications::<T>::get(request).expect("verifying");
	let round = record.sortition.expect("a round is open");
	let input = SortitionInput { seed: round.seed, request, round: record.round_number() };
	T::SortitionKey::prove(who, &input).expect("the keystore holds the key")
}

/// Fills `request`'s first round with `size - 1` matches and one mismatch,
/// so that under `Exact` it escalates: its dispute opens on the next block.
fn contradicted<T: Config>(request: RequestId, voters: &[T::AccountId], size: usize) {
	let digest = Verifications::<T>::get(request).expect("verifying").output_digest;
	let (last, matching) = voters[..size].split_last().expect("voters");
	cast::<T>(request, matching, Attestation::Match, digest);
	cast::<T>(request, core::slice::from_ref(last), Attestation::Mismatch, other_than(digest));
	let record = Verifications::<T>::get(request).expect("verifying");
	let now = frame_system::Pallet::<T>::block_number();
	Pallet::<T>::tally(request, record, now, false).expect("tallies");
	assert_eq!(Verifications::<T>::get(request).map(|v| v.stage), Some(Stage::SelectingDispute));
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// The eligible list is full: the newcomer's larger stake evicts the
	/// smallest.
	#[benchmark]
	fn register_verifier() {
		let all = verifiers::<T>(T::MaxVerifiers::get());
		let who = funded::<T>("newcomer", 0);
		let stake = verifier_stake::<T>().saturating_mul(2u32.into());
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), stake);
		assert!(ActiveVerifiers::<T>::get().iter().any(|listed| listed.verifier == who));
		assert!(!ActiveVerifiers::<T>::get().iter().any(|listed| listed.verifier == all[0]));
	}

	#[benchmark]
	fn unregister_verifier() {
		let all = verifiers::<T>(T::MaxVerifiers::get());
		let who = all[0].clone();
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));
		assert!(!ActiveVerifiers::<T>::get().iter().any(|listed| listed.verifier == who));
	}

	#[benchmark]
	fn withdraw_stake() {
		let who = verifiers::<T>(1)[0].clone();
		Pallet::<T>::unregister_verifier(RawOrigin::Signed(who.clone()).into())
			.expect("unregisters");
		let later =
			frame_system::Pallet::<T>::block_number().saturating_add(T::UnbondingPeriod::get());
		frame_system::Pallet::<T>::set_block_number(later);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));
		assert!(!Verifiers::<T>::contains_key(&who));
	}

	/// A challenge sums the eligible stake of a full list to check that
	/// someone can judge it; its round opens on the next block.
	#[benchmark]
	fn challenge() {
		full_list::<T>();
		let policy = ModelPolicy {
			verification: VerificationPolicy::Optimistic {
				window_blocks: 100u32.into(),
				challenge_bond: T::MinVerifierStake::get(),
			},
			comparison: ComparisonRule::Exact,
			min_deadline: 10u32.into(),
		};
		let request = submitted::<T>(0, policy);
		next_block::<T>();
		let challenger = funded::<T>("challenger", 0);
		#[extrinsic_call]
		_(RawOrigin::Signed(challenger), request);
		assert_eq!(
			Verifications::<T>::get(request).map(|v| v.stage),
			Some(Stage::SelectingChallenge)
		);
	}

	/// `n`: the votes of the round the attestation settles, its own
	/// included. It completes a quorum of `n`: its VRF proof is checked, the
	/// request is settled and every member paid.
	#[benchmark]
	fn attest(n: Linear<2, { MAX_COMMITTEE_SIZE as u32 }>) {
		let (others, sure) = full_list::<T>();
		let size = n.min(largest_committee::<T>().into()) as usize;
		let request = submitted::<T>(0, quorum_of::<T>(size as u8));
		next_block::<T>();
		let digest = Verifications::<T>::get(request).expect("verifying").output_digest;
		cast::<T>(request, &others[..size - 1], Attestation::Match, digest);
		let proof = proof::<T>(&sure, request);
		#[extrinsic_call]
		_(RawOrigin::Signed(sure), request, Attestation::Match, digest, proof);
		assert!(!Verifications::<T>::contains_key(request));
	}

	/// An attestation that leaves its round open: one match short of the
	/// largest quorum, its VRF proof is checked and its vote recorded.
	#[benchmark]
	fn attest_open_round() {
		let (others, sure) = full_list::<T>();
		let size = usize::from(largest_committee::<T>());
		let request = submitted::<T>(0, quorum_of_all::<T>());
		next_block::<T>();
		let digest = Verifications::<T>::get(request).expect("verifying").output_digest;
		cast::<T>(request, &others[..size - 2], Attestation::Match, digest);
		let proof = proof::<T>(&sure, request);
		#[extrinsic_call]
		attest(RawOrigin::Signed(sure.clone()), request, Attestation::Match, digest, proof);
		assert!(Verifications::<T>::get(request).expect("open").has_voted(&sure));
	}

	/// `n`: rounds of the largest quorum open in one block, each summing the
	/// eligible stake of a full list.
	#[benchmark]
	fn on_initialize(n: Linear<0, { T::MaxOpeningPerBlock::get().min(64) }>) {
		full_list::<T>();
		let requests: Vec<RequestId> =
			(0..n).map(|index| submitted::<T>(index, quorum_of_all::<T>())).collect();
		let next = next_block_number::<T>();
		#[block]
		{
			Pallet::<T>::on_initialize(next);
		}
		for request in requests {
			assert!(Verifications::<T>::get(request).is_some_and(|v| v.stage.is_round()));
		}
	}

	/// `n`: rounds of the largest quorum end in one block, each one match
	/// short of accepting; each asks for a dispute, carrying its votes.
	#[benchmark]
	fn on_initialize_round_ends(n: Linear<0, { T::MaxDuePerBlock::get() }>) {
		let (others, _) = full_list::<T>();
		let size = usize::from(largest_committee::<T>());
		let requests: Vec<RequestId> =
			(0..n).map(|index| submitted::<T>(index, quorum_of_all::<T>())).collect();
		next_block::<T>();
		for request in &requests {
			let digest = Verifications::<T>::get(request).expect("verifying").output_digest;
			cast::<T>(*request, &others[..size - 1], Attestation::Match, digest);
		}
		let due =
			frame_system::Pallet::<T>::block_number().saturating_add(T::AttestationPeriod::get());
		frame_system::Pallet::<T>::set_block_number(due);
		#[block]
		{
			Pallet::<T>::on_initialize(due);
		}
		for request in requests {
			assert_eq!(
				Verifications::<T>::get(request).map(|v| v.stage),
				Some(Stage::SelectingDispute)
			);
		}
	}

	/// `n`: disputes end in one block at their deadline with split votes:
	/// the result stands, and every vote of both rounds (the largest first
	/// round) is released and judged, the dispute's matches paid. Each has
	/// voters of its own, as different requests' rounds would.
	#[benchmark]
	fn on_initialize_verdicts(n: Linear<0, { T::MaxDuePerBlock::get() }>) {
		let (others, _) = full_list::<T>();
		let size = usize::from(largest_committee::<T>());
		let split = usize::from(T::DisputeCommitteeSize::get()).div_ceil(2).saturating_sub(1);
		let each = size + 2 * split;
		// Voters of request `index`, its own while the list has enough.
		let voters_of = |index: usize| -> Vec<T::AccountId> {
			others.iter().cycle().skip(index * each).take(each).cloned().collect()
		};
		let requests: Vec<RequestId> =
			(0..n).map(|index| submitted::<T>(index, quorum_of_all::<T>())).collect();
		next_block::<T>();
		for (index, request) in requests.iter().enumerate() {
			contradicted::<T>(*request, &voters_of(index), size);
		}
		next_block::<T>();
		let mut due = frame_system::Pallet::<T>::block_number();
		for (index, request) in requests.iter().enumerate() {
			let digest = Verifications::<T>::get(request).expect("verifying").output_digest;
			let voters = voters_of(index);
			let dispute = &voters[size..];
			cast::<T>(*request, &dispute[..split], Attestation::Match, digest);
			let mismatching = &dispute[split..2 * split];
			cast::<T>(*request, mismatching, Attestation::Mismatch, other_than(digest));
			due = Verifications::<T>::get(request).expect("verifying").due;
		}
		frame_system::Pallet::<T>::set_block_number(due);
		#[block]
		{
			Pallet::<T>::on_initialize(due);
		}
		for request in requests {
			assert!(!Verifications::<T>::contains_key(request));
		}
	}

	/// The attestation that decides the largest first round's dispute: its
	/// proof is checked, the executor is slashed for fraud, every
	/// first-round member who matched is slashed for a wrong attestation
	/// (each lowering its stake on a full list), and the dispute's majority
	/// is paid.
	#[benchmark]
	fn attest_deciding_dispute() {
		let (others, sure) = full_list::<T>();
		let size = usize::from(largest_committee::<T>());
		let majority = usize::from(T::DisputeCommitteeSize::get()) / 2 + 1;
		let request = submitted::<T>(0, quorum_of_all::<T>());
		next_block::<T>();
		contradicted::<T>(request, &others, size);
		next_block::<T>();
		let mismatch =
			other_than(Verifications::<T>::get(request).expect("verifying").output_digest);
		cast::<T>(request, &others[size..size + majority - 1], Attestation::Mismatch, mismatch);
		let proof = proof::<T>(&sure, request);
		#[extrinsic_call]
		attest(RawOrigin::Signed(sure), request, Attestation::Mismatch, mismatch, proof);
		assert!(!Verifications::<T>::contains_key(request));
	}

	/// Ending, by hand, the round of the largest quorum one match short of
	/// accepting: a dispute is asked for.
	#[benchmark]
	fn advance() {
		let (others, _) = full_list::<T>();
		let size = usize::from(largest_committee::<T>());
		let request = submitted::<T>(0, quorum_of_all::<T>());
		next_block::<T>();
		let record = Verifications::<T>::get(request).expect("verifying");
		cast::<T>(request, &others[..size - 1], Attestation::Match, record.output_digest);
		// The hook of the due block did not run (a full block, say).
		frame_system::Pallet::<T>::set_block_number(record.due);
		let caller = funded::<T>("caller", 0);
		#[extrinsic_call]
		_(RawOrigin::Signed(caller), request);
		assert_eq!(
			Verifications::<T>::get(request).map(|v| v.stage),
			Some(Stage::SelectingDispute)
		);
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
