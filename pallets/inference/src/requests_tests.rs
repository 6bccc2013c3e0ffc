//! Requests made on a requester's behalf through [`InferenceRequests`]: the
//! check that changes nothing, the request that is an ordinary one, and
//! which refusals pass and which last.

use frame_support::{assert_noop, assert_ok, traits::fungible::InspectHold};
use veritas_primitives::{
	inference::RequestInput,
	model::{ModelStatus, Pricing},
	oracle::{FeedError, FeedReading},
	subscription::{InferenceRequests, RequestRefused, RequestSpec},
};

use crate::{
	input_tests::features, mock::*, tests::register, Error, NextRequestId, RequestStatus, Requests,
};

const FEE: Balance = 200;
const FEED: u32 = 5;

fn spec(model: u64, input: RequestInput) -> RequestSpec<Balance, BlockNumber> {
	RequestSpec { model, input, params: Default::default(), max_fee: FEE, deadline_after: 10 }
}

fn loan(max_age_blocks: u32) -> RequestInput {
	RequestInput::Feed {
		feed_id: FEED,
		max_age_blocks,
		features: features(&[1.0, 2.0]),
		position: 1,
	}
}

fn reading(value: i128, updated_at: BlockNumber) -> FeedReading<BlockNumber> {
	FeedReading { value, decimals: 2, round: 1, updated_at, reporters: 3 }
}

fn escrowed(who: AccountId) -> Balance {
	Balances::balance_on_hold(&pallet_settlement::HoldReason::RequestEscrow.into(), &who)
}

#[test]
fn a_check_answers_as_a_request_would_and_changes_nothing() {
	run_test(|| {
		register(EXECUTOR, MIN_STAKE, &[TABULAR_MODEL], 4);
		TestFeeds::set(FEED, Ok(reading(425, 1)));
		let free = Balances::free_balance(REQUESTER);
		System::reset_events();
		assert_ok!(Inference::check(&REQUESTER, &spec(TABULAR_MODEL, loan(5))));
		assert_eq!(NextRequestId::<Test>::get(), 0);
		assert_eq!(Balances::free_balance(REQUESTER), free);
		assert!(System::events().is_empty(), "the trial request left no event");

		let too_cheap = RequestSpec { max_fee: 1, ..spec(TABULAR_MODEL, loan(5)) };
		assert_noop!(Inference::check(&REQUESTER, &too_cheap), Error::<Test>::FeeTooLow);
		let too_soon = RequestSpec { deadline_after: 1, ..spec(TABULAR_MODEL, loan(5)) };
		assert_noop!(Inference::check(&REQUESTER, &too_soon), Error::<Test>::BadDeadline);
		assert_noop!(Inference::check(&REQUESTER, &spec(99, loan(5))), Error::<Test>::UnknownModel);
		assert_noop!(
			Inference::check(&REQUESTER, &spec(EMBEDDING_MODEL, loan(5))),
			Error::<Test>::FeedNeedsTabularModel
		);
	});
}

#[test]
fn a_request_on_a_requesters_behalf_is_an_ordinary_one_with_the_feed_read_at_its_block() {
	run_test(|| {
		register(EXECUTOR, MIN_STAKE, &[TABULAR_MODEL], 4);
		TestFeeds::set(FEED, Ok(reading(425, 1)));
		let first = Inference::request(&REQUESTER, &spec(TABULAR_MODEL, loan(5)));
		assert_eq!(first, Ok(0));
		System::set_block_number(4);
		TestFeeds::set(FEED, Ok(reading(510, 4)));
		assert_eq!(Inference::request(&REQUESTER, &spec(TABULAR_MODEL, loan(5))), Ok(1));

		assert_eq!(escrowed(REQUESTER), 2 * FEE);
		let values: Vec<_> = [0, 1]
			.into_iter()
			.map(|id| {
				let record = Requests::<Test>::get(id).expect("made");
				assert_eq!(record.requester, REQUESTER);
				assert_eq!(record.executor, Some(EXECUTOR));
				assert_eq!(record.status, RequestStatus::Assigned);
				assert_eq!(record.deadline, record.created + 10);
				record.feed.expect("a feed input").reading.value
			})
			.collect();
		assert_eq!(values, vec![425, 510], "each request scores the feed's value at its block");
	});
}

#[test]
fn refusals_that_pass_are_told_from_those_that_last_and_change_nothing() {
	run_test(|| {
		let request = |spec| Inference::request(&REQUESTER, &spec);
		let refused = |spec, reason: RequestRefused| {
			let free = Balances::free_balance(REQUESTER);
			assert_eq!(request(spec), Err(reason));
			assert_eq!(Balances::free_balance(REQUESTER), free);
			assert_eq!(NextRequestId::<Test>::get(), 0);
		};
		TestFeeds::set(FEED, Ok(reading(425, 1)));
		refused(spec(TABULAR_MODEL, loan(5)), RequestRefused::NoExecutorAvailable);
		register(EXECUTOR, MIN_STAKE, &[TABULAR_MODEL, EMBEDDING_MODEL], 4);

		TestFeeds::set(FEED, Err(FeedError::NoValue));
		refused(spec(TABULAR_MODEL, loan(5)), RequestRefused::FeedNotReady);
		TestFeeds::set(FEED, Ok(reading(425, 1)));
		System::set_block_number(20);
		refused(spec(TABULAR_MODEL, loan(5)), RequestRefused::FeedNotReady);
		TestFeeds::set(FEED, Err(FeedError::Unknown));
		refused(spec(TABULAR_MODEL, loan(5)), RequestRefused::FeedUnavailable);

		let text = RequestInput::Inline(b"a loan".to_vec().try_into().expect("fits"));
		refused(spec(99, text.clone()), RequestRefused::ModelUnavailable);
		TestModels::change_terms(
			EMBEDDING_MODEL,
			Pricing { per_request: 1_000, per_output_token: 0 },
		);
		refused(spec(EMBEDDING_MODEL, text.clone()), RequestRefused::FeeTooLow);
		TestModels::set_status(EMBEDDING_MODEL, ModelStatus::Deprecated);
		refused(spec(EMBEDDING_MODEL, text.clone()), RequestRefused::ModelUnavailable);
		refused(
			RequestSpec { deadline_after: 1_000, ..spec(TABULAR_MODEL, text) },
			RequestRefused::NoLongerValid,
		);
	});
}

#[test]
fn a_full_waiting_line_is_a_refusal_that_passes() {
	run_test(|| {
		register(EXECUTOR, MIN_STAKE, &[TABULAR_MODEL], 1);
		TestFeeds::set(FEED, Ok(reading(425, 1)));
		// One assigned, three waiting (the line's bound), then no room.
		for id in 0..4 {
			assert_eq!(Inference::request(&REQUESTER, &spec(TABULAR_MODEL, loan(5))), Ok(id));
		}
		assert_eq!(
			Inference::request(&REQUESTER, &spec(TABULAR_MODEL, loan(5))),
			Err(RequestRefused::Busy)
		);
		assert_eq!(escrowed(REQUESTER), 4 * FEE);
	});
}
