//! # The Veritas runtime
//!
//! The runtime is the chain's state transition function: every validator runs
//! the same WASM blob (built from this crate by `build.rs`) to import blocks,
//! and the node also links it natively for genesis and tooling.
//!
//! - [`configs`] wires each pallet's `Config`: block time, fees, balances.
//! - [`apis`] implements the runtime APIs the node and clients call: block
//!   building, transaction validation, BABE and GRANDPA configuration, nonces,
//!   fee queries, genesis presets.
//! - [`genesis_config_presets`] defines the `development` and `local_testnet`
//!   chains.
//!
//! Veritas's own pallets:
//! - `Models` ([`pallet_models`]): the model registry.
//! - `Settlement` ([`pallet_settlement`]): escrow, stakes, payouts, slashes.
//! - `Inference` ([`pallet_inference`]): executors, requests, results,
//!   deadlines.
//!
//! Consensus is BABE (block authoring in 3 s slots won by a VRF lottery, whose
//! outputs are also the chain's randomness) with GRANDPA finality. The token
//! is VRT with 12 decimals.

#![cfg_attr(not(feature = "std"), no_std)]
// `construct_runtime!` and `impl_runtime_apis!` expand to very large types.
#![recursion_limit = "256"]

extern crate alloc;

use alloc::vec::Vec;

#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));

// `define_benchmarks!` makes `list_benchmarks!` and `add_benchmarks!` for
// the benchmarking API in `apis`, so it must come first.
#[cfg(feature = "runtime-benchmarks")]
#[macro_use]
mod benchmarks;
pub mod apis;
pub mod configs;
pub mod genesis_config_presets;
#[cfg(feature = "std")]
pub mod signing;
#[cfg(test)]
mod tests;
pub mod transactions;

use sp_runtime::{generic, impl_opaque_keys};
use sp_version::RuntimeVersion;

pub use veritas_primitives::{
	currency, time, AccountId, Balance, BlockNumber, Hash, Moment, Nonce, Signature,
};

/// Types the node needs without knowing the runtime's extrinsic format: the
/// node treats extrinsics as opaque bytes.
pub mod opaque {
	use super::*;
	use sp_runtime::traits::BlakeTwo256;

	pub use sp_runtime::OpaqueExtrinsic as UncheckedExtrinsic;

	/// A block header.
	pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
	/// A block with opaque extrinsics.
	pub type Block = generic::Block<Header, UncheckedExtrinsic>;
	/// A block's identifier: its hash or its number.
	pub type BlockId = generic::BlockId<Block>;

	impl_opaque_keys! {
		/// The session keys of a validator: one for block authoring and one for
		/// finality voting.
		pub struct SessionKeys {
			pub babe: super::Babe,
			pub grandpa: super::Grandpa,
		}
	}
}

/// BABE's parameters at genesis: a primary slot is won with probability
/// [`PRIMARY_PROBABILITY`](time::PRIMARY_PROBABILITY), and every other slot
/// goes to a secondary author who also signs a VRF output, so that every
/// block brings fresh randomness.
pub const BABE_GENESIS_EPOCH_CONFIG: sp_consensus_babe::BabeEpochConfiguration =
	sp_consensus_babe::BabeEpochConfiguration {
		c: time::PRIMARY_PROBABILITY,
		allowed_slots: sp_consensus_babe::AllowedSlots::PrimaryAndSecondaryVRFSlots,
	};

/// Declares [`VERSION`] with the given `spec_version`.
macro_rules! runtime_version {
	($spec_version:tt) => {
		/// The runtime's version. Bump `spec_version` whenever the runtime's
		/// logic changes, and `transaction_version` whenever the encoding of
		/// calls or transaction extensions changes.
		#[sp_version::runtime_version]
		pub const VERSION: RuntimeVersion = RuntimeVersion {
			spec_name: alloc::borrow::Cow::Borrowed("veritas"),
			impl_name: alloc::borrow::Cow::Borrowed("veritas"),
			authoring_version: 1,
			spec_version: $spec_version,
			impl_version: 1,
			apis: apis::RUNTIME_API_VERSIONS,
			transaction_version: 4,
			system_version: 1,
		};
	};
}

