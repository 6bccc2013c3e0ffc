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
	fn on_initialize_round_ends(n: u32) -> Weight;
	fn on_initialize_verdicts(n: u32) -> Weight;
	fn attest_deciding_dispute() -> Weight;
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
		// Minimum execution time: 141_811_000 picoseconds.
		Weight::from_parts(163_564_000, 50639)
			.saturating_add(db.reads(5))
			.saturating_add(db.writes(5))
	}

	/// Storage: `Verification::Verifiers` (r:1 w:1)
	/// Proof: `Verification::Verifiers` (`max_values`: None, `max_size`: Some(77), added: 2552, mode: `MaxEncodedLen`)
	/// Storage: `Verification::ActiveVerifiers` (r:1 w:1)
	/// Proof: `Verification::ActiveVerifiers` (`max_values`: Some(1), `max_size`: Some(49154), added: 49649, mode: `MaxEncodedLen`)
	pub fn unregister_verifier(db: RuntimeDbWeight) -> Weight {
		// Proof size: measured `50455`, estimated `50639` bytes.
		// Minimum execution time: 49_414_000 picoseconds.
		Weight::from_parts(61_703_000, 50639)
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
		// Minimum execution time: 39_559_000 picoseconds.
		Weight::from_parts(42_413_000, 3640)
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
		// Minimum execution time: 91_517_000 picoseconds.
		Weight::from_parts(127_160_000, 50639)
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
	/// Proof: `Inference::Requests` (`max_values`: None, `max_size`: Some(21037), added: 23512, mode: `MaxEncodedLen`)
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
	/// Storage: `Inference::PruningRange` (r:1 w:1)
	/// Proof: `Inference::PruningRange` (`max_values`: Some(1), `max_size`: Some(16), added: 511, mode: `MaxEncodedLen`)
	/// Storage: `Inference::Pruning` (r:0 w:1)
	/// Proof: `Inference::Pruning` (`max_values`: None, `max_size`: Some(28), added: 2503, mode: `MaxEncodedLen`)
	/// Storage: `Inference::PendingWork` (r:0 w:1)
	/// Proof: `Inference::PendingWork` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	pub fn attest(db: RuntimeDbWeight) -> Weight {
		// Proof size: measured `30491`, estimated `92095` bytes.
		// Minimum execution time: 1_594_880_000 picoseconds.
		Weight::from_parts(1_706_326_000, 92095)
			.saturating_add(db.reads(108))
			.saturating_add(db.writes(79))
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
		// Minimum execution time: 9_884_000 picoseconds.
		Weight::from_parts(616_311_850, 423002)
			.saturating_add(Weight::from_parts(324_778_296, 0).saturating_mul(n as u64))
			.saturating_add(db.reads(157))
			.saturating_add(db.reads((14 as u64).saturating_mul(n as u64)))
			.saturating_add(db.writes(155))
			.saturating_add(db.writes((46 as u64).saturating_mul(n as u64)))
			.saturating_add(Weight::from_parts(0, 33060).saturating_mul(n as u64))
	}

	/// Storage: `Verification::Due` (r:2 w:2)
	/// Proof: `Verification::Due` (`max_values`: None, `max_size`: Some(526), added: 3001, mode: `MaxEncodedLen`)
	/// Storage: `Verification::Verifications` (r:64 w:64)
	/// Proof: `Verification::Verifications` (`max_values`: None, `max_size`: Some(5420), added: 7895, mode: `MaxEncodedLen`)
	/// Storage: `Verification::Seats` (r:2048 w:2048)
	/// Proof: `Verification::Seats` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Storage: `Verification::Verifiers` (r:883 w:883)
	/// Proof: `Verification::Verifiers` (`max_values`: None, `max_size`: Some(77), added: 2552, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:883 w:883)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(175), added: 2650, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:884 w:884)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Verification::ActiveVerifiers` (r:1 w:1)
	/// Proof: `Verification::ActiveVerifiers` (`max_values`: Some(1), `max_size`: Some(49154), added: 49649, mode: `MaxEncodedLen`)
	/// Component `n` ranges over `[0, 64]`.
	pub fn on_initialize_round_ends(db: RuntimeDbWeight, n: u32) -> Weight {
		// Proof size: measured `173819`, estimated `452176` bytes.
		// Minimum execution time: 9_885_000 picoseconds.
		Weight::from_parts(4_404_413_173, 452176)
			.saturating_add(Weight::from_parts(2_073_688_853, 0).saturating_mul(n as u64))
			.saturating_add(db.reads(476))
			.saturating_add(db.reads((72 as u64).saturating_mul(n as u64)))
			.saturating_add(db.writes(476))
			.saturating_add(db.writes((72 as u64).saturating_mul(n as u64)))
			.saturating_add(Weight::from_parts(0, 81248).saturating_mul(n as u64))
	}

	/// Storage: `Verification::Due` (r:1 w:1)
	/// Proof: `Verification::Due` (`max_values`: None, `max_size`: Some(526), added: 3001, mode: `MaxEncodedLen`)
	/// Storage: `Verification::Verifications` (r:64 w:64)
	/// Proof: `Verification::Verifications` (`max_values`: None, `max_size`: Some(5420), added: 7895, mode: `MaxEncodedLen`)
	/// Storage: `Verification::ActiveVerifiers` (r:1 w:0)
	/// Proof: `Verification::ActiveVerifiers` (`max_values`: Some(1), `max_size`: Some(49154), added: 49649, mode: `MaxEncodedLen`)
	/// Storage: `Verification::Seats` (r:2048 w:0)
	/// Proof: `Verification::Seats` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Storage: `Verification::Verifiers` (r:32 w:32)
	/// Proof: `Verification::Verifiers` (`max_values`: None, `max_size`: Some(77), added: 2552, mode: `MaxEncodedLen`)
	/// Storage: `Inference::Requests` (r:64 w:64)
	/// Proof: `Inference::Requests` (`max_values`: None, `max_size`: Some(21037), added: 23512, mode: `MaxEncodedLen`)
	/// Storage: `Settlement::Escrows` (r:64 w:64)
	/// Proof: `Settlement::Escrows` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:161 w:161)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:64 w:64)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(175), added: 2650, mode: `MaxEncodedLen`)
	/// Storage: `Inference::Executors` (r:64 w:64)
	/// Proof: `Inference::Executors` (`max_values`: None, `max_size`: Some(210), added: 2685, mode: `MaxEncodedLen`)
	/// Storage: `Inference::OpenRequests` (r:64 w:64)
	/// Proof: `Inference::OpenRequests` (`max_values`: None, `max_size`: Some(20), added: 2495, mode: `MaxEncodedLen`)
	/// Storage: `Inference::Queue` (r:1 w:1)
	/// Proof: `Inference::Queue` (`max_values`: None, `max_size`: Some(1038), added: 3513, mode: `MaxEncodedLen`)
	/// Storage: `Inference::PruningRange` (r:1 w:1)
	/// Proof: `Inference::PruningRange` (`max_values`: Some(1), `max_size`: Some(16), added: 511, mode: `MaxEncodedLen`)
	/// Storage: `Inference::Pruning` (r:0 w:64)
	/// Proof: `Inference::Pruning` (`max_values`: None, `max_size`: Some(28), added: 2503, mode: `MaxEncodedLen`)
	/// Storage: `Inference::PendingWork` (r:0 w:64)
	/// Proof: `Inference::PendingWork` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Component `n` ranges over `[0, 64]`.
	pub fn on_initialize_verdicts(db: RuntimeDbWeight, n: u32) -> Weight {
		// Proof size: measured `7922`, estimated `86680` bytes.
		// Minimum execution time: 6_069_000 picoseconds.
		Weight::from_parts(6_159_000, 86680)
			.saturating_add(Weight::from_parts(1_285_708_052, 0).saturating_mul(n as u64))
			.saturating_add(db.reads(64))
			.saturating_add(db.reads((40 as u64).saturating_mul(n as u64)))
			.saturating_add(db.writes(63))
			.saturating_add(db.writes((10 as u64).saturating_mul(n as u64)))
			.saturating_add(Weight::from_parts(0, 81248).saturating_mul(n as u64))
	}

	/// Storage: `Verification::Verifications` (r:1 w:1)
	/// Proof: `Verification::Verifications` (`max_values`: None, `max_size`: Some(5420), added: 7895, mode: `MaxEncodedLen`)
	/// Storage: `Verification::Seats` (r:5 w:3)
	/// Proof: `Verification::Seats` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Storage: `Verification::Verifiers` (r:37 w:37)
	/// Proof: `Verification::Verifiers` (`max_values`: None, `max_size`: Some(77), added: 2552, mode: `MaxEncodedLen`)
	/// Storage: `Verification::Due` (r:1 w:1)
	/// Proof: `Verification::Due` (`max_values`: None, `max_size`: Some(526), added: 3001, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:33 w:33)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(175), added: 2650, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:37 w:37)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Verification::ActiveVerifiers` (r:1 w:1)
	/// Proof: `Verification::ActiveVerifiers` (`max_values`: Some(1), `max_size`: Some(49154), added: 49649, mode: `MaxEncodedLen`)
	/// Storage: `Inference::Requests` (r:1 w:1)
	/// Proof: `Inference::Requests` (`max_values`: None, `max_size`: Some(21037), added: 23512, mode: `MaxEncodedLen`)
	/// Storage: `Settlement::Escrows` (r:1 w:1)
	/// Proof: `Settlement::Escrows` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Storage: `Inference::Executors` (r:1 w:1)
	/// Proof: `Inference::Executors` (`max_values`: None, `max_size`: Some(210), added: 2685, mode: `MaxEncodedLen`)
	/// Storage: `Inference::OpenRequests` (r:1 w:1)
	/// Proof: `Inference::OpenRequests` (`max_values`: None, `max_size`: Some(20), added: 2495, mode: `MaxEncodedLen`)
	/// Storage: `Inference::Queue` (r:1 w:1)
	/// Proof: `Inference::Queue` (`max_values`: None, `max_size`: Some(1038), added: 3513, mode: `MaxEncodedLen`)
	/// Storage: `Inference::PruningRange` (r:1 w:1)
	/// Proof: `Inference::PruningRange` (`max_values`: Some(1), `max_size`: Some(16), added: 511, mode: `MaxEncodedLen`)
	/// Storage: `Inference::Pruning` (r:0 w:1)
	/// Proof: `Inference::Pruning` (`max_values`: None, `max_size`: Some(28), added: 2503, mode: `MaxEncodedLen`)
	/// Storage: `Inference::PendingWork` (r:0 w:1)
	/// Proof: `Inference::PendingWork` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	pub fn attest_deciding_dispute(db: RuntimeDbWeight) -> Weight {
		// Proof size: measured `92153`, estimated `97301` bytes.
		// Minimum execution time: 2_133_073_000 picoseconds.
		Weight::from_parts(2_247_744_000, 97301)
			.saturating_add(db.reads(121))
			.saturating_add(db.writes(121))
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
		// Minimum execution time: 2_192_332_000 picoseconds.
		Weight::from_parts(2_340_683_000, 86889)
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
	fn on_initialize_round_ends(n: u32) -> Weight {
		measured::on_initialize_round_ends(T::DbWeight::get(), n)
	}
	fn on_initialize_verdicts(n: u32) -> Weight {
		measured::on_initialize_verdicts(T::DbWeight::get(), n)
	}
	fn attest_deciding_dispute() -> Weight {
		measured::attest_deciding_dispute(T::DbWeight::get())
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
	fn on_initialize_round_ends(n: u32) -> Weight {
		measured::on_initialize_round_ends(RocksDbWeight::get(), n)
	}
	fn on_initialize_verdicts(n: u32) -> Weight {
		measured::on_initialize_verdicts(RocksDbWeight::get(), n)
	}
	fn attest_deciding_dispute() -> Weight {
		measured::attest_deciding_dispute(RocksDbWeight::get())
	}
	fn advance() -> Weight {
		measured::advance(RocksDbWeight::get())
	}
}
