//! Tests of every call and error, deadlines, verdicts, and a property test
//! that random histories conserve funds and keep the indexes consistent.

use codec::Encode;
use frame_support::{
	assert_noop, assert_ok,
	traits::{
		fungible::{Inspect, InspectHold, Mutate},
		Hooks,
	},
	weights::Weight,
};
use proptest::prelude::*;
use sp_runtime::DispatchError;
use veritas_primitives::{
	inference::{
		F32Bits, InferenceHooks, InferenceOutput, InferenceParams, OutputBytes, RequestInput,
		Verdict,
	},
	model::{Cid, FileRef, ModelInspect, ModelStatus, ModelUsage},
	settlement::{Bond, Settlement as _},
};

use crate::{
	mock::*, Error, Event, Executors, ModelExecutors, PendingWork, Queue, RequestStatus, Requests,
	ServedModels, Settled, StakeStatus,
};

pub(crate) const STAKE: Balance = 10_000;
/// Enough for the embedding model: 100 + 3 × 20 + 5 = 165.
pub(crate) const FEE: Balance = 200;

pub(crate) fn models(ids: &[u64]) -> ServedModels<Test> {
	ServedModels::<Test>::truncate_from(ids.to_vec())
}

pub(crate) fn register(who: AccountId, stake: Balance, served: &[u64], capacity: u32) {
	assert_ok!(Inference::register_executor(
		RuntimeOrigin::signed(who),
		stake,
		models(served),
		capacity
	));
}

pub(crate) fn text(bytes: &[u8]) -> RequestInput {
	RequestInput::Inline(bytes.to_vec().try_into().expect("fits"))
}

pub(crate) fn embedding_params() -> InferenceParams {
	InferenceParams::default()
}

pub(crate) fn generation_params(tokens: u32) -> InferenceParams {
	InferenceParams { max_new_tokens: tokens, seed: 7, ..Default::default() }
}

/// The requester asks `model` for an inference due in 10 blocks.
pub(crate) fn try_request(
	model: u64,
	params: InferenceParams,
	fee: Balance,
) -> sp_runtime::DispatchResult {
	Inference::request_inference(
		RuntimeOrigin::signed(REQUESTER),
		model,
		text(b"A man is eating food."),
		params,
		fee,
		System::block_number() + 10,
	)
	.map(|_| ())
	.map_err(|error| error.error)
}

/// Makes an embedding request due in 10 blocks and returns its id.
pub(crate) fn request_embedding(fee: Balance) -> u64 {
	let id = crate::NextRequestId::<Test>::get();
	assert_ok!(try_request(EMBEDDING_MODEL, embedding_params(), fee));
	id
}

/// An embedding request on a block of its own, so that no deadline block
/// fills.
pub(crate) fn request_on_its_own_block() -> u64 {
	run_to(System::block_number() + 1);
	request_embedding(FEE)
}

pub(crate) fn embedding_output() -> OutputBytes {
	let output = InferenceOutput::Embedding(vec![F32Bits::from(0.6), F32Bits::from(0.8)]);
	output.encode().try_into().expect("fits")
}

pub(crate) fn generation_output(tokens: u32) -> OutputBytes {
	let output =
		InferenceOutput::Generation { tokens: (0..tokens).collect(), text: b"hello".to_vec() };
	output.encode().try_into().expect("fits")
}

pub(crate) fn proof_cid() -> Cid {
	Cid::truncate_from(b"bafkreiproof".to_vec())
}

pub(crate) fn submit(
	executor: AccountId,
	request: u64,
	output: OutputBytes,
) -> sp_runtime::DispatchResult {
	let digest = sp_io::hashing::blake2_256(&output);
	Inference::submit_result(
		RuntimeOrigin::signed(executor),
		request,
		output,
		digest,
		proof_cid(),
		[9; 32],
	)
}

/// Moves to block `n`, running `on_initialize`, then `on_idle` with plenty
/// of weight, at each block.
pub(crate) fn run_to(n: u64) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		Inference::on_initialize(next);
		Inference::on_idle(next, Weight::MAX);
	}
}

pub(crate) fn free(who: AccountId) -> Balance {
	Balances::balance(&who)
}

pub(crate) fn escrowed(who: AccountId) -> Balance {
	Balances::balance_on_hold(&pallet_settlement::HoldReason::RequestEscrow.into(), &who)
}

// --- executors ----------------------------------------------------------------

#[test]
fn register_executor_holds_the_stake_and_joins_its_models() {
	run_test(|| {
		register(EXECUTOR, STAKE, &[EMBEDDING_MODEL, GENERATION_MODEL], 2);
		let executor = Executors::<Test>::get(EXECUTOR).expect("registered");
		assert_eq!(executor.stake, STAKE);
		assert_eq!(executor.capacity, 2);
		assert_eq!(executor.status, StakeStatus::Active);
		assert_eq!(Settlement::held(&EXECUTOR, Bond::ExecutorStake), STAKE);
		assert_eq!(free(EXECUTOR), ENDOWMENT - STAKE);
		assert_eq!(ModelExecutors::<Test>::get(EMBEDDING_MODEL).to_vec(), vec![(EXECUTOR, 0)]);
		assert_eq!(ModelExecutors::<Test>::get(GENERATION_MODEL).to_vec(), vec![(EXECUTOR, 0)]);
		System::assert_last_event(
			Event::ExecutorRegistered { executor: EXECUTOR, stake: STAKE, capacity: 2 }.into(),
		);
	});
}

