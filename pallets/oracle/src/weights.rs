//! Weights for `pallet_oracle`, generated from its benchmarks by
//! `scripts/bench/pallets.sh` (`veritas-node benchmark pallet`, CLI version 64.0.0).
//!
//! Date: 2026-12-06. Steps: `50`, repeat: `20`.
//! Machine: `vm`, CPU: `AMD EPYC`. WASM execution: `Compiled`.
//!
//! Do not edit by hand: rerun the script.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens, unused_imports, missing_docs, clippy::unnecessary_cast)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::{constants::RocksDbWeight, RuntimeDbWeight, Weight}};

/// The weight of each call of `pallet_oracle`.
pub trait WeightInfo {
	fn create_feed() -> Weight;
	fn retire_feed() -> Weight;
	fn register_data_node() -> Weight;
	fn unregister_data_node() -> Weight;
	fn withdraw_stake() -> Weight;
	fn serve_feeds(n: u32) -> Weight;
	fn report(n: u32) -> Weight;
	fn on_initialize(n: u32) -> Weight;
}

/// The measured costs, with the database's read and write costs as a
/// parameter so that both implementations below share them.
mod measured {
	use super::*;

	/// Storage: `Oracle::FeedCount` (r:1 w:1)
	/// Proof: `Oracle::FeedCount` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `Oracle::NextFeedId` (r:1 w:1)
	/// Proof: `Oracle::NextFeedId` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(175), added: 2650, mode: `MaxEncodedLen`)
	/// Storage: `Oracle::RoundEnds` (r:1 w:1)
	/// Proof: `Oracle::RoundEnds` (`max_values`: None, `max_size`: Some(270), added: 2745, mode: `MaxEncodedLen`)
	/// Storage: `Oracle::Feeds` (r:0 w:1)
	/// Proof: `Oracle::Feeds` (`max_values`: None, `max_size`: Some(528), added: 3003, mode: `MaxEncodedLen`)
	/// Storage: `Oracle::Rounds` (r:0 w:1)
	/// Proof: `Oracle::Rounds` (`max_values`: None, `max_size`: Some(2090), added: 4565, mode: `MaxEncodedLen`)
	pub fn create_feed(db: RuntimeDbWeight) -> Weight {
		// Proof size: measured `109`, estimated `3735` bytes.
		// Minimum execution time: 53_480_000 picoseconds.
		Weight::from_parts(57_515_000, 3735)
			.saturating_add(db.reads(5))
			.saturating_add(db.writes(7))
	}

	/// Storage: `Oracle::Feeds` (r:1 w:1)
	/// Proof: `Oracle::Feeds` (`max_values`: None, `max_size`: Some(528), added: 3003, mode: `MaxEncodedLen`)
	/// Storage: `Oracle::Rounds` (r:1 w:1)
	/// Proof: `Oracle::Rounds` (`max_values`: None, `max_size`: Some(2090), added: 4565, mode: `MaxEncodedLen`)
	/// Storage: `Oracle::RoundEnds` (r:1 w:1)
	/// Proof: `Oracle::RoundEnds` (`max_values`: None, `max_size`: Some(270), added: 2745, mode: `MaxEncodedLen`)
	/// Storage: `Oracle::FeedNodes` (r:1 w:1)
	/// Proof: `Oracle::FeedNodes` (`max_values`: None, `max_size`: Some(1165), added: 3640, mode: `MaxEncodedLen`)
	/// Storage: `Oracle::ServedFeeds` (r:32 w:32)
	/// Proof: `Oracle::ServedFeeds` (`max_values`: None, `max_size`: Some(306), added: 2781, mode: `MaxEncodedLen`)
	/// Storage: `Oracle::FeedCount` (r:1 w:1)
	/// Proof: `Oracle::FeedCount` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(175), added: 2650, mode: `MaxEncodedLen`)
	/// Storage: `Oracle::Latest` (r:0 w:1)
	/// Proof: `Oracle::Latest` (`max_values`: None, `max_size`: Some(41), added: 2516, mode: `MaxEncodedLen`)
	pub fn retire_feed(db: RuntimeDbWeight) -> Weight {
		// Proof size: measured `7690`, estimated `89982` bytes.
		// Minimum execution time: 198_587_000 picoseconds.
		Weight::from_parts(223_333_000, 89982)
			.saturating_add(db.reads(39))
			.saturating_add(db.writes(40))
	}

	/// Storage: `Oracle::DataNodes` (r:1 w:1)
	/// Proof: `Oracle::DataNodes` (`max_values`: None, `max_size`: Some(81), added: 2556, mode: `MaxEncodedLen`)
	/// Storage: `Oracle::ActiveDataNodes` (r:1 w:1)
	/// Proof: `Oracle::ActiveDataNodes` (`max_values`: Some(1), `max_size`: Some(1025), added: 1520, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(175), added: 2650, mode: `MaxEncodedLen`)
	pub fn register_data_node(db: RuntimeDbWeight) -> Weight {
		// Proof size: measured `2388`, estimated `3640` bytes.
		// Minimum execution time: 54_352_000 picoseconds.
		Weight::from_parts(58_397_000, 3640)
			.saturating_add(db.reads(4))
			.saturating_add(db.writes(4))
	}

