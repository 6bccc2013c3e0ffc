//! Weights for `pallet_inference`, generated from its benchmarks by
//! `scripts/bench/pallets.sh` (`veritas-node benchmark pallet`, CLI version 64.0.0).
//!
//! Date: 2026-12-06. Steps: `50`, repeat: `20`.
//! Machine: `vm`, CPU: `AMD EPYC`. WASM execution: `Compiled`.
//! `submit_stored_result` alone: 2026-12-07, CPU `Intel(R) Xeon(R) Processor`, by
//! `--extrinsic submit_stored_result,submit_result,report_unrunnable`; there
//! `report_unrunnable` measured 27.3 µs against the 21.6 µs below.
//!
//! Do not edit by hand: rerun the script.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens, unused_imports, missing_docs, clippy::unnecessary_cast)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::{constants::RocksDbWeight, RuntimeDbWeight, Weight}};

/// The weight of each call of `pallet_inference`.
pub trait WeightInfo {
	fn register_executor(m: u32) -> Weight;
	fn update_executor(m: u32) -> Weight;
	fn unregister_executor(m: u32) -> Weight;
	fn withdraw_stake() -> Weight;
	fn request_inference(e: u32) -> Weight;
	fn request_waiting(e: u32) -> Weight;
	fn assign_waiting(e: u32, n: u32) -> Weight;
	fn drop_waiting(n: u32) -> Weight;
	fn cancel_request() -> Weight;
	fn submit_result(o: u32) -> Weight;
	fn report_unrunnable() -> Weight;
	fn submit_stored_result() -> Weight;
	fn accept_terms() -> Weight;
	fn sweep(n: u32) -> Weight;
	fn prune(n: u32) -> Weight;
}

/// The measured costs, with the database's read and write costs as a
/// parameter so that both implementations below share them.
mod measured {
	use super::*;

	/// Storage: `Inference::Executors` (r:1 w:1)
	/// Proof: `Inference::Executors` (`max_values`: None, `max_size`: Some(210), added: 2685, mode: `MaxEncodedLen`)
	/// Storage: `Models::Models` (r:16 w:0)
	/// Proof: `Models::Models` (`max_values`: None, `max_size`: Some(570), added: 3045, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(175), added: 2650, mode: `MaxEncodedLen`)
	/// Storage: `Models::TermsBefore` (r:16 w:0)
	/// Proof: `Models::TermsBefore` (`max_values`: None, `max_size`: Some(24), added: 2499, mode: `MaxEncodedLen`)
	/// Storage: `Models::Terms` (r:16 w:0)
	/// Proof: `Models::Terms` (`max_values`: None, `max_size`: Some(20), added: 2495, mode: `MaxEncodedLen`)
	/// Storage: `Inference::ModelExecutors` (r:16 w:16)
	/// Proof: `Inference::ModelExecutors` (`max_values`: None, `max_size`: Some(2322), added: 4797, mode: `MaxEncodedLen`)
	/// Component `m` ranges over `[1, 16]`.
	pub fn register_executor(db: RuntimeDbWeight, m: u32) -> Weight {
		// Proof size: measured `361`, estimated `3675` bytes.
		// Minimum execution time: 53_009_000 picoseconds.
		Weight::from_parts(50_590_679, 3675)
			.saturating_add(Weight::from_parts(7_839_787, 0).saturating_mul(m as u64))
			.saturating_add(db.reads(3))
			.saturating_add(db.reads((4 as u64).saturating_mul(m as u64)))
			.saturating_add(db.writes(3))
			.saturating_add(db.writes((1 as u64).saturating_mul(m as u64)))
			.saturating_add(Weight::from_parts(0, 4797).saturating_mul(m as u64))
	}

