//! Making the runs that fall due, with bounded work per block, and removing
//! finished subscriptions once their retention ends.

use alloc::vec::Vec;
use frame_support::{traits::Get, weights::Weight};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::traits::{One, Saturating};
use veritas_primitives::{
	settlement::{Bond, Settlement},
	subscription::{InferenceRequests, Run, RunOutcome, SubscriptionId, SubscriptionStatus},
};

use crate::{
	Config, Event, Pallet, Pruning, PruningRange, Runs, Schedule, ScheduleCursor, ScheduledRuns,
	Subscriptions, WeightInfo,
};

/// The most blocks of the schedule one block looks through. The cursor
/// trails the chain only when runs spilled over, and then it stops at the
/// block that still holds some; this bounds the walk over empty blocks
/// behind it.
pub(crate) const MAX_BLOCKS_SCANNED: u32 = 64;

impl<T: Config> Pallet<T> {
	/// Puts `subscription`'s next run in `block`'s part of the schedule.
	pub(crate) fn schedule(block: BlockNumberFor<T>, subscription: SubscriptionId) {
		Schedule::<T>::insert(block, subscription, ());
		ScheduledRuns::<T>::mutate(|runs| *runs = runs.saturating_add(1));
	}

	/// Takes `subscription`'s next run, due in `block`, off the schedule.
	pub(crate) fn unschedule(block: BlockNumberFor<T>, subscription: SubscriptionId) {
		if Schedule::<T>::take(block, subscription).is_some() {
			ScheduledRuns::<T>::mutate(|runs| *runs = runs.saturating_sub(1));
		}
	}

	/// The weight of making one run, the request included.
	pub(crate) fn run_weight() -> Weight {
		T::WeightInfo::make_runs(1)
			.saturating_sub(T::WeightInfo::make_runs(0))
			.saturating_add(T::Requests::request_weight())
	}

	/// The most [`Pallet::make_due_runs`] may take in one block: every block
	/// it may look at, and the most runs a block makes, each with its
	/// request.
	pub fn most_to_run() -> Weight {
		T::WeightInfo::make_runs(0)
			.saturating_add(T::DbWeight::get().reads(MAX_BLOCKS_SCANNED.into()))
			.saturating_add(Self::run_weight().saturating_mul(T::MaxRunsPerBlock::get().into()))
	}

	/// Makes the runs due by `now`, oldest block first, at most
	/// [`Config::MaxRunsPerBlock`] of them. Returns the weight used.
	pub(crate) fn make_due_runs(now: BlockNumberFor<T>) -> Weight {
		let mut used = T::WeightInfo::make_runs(0);
		let mut cursor = ScheduleCursor::<T>::get();
		if ScheduledRuns::<T>::get() == 0 {
			// Nothing is scheduled: whatever comes next is due after now.
			if cursor <= now {
				ScheduleCursor::<T>::put(now.saturating_add(One::one()));
			}
			return used;
		}
		let per_block = T::DbWeight::get().reads(1);
		let per_run = Self::run_weight();
		let mut room = T::MaxRunsPerBlock::get();
		let mut scanned = 0;
		while cursor <= now && room > 0 && scanned < MAX_BLOCKS_SCANNED {
			used.saturating_accrue(per_block);
			let due: Vec<SubscriptionId> =
				Schedule::<T>::iter_key_prefix(cursor).take(room as usize).collect();
			for subscription in &due {
				Self::unschedule(cursor, *subscription);
				Self::make_run(*subscription, cursor, now);
				used.saturating_accrue(per_run);
			}
			// Fewer than there was room for: the block's runs are all made.
			// As many: look whether any are left.
			let filled = due.len() as u32 == room;
			room = room.saturating_sub(due.len() as u32);
			if filled && Schedule::<T>::iter_key_prefix(cursor).next().is_some() {
				// Out of room inside this block's runs: the rest wait.
				break;
			}
			cursor.saturating_inc();
			scanned += 1;
		}
		ScheduleCursor::<T>::put(cursor);
		used
	}

	/// Makes `subscription`'s run that was due in `due`: its `max_fee` leaves
	/// the budget and it becomes a request, or is refused and the fee stays
	/// with the subscriber. Then the next run is scheduled, or the
	/// subscription finishes.
	fn make_run(subscription: SubscriptionId, due: BlockNumberFor<T>, now: BlockNumberFor<T>) {
		let Some(mut record) = Subscriptions::<T>::get(subscription) else { return };
		if record.status != SubscriptionStatus::Active {
			return;
		}
		let run = record.runs_made;
		record.runs_made = run.saturating_add(1);
		// Released first: the request escrows it from the free balance, and
		// a refused request leaves it there, returned.
		let share = record.spec.max_fee.min(record.budget);
		let released = T::Settlement::release(&record.subscriber, Bond::SubscriptionBudget, share);
		record.budget = record.budget.saturating_sub(released);
		let outcome = match T::Requests::request(&record.subscriber, &record.spec) {
			Ok(request) => {
				Self::deposit_event(Event::RunRequested { subscription, run, request });
				RunOutcome::Requested(request)
			},
			Err(reason) => {
				Self::deposit_event(Event::RunRefused { subscription, run, reason });
				RunOutcome::Refused(reason)
			},
		};
		Runs::<T>::insert(subscription, run, Run { due, made_at: now, outcome });

		match outcome {
			RunOutcome::Refused(reason) if reason.lasts() => {
				let status = SubscriptionStatus::Ended { at: now, reason };
				Self::finish(subscription, &mut record, status);
			},
			_ if record.runs_made >= record.runs => {
				Self::finish(subscription, &mut record, SubscriptionStatus::Completed { at: now });
			},
			_ => {
				// On the period's beat, unless a spill made this run so late
				// that the beat has passed too.
				let next = due.saturating_add(record.period).max(now.saturating_add(One::one()));
				record.next_run = next;
				Subscriptions::<T>::insert(subscription, record);
				Self::schedule(next, subscription);
			},
		}
	}

	/// Removes finished subscriptions whose retention ended by `now`, and
	/// their runs, oldest first, while `remaining` weight allows. Returns
	/// the weight used.
	pub(crate) fn prune(now: BlockNumberFor<T>, remaining: Weight) -> Weight {
		let base = T::WeightInfo::prune(0);
		// Judged by the longest subscription before it is read.
		let most = T::WeightInfo::prune(T::MaxRuns::get());
		if remaining.any_lt(most) {
			return Weight::zero();
		}
		let mut used = base;
		let (mut next, end) = PruningRange::<T>::get();
		while next < end && !remaining.any_lt(used.saturating_add(most)) {
			match Pruning::<T>::get(next) {
				Some((_, at)) if at > now => break,
				Some((subscription, _)) => {
					let runs =
						Subscriptions::<T>::take(subscription).map_or(0, |record| record.runs_made);
					let _ = Runs::<T>::clear_prefix(subscription, runs, None);
					Pruning::<T>::remove(next);
					used.saturating_accrue(T::WeightInfo::prune(runs).saturating_sub(base));
				},
				None => {},
			}
			next += 1;
		}
		PruningRange::<T>::put((next, end));
		used
	}
}
