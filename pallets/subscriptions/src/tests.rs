//! Every call's success and error paths, the runs made on the period's beat
//! and spilling over a full block, and, over random histories, that no
//! funds are created or destroyed and every index agrees.

use frame_support::{
	assert_noop, assert_ok,
	traits::{
		fungible::{Inspect, InspectHold},
		Get, Hooks,
	},
};
use proptest::prelude::*;
use sp_runtime::DispatchError;
use veritas_primitives::subscription::{RequestRefused, Run, RunOutcome, SubscriptionStatus};

use crate::{
	mock::*, Error, Event, NextSubscriptionId, Runs, Schedule, ScheduleCursor, ScheduledRuns,
	Subscriptions as Records,
};

fn budget_held(who: AccountId) -> Balance {
	Balances::balance_on_hold(&pallet_settlement::HoldReason::SubscriptionBudget.into(), &who)
}

fn escrow_held(who: AccountId) -> Balance {
	Balances::balance_on_hold(&pallet_settlement::HoldReason::RequestEscrow.into(), &who)
}

fn subscribe(who: AccountId, period: BlockNumber, runs: u32) -> u64 {
	let id = NextSubscriptionId::<Test>::get();
	assert_ok!(Subscriptions::subscribe(RuntimeOrigin::signed(who), spec(FEE), period, runs));
	id
}

fn status(id: u64) -> SubscriptionStatus<BlockNumber> {
	Records::<Test>::get(id).expect("subscription exists").status
}

fn runs(id: u64) -> Vec<Run<BlockNumber>> {
	Subscriptions::subscription_view(id).expect("subscription exists").runs
}

fn last_event() -> RuntimeEvent {
	System::events().pop().expect("an event").event
}

#[test]
fn subscribing_holds_the_whole_budget_and_schedules_the_first_run() {
	run_test(|| {
		let free = Balances::free_balance(SUBSCRIBER);
		let id = subscribe(SUBSCRIBER, 4, 3);
		assert_eq!(budget_held(SUBSCRIBER), 3 * FEE);
		assert_eq!(Balances::free_balance(SUBSCRIBER), free - 3 * FEE);
		assert_eq!(Schedule::<Test>::get(2, id), Some(()));
		assert_eq!(ScheduledRuns::<Test>::get(), 1);
		let record = Records::<Test>::get(id).expect("stored");
		assert_eq!((record.runs, record.runs_made, record.next_run), (3, 0, 2));
		assert_eq!((record.budget, record.status), (3 * FEE, SubscriptionStatus::Active));
		System::assert_last_event(
			Event::Subscribed {
				subscription: id,
				subscriber: SUBSCRIBER,
				model: MODEL,
				runs: 3,
				period: 4,
				budget: 3 * FEE,
				first_run: 2,
			}
			.into(),
		);
	});
}

#[test]
fn a_subscription_that_cannot_be_paid_or_run_is_refused_and_changes_nothing() {
	run_test(|| {
		let origin = || RuntimeOrigin::signed(SUBSCRIBER);
		let refused: [(_, BlockNumber, u32, DispatchError); 6] = [
			(spec(FEE), 4, 0, Error::<Test>::BadRunCount.into()),
			(spec(FEE), 4, MAX_RUNS + 1, Error::<Test>::BadRunCount.into()),
			(spec(FEE), 0, 3, Error::<Test>::PeriodTooShort.into()),
			(spec(Balance::MAX), 4, 2, Error::<Test>::BudgetOverflow.into()),
			(spec(ENDOWMENT), 4, 2, Error::<Test>::InsufficientBalance.into()),
			(
				veritas_primitives::subscription::RequestSpec { model: MODEL + 1, ..spec(FEE) },
				4,
				3,
				DispatchError::Other("unknown model"),
			),
		];
		for (spec, period, runs, error) in refused {
			assert_noop!(Subscriptions::subscribe(origin(), spec, period, runs), error);
		}
		// The inference pallet's own reason, as a direct request would meet.
		TestRequests::fail_checks(Some(DispatchError::Other("fee too low")));
		assert_noop!(
			Subscriptions::subscribe(origin(), spec(FEE), 4, 3),
			DispatchError::Other("fee too low")
		);
		TestRequests::fail_checks(None);
		assert_noop!(
			Subscriptions::subscribe(RuntimeOrigin::signed(POOR), spec(FEE), 4, 3),
			Error::<Test>::InsufficientBalance
		);
		assert_eq!(NextSubscriptionId::<Test>::get(), 0);
		assert_eq!(budget_held(SUBSCRIBER), 0);
		// The last id is never handed out: nothing is held for it.
		NextSubscriptionId::<Test>::put(u64::MAX);
		assert_noop!(
			Subscriptions::subscribe(origin(), spec(FEE), 4, 3),
			Error::<Test>::IdsExhausted
		);
	});
}