	/// Storage: `Inference::Executors` (r:1 w:1)
	/// Proof: `Inference::Executors` (`max_values`: None, `max_size`: Some(210), added: 2685, mode: `MaxEncodedLen`)
	/// Storage: `Models::Models` (r:16 w:0)
	/// Proof: `Models::Models` (`max_values`: None, `max_size`: Some(570), added: 3045, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(175), added: 2650, mode: `MaxEncodedLen`)
	/// Storage: `Inference::ModelExecutors` (r:32 w:32)
	/// Proof: `Inference::ModelExecutors` (`max_values`: None, `max_size`: Some(2322), added: 4797, mode: `MaxEncodedLen`)
	/// Storage: `Models::TermsBefore` (r:16 w:0)
	/// Proof: `Models::TermsBefore` (`max_values`: None, `max_size`: Some(24), added: 2499, mode: `MaxEncodedLen`)
	/// Storage: `Models::Terms` (r:16 w:0)
	/// Proof: `Models::Terms` (`max_values`: None, `max_size`: Some(20), added: 2495, mode: `MaxEncodedLen`)
	/// Component `m` ranges over `[1, 16]`.
	pub fn update_executor(db: RuntimeDbWeight, m: u32) -> Weight {
		// Proof size: measured `529`, estimated `3675` bytes.
		// Minimum execution time: 64_837_000 picoseconds.
		Weight::from_parts(55_700_279, 3675)
			.saturating_add(Weight::from_parts(11_871_276, 0).saturating_mul(m as u64))
			.saturating_add(db.reads(3))
			.saturating_add(db.reads((5 as u64).saturating_mul(m as u64)))
			.saturating_add(db.writes(3))
			.saturating_add(db.writes((2 as u64).saturating_mul(m as u64)))
			.saturating_add(Weight::from_parts(0, 9594).saturating_mul(m as u64))
	}

	/// Storage: `Inference::Executors` (r:1 w:1)
	/// Proof: `Inference::Executors` (`max_values`: None, `max_size`: Some(210), added: 2685, mode: `MaxEncodedLen`)
	/// Storage: `Inference::ModelExecutors` (r:16 w:16)
	/// Proof: `Inference::ModelExecutors` (`max_values`: None, `max_size`: Some(2322), added: 4797, mode: `MaxEncodedLen`)
	/// Component `m` ranges over `[1, 16]`.
	pub fn unregister_executor(db: RuntimeDbWeight, m: u32) -> Weight {
		// Proof size: measured `141`, estimated `3675` bytes.
		// Minimum execution time: 13_490_000 picoseconds.
		Weight::from_parts(10_409_709, 3675)
			.saturating_add(Weight::from_parts(3_368_767, 0).saturating_mul(m as u64))
			.saturating_add(db.reads(1))
			.saturating_add(db.reads((1 as u64).saturating_mul(m as u64)))
			.saturating_add(db.writes(1))
			.saturating_add(db.writes((1 as u64).saturating_mul(m as u64)))
			.saturating_add(Weight::from_parts(0, 4797).saturating_mul(m as u64))
	}

	/// Storage: `Inference::Executors` (r:1 w:1)
	/// Proof: `Inference::Executors` (`max_values`: None, `max_size`: Some(210), added: 2685, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(175), added: 2650, mode: `MaxEncodedLen`)
	pub fn withdraw_stake(db: RuntimeDbWeight) -> Weight {
		// Proof size: measured `492`, estimated `3675` bytes.
		// Minimum execution time: 43_124_000 picoseconds.
		Weight::from_parts(45_748_000, 3675)
			.saturating_add(db.reads(3))
			.saturating_add(db.writes(3))
	}

