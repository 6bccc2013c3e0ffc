//! Storage migrations.

/// Version 2: data nodes choose the feeds they serve ([`crate::FeedNodes`],
/// [`crate::ServedFeeds`]). Before, every active data node served every
/// feed; each keeps serving them all, as from its registration, so that
/// nothing changes until it chooses otherwise.
pub mod v2 {
	use frame_support::{
		migrations::VersionedMigration,
		traits::{Get, UncheckedOnRuntimeUpgrade},
		weights::Weight,
		BoundedVec,
	};
	use veritas_primitives::oracle::FeedId;

	use crate::{Config, DataNodes, FeedNodes, Feeds, Pallet, ServedFeeds};

	/// Has every active data node serve every feed.
	pub struct ServeEveryFeed<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for ServeEveryFeed<T> {
		fn on_runtime_upgrade() -> Weight {
			let mut ids: alloc::vec::Vec<FeedId> = Feeds::<T>::iter_keys().collect();
			ids.sort();
			let feeds: BoundedVec<FeedId, T::MaxFeeds> = BoundedVec::truncate_from(ids);
			let (mut reads, mut writes) = (feeds.len() as u64, 0u64);
			for (who, node) in DataNodes::<T>::iter() {
				reads = reads.saturating_add(1);
				if !node.status.is_active() {
					continue;
				}
				for feed in feeds.iter() {
					// The list holds at most every data node there may be.
					let _ = FeedNodes::<T>::try_mutate(feed, |nodes| {
						nodes.try_push((who.clone(), node.registered_at))
					});
				}
				ServedFeeds::<T>::insert(&who, feeds.clone());
				writes = writes.saturating_add(1 + feeds.len() as u64);
			}
			T::DbWeight::get().reads_writes(reads, writes)
		}
	}

	/// The migration from version 1, run once.
	pub type MigrateV1ToV2<T> = VersionedMigration<
		1,
		2,
		ServeEveryFeed<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}
