//! Benchmarks of every call and of `on_initialize`, each at its worst case:
//! the eligible list full, committees of the largest size, and the
//! attestation that settles a request paying its whole committee.

use alloc::vec::Vec;
use frame_benchmarking::v2::*;
use frame_support::traits::{fungible::Mutate, Hooks};
use frame_system::RawOrigin;
use sp_runtime::traits::{Bounded, One, Saturating};
use veritas_primitives::model::{ModelPolicy, MAX_COMMITTEE_SIZE};

use super::*;

fn funded<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, 0);
	// Enough for every verifier the list holds, without overflowing the
	// total issuance.
	T::Currency::set_balance(&who, BalanceOf::<T>::max_value() / 1_000_000u32.into());
	who
}

fn verifier_stake<T: Config>() -> BalanceOf<T> {
	T::MinVerifierStake::get().saturating_mul(10u32.into())
}

/// Registers `count` verifiers and returns them.
fn verifiers<T: Config>(count: u32) -> Vec<T::AccountId> {
	verifiers_staking::<T>(count, verifier_stake::<T>())
}

/// Registers `count` verifiers with `stake` each and returns them.
fn verifiers_staking<T: Config>(count: u32, stake: BalanceOf<T>) -> Vec<T::AccountId> {
	(0..count)
		.map(|index| {
			let who = funded::<T>("verifier", index);
			Pallet::<T>::register_verifier(RawOrigin::Signed(who.clone()).into(), stake)
				.expect("a verifier registers");
			who
		})
		.collect()
}

/// The largest committee the eligible list allows.
fn largest_committee<T: Config>() -> u8 {
	MAX_COMMITTEE_SIZE.min(T::MaxVerifiers::get().saturating_sub(1) as u8)
}

/// Under `Exact`, attestations have their digests checked: the dearer path.
fn quorum_of_all<T: Config>() -> ModelPolicy<BalanceOf<T>, BlockNumberFor<T>> {
	quorum_of::<T>(largest_committee::<T>())
}