	/// Storage: `Models::Models` (r:1 w:0)
	/// Proof: `Models::Models` (`max_values`: None, `max_size`: Some(570), added: 3045, mode: `MaxEncodedLen`)
	/// Storage: `Inference::NextRequestId` (r:1 w:1)
	/// Proof: `Inference::NextRequestId` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `Inference::WaitingLines` (r:1 w:0)
	/// Proof: `Inference::WaitingLines` (`max_values`: None, `max_size`: Some(12306), added: 14781, mode: `MaxEncodedLen`)
	/// Storage: `Models::Terms` (r:1 w:0)
	/// Proof: `Models::Terms` (`max_values`: None, `max_size`: Some(20), added: 2495, mode: `MaxEncodedLen`)
	/// Storage: `Inference::ModelExecutors` (r:1 w:0)
	/// Proof: `Inference::ModelExecutors` (`max_values`: None, `max_size`: Some(2322), added: 4797, mode: `MaxEncodedLen`)
	/// Storage: `Inference::Executors` (r:64 w:1)
	/// Proof: `Inference::Executors` (`max_values`: None, `max_size`: Some(210), added: 2685, mode: `MaxEncodedLen`)
	/// Storage: `Babe::Initialized` (r:1 w:0)
	/// Proof: `Babe::Initialized` (`max_values`: Some(1), `max_size`: Some(110), added: 605, mode: `MaxEncodedLen`)
	/// Storage: `Babe::AuthorVrfRandomness` (r:1 w:0)
	/// Proof: `Babe::AuthorVrfRandomness` (`max_values`: Some(1), `max_size`: Some(33), added: 528, mode: `MaxEncodedLen`)
	/// Storage: `Babe::Randomness` (r:1 w:0)
	/// Proof: `Babe::Randomness` (`max_values`: Some(1), `max_size`: Some(32), added: 527, mode: `MaxEncodedLen`)
	/// Storage: `Inference::Queue` (r:1 w:1)
	/// Proof: `Inference::Queue` (`max_values`: None, `max_size`: Some(4110), added: 6585, mode: `MaxEncodedLen`)
	/// Storage: `Settlement::Escrows` (r:1 w:1)
	/// Proof: `Settlement::Escrows` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(175), added: 2650, mode: `MaxEncodedLen`)
	/// Storage: `Inference::OpenRequests` (r:1 w:1)
	/// Proof: `Inference::OpenRequests` (`max_values`: None, `max_size`: Some(20), added: 2495, mode: `MaxEncodedLen`)
	/// Storage: `Inference::PendingWork` (r:0 w:1)
	/// Proof: `Inference::PendingWork` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Storage: `Inference::Requests` (r:0 w:1)
	/// Proof: `Inference::Requests` (`max_values`: None, `max_size`: Some(21038), added: 23513, mode: `MaxEncodedLen`)
	/// Component `e` ranges over `[1, 64]`.
	pub fn request_inference(db: RuntimeDbWeight, e: u32) -> Weight {
		// Proof size: measured `1050`, estimated `15771` bytes.
		// Minimum execution time: 83_986_000 picoseconds.
		Weight::from_parts(87_968_104, 15771)
			.saturating_add(Weight::from_parts(3_338_318, 0).saturating_mul(e as u64))
			.saturating_add(db.reads(13))
			.saturating_add(db.reads((1 as u64).saturating_mul(e as u64)))
			.saturating_add(db.writes(9))
			.saturating_add(Weight::from_parts(0, 2685).saturating_mul(e as u64))
	}

	/// Storage: `Models::Models` (r:1 w:0)
	/// Proof: `Models::Models` (`max_values`: None, `max_size`: Some(570), added: 3045, mode: `MaxEncodedLen`)
	/// Storage: `Inference::NextRequestId` (r:1 w:1)
	/// Proof: `Inference::NextRequestId` (`max_values`: Some(1), `max_size`: Some(8), added: 503, mode: `MaxEncodedLen`)
	/// Storage: `Inference::WaitingLines` (r:1 w:1)
	/// Proof: `Inference::WaitingLines` (`max_values`: None, `max_size`: Some(12306), added: 14781, mode: `MaxEncodedLen`)
	/// Storage: `Models::Terms` (r:1 w:0)
	/// Proof: `Models::Terms` (`max_values`: None, `max_size`: Some(20), added: 2495, mode: `MaxEncodedLen`)
	/// Storage: `Inference::ModelExecutors` (r:1 w:0)
	/// Proof: `Inference::ModelExecutors` (`max_values`: None, `max_size`: Some(2322), added: 4797, mode: `MaxEncodedLen`)
	/// Storage: `Inference::Executors` (r:64 w:0)
	/// Proof: `Inference::Executors` (`max_values`: None, `max_size`: Some(210), added: 2685, mode: `MaxEncodedLen`)
	/// Storage: `Babe::Initialized` (r:1 w:0)
	/// Proof: `Babe::Initialized` (`max_values`: Some(1), `max_size`: Some(110), added: 605, mode: `MaxEncodedLen`)
	/// Storage: `Babe::AuthorVrfRandomness` (r:1 w:0)
	/// Proof: `Babe::AuthorVrfRandomness` (`max_values`: Some(1), `max_size`: Some(33), added: 528, mode: `MaxEncodedLen`)
	/// Storage: `Babe::Randomness` (r:1 w:0)
	/// Proof: `Babe::Randomness` (`max_values`: Some(1), `max_size`: Some(32), added: 527, mode: `MaxEncodedLen`)
	/// Storage: `Inference::Queue` (r:1 w:1)
	/// Proof: `Inference::Queue` (`max_values`: None, `max_size`: Some(4110), added: 6585, mode: `MaxEncodedLen`)
	/// Storage: `Settlement::Escrows` (r:1 w:1)
	/// Proof: `Settlement::Escrows` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(175), added: 2650, mode: `MaxEncodedLen`)
	/// Storage: `Inference::OpenRequests` (r:1 w:1)
	/// Proof: `Inference::OpenRequests` (`max_values`: None, `max_size`: Some(20), added: 2495, mode: `MaxEncodedLen`)
	/// Storage: `Inference::WaitingModels` (r:1 w:1)
	/// Proof: `Inference::WaitingModels` (`max_values`: Some(1), `max_size`: Some(129), added: 624, mode: `MaxEncodedLen`)
	/// Storage: `Inference::Requests` (r:0 w:1)
	/// Proof: `Inference::Requests` (`max_values`: None, `max_size`: Some(21038), added: 23513, mode: `MaxEncodedLen`)
	/// Component `e` ranges over `[1, 64]`.
	pub fn request_waiting(db: RuntimeDbWeight, e: u32) -> Weight {
		// Proof size: measured `1050`, estimated `15771` bytes.
		// Minimum execution time: 83_534_000 picoseconds.
		Weight::from_parts(85_623_198, 15771)
			.saturating_add(Weight::from_parts(3_354_535, 0).saturating_mul(e as u64))
			.saturating_add(db.reads(14))
			.saturating_add(db.reads((1 as u64).saturating_mul(e as u64)))
			.saturating_add(db.writes(9))
			.saturating_add(Weight::from_parts(0, 2685).saturating_mul(e as u64))
	}

