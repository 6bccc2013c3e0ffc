//! # veritas-engine
//!
//! What an inference node runs, with no knowledge of the chain: the model
//! store that fetches and digest-checks model files. The node wires it to
//! the off-chain workers; tests and benchmarks use it alone.

pub mod digest;
pub mod store;

pub use digest::{blake2_256, Digest};
pub use store::{ModelStore, StoreError, StoredFile};
