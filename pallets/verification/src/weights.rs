//! Weights for `pallet_verification`, generated from its benchmarks by
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

/// The weight of each call of `pallet_verification`.
pub trait WeightInfo {
	fn register_verifier() -> Weight;
	fn unregister_verifier() -> Weight;
	fn withdraw_stake() -> Weight;
	fn challenge() -> Weight;
	fn attest() -> Weight;
	fn on_initialize(n: u32) -> Weight;
	fn advance() -> Weight;
}

/// The measured costs, with the database's read and write costs as a
/// parameter so that both implementations below share them.
mod measured {
	use super::*;

	/// Storage: `Verification::Verifiers` (r:2 w:2)
	/// Proof: `Verification::Verifiers` (`max_values`: None, `max_size`: Some(77), added: 2552, mode: `MaxEncodedLen`)
	/// Storage: `Verification::ActiveVerifiers` (r:1 w:1)
	/// Proof: `Verification::ActiveVerifiers` (`max_values`: Some(1), `max_size`: Some(49154), added: 49649, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(175), added: 2650, mode: `MaxEncodedLen`)
	pub fn register_verifier(db: RuntimeDbWeight) -> Weight {
		// Proof size: measured `52258`, estimated `50639` bytes.
		// Minimum execution time: 167_290_000 picoseconds.
		Weight::from_parts(181_791_000, 50639)
			.saturating_add(db.reads(5))
			.saturating_add(db.writes(5))
	}

	/// Storage: `Verification::Verifiers` (r:1 w:1)
	/// Proof: `Verification::Verifiers` (`max_values`: None, `max_size`: Some(77), added: 2552, mode: `MaxEncodedLen`)
	/// Storage: `Verification::ActiveVerifiers` (r:1 w:1)
	/// Proof: `Verification::ActiveVerifiers` (`max_values`: Some(1), `max_size`: Some(49154), added: 49649, mode: `MaxEncodedLen`)
	pub fn unregister_verifier(db: RuntimeDbWeight) -> Weight {
		// Proof size: measured `50455`, estimated `50639` bytes.
		// Minimum execution time: 67_561_000 picoseconds.
		Weight::from_parts(74_181_000, 50639)
			.saturating_add(db.reads(2))
			.saturating_add(db.writes(2))
	}

	/// Storage: `Verification::Verifiers` (r:1 w:1)
	/// Proof: `Verification::Verifiers` (`max_values`: None, `max_size`: Some(77), added: 2552, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(175), added: 2650, mode: `MaxEncodedLen`)
	pub fn withdraw_stake(db: RuntimeDbWeight) -> Weight {
		// Proof size: measured `357`, estimated `3640` bytes.
		// Minimum execution time: 41_802_000 picoseconds.
		Weight::from_parts(43_545_000, 3640)
			.saturating_add(db.reads(3))
			.saturating_add(db.writes(3))
	}

	/// Storage: `Verification::Verifications` (r:1 w:1)
	/// Proof: `Verification::Verifications` (`max_values`: None, `max_size`: Some(5420), added: 7895, mode: `MaxEncodedLen`)
	/// Storage: `Verification::ActiveVerifiers` (r:1 w:0)
	/// Proof: `Verification::ActiveVerifiers` (`max_values`: Some(1), `max_size`: Some(49154), added: 49649, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(175), added: 2650, mode: `MaxEncodedLen`)
	/// Storage: `Verification::Due` (r:2 w:2)
	/// Proof: `Verification::Due` (`max_values`: None, `max_size`: Some(526), added: 3001, mode: `MaxEncodedLen`)
	pub fn challenge(db: RuntimeDbWeight) -> Weight {
		// Proof size: measured `51338`, estimated `50639` bytes.
		// Minimum execution time: 144_175_000 picoseconds.
		Weight::from_parts(157_455_000, 50639)
			.saturating_add(db.reads(6))
			.saturating_add(db.writes(5))
	}