	/// Storage: `Inference::WaitingModels` (r:1 w:1)
	/// Proof: `Inference::WaitingModels` (`max_values`: Some(1), `max_size`: Some(129), added: 624, mode: `MaxEncodedLen`)
	/// Storage: `Inference::WaitingLines` (r:1 w:1)
	/// Proof: `Inference::WaitingLines` (`max_values`: None, `max_size`: Some(12306), added: 14781, mode: `MaxEncodedLen`)
	/// Storage: `Models::Terms` (r:1 w:0)
	/// Proof: `Models::Terms` (`max_values`: None, `max_size`: Some(20), added: 2495, mode: `MaxEncodedLen`)
	/// Storage: `Models::Models` (r:1 w:0)
	/// Proof: `Models::Models` (`max_values`: None, `max_size`: Some(570), added: 3045, mode: `MaxEncodedLen`)
	/// Storage: `Inference::Requests` (r:64 w:64)
	/// Proof: `Inference::Requests` (`max_values`: None, `max_size`: Some(21038), added: 23513, mode: `MaxEncodedLen`)
	/// Storage: `Inference::ModelExecutors` (r:1 w:0)
	/// Proof: `Inference::ModelExecutors` (`max_values`: None, `max_size`: Some(2322), added: 4797, mode: `MaxEncodedLen`)
	/// Storage: `Inference::Executors` (r:64 w:43)
	/// Proof: `Inference::Executors` (`max_values`: None, `max_size`: Some(210), added: 2685, mode: `MaxEncodedLen`)
	/// Storage: `Babe::Initialized` (r:1 w:0)
	/// Proof: `Babe::Initialized` (`max_values`: Some(1), `max_size`: Some(110), added: 605, mode: `MaxEncodedLen`)
	/// Storage: `Babe::AuthorVrfRandomness` (r:1 w:0)
	/// Proof: `Babe::AuthorVrfRandomness` (`max_values`: Some(1), `max_size`: Some(33), added: 528, mode: `MaxEncodedLen`)
	/// Storage: `Babe::Randomness` (r:1 w:0)
	/// Proof: `Babe::Randomness` (`max_values`: Some(1), `max_size`: Some(32), added: 527, mode: `MaxEncodedLen`)
	/// Storage: `Inference::PendingWork` (r:0 w:64)
	/// Proof: `Inference::PendingWork` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Component `e` ranges over `[1, 64]`.
	/// Component `n` ranges over `[1, 64]`.
	pub fn assign_waiting(db: RuntimeDbWeight, e: u32, n: u32) -> Weight {
		// Proof size: measured `4951`, estimated `15771` bytes.
		// Minimum execution time: 252_837_000 picoseconds.
		Weight::from_parts(254_430_000, 15771)
			.saturating_add(Weight::from_parts(1_272_252, 0).saturating_mul(e as u64))
			.saturating_add(Weight::from_parts(11_537_132, 0).saturating_mul(n as u64))
			.saturating_add(db.reads(8))
			.saturating_add(db.reads((1 as u64).saturating_mul(e as u64)))
			.saturating_add(db.reads((1 as u64).saturating_mul(n as u64)))
			.saturating_add(db.writes(5))
			.saturating_add(db.writes((2 as u64).saturating_mul(n as u64)))
			.saturating_add(Weight::from_parts(0, 2685).saturating_mul(e as u64))
			.saturating_add(Weight::from_parts(0, 23513).saturating_mul(n as u64))
	}

