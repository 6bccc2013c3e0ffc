//! A model's output in canonical form: what executors commit to and
//! verifiers compare. The type is the chain's own ([`veritas_output`]), so
//! the bytes the engine writes are the bytes the runtime decodes, by
//! construction; the engine adds the digest, computed as the runtime
//! computes it.

pub use veritas_output::{F32Bits, InferenceOutput};

use crate::digest::{blake2_256, Digest};

/// The digest an output is known by on-chain.
pub trait OutputDigest {
	/// The blake2-256 of the canonical bytes.
	fn digest(&self) -> Digest;
}

impl OutputDigest for InferenceOutput {
	fn digest(&self) -> Digest {
		blake2_256(&self.canonical_bytes())
	}
}