#[test]
fn each_run_is_a_request_made_on_the_periods_beat_until_the_runs_run_out() {
	run_test(|| {
		let id = subscribe(SUBSCRIBER, 4, 3);
		run_to(2);
		assert_eq!(TestRequests::made().len(), 1);
		// The run's fee left the budget for its request's escrow.
		assert_eq!(budget_held(SUBSCRIBER), 2 * FEE);
		assert_eq!(escrow_held(SUBSCRIBER), FEE);
		System::assert_has_event(
			Event::RunRequested { subscription: id, run: 0, request: 0 }.into(),
		);
		run_to(20);
		let made: Vec<_> = TestRequests::made().iter().map(|made| made.block).collect();
		assert_eq!(made, vec![2, 6, 10]);
		assert!(TestRequests::made().iter().all(|made| made.requester == SUBSCRIBER));
		assert_eq!(
			runs(id),
			vec![
				Run { due: 2, made_at: 2, outcome: RunOutcome::Requested(0) },
				Run { due: 6, made_at: 6, outcome: RunOutcome::Requested(1) },
				Run { due: 10, made_at: 10, outcome: RunOutcome::Requested(2) },
			]
		);
		assert_eq!(status(id), SubscriptionStatus::Completed { at: 10 });
		assert_eq!(budget_held(SUBSCRIBER), 0);
		assert_eq!(escrow_held(SUBSCRIBER), 3 * FEE);
		assert_eq!(ScheduledRuns::<Test>::get(), 0);
		// The requests settle like any other: what they do not spend comes
		// back, the rest pays the executor and publisher.
		let before = Balances::free_balance(SUBSCRIBER);
		for made in TestRequests::made() {
			TestRequests::accept(made.request, 40);
		}
		assert_eq!(escrow_held(SUBSCRIBER), 0);
		assert!(Balances::free_balance(SUBSCRIBER) > before);
	});
}

#[test]
fn cancelling_refunds_every_run_not_yet_made_and_leaves_made_runs_alone() {
	run_test(|| {
		let id = subscribe(SUBSCRIBER, 2, 5);
		run_to(2);
		let free = Balances::free_balance(SUBSCRIBER);
		assert_ok!(Subscriptions::cancel(RuntimeOrigin::signed(SUBSCRIBER), id));
		assert_eq!(Balances::free_balance(SUBSCRIBER), free + 4 * FEE);
		assert_eq!(budget_held(SUBSCRIBER), 0);
		assert_eq!(escrow_held(SUBSCRIBER), FEE, "the run already made is its own request");
		assert_eq!(status(id), SubscriptionStatus::Cancelled { at: 2 });
		System::assert_last_event(
			Event::SubscriptionFinished {
				subscription: id,
				status: SubscriptionStatus::Cancelled { at: 2 },
				refund: 4 * FEE,
			}
			.into(),
		);
		run_to(12);
		assert_eq!(TestRequests::made().len(), 1, "no run after a cancel");
	});
}

