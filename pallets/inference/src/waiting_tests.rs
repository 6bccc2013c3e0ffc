//! The waiting line: a request that finds every executor busy waits, first
//! come first served, and is assigned as capacity frees, or leaves refunded
//! in full; nobody overtakes it, and its bounds hold.

use codec::Encode;
use frame_support::{
	assert_noop, assert_ok,
	traits::{Get, Hooks},
};
use veritas_primitives::{
	inference::RequestInput,
	model::{ModelStatus, Pricing},
};

use crate::{
	input_tests::{features, request},
	mock::*,
	tests::{
		embedding_output, escrowed, free, generation_params, register, request_embedding,
		request_on_its_own_block, run_to, submit, try_request, FEE, STAKE,
	},
	Error, Event, LeftUnassigned, PendingWork, RequestStatus, Requests, WaitingLines,
	WaitingModels, WeightInfo,
};

fn status(request: u64) -> RequestStatus {
	Requests::<Test>::get(request).expect("stored").status
}

fn inference_events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::Inference(event) => Some(event),
			_ => None,
		})
		.collect()
}

fn next_block() {
	run_to(System::block_number() + 1);
}

/// An executor of the embedding model with one place, taken by a request.
fn busy_executor() -> u64 {
	register(EXECUTOR, STAKE, &[EMBEDDING_MODEL], 1);
	request_embedding(FEE)
}

#[test]
fn a_request_finding_every_executor_busy_waits_and_is_assigned_as_capacity_frees() {
	run_test(|| {
		let first = busy_executor();
		let before = free(REQUESTER);
		let second = request_embedding(FEE);
		let third = request_embedding(FEE);

		let record = Requests::<Test>::get(second).expect("stored");
		assert_eq!((record.status, record.executor), (RequestStatus::Waiting, None));
		assert_eq!(before - free(REQUESTER), 2 * FEE, "both wait with their fee in escrow");
		assert_eq!(escrowed(REQUESTER), 3 * FEE);
		assert!(!PendingWork::<Test>::contains_key(EXECUTOR, second), "no executor sees it");
		assert!(inference_events().contains(&Event::RequestWaiting {
			request: third,
			requester: REQUESTER,
			model: EMBEDDING_MODEL,
			max_fee: FEE,
			deadline: System::block_number() + 10,
			place: 1,
		}));
		assert_eq!(Inference::waiting_place(second), Some(0));
		assert_eq!(Inference::waiting_place(third), Some(1));
		assert_eq!(Inference::waiting_place(first), None, "an assigned request does not wait");

		// Still busy: the line holds.
		next_block();
		assert_eq!(status(second), RequestStatus::Waiting);

		// The first settles (accepted at once by the mock's verification):
		// its place goes to the head of the line at the next block's start.
		assert_ok!(submit(EXECUTOR, first, embedding_output()));
		assert_eq!(status(second), RequestStatus::Waiting, "assigned only at a block's start");
		next_block();
		let record = Requests::<Test>::get(second).expect("stored");
		assert_eq!((record.status, record.executor), (RequestStatus::Assigned, Some(EXECUTOR)));
		assert!(PendingWork::<Test>::contains_key(EXECUTOR, second));
		assert!(inference_events()
			.contains(&Event::RequestAssigned { request: second, executor: EXECUTOR }));
		assert_eq!(status(third), RequestStatus::Waiting);
		assert_eq!(Inference::waiting_place(third), Some(0));

		assert_ok!(submit(EXECUTOR, second, embedding_output()));
		next_block();
		assert_eq!(status(third), RequestStatus::Assigned);
		assert!(WaitingLines::<Test>::get(EMBEDDING_MODEL).is_empty());
		assert!(WaitingModels::<Test>::get().is_empty(), "an empty line is no longer served");
	});
}

/// The abuse: a requester watches for a settlement and asks in the same
/// block, taking the freed place ahead of those who waited. New requests
/// join the line while it is not empty.
#[test]
fn nobody_overtakes_the_line() {
	run_test(|| {
		let first = busy_executor();
		let waiting = request_embedding(FEE);
		assert_ok!(submit(EXECUTOR, first, embedding_output()));
		// The executor has a free place in this block, but the line is first.
		let late = request_embedding(FEE);
		assert_eq!(status(late), RequestStatus::Waiting);
		next_block();
		assert_eq!(status(waiting), RequestStatus::Assigned);
		assert_eq!(status(late), RequestStatus::Waiting);
	});
}

