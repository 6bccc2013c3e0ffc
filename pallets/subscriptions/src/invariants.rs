//! The invariants `try_state` checks: the schedule, the runs and the held
//! budgets agree with the subscriptions.

use alloc::collections::{btree_map::BTreeMap, btree_set::BTreeSet};
use frame_support::ensure;
use sp_runtime::traits::{Saturating, Zero};
use veritas_primitives::{
	settlement::{Bond, Settlement},
	subscription::SubscriptionStatus,
};

use crate::{
	BalanceOf, Config, NextSubscriptionId, Pallet, Pruning, PruningRange, Runs, Schedule,
	ScheduleCursor, ScheduledRuns, Subscriptions,
};

impl<T: Config> Pallet<T> {
	/// - subscription ids are below the next id;
	/// - an active subscription has made fewer runs than it has, holds
	///   `max_fee` for each run still to make, and has exactly one place in
	///   the schedule, at its `next_run`, never behind the cursor (where it
	///   would never be made);
	/// - the schedule names only active subscriptions, and its count is
	///   right;
	/// - a finished subscription holds nothing and is queued for pruning;
	/// - every subscription has a record for each run it made, and no more;
	/// - each subscriber's `SubscriptionBudget` hold is the sum of its
	///   active subscriptions' budgets (nothing, once all have finished).
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		let (first, end) = PruningRange::<T>::get();
		let mut to_prune = BTreeSet::new();
		for (index, (subscription, _)) in Pruning::<T>::iter() {
			ensure!(first <= index && index < end, "a pruning entry outside the queue's range");
			to_prune.insert(subscription);
		}
		let mut scheduled = BTreeMap::new();
		let mut count = 0u32;
		let cursor = ScheduleCursor::<T>::get();
		for (block, subscription, ()) in Schedule::<T>::iter() {
			ensure!(block >= cursor, "a run scheduled behind the cursor would never be made");
			ensure!(
				scheduled.insert(subscription, block).is_none(),
				"a subscription scheduled twice"
			);
			count += 1;
		}
		ensure!(count == ScheduledRuns::<T>::get(), "the scheduled count is wrong");

		let next = NextSubscriptionId::<T>::get();
		let mut held: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		for (subscription, record) in Subscriptions::<T>::iter() {
			ensure!(subscription < next, "a subscription id at or above the next id");
			let runs = Runs::<T>::iter_prefix(subscription).count();
			ensure!(runs == record.runs_made as usize, "runs recorded differ from runs made");
			ensure!(
				Runs::<T>::iter_key_prefix(subscription).all(|run| run < record.runs_made),
				"a run numbered beyond the runs made"
			);
			let total = held.entry(record.subscriber.clone()).or_insert_with(Zero::zero);
			if record.status == SubscriptionStatus::Active {
				ensure!(record.runs_made < record.runs, "an active subscription with no runs left");
				let owed =
					record.spec.max_fee.saturating_mul((record.runs - record.runs_made).into());
				ensure!(record.budget == owed, "an active budget is not max_fee per run left");
				ensure!(
					scheduled.remove(&subscription) == Some(record.next_run),
					"an active subscription is not scheduled at its next run"
				);
				*total = total.saturating_add(record.budget);
			} else {
				ensure!(record.budget.is_zero(), "a finished subscription still holds funds");
				ensure!(
					to_prune.contains(&subscription),
					"a finished subscription is never pruned"
				);
			}
		}
		ensure!(scheduled.is_empty(), "the schedule names a finished or unknown subscription");
		for (subscriber, total) in held {
			ensure!(
				T::Settlement::held(&subscriber, Bond::SubscriptionBudget) == total,
				"a subscriber's held budget differs from its subscriptions'"
			);
		}
		Ok(())
	}
}
