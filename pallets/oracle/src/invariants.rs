//! The invariants `try_state` checks: feeds, rounds and round ends agree;
//! the active list holds the active data nodes; and settlement holds every
//! stake and deposit the pallet records.

use alloc::collections::btree_map::BTreeMap;
use frame_support::{ensure, traits::Get};
use sp_runtime::traits::{Saturating, Zero};
use veritas_primitives::settlement::{Bond, Settlement};

use crate::{
	ActiveDataNodes, BalanceOf, Config, DataNodes, FeedCount, FeedNodes, Feeds, Latest, NextFeedId,
	Pallet, RoundEnds, Rounds, ServedFeeds,
};

impl<T: Config> Pallet<T> {
	/// - the feed count is the number of feeds, within the bound, and every
	///   id is below the next one;
	/// - every feed has exactly one open round, ending after this block and
	///   listed once in that block's round ends, which list nothing else;
	/// - a round has closed exactly when it holds `min_reporters` reports,
	///   from different reporters;
	/// - values exist only for feeds;
	/// - the active list holds exactly the active data nodes, once each;
	/// - only active nodes serve feeds, and the two serving indexes agree;
	/// - settlement holds each data node's recorded stake, and each
	///   creator's deposits.
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		let now = frame_system::Pallet::<T>::block_number();
		let mut feeds = 0u32;
		let mut deposits: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		for (id, feed) in Feeds::<T>::iter() {
			feeds += 1;
			ensure!(id < NextFeedId::<T>::get(), "a feed id not yet handed out");
			let round = Rounds::<T>::get(id).ok_or("a feed without a round")?;
			ensure!(round.ends_at > now, "a round past its end");
			let listed = RoundEnds::<T>::get(round.ends_at);
			ensure!(
				listed.iter().filter(|other| **other == id).count() == 1,
				"a round not listed once at its end"
			);
			let closed = round.reports.len() as u32 >= feed.min_reporters;
			ensure!(closed == round.closed_with.is_some(), "a round closed at the wrong count");
			for (index, report) in round.reports.iter().enumerate() {
				ensure!(
					!round.reports[..index].iter().any(|other| other.reporter == report.reporter),
					"two reports from one data node"
				);
			}
			if let Some(owner) = feed.owner {
				let held = deposits.entry(owner).or_insert_with(Zero::zero);
				*held = held.saturating_add(feed.deposit);
			} else {
				ensure!(feed.deposit.is_zero(), "a deposit without an owner");
			}
		}
		ensure!(feeds == FeedCount::<T>::get(), "the feed count is off");
		ensure!(feeds <= T::MaxFeeds::get(), "more feeds than allowed");
		ensure!(Rounds::<T>::iter_keys().count() as u32 == feeds, "a round without a feed");
		ensure!(Latest::<T>::iter_keys().all(Feeds::<T>::contains_key), "a value without a feed");
		let listed: usize = RoundEnds::<T>::iter_values().map(|feeds| feeds.len()).sum();
		ensure!(listed == feeds as usize, "round ends listing something else");
		for (owner, deposit) in deposits {
			ensure!(
				T::Settlement::held(&owner, Bond::FeedDeposit) == deposit,
				"a feed deposit not held"
			);
		}

		let active = ActiveDataNodes::<T>::get();
		for (index, who) in active.iter().enumerate() {
			ensure!(!active[..index].contains(who), "a data node listed twice");
		}
		let mut active_nodes = 0usize;
		for (who, node) in DataNodes::<T>::iter() {
			if node.status.is_active() {
				active_nodes += 1;
				ensure!(active.contains(&who), "an active data node not listed");
			}
			ensure!(
				T::Settlement::held(&who, Bond::DataNodeStake) == node.stake,
				"a data node's stake not held"
			);
		}
		ensure!(active_nodes == active.len(), "a listed data node that is not active");

		let mut served = alloc::collections::btree_set::BTreeSet::new();
		for (who, feeds) in ServedFeeds::<T>::iter() {
			ensure!(active.contains(&who), "a feed served by a node that is not active");
			served.extend(feeds.into_iter().map(|feed| (who.clone(), feed)));
		}
		let mut listed = alloc::collections::btree_set::BTreeSet::new();
		for (feed, nodes) in FeedNodes::<T>::iter() {
			ensure!(Feeds::<T>::contains_key(feed), "servers of a feed that does not exist");
			for (who, _) in nodes {
				ensure!(listed.insert((who, feed)), "a node listed twice by a feed");
			}
		}
		ensure!(served == listed, "the feeds nodes serve and the nodes feeds list disagree");
		Ok(())
	}
}
