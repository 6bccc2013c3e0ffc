//! Weights for `pallet_models`, generated from its benchmarks by
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

/// The weight of each call of `pallet_models`.
pub trait WeightInfo {
	fn register_model() -> Weight;
	fn publish_version(v: u32) -> Weight;
	fn set_price() -> Weight;
	fn set_policy() -> Weight;
	fn set_status(v: u32) -> Weight;
	fn transfer_ownership() -> Weight;
	fn accept_ownership(v: u32) -> Weight;
	fn force_set_status(v: u32) -> Weight;
	fn remove_retired() -> Weight;
}

/// The measured costs, with the database's read and write costs as a
/// parameter so that both implementations below share them.
mod measured {
	use super::*;

	/// Storage: `Models::LineByName` (r:1 w:1)
	/// Proof: `Models::LineByName` (`max_values`: None, `max_size`: Some(138), added: 2613, mode: `MaxEncodedLen`)
	/// Storage: `Models::NextLineId` (r:1 w:1)
	/// Proof: `Models::NextLineId` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `Models::NextModelId` (r:1 w:1)
	/// Proof: `Models::NextModelId` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(175), added: 2650, mode: `MaxEncodedLen`)
	/// Storage: `Models::Lines` (r:0 w:1)
	/// Proof: `Models::Lines` (`max_values`: None, `max_size`: Some(424), added: 2899, mode: `MaxEncodedLen`)
	/// Storage: `Models::Models` (r:0 w:1)
	/// Proof: `Models::Models` (`max_values`: None, `max_size`: Some(570), added: 3045, mode: `MaxEncodedLen`)
	pub fn register_model(db: RuntimeDbWeight) -> Weight {
		// Proof size: measured `107`, estimated `3640` bytes.
		// Minimum execution time: 48_933_000 picoseconds.
		Weight::from_parts(52_638_000, 3640)
			.saturating_add(db.reads(5))
			.saturating_add(db.writes(7))
	}

	/// Storage: `Models::Lines` (r:1 w:1)
	/// Proof: `Models::Lines` (`max_values`: None, `max_size`: Some(424), added: 2899, mode: `MaxEncodedLen`)
	/// Storage: `Models::Models` (r:31 w:1)
	/// Proof: `Models::Models` (`max_values`: None, `max_size`: Some(570), added: 3045, mode: `MaxEncodedLen`)
	/// Storage: `Models::NextModelId` (r:1 w:1)
	/// Proof: `Models::NextModelId` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(175), added: 2650, mode: `MaxEncodedLen`)
	/// Component `v` ranges over `[1, 31]`.
	pub fn publish_version(db: RuntimeDbWeight, v: u32) -> Weight {
		// Proof size: measured `436`, estimated `3889` bytes.
		// Minimum execution time: 54_291_000 picoseconds.
		Weight::from_parts(54_191_541, 3889)
			.saturating_add(Weight::from_parts(3_578_215, 0).saturating_mul(v as u64))
			.saturating_add(db.reads(4))
			.saturating_add(db.reads((1 as u64).saturating_mul(v as u64)))
			.saturating_add(db.writes(5))
			.saturating_add(Weight::from_parts(0, 3045).saturating_mul(v as u64))
	}

	/// Storage: `Models::Models` (r:1 w:1)
	/// Proof: `Models::Models` (`max_values`: None, `max_size`: Some(570), added: 3045, mode: `MaxEncodedLen`)
	/// Storage: `Models::TermsBefore` (r:1 w:1)
	/// Proof: `Models::TermsBefore` (`max_values`: None, `max_size`: Some(24), added: 2499, mode: `MaxEncodedLen`)
	/// Storage: `Models::Terms` (r:1 w:1)
	/// Proof: `Models::Terms` (`max_values`: None, `max_size`: Some(20), added: 2495, mode: `MaxEncodedLen`)
	pub fn set_price(db: RuntimeDbWeight) -> Weight {
		// Proof size: measured `653`, estimated `4035` bytes.
		// Minimum execution time: 14_842_000 picoseconds.
		Weight::from_parts(16_535_000, 4035)
			.saturating_add(db.reads(3))
			.saturating_add(db.writes(3))
	}

