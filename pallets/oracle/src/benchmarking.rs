//! Benchmarks of every call and of `on_initialize`, each at its worst case.

use alloc::vec::Vec;
use frame_benchmarking::v2::*;
use frame_support::traits::{fungible::Mutate, Get, Hooks};
use frame_system::RawOrigin;
use sp_runtime::traits::{Bounded, Saturating};
use veritas_primitives::oracle::{
	FeedId, FeedName, JsonPath, SourceUrl, MAX_FEED_NAME_LENGTH, MAX_JSON_PATH_LENGTH,
	MAX_SOURCE_URL_LENGTH,
};

use crate::*;

fn funded<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, 0);
	T::Currency::set_balance(&who, BalanceOf::<T>::max_value() / 1_000_000u32.into());
	who
}

/// `count` active data nodes, each staked at the minimum.
fn data_nodes<T: Config>(count: u32) -> Vec<T::AccountId> {
	(0..count)
		.map(|index| {
			let node = funded::<T>("data-node", index);
			Pallet::<T>::register_data_node(
				RawOrigin::Signed(node.clone()).into(),
				T::MinDataNodeStake::get(),
			)
			.expect("registers");
			node
		})
		.collect()
}

/// The longest name, URL and path, and the most reporters.
fn feed_arguments() -> (FeedName, SourceUrl, JsonPath) {
	let mut url = b"https://".to_vec();
	url.resize(MAX_SOURCE_URL_LENGTH as usize, b'a');
	let mut path = Vec::new();
	while path.len() + 2 <= MAX_JSON_PATH_LENGTH as usize {
		path.extend_from_slice(b".a");
	}
	(
		FeedName::truncate_from(alloc::vec![b'n'; MAX_FEED_NAME_LENGTH as usize]),
		SourceUrl::truncate_from(url),
		JsonPath::truncate_from(path),
	)
}

/// A feed by `creator` that closes only when every data node reported.
fn create<T: Config>(creator: &T::AccountId) -> FeedId {
	let (name, url, path) = feed_arguments();
	let feed = NextFeedId::<T>::get();
	Pallet::<T>::create_feed(
		RawOrigin::Signed(creator.clone()).into(),
		name,
		url,
		path,
		8,
		T::MinHeartbeat::get(),
		T::MaxDataNodes::get(),
	)
	.expect("creates");
	feed
}

/// Has every one of `nodes` serve every feed in `feeds`.
fn serving<T: Config>(nodes: &[T::AccountId], feeds: &[FeedId]) {
	let feeds: BoundedVec<FeedId, T::MaxFeeds> = BoundedVec::truncate_from(feeds.to_vec());
	for node in nodes {
		Pallet::<T>::serve_feeds(RawOrigin::Signed(node.clone()).into(), feeds.clone())
			.expect("serves");
	}
}