#[test]
fn register_executor_errors() {
	run_test(|| {
		let call = |who, stake, served: &[u64], capacity| {
			Inference::register_executor(
				RuntimeOrigin::signed(who),
				stake,
				models(served),
				capacity,
			)
		};
		assert_noop!(call(EXECUTOR, MIN_STAKE - 1, &[0], 1), Error::<Test>::StakeTooLow);
		assert_noop!(call(EXECUTOR, STAKE, &[0], 0), Error::<Test>::BadCapacity);
		assert_noop!(call(EXECUTOR, STAKE, &[0], 9), Error::<Test>::BadCapacity);
		assert_noop!(call(EXECUTOR, STAKE, &[], 1), Error::<Test>::NoModels);
		assert_noop!(call(EXECUTOR, STAKE, &[0, 0], 1), Error::<Test>::DuplicateModel);
		assert_noop!(call(EXECUTOR, STAKE, &[42], 1), Error::<Test>::ModelNotActive);
		assert_noop!(call(POOR, MIN_STAKE, &[0], 1), Error::<Test>::InsufficientBalance);
		assert_noop!(
			Inference::register_executor(RuntimeOrigin::none(), STAKE, models(&[0]), 1),
			DispatchError::BadOrigin
		);
		register(EXECUTOR, STAKE, &[0], 1);
		assert_noop!(call(EXECUTOR, STAKE, &[0], 1), Error::<Test>::AlreadyExecutor);
	});
}

#[test]
fn a_model_takes_a_bounded_number_of_executors() {
	run_test(|| {
		for who in 10..14 {
			assert_ok!(<Balances as Mutate<_>>::transfer(
				&REQUESTER,
				&who,
				2 * STAKE,
				frame_support::traits::tokens::Preservation::Preserve
			));
			register(who, STAKE, &[EMBEDDING_MODEL], 1);
		}
		assert_noop!(
			Inference::register_executor(
				RuntimeOrigin::signed(EXECUTOR),
				STAKE,
				models(&[EMBEDDING_MODEL]),
				1
			),
			Error::<Test>::TooManyExecutors
		);
	});
}

#[test]
fn update_executor_tops_up_and_changes_models() {
	run_test(|| {
		register(EXECUTOR, STAKE, &[EMBEDDING_MODEL], 1);
		assert_ok!(Inference::update_executor(
			RuntimeOrigin::signed(EXECUTOR),
			500,
			models(&[GENERATION_MODEL]),
			3
		));
		let executor = Executors::<Test>::get(EXECUTOR).expect("registered");
		assert_eq!(executor.stake, STAKE + 500);
		assert_eq!(executor.capacity, 3);
		assert!(ModelExecutors::<Test>::get(EMBEDDING_MODEL).is_empty());
		assert_eq!(ModelExecutors::<Test>::get(GENERATION_MODEL).to_vec(), vec![(EXECUTOR, 0)]);
		System::assert_last_event(
			Event::ExecutorUpdated { executor: EXECUTOR, stake: STAKE + 500, capacity: 3 }.into(),
		);
	});
}

#[test]
fn update_executor_errors() {
	run_test(|| {
		let update = |who, stake, capacity| {
			Inference::update_executor(RuntimeOrigin::signed(who), stake, models(&[0]), capacity)
		};
		assert_noop!(update(EXECUTOR, 0, 1), Error::<Test>::NotExecutor);
		register(EXECUTOR, STAKE, &[0], 1);
		assert_noop!(update(EXECUTOR, 0, 0), Error::<Test>::BadCapacity);
		assert_noop!(update(EXECUTOR, ENDOWMENT, 1), Error::<Test>::InsufficientBalance);
		assert_ok!(Inference::unregister_executor(RuntimeOrigin::signed(EXECUTOR)));
		assert_noop!(update(EXECUTOR, 0, 1), Error::<Test>::ExecutorUnbonding);
	});
}

#[test]
fn unregistering_unbonds_and_withdrawing_returns_the_stake() {
	run_test(|| {
		register(EXECUTOR, STAKE, &[EMBEDDING_MODEL], 1);
		assert_ok!(Inference::unregister_executor(RuntimeOrigin::signed(EXECUTOR)));
		System::assert_last_event(
			Event::ExecutorUnbonding { executor: EXECUTOR, until: 11 }.into(),
		);
		assert!(ModelExecutors::<Test>::get(EMBEDDING_MODEL).is_empty());
		assert_noop!(
			Inference::withdraw_stake(RuntimeOrigin::signed(EXECUTOR)),
			Error::<Test>::StillUnbonding
		);
		run_to(11);
		assert_ok!(Inference::withdraw_stake(RuntimeOrigin::signed(EXECUTOR)));
		assert_eq!(free(EXECUTOR), ENDOWMENT);
		assert!(Executors::<Test>::get(EXECUTOR).is_none());
		System::assert_last_event(
			Event::ExecutorWithdrawn { executor: EXECUTOR, stake: STAKE }.into(),
		);
	});
}

