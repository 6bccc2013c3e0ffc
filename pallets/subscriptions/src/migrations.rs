//! Storage migrations.

/// Version 2: a request's parameters say whether its output is delivered by
/// reference ([`veritas_primitives::inference::InferenceParams::output_by_reference`]).
/// Every subscription stored before asked for its runs' outputs inline: the
/// flag goes in after the parameters version 1 stored, as `false`, and every
/// other byte stays as it was.
pub mod v2 {
	use codec::Decode;
	use frame_support::{
		migrations::VersionedMigration,
		traits::{Get, UncheckedOnRuntimeUpgrade},
		weights::Weight,
	};
	use veritas_primitives::{
		inference::{InferenceParamsV4, RequestInput},
		migration::Raw,
		model::ModelId,
		subscription::SubscriptionId,
	};

	use crate::{Config, Pallet};

	/// [`crate::Subscriptions`], as bytes.
	#[frame_support::storage_alias]
	type Subscriptions<T: Config> =
		StorageMap<Pallet<T>, frame_support::Twox64Concat, SubscriptionId, Raw>;

	/// Where a stored subscription's parameters end: after its subscriber,
	/// and its request's model, input and version 1's parameters.
	fn params_end<T: Config>(bytes: &[u8]) -> Option<usize> {
		let mut rest = bytes;
		T::AccountId::decode(&mut rest).ok()?;
		ModelId::decode(&mut rest).ok()?;
		RequestInput::decode(&mut rest).ok()?;
		InferenceParamsV4::decode(&mut rest).ok()?;
		Some(bytes.len() - rest.len())
	}

	/// Adds the by-reference flag, unset, to every stored subscription.
	pub struct OutputsInline<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for OutputsInline<T> {
		fn on_runtime_upgrade() -> Weight {
			let mut count = 0u64;
			Subscriptions::<T>::translate::<Raw, _>(|_, Raw(mut bytes)| {
				count += 1;
				bytes.insert(params_end::<T>(&bytes)?, false as u8);
				Some(Raw(bytes))
			});
			T::DbWeight::get().reads_writes(count, count)
		}
	}

	/// The migration from version 1, run once.
	pub type MigrateV1ToV2<T> = VersionedMigration<
		1,
		2,
		OutputsInline<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}