/// The most feeds there may be, each served by the most data nodes.
fn every_feed_served_by_all<T: Config>() -> (Vec<T::AccountId>, Vec<FeedId>) {
	let creator = funded::<T>("creator", 0);
	let nodes = data_nodes::<T>(T::MaxDataNodes::get());
	let feeds: Vec<FeedId> = (0..T::MaxFeeds::get()).map(|_| create::<T>(&creator)).collect();
	serving::<T>(&nodes, &feeds);
	(nodes, feeds)
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn create_feed() {
		let creator = funded::<T>("creator", 0);
		let (name, url, path) = feed_arguments();
		let heartbeat = T::MaxHeartbeat::get();
		#[extrinsic_call]
		_(RawOrigin::Signed(creator), name, url, path, 18, heartbeat, T::MaxDataNodes::get());
		assert_eq!(FeedCount::<T>::get(), 1);
	}

	/// The retired feed is served by the most data nodes, each of which
	/// serves every feed: every one of them leaves it.
	#[benchmark]
	fn retire_feed() {
		let (_, feeds) = every_feed_served_by_all::<T>();
		let creator = funded::<T>("creator", 0);
		#[extrinsic_call]
		_(RawOrigin::Signed(creator), feeds[0]);
		assert_eq!(FeedCount::<T>::get(), T::MaxFeeds::get() - 1);
		assert!(FeedNodes::<T>::get(feeds[0]).is_empty());
	}

	#[benchmark]
	fn register_data_node() {
		data_nodes::<T>(T::MaxDataNodes::get() - 1);
		let node = funded::<T>("newcomer", 0);
		#[extrinsic_call]
		_(RawOrigin::Signed(node.clone()), T::MinDataNodeStake::get());
		assert!(DataNodes::<T>::contains_key(&node));
	}

	/// The node serves every feed, each served by the most data nodes: it
	/// leaves them all.
	#[benchmark]
	fn unregister_data_node() {
		let (nodes, _) = every_feed_served_by_all::<T>();
		let node = nodes[0].clone();
		#[extrinsic_call]
		_(RawOrigin::Signed(node.clone()));
		assert!(!ActiveDataNodes::<T>::get().contains(&node));
	}

	#[benchmark]
	fn withdraw_stake() {
		let node = data_nodes::<T>(1)[0].clone();
		Pallet::<T>::unregister_data_node(RawOrigin::Signed(node.clone()).into()).expect("unbonds");
		frame_system::Pallet::<T>::set_block_number(
			frame_system::Pallet::<T>::block_number().saturating_add(T::UnbondingPeriod::get()),
		);
		#[extrinsic_call]
		_(RawOrigin::Signed(node.clone()));
		assert!(!DataNodes::<T>::contains_key(&node));
	}

	/// `n`: feeds the node joins or leaves, each served by the most data
	/// nodes.
	#[benchmark]
	fn serve_feeds(n: Linear<0, { T::MaxFeeds::get() }>) {
		let (nodes, feeds) = every_feed_served_by_all::<T>();
		let node = nodes[0].clone();
		// It served none of the first `n` feeds, and joins them.
		let others = BoundedVec::truncate_from(feeds[n as usize..].to_vec());
		Pallet::<T>::serve_feeds(RawOrigin::Signed(node.clone()).into(), others).expect("leaves");
		let all = BoundedVec::truncate_from(feeds.clone());
		#[extrinsic_call]
		_(RawOrigin::Signed(node.clone()), all);
		assert_eq!(ServedFeeds::<T>::get(&node).len(), feeds.len());
	}

	/// The `n`th report of a round: the last one closes it.
	#[benchmark]
	fn report(n: Linear<1, { T::MaxDataNodes::get() }>) {
		let creator = funded::<T>("creator", 0);
		let nodes = data_nodes::<T>(T::MaxDataNodes::get());
		let feed = NextFeedId::<T>::get();
		let (name, url, path) = feed_arguments();
		Pallet::<T>::create_feed(
			RawOrigin::Signed(creator).into(),
			name,
			url,
			path,
			8,
			T::MinHeartbeat::get(),
			n,
		)
		.expect("creates");
		serving::<T>(&nodes, &[feed]);
		for (index, node) in nodes.iter().take(n as usize - 1).enumerate() {
			Pallet::<T>::report(RawOrigin::Signed(node.clone()).into(), feed, 0, index as i128)
				.expect("reports");
		}
		let last = nodes[n as usize - 1].clone();
		#[extrinsic_call]
		_(RawOrigin::Signed(last), feed, 0, i128::MAX);
		assert!(Latest::<T>::contains_key(feed));
	}

	/// `n` feeds' rounds end in one block, each with every data node
	/// reported, most of them out of band and at the strike limit, so that
	/// every judgement slashes.
	#[benchmark]
	fn on_initialize(n: Linear<0, { T::MaxFeeds::get() }>) {
		let creator = funded::<T>("creator", 0);
		let nodes = data_nodes::<T>(T::MaxDataNodes::get());
		let feeds: Vec<FeedId> = (0..n).map(|_| create::<T>(&creator)).collect();
		serving::<T>(&nodes, &feeds);
		for feed in &feeds {
			for (index, node) in nodes.iter().enumerate() {
				let value = if index == 0 { 1_000 } else { i128::MAX - index as i128 };
				Pallet::<T>::report(RawOrigin::Signed(node.clone()).into(), *feed, 0, value)
					.expect("reports");
			}
		}
		for node in &nodes {
			DataNodes::<T>::mutate(node, |record| {
				if let Some(record) = record {
					record.strikes = T::StrikeLimit::get().saturating_sub(1);
				}
			});
		}
		let end = frame_system::Pallet::<T>::block_number().saturating_add(T::MinHeartbeat::get());
		frame_system::Pallet::<T>::set_block_number(end);
		#[block]
		{
			Pallet::<T>::on_initialize(end);
		}
		for feed in feeds {
			assert_eq!(Rounds::<T>::get(feed).map(|round| round.id), Some(1));
		}
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
