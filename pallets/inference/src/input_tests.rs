//! Inline inputs checked against the model's task, and requests whose input
//! takes a data feed's latest value.

use codec::Encode;
use frame_support::{assert_noop, assert_ok};
use veritas_primitives::{
	inference::{F32Bits, InferenceParams, InlineInput, RequestInput},
	oracle::{FeedError, FeedInput, FeedReading},
};

use crate::{mock::*, Error, Requests};

const FEED: u32 = 5;
const FEE: Balance = 200;

fn reading(value: i128, decimals: u8, updated_at: BlockNumber) -> FeedReading<BlockNumber> {
	FeedReading { value, decimals, round: 3, updated_at, reporters: 2 }
}

pub(crate) fn features(values: &[f32]) -> InlineInput {
	let values: Vec<F32Bits> = values.iter().copied().map(F32Bits::from).collect();
	InlineInput::truncate_from(values.encode())
}

fn feed_input(features: InlineInput, position: u16, max_age_blocks: u32) -> RequestInput {
	RequestInput::Feed { feed_id: FEED, max_age_blocks, features, position }
}

/// The requester asks `model` about `input`, due in 10 blocks.
pub(crate) fn request(model: u64, input: RequestInput) -> sp_runtime::DispatchResult {
	Inference::request_inference(
		RuntimeOrigin::signed(REQUESTER),
		model,
		input,
		InferenceParams::default(),
		FEE,
		System::block_number() + 10,
	)
	.map(|_| ())
	.map_err(|error| error.error)
}

fn register_executor() {
	assert_ok!(Inference::register_executor(
		RuntimeOrigin::signed(EXECUTOR),
		10_000,
		crate::ServedModels::<Test>::truncate_from(vec![TABULAR_MODEL, EMBEDDING_MODEL]),
		4
	));
}

#[test]
fn the_feed_value_goes_into_the_features_and_the_reading_is_recorded() {
	run_test(|| {
		register_executor();
		System::set_block_number(8);
		TestFeeds::set(FEED, Ok(reading(421_234, 4, 3)));
		assert_ok!(request(TABULAR_MODEL, feed_input(features(&[1.5, -2.0]), 1, 5)));

		let record = Requests::<Test>::get(0).expect("recorded");
		assert_eq!(record.input, RequestInput::Inline(features(&[1.5, 42.1234, -2.0])));
		assert_eq!(
			record.feed,
			Some(FeedInput { feed: FEED, reading: reading(421_234, 4, 3), position: 1 })
		);
	});
}

#[test]
fn the_value_may_go_first_or_last() {
	run_test(|| {
		register_executor();
		TestFeeds::set(FEED, Ok(reading(-7, 0, 1)));
		assert_ok!(request(TABULAR_MODEL, feed_input(features(&[1.0, 2.0]), 0, 0)));
		assert_ok!(request(TABULAR_MODEL, feed_input(features(&[1.0, 2.0]), 2, 0)));
		let input = |id| Requests::<Test>::get(id).expect("recorded").input;
		assert_eq!(input(0), RequestInput::Inline(features(&[-7.0, 1.0, 2.0])));
		assert_eq!(input(1), RequestInput::Inline(features(&[1.0, 2.0, -7.0])));
	});
}

#[test]
fn a_value_exactly_max_age_old_is_fresh_enough_and_one_block_more_is_stale() {
	run_test(|| {
		register_executor();
		TestFeeds::set(FEED, Ok(reading(1, 0, 1)));
		System::set_block_number(6);
		assert_ok!(request(TABULAR_MODEL, feed_input(features(&[1.0, 2.0]), 0, 5)));
		System::set_block_number(7);
		assert_noop!(
			request(TABULAR_MODEL, feed_input(features(&[1.0, 2.0]), 0, 5)),
			Error::<Test>::StaleFeed
		);
	});
}

#[test]
fn feed_inputs_are_refused_with_a_reason() {
	run_test(|| {
		register_executor();
		let good = || features(&[1.0, 2.0]);
		assert_noop!(request(TABULAR_MODEL, feed_input(good(), 0, 5)), Error::<Test>::UnknownFeed);
		TestFeeds::set(FEED, Err(FeedError::NoValue));
		assert_noop!(
			request(TABULAR_MODEL, feed_input(good(), 0, 5)),
			Error::<Test>::FeedHasNoValue
		);

		TestFeeds::set(FEED, Ok(reading(1, 0, 1)));
		assert_noop!(
			request(EMBEDDING_MODEL, feed_input(good(), 0, 5)),
			Error::<Test>::FeedNeedsTabularModel
		);
		for (bad, position) in [
			// Not a vector of numbers.
			(InlineInput::truncate_from(vec![9, 1]), 0),
			// One number short, and one too many.
			(features(&[1.0]), 0),
			(features(&[1.0, 2.0, 3.0]), 0),
			// Past the end.
			(good(), 3),
		] {
			assert_noop!(
				request(TABULAR_MODEL, feed_input(bad, position, 5)),
				Error::<Test>::BadFeatures
			);
		}
	});
}

/// The attack: a request nobody can run (`0xff` to a tabular model) used to
/// be accepted, then drained the honest verifiers who could not check it.
/// It is refused when it is made, with the reason.
#[test]
fn an_inline_input_the_model_cannot_run_is_refused_when_requested() {
	run_test(|| {
		register_executor();
		let inline = |bytes: Vec<u8>| RequestInput::Inline(InlineInput::truncate_from(bytes));
		assert_noop!(request(TABULAR_MODEL, inline(vec![0xff])), Error::<Test>::InputNotNumbers);
		assert_noop!(
			request(TABULAR_MODEL, RequestInput::Inline(features(&[1.0, 2.0]))),
			Error::<Test>::WrongFeatureCount
		);
		assert_noop!(
			request(TABULAR_MODEL, RequestInput::Inline(features(&[1.0, f32::NAN, 2.0]))),
			Error::<Test>::FeatureNotFinite
		);
		assert_noop!(
			request(EMBEDDING_MODEL, inline(vec![0xc3, 0x28])),
			Error::<Test>::InputNotText
		);
		assert_noop!(request(TABULAR_MODEL, inline(vec![])), Error::<Test>::EmptyInput);
		assert_ok!(request(TABULAR_MODEL, RequestInput::Inline(features(&[1.0, -2.0, 0.5]))));
		assert_ok!(request(EMBEDDING_MODEL, inline("ünïcode".as_bytes().to_vec())));
	});
}

#[test]
fn a_feed_input_with_a_feature_that_is_not_finite_is_refused() {
	run_test(|| {
		register_executor();
		System::set_block_number(8);
		TestFeeds::set(FEED, Ok(reading(421_234, 4, 3)));
		assert_noop!(
			request(TABULAR_MODEL, feed_input(features(&[f32::INFINITY, 1.0]), 1, 5)),
			Error::<Test>::FeatureNotFinite
		);
	});
}
