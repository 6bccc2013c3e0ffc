//! The pallets `veritas-node benchmark pallet` can measure, for weights.

// `define_benchmarks!` writes the macros `list_benchmarks!` and
// `add_benchmarks!`, used only in this crate (`apis.rs`), where `crate::`
// names the runtime as meant.
#![allow(clippy::crate_in_macro_def)]

frame_benchmarking::define_benchmarks!(
	[frame_system, SystemBench::<Runtime>]
	[pallet_balances, crate::Balances]
	[pallet_timestamp, crate::Timestamp]
	[pallet_sudo, crate::Sudo]
	[pallet_models, crate::Models]
	[pallet_inference, crate::Inference]
	[pallet_verification, crate::Verification]
	[pallet_oracle, crate::Oracle]
	[pallet_subscriptions, crate::Subscriptions]
);