#[test]
fn a_stake_never_leaves_while_requests_are_open() {
	run_test(|| {
		register(EXECUTOR, STAKE, &[EMBEDDING_MODEL], 1);
		let request = request_embedding(FEE);
		assert_ok!(Inference::unregister_executor(RuntimeOrigin::signed(EXECUTOR)));
		run_to(11);
		// The deadline is block 11 and the result never came: it expired,
		// so nothing is open any more.
		assert_eq!(Requests::<Test>::get(request).expect("kept").status, RequestStatus::Expired);
		assert_ok!(Inference::withdraw_stake(RuntimeOrigin::signed(EXECUTOR)));
	});
}

#[test]
fn withdraw_errors() {
	run_test(|| {
		assert_noop!(
			Inference::withdraw_stake(RuntimeOrigin::signed(EXECUTOR)),
			Error::<Test>::NotExecutor
		);
		register(EXECUTOR, STAKE, &[EMBEDDING_MODEL], 1);
		assert_noop!(
			Inference::withdraw_stake(RuntimeOrigin::signed(EXECUTOR)),
			Error::<Test>::NotUnbonding
		);
		let _ = request_embedding(FEE);
		assert_ok!(Inference::unregister_executor(RuntimeOrigin::signed(EXECUTOR)));
		assert_noop!(
			Inference::unregister_executor(RuntimeOrigin::signed(EXECUTOR)),
			Error::<Test>::ExecutorUnbonding
		);
		System::set_block_number(11);
		assert_noop!(
			Inference::withdraw_stake(RuntimeOrigin::signed(EXECUTOR)),
			Error::<Test>::HasOpenRequests
		);
	});
}

// --- requests -----------------------------------------------------------------

#[test]
fn a_request_is_escrowed_assigned_and_queued() {
	run_test(|| {
		register(EXECUTOR, STAKE, &[EMBEDDING_MODEL], 2);
		let request = request_embedding(FEE);
		let record = Requests::<Test>::get(request).expect("stored");
		assert_eq!(record.executor, Some(EXECUTOR));
		assert_eq!(record.publisher, PUBLISHER);
		assert_eq!(record.status, RequestStatus::Assigned);
		assert_eq!(record.deadline, 11);
		assert_eq!(escrowed(REQUESTER), FEE);
		assert!(PendingWork::<Test>::contains_key(EXECUTOR, request));
		assert_eq!(Queue::<Test>::get(11).to_vec(), vec![request]);
		assert_eq!(Inference::open_requests(EMBEDDING_MODEL), 1);
		assert_eq!(Executors::<Test>::get(EXECUTOR).expect("registered").open, 1);
		System::assert_last_event(
			Event::RequestCreated {
				request,
				requester: REQUESTER,
				model: EMBEDDING_MODEL,
				executor: EXECUTOR,
				max_fee: FEE,
				deadline: 11,
			}
			.into(),
		);
	});
}

#[test]
fn the_fee_must_cover_model_verification_and_protocol() {
	run_test(|| {
		register(EXECUTOR, STAKE, &[EMBEDDING_MODEL, GENERATION_MODEL], 4);
		let record = TestModels::model(EMBEDDING_MODEL).expect("exists");
		let quote = Inference::quote_for(&record, &embedding_params()).expect("quotes");
		assert_eq!(
			(quote.model, quote.verification, quote.protocol, quote.total),
			(100, 60, 5, 165)
		);
		assert_noop!(
			try_request(EMBEDDING_MODEL, embedding_params(), 164),
			Error::<Test>::FeeTooLow
		);
		let _ = request_embedding(165);
		// Generation: 10 + 8 × 5 = 50 for 8 tokens, optimistic (no committee).
		let record = TestModels::model(GENERATION_MODEL).expect("exists");
		let quote = Inference::quote_for(&record, &generation_params(8)).expect("quotes");
		assert_eq!((quote.model, quote.verification, quote.total), (50, 0, 52));
	});
}