	/// Storage: `Inference::WaitingModels` (r:1 w:1)
	/// Proof: `Inference::WaitingModels` (`max_values`: Some(1), `max_size`: Some(129), added: 624, mode: `MaxEncodedLen`)
	/// Storage: `Inference::WaitingLines` (r:1 w:1)
	/// Proof: `Inference::WaitingLines` (`max_values`: None, `max_size`: Some(12306), added: 14781, mode: `MaxEncodedLen`)
	/// Storage: `Models::Terms` (r:1 w:0)
	/// Proof: `Models::Terms` (`max_values`: None, `max_size`: Some(20), added: 2495, mode: `MaxEncodedLen`)
	/// Storage: `Models::Models` (r:1 w:0)
	/// Proof: `Models::Models` (`max_values`: None, `max_size`: Some(570), added: 3045, mode: `MaxEncodedLen`)
	/// Storage: `Inference::Requests` (r:256 w:256)
	/// Proof: `Inference::Requests` (`max_values`: None, `max_size`: Some(21038), added: 23513, mode: `MaxEncodedLen`)
	/// Storage: `Settlement::Escrows` (r:256 w:256)
	/// Proof: `Settlement::Escrows` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(175), added: 2650, mode: `MaxEncodedLen`)
	/// Storage: `Inference::OpenRequests` (r:1 w:1)
	/// Proof: `Inference::OpenRequests` (`max_values`: None, `max_size`: Some(20), added: 2495, mode: `MaxEncodedLen`)
	/// Storage: `Inference::Queue` (r:1 w:1)
	/// Proof: `Inference::Queue` (`max_values`: None, `max_size`: Some(4110), added: 6585, mode: `MaxEncodedLen`)
	/// Storage: `Inference::PruningRange` (r:1 w:1)
	/// Proof: `Inference::PruningRange` (`max_values`: Some(1), `max_size`: Some(16), added: 511, mode: `MaxEncodedLen`)
	/// Storage: `Inference::Pruning` (r:0 w:256)
	/// Proof: `Inference::Pruning` (`max_values`: None, `max_size`: Some(28), added: 2503, mode: `MaxEncodedLen`)
	/// Component `n` ranges over `[1, 256]`.
	pub fn drop_waiting(db: RuntimeDbWeight, n: u32) -> Weight {
		// Proof size: measured `5216`, estimated `15771` bytes.
		// Minimum execution time: 70_846_000 picoseconds.
		Weight::from_parts(72_288_000, 15771)
			.saturating_add(Weight::from_parts(46_170_390, 0).saturating_mul(n as u64))
			.saturating_add(db.reads(9))
			.saturating_add(db.reads((2 as u64).saturating_mul(n as u64)))
			.saturating_add(db.writes(7))
			.saturating_add(db.writes((3 as u64).saturating_mul(n as u64)))
			.saturating_add(Weight::from_parts(0, 23513).saturating_mul(n as u64))
	}

	/// Storage: `Inference::Requests` (r:1 w:1)
	/// Proof: `Inference::Requests` (`max_values`: None, `max_size`: Some(21038), added: 23513, mode: `MaxEncodedLen`)
	/// Storage: `Settlement::Escrows` (r:1 w:1)
	/// Proof: `Settlement::Escrows` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:4 w:4)
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
	pub fn cancel_request(db: RuntimeDbWeight) -> Weight {
		// Proof size: measured `5497`, estimated `24503` bytes.
		// Minimum execution time: 171_426_000 picoseconds.
		Weight::from_parts(179_759_000, 24503)
			.saturating_add(db.reads(11))
			.saturating_add(db.writes(13))
	}