#[test]
fn the_lines_are_bounded() {
	run_test(|| {
		let _ = busy_executor();
		let per_model: u32 = <Test as crate::Config>::MaxWaitingPerModel::get();
		for _ in 0..per_model {
			let _ = request_on_its_own_block();
		}
		next_block();
		let before = (free(REQUESTER), crate::NextRequestId::<Test>::get());
		assert_noop!(
			try_request(EMBEDDING_MODEL, Default::default(), FEE),
			Error::<Test>::WaitingLineFull
		);
		assert_eq!((free(REQUESTER), crate::NextRequestId::<Test>::get()), before);

		// As many models as the chain allows have lines; one more is refused.
		let models: u32 = <Test as crate::Config>::MaxWaitingModels::get();
		assert_eq!(models, 2, "the mock's bound, which this test fills");
		register(OTHER_EXECUTOR, STAKE, &[crate::mock::GENERATION_MODEL, TABULAR_MODEL], 1);
		for _ in 0..2 {
			next_block();
			assert_ok!(try_request(GENERATION_MODEL, generation_params(2), FEE));
		}
		assert_eq!(
			WaitingModels::<Test>::get().into_inner(),
			vec![EMBEDDING_MODEL, GENERATION_MODEL]
		);
		let tabular = RequestInput::Inline(features(&[1.0, 2.0, 3.0]));
		// The executor's one place went to the generation model's request.
		assert_noop!(request(TABULAR_MODEL, tabular), Error::<Test>::WaitingLineFull);
	});
}

#[test]
fn at_most_max_assigned_per_block_places_are_served_in_a_block() {
	run_test(|| {
		let first = busy_executor();
		let budget: u32 = <Test as crate::Config>::MaxAssignedPerBlock::get();
		let waiting: Vec<u64> = (0..budget).map(|_| request_on_its_own_block()).collect();
		register(OTHER_EXECUTOR, STAKE, &[crate::mock::GENERATION_MODEL], 1);
		let generation = crate::NextRequestId::<Test>::get();
		for _ in 0..2 {
			next_block();
			assert_ok!(try_request(GENERATION_MODEL, generation_params(2), FEE));
		}
		let behind = generation + 1;
		assert_eq!(status(behind), RequestStatus::Waiting);

		// Room for everyone at once; the block serves `budget` places.
		assert_ok!(submit(EXECUTOR, first, embedding_output()));
		assert_ok!(Inference::update_executor(
			RuntimeOrigin::signed(EXECUTOR),
			0,
			crate::tests::models(&[EMBEDDING_MODEL, GENERATION_MODEL]),
			<Test as crate::Config>::MaxCapacity::get(),
		));
		System::set_block_number(System::block_number() + 1);
		let weight = Inference::on_initialize(System::block_number());
		assert!(waiting.iter().all(|request| status(*request) == RequestStatus::Assigned));
		assert_eq!(status(behind), RequestStatus::Waiting, "over this block's budget");
		let per_place = <Test as crate::Config>::WeightInfo::assign_waiting(0, 1)
			.saturating_sub(<Test as crate::Config>::WeightInfo::assign_waiting(0, 0));
		assert!(weight.all_gte(per_place.saturating_mul(budget.into())), "each place is charged");

		next_block();
		assert_eq!(status(behind), RequestStatus::Assigned);
	});
}

#[test]
fn cancelling_a_waiting_request_refunds_it_in_full_and_gives_up_its_place() {
	run_test(|| {
		let first = busy_executor();
		let before = free(REQUESTER);
		let waiting = request_embedding(FEE);
		let behind = request_embedding(FEE);
		assert_ok!(Inference::cancel_request(RuntimeOrigin::signed(REQUESTER), waiting));
		assert_eq!(free(REQUESTER), before - FEE, "the cancelled one cost nothing");
		assert_eq!(status(waiting), RequestStatus::Cancelled);
		assert!(
			inference_events().contains(&Event::RequestCancelled { request: waiting, refund: FEE })
		);
		assert_eq!(Inference::waiting_place(behind), Some(0), "a place given up is not counted");
		// Only the requester cancels.
		assert_noop!(
			Inference::cancel_request(RuntimeOrigin::signed(EXECUTOR), behind),
			Error::<Test>::NotRequester
		);

		assert_ok!(submit(EXECUTOR, first, embedding_output()));
		next_block();
		assert_eq!(status(behind), RequestStatus::Assigned, "the line passed the given-up place");
		assert_eq!(status(waiting), RequestStatus::Cancelled);
	});
}

#[test]
fn a_waiting_request_whose_deadline_nears_leaves_refunded_and_nobody_is_slashed() {
	run_test(|| {
		let _ = busy_executor();
		let before = free(REQUESTER);
		let waiting = request_embedding(FEE);
		let deadline = Requests::<Test>::get(waiting).expect("stored").deadline;
		let shortest = <<Test as crate::Config>::MinDeadline as Get<u64>>::get().max(2);
		// While an executor could still make it, it waits.
		run_to(deadline - shortest);
		assert_eq!(status(waiting), RequestStatus::Waiting);
		run_to(deadline - shortest + 1);
		assert_eq!(status(waiting), RequestStatus::Expired);
		assert_eq!(free(REQUESTER), before, "refunded in full");
		assert!(inference_events().contains(&Event::RequestLeftLine {
			request: waiting,
			reason: LeftUnassigned::DeadlineTooNear,
			refund: FEE,
		}));
		assert_eq!(crate::Executors::<Test>::get(EXECUTOR).expect("registered").stake, STAKE);
	});
}