	/// Storage: `Models::Models` (r:1 w:1)
	/// Proof: `Models::Models` (`max_values`: None, `max_size`: Some(570), added: 3045, mode: `MaxEncodedLen`)
	/// Storage: `Models::TermsBefore` (r:1 w:1)
	/// Proof: `Models::TermsBefore` (`max_values`: None, `max_size`: Some(24), added: 2499, mode: `MaxEncodedLen`)
	/// Storage: `Models::Terms` (r:1 w:1)
	/// Proof: `Models::Terms` (`max_values`: None, `max_size`: Some(20), added: 2495, mode: `MaxEncodedLen`)
	pub fn set_policy(db: RuntimeDbWeight) -> Weight {
		// Proof size: measured `653`, estimated `4035` bytes.
		// Minimum execution time: 14_762_000 picoseconds.
		Weight::from_parts(16_224_000, 4035)
			.saturating_add(db.reads(3))
			.saturating_add(db.writes(3))
	}

	/// Storage: `Models::Models` (r:1 w:1)
	/// Proof: `Models::Models` (`max_values`: None, `max_size`: Some(570), added: 3045, mode: `MaxEncodedLen`)
	/// Storage: `Inference::OpenRequests` (r:1 w:0)
	/// Proof: `Inference::OpenRequests` (`max_values`: None, `max_size`: Some(20), added: 2495, mode: `MaxEncodedLen`)
	/// Storage: `Models::Lines` (r:1 w:1)
	/// Proof: `Models::Lines` (`max_values`: None, `max_size`: Some(424), added: 2899, mode: `MaxEncodedLen`)
	/// Storage: `Models::RetiredAt` (r:0 w:1)
	/// Proof: `Models::RetiredAt` (`max_values`: None, `max_size`: Some(20), added: 2495, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(175), added: 2650, mode: `MaxEncodedLen`)
	/// Storage: `Models::LineByName` (r:0 w:1)
	/// Proof: `Models::LineByName` (`max_values`: None, `max_size`: Some(138), added: 2613, mode: `MaxEncodedLen`)
	/// Component `v` ranges over `[1, 32]`.
	pub fn set_status(db: RuntimeDbWeight, v: u32) -> Weight {
		// Proof size: measured `917`, estimated `4035` bytes.
		// Minimum execution time: 21_172_000 picoseconds.
		Weight::from_parts(27_743_183, 4035)
			.saturating_add(db.reads(3))
			.saturating_add(db.writes(3))
			.saturating_add(Weight::from_parts(0, 1820).saturating_mul(v as u64))
	}

	/// Storage: `Models::Lines` (r:1 w:1)
	/// Proof: `Models::Lines` (`max_values`: None, `max_size`: Some(424), added: 2899, mode: `MaxEncodedLen`)
	pub fn transfer_ownership(db: RuntimeDbWeight) -> Weight {
		// Proof size: measured `272`, estimated `3889` bytes.
		// Minimum execution time: 9_024_000 picoseconds.
		Weight::from_parts(10_015_000, 3889)
			.saturating_add(db.reads(1))
			.saturating_add(db.writes(1))
	}

	/// Storage: `Models::Lines` (r:1 w:1)
	/// Proof: `Models::Lines` (`max_values`: None, `max_size`: Some(424), added: 2899, mode: `MaxEncodedLen`)
	/// Storage: `Models::LineByName` (r:1 w:2)
	/// Proof: `Models::LineByName` (`max_values`: None, `max_size`: Some(138), added: 2613, mode: `MaxEncodedLen`)
	/// Storage: `Models::Models` (r:32 w:32)
	/// Proof: `Models::Models` (`max_values`: None, `max_size`: Some(570), added: 3045, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:2 w:2)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:2 w:2)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(175), added: 2650, mode: `MaxEncodedLen`)
	/// Component `v` ranges over `[1, 32]`.
	pub fn accept_ownership(db: RuntimeDbWeight, v: u32) -> Weight {
		// Proof size: measured `772`, estimated `6290` bytes.
		// Minimum execution time: 90_415_000 picoseconds.
		Weight::from_parts(90_137_266, 6290)
			.saturating_add(Weight::from_parts(5_302_190, 0).saturating_mul(v as u64))
			.saturating_add(db.reads(6))
			.saturating_add(db.reads((1 as u64).saturating_mul(v as u64)))
			.saturating_add(db.writes(7))
			.saturating_add(db.writes((1 as u64).saturating_mul(v as u64)))
			.saturating_add(Weight::from_parts(0, 3045).saturating_mul(v as u64))
	}