#[test]
fn only_the_subscriber_cancels_and_only_while_active() {
	run_test(|| {
		assert_noop!(
			Subscriptions::cancel(RuntimeOrigin::signed(SUBSCRIBER), 9),
			Error::<Test>::UnknownSubscription
		);
		let id = subscribe(SUBSCRIBER, 2, 1);
		assert_noop!(
			Subscriptions::cancel(RuntimeOrigin::signed(OTHER_SUBSCRIBER), id),
			Error::<Test>::NotSubscriber
		);
		run_to(2);
		assert_eq!(status(id), SubscriptionStatus::Completed { at: 2 });
		assert_noop!(
			Subscriptions::cancel(RuntimeOrigin::signed(SUBSCRIBER), id),
			Error::<Test>::NotActive
		);
		let cancelled = subscribe(SUBSCRIBER, 2, 3);
		assert_ok!(Subscriptions::cancel(RuntimeOrigin::signed(SUBSCRIBER), cancelled));
		assert_noop!(
			Subscriptions::cancel(RuntimeOrigin::signed(SUBSCRIBER), cancelled),
			Error::<Test>::NotActive
		);
	});
}

#[test]
fn a_refusal_that_passes_misses_one_run_and_returns_its_fee() {
	run_test(|| {
		let id = subscribe(SUBSCRIBER, 3, 3);
		TestRequests::refuse(Some(RequestRefused::Busy));
		let free = Balances::free_balance(SUBSCRIBER);
		run_to(2);
		assert_eq!(Balances::free_balance(SUBSCRIBER), free + FEE, "the missed run's fee is back");
		assert_eq!(budget_held(SUBSCRIBER), 2 * FEE);
		assert_eq!(
			last_event(),
			Event::RunRefused { subscription: id, run: 0, reason: RequestRefused::Busy }.into()
		);
		TestRequests::refuse(None);
		run_to(10);
		assert_eq!(
			runs(id).iter().map(|run| run.outcome).collect::<Vec<_>>(),
			vec![
				RunOutcome::Refused(RequestRefused::Busy),
				RunOutcome::Requested(0),
				RunOutcome::Requested(1),
			]
		);
		assert_eq!(status(id), SubscriptionStatus::Completed { at: 8 });
	});
}

#[test]
fn a_refusal_that_lasts_ends_the_subscription_and_returns_the_rest() {
	run_test(|| {
		let id = subscribe(SUBSCRIBER, 3, 4);
		run_to(2);
		TestRequests::refuse(Some(RequestRefused::FeeTooLow));
		let free = Balances::free_balance(SUBSCRIBER);
		run_to(5);
		let ended = SubscriptionStatus::Ended { at: 5, reason: RequestRefused::FeeTooLow };
		assert_eq!(status(id), ended);
		assert_eq!(Balances::free_balance(SUBSCRIBER), free + 3 * FEE);
		assert_eq!(budget_held(SUBSCRIBER), 0);
		assert_eq!(ScheduledRuns::<Test>::get(), 0);
		System::assert_has_event(
			Event::SubscriptionFinished { subscription: id, status: ended, refund: 2 * FEE }.into(),
		);
	});
}

#[test]
fn runs_beyond_a_blocks_bound_spill_into_the_next_blocks_and_none_is_lost() {
	run_test(|| {
		// Seven subscriptions due in block 2, three runs made a block.
		let ids: Vec<_> = (0..7).map(|_| subscribe(SUBSCRIBER, 10, 2)).collect();
		run_to(2);
		assert_eq!(TestRequests::made().len(), 3);
		assert_eq!(ScheduleCursor::<Test>::get(), 2, "block 2 still holds runs");
		run_to(4);
		assert_eq!(TestRequests::made().len(), 7);
		let made_at: Vec<_> = ids.iter().map(|id| runs(*id)[0].made_at).collect();
		assert_eq!(made_at.iter().filter(|block| **block == 2).count(), 3);
		assert_eq!(made_at.iter().filter(|block| **block == 3).count(), 3);
		assert_eq!(made_at.iter().filter(|block| **block == 4).count(), 1);
		assert!(ids.iter().all(|id| runs(*id)[0].due == 2));
		// Late runs keep the beat: every second run is due at 2 + 10.
		assert!(ids.iter().all(|id| Records::<Test>::get(id).expect("kept").next_run == 12));
		assert_eq!(ScheduleCursor::<Test>::get(), 5);
		run_to(14);
		assert_eq!(TestRequests::made().len(), 14);
		assert!(ids.iter().all(|id| matches!(status(*id), SubscriptionStatus::Completed { .. })));
	});
}