	/// Storage: `Inference::Requests` (r:1 w:1)
	/// Proof: `Inference::Requests` (`max_values`: None, `max_size`: Some(21038), added: 23513, mode: `MaxEncodedLen`)
	/// Storage: `Verification::Verifications` (r:1 w:1)
	/// Proof: `Verification::Verifications` (`max_values`: None, `max_size`: Some(8676), added: 11151, mode: `MaxEncodedLen`)
	/// Storage: `Verification::Opening` (r:1 w:1)
	/// Proof: `Verification::Opening` (`max_values`: None, `max_size`: Some(4110), added: 6585, mode: `MaxEncodedLen`)
	/// Storage: `Inference::PendingWork` (r:0 w:1)
	/// Proof: `Inference::PendingWork` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Component `o` ranges over `[400, 16384]`.
	pub fn submit_result(db: RuntimeDbWeight, o: u32) -> Weight {
		// Proof size: measured `4574`, estimated `24503` bytes.
		// Minimum execution time: 22_784_000 picoseconds.
		Weight::from_parts(23_266_695, 24503)
			.saturating_add(Weight::from_parts(1_612, 0).saturating_mul(o as u64))
			.saturating_add(db.reads(3))
			.saturating_add(db.writes(4))
	}

	/// Storage: `Inference::Requests` (r:1 w:1)
	/// Proof: `Inference::Requests` (`max_values`: None, `max_size`: Some(21038), added: 23513, mode: `MaxEncodedLen`)
	/// Storage: `Verification::Verifications` (r:1 w:1)
	/// Proof: `Verification::Verifications` (`max_values`: None, `max_size`: Some(8676), added: 11151, mode: `MaxEncodedLen`)
	/// Storage: `Verification::Opening` (r:1 w:1)
	/// Proof: `Verification::Opening` (`max_values`: None, `max_size`: Some(4110), added: 6585, mode: `MaxEncodedLen`)
	/// Storage: `Inference::PendingWork` (r:0 w:1)
	/// Proof: `Inference::PendingWork` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	pub fn report_unrunnable(db: RuntimeDbWeight) -> Weight {
		// Proof size: measured `4574`, estimated `24503` bytes.
		// Minimum execution time: 20_470_000 picoseconds.
		Weight::from_parts(21_622_000, 24503)
			.saturating_add(db.reads(3))
			.saturating_add(db.writes(4))
	}

	/// Storage: `Inference::Requests` (r:1 w:1)
	/// Proof: `Inference::Requests` (`max_values`: None, `max_size`: Some(21040), added: 23515, mode: `MaxEncodedLen`)
	/// Storage: `Verification::Verifications` (r:1 w:1)
	/// Proof: `Verification::Verifications` (`max_values`: None, `max_size`: Some(8676), added: 11151, mode: `MaxEncodedLen`)
	/// Storage: `Verification::Opening` (r:1 w:1)
	/// Proof: `Verification::Opening` (`max_values`: None, `max_size`: Some(4110), added: 6585, mode: `MaxEncodedLen`)
	/// Storage: `Inference::PendingWork` (r:0 w:1)
	/// Proof: `Inference::PendingWork` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	pub fn submit_stored_result(db: RuntimeDbWeight) -> Weight {
		// Proof size: measured `4575`, estimated `24505` bytes.
		// Minimum execution time: 25_656_000 picoseconds.
		Weight::from_parts(27_668_000, 24505)
			.saturating_add(db.reads(3))
			.saturating_add(db.writes(4))
	}

	/// Storage: `Inference::Executors` (r:1 w:0)
	/// Proof: `Inference::Executors` (`max_values`: None, `max_size`: Some(210), added: 2685, mode: `MaxEncodedLen`)
	/// Storage: `Models::Terms` (r:1 w:0)
	/// Proof: `Models::Terms` (`max_values`: None, `max_size`: Some(20), added: 2495, mode: `MaxEncodedLen`)
	/// Storage: `Inference::ModelExecutors` (r:1 w:1)
	/// Proof: `Inference::ModelExecutors` (`max_values`: None, `max_size`: Some(2322), added: 4797, mode: `MaxEncodedLen`)
	pub fn accept_terms(db: RuntimeDbWeight) -> Weight {
		// Proof size: measured `3257`, estimated `5787` bytes.
		// Minimum execution time: 22_814_000 picoseconds.
		Weight::from_parts(24_306_000, 5787)
			.saturating_add(db.reads(3))
			.saturating_add(db.writes(1))
	}

	/// Storage: `Inference::SweepCursor` (r:1 w:1)
	/// Proof: `Inference::SweepCursor` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `Inference::Queue` (r:1 w:1)
	/// Proof: `Inference::Queue` (`max_values`: None, `max_size`: Some(4110), added: 6585, mode: `MaxEncodedLen`)
	/// Storage: `Inference::Requests` (r:512 w:512)
	/// Proof: `Inference::Requests` (`max_values`: None, `max_size`: Some(21038), added: 23513, mode: `MaxEncodedLen`)
	/// Storage: `Settlement::Escrows` (r:512 w:512)
	/// Proof: `Settlement::Escrows` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1025 w:1025)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1024 w:1024)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(175), added: 2650, mode: `MaxEncodedLen`)
	/// Storage: `Inference::Executors` (r:512 w:512)
	/// Proof: `Inference::Executors` (`max_values`: None, `max_size`: Some(210), added: 2685, mode: `MaxEncodedLen`)
	/// Storage: `Inference::ModelExecutors` (r:8192 w:8192)
	/// Proof: `Inference::ModelExecutors` (`max_values`: None, `max_size`: Some(2322), added: 4797, mode: `MaxEncodedLen`)
	/// Storage: `Inference::OpenRequests` (r:512 w:512)
	/// Proof: `Inference::OpenRequests` (`max_values`: None, `max_size`: Some(20), added: 2495, mode: `MaxEncodedLen`)
	/// Storage: `Inference::PruningRange` (r:1 w:1)
	/// Proof: `Inference::PruningRange` (`max_values`: Some(1), `max_size`: Some(16), added: 511, mode: `MaxEncodedLen`)
	/// Storage: `Inference::Pruning` (r:0 w:512)
	/// Proof: `Inference::Pruning` (`max_values`: None, `max_size`: Some(28), added: 2503, mode: `MaxEncodedLen`)
	/// Storage: `Inference::PendingWork` (r:0 w:512)
	/// Proof: `Inference::PendingWork` (`max_values`: None, `max_size`: Some(64), added: 2539, mode: `MaxEncodedLen`)
	/// Component `n` ranges over `[1, 512]`.
	pub fn sweep(db: RuntimeDbWeight, n: u32) -> Weight {
		// Proof size: measured `684`, estimated `7575` bytes.
		// Minimum execution time: 176_524_000 picoseconds.
		Weight::from_parts(178_566_000, 7575)
			.saturating_add(Weight::from_parts(232_704_214, 0).saturating_mul(n as u64))
			.saturating_add(db.reads(4))
			.saturating_add(db.reads((24 as u64).saturating_mul(n as u64)))
			.saturating_add(db.writes(4))
			.saturating_add(db.writes((26 as u64).saturating_mul(n as u64)))
			.saturating_add(Weight::from_parts(0, 76752).saturating_mul(n as u64))
	}

	/// Storage: `Inference::PruningRange` (r:1 w:1)
	/// Proof: `Inference::PruningRange` (`max_values`: Some(1), `max_size`: Some(16), added: 511, mode: `MaxEncodedLen`)
	/// Storage: `Inference::Pruning` (r:64 w:64)
	/// Proof: `Inference::Pruning` (`max_values`: None, `max_size`: Some(28), added: 2503, mode: `MaxEncodedLen`)
	/// Storage: `Inference::Requests` (r:64 w:64)
	/// Proof: `Inference::Requests` (`max_values`: None, `max_size`: Some(21038), added: 23513, mode: `MaxEncodedLen`)
	/// Component `n` ranges over `[0, 64]`.
	pub fn prune(db: RuntimeDbWeight, n: u32) -> Weight {
		// Proof size: measured `4561`, estimated `1501` bytes.
		// Minimum execution time: 1_982_000 picoseconds.
		Weight::from_parts(2_083_000, 1501)
			.saturating_add(Weight::from_parts(8_503_027, 0).saturating_mul(n as u64))
			.saturating_add(db.reads(1))
			.saturating_add(db.reads((2 as u64).saturating_mul(n as u64)))
			.saturating_add(db.writes(1))
			.saturating_add(db.writes((2 as u64).saturating_mul(n as u64)))
			.saturating_add(Weight::from_parts(0, 23513).saturating_mul(n as u64))
	}
}