	/// Storage: `Oracle::DataNodes` (r:1 w:1)
	/// Proof: `Oracle::DataNodes` (`max_values`: None, `max_size`: Some(81), added: 2556, mode: `MaxEncodedLen`)
	/// Storage: `Oracle::ActiveDataNodes` (r:1 w:1)
	/// Proof: `Oracle::ActiveDataNodes` (`max_values`: Some(1), `max_size`: Some(1025), added: 1520, mode: `MaxEncodedLen`)
	/// Storage: `Oracle::ServedFeeds` (r:1 w:1)
	/// Proof: `Oracle::ServedFeeds` (`max_values`: None, `max_size`: Some(306), added: 2781, mode: `MaxEncodedLen`)
	/// Storage: `Oracle::FeedNodes` (r:64 w:64)
	/// Proof: `Oracle::FeedNodes` (`max_values`: None, `max_size`: Some(1165), added: 3640, mode: `MaxEncodedLen`)
	pub fn unregister_data_node(db: RuntimeDbWeight) -> Weight {
		// Proof size: measured `6921`, estimated `233950` bytes.
		// Minimum execution time: 249_122_000 picoseconds.
		Weight::from_parts(280_017_000, 233950)
			.saturating_add(db.reads(67))
			.saturating_add(db.writes(67))
	}

	/// Storage: `Oracle::DataNodes` (r:1 w:1)
	/// Proof: `Oracle::DataNodes` (`max_values`: None, `max_size`: Some(81), added: 2556, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(175), added: 2650, mode: `MaxEncodedLen`)
	pub fn withdraw_stake(db: RuntimeDbWeight) -> Weight {
		// Proof size: measured `329`, estimated `3640` bytes.
		// Minimum execution time: 39_990_000 picoseconds.
		Weight::from_parts(43_024_000, 3640)
			.saturating_add(db.reads(3))
			.saturating_add(db.writes(3))
	}

	/// Storage: `Oracle::DataNodes` (r:1 w:0)
	/// Proof: `Oracle::DataNodes` (`max_values`: None, `max_size`: Some(81), added: 2556, mode: `MaxEncodedLen`)
	/// Storage: `Oracle::Feeds` (r:64 w:0)
	/// Proof: `Oracle::Feeds` (`max_values`: None, `max_size`: Some(528), added: 3003, mode: `MaxEncodedLen`)
	/// Storage: `Oracle::ServedFeeds` (r:1 w:1)
	/// Proof: `Oracle::ServedFeeds` (`max_values`: None, `max_size`: Some(306), added: 2781, mode: `MaxEncodedLen`)
	/// Storage: `Oracle::FeedNodes` (r:64 w:64)
	/// Proof: `Oracle::FeedNodes` (`max_values`: None, `max_size`: Some(1165), added: 3640, mode: `MaxEncodedLen`)
	/// Component `n` ranges over `[0, 64]`.
	pub fn serve_feeds(db: RuntimeDbWeight, n: u32) -> Weight {
		// Proof size: measured `7540`, estimated `193182` bytes.
		// Minimum execution time: 177_655_000 picoseconds.
		Weight::from_parts(187_313_117, 193182)
			.saturating_add(Weight::from_parts(3_547_424, 0).saturating_mul(n as u64))
			.saturating_add(db.reads(66))
			.saturating_add(db.reads((1 as u64).saturating_mul(n as u64)))
			.saturating_add(db.writes(1))
			.saturating_add(db.writes((1 as u64).saturating_mul(n as u64)))
			.saturating_add(Weight::from_parts(0, 3640).saturating_mul(n as u64))
	}

	/// Storage: `Oracle::DataNodes` (r:1 w:0)
	/// Proof: `Oracle::DataNodes` (`max_values`: None, `max_size`: Some(81), added: 2556, mode: `MaxEncodedLen`)
	/// Storage: `Oracle::Feeds` (r:1 w:0)
	/// Proof: `Oracle::Feeds` (`max_values`: None, `max_size`: Some(528), added: 3003, mode: `MaxEncodedLen`)
	/// Storage: `Oracle::Rounds` (r:1 w:1)
	/// Proof: `Oracle::Rounds` (`max_values`: None, `max_size`: Some(2090), added: 4565, mode: `MaxEncodedLen`)
	/// Storage: `Oracle::ServedFeeds` (r:1 w:0)
	/// Proof: `Oracle::ServedFeeds` (`max_values`: None, `max_size`: Some(306), added: 2781, mode: `MaxEncodedLen`)
	/// Storage: `Oracle::Latest` (r:0 w:1)
	/// Proof: `Oracle::Latest` (`max_values`: None, `max_size`: Some(41), added: 2516, mode: `MaxEncodedLen`)
	/// Component `n` ranges over `[1, 32]`.
	pub fn report(db: RuntimeDbWeight, n: u32) -> Weight {
		// Proof size: measured `2015`, estimated `5555` bytes.
		// Minimum execution time: 29_484_000 picoseconds.
		Weight::from_parts(33_220_575, 5555)
			.saturating_add(Weight::from_parts(99_132, 0).saturating_mul(n as u64))
			.saturating_add(db.reads(4))
			.saturating_add(db.writes(2))
	}

