//! Weights for pallet-models.
//!
//! Placeholder until `scripts/bench/pallets.sh` generates this file from the
//! benchmarks on the reference machine.

#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use frame_support::{
	traits::Get,
	weights::{constants::RocksDbWeight, Weight},
};

/// The weight of each call of pallet-models.
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

impl WeightInfo for () {
	fn register_model() -> Weight {
		Weight::zero()
	}
	fn publish_version(_v: u32) -> Weight {
		Weight::zero()
	}
	fn set_price() -> Weight {
		Weight::zero()
	}
	fn set_policy() -> Weight {
		Weight::zero()
	}
	fn set_status(_v: u32) -> Weight {
		Weight::zero()
	}
	fn transfer_ownership() -> Weight {
		Weight::zero()
	}
	fn accept_ownership(_v: u32) -> Weight {
		Weight::zero()
	}
	fn force_set_status(_v: u32) -> Weight {
		Weight::zero()
	}
}

pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn register_model() -> Weight {
		Weight::zero()
	}
	fn publish_version(_v: u32) -> Weight {
		Weight::zero()
	}
	fn set_price() -> Weight {
		Weight::zero()
	}
	fn set_policy() -> Weight {
		Weight::zero()
	}
	fn set_status(_v: u32) -> Weight {
		Weight::zero()
	}
	fn transfer_ownership() -> Weight {
		Weight::zero()
	}
	fn accept_ownership(_v: u32) -> Weight {
		Weight::zero()
	}
	fn force_set_status(_v: u32) -> Weight {
		Weight::zero()
	}
}
