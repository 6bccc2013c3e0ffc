//! Choosing the executor of a request.

use codec::Encode;
use frame_support::traits::Randomness;
use sp_runtime::traits::UniqueSaturatedInto;
use veritas_primitives::{
	model::{ModelId, ModelInspect},
	settlement::RequestId,
};

use crate::{Config, ExecutorStatus, Executors, ModelExecutors, Pallet};

impl<T: Config> Pallet<T> {
	/// Picks an executor of `model` with spare capacity that has accepted
	/// the model's current terms, with probability proportional to its
	/// stake, never the requester itself.
	///
	/// Returns the executor, if any, and how many executors serve the model
	/// (what the draw read).
	///
	/// The draw comes from [`Config::Randomness`] mixed with the request id:
	/// the requester cannot choose it. Veritas's runtime gives it the VRF
	/// output of the block that includes the request, which did not exist
	/// (for anyone but that block's author) when the request was signed, so
	/// that a requester cannot time its request to land on an executor of
	/// its choosing; `docs/security.md` says what remains.
	pub(crate) fn choose_executor(
		model: ModelId,
		request: RequestId,
		requester: &T::AccountId,
	) -> (Option<T::AccountId>, u32) {
		let current = T::Models::terms(model);
		let serving = ModelExecutors::<T>::get(model);
		let read = serving.len() as u32;
		let candidates: alloc::vec::Vec<(T::AccountId, u128)> = serving
			.into_iter()
			.filter(|(who, accepted)| who != requester && *accepted == current)
			.filter_map(|(who, _)| {
				let executor = Executors::<T>::get(&who)?;
				let available =
					executor.status == ExecutorStatus::Active && executor.open < executor.capacity;
				available.then(|| (who, executor.stake.unique_saturated_into()))
			})
			.collect();
		let total = candidates.iter().fold(0u128, |sum, (_, stake)| sum.saturating_add(*stake));
		if total == 0 {
			return (None, read);
		}

		let (seed, _) = T::Randomness::random(&(b"veritas/assign", request).encode());
		let mut draw = u128::from_le_bytes(
			seed.as_ref().get(..16).and_then(|bytes| bytes.try_into().ok()).unwrap_or([0; 16]),
		) % total;
		for (who, stake) in candidates {
			if draw < stake {
				return (Some(who), read);
			}
			draw -= stake;
		}
		(None, read)
	}
}