	/// Storage: `Oracle::RoundEnds` (r:2 w:2)
	/// Proof: `Oracle::RoundEnds` (`max_values`: None, `max_size`: Some(270), added: 2745, mode: `MaxEncodedLen`)
	/// Storage: `Oracle::Feeds` (r:64 w:0)
	/// Proof: `Oracle::Feeds` (`max_values`: None, `max_size`: Some(528), added: 3003, mode: `MaxEncodedLen`)
	/// Storage: `Oracle::Rounds` (r:64 w:64)
	/// Proof: `Oracle::Rounds` (`max_values`: None, `max_size`: Some(2090), added: 4565, mode: `MaxEncodedLen`)
	/// Storage: `Oracle::DataNodes` (r:32 w:32)
	/// Proof: `Oracle::DataNodes` (`max_values`: None, `max_size`: Some(81), added: 2556, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(175), added: 2650, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:2 w:2)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Oracle::ActiveDataNodes` (r:1 w:1)
	/// Proof: `Oracle::ActiveDataNodes` (`max_values`: Some(1), `max_size`: Some(1025), added: 1520, mode: `MaxEncodedLen`)
	/// Storage: `Oracle::ServedFeeds` (r:1 w:1)
	/// Proof: `Oracle::ServedFeeds` (`max_values`: None, `max_size`: Some(306), added: 2781, mode: `MaxEncodedLen`)
	/// Storage: `Oracle::FeedNodes` (r:64 w:64)
	/// Proof: `Oracle::FeedNodes` (`max_values`: None, `max_size`: Some(1165), added: 3640, mode: `MaxEncodedLen`)
	/// Component `n` ranges over `[0, 64]`.
	pub fn on_initialize(db: RuntimeDbWeight, n: u32) -> Weight {
		// Proof size: measured `9317`, estimated `82782` bytes.
		// Minimum execution time: 3_185_000 picoseconds.
		Weight::from_parts(84_337_657, 82782)
			.saturating_add(Weight::from_parts(115_498_327, 0).saturating_mul(n as u64))
			.saturating_add(db.reads(36))
			.saturating_add(db.reads((3 as u64).saturating_mul(n as u64)))
			.saturating_add(db.writes(36))
			.saturating_add(db.writes((2 as u64).saturating_mul(n as u64)))
			.saturating_add(Weight::from_parts(0, 4565).saturating_mul(n as u64))
	}
}

/// Weights for the runtime, with its own database costs.
pub struct SubstrateWeight<T>(PhantomData<T>);

impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn create_feed() -> Weight {
		measured::create_feed(T::DbWeight::get())
	}
	fn retire_feed() -> Weight {
		measured::retire_feed(T::DbWeight::get())
	}
	fn register_data_node() -> Weight {
		measured::register_data_node(T::DbWeight::get())
	}
	fn unregister_data_node() -> Weight {
		measured::unregister_data_node(T::DbWeight::get())
	}
	fn withdraw_stake() -> Weight {
		measured::withdraw_stake(T::DbWeight::get())
	}
	fn serve_feeds(n: u32) -> Weight {
		measured::serve_feeds(T::DbWeight::get(), n)
	}
	fn report(n: u32) -> Weight {
		measured::report(T::DbWeight::get(), n)
	}
	fn on_initialize(n: u32) -> Weight {
		measured::on_initialize(T::DbWeight::get(), n)
	}
}

/// The same weights with RocksDB's costs, for tests and mocks.
impl WeightInfo for () {
	fn create_feed() -> Weight {
		measured::create_feed(RocksDbWeight::get())
	}
	fn retire_feed() -> Weight {
		measured::retire_feed(RocksDbWeight::get())
	}
	fn register_data_node() -> Weight {
		measured::register_data_node(RocksDbWeight::get())
	}
	fn unregister_data_node() -> Weight {
		measured::unregister_data_node(RocksDbWeight::get())
	}
	fn withdraw_stake() -> Weight {
		measured::withdraw_stake(RocksDbWeight::get())
	}
	fn serve_feeds(n: u32) -> Weight {
		measured::serve_feeds(RocksDbWeight::get(), n)
	}
	fn report(n: u32) -> Weight {
		measured::report(RocksDbWeight::get(), n)
	}
	fn on_initialize(n: u32) -> Weight {
		measured::on_initialize(RocksDbWeight::get(), n)
	}
}