#[test]
fn request_errors() {
	run_test(|| {
		register(EXECUTOR, STAKE, &[EMBEDDING_MODEL, GENERATION_MODEL], 4);
		let request = |model, input, params, fee, deadline| {
			Inference::request_inference(
				RuntimeOrigin::signed(REQUESTER),
				model,
				input,
				params,
				fee,
				deadline,
			)
		};
		let ok_input = || text(b"hi");
		assert_noop!(
			request(9, ok_input(), embedding_params(), FEE, 11),
			Error::<Test>::UnknownModel
		);
		assert_noop!(
			request(EMBEDDING_MODEL, ok_input(), generation_params(1), FEE, 11),
			Error::<Test>::BadParams
		);
		assert_noop!(
			request(GENERATION_MODEL, ok_input(), generation_params(0), FEE, 11),
			Error::<Test>::BadParams
		);
		assert_noop!(
			request(GENERATION_MODEL, ok_input(), generation_params(9), FEE, 11),
			Error::<Test>::BadParams
		);
		assert_noop!(
			request(EMBEDDING_MODEL, text(b""), embedding_params(), FEE, 11),
			Error::<Test>::EmptyInput
		);
		assert_noop!(
			request(GENERATION_MODEL, text(&[0xff, 0xfe]), generation_params(1), FEE, 11),
			Error::<Test>::InputNotText
		);
		let empty_file = FileRef { cid: Cid::default(), digest: [0; 32], size: 3 };
		assert_noop!(
			request(EMBEDDING_MODEL, RequestInput::Stored(empty_file), embedding_params(), FEE, 11),
			Error::<Test>::EmptyInput
		);
		assert_noop!(
			request(EMBEDDING_MODEL, ok_input(), embedding_params(), FEE, 2),
			Error::<Test>::BadDeadline
		);
		assert_noop!(
			request(EMBEDDING_MODEL, ok_input(), embedding_params(), FEE, 102),
			Error::<Test>::BadDeadline
		);
		assert_noop!(
			Inference::request_inference(
				RuntimeOrigin::signed(POOR),
				EMBEDDING_MODEL,
				ok_input(),
				embedding_params(),
				FEE,
				11
			),
			Error::<Test>::InsufficientBalance
		);
		TestModels::set_status(EMBEDDING_MODEL, ModelStatus::Deprecated);
		assert_noop!(
			request(EMBEDDING_MODEL, ok_input(), embedding_params(), FEE, 11),
			Error::<Test>::ModelNotActive
		);
	});
}

#[test]
fn no_executor_means_no_request() {
	run_test(|| {
		assert_noop!(
			try_request(EMBEDDING_MODEL, embedding_params(), FEE),
			Error::<Test>::NoExecutorAvailable
		);
		// The requester is never its own executor.
		register(REQUESTER, STAKE, &[EMBEDDING_MODEL], 1);
		assert_noop!(
			try_request(EMBEDDING_MODEL, embedding_params(), FEE),
			Error::<Test>::NoExecutorAvailable
		);
	});
}

#[test]
fn a_deadline_block_takes_a_bounded_number_of_requests() {
	run_test(|| {
		register(EXECUTOR, STAKE, &[EMBEDDING_MODEL], 8);
		for _ in 0..4 {
			let _ = request_embedding(FEE);
		}
		assert_noop!(
			try_request(EMBEDDING_MODEL, embedding_params(), FEE),
			Error::<Test>::QueueFull
		);
	});
}

#[test]
fn assignment_follows_stake() {
	run_test(|| {
		register(EXECUTOR, 9 * MIN_STAKE, &[EMBEDDING_MODEL], 1);
		register(OTHER_EXECUTOR, MIN_STAKE, &[EMBEDDING_MODEL], 1);
		let mut heavy = 0;
		for round in 0..200u64 {
			System::set_block_number(round + 1);
			let request = request_embedding(FEE);
			if Requests::<Test>::get(request).expect("stored").executor == Some(EXECUTOR) {
				heavy += 1;
			}
			assert_ok!(Inference::cancel_request(RuntimeOrigin::signed(REQUESTER), request));
		}
		// Expect about 180 of 200; far from an even split either way.
		assert!((160..=195).contains(&heavy), "the 90% stake got {heavy} of 200");
	});
}

#[test]
fn cancelling_costs_the_models_price() {
	run_test(|| {
		register(EXECUTOR, STAKE, &[EMBEDDING_MODEL], 1);
		let executor_free = free(EXECUTOR);
		let request = request_embedding(FEE);
		assert_ok!(Inference::cancel_request(RuntimeOrigin::signed(REQUESTER), request));
		// The price (100) and the protocol fee (5), as for an unverified
		// acceptance; the rest comes back.
		assert_eq!(free(REQUESTER), ENDOWMENT - 105);
		assert_eq!(free(EXECUTOR), executor_free + 90);
		assert_eq!(free(PUBLISHER), ENDOWMENT + 10);
		let record = Requests::<Test>::get(request).expect("kept until pruned");
		assert_eq!(record.status, RequestStatus::Cancelled);
		assert!(matches!(record.settled, Some(Settled::Paid(p)) if p.refund == FEE - 105));
		assert!(!PendingWork::<Test>::contains_key(EXECUTOR, request));
		assert_eq!(Inference::open_requests(EMBEDDING_MODEL), 0);
		System::assert_last_event(Event::RequestCancelled { request, refund: FEE - 105 }.into());
	});
}

/// The attack: the requester watches the pool, sees the executor's
/// `submit_result` (the output in clear), and places a tipped cancel ahead
/// of it. It used to keep the output and get a full refund. Now the cancel
/// costs what the result would have, so seeing the output is never free.
#[test]
fn a_cancel_placed_ahead_of_the_result_does_not_get_the_inference_free() {
	run_test(|| {
		register(EXECUTOR, STAKE, &[GENERATION_MODEL], 1);
		let request = crate::NextRequestId::<Test>::get();
		assert_ok!(try_request(GENERATION_MODEL, generation_params(8), FEE));
		// The executor's result (8 tokens) waits in the pool; the cancel lands
		// first.
		assert_ok!(Inference::cancel_request(RuntimeOrigin::signed(REQUESTER), request));
		assert_noop!(
			submit(EXECUTOR, request, generation_output(8)),
			Error::<Test>::NotAwaitingResult
		);
		let paid = ENDOWMENT - free(REQUESTER);
		let quote = Inference::quote_for(
			&TestModels::model(GENERATION_MODEL).expect("registered"),
			&generation_params(8),
		)
		.expect("quotes");
		// At least the model's price for every token asked for, and the
		// protocol's share: what an accepted result without verifiers costs.
		assert_eq!(paid, quote.model + quote.protocol);
		assert!(paid > 0);
	});
}