#[test]
fn a_run_so_late_that_its_beat_passed_is_followed_in_the_next_block() {
	run_test(|| {
		// Period 1: the spilled runs' next beat (block 3) has passed when
		// the last of them are made in block 4.
		let ids: Vec<_> = (0..7).map(|_| subscribe(SUBSCRIBER, 1, 2)).collect();
		run_to(4);
		let late =
			ids.iter().find(|id| runs(**id)[0].made_at == 4).expect("one run was made in block 4");
		assert_eq!(Records::<Test>::get(late).expect("kept").next_run, 5);
		run_to(8);
		assert_eq!(TestRequests::made().len(), 14);
	});
}

/// Version 1 stored each subscription's parameters without the
/// by-reference flag; version 2 reads them as asking for outputs inline,
/// every other field as it was.
#[test]
fn the_v2_migration_keeps_every_subscription_inline() {
	use codec::Encode;
	use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};
	run_test(|| {
		let mut by_text = spec(FEE);
		by_text.params.seed = 7;
		by_text.params.max_new_tokens = 3;
		assert_ok!(Subscriptions::subscribe(RuntimeOrigin::signed(SUBSCRIBER), spec(FEE), 2, 3));
		assert_ok!(Subscriptions::subscribe(
			RuntimeOrigin::signed(OTHER_SUBSCRIBER),
			by_text,
			1,
			2
		));
		let mut expected = Vec::new();
		for (id, current) in Records::<Test>::iter() {
			let mut v1 = current.encode();
			// The flag is the last byte of the parameters, after the
			// subscriber, the model, the input and 24 bytes of version 1's.
			let flag =
				(current.subscriber, current.spec.model, &current.spec.input).encoded_size() + 24;
			assert_eq!(v1.remove(flag), 0);
			frame_support::storage::unhashed::put_raw(&Records::<Test>::hashed_key_for(id), &v1);
			assert!(Records::<Test>::get(id).is_none(), "version 1's bytes do not read as 2's");
			expected.push((id, current));
		}
		assert_eq!(expected.len(), 2);
		StorageVersion::new(1).put::<Subscriptions>();
		crate::migrations::v2::MigrateV1ToV2::<Test>::on_runtime_upgrade();
		assert_eq!(Subscriptions::on_chain_storage_version(), StorageVersion::new(2));
		for (id, current) in expected {
			assert_eq!(Records::<Test>::get(id), Some(current));
		}
	});
}

#[test]
fn finished_subscriptions_are_pruned_with_their_runs_after_retention() {
	run_test(|| {
		let id = subscribe(SUBSCRIBER, 1, 3);
		run_to(4);
		assert_eq!(status(id), SubscriptionStatus::Completed { at: 4 });
		run_to(4 + RETENTION - 1);
		Subscriptions::on_idle(System::block_number(), frame_support::weights::Weight::MAX);
		assert!(Records::<Test>::get(id).is_some(), "still within its retention");
		run_to(4 + RETENTION + 1);
		assert!(Records::<Test>::get(id).is_none());
		assert_eq!(Runs::<Test>::iter_prefix(id).count(), 0);
		assert!(Subscriptions::subscription_view(id).is_none());
	});
}

#[test]
fn pruning_waits_for_enough_weight() {
	run_test(|| {
		let id = subscribe(SUBSCRIBER, 1, 1);
		run_to(2 + RETENTION);
		let used = Subscriptions::on_idle(System::block_number(), Default::default());
		assert_eq!(used, Default::default());
		assert!(Records::<Test>::get(id).is_some());
		next_block();
		assert!(Records::<Test>::get(id).is_none());
	});
}

#[test]
fn making_runs_weighs_each_block_looked_at_and_each_run_with_its_request() {
	run_test(|| {
		use crate::WeightInfo;
		for _ in 0..5 {
			subscribe(SUBSCRIBER, 10, 1);
		}
		System::set_block_number(2);
		// Blocks 0, 1 and 2 looked at; three of block 2's five runs made.
		let used = Subscriptions::on_initialize(2);
		let per_block = <<Test as frame_system::Config>::DbWeight as Get<
			frame_support::weights::RuntimeDbWeight,
		>>::get()
		.reads(1);
		let expected =
			<() as WeightInfo>::make_runs(0) + per_block * 3 + Subscriptions::run_weight() * 3;
		assert_eq!(used, expected);
		assert_eq!(TestRequests::made().len(), 3);
		// With nothing scheduled, a block costs the base alone.
		run_to(4);
		assert_eq!(Subscriptions::on_initialize(5), <() as WeightInfo>::make_runs(0));
	});
}

