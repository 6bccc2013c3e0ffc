//! The runtime a live chain is upgraded to in the node's tests
//! (`node/tests/runtime_upgrade.rs`): [`WASM_BINARY`] is veritas-runtime
//! built with its `upgrade-test` feature, one spec version ahead and with
//! the Inference pallet moved to another index.

#![cfg_attr(not(feature = "std"), no_std)]

#[cfg(feature = "runtime")]
pub use veritas_runtime::*;

#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));