#[test]
fn cancel_errors() {
	run_test(|| {
		register(EXECUTOR, STAKE, &[EMBEDDING_MODEL], 1);
		assert_noop!(
			Inference::cancel_request(RuntimeOrigin::signed(REQUESTER), 5),
			Error::<Test>::UnknownRequest
		);
		TestVerification::verify_later();
		let request = request_embedding(FEE);
		assert_noop!(
			Inference::cancel_request(RuntimeOrigin::signed(EXECUTOR), request),
			Error::<Test>::NotRequester
		);
		assert_ok!(submit(EXECUTOR, request, embedding_output()));
		assert_noop!(
			Inference::cancel_request(RuntimeOrigin::signed(REQUESTER), request),
			Error::<Test>::NotAwaitingResult
		);
	});
}

// --- results --------------------------------------------------------------------

#[test]
fn an_accepted_result_pays_executor_publisher_and_treasury() {
	run_test(|| {
		register(EXECUTOR, STAKE, &[EMBEDDING_MODEL], 1);
		let request = request_embedding(FEE);
		assert_ok!(submit(EXECUTOR, request, embedding_output()));

		let record = Requests::<Test>::get(request).expect("kept");
		assert_eq!(record.status, RequestStatus::Accepted);
		let Some(Settled::Paid(payouts)) = record.settled else { panic!("paid") };
		assert_eq!((payouts.executor, payouts.royalty, payouts.treasury), (90, 10, 5));
		assert_eq!(payouts.refund, FEE - 105);
		assert_eq!(free(EXECUTOR), ENDOWMENT - STAKE + 90);
		assert_eq!(free(PUBLISHER), ENDOWMENT + 10);
		assert_eq!(free(REQUESTER), ENDOWMENT - 105);
		assert_eq!(escrowed(REQUESTER), 0);
		assert_eq!(Executors::<Test>::get(EXECUTOR).expect("registered").reputation, 1);
		let result = record.result.expect("committed");
		assert_eq!(result.output_digest, sp_io::hashing::blake2_256(&embedding_output()));
		assert_eq!(result.proof_cid, proof_cid());
		System::assert_has_event(
			Event::ResultSubmitted {
				request,
				executor: EXECUTOR,
				output_digest: result.output_digest,
				proof_cid: proof_cid(),
			}
			.into(),
		);
		System::assert_last_event(Event::RequestAccepted { request }.into());
	});
}

#[test]
fn generation_is_paid_per_generated_token() {
	run_test(|| {
		register(EXECUTOR, STAKE, &[GENERATION_MODEL], 1);
		let request = crate::NextRequestId::<Test>::get();
		assert_ok!(try_request(GENERATION_MODEL, generation_params(8), 100));
		assert_ok!(submit(EXECUTOR, request, generation_output(3)));
		// 10 + 3 × 5 = 25: the executor gets 25 less a 10% royalty (2).
		let Some(Settled::Paid(payouts)) = Requests::<Test>::get(request).expect("kept").settled
		else {
			panic!("paid")
		};
		assert_eq!((payouts.executor, payouts.royalty, payouts.treasury), (23, 2, 1));
		assert_eq!(free(REQUESTER), ENDOWMENT - 26);
	});
}

#[test]
fn submit_result_errors() {
	run_test(|| {
		register(EXECUTOR, STAKE, &[EMBEDDING_MODEL, GENERATION_MODEL], 4);
		let request = request_embedding(FEE);
		assert_noop!(submit(EXECUTOR, 77, embedding_output()), Error::<Test>::UnknownRequest);
		assert_noop!(
			submit(OTHER_EXECUTOR, request, embedding_output()),
			Error::<Test>::NotAssignedExecutor
		);
		let output = embedding_output();
		assert_noop!(
			Inference::submit_result(
				RuntimeOrigin::signed(EXECUTOR),
				request,
				output,
				[0; 32],
				proof_cid(),
				[0; 32]
			),
			Error::<Test>::DigestMismatch
		);
		let garbage: OutputBytes = vec![9, 9, 9].try_into().expect("fits");
		assert_noop!(submit(EXECUTOR, request, garbage), Error::<Test>::MalformedOutput);
		assert_noop!(
			submit(EXECUTOR, request, generation_output(1)),
			Error::<Test>::WrongOutputShape
		);
		let output = embedding_output();
		let digest = sp_io::hashing::blake2_256(&output);
		assert_noop!(
			Inference::submit_result(
				RuntimeOrigin::signed(EXECUTOR),
				request,
				output,
				digest,
				Cid::default(),
				[0; 32]
			),
			Error::<Test>::EmptyProofCid
		);

		let generation = crate::NextRequestId::<Test>::get();
		assert_ok!(try_request(GENERATION_MODEL, generation_params(2), 100));
		assert_noop!(
			submit(EXECUTOR, generation, generation_output(3)),
			Error::<Test>::TooManyTokens
		);

		assert_ok!(submit(EXECUTOR, request, embedding_output()));
		assert_noop!(
			submit(EXECUTOR, request, embedding_output()),
			Error::<Test>::NotAwaitingResult
		);

		System::set_block_number(12);
		assert_noop!(
			submit(EXECUTOR, generation, generation_output(2)),
			Error::<Test>::DeadlinePassed
		);
	});
}

