//! Benchmarks of both calls and both hooks, each at its worst case.
//!
//! A run's own bookkeeping is measured here; the request it makes is the
//! inference pallet's to weigh ([`InferenceRequests::request_weight`]), and
//! the runtime adds the two. So the runs measured here are refused by the
//! inference pallet (their model does not exist), which also takes the
//! longer way through this pallet: the refusal lasts, and the subscription
//! finishes, returning its budget.

use frame_benchmarking::v2::*;
use frame_support::traits::{fungible::Mutate, Get, Hooks};
use frame_system::RawOrigin;
use sp_runtime::traits::{Bounded, One};
use veritas_primitives::subscription::RunOutcome;

use crate::*;

fn funded<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, 0);
	T::Currency::set_balance(&who, BalanceOf::<T>::max_value() / 1_000_000u32.into());
	who
}

/// An active subscription of `subscriber`'s to a model that does not exist,
/// with `runs` runs and its budget held, whose next run is due at `due`.
fn subscription_to_nothing<T: Config>(
	subscriber: &T::AccountId,
	runs: u32,
	due: BlockNumberFor<T>,
) -> SubscriptionId {
	let mut spec = T::BenchmarkHelper::request_spec(subscriber);
	spec.model = veritas_primitives::model::ModelId::MAX;
	let budget = spec.max_fee * runs.into();
	T::Settlement::hold(subscriber, Bond::SubscriptionBudget, budget).expect("funded");
	let subscription = NextSubscriptionId::<T>::get();
	NextSubscriptionId::<T>::put(subscription + 1);
	Subscriptions::<T>::insert(
		subscription,
		Subscription {
			subscriber: subscriber.clone(),
			spec,
			period: One::one(),
			runs,
			runs_made: 0,
			next_run: due,
			budget,
			created: frame_system::Pallet::<T>::block_number(),
			status: SubscriptionStatus::Active,
		},
	);
	Pallet::<T>::schedule(due, subscription);
	subscription
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// With the most runs (the budget's multiplication and hold do not
	/// depend on it, but the request's check is the runtime's real one).
	#[benchmark]
	fn subscribe() {
		let subscriber = funded::<T>("subscriber", 0);
		let spec = T::BenchmarkHelper::request_spec(&subscriber);
		let runs = T::MaxRuns::get();
		#[extrinsic_call]
		_(RawOrigin::Signed(subscriber), spec, One::one(), runs);
		assert_eq!(ScheduledRuns::<T>::get(), 1);
	}

	#[benchmark]
	fn cancel() {
		let subscriber = funded::<T>("subscriber", 0);
		let due = frame_system::Pallet::<T>::block_number() + One::one();
		let subscription = subscription_to_nothing::<T>(&subscriber, T::MaxRuns::get(), due);
		#[extrinsic_call]
		_(RawOrigin::Signed(subscriber), subscription);
		assert_eq!(ScheduledRuns::<T>::get(), 0);
	}

	/// `n` runs due in this block, each of its own subscriber.
	#[benchmark]
	fn make_runs(n: Linear<0, { T::MaxRunsPerBlock::get() }>) {
		let now = frame_system::Pallet::<T>::block_number() + One::one();
		let subscriptions: alloc::vec::Vec<_> = (0..n)
			.map(|index| {
				let subscriber = funded::<T>("subscriber", index);
				subscription_to_nothing::<T>(&subscriber, T::MaxRuns::get(), now)
			})
			.collect();
		ScheduleCursor::<T>::put(now);
		frame_system::Pallet::<T>::set_block_number(now);
		#[block]
		{
			Pallet::<T>::on_initialize(now);
		}
		for subscription in subscriptions {
			assert!(matches!(
				Runs::<T>::get(subscription, 0).map(|run| run.outcome),
				Some(RunOutcome::Refused(_))
			));
		}
	}

	/// A finished subscription with `r` runs whose retention has ended.
	#[benchmark]
	fn prune(r: Linear<0, { T::MaxRuns::get() }>) {
		let subscriber = funded::<T>("subscriber", 0);
		let now = frame_system::Pallet::<T>::block_number();
		let subscription = subscription_to_nothing::<T>(&subscriber, r.max(1), now + One::one());
		Subscriptions::<T>::mutate(subscription, |record| {
			if let Some(record) = record {
				record.runs_made = r;
			}
		});
		for run in 0..r {
			let outcome = RunOutcome::Requested(run.into());
			Runs::<T>::insert(subscription, run, Run { due: now, made_at: now, outcome });
		}
		let mut record = Subscriptions::<T>::get(subscription).expect("just made");
		Pallet::<T>::unschedule(record.next_run, subscription);
		Pallet::<T>::finish(subscription, &mut record, SubscriptionStatus::Cancelled { at: now });
		let end = now + T::RetentionPeriod::get();
		frame_system::Pallet::<T>::set_block_number(end);
		#[block]
		{
			Pallet::<T>::on_idle(end, Weight::MAX);
		}
		assert!(Subscriptions::<T>::get(subscription).is_none());
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
