//! Weights for pallet-inference.
//!
//! Placeholder until `scripts/bench/pallets.sh` generates this file from the
//! benchmarks on the reference machine.

#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use frame_support::weights::Weight;

/// The weight of each call of pallet-inference, and of the sweep.
pub trait WeightInfo {
	fn register_executor(m: u32) -> Weight;
	fn update_executor(m: u32) -> Weight;
	fn unregister_executor(m: u32) -> Weight;
	fn withdraw_stake() -> Weight;
	fn request_inference(e: u32) -> Weight;
	fn cancel_request() -> Weight;
	fn submit_result(o: u32) -> Weight;
	fn sweep(n: u32) -> Weight;
}

impl WeightInfo for () {
	fn register_executor(_m: u32) -> Weight {
		Weight::from_parts(1_000_000, 0)
	}
	fn update_executor(_m: u32) -> Weight {
		Weight::from_parts(1_000_000, 0)
	}
	fn unregister_executor(_m: u32) -> Weight {
		Weight::from_parts(1_000_000, 0)
	}
	fn withdraw_stake() -> Weight {
		Weight::from_parts(1_000_000, 0)
	}
	fn request_inference(_e: u32) -> Weight {
		Weight::from_parts(1_000_000, 0)
	}
	fn cancel_request() -> Weight {
		Weight::from_parts(1_000_000, 0)
	}
	fn submit_result(_o: u32) -> Weight {
		Weight::from_parts(1_000_000, 0)
	}
	fn sweep(_n: u32) -> Weight {
		Weight::from_parts(1_000_000, 0)
	}
}

pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn register_executor(_m: u32) -> Weight {
		Weight::from_parts(1_000_000, 0)
	}
	fn update_executor(_m: u32) -> Weight {
		Weight::from_parts(1_000_000, 0)
	}
	fn unregister_executor(_m: u32) -> Weight {
		Weight::from_parts(1_000_000, 0)
	}
	fn withdraw_stake() -> Weight {
		Weight::from_parts(1_000_000, 0)
	}
	fn request_inference(_e: u32) -> Weight {
		Weight::from_parts(1_000_000, 0)
	}
	fn cancel_request() -> Weight {
		Weight::from_parts(1_000_000, 0)
	}
	fn submit_result(_o: u32) -> Weight {
		Weight::from_parts(1_000_000, 0)
	}
	fn sweep(_n: u32) -> Weight {
		Weight::from_parts(1_000_000, 0)
	}
}