/// A request behind the head of the line, with a nearer deadline than the
/// head's, is expired by the deadline sweep: the line is not read past its
/// head while nobody has room.
#[test]
fn a_waiting_request_behind_the_head_expires_at_its_deadline() {
	run_test(|| {
		let _ = busy_executor();
		let now = System::block_number();
		let request = |deadline| {
			let id = crate::NextRequestId::<Test>::get();
			assert_ok!(Inference::request_inference(
				RuntimeOrigin::signed(REQUESTER),
				EMBEDDING_MODEL,
				crate::tests::text(b"hello"),
				Default::default(),
				FEE,
				deadline,
			));
			id
		};
		let head = request(now + 30);
		let behind = request(now + 10);
		run_to(now + 10);
		assert_eq!(status(behind), RequestStatus::Expired);
		assert_eq!(status(head), RequestStatus::Waiting);
		assert_eq!(Inference::waiting_place(head), Some(0));
	});
}

#[test]
fn a_waiting_request_leaves_when_the_terms_change_or_the_model_stops() {
	run_test(|| {
		let first = busy_executor();
		let repriced = request_embedding(FEE);
		TestModels::change_terms(EMBEDDING_MODEL, Pricing { per_request: 1, per_output_token: 0 });
		assert_ok!(submit(EXECUTOR, first, embedding_output()));
		next_block();
		assert_eq!(status(repriced), RequestStatus::Expired);
		assert!(inference_events().contains(&Event::RequestLeftLine {
			request: repriced,
			reason: LeftUnassigned::TermsChanged,
			refund: FEE,
		}));

		// Under the new terms, once the executor accepts them.
		assert_ok!(Inference::accept_terms(RuntimeOrigin::signed(EXECUTOR), EMBEDDING_MODEL, 1));
		let second = request_embedding(FEE);
		let stopped = request_embedding(FEE);
		assert_eq!(status(stopped), RequestStatus::Waiting);
		TestModels::set_status(EMBEDDING_MODEL, ModelStatus::Deprecated);
		assert_ok!(submit(EXECUTOR, second, embedding_output()));
		next_block();
		assert!(inference_events().contains(&Event::RequestLeftLine {
			request: stopped,
			reason: LeftUnassigned::ModelNotActive,
			refund: FEE,
		}));
	});
}

#[test]
fn a_waiting_request_has_no_executor_to_answer_it() {
	run_test(|| {
		let _ = busy_executor();
		let waiting = request_embedding(FEE);
		assert_noop!(
			submit(EXECUTOR, waiting, embedding_output()),
			Error::<Test>::NotAssignedExecutor
		);
	});
}

/// Version 3 stored every request with an executor; version 4 reads the
/// same bytes with the executor as `Some`.
#[test]
fn the_v4_migration_makes_the_executor_optional() {
	use frame_support::traits::{
		GetStorageVersion, OnRuntimeUpgrade, StorageVersion, UncheckedOnRuntimeUpgrade,
	};
	run_test(|| {
		register(EXECUTOR, STAKE, &[EMBEDDING_MODEL], 4);
		let pending = request_embedding(FEE);
		let answered = request_embedding(FEE);
		assert_ok!(submit(EXECUTOR, answered, embedding_output()));
		let mut expected = Vec::new();
		for id in [pending, answered] {
			let current = Requests::<Test>::get(id).expect("stored");
			let v4 = crate::migrations::v5::RequestV4::from_current(current);
			let mut v3 = v4.encode();
			// The `Some` tag after the requester (8 bytes) and model (8 bytes).
			assert_eq!(v3.remove(16), 1);
			frame_support::storage::unhashed::put_raw(&Requests::<Test>::hashed_key_for(id), &v3);
			expected.push((id, v4));
		}
		StorageVersion::new(3).put::<Inference>();
		crate::migrations::v4::MigrateV3ToV4::<Test>::on_runtime_upgrade();
		assert_eq!(Inference::on_chain_storage_version(), StorageVersion::new(4));
		for (id, v4) in &expected {
			let key = Requests::<Test>::hashed_key_for(*id);
			assert_eq!(frame_support::storage::unhashed::get(&key).as_ref(), Some(v4));
		}
		// Version 5 reads them on.
		crate::migrations::v5::OutputsByReference::<Test>::on_runtime_upgrade();
		for (id, v4) in expected {
			assert_eq!(Requests::<Test>::get(id), Some(v4.upgraded()));
		}
	});
}
