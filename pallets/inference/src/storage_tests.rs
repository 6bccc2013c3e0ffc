//! Storage nobody pays for: every settled request is pruned when its
//! retention ends, however many settle at once, and a request settled before
//! its deadline gives its deadline slot back.

use frame_support::{assert_ok, traits::Get};

use crate::{
	mock::*,
	tests::{register, request_embedding, run_to, FEE, STAKE},
	Pruning, PruningRange, Queue, Requests,
};

/// The attack: two transactions per deadline slot (request, cancel) used to
/// keep the slot and fill the pruning slots, until `queue_for_pruning` gave
/// up and requests stayed in storage forever. Here 100 requests are made
/// and cancelled in one block, far more than the deadline queue of their
/// block holds (4) or the old pruning slots did (64), and the state shrinks
/// back to nothing once their retention ends.
#[test]
fn a_flood_of_settled_requests_is_all_pruned() {
	run_test(|| {
		register(EXECUTOR, STAKE, &[EMBEDDING_MODEL], 1);
		let flood = 100;
		for _ in 0..flood {
			let id = request_embedding(FEE);
			assert_ok!(crate::Pallet::<Test>::cancel_request(RuntimeOrigin::signed(REQUESTER), id));
		}
		assert_eq!(Requests::<Test>::iter().count(), flood);
		assert_eq!(Pruning::<Test>::iter().count(), flood);
		// The deadline slot they all named is free again.
		let deadline = System::block_number() + 10;
		assert!(Queue::<Test>::get(deadline).is_empty());

		let retention: BlockNumber = <Test as crate::Config>::RetentionPeriod::get();
		run_to(System::block_number() + retention - 1);
		assert_eq!(Requests::<Test>::iter().count(), flood, "pruned before its retention ended");
		run_to(System::block_number() + 2);
		assert_eq!(Requests::<Test>::iter().count(), 0);
		assert_eq!(Pruning::<Test>::iter().count(), 0);
		let (next, end) = PruningRange::<Test>::get();
		assert_eq!((next, end), (flood as u64, flood as u64));
		assert_eq!(Queue::<Test>::iter().count(), 0);
	});
}

/// With little weight left in each block, pruning goes as far as it can and
/// resumes on the next block: nothing is skipped.
#[test]
fn pruning_resumes_where_the_weight_ran_out() {
	use frame_support::weights::Weight;
	run_test(|| {
		register(EXECUTOR, STAKE, &[EMBEDDING_MODEL], 1);
		for _ in 0..10 {
			let id = request_embedding(FEE);
			assert_ok!(crate::Pallet::<Test>::cancel_request(RuntimeOrigin::signed(REQUESTER), id));
		}
		let retention: BlockNumber = <Test as crate::Config>::RetentionPeriod::get();
		let due = System::block_number() + retention;
		let weights = <<Test as crate::Config>::WeightInfo as crate::WeightInfo>::prune;
		// Room for three a block.
		let room = weights(3).saturating_add(Weight::from_parts(1, 0));
		for (block, left) in [(due, 7), (due + 1, 4), (due + 2, 1), (due + 3, 0)] {
			System::set_block_number(block);
			crate::Pallet::<Test>::prune(block, room);
			assert_eq!(Requests::<Test>::iter().count(), left, "at block {block}");
		}
	});
}