	/// Storage: `Models::Models` (r:1 w:1)
	/// Proof: `Models::Models` (`max_values`: None, `max_size`: Some(570), added: 3045, mode: `MaxEncodedLen`)
	/// Storage: `Inference::OpenRequests` (r:1 w:0)
	/// Proof: `Inference::OpenRequests` (`max_values`: None, `max_size`: Some(20), added: 2495, mode: `MaxEncodedLen`)
	/// Storage: `Models::Lines` (r:1 w:1)
	/// Proof: `Models::Lines` (`max_values`: None, `max_size`: Some(424), added: 2899, mode: `MaxEncodedLen`)
	/// Storage: `Models::RetiredAt` (r:0 w:1)
	/// Proof: `Models::RetiredAt` (`max_values`: None, `max_size`: Some(20), added: 2495, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(175), added: 2650, mode: `MaxEncodedLen`)
	/// Storage: `Models::LineByName` (r:0 w:1)
	/// Proof: `Models::LineByName` (`max_values`: None, `max_size`: Some(138), added: 2613, mode: `MaxEncodedLen`)
	/// Component `v` ranges over `[1, 32]`.
	pub fn force_set_status(db: RuntimeDbWeight, v: u32) -> Weight {
		// Proof size: measured `917`, estimated `4035` bytes.
		// Minimum execution time: 20_751_000 picoseconds.
		Weight::from_parts(27_408_336, 4035)
			.saturating_add(db.reads(3))
			.saturating_add(db.writes(3))
			.saturating_add(Weight::from_parts(0, 1820).saturating_mul(v as u64))
	}

	/// Storage: `System::Account` (r:2 w:2)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Models::Models` (r:1 w:1)
	/// Proof: `Models::Models` (`max_values`: None, `max_size`: Some(570), added: 3045, mode: `MaxEncodedLen`)
	/// Storage: `Models::RetiredAt` (r:1 w:1)
	/// Proof: `Models::RetiredAt` (`max_values`: None, `max_size`: Some(20), added: 2495, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(175), added: 2650, mode: `MaxEncodedLen`)
	/// Storage: `Models::TermsBefore` (r:0 w:1)
	/// Proof: `Models::TermsBefore` (`max_values`: None, `max_size`: Some(24), added: 2499, mode: `MaxEncodedLen`)
	/// Storage: `Models::Terms` (r:0 w:1)
	/// Proof: `Models::Terms` (`max_values`: None, `max_size`: Some(20), added: 2495, mode: `MaxEncodedLen`)
	pub fn remove_retired(db: RuntimeDbWeight) -> Weight {
		// Proof size: measured `892`, estimated `6196` bytes.
		// Minimum execution time: 64_256_000 picoseconds.
		Weight::from_parts(67_701_000, 6196)
			.saturating_add(db.reads(5))
			.saturating_add(db.writes(7))
	}
}

/// Weights for the runtime, with its own database costs.
pub struct SubstrateWeight<T>(PhantomData<T>);

impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn register_model() -> Weight {
		measured::register_model(T::DbWeight::get())
	}
	fn publish_version(v: u32) -> Weight {
		measured::publish_version(T::DbWeight::get(), v)
	}
	fn set_price() -> Weight {
		measured::set_price(T::DbWeight::get())
	}
	fn set_policy() -> Weight {
		measured::set_policy(T::DbWeight::get())
	}
	fn set_status(v: u32) -> Weight {
		measured::set_status(T::DbWeight::get(), v)
	}
	fn transfer_ownership() -> Weight {
		measured::transfer_ownership(T::DbWeight::get())
	}
	fn accept_ownership(v: u32) -> Weight {
		measured::accept_ownership(T::DbWeight::get(), v)
	}
	fn force_set_status(v: u32) -> Weight {
		measured::force_set_status(T::DbWeight::get(), v)
	}
	fn remove_retired() -> Weight {
		measured::remove_retired(T::DbWeight::get())
	}
}

/// The same weights with RocksDB's costs, for tests and mocks.
impl WeightInfo for () {
	fn register_model() -> Weight {
		measured::register_model(RocksDbWeight::get())
	}
	fn publish_version(v: u32) -> Weight {
		measured::publish_version(RocksDbWeight::get(), v)
	}
	fn set_price() -> Weight {
		measured::set_price(RocksDbWeight::get())
	}
	fn set_policy() -> Weight {
		measured::set_policy(RocksDbWeight::get())
	}
	fn set_status(v: u32) -> Weight {
		measured::set_status(RocksDbWeight::get(), v)
	}
	fn transfer_ownership() -> Weight {
		measured::transfer_ownership(RocksDbWeight::get())
	}
	fn accept_ownership(v: u32) -> Weight {
		measured::accept_ownership(RocksDbWeight::get(), v)
	}
	fn force_set_status(v: u32) -> Weight {
		measured::force_set_status(RocksDbWeight::get(), v)
	}
	fn remove_retired() -> Weight {
		measured::remove_retired(RocksDbWeight::get())
	}
}
