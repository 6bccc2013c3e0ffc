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
		// Minimum execution time: 50_976_000 picoseconds.
		Weight::from_parts(53_740_000, 3640)
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
		// Minimum execution time: 56_474_000 picoseconds.
		Weight::from_parts(55_614_811, 3889)
			.saturating_add(Weight::from_parts(3_653_663, 0).saturating_mul(v as u64))
			.saturating_add(db.reads(4))
			.saturating_add(db.reads((1 as u64).saturating_mul(v as u64)))
			.saturating_add(db.writes(5))
			.saturating_add(Weight::from_parts(0, 3045).saturating_mul(v as u64))
	}

	/// Storage: `Models::Models` (r:1 w:1)
	/// Proof: `Models::Models` (`max_values`: None, `max_size`: Some(570), added: 3045, mode: `MaxEncodedLen`)
	pub fn set_price(db: RuntimeDbWeight) -> Weight {
		// Proof size: measured `653`, estimated `4035` bytes.
		// Minimum execution time: 10_145_000 picoseconds.
		Weight::from_parts(10_996_000, 4035)
			.saturating_add(db.reads(1))
			.saturating_add(db.writes(1))
	}

	/// Storage: `Models::Models` (r:1 w:1)
	/// Proof: `Models::Models` (`max_values`: None, `max_size`: Some(570), added: 3045, mode: `MaxEncodedLen`)
	pub fn set_policy(db: RuntimeDbWeight) -> Weight {
		// Proof size: measured `653`, estimated `4035` bytes.
		// Minimum execution time: 10_085_000 picoseconds.
		Weight::from_parts(10_966_000, 4035)
			.saturating_add(db.reads(1))
			.saturating_add(db.writes(1))
	}

	/// Storage: `Models::Models` (r:1 w:1)
	/// Proof: `Models::Models` (`max_values`: None, `max_size`: Some(570), added: 3045, mode: `MaxEncodedLen`)
	/// Storage: `Inference::OpenRequests` (r:1 w:0)
	/// Proof: `Inference::OpenRequests` (`max_values`: None, `max_size`: Some(20), added: 2495, mode: `MaxEncodedLen`)
	/// Storage: `Models::Lines` (r:1 w:1)
	/// Proof: `Models::Lines` (`max_values`: None, `max_size`: Some(424), added: 2899, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(175), added: 2650, mode: `MaxEncodedLen`)
	/// Storage: `Models::LineByName` (r:0 w:1)
	/// Proof: `Models::LineByName` (`max_values`: None, `max_size`: Some(138), added: 2613, mode: `MaxEncodedLen`)
	/// Component `v` ranges over `[1, 32]`.
	pub fn set_status(db: RuntimeDbWeight, v: u32) -> Weight {
		// Proof size: measured `1049`, estimated `4035` bytes.
		// Minimum execution time: 51_697_000 picoseconds.
		Weight::from_parts(58_058_944, 4035)
			.saturating_add(Weight::from_parts(3_982, 0).saturating_mul(v as u64))
			.saturating_add(db.reads(5))
			.saturating_add(db.writes(4))
	}

	/// Storage: `Models::Lines` (r:1 w:1)
	/// Proof: `Models::Lines` (`max_values`: None, `max_size`: Some(424), added: 2899, mode: `MaxEncodedLen`)
	pub fn transfer_ownership(db: RuntimeDbWeight) -> Weight {
		// Proof size: measured `272`, estimated `3889` bytes.
		// Minimum execution time: 9_765_000 picoseconds.
		Weight::from_parts(10_545_000, 3889)
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
		// Minimum execution time: 90_986_000 picoseconds.
		Weight::from_parts(91_112_349, 6290)
			.saturating_add(Weight::from_parts(5_376_429, 0).saturating_mul(v as u64))
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
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(175), added: 2650, mode: `MaxEncodedLen`)
	/// Storage: `Models::LineByName` (r:0 w:1)
	/// Proof: `Models::LineByName` (`max_values`: None, `max_size`: Some(138), added: 2613, mode: `MaxEncodedLen`)
	/// Component `v` ranges over `[1, 32]`.
	pub fn force_set_status(db: RuntimeDbWeight, _v: u32) -> Weight {
		// Proof size: measured `1049`, estimated `4035` bytes.
		// Minimum execution time: 52_158_000 picoseconds.
		Weight::from_parts(58_780_218, 4035)
			.saturating_add(db.reads(5))
			.saturating_add(db.writes(4))
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
}
