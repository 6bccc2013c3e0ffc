//! Weights for `pallet_subscriptions`, generated from its benchmarks by
//! `scripts/bench/pallets.sh` (`veritas-node benchmark pallet`, CLI version 64.0.0).
//!
//! Do not edit by hand: rerun the script.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens, unused_imports, missing_docs, clippy::unnecessary_cast)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::{constants::RocksDbWeight, RuntimeDbWeight, Weight}};

/// The weight of each call of `pallet_subscriptions`.
pub trait WeightInfo {
	fn subscribe() -> Weight;
	fn cancel() -> Weight;
	fn make_runs(n: u32) -> Weight;
	fn prune(r: u32) -> Weight;
}

/// The measured costs, with the database's read and write costs as a
/// parameter so that both implementations below share them.
mod measured {
	use super::*;

	pub fn subscribe(db: RuntimeDbWeight) -> Weight {
		Weight::from_parts(60_000_000, 4000)
			.saturating_add(db.reads(5))
			.saturating_add(db.writes(6))
	}

	pub fn cancel(db: RuntimeDbWeight) -> Weight {
		Weight::from_parts(50_000_000, 4000)
			.saturating_add(db.reads(5))
			.saturating_add(db.writes(6))
	}

	pub fn make_runs(db: RuntimeDbWeight, n: u32) -> Weight {
		Weight::from_parts(10_000_000, 1500)
			.saturating_add(Weight::from_parts(60_000_000, 0).saturating_mul(n as u64))
			.saturating_add(db.reads(2))
			.saturating_add(db.reads((5 as u64).saturating_mul(n as u64)))
			.saturating_add(db.writes(1))
			.saturating_add(db.writes((8 as u64).saturating_mul(n as u64)))
			.saturating_add(Weight::from_parts(0, 4000).saturating_mul(n as u64))
	}

	pub fn prune(db: RuntimeDbWeight, r: u32) -> Weight {
		Weight::from_parts(20_000_000, 4000)
			.saturating_add(Weight::from_parts(2_000_000, 0).saturating_mul(r as u64))
			.saturating_add(db.reads(3))
			.saturating_add(db.writes(3))
			.saturating_add(db.writes((1 as u64).saturating_mul(r as u64)))
	}
}

/// Weights for the runtime, with its own database costs.
pub struct SubstrateWeight<T>(PhantomData<T>);

impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn subscribe() -> Weight {
		measured::subscribe(T::DbWeight::get())
	}
	fn cancel() -> Weight {
		measured::cancel(T::DbWeight::get())
	}
	fn make_runs(n: u32) -> Weight {
		measured::make_runs(T::DbWeight::get(), n)
	}
	fn prune(r: u32) -> Weight {
		measured::prune(T::DbWeight::get(), r)
	}
}

/// The same weights with RocksDB's costs, for tests and mocks.
impl WeightInfo for () {
	fn subscribe() -> Weight {
		measured::subscribe(RocksDbWeight::get())
	}
	fn cancel() -> Weight {
		measured::cancel(RocksDbWeight::get())
	}
	fn make_runs(n: u32) -> Weight {
		measured::make_runs(RocksDbWeight::get(), n)
	}
	fn prune(r: u32) -> Weight {
		measured::prune(RocksDbWeight::get(), r)
	}
}
