//! Which data nodes serve which feeds.
//!
//! Two indexes hold the same fact from each side: [`FeedNodes`] (who serves
//! a feed, and since when: what a round's judgement reads) and
//! [`ServedFeeds`] (what a node serves: what its off-chain worker fetches,
//! and what it leaves when it unbonds). They change only together, here.

use frame_support::{pallet_prelude::*, BoundedVec};
use sp_runtime::Saturating;
use veritas_primitives::oracle::FeedId;

use crate::{Config, Error, FeedNodes, Pallet, ServedFeeds};

impl<T: Config> Pallet<T> {
	/// Whether `who` serves `feed`.
	pub(crate) fn serves(who: &T::AccountId, feed: FeedId) -> bool {
		ServedFeeds::<T>::get(who).contains(&feed)
	}

	/// Makes `feeds` the ones `who` serves: joins those it did not serve
	/// (from now), leaves those it no longer lists. Returns how many feeds
	/// it joined or left.
	pub(crate) fn set_served(
		who: &T::AccountId,
		feeds: BoundedVec<FeedId, T::MaxFeeds>,
	) -> Result<u32, DispatchError> {
		let before = ServedFeeds::<T>::get(who);
		let now = frame_system::Pallet::<T>::block_number();
		let mut changes = 0u32;
		for feed in before.iter().filter(|feed| !feeds.contains(feed)) {
			FeedNodes::<T>::mutate(feed, |nodes| nodes.retain(|(node, _)| node != who));
			changes.saturating_inc();
		}
		for feed in feeds.iter().filter(|feed| !before.contains(feed)) {
			FeedNodes::<T>::try_mutate(feed, |nodes| nodes.try_push((who.clone(), now)))
				.map_err(|_| Error::<T>::TooManyDataNodes)?;
			changes.saturating_inc();
		}
		if feeds.is_empty() {
			ServedFeeds::<T>::remove(who);
		} else {
			ServedFeeds::<T>::insert(who, feeds);
		}
		Ok(changes)
	}

	/// Takes a retired feed off every node that served it.
	pub(crate) fn drop_servers(feed: FeedId) {
		for (node, _) in FeedNodes::<T>::take(feed) {
			ServedFeeds::<T>::mutate_exists(&node, |served| {
				if let Some(feeds) = served {
					feeds.retain(|other| *other != feed);
					if feeds.is_empty() {
						*served = None;
					}
				}
			});
		}
	}
}
