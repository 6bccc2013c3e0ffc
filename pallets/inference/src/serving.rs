//! The executors serving each model, the terms each serves under, and
//! leaving.
//!
//! A model's terms are its price and verification policy. A request records
//! them when it is made, so a change never reaches requests already
//! assigned. Assignment goes further: each model's executor list
//! ([`ModelExecutors`]) carries the terms revision each executor accepted,
//! and an executor is drawn only while that is the model's current revision
//! ([`ModelInspect::terms`]). Joining a model accepts the revision it had as
//! the block began (what the executor can have read); after the publisher
//! changes the terms, the executor either accepts the new revision
//! ([`Pallet::accept_terms`]) or is simply not assigned, and is slashed for
//! nothing. A publisher cannot cut the pay or raise the risk of executors
//! who joined under other terms.

use frame_support::pallet_prelude::*;
use frame_system::pallet_prelude::BlockNumberFor;
use veritas_primitives::{
	model::{ModelId, ModelInspect, TermsRevision},
	stake::StakeStepError,
};

use crate::{Config, Error, Executors, ModelExecutors, Pallet, ServedModels};

impl<T> From<StakeStepError> for Error<T> {
	fn from(error: StakeStepError) -> Self {
		match error {
			StakeStepError::AlreadyUnbonding => Error::ExecutorUnbonding,
			StakeStepError::NotUnbonding => Error::NotUnbonding,
			StakeStepError::StillUnbonding => Error::StillUnbonding,
		}
	}
}

impl<T: Config> Pallet<T> {
	/// Moves `who` from serving `before` to serving `after`: models it keeps
	/// keep the revision it accepted; models it joins are accepted at the
	/// revision that stood as the block began (a change in this block,
	/// perhaps placed ahead of the join to front-run it, still needs
	/// [`Pallet::accept_terms`]); models it leaves drop it.
	pub(crate) fn serve_models(
		who: &T::AccountId,
		before: &[ModelId],
		after: &[ModelId],
	) -> DispatchResult {
		for model in before.iter().filter(|model| !after.contains(model)) {
			ModelExecutors::<T>::mutate(model, |executors| {
				executors.retain(|(executor, _)| executor != who)
			});
		}
		for model in after.iter().filter(|model| !before.contains(model)) {
			let terms = T::Models::terms_before_this_block(*model);
			ModelExecutors::<T>::try_mutate(model, |executors| {
				executors.try_push((who.clone(), terms))
			})
			.map_err(|_| Error::<T>::TooManyExecutors)?;
		}
		Ok(())
	}

	/// Records that `who`, serving `model`, accepted its terms at `terms`.
	pub(crate) fn record_acceptance(
		who: &T::AccountId,
		model: ModelId,
		terms: TermsRevision,
	) -> DispatchResult {
		ModelExecutors::<T>::try_mutate(model, |executors| {
			let entry = executors
				.iter_mut()
				.find(|(executor, _)| executor == who)
				.ok_or(Error::<T>::ModelNotServed)?;
			entry.1 = terms;
			Ok(())
		})
	}

	/// The revision of `model`'s terms `who` accepted, while it serves it.
	pub fn accepted_terms(who: &T::AccountId, model: ModelId) -> Option<TermsRevision> {
		ModelExecutors::<T>::get(model)
			.into_iter()
			.find(|(executor, _)| executor == who)
			.map(|(_, terms)| terms)
	}

	pub(crate) fn validate_service(models: &ServedModels<T>, capacity: u32) -> DispatchResult {
		ensure!(capacity > 0 && capacity <= T::MaxCapacity::get(), Error::<T>::BadCapacity);
		ensure!(!models.is_empty(), Error::<T>::NoModels);
		for (index, model) in models.iter().enumerate() {
			ensure!(!models[..index].contains(model), Error::<T>::DuplicateModel);
			ensure!(T::Models::is_active(*model), Error::<T>::ModelNotActive);
		}
		Ok(())
	}

	/// Takes an executor out of assignment and starts its unbonding period.
	pub(crate) fn start_unbonding(who: &T::AccountId) -> Result<BlockNumberFor<T>, DispatchError> {
		let mut executor = Executors::<T>::get(who).ok_or(Error::<T>::NotExecutor)?;
		let until = executor
			.status
			.start_unbonding(frame_system::Pallet::<T>::block_number(), T::UnbondingPeriod::get())
			.map_err(Error::<T>::from)?;
		Self::serve_models(who, &executor.models, &[])?;
		Executors::<T>::insert(who, executor);
		Ok(until)
	}
}
