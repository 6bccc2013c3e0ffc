//! The engine (which knows nothing of the chain) and the runtime share one
//! output type (`veritas_output`), so the bytes the engine writes are the
//! bytes the runtime decodes. What each computes on its own is the digest:
//! the engine with the `blake2` crate, the runtime with its host function.
//! They must agree, or every honest result would be refused.

use veritas_engine::output::{F32Bits, InferenceOutput, OutputDigest};

fn outputs() -> Vec<InferenceOutput> {
	let floats = [0.5f32, -1.25, 3.0e-8, f32::MAX];
	vec![
		InferenceOutput::embedding(&floats),
		InferenceOutput::Generation {
			tokens: vec![1, 9_000, 49_151],
			text: "héllo".as_bytes().to_vec(),
		},
		InferenceOutput::classification(&[0.1, 0.9]),
		InferenceOutput::Regression(F32Bits::from(42.5)),
		// Long enough to take BLAKE2b over many of its 128-byte blocks.
		InferenceOutput::embedding(&[0.25; 384]),
	]
}

#[test]
fn engine_and_runtime_digest_every_output_identically() {
	for output in outputs() {
		assert_eq!(
			output.digest(),
			sp_io::hashing::blake2_256(&output.canonical_bytes()),
			"{output:?}"
		);
	}
}
