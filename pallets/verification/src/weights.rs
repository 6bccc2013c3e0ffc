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
	fn attest(n: u32) -> Weight;
	fn attest_open_round() -> Weight;
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
	/// Proof: `Verification::Verifiers` (`max_values`: None, `max_size`: Some(81), added: 2556, mode: `MaxEncodedLen`)
	/// Storage: `Verification::ActiveVerifiers` (r:1 w:1)
	/// Proof: `Verification::ActiveVerifiers` (`max_values`: Some(1), `max_size`: Some(53250), added: 53745, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(175), added: 2650, mode: `MaxEncodedLen`)
	pub fn register_verifier(db: RuntimeDbWeight) -> Weight {
		// Proof size: measured `56358`, estimated `54735` bytes.
		// Minimum execution time: 176_353_000 picoseconds.
		Weight::from_parts(204_385_000, 54735)
			.saturating_add(db.reads(5))
			.saturating_add(db.writes(5))
	}

	/// Storage: `Verification::Verifiers` (r:1 w:1)
	/// Proof: `Verification::Verifiers` (`max_values`: None, `max_size`: Some(81), added: 2556, mode: `MaxEncodedLen`)
	/// Storage: `Verification::ActiveVerifiers` (r:1 w:1)
	/// Proof: `Verification::ActiveVerifiers` (`max_values`: Some(1), `max_size`: Some(53250), added: 53745, mode: `MaxEncodedLen`)
	pub fn unregister_verifier(db: RuntimeDbWeight) -> Weight {
		// Proof size: measured `54555`, estimated `54735` bytes.
		// Minimum execution time: 59_780_000 picoseconds.
		Weight::from_parts(83_144_000, 54735)
			.saturating_add(db.reads(2))
			.saturating_add(db.writes(2))
	}

	/// Storage: `Verification::Verifiers` (r:1 w:1)
	/// Proof: `Verification::Verifiers` (`max_values`: None, `max_size`: Some(81), added: 2556, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(175), added: 2650, mode: `MaxEncodedLen`)
	pub fn withdraw_stake(db: RuntimeDbWeight) -> Weight {
		// Proof size: measured `594`, estimated `3640` bytes.
		// Minimum execution time: 43_865_000 picoseconds.
		Weight::from_parts(46_239_000, 3640)
			.saturating_add(db.reads(3))
			.saturating_add(db.writes(3))
	}

	/// Storage: `Verification::Verifications` (r:1 w:1)
	/// Proof: `Verification::Verifications` (`max_values`: None, `max_size`: Some(8676), added: 11151, mode: `MaxEncodedLen`)
	/// Storage: `Verification::ActiveVerifiers` (r:1 w:0)
	/// Proof: `Verification::ActiveVerifiers` (`max_values`: Some(1), `max_size`: Some(53250), added: 53745, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(175), added: 2650, mode: `MaxEncodedLen`)
	/// Storage: `Verification::Due` (r:1 w:1)
	/// Proof: `Verification::Due` (`max_values`: None, `max_size`: Some(205), added: 2680, mode: `MaxEncodedLen`)
	/// Storage: `Verification::Opening` (r:1 w:1)
	/// Proof: `Verification::Opening` (`max_values`: None, `max_size`: Some(4110), added: 6585, mode: `MaxEncodedLen`)
	pub fn challenge(db: RuntimeDbWeight) -> Weight {
		// Proof size: measured `55435`, estimated `54735` bytes.
		// Minimum execution time: 101_402_000 picoseconds.
		Weight::from_parts(124_395_000, 54735)
			.saturating_add(db.reads(6))
			.saturating_add(db.writes(5))
	}

	/// Storage: `Verification::Verifications` (r:1 w:1)
	/// Proof: `Verification::Verifications` (`max_values`: None, `max_size`: Some(8676), added: 11151, mode: `MaxEncodedLen`)
	/// Storage: `Verification::Verifiers` (r:32 w:32)
	/// Proof: `Verification::Verifiers` (`max_values`: None, `max_size`: Some(81), added: 2556, mode: `MaxEncodedLen`)
	/// Storage: `Verification::Due` (r:1 w:1)
	/// Proof: `Verification::Due` (`max_values`: None, `max_size`: Some(205), added: 2680, mode: `MaxEncodedLen`)
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
	/// Proof: `Inference::Queue` (`max_values`: None, `max_size`: Some(4110), added: 6585, mode: `MaxEncodedLen`)
	/// Storage: `Inference::PruningRange` (r:1 w:1)
	/// Proof: `Inference::PruningRange` (`max_values`: Some(1), `max_size`: Some(16), added: 511, mode: `MaxEncodedLen`)
	/// Storage: `Inference::Pruning` (r:0 w:1)
	/// Proof: `Inference::Pruning` (`max_values`: None, `max_size`: Some(28), added: 2503, mode: `MaxEncodedLen`)
	/// Storage: `Inference::PendingWork` (r:0 w:1)
	/// Proof: `Inference::PendingWork` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Component `n` ranges over `[2, 32]`.
	pub fn attest(db: RuntimeDbWeight, n: u32) -> Weight {
		// Proof size: measured `6116`, estimated `24502` bytes.
		// Minimum execution time: 674_727_000 picoseconds.
		Weight::from_parts(687_655_856, 24502)
			.saturating_add(Weight::from_parts(39_061_717, 0).saturating_mul(n as u64))
			.saturating_add(db.reads(12))
			.saturating_add(db.reads((2 as u64).saturating_mul(n as u64)))
			.saturating_add(db.writes(14))
			.saturating_add(db.writes((2 as u64).saturating_mul(n as u64)))
			.saturating_add(Weight::from_parts(0, 2603).saturating_mul(n as u64))
	}

	/// Storage: `Verification::Verifications` (r:1 w:1)
	/// Proof: `Verification::Verifications` (`max_values`: None, `max_size`: Some(8676), added: 11151, mode: `MaxEncodedLen`)
	/// Storage: `Verification::Verifiers` (r:1 w:1)
	/// Proof: `Verification::Verifiers` (`max_values`: None, `max_size`: Some(81), added: 2556, mode: `MaxEncodedLen`)
	pub fn attest_open_round(db: RuntimeDbWeight) -> Weight {
		// Proof size: measured `3415`, estimated `12141` bytes.
		// Minimum execution time: 361_049_000 picoseconds.
		Weight::from_parts(403_232_000, 12141)
			.saturating_add(db.reads(2))
			.saturating_add(db.writes(2))
	}

	/// Storage: `Verification::Opening` (r:1 w:1)
	/// Proof: `Verification::Opening` (`max_values`: None, `max_size`: Some(4110), added: 6585, mode: `MaxEncodedLen`)
	/// Storage: `Verification::Due` (r:4 w:3)
	/// Proof: `Verification::Due` (`max_values`: None, `max_size`: Some(205), added: 2680, mode: `MaxEncodedLen`)
	/// Storage: `Verification::Verifications` (r:64 w:64)
	/// Proof: `Verification::Verifications` (`max_values`: None, `max_size`: Some(8676), added: 11151, mode: `MaxEncodedLen`)
	/// Storage: `Verification::ActiveVerifiers` (r:1 w:0)
	/// Proof: `Verification::ActiveVerifiers` (`max_values`: Some(1), `max_size`: Some(53250), added: 53745, mode: `MaxEncodedLen`)
	/// Storage: `Babe::AuthorVrfRandomness` (r:1 w:0)
	/// Proof: `Babe::AuthorVrfRandomness` (`max_values`: Some(1), `max_size`: Some(33), added: 528, mode: `MaxEncodedLen`)
	/// Storage: `Babe::Randomness` (r:1 w:0)
	/// Proof: `Babe::Randomness` (`max_values`: Some(1), `max_size`: Some(32), added: 527, mode: `MaxEncodedLen`)
	/// Component `n` ranges over `[0, 64]`.
	pub fn on_initialize(db: RuntimeDbWeight, n: u32) -> Weight {
		// Proof size: measured `54023`, estimated `54735` bytes.
		// Minimum execution time: 13_750_000 picoseconds.
		Weight::from_parts(49_284_112, 54735)
			.saturating_add(Weight::from_parts(30_208_805, 0).saturating_mul(n as u64))
			.saturating_add(db.reads(5))
			.saturating_add(db.reads((1 as u64).saturating_mul(n as u64)))
			.saturating_add(db.writes(1))
			.saturating_add(db.writes((1 as u64).saturating_mul(n as u64)))
			.saturating_add(Weight::from_parts(0, 11151).saturating_mul(n as u64))
	}

	/// Storage: `Verification::Opening` (r:2 w:1)
	/// Proof: `Verification::Opening` (`max_values`: None, `max_size`: Some(4110), added: 6585, mode: `MaxEncodedLen`)
	/// Storage: `Verification::Due` (r:1 w:1)
	/// Proof: `Verification::Due` (`max_values`: None, `max_size`: Some(205), added: 2680, mode: `MaxEncodedLen`)
	/// Storage: `Verification::Verifications` (r:24 w:24)
	/// Proof: `Verification::Verifications` (`max_values`: None, `max_size`: Some(8676), added: 11151, mode: `MaxEncodedLen`)
	/// Component `n` ranges over `[0, 24]`.
	pub fn on_initialize_round_ends(db: RuntimeDbWeight, n: u32) -> Weight {
		// Proof size: measured `135`, estimated `12752` bytes.
		// Minimum execution time: 10_315_000 picoseconds.
		Weight::from_parts(38_423_178, 12752)
			.saturating_add(Weight::from_parts(12_121_793, 0).saturating_mul(n as u64))
			.saturating_add(db.reads(3))
			.saturating_add(db.reads((1 as u64).saturating_mul(n as u64)))
			.saturating_add(db.writes(2))
			.saturating_add(db.writes((1 as u64).saturating_mul(n as u64)))
			.saturating_add(Weight::from_parts(0, 11151).saturating_mul(n as u64))
	}

	/// Storage: `Verification::Opening` (r:1 w:0)
	/// Proof: `Verification::Opening` (`max_values`: None, `max_size`: Some(4110), added: 6585, mode: `MaxEncodedLen`)
	/// Storage: `Verification::Due` (r:1 w:1)
	/// Proof: `Verification::Due` (`max_values`: None, `max_size`: Some(205), added: 2680, mode: `MaxEncodedLen`)
	/// Storage: `Verification::Verifications` (r:24 w:24)
	/// Proof: `Verification::Verifications` (`max_values`: None, `max_size`: Some(8676), added: 11151, mode: `MaxEncodedLen`)
	/// Storage: `Verification::Verifiers` (r:864 w:864)
	/// Proof: `Verification::Verifiers` (`max_values`: None, `max_size`: Some(81), added: 2556, mode: `MaxEncodedLen`)
	/// Storage: `Inference::Requests` (r:24 w:24)
	/// Proof: `Inference::Requests` (`max_values`: None, `max_size`: Some(21037), added: 23512, mode: `MaxEncodedLen`)
	/// Storage: `Settlement::Escrows` (r:24 w:24)
	/// Proof: `Settlement::Escrows` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:97 w:97)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:24 w:24)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(175), added: 2650, mode: `MaxEncodedLen`)
	/// Storage: `Inference::Executors` (r:24 w:24)
	/// Proof: `Inference::Executors` (`max_values`: None, `max_size`: Some(210), added: 2685, mode: `MaxEncodedLen`)
	/// Storage: `Inference::OpenRequests` (r:24 w:24)
	/// Proof: `Inference::OpenRequests` (`max_values`: None, `max_size`: Some(20), added: 2495, mode: `MaxEncodedLen`)
	/// Storage: `Inference::Queue` (r:1 w:1)
	/// Proof: `Inference::Queue` (`max_values`: None, `max_size`: Some(4110), added: 6585, mode: `MaxEncodedLen`)
	/// Storage: `Inference::PruningRange` (r:1 w:1)
	/// Proof: `Inference::PruningRange` (`max_values`: Some(1), `max_size`: Some(16), added: 511, mode: `MaxEncodedLen`)
	/// Storage: `Inference::Pruning` (r:0 w:24)
	/// Proof: `Inference::Pruning` (`max_values`: None, `max_size`: Some(28), added: 2503, mode: `MaxEncodedLen`)
	/// Storage: `Inference::PendingWork` (r:0 w:24)
	/// Proof: `Inference::PendingWork` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Component `n` ranges over `[0, 24]`.
	pub fn on_initialize_verdicts(db: RuntimeDbWeight, n: u32) -> Weight {
		// Proof size: measured `26666`, estimated `7575` bytes.
		// Minimum execution time: 11_738_000 picoseconds.
		Weight::from_parts(78_408_586, 7575)
			.saturating_add(Weight::from_parts(493_979_769, 0).saturating_mul(n as u64))
			.saturating_add(db.reads(4))
			.saturating_add(db.reads((46 as u64).saturating_mul(n as u64)))
			.saturating_add(db.writes(3))
			.saturating_add(db.writes((48 as u64).saturating_mul(n as u64)))
			.saturating_add(Weight::from_parts(0, 92016).saturating_mul(n as u64))
	}

	/// Storage: `Verification::Verifications` (r:1 w:1)
	/// Proof: `Verification::Verifications` (`max_values`: None, `max_size`: Some(8676), added: 11151, mode: `MaxEncodedLen`)
	/// Storage: `Verification::Verifiers` (r:35 w:35)
	/// Proof: `Verification::Verifiers` (`max_values`: None, `max_size`: Some(81), added: 2556, mode: `MaxEncodedLen`)
	/// Storage: `Verification::Due` (r:1 w:1)
	/// Proof: `Verification::Due` (`max_values`: None, `max_size`: Some(205), added: 2680, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:33 w:33)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(175), added: 2650, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:37 w:37)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Verification::ActiveVerifiers` (r:1 w:1)
	/// Proof: `Verification::ActiveVerifiers` (`max_values`: Some(1), `max_size`: Some(53250), added: 53745, mode: `MaxEncodedLen`)
	/// Storage: `Inference::Requests` (r:1 w:1)
	/// Proof: `Inference::Requests` (`max_values`: None, `max_size`: Some(21037), added: 23512, mode: `MaxEncodedLen`)
	/// Storage: `Settlement::Escrows` (r:1 w:1)
	/// Proof: `Settlement::Escrows` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Storage: `Inference::Executors` (r:1 w:1)
	/// Proof: `Inference::Executors` (`max_values`: None, `max_size`: Some(210), added: 2685, mode: `MaxEncodedLen`)
	/// Storage: `Inference::OpenRequests` (r:1 w:1)
	/// Proof: `Inference::OpenRequests` (`max_values`: None, `max_size`: Some(20), added: 2495, mode: `MaxEncodedLen`)
	/// Storage: `Inference::Queue` (r:1 w:1)
	/// Proof: `Inference::Queue` (`max_values`: None, `max_size`: Some(4110), added: 6585, mode: `MaxEncodedLen`)
	/// Storage: `Inference::PruningRange` (r:1 w:1)
	/// Proof: `Inference::PruningRange` (`max_values`: Some(1), `max_size`: Some(16), added: 511, mode: `MaxEncodedLen`)
	/// Storage: `Inference::Pruning` (r:0 w:1)
	/// Proof: `Inference::Pruning` (`max_values`: None, `max_size`: Some(28), added: 2503, mode: `MaxEncodedLen`)
	/// Storage: `Inference::PendingWork` (r:0 w:1)
	/// Proof: `Inference::PendingWork` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	pub fn attest_deciding_dispute(db: RuntimeDbWeight) -> Weight {
		// Proof size: measured `95444`, estimated `97301` bytes.
		// Minimum execution time: 2_661_762_000 picoseconds.
		Weight::from_parts(2_828_752_000, 97301)
			.saturating_add(db.reads(114))
			.saturating_add(db.writes(116))
	}

	/// Storage: `Verification::Verifications` (r:1 w:1)
	/// Proof: `Verification::Verifications` (`max_values`: None, `max_size`: Some(8676), added: 11151, mode: `MaxEncodedLen`)
	/// Storage: `Verification::Due` (r:1 w:1)
	/// Proof: `Verification::Due` (`max_values`: None, `max_size`: Some(205), added: 2680, mode: `MaxEncodedLen`)
	/// Storage: `Verification::Opening` (r:1 w:1)
	/// Proof: `Verification::Opening` (`max_values`: None, `max_size`: Some(4110), added: 6585, mode: `MaxEncodedLen`)
	pub fn advance(db: RuntimeDbWeight) -> Weight {
		// Proof size: measured `2316`, estimated `12141` bytes.
		// Minimum execution time: 42_003_000 picoseconds.
		Weight::from_parts(56_855_000, 12141)
			.saturating_add(db.reads(3))
			.saturating_add(db.writes(3))
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
	fn attest(n: u32) -> Weight {
		measured::attest(T::DbWeight::get(), n)
	}
	fn attest_open_round() -> Weight {
		measured::attest_open_round(T::DbWeight::get())
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
	fn attest(n: u32) -> Weight {
		measured::attest(RocksDbWeight::get(), n)
	}
	fn attest_open_round() -> Weight {
		measured::attest_open_round(RocksDbWeight::get())
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
