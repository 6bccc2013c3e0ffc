//! The pallets `veritas-node benchmark pallet` can measure, for weights.

frame_benchmarking::define_benchmarks!(
	[frame_system, SystemBench::<Runtime>]
	[pallet_balances, crate::Balances]
	[pallet_timestamp, crate::Timestamp]
	[pallet_sudo, crate::Sudo]
	[pallet_models, crate::Models]
	[pallet_inference, crate::Inference]
	[pallet_verification, crate::Verification]
	[pallet_oracle, crate::Oracle]
);
