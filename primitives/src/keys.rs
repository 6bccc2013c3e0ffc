//! The keys an inference node signs with from its off-chain workers.
//!
//! Each role has its own key type, so that an operator can run the executor
//! and the verifier under different accounts, and so that a key inserted for
//! one role is never picked up by another. The keys are sr25519: the account
//! an executor registers on-chain is the account of this public key.

use sp_core::crypto::KeyTypeId;

/// The executor's key: it signs `submit_result`.
pub const EXECUTOR_KEY_TYPE: KeyTypeId = KeyTypeId(*b"vrex");

/// The verifier's key: it signs `attest`.
pub const VERIFIER_KEY_TYPE: KeyTypeId = KeyTypeId(*b"vrvf");

/// The data node's key: it signs `report`.
pub const DATA_NODE_KEY_TYPE: KeyTypeId = KeyTypeId(*b"vrdn");

/// sr25519 keys of the [`EXECUTOR_KEY_TYPE`] type, as the runtime sees them.
pub mod executor {
	use sp_runtime::app_crypto::{app_crypto, sr25519};

	app_crypto!(sr25519, super::EXECUTOR_KEY_TYPE);
}

/// sr25519 keys of the [`VERIFIER_KEY_TYPE`] type, as the runtime sees them.
pub mod verifier {
	use sp_runtime::app_crypto::{app_crypto, sr25519};

	app_crypto!(sr25519, super::VERIFIER_KEY_TYPE);
}

/// sr25519 keys of the [`DATA_NODE_KEY_TYPE`] type, as the runtime sees them.
pub mod data_node {
	use sp_runtime::app_crypto::{app_crypto, sr25519};

	app_crypto!(sr25519, super::DATA_NODE_KEY_TYPE);
}