#[derive(Clone, Debug)]
enum Step {
	Subscribe { who: bool, period: BlockNumber, runs: u32, fee: Balance },
	Cancel { pick: usize, who: bool },
	Advance { blocks: BlockNumber },
	Refuse { reason: Option<RequestRefused> },
	Settle { pick: usize, accept: bool },
}

fn refusal() -> impl Strategy<Value = Option<RequestRefused>> {
	prop_oneof![
		4 => Just(None),
		1 => Just(Some(RequestRefused::Busy)),
		1 => Just(Some(RequestRefused::FeedNotReady)),
		1 => Just(Some(RequestRefused::ModelUnavailable)),
	]
}

fn step() -> impl Strategy<Value = Step> {
	prop_oneof![
		3 => (any::<bool>(), 1..6u64, 1..6u32, 1..400u128)
			.prop_map(|(who, period, runs, fee)| Step::Subscribe { who, period, runs, fee }),
		1 => (any::<usize>(), any::<bool>()).prop_map(|(pick, who)| Step::Cancel { pick, who }),
		4 => (1..8u64).prop_map(|blocks| Step::Advance { blocks }),
		1 => refusal().prop_map(|reason| Step::Refuse { reason }),
		2 => (any::<usize>(), any::<bool>()).prop_map(|(pick, accept)| Step::Settle { pick, accept }),
	]
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(64))]

	/// Subscriptions opened, cancelled, run, refused and settled in any
	/// order, successful or not: no funds are created or destroyed; each
	/// subscriber's money is always in one place (free, its budgets or its
	/// requests' escrow) unless a request paid it out; and once every
	/// subscription has finished, nothing stays held for them.
	#[test]
	fn random_histories_conserve_funds_and_stay_consistent(
		steps in proptest::collection::vec(step(), 1..60),
	) {
		run_test(|| {
			let subscribers = [SUBSCRIBER, OTHER_SUBSCRIBER];
			let mut paid_out: Balance = 0;
			let mut settled = std::collections::BTreeSet::new();
			for step in steps {
				match step {
					Step::Subscribe { who, period, runs, fee } => {
						let who = subscribers[who as usize];
						let _ = Subscriptions::subscribe(RuntimeOrigin::signed(who), spec(fee), period, runs);
					},
					Step::Cancel { pick, who } => {
						let next = NextSubscriptionId::<Test>::get();
						if next > 0 {
							let who = subscribers[who as usize];
							let _ = Subscriptions::cancel(RuntimeOrigin::signed(who), pick as u64 % next);
						}
					},
					Step::Advance { blocks } => run_to(System::block_number() + blocks),
					Step::Refuse { reason } => TestRequests::refuse(reason),
					Step::Settle { pick, accept } => {
						let made = TestRequests::made();
						if made.is_empty() {
							continue;
						}
						let made = &made[pick % made.len()];
						if !settled.insert(made.request) {
							continue;
						}
						if accept {
							let before = Balances::total_balance(&made.requester);
							TestRequests::accept(made.request, made.max_fee / 2);
							paid_out += before - Balances::total_balance(&made.requester);
						} else {
							TestRequests::expire(made.request);
						}
					},
				}
				Subscriptions::do_try_state().expect("subscription invariants hold");
				let total: Balance = subscribers.iter().map(Balances::total_balance).sum();
				assert_eq!(total + paid_out, 2 * ENDOWMENT, "a subscriber's funds went unaccounted");
			}
			TestRequests::refuse(None);
			// Long enough for every subscription to run out, even spilling.
			run_to(System::block_number() + 5 * MAX_RUNS as u64 + 40);
			for id in 0..NextSubscriptionId::<Test>::get() {
				if let Some(record) = Records::<Test>::get(id) {
					assert!(record.status != SubscriptionStatus::Active);
				}
			}
			for who in subscribers {
				assert_eq!(budget_held(who), 0);
			}
		});
	}
}
