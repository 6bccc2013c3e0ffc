//! The deadline queue: expiring requests that got no result in time, and
//! pruning settled ones after their retention period, with bounded work per
//! block.

use frame_support::{traits::Get, weights::Weight, BoundedVec};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::traits::{One, Saturating};
use veritas_primitives::settlement::{Beneficiary, Bond, RequestId, Settlement};

use crate::{
	Config, Event, Pallet, Queue, RequestStatus, Requests, Settled, SweepCursor, WeightInfo,
};

/// How many later blocks to try when a pruning slot is full.
const PRUNING_SLOTS_TRIED: u32 = 16;

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
		used
	}

	/// Expires a request whose deadline passed without a result, or prunes a
	/// settled request whose retention ended. Anything else (a result being
	/// verified) is left alone: verification settles it and queues it again.
	fn visit(request: RequestId, now: BlockNumberFor<T>) {
		let Some(mut record) = Requests::<T>::get(request) else { return };
		match record.status {
			RequestStatus::Assigned if record.deadline <= now => {
				let refund = T::Settlement::refund(request).unwrap_or_default();
				let stake = T::Settlement::held(&record.executor, Bond::ExecutorStake);
				let slashed = T::Settlement::slash(
					&record.executor,
					Bond::ExecutorStake,
					T::ExpirySlash::get() * stake,
					Beneficiary::Treasury,
				);
				Self::penalise(&record.executor, slashed);
				let executor = record.executor.clone();
				Self::close(
					request,
					&mut record,
					RequestStatus::Expired,
					Some(Settled::Refunded(refund)),
				);
				Self::deposit_event(Event::RequestExpired { request, executor, slashed });
			},
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

	/// Queues a settled request for removal at block `at`, or at one of the
	/// next few blocks if that one is full. If all are full it stays in
	/// storage; the sweep logs it.
	pub(crate) fn queue_for_pruning(request: RequestId, at: BlockNumberFor<T>) {
		let mut block = at;
		for _ in 0..PRUNING_SLOTS_TRIED {
			if Queue::<T>::try_mutate(block, |queue| queue.try_push(request)).is_ok() {
				return;
			}
			block = block.saturating_add(One::one());
		}
		log::warn!(target: "runtime::inference", "request {request} could not be queued for pruning");
	}
}
