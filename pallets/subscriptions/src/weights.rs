//! Weights for `pallet_subscriptions`, generated from its benchmarks by
//! `scripts/bench/pallets.sh` (`veritas-node benchmark pallet`, CLI version 64.0.0).
//!
//! Date: 2026-12-07. Steps: `50`, repeat: `20`.
//! Machine: `vm`, CPU: `Intel(R) Xeon(R) Processor`. WASM execution: `Compiled`.
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

	/// Storage: `Models::Models` (r:1 w:0)
	/// Proof: `Models::Models` (`max_values`: None, `max_size`: Some(595), added: 3070, mode: `MaxEncodedLen`)
	/// Storage: `Inference::NextRequestId` (r:1 w:0)
	/// Proof: `Inference::NextRequestId` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `Inference::WaitingLines` (r:1 w:0)
	/// Proof: `Inference::WaitingLines` (`max_values`: None, `max_size`: Some(12306), added: 14781, mode: `MaxEncodedLen`)
	/// Storage: `Models::Terms` (r:1 w:0)
	/// Proof: `Models::Terms` (`max_values`: None, `max_size`: Some(20), added: 2495, mode: `MaxEncodedLen`)
	/// Storage: `Inference::ModelExecutors` (r:1 w:0)
	/// Proof: `Inference::ModelExecutors` (`max_values`: None, `max_size`: Some(2322), added: 4797, mode: `MaxEncodedLen`)
	/// Storage: `Inference::Executors` (r:1 w:0)
	/// Proof: `Inference::Executors` (`max_values`: None, `max_size`: Some(210), added: 2685, mode: `MaxEncodedLen`)
	/// Storage: `Babe::Initialized` (r:1 w:0)
	/// Proof: `Babe::Initialized` (`max_values`: Some(1), `max_size`: Some(110), added: 605, mode: `MaxEncodedLen`)
	/// Storage: `Babe::AuthorVrfRandomness` (r:1 w:0)
	/// Proof: `Babe::AuthorVrfRandomness` (`max_values`: Some(1), `max_size`: Some(33), added: 528, mode: `MaxEncodedLen`)
	/// Storage: `Babe::Randomness` (r:1 w:0)
	/// Proof: `Babe::Randomness` (`max_values`: Some(1), `max_size`: Some(32), added: 527, mode: `MaxEncodedLen`)
	/// Storage: `Inference::Queue` (r:1 w:0)
	/// Proof: `Inference::Queue` (`max_values`: None, `max_size`: Some(4110), added: 6585, mode: `MaxEncodedLen`)
	/// Storage: `Settlement::Escrows` (r:1 w:0)
	/// Proof: `Settlement::Escrows` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(193), added: 2668, mode: `MaxEncodedLen`)
	/// Storage: `Inference::OpenRequests` (r:1 w:0)
	/// Proof: `Inference::OpenRequests` (`max_values`: None, `max_size`: Some(20), added: 2495, mode: `MaxEncodedLen`)
	/// Storage: `Subscriptions::NextSubscriptionId` (r:1 w:1)
	/// Proof: `Subscriptions::NextSubscriptionId` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `Subscriptions::ScheduledRuns` (r:1 w:1)
	/// Proof: `Subscriptions::ScheduledRuns` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `Subscriptions::Subscriptions` (r:0 w:1)
	/// Proof: `Subscriptions::Subscriptions` (`max_values`: None, `max_size`: Some(4251), added: 6726, mode: `MaxEncodedLen`)
	/// Storage: `Subscriptions::Schedule` (r:0 w:1)
	/// Proof: `Subscriptions::Schedule` (`max_values`: None, `max_size`: Some(28), added: 2503, mode: `MaxEncodedLen`)
	pub fn subscribe(db: RuntimeDbWeight) -> Weight {
		// Proof size: measured `857`, estimated `15771` bytes.
		// Minimum execution time: 139_093_000 picoseconds.
		Weight::from_parts(175_277_000, 15771)
			.saturating_add(db.reads(16))
			.saturating_add(db.writes(6))
	}

	/// Storage: `Subscriptions::Subscriptions` (r:1 w:1)
	/// Proof: `Subscriptions::Subscriptions` (`max_values`: None, `max_size`: Some(4251), added: 6726, mode: `MaxEncodedLen`)
	/// Storage: `Subscriptions::Schedule` (r:1 w:1)
	/// Proof: `Subscriptions::Schedule` (`max_values`: None, `max_size`: Some(28), added: 2503, mode: `MaxEncodedLen`)
	/// Storage: `Subscriptions::ScheduledRuns` (r:1 w:1)
	/// Proof: `Subscriptions::ScheduledRuns` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(193), added: 2668, mode: `MaxEncodedLen`)
	/// Storage: `Subscriptions::PruningRange` (r:1 w:1)
	/// Proof: `Subscriptions::PruningRange` (`max_values`: Some(1), `max_size`: Some(16), added: 511, mode: `MaxEncodedLen`)
	/// Storage: `Subscriptions::Pruning` (r:0 w:1)
	/// Proof: `Subscriptions::Pruning` (`max_values`: None, `max_size`: Some(28), added: 2503, mode: `MaxEncodedLen`)
	pub fn cancel(db: RuntimeDbWeight) -> Weight {
		// Proof size: measured `574`, estimated `7716` bytes.
		// Minimum execution time: 57_945_000 picoseconds.
		Weight::from_parts(76_195_000, 7716)
			.saturating_add(db.reads(6))
			.saturating_add(db.writes(7))
	}

	/// Storage: `Subscriptions::ScheduleCursor` (r:1 w:1)
	/// Proof: `Subscriptions::ScheduleCursor` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `Subscriptions::ScheduledRuns` (r:1 w:1)
	/// Proof: `Subscriptions::ScheduledRuns` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `Subscriptions::Schedule` (r:17 w:16)
	/// Proof: `Subscriptions::Schedule` (`max_values`: None, `max_size`: Some(28), added: 2503, mode: `MaxEncodedLen`)
	/// Storage: `Subscriptions::Subscriptions` (r:16 w:16)
	/// Proof: `Subscriptions::Subscriptions` (`max_values`: None, `max_size`: Some(4251), added: 6726, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:16 w:16)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:16 w:16)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(193), added: 2668, mode: `MaxEncodedLen`)
	/// Storage: `Models::Models` (r:1 w:0)
	/// Proof: `Models::Models` (`max_values`: None, `max_size`: Some(595), added: 3070, mode: `MaxEncodedLen`)
	/// Storage: `Subscriptions::PruningRange` (r:1 w:1)
	/// Proof: `Subscriptions::PruningRange` (`max_values`: Some(1), `max_size`: Some(16), added: 511, mode: `MaxEncodedLen`)
	/// Storage: `Subscriptions::Pruning` (r:0 w:16)
	/// Proof: `Subscriptions::Pruning` (`max_values`: None, `max_size`: Some(28), added: 2503, mode: `MaxEncodedLen`)
	/// Storage: `Subscriptions::Runs` (r:0 w:16)
	/// Proof: `Subscriptions::Runs` (`max_values`: None, `max_size`: Some(45), added: 2520, mode: `MaxEncodedLen`)
	/// Component `n` ranges over `[0, 16]`.
	pub fn make_runs(db: RuntimeDbWeight, n: u32) -> Weight {
		// Proof size: measured `376`, estimated `4060` bytes.
		// Minimum execution time: 3_764_000 picoseconds.
		Weight::from_parts(27_101_062, 4060)
			.saturating_add(Weight::from_parts(101_374_325, 0).saturating_mul(n as u64))
			.saturating_add(db.reads(4))
			.saturating_add(db.reads((4 as u64).saturating_mul(n as u64)))
			.saturating_add(db.writes(2))
			.saturating_add(db.writes((6 as u64).saturating_mul(n as u64)))
			.saturating_add(Weight::from_parts(0, 6726).saturating_mul(n as u64))
	}

	/// Storage: `Subscriptions::PruningRange` (r:1 w:1)
	/// Proof: `Subscriptions::PruningRange` (`max_values`: Some(1), `max_size`: Some(16), added: 511, mode: `MaxEncodedLen`)
	/// Storage: `Subscriptions::Pruning` (r:1 w:1)
	/// Proof: `Subscriptions::Pruning` (`max_values`: None, `max_size`: Some(28), added: 2503, mode: `MaxEncodedLen`)
	/// Storage: `Subscriptions::Subscriptions` (r:1 w:1)
	/// Proof: `Subscriptions::Subscriptions` (`max_values`: None, `max_size`: Some(4251), added: 6726, mode: `MaxEncodedLen`)
	/// Storage: `Subscriptions::Runs` (r:1024 w:1024)
	/// Proof: `Subscriptions::Runs` (`max_values`: None, `max_size`: Some(45), added: 2520, mode: `MaxEncodedLen`)
	/// Component `r` ranges over `[0, 1024]`.
	pub fn prune(db: RuntimeDbWeight, r: u32) -> Weight {
		// Proof size: measured `392`, estimated `7716` bytes.
		// Minimum execution time: 18_771_000 picoseconds.
		Weight::from_parts(15_957_418, 7716)
			.saturating_add(Weight::from_parts(842_919, 0).saturating_mul(r as u64))
			.saturating_add(db.reads(3))
			.saturating_add(db.reads((1 as u64).saturating_mul(r as u64)))
			.saturating_add(db.writes(3))
			.saturating_add(db.writes((1 as u64).saturating_mul(r as u64)))
			.saturating_add(Weight::from_parts(0, 2520).saturating_mul(r as u64))
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