/// A quorum of all `n` members, under `Exact`.
fn quorum_of<T: Config>(n: u8) -> ModelPolicy<BalanceOf<T>, BlockNumberFor<T>> {
	ModelPolicy {
		verification: VerificationPolicy::Quorum { k: n, n },
		comparison: ComparisonRule::Exact,
		min_deadline: 10u32.into(),
	}
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

/// Moves to the next block and runs its hook: committees are drawn.
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

/// Has each of `members` attest `attestation` with `digest` on `request`.
fn attest_each<T: Config>(
	request: RequestId,
	members: &[T::AccountId],
	attestation: Attestation,
	digest: Digest,
) {
	for member in members {
		Pallet::<T>::attest(RawOrigin::Signed(member.clone()).into(), request, attestation, digest)
			.expect("attests");
	}
}

/// Has every member of `request`'s committee but the last attest `Match`,
/// and the last `Mismatch`: under `Exact` the round escalates at once.
fn contradicted<T: Config>(request: RequestId) {
	let record = Verifications::<T>::get(request).expect("verifying");
	let (last, others) = record.committee.split_last().expect("a committee");
	attest_each::<T>(request, others, Attestation::Match, record.output_digest);
	let mismatch = other_than(record.output_digest);
	attest_each::<T>(request, core::slice::from_ref(last), Attestation::Mismatch, mismatch);
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
		assert!(ActiveVerifiers::<T>::get().contains(&(who, stake)));
		assert!(!ActiveVerifiers::<T>::get().iter().any(|(member, _)| member == &all[0]));
	}

	#[benchmark]
	fn unregister_verifier() {
		let all = verifiers::<T>(T::MaxVerifiers::get());
		let who = all[0].clone();
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));
		assert!(!ActiveVerifiers::<T>::get().iter().any(|(member, _)| member == &who));
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

	/// A challenge checks that someone is eligible among a full list; its
	/// committee is drawn on the next block.
	#[benchmark]
	fn challenge() {
		verifiers::<T>(T::MaxVerifiers::get());
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

	/// The attestation that completes the largest quorum: the request is
	/// settled and every member paid.
	#[benchmark]
	fn attest() {
		verifiers::<T>(T::MaxVerifiers::get());
		let request = submitted::<T>(0, quorum_of_all::<T>());
		next_block::<T>();
		let committee = Verifications::<T>::get(request).expect("verifying").committee;
		let (last, others) = committee.split_last().expect("a committee");
		let digest = Verifications::<T>::get(request).expect("verifying").output_digest;
		attest_each::<T>(request, others, Attestation::Match, digest);
		#[extrinsic_call]
		_(RawOrigin::Signed(last.clone()), request, Attestation::Match, digest);
		assert!(!Verifications::<T>::contains_key(request));
	}

	/// `n`: results whose committees are drawn in one block, each the
	/// largest, from a full eligible list.
	#[benchmark]
	fn on_initialize(n: Linear<0, { T::MaxDuePerBlock::get() }>) {
		verifiers::<T>(T::MaxVerifiers::get());
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

	/// `n`: rounds of the largest quorum end in one block with nobody
	/// attested. Every member, at the minimum stake, is slashed as a no-show
	/// and so unbonds, leaving a full eligible list; each round asks for a
	/// dispute.
	#[benchmark]
	fn on_initialize_round_ends(n: Linear<0, { T::MaxDuePerBlock::get() }>) {
		verifiers_staking::<T>(T::MaxVerifiers::get(), T::MinVerifierStake::get());
		let requests: Vec<RequestId> =
			(0..n).map(|index| submitted::<T>(index, quorum_of_all::<T>())).collect();
		next_block::<T>();
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

	/// `n`: verifications end in one block paying the largest committee.
	/// Each first round was contradicted by its last member, and nobody is
	/// left to sit in a dispute, so the first round's majority decides.
	#[benchmark]
	fn on_initialize_verdicts(n: Linear<0, { T::MaxDuePerBlock::get() }>) {
		verifiers::<T>(u32::from(largest_committee::<T>()));
		let requests: Vec<RequestId> =
			(0..n).map(|index| submitted::<T>(index, quorum_of_all::<T>())).collect();
		next_block::<T>();
		for request in &requests {
			contradicted::<T>(*request);
		}
		let next = next_block_number::<T>();
		#[block]
		{
			Pallet::<T>::on_initialize(next);
		}
		for request in requests {
			assert!(!Verifications::<T>::contains_key(request));
		}
	}

	/// The attestation that decides the largest dispute: the executor is
	/// slashed for fraud, every first-round member who matched is slashed
	/// for a wrong attestation, and the dispute's majority is paid.
	#[benchmark]
	fn attest_deciding_dispute() {
		verifiers::<T>(T::MaxVerifiers::get());
		// Room left on the list for the largest dispute committee.
		let room = T::MaxVerifiers::get().saturating_sub(T::DisputeCommitteeSize::get().into());
		let first_round = largest_committee::<T>().min(room.try_into().unwrap_or(u8::MAX));
		let request = submitted::<T>(0, quorum_of::<T>(first_round));
		next_block::<T>();
		contradicted::<T>(request);
		next_block::<T>();
		let record = Verifications::<T>::get(request).expect("verifying");
		let majority = record.committee.len() / 2 + 1;
		let mismatch = other_than(record.output_digest);
		let (last, others) = record.committee[..majority].split_last().expect("a committee");
		attest_each::<T>(request, others, Attestation::Mismatch, mismatch);
		#[extrinsic_call]
		attest(RawOrigin::Signed(last.clone()), request, Attestation::Mismatch, mismatch);
		assert!(!Verifications::<T>::contains_key(request));
	}

	/// Ending, by hand, the round of the largest quorum in which nobody
	/// attested: every member is slashed as a no-show and a dispute is
	/// asked for.
	#[benchmark]
	fn advance() {
		verifiers::<T>(T::MaxVerifiers::get());
		let request = submitted::<T>(0, quorum_of_all::<T>());
		next_block::<T>();
		let due = Verifications::<T>::get(request).expect("verifying").due;
		// The hook of the due block did not run (a full block, say).
		frame_system::Pallet::<T>::set_block_number(due);
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
