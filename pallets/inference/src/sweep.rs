//! The deadline queue, expiring requests that got no result in time, and the
//! pruning queue, removing settled ones after their retention period, with
//! bounded work per block.

use frame_support::{traits::Get, weights::Weight, BoundedVec};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::traits::Saturating;
use veritas_primitives::settlement::{Beneficiary, Bond, RequestId, Settlement};

use crate::{
	Config, Event, LeftUnassigned, Pallet, Pruning, PruningRange, Queue, RequestStatus, Requests,
	Settled, SweepCursor, WeightInfo,
};

impl<T: Config> Pallet<T> {
	/// Works through the queues of every block up to `now`, oldest first,
	/// while `remaining` weight allows. Returns the weight used.
	pub(crate) fn sweep(now: BlockNumberFor<T>, remaining: Weight) -> Weight {
		// The benchmark measures a sweep of n requests in one block; its base
		// (n = 0) covers the cursor and that block, each further request adds
		// the marginal cost, and each further block one read and write.
		let base = T::WeightInfo::sweep(0);
		let per_request = T::WeightInfo::sweep(1).saturating_sub(base);
		let per_block = T::DbWeight::get().reads_writes(1, 1);
		let mut used = base;
		if remaining.any_lt(used.saturating_add(per_request)) {
			return Weight::zero();
		}

		let mut block = SweepCursor::<T>::get();
		while block <= now {
			if remaining.any_lt(used.saturating_add(per_block).saturating_add(per_request)) {
				break;
			}
			used.saturating_accrue(per_block);
			let queue = Queue::<T>::get(block);
			let mut handled = 0;
			for request in queue.iter() {
				if remaining.any_lt(used.saturating_add(per_request)) {
					break;
				}
				used.saturating_accrue(per_request);
				Self::visit(*request, now);
				handled += 1;
			}
			if handled < queue.len() {
				// Out of weight inside this block's queue: keep the rest.
				// The rest is shorter than the queue, so it always fits back.
				let rest = queue.into_inner().split_off(handled);
				Queue::<T>::insert(block, BoundedVec::truncate_from(rest));
				break;
			}
			Queue::<T>::remove(block);
			block.saturating_inc();
		}
		SweepCursor::<T>::put(block);
		used.saturating_add(Self::prune(now, remaining.saturating_sub(used)))
	}

	/// Removes settled requests whose retention ended by `now`, oldest
	/// first, while `remaining` weight allows. Returns the weight used.
	pub(crate) fn prune(now: BlockNumberFor<T>, remaining: Weight) -> Weight {
		let base = T::WeightInfo::prune(0);
		let per_request = T::WeightInfo::prune(1).saturating_sub(base);
		if remaining.any_lt(base.saturating_add(per_request)) {
			return Weight::zero();
		}
		let mut used = base;
		let (mut next, end) = PruningRange::<T>::get();
		while next < end && !remaining.any_lt(used.saturating_add(per_request)) {
			match Pruning::<T>::get(next) {
				Some((_, at)) if at > now => break,
				Some((request, _)) => {
					if Requests::<T>::get(request).is_some_and(|record| record.status.is_final()) {
						Requests::<T>::remove(request);
					}
					Pruning::<T>::remove(next);
				},
				None => {},
			}
			used.saturating_accrue(per_request);
			next += 1;
		}
		PruningRange::<T>::put((next, end));
		used
	}

	/// Expires a request whose deadline passed without a result (or without
	/// an executor), or prunes a settled request whose retention ended.
	/// Anything else (a result being verified) is left alone: verification
	/// settles it and queues it again.
	fn visit(request: RequestId, now: BlockNumberFor<T>) {
		let Some(mut record) = Requests::<T>::get(request) else { return };
		match record.status {
			RequestStatus::Assigned if record.deadline <= now => {
				let Some(executor) = record.executor.clone() else { return };
				let refund = T::Settlement::refund(request).unwrap_or_default();
				let stake = T::Settlement::held(&executor, Bond::ExecutorStake);
				let slashed = T::Settlement::slash(
					&executor,
					Bond::ExecutorStake,
					T::ExpirySlash::get() * stake,
					Beneficiary::Treasury,
				);
				Self::penalise(&executor, slashed);
				Self::close(
					request,
					&mut record,
					RequestStatus::Expired,
					Some(Settled::Refunded(refund)),
				);
				Self::deposit_event(Event::RequestExpired { request, executor, slashed });
			},
			// Still waiting at its deadline: no executor ever had it.
			RequestStatus::Waiting if record.deadline <= now => {
				Self::leave_unassigned(request, &mut record, LeftUnassigned::DeadlineTooNear);
			},
			// Requests queued for pruning here before the pruning queue existed.
			status if status.is_final() => {
				let retained_until =
					record.finished_at.unwrap_or(now).saturating_add(T::RetentionPeriod::get());
				if retained_until <= now {
					Requests::<T>::remove(request);
				}
			},
			_ => {},
		}
	}

	/// Queues a settled request for removal at block `at` (its retention's
	/// end, which only grows from one call to the next: the queue stays in
	/// order).
	pub(crate) fn queue_for_pruning(request: RequestId, at: BlockNumberFor<T>) {
		PruningRange::<T>::mutate(|(_, end)| {
			Pruning::<T>::insert(*end, (request, at));
			*end = end.saturating_add(1);
		});
	}
}
