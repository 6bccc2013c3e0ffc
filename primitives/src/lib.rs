//! # Veritas primitives
//!
//! The types every Veritas crate agrees on: who an account is, how a balance
//! is counted and how blocks are numbered, and what a model is ([`model`]).
//! The runtime, the pallets and the node all import them from here, so that a
//! type changes in exactly one place, and pallets talk to each other through
//! the small traits defined here rather than through each other's storage.
//!
//! This crate is `no_std` so that it compiles into the WASM runtime.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod host;
pub mod inference;
pub mod keys;
pub mod migration;
pub mod model;
pub mod offchain;
pub mod oracle;
pub mod request;
pub mod settlement;
pub mod sortition;
pub mod stake;
pub mod subscription;
pub mod verification;

use sp_runtime::{
	traits::{IdentifyAccount, Verify},
	MultiSignature,
};

/// A block number. At 3 s per block a `u32` lasts over 400 years.
pub type BlockNumber = u32;

/// A signature over a transaction: sr25519, ed25519 or ecdsa, like Polkadot's,
/// so that every common wallet and client can sign for Veritas without custom
/// types.
pub type Signature = MultiSignature;

/// The public key that a [`Signature`] verifies against.
pub type AccountPublic = <Signature as Verify>::Signer;

/// An account on the chain: the 32-byte identifier derived from its public key.
pub type AccountId = <AccountPublic as IdentifyAccount>::AccountId;

/// An amount of VRT in its smallest unit (see [`currency`]).
pub type Balance = u128;

/// A transaction counter of an account.
pub type Nonce = u32;

/// A block or state hash (blake2-256).
pub type Hash = sp_core::H256;

/// Milliseconds since the Unix epoch, as stored by the timestamp pallet.
pub type Moment = u64;

/// The VRT token: its symbol, precision and named denominations.
pub mod currency {
	use super::Balance;

	/// The token's ticker, shown by wallets.
	pub const TOKEN_SYMBOL: &str = "VRT";
	/// How many decimal places one VRT has.
	pub const TOKEN_DECIMALS: u8 = 12;
	/// One VRT in the smallest unit.
	pub const VRT: Balance = 1_000_000_000_000;
	/// One thousandth of a VRT.
	pub const MILLI_VRT: Balance = VRT / 1_000;
	/// One millionth of a VRT.
	pub const MICRO_VRT: Balance = MILLI_VRT / 1_000;
}

/// The chain's clock.
pub mod time {
	use super::BlockNumber;

	/// The target time between blocks. A BABE slot has the same length.
	pub const MILLISECS_PER_BLOCK: u64 = 3_000;
	/// One BABE slot.
	pub const SLOT_DURATION: u64 = MILLISECS_PER_BLOCK;
	/// One BABE epoch, in slots: ten minutes. The randomness an epoch's
	/// slots are claimed with is fixed an epoch before it starts.
	pub const EPOCH_DURATION_IN_SLOTS: u64 = 10 * 60_000 / MILLISECS_PER_BLOCK;
	/// The chance that a validator wins a primary slot, `c` in BABE's
	/// threshold `1 - (1 - c)^(stake share)`. Slots nobody wins go to a
	/// secondary author chosen round-robin, who still signs a VRF output,
	/// so every block carries fresh randomness.
	pub const PRIMARY_PROBABILITY: (u64, u64) = (1, 4);

	/// Blocks in one minute.
	pub const MINUTES: BlockNumber = 60_000 / (MILLISECS_PER_BLOCK as BlockNumber);
	/// Blocks in one hour.
	pub const HOURS: BlockNumber = MINUTES * 60;
	/// Blocks in one day.
	pub const DAYS: BlockNumber = HOURS * 24;
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn denominations_are_consistent() {
		assert_eq!(currency::VRT, 10u128.pow(currency::TOKEN_DECIMALS as u32));
		assert_eq!(currency::MILLI_VRT * 1_000, currency::VRT);
		assert_eq!(currency::MICRO_VRT * 1_000_000, currency::VRT);
	}

	#[test]
	fn block_time_units_add_up() {
		assert_eq!(time::MINUTES, 20);
		assert_eq!(time::DAYS, 28_800);
	}
}
