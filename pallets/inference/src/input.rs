//! Checking a request's input, and resolving a data feed into it.

use alloc::vec::Vec;
use codec::{DecodeAll, Encode};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::{traits::Saturating, DispatchError};
use veritas_primitives::{
	inference::{check_inline_input, F32Bits, InlineInput, InputError, RequestInput},
	model::TaskKind,
	oracle::{DataFeeds, FeedError, FeedInput},
};

use crate::{Config, Error, Pallet};

/// A request's input as recorded, and the feed reading inside it.
type ResolvedInput<T> = (RequestInput, Option<FeedInput<BlockNumberFor<T>>>);

impl<T: Config> Pallet<T> {
	/// The input the request records, and the feed reading inside it: inline
	/// inputs as given once checked against the task, stored inputs as given
	/// once checked to be there (their bytes are checked by whoever fetches
	/// them), feed inputs with the feed's latest value put into the features.
	pub(crate) fn resolve_input(
		input: RequestInput,
		task: &TaskKind,
	) -> Result<ResolvedInput<T>, DispatchError> {
		match input {
			RequestInput::Inline(bytes) => {
				Self::check_inline(task, &bytes)?;
				Ok((RequestInput::Inline(bytes), None))
			},
			RequestInput::Stored(file) => {
				frame_support::ensure!(
					!file.cid.is_empty() && file.size > 0,
					Error::<T>::EmptyInput
				);
				Ok((RequestInput::Stored(file), None))
			},
			RequestInput::Feed { feed_id, max_age_blocks, features, position } => {
				let Some(inputs) = task.numeric_inputs() else {
					return Err(Error::<T>::FeedNeedsTabularModel.into());
				};
				let mut values = Vec::<F32Bits>::decode_all(&mut &features[..])
					.map_err(|_| Error::<T>::BadFeatures)?;
				frame_support::ensure!(
					values.len().saturating_add(1) == inputs as usize
						&& usize::from(position) <= values.len(),
					Error::<T>::BadFeatures
				);
				let reading = T::Feeds::latest(feed_id).map_err(|error| match error {
					FeedError::Unknown => Error::<T>::UnknownFeed,
					FeedError::NoValue => Error::<T>::FeedHasNoValue,
				})?;
				let now = frame_system::Pallet::<T>::block_number();
				frame_support::ensure!(
					now.saturating_sub(reading.updated_at) <= max_age_blocks.into(),
					Error::<T>::StaleFeed
				);
				values.insert(position.into(), F32Bits::from(reading.as_f32()));
				let resolved =
					InlineInput::try_from(values.encode()).map_err(|_| Error::<T>::BadFeatures)?;
				Self::check_inline(task, &resolved)?;
				Ok((
					RequestInput::Inline(resolved),
					Some(FeedInput { feed: feed_id, reading, position }),
				))
			},
		}
	}

	/// Refuses an inline input the task cannot run, with the reason.
	fn check_inline(task: &TaskKind, bytes: &[u8]) -> Result<(), Error<T>> {
		check_inline_input(task, bytes).map_err(|error| match error {
			InputError::Empty => Error::<T>::EmptyInput,
			InputError::NotText => Error::<T>::InputNotText,
			InputError::NotNumbers => Error::<T>::InputNotNumbers,
			InputError::WrongFeatureCount => Error::<T>::WrongFeatureCount,
			InputError::NotFinite => Error::<T>::FeatureNotFinite,
		})
	}
}
