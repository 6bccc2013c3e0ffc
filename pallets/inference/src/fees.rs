//! What a request costs: the model's price for its parameters, and the
//! verification and protocol fees settlement adds for the model's policy.

use frame_support::ensure;
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::traits::Saturating;
use veritas_primitives::{
	inference::InferenceParams,
	model::{ModelPolicy, ModelRecord, Pricing, TaskKind, VerificationPolicy},
	settlement::{FeeQuote, Settlement},
};

use crate::{BalanceOf, Config, Error, Pallet};

impl<T: Config> Pallet<T> {
	/// What a request to `record` with `params` costs at most.
	pub fn quote_for(
		record: &ModelRecord<T::AccountId, BalanceOf<T>, BlockNumberFor<T>>,
		params: &InferenceParams,
	) -> Result<FeeQuote<BalanceOf<T>>, Error<T>> {
		use veritas_primitives::model::ModelStatus;
		ensure!(record.status == ModelStatus::Active, Error::<T>::ModelNotActive);
		let tokens_fit = match record.task {
			TaskKind::TextGeneration { max_new_tokens, .. } => {
				params.max_new_tokens > 0 && params.max_new_tokens <= max_new_tokens
			},
			_ => params.max_new_tokens == 0,
		};
		ensure!(tokens_fit && params.sampler_fits(&record.task), Error::<T>::BadParams);
		let model_cost = Self::model_cost(&record.pricing, params.max_new_tokens);
		Ok(T::Settlement::quote(model_cost, Self::committee_size(&record.policy)))
	}

	/// What the model charges for a request that generates `tokens` tokens.
	pub(crate) fn model_cost(pricing: &Pricing<BalanceOf<T>>, tokens: u32) -> BalanceOf<T> {
		pricing.per_request.saturating_add(pricing.per_output_token.saturating_mul(tokens.into()))
	}

	/// How many verifiers a request under `policy` may have to pay.
	pub(crate) fn committee_size(policy: &ModelPolicy<BalanceOf<T>, BlockNumberFor<T>>) -> u32 {
		match policy.verification {
			VerificationPolicy::Quorum { n, .. } | VerificationPolicy::Sampled { n, .. } => {
				n.into()
			},
			VerificationPolicy::Optimistic { .. } => 0,
		}
	}
}
