//! Weights for `pallet_verification`: replaced by `scripts/bench/pallets.sh`
//! (`veritas-node benchmark pallet`) with the measured ones.

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
}

/// Until the benchmarks have run: replaced by the generated file.
pub struct SubstrateWeight<T>(PhantomData<T>);

impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn register_verifier() -> Weight { Weight::zero() }
	fn unregister_verifier() -> Weight { Weight::zero() }
	fn withdraw_stake() -> Weight { Weight::zero() }
	fn challenge() -> Weight { Weight::zero() }
	fn attest() -> Weight { Weight::zero() }
	fn on_initialize(_n: u32) -> Weight { Weight::zero() }
}

impl WeightInfo for () {
	fn register_verifier() -> Weight { Weight::zero() }
	fn unregister_verifier() -> Weight { Weight::zero() }
	fn withdraw_stake() -> Weight { Weight::zero() }
	fn challenge() -> Weight { Weight::zero() }
	fn attest() -> Weight { Weight::zero() }
	fn on_initialize(_n: u32) -> Weight { Weight::zero() }
}
