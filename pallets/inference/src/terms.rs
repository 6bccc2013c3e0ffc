//! The terms executors serve under.
//!
//! A model's terms are its price and verification policy. A request records
//! them when it is made, so a change never reaches requests already
//! assigned. Assignment goes further: an executor is drawn for a model's new
//! requests only while it has accepted the model's current terms revision
//! ([`ModelInspect::terms`]). Joining a model accepts the revision it had
//! as the block began (what the executor can have read); after the publisher changes the terms, the executor either accepts
//! the new revision ([`Pallet::accept_terms`]) or is simply not assigned,
//! and is slashed for nothing. A publisher cannot cut the pay or raise the
//! risk of executors who joined under other terms.

use veritas_primitives::model::{ModelId, ModelInspect, TermsRevision};

use crate::{AcceptedTerms, Config, Pallet};

impl<T: Config> Pallet<T> {
	/// Records the terms `who` serves under when its models change from
	/// `before` to `after`: models it keeps keep the revision it accepted,
	/// models it joins are accepted at the revision that stood as the block
	/// began (a change in this block, perhaps placed ahead of the join to
	/// front-run it, still needs [`Pallet::accept_terms`]), and models it
	/// leaves are forgotten.
	pub(crate) fn record_terms(who: &T::AccountId, before: &[ModelId], after: &[ModelId]) {
		for model in before.iter().filter(|model| !after.contains(model)) {
			AcceptedTerms::<T>::remove(who, model);
		}
		for model in after.iter().filter(|model| !before.contains(model)) {
			AcceptedTerms::<T>::insert(who, model, T::Models::terms_before_this_block(*model));
		}
	}

	/// Whether `who` has accepted `model`'s current terms, `current`.
	pub(crate) fn accepted_terms(
		who: &T::AccountId,
		model: ModelId,
		current: TermsRevision,
	) -> bool {
		AcceptedTerms::<T>::get(who, model) == Some(current)
	}
}