/// Weights for the runtime, with its own database costs.
pub struct SubstrateWeight<T>(PhantomData<T>);

impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn register_executor(m: u32) -> Weight {
		measured::register_executor(T::DbWeight::get(), m)
	}
	fn update_executor(m: u32) -> Weight {
		measured::update_executor(T::DbWeight::get(), m)
	}
	fn unregister_executor(m: u32) -> Weight {
		measured::unregister_executor(T::DbWeight::get(), m)
	}
	fn withdraw_stake() -> Weight {
		measured::withdraw_stake(T::DbWeight::get())
	}
	fn request_inference(e: u32) -> Weight {
		measured::request_inference(T::DbWeight::get(), e)
	}
	fn request_waiting(e: u32) -> Weight {
		measured::request_waiting(T::DbWeight::get(), e)
	}
	fn assign_waiting(e: u32, n: u32) -> Weight {
		measured::assign_waiting(T::DbWeight::get(), e, n)
	}
	fn drop_waiting(n: u32) -> Weight {
		measured::drop_waiting(T::DbWeight::get(), n)
	}
	fn cancel_request() -> Weight {
		measured::cancel_request(T::DbWeight::get())
	}
	fn submit_result(o: u32) -> Weight {
		measured::submit_result(T::DbWeight::get(), o)
	}
	fn report_unrunnable() -> Weight {
		measured::report_unrunnable(T::DbWeight::get())
	}
	fn submit_stored_result() -> Weight {
		measured::submit_stored_result(T::DbWeight::get())
	}
	fn accept_terms() -> Weight {
		measured::accept_terms(T::DbWeight::get())
	}
	fn sweep(n: u32) -> Weight {
		measured::sweep(T::DbWeight::get(), n)
	}
	fn prune(n: u32) -> Weight {
		measured::prune(T::DbWeight::get(), n)
	}
}

