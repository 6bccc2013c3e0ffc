//! Storage migrations.

/// Version 2: every policy carries a minimum deadline. Records stored
/// before it get the runtime's shortest (`PolicyBounds::min_deadline.0`),
/// which is what requests to them were held to.
pub mod v2 {
	use codec::Decode;
	use frame_support::traits::Get;
	use frame_support::{
		migrations::VersionedMigration, traits::UncheckedOnRuntimeUpgrade, weights::Weight,
	};
	use veritas_primitives::model::{
		Architecture, ModelFiles, ModelFormat, ModelLineId, ModelPolicyV1, ModelRecord,
		ModelStatus, ModelVersion, Pricing, TaskKind,
	};

	use crate::{BalanceOf, Config, Models, Pallet};

	/// A model record as version 1 stored it.
	#[derive(Decode)]
	pub struct ModelRecordV1<AccountId, Balance, BlockNumber> {
		pub line: ModelLineId,
		pub version: ModelVersion,
		pub owner: AccountId,
		pub files: ModelFiles,
		pub format: ModelFormat,
		pub architecture: Architecture,
		pub task: TaskKind,
		pub pricing: Pricing<Balance>,
		pub policy: ModelPolicyV1<Balance, BlockNumber>,
		pub status: ModelStatus,
		pub deposit: Balance,
		pub published_at: BlockNumber,
	}

	type RecordV1Of<T> = ModelRecordV1<
		<T as frame_system::Config>::AccountId,
		BalanceOf<T>,
		frame_system::pallet_prelude::BlockNumberFor<T>,
	>;

	/// Adds the minimum deadline to every stored model's policy.
	pub struct AddMinDeadline<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for AddMinDeadline<T> {
		fn on_runtime_upgrade() -> Weight {
			let shortest = T::PolicyBounds::get().min_deadline.0;
			let mut count = 0u64;
			Models::<T>::translate::<RecordV1Of<T>, _>(|_, old| {
				count += 1;
				Some(ModelRecord {
					line: old.line,
					version: old.version,
					owner: old.owner,
					files: old.files,
					format: old.format,
					architecture: old.architecture,
					task: old.task,
					pricing: old.pricing,
					policy: old.policy.with_min_deadline(shortest),
					status: old.status,
					deposit: old.deposit,
					published_at: old.published_at,
				})
			});
			T::DbWeight::get().reads_writes(count, count)
		}
	}

	/// The migration from version 1, run once.
	pub type MigrateV1ToV2<T> = VersionedMigration<
		1,
		2,
		AddMinDeadline<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}

/// Version 3: a retired version's record keeps its deposit until it is
/// removed, a tombstone period after its retirement ([`crate::RetiredAt`]).
/// Versions retired before had their deposit released; their tombstone
/// period starts at the upgrade, so that requests still stored to them can
/// be checked as long as any.
pub mod v3 {
	use frame_support::{
		migrations::VersionedMigration,
		traits::{Get, UncheckedOnRuntimeUpgrade},
		weights::Weight,
	};
	use veritas_primitives::model::ModelStatus;

	use crate::{Config, Models, Pallet, RetiredAt};

	/// Dates every retired version at the upgrade's block.
	pub struct DateRetired<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for DateRetired<T> {
		fn on_runtime_upgrade() -> Weight {
			let now = frame_system::Pallet::<T>::block_number();
			let (mut reads, mut writes) = (0u64, 0u64);
			for (id, record) in Models::<T>::iter() {
				reads = reads.saturating_add(1);
				if record.status == ModelStatus::Retired {
					RetiredAt::<T>::insert(id, now);
					writes = writes.saturating_add(1);
				}
			}
			T::DbWeight::get().reads_writes(reads, writes)
		}
	}

	/// The migration from version 2, run once.
	pub type MigrateV2ToV3<T> =
		VersionedMigration<2, 3, DateRetired<T>, Pallet<T>, <T as frame_system::Config>::DbWeight>;
}
