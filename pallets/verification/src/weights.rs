//! Weights for `pallet_verification`, generated from its benchmarks by
//! `scripts/bench/pallets.sh` (`veritas-node benchmark pallet`, CLI version 64.0.0).
//!
//! Date: 2026-11-26. Steps: `50`, repeat: `20`.
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

	/// Storage: `Verification::Verifiers` (r:1 w:1)
	/// Proof: `Verification::Verifiers` (`max_values`: None, `max_size`: Some(77), added: 2552, mode: `MaxEncodedLen`)
	/// Storage: `Verification::ActiveVerifiers` (r:1 w:1)
	/// Proof: `Verification::ActiveVerifiers` (`max_values`: Some(1), `max_size`: Some(8194), added: 8689, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(139), added: 2614, mode: `MaxEncodedLen`)
	pub fn register_verifier(db: RuntimeDbWeight) -> Weight {
		// Proof size: measured `10502`, estimated `9679` bytes.
		// Minimum execution time: 64_386_000 picoseconds.
		Weight::from_parts(67_181_000, 9679)
			.saturating_add(db.reads(4))
			.saturating_add(db.writes(4))
	}

	/// Storage: `Verification::Verifiers` (r:1 w:1)
	/// Proof: `Verification::Verifiers` (`max_values`: None, `max_size`: Some(77), added: 2552, mode: `MaxEncodedLen`)
	/// Storage: `Verification::ActiveVerifiers` (r:1 w:1)
	/// Proof: `Verification::ActiveVerifiers` (`max_values`: Some(1), `max_size`: Some(8194), added: 8689, mode: `MaxEncodedLen`)
	pub fn unregister_verifier(db: RuntimeDbWeight) -> Weight {
		// Proof size: measured `9228`, estimated `9679` bytes.
		// Minimum execution time: 21_783_000 picoseconds.
		Weight::from_parts(23_275_000, 9679)
			.saturating_add(db.reads(2))
			.saturating_add(db.writes(2))
	}

	/// Storage: `Verification::Verifiers` (r:1 w:1)
	/// Proof: `Verification::Verifiers` (`max_values`: None, `max_size`: Some(77), added: 2552, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(139), added: 2614, mode: `MaxEncodedLen`)
	pub fn withdraw_stake(db: RuntimeDbWeight) -> Weight {
		// Proof size: measured `357`, estimated `3604` bytes.
		// Minimum execution time: 42_033_000 picoseconds.
		Weight::from_parts(45_628_000, 3604)
			.saturating_add(db.reads(3))
			.saturating_add(db.writes(3))
	}

	/// Storage: `Verification::Verifications` (r:1 w:1)
	/// Proof: `Verification::Verifications` (`max_values`: None, `max_size`: Some(5356), added: 7831, mode: `MaxEncodedLen`)
	/// Storage: `Verification::ActiveVerifiers` (r:1 w:0)
	/// Proof: `Verification::ActiveVerifiers` (`max_values`: Some(1), `max_size`: Some(8194), added: 8689, mode: `MaxEncodedLen`)
	/// Storage: `System::ParentHash` (r:1 w:0)
	/// Proof: `System::ParentHash` (`max_values`: Some(1), `max_size`: Some(32), added: 527, mode: `MaxEncodedLen`)
	/// Storage: `Verification::Verifiers` (r:3 w:3)
	/// Proof: `Verification::Verifiers` (`max_values`: None, `max_size`: Some(77), added: 2552, mode: `MaxEncodedLen`)
	/// Storage: `Verification::Due` (r:2 w:2)
	/// Proof: `Verification::Due` (`max_values`: None, `max_size`: Some(526), added: 3001, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(139), added: 2614, mode: `MaxEncodedLen`)
	/// Storage: `Verification::Seats` (r:0 w:3)
	/// Proof: `Verification::Seats` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	pub fn challenge(db: RuntimeDbWeight) -> Weight {
		// Proof size: measured `11372`, estimated `9679` bytes.
		// Minimum execution time: 104_526_000 picoseconds.
		Weight::from_parts(116_865_000, 9679)
			.saturating_add(db.reads(10))
			.saturating_add(db.writes(11))
	}

	/// Storage: `Verification::Verifications` (r:1 w:1)
	/// Proof: `Verification::Verifications` (`max_values`: None, `max_size`: Some(5356), added: 7831, mode: `MaxEncodedLen`)
	/// Storage: `Verification::Seats` (r:32 w:1)
	/// Proof: `Verification::Seats` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Storage: `Verification::Verifiers` (r:32 w:32)
	/// Proof: `Verification::Verifiers` (`max_values`: None, `max_size`: Some(77), added: 2552, mode: `MaxEncodedLen`)
	/// Storage: `Verification::Due` (r:1 w:1)
	/// Proof: `Verification::Due` (`max_values`: None, `max_size`: Some(526), added: 3001, mode: `MaxEncodedLen`)
	/// Storage: `Inference::Requests` (r:1 w:1)
	/// Proof: `Inference::Requests` (`max_values`: None, `max_size`: Some(20977), added: 23452, mode: `MaxEncodedLen`)
	/// Storage: `Settlement::Escrows` (r:1 w:1)
	/// Proof: `Settlement::Escrows` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(139), added: 2614, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:35 w:35)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Inference::Executors` (r:1 w:1)
	/// Proof: `Inference::Executors` (`max_values`: None, `max_size`: Some(210), added: 2685, mode: `MaxEncodedLen`)
	/// Storage: `Inference::OpenRequests` (r:1 w:1)
	/// Proof: `Inference::OpenRequests` (`max_values`: None, `max_size`: Some(20), added: 2495, mode: `MaxEncodedLen`)
	/// Storage: `Inference::Queue` (r:1 w:1)
	/// Proof: `Inference::Queue` (`max_values`: None, `max_size`: Some(1038), added: 3513, mode: `MaxEncodedLen`)
	/// Storage: `Inference::PendingWork` (r:0 w:1)
	/// Proof: `Inference::PendingWork` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	pub fn attest(db: RuntimeDbWeight) -> Weight {
		// Proof size: measured `18614`, estimated `92095` bytes.
		// Minimum execution time: 1_499_848_000 picoseconds.
		Weight::from_parts(1_559_277_000, 92095)
			.saturating_add(db.reads(107))
			.saturating_add(db.writes(77))
	}

	/// Storage: `Verification::Due` (r:2 w:2)
	/// Proof: `Verification::Due` (`max_values`: None, `max_size`: Some(526), added: 3001, mode: `MaxEncodedLen`)
	/// Storage: `Verification::Verifications` (r:64 w:64)
	/// Proof: `Verification::Verifications` (`max_values`: None, `max_size`: Some(5356), added: 7831, mode: `MaxEncodedLen`)
	/// Storage: `Verification::ActiveVerifiers` (r:1 w:0)
	/// Proof: `Verification::ActiveVerifiers` (`max_values`: Some(1), `max_size`: Some(8194), added: 8689, mode: `MaxEncodedLen`)
	/// Storage: `System::ParentHash` (r:1 w:0)
	/// Proof: `System::ParentHash` (`max_values`: Some(1), `max_size`: Some(32), added: 527, mode: `MaxEncodedLen`)
	/// Storage: `Verification::Verifiers` (r:256 w:256)
	/// Proof: `Verification::Verifiers` (`max_values`: None, `max_size`: Some(77), added: 2552, mode: `MaxEncodedLen`)
	/// Storage: `Verification::Seats` (r:0 w:2048)
	/// Proof: `Verification::Seats` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Component `n` ranges over `[0, 64]`.
	pub fn on_initialize(db: RuntimeDbWeight, n: u32) -> Weight {
		// Proof size: measured `26678`, estimated `415605` bytes.
		// Minimum execution time: 7_090_000 picoseconds.
		Weight::from_parts(366_661_037, 415605)
			.saturating_add(Weight::from_parts(154_967_618, 0).saturating_mul(n as u64))
			.saturating_add(db.reads(154))
			.saturating_add(db.reads((3 as u64).saturating_mul(n as u64)))
			.saturating_add(db.writes(152))
			.saturating_add(db.writes((35 as u64).saturating_mul(n as u64)))
			.saturating_add(Weight::from_parts(0, 7831).saturating_mul(n as u64))
	}

	/// Ending a stage by hand costs at most what the attestation that settles
	/// the largest quorum does (the same settlement path).
	pub fn advance(db: RuntimeDbWeight) -> Weight {
		attest(db)
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