/// The same weights with RocksDB's costs, for tests and mocks.
impl WeightInfo for () {
	fn register_executor(m: u32) -> Weight {
		measured::register_executor(RocksDbWeight::get(), m)
	}
	fn update_executor(m: u32) -> Weight {
		measured::update_executor(RocksDbWeight::get(), m)
	}
	fn unregister_executor(m: u32) -> Weight {
		measured::unregister_executor(RocksDbWeight::get(), m)
	}
	fn withdraw_stake() -> Weight {
		measured::withdraw_stake(RocksDbWeight::get())
	}
	fn request_inference(e: u32) -> Weight {
		measured::request_inference(RocksDbWeight::get(), e)
	}
	fn request_waiting(e: u32) -> Weight {
		measured::request_waiting(RocksDbWeight::get(), e)
	}
	fn assign_waiting(e: u32, n: u32) -> Weight {
		measured::assign_waiting(RocksDbWeight::get(), e, n)
	}
	fn drop_waiting(n: u32) -> Weight {
		measured::drop_waiting(RocksDbWeight::get(), n)
	}
	fn cancel_request() -> Weight {
		measured::cancel_request(RocksDbWeight::get())
	}
	fn submit_result(o: u32) -> Weight {
		measured::submit_result(RocksDbWeight::get(), o)
	}
	fn report_unrunnable() -> Weight {
		measured::report_unrunnable(RocksDbWeight::get())
	}
	fn submit_stored_result() -> Weight {
		measured::submit_stored_result(RocksDbWeight::get())
	}
	fn accept_terms() -> Weight {
		measured::accept_terms(RocksDbWeight::get())
	}
	fn sweep(n: u32) -> Weight {
		measured::sweep(RocksDbWeight::get(), n)
	}
	fn prune(n: u32) -> Weight {
		measured::prune(RocksDbWeight::get(), n)
	}
}
