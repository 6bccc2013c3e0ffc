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

/// The largest committee the eligible list allows.
fn largest_committee<T: Config>() -> u8 {
	MAX_COMMITTEE_SIZE.min(T::MaxVerifiers::get().saturating_sub(1) as u8)
}

/// Under `Exact`, attestations have their digests checked: the dearer path.
fn quorum_of_all<T: Config>() -> ModelPolicy<BalanceOf<T>, BlockNumberFor<T>> {
	let n = largest_committee::<T>();
	ModelPolicy {
		verification: VerificationPolicy::Quorum { k: n, n },
		comparison: ComparisonRule::Exact,
		min_deadline: 2u32.into(),
	}
}

/// A result by a fresh executor, submitted under `policy`.
fn submitted<T: Config>(
	index: u32,
	policy: ModelPolicy<BalanceOf<T>, BlockNumberFor<T>>,
) -> RequestId {
	T::BenchmarkHelper::submitted_result(&funded::<T>("executor", index), policy)
}

/// Moves to the next block and runs its hook: committees are drawn.
fn next_block<T: Config>() -> BlockNumberFor<T> {
	let next = frame_system::Pallet::<T>::block_number().saturating_add(One::one());
	frame_system::Pallet::<T>::set_block_number(next);
	Pallet::<T>::on_initialize(next);
	next
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
			min_deadline: 2u32.into(),
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
		for member in others {
			Pallet::<T>::attest(
				RawOrigin::Signed(member.clone()).into(),
				request,
				Attestation::Match,
				digest,
			)
			.expect("attests");
		}
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
		let next = frame_system::Pallet::<T>::block_number().saturating_add(One::one());
		frame_system::Pallet::<T>::set_block_number(next);
		#[block]
		{
			Pallet::<T>::on_initialize(next);
		}
		for request in requests {
			assert!(Verifications::<T>::get(request).is_some_and(|v| v.stage.is_round()));
		}
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