#[cfg(not(feature = "upgrade-test"))]
runtime_version!(107);
// The runtime the upgrade test moves to: one spec version ahead.
#[cfg(feature = "upgrade-test")]
runtime_version!(108);

/// How an account is named in a call: by its id or by an index.
pub type Address = sp_runtime::MultiAddress<AccountId, ()>;

/// A block header.
pub type Header = generic::Header<BlockNumber, sp_runtime::traits::BlakeTwo256>;

/// A block.
pub type Block = generic::Block<Header, UncheckedExtrinsic>;

/// A signed block with its justifications.
pub type SignedBlock = generic::SignedBlock<Block>;

/// The transaction extensions every signed transaction carries, in order. A
/// client builds the same tuple to sign; @polkadot/api and subxt learn it from
/// the metadata.
pub type TxExtension = (
	frame_system::CheckNonZeroSender<Runtime>,
	frame_system::CheckSpecVersion<Runtime>,
	frame_system::CheckTxVersion<Runtime>,
	frame_system::CheckGenesis<Runtime>,
	frame_system::CheckEra<Runtime>,
	frame_system::CheckNonce<Runtime>,
	frame_system::CheckWeight<Runtime>,
	pallet_transaction_payment::ChargeTransactionPayment<Runtime>,
	frame_system::WeightReclaim<Runtime>,
);

/// An extrinsic as it appears on the wire.
pub type UncheckedExtrinsic =
	generic::UncheckedExtrinsic<Address, RuntimeCall, Signature, TxExtension>;

/// The payload a transaction's signer signs.
pub type SignedPayload = generic::SignedPayload<RuntimeCall, TxExtension>;

/// The storage migrations a runtime upgrade runs, each once (each checks
/// its pallet's storage version).
pub type Migrations = (
	pallet_models::migrations::v2::MigrateV1ToV2<Runtime>,
	pallet_models::migrations::v3::MigrateV2ToV3<Runtime>,
	pallet_inference::migrations::v2::MigrateV1ToV2<Runtime>,
	pallet_inference::migrations::v3::MigrateV2ToV3<Runtime>,
	pallet_inference::migrations::v4::MigrateV3ToV4<Runtime>,
	pallet_inference::migrations::v5::MigrateV4ToV5<Runtime>,
	pallet_oracle::migrations::v2::MigrateV1ToV2<Runtime>,
	pallet_verification::migrations::v2::MigrateV1ToV2<Runtime>,
	pallet_subscriptions::migrations::v2::MigrateV1ToV2<Runtime>,
);

/// Dispatches extrinsics to the pallets and runs their hooks.
pub type Executive = frame_executive::Executive<
	Runtime,
	Block,
	frame_system::ChainContext<Runtime>,
	Runtime,
	AllPalletsWithSystem,
	Migrations,
>;

/// Declares the runtime, with the Inference pallet at `$inference_index`.
macro_rules! runtime {
	($inference_index:tt) => {
		frame_support::construct_runtime!(
			pub enum Runtime {
				System: frame_system = 0,
				Timestamp: pallet_timestamp = 1,
				Babe: pallet_babe = 2,
				Grandpa: pallet_grandpa = 3,
				Balances: pallet_balances = 4,
				TransactionPayment: pallet_transaction_payment = 5,
				Sudo: pallet_sudo = 6,

				// Veritas
				Models: pallet_models = 10,
				Settlement: pallet_settlement = 11,
				Inference: pallet_inference = $inference_index,
				Verification: pallet_verification = 13,
				Oracle: pallet_oracle = 14,
				Subscriptions: pallet_subscriptions = 15,
			}
		);
	};
}

#[cfg(not(feature = "upgrade-test"))]
runtime!(12);
// The upgrade test's runtime moves Inference, so that every one of its calls
// and events is encoded differently: clients that go by the node's metadata
// keep working, clients with compiled-in indices break.
#[cfg(feature = "upgrade-test")]
runtime!(42);