// --- verdicts -------------------------------------------------------------------

#[test]
fn an_accepted_verdict_pays_the_verifiers() {
	run_test(|| {
		TestVerification::verify_later();
		register(EXECUTOR, STAKE, &[EMBEDDING_MODEL], 1);
		let request = request_embedding(FEE);
		assert_ok!(submit(EXECUTOR, request, embedding_output()));
		assert_eq!(Requests::<Test>::get(request).expect("kept").status, RequestStatus::Submitted);
		let submitted = TestVerification::submitted();
		assert_eq!(submitted.len(), 1);
		assert_eq!(submitted[0].executor, EXECUTOR);

		assert_ok!(Inference::on_verdict(
			request,
			Verdict::Accepted { verifiers: VERIFIERS.to_vec() }
		));
		for verifier in VERIFIERS {
			assert_eq!(free(verifier), ENDOWMENT + 20);
		}
		assert_eq!(free(REQUESTER), ENDOWMENT - 145);
		assert_eq!(Requests::<Test>::get(request).expect("kept").status, RequestStatus::Accepted);
	});
}

#[test]
fn a_fraud_verdict_slashes_the_executor_and_refunds_the_requester() {
	run_test(|| {
		TestVerification::verify_later();
		register(EXECUTOR, STAKE, &[EMBEDDING_MODEL], 1);
		let request = request_embedding(FEE);
		assert_ok!(submit(EXECUTOR, request, embedding_output()));
		assert_ok!(Inference::on_verdict(
			request,
			Verdict::Fraud { challenger: Some(CHALLENGER), verifiers: VERIFIERS.to_vec() }
		));

		assert_eq!(free(REQUESTER), ENDOWMENT);
		let executor = Executors::<Test>::get(EXECUTOR).expect("kept");
		assert_eq!(executor.stake, STAKE / 2);
		assert_eq!(executor.reputation, -1);
		assert_eq!(free(CHALLENGER), ENDOWMENT + 1_500);
		assert_eq!(free(VERIFIERS[0]), ENDOWMENT + 750);
		let record = Requests::<Test>::get(request).expect("kept");
		assert_eq!(record.status, RequestStatus::Rejected);
		assert!(matches!(record.settled, Some(Settled::Fraud(p)) if p.slashed == STAKE / 2));
		System::assert_last_event(Event::RequestRejected { request }.into());
	});
}

/// A request the verifiers could not run: they get their fees, the
/// requester the rest; the executor is neither paid nor slashed.
#[test]
fn an_unrunnable_verdict_pays_the_verifiers_and_refunds_the_rest() {
	run_test(|| {
		TestVerification::verify_later();
		register(EXECUTOR, STAKE, &[EMBEDDING_MODEL], 1);
		let executor_free = free(EXECUTOR);
		let request = request_embedding(FEE);
		assert_ok!(submit(EXECUTOR, request, embedding_output()));
		assert_ok!(Inference::on_verdict(
			request,
			Verdict::Unrunnable { verifiers: VERIFIERS.to_vec() }
		));
		for verifier in VERIFIERS {
			assert_eq!(free(verifier), ENDOWMENT + 20);
		}
		assert_eq!(free(REQUESTER), ENDOWMENT - 40);
		assert_eq!(free(EXECUTOR), executor_free);
		let executor = Executors::<Test>::get(EXECUTOR).expect("kept");
		assert_eq!((executor.stake, executor.reputation, executor.open), (STAKE, 0, 0));
		let record = Requests::<Test>::get(request).expect("kept");
		assert_eq!(record.status, RequestStatus::Unrunnable);
		assert!(record.status.is_final());
		System::assert_last_event(Event::RequestUnrunnable { request }.into());
	});
}

#[test]
fn an_executor_slashed_below_the_minimum_stops_taking_requests() {
	run_test(|| {
		TestVerification::verify_later();
		register(EXECUTOR, MIN_STAKE, &[EMBEDDING_MODEL], 1);
		let request = request_embedding(FEE);
		assert_ok!(submit(EXECUTOR, request, embedding_output()));
		assert_ok!(Inference::on_verdict(
			request,
			Verdict::Fraud { challenger: None, verifiers: vec![] }
		));
		let executor = Executors::<Test>::get(EXECUTOR).expect("kept");
		assert!(matches!(executor.status, StakeStatus::Unbonding { .. }));
		assert!(ModelExecutors::<Test>::get(EMBEDDING_MODEL).is_empty());
	});
}