	/// Storage: `Verification::Verifications` (r:1 w:1)
	/// Proof: `Verification::Verifications` (`max_values`: None, `max_size`: Some(5420), added: 7895, mode: `MaxEncodedLen`)
	/// Storage: `Verification::Seats` (r:32 w:1)
	/// Proof: `Verification::Seats` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Storage: `Verification::Verifiers` (r:32 w:32)
	/// Proof: `Verification::Verifiers` (`max_values`: None, `max_size`: Some(77), added: 2552, mode: `MaxEncodedLen`)
	/// Storage: `Verification::Due` (r:1 w:1)
	/// Proof: `Verification::Due` (`max_values`: None, `max_size`: Some(526), added: 3001, mode: `MaxEncodedLen`)
	/// Storage: `Inference::Requests` (r:1 w:1)
	/// Proof: `Inference::Requests` (`max_values`: None, `max_size`: Some(21031), added: 23506, mode: `MaxEncodedLen`)
	/// Storage: `Settlement::Escrows` (r:1 w:1)
	/// Proof: `Settlement::Escrows` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:35 w:35)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(175), added: 2650, mode: `MaxEncodedLen`)
	/// Storage: `Inference::Executors` (r:1 w:1)
	/// Proof: `Inference::Executors` (`max_values`: None, `max_size`: Some(210), added: 2685, mode: `MaxEncodedLen`)
	/// Storage: `Inference::OpenRequests` (r:1 w:1)
	/// Proof: `Inference::OpenRequests` (`max_values`: None, `max_size`: Some(20), added: 2495, mode: `MaxEncodedLen`)
	/// Storage: `Inference::Queue` (r:1 w:1)
	/// Proof: `Inference::Queue` (`max_values`: None, `max_size`: Some(1038), added: 3513, mode: `MaxEncodedLen`)
	/// Storage: `Inference::PendingWork` (r:0 w:1)
	/// Proof: `Inference::PendingWork` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	pub fn attest(db: RuntimeDbWeight) -> Weight {
		// Proof size: measured `30453`, estimated `92095` bytes.
		// Minimum execution time: 1_769_280_000 picoseconds.
		Weight::from_parts(1_873_125_000, 92095)
			.saturating_add(db.reads(107))
			.saturating_add(db.writes(77))
	}

	/// Storage: `Verification::Due` (r:2 w:2)
	/// Proof: `Verification::Due` (`max_values`: None, `max_size`: Some(526), added: 3001, mode: `MaxEncodedLen`)
	/// Storage: `Verification::Verifications` (r:64 w:64)
	/// Proof: `Verification::Verifications` (`max_values`: None, `max_size`: Some(5420), added: 7895, mode: `MaxEncodedLen`)
	/// Storage: `Verification::ActiveVerifiers` (r:1 w:0)
	/// Proof: `Verification::ActiveVerifiers` (`max_values`: Some(1), `max_size`: Some(49154), added: 49649, mode: `MaxEncodedLen`)
	/// Storage: `System::ParentHash` (r:1 w:0)
	/// Proof: `System::ParentHash` (`max_values`: Some(1), `max_size`: Some(32), added: 527, mode: `MaxEncodedLen`)
	/// Storage: `Verification::Verifiers` (r:890 w:890)
	/// Proof: `Verification::Verifiers` (`max_values`: None, `max_size`: Some(77), added: 2552, mode: `MaxEncodedLen`)
	/// Storage: `Verification::Seats` (r:0 w:2048)
	/// Proof: `Verification::Seats` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Component `n` ranges over `[0, 64]`.
	pub fn on_initialize(db: RuntimeDbWeight, n: u32) -> Weight {
		// Proof size: measured `86410`, estimated `423002` bytes.
		// Minimum execution time: 13_390_000 picoseconds.
		Weight::from_parts(14_692_000, 423002)
			.saturating_add(Weight::from_parts(419_830_734, 0).saturating_mul(n as u64))
			.saturating_add(db.reads(157))
			.saturating_add(db.reads((14 as u64).saturating_mul(n as u64)))
			.saturating_add(db.writes(155))
			.saturating_add(db.writes((46 as u64).saturating_mul(n as u64)))
			.saturating_add(Weight::from_parts(0, 33060).saturating_mul(n as u64))
	}

	/// Storage: `Verification::Verifications` (r:1 w:1)
	/// Proof: `Verification::Verifications` (`max_values`: None, `max_size`: Some(5420), added: 7895, mode: `MaxEncodedLen`)
	/// Storage: `Verification::Due` (r:2 w:2)
	/// Proof: `Verification::Due` (`max_values`: None, `max_size`: Some(526), added: 3001, mode: `MaxEncodedLen`)
	/// Storage: `Verification::Seats` (r:32 w:32)
	/// Proof: `Verification::Seats` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Storage: `Verification::Verifiers` (r:32 w:32)
	/// Proof: `Verification::Verifiers` (`max_values`: None, `max_size`: Some(77), added: 2552, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:32 w:32)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(175), added: 2650, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:33 w:33)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Verification::ActiveVerifiers` (r:1 w:1)
	/// Proof: `Verification::ActiveVerifiers` (`max_values`: Some(1), `max_size`: Some(49154), added: 49649, mode: `MaxEncodedLen`)
	pub fn advance(db: RuntimeDbWeight) -> Weight {
		// Proof size: measured `89901`, estimated `86889` bytes.
		// Minimum execution time: 2_347_353_000 picoseconds.
		Weight::from_parts(2_459_130_000, 86889)
			.saturating_add(db.reads(133))
			.saturating_add(db.writes(133))
	}
}

/// Weights for the runtime, with its own database costs.
pub struct SubstrateWeight<T>(PhantomData<T>);

impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn register_verifier() -> Weight {
		measured::register_verifier(T::DbWeight::get())
	}
	fn unregister_verifier() -> Weight {
		measured::unregister_verifier(T::DbWeight::get())
	}
	fn withdraw_stake() -> Weight {
		measured::withdraw_stake(T::DbWeight::get())
	}
	fn challenge() -> Weight {
		measured::challenge(T::DbWeight::get())
	}
	fn attest() -> Weight {
		measured::attest(T::DbWeight::get())
	}
	fn on_initialize(n: u32) -> Weight {
		measured::on_initialize(T::DbWeight::get(), n)
	}
	fn advance() -> Weight {
		measured::advance(T::DbWeight::get())
	}
}

/// The same weights with RocksDB's costs, for tests and mocks.
impl WeightInfo for () {
	fn register_verifier() -> Weight {
		measured::register_verifier(RocksDbWeight::get())
	}
	fn unregister_verifier() -> Weight {
		measured::unregister_verifier(RocksDbWeight::get())
	}
	fn withdraw_stake() -> Weight {
		measured::withdraw_stake(RocksDbWeight::get())
	}
	fn challenge() -> Weight {
		measured::challenge(RocksDbWeight::get())
	}
	fn attest() -> Weight {
		measured::attest(RocksDbWeight::get())
	}
	fn on_initialize(n: u32) -> Weight {
		measured::on_initialize(RocksDbWeight::get(), n)
	}
	fn advance() -> Weight {
		measured::advance(RocksDbWeight::get())
	}
}