#[test]
fn verdict_errors() {
	run_test(|| {
		TestVerification::verify_later();
		register(EXECUTOR, STAKE, &[EMBEDDING_MODEL], 1);
		assert_noop!(
			Inference::on_verdict(3, Verdict::Accepted { verifiers: vec![] }),
			Error::<Test>::UnknownRequest
		);
		let request = request_embedding(FEE);
		assert_noop!(
			Inference::on_verdict(request, Verdict::Accepted { verifiers: vec![] }),
			Error::<Test>::NotAwaitingVerdict
		);
	});
}

// --- deadlines and pruning ------------------------------------------------------------

#[test]
fn a_missed_deadline_refunds_and_penalises() {
	run_test(|| {
		register(EXECUTOR, STAKE, &[EMBEDDING_MODEL], 1);
		let request = request_embedding(FEE);
		run_to(10);
		assert_eq!(Requests::<Test>::get(request).expect("kept").status, RequestStatus::Assigned);
		run_to(11);
		let record = Requests::<Test>::get(request).expect("kept");
		assert_eq!(record.status, RequestStatus::Expired);
		assert_eq!(free(REQUESTER), ENDOWMENT);
		let executor = Executors::<Test>::get(EXECUTOR).expect("kept");
		assert_eq!(executor.stake, STAKE - STAKE / 100);
		assert_eq!(executor.reputation, -1);
		assert_eq!(free(TREASURY), 1 + STAKE / 100);
		System::assert_has_event(
			Event::RequestExpired { request, executor: EXECUTOR, slashed: STAKE / 100 }.into(),
		);
	});
}

#[test]
fn a_submitted_result_does_not_expire() {
	run_test(|| {
		TestVerification::verify_later();
		register(EXECUTOR, STAKE, &[EMBEDDING_MODEL], 1);
		let request = request_embedding(FEE);
		assert_ok!(submit(EXECUTOR, request, embedding_output()));
		run_to(15);
		assert_eq!(Requests::<Test>::get(request).expect("kept").status, RequestStatus::Submitted);
	});
}

#[test]
fn settled_requests_are_pruned_after_retention() {
	run_test(|| {
		register(EXECUTOR, STAKE, &[EMBEDDING_MODEL], 1);
		let request = request_embedding(FEE);
		assert_ok!(submit(EXECUTOR, request, embedding_output()));
		// Finished at block 1, retained for 20 blocks.
		run_to(20);
		assert!(Requests::<Test>::get(request).is_some());
		run_to(21);
		assert!(Requests::<Test>::get(request).is_none());
	});
}

#[test]
fn the_sweep_stops_when_weight_runs_out_and_resumes() {
	run_test(|| {
		register(EXECUTOR, STAKE, &[EMBEDDING_MODEL], 8);
		let requests: Vec<u64> = (0..3).map(|_| request_embedding(FEE)).collect();
		System::set_block_number(11);
		assert_eq!(Inference::on_idle(11, Weight::zero()), Weight::zero());
		// Room for the sweep's base and one request (blocks cost nothing in
		// the mock's database): only the first request expires.
		let budget = <() as crate::WeightInfo>::sweep(1);
		Inference::on_idle(11, budget);
		let statuses: Vec<_> =
			requests.iter().map(|id| Requests::<Test>::get(id).expect("kept").status).collect();
		assert_eq!(
			statuses,
			vec![RequestStatus::Expired, RequestStatus::Assigned, RequestStatus::Assigned]
		);
		Inference::on_idle(11, Weight::MAX);
		for id in requests {
			assert_eq!(Requests::<Test>::get(id).expect("kept").status, RequestStatus::Expired);
		}
	});
}

// --- queries --------------------------------------------------------------------

#[test]
fn requests_are_listed_by_status_in_pages() {
	run_test(|| {
		register(EXECUTOR, STAKE, &[EMBEDDING_MODEL], 8);
		let ids: Vec<u64> = (0..4).map(|_| request_embedding(FEE)).collect();
		assert_ok!(Inference::cancel_request(RuntimeOrigin::signed(REQUESTER), ids[1]));
		assert_ok!(submit(EXECUTOR, ids[2], embedding_output()));

		let assigned = Inference::requests_by_status(RequestStatus::Assigned, 0, 10);
		assert_eq!(assigned.requests, vec![ids[0], ids[3]]);
		assert_eq!(assigned.next, None);
		let first = Inference::requests_by_status(RequestStatus::Assigned, 0, 1);
		assert_eq!(first.requests, vec![ids[0]]);
		let rest =
			Inference::requests_by_status(RequestStatus::Assigned, first.next.expect("more"), 1);
		assert_eq!(rest.requests, vec![ids[3]]);
		assert_eq!(
			Inference::requests_by_status(RequestStatus::Cancelled, 0, 10).requests,
			vec![ids[1]]
		);
		assert_eq!(
			Inference::requests_by_status(RequestStatus::Accepted, 0, 10).requests,
			vec![ids[2]]
		);
		assert!(Inference::requests_by_status(RequestStatus::Expired, 0, 10).requests.is_empty());
	});
}

// --- a property test over random histories --------------------------------------

#[derive(Clone, Debug)]
enum Step {
	Request { generation: bool, tokens: u32, fee: Balance, due_in: u64 },
	Submit { pick: usize, tokens: u32 },
	Cancel { pick: usize },
	Verdict { pick: usize, fraud: bool, challenged: bool, verifiers: usize },
	Advance { blocks: u64 },
}

fn step() -> impl Strategy<Value = Step> {
	prop_oneof![
		(any::<bool>(), 1u32..=8, 0u128..400, 0u64..15).prop_map(
			|(generation, tokens, fee, due_in)| Step::Request { generation, tokens, fee, due_in }
		),
		(any::<usize>(), 0u32..=8).prop_map(|(pick, tokens)| Step::Submit { pick, tokens }),
		any::<usize>().prop_map(|pick| Step::Cancel { pick }),
		(any::<usize>(), any::<bool>(), any::<bool>(), 0usize..=2).prop_map(
			|(pick, fraud, challenged, verifiers)| Step::Verdict {
				pick,
				fraud,
				challenged,
				verifiers
			}
		),
		(1u64..6).prop_map(|blocks| Step::Advance { blocks }),
	]
}

/// A request id among those made so far.
fn pick(index: usize) -> Option<u64> {
	let next = crate::NextRequestId::<Test>::get();
	(next > 0).then(|| index as u64 % next)
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(64))]

	/// Requests, results, cancellations, deadlines, acceptances and frauds in
	/// any order, successful or not: no funds are created or destroyed, and
	/// every index and counter agrees with the requests.
	#[test]
	fn random_histories_conserve_funds_and_stay_consistent(
		steps in proptest::collection::vec(step(), 1..60),
		verify_later in any::<bool>(),
	) {
		run_test(|| {
			if verify_later {
				TestVerification::verify_later();
			}
			register(EXECUTOR, STAKE, &[EMBEDDING_MODEL, GENERATION_MODEL], 8);
			register(OTHER_EXECUTOR, MIN_STAKE, &[EMBEDDING_MODEL, GENERATION_MODEL], 8);
			for step in steps {
				let _ = match step {
					Step::Request { generation, tokens, fee, due_in } => {
						let (model, params) = if generation {
							(GENERATION_MODEL, generation_params(tokens))
						} else {
							(EMBEDDING_MODEL, embedding_params())
						};
						Inference::request_inference(
							RuntimeOrigin::signed(REQUESTER),
							model,
							text(b"input"),
							params,
							fee,
							System::block_number() + due_in,
						)
						.map(|_| ())
						.map_err(|error| error.error)
					},
					Step::Submit { pick: index, tokens } => match pick(index)
						.and_then(|id| Requests::<Test>::get(id).map(|r| (id, r)))
					{
						Some((id, record)) => {
							let output = if record.model == GENERATION_MODEL {
								generation_output(tokens)
							} else {
								embedding_output()
							};
							submit(record.executor.expect("assigned"), id, output)
						},
						None => Ok(()),
					},
					Step::Cancel { pick: index } => match pick(index) {
						Some(id) => Inference::cancel_request(RuntimeOrigin::signed(REQUESTER), id),
						None => Ok(()),
					},
					Step::Verdict { pick: index, fraud, challenged, verifiers } => match pick(index) {
						Some(id) => {
							let verifiers = VERIFIERS[..verifiers].to_vec();
							let verdict = match (fraud, challenged) {
								(true, _) => Verdict::Fraud {
									challenger: challenged.then_some(CHALLENGER),
									verifiers,
								},
								(false, false) => Verdict::Accepted { verifiers },
								(false, true) => Verdict::Unrunnable { verifiers },
							};
							frame_support::storage::with_storage_layer(|| {
								Inference::on_verdict(id, verdict)
							})
						},
						None => Ok(()),
					},
					Step::Advance { blocks } => {
						run_to(System::block_number() + blocks);
						Ok(())
					},
				};
				Inference::do_try_state().expect("inference invariants hold after every step");
				Settlement::do_try_state().expect("settlement invariants hold after every step");
			}
		});
	}
}

/// A request is charged for drawing among the most executors a model may
/// have, and refunded to those the model has.
#[test]
fn a_request_pays_for_the_executors_its_model_has() {
	use crate::WeightInfo as _;
	run_test(|| {
		register(EXECUTOR, STAKE, &[EMBEDDING_MODEL], 4);
		register(OTHER_EXECUTOR, STAKE, &[EMBEDDING_MODEL], 4);
		let info = Inference::request_inference(
			RuntimeOrigin::signed(REQUESTER),
			EMBEDDING_MODEL,
			text(b"A man is eating food."),
			embedding_params(),
			FEE,
			System::block_number() + 10,
		)
		.expect("requested");
		let weights = <Test as crate::Config>::WeightInfo::request_inference;
		assert_eq!(info.actual_weight, Some(weights(2)));
		let most: u32 =
			<<Test as crate::Config>::MaxExecutorsPerModel as frame_support::traits::Get<u32>>::get(
			);
		assert!(weights(2).all_lt(weights(most)));
	});
}
