//! The engine (which knows nothing of the chain) and the runtime must agree
//! on the canonical output bytes byte for byte: the runtime checks digests
//! and decodes outputs that the engine encoded.

use codec::{Decode, Encode};
use veritas_engine::output::{F32Bits as EngineF32, Output};
use veritas_primitives::inference::{F32Bits, InferenceOutput};

fn pairs() -> Vec<(Output, InferenceOutput)> {
	let floats = [0.5f32, -1.25, 3.0e-8, f32::MAX];
	vec![
		(
			Output::embedding(&floats),
			InferenceOutput::Embedding(floats.iter().copied().map(F32Bits::from).collect()),
		),
		(
			Output::Generation {
				tokens: vec![1, 9_000, 49_151],
				text: "héllo".as_bytes().to_vec(),
			},
			InferenceOutput::Generation {
				tokens: vec![1, 9_000, 49_151],
				text: "héllo".as_bytes().to_vec(),
			},
		),
		(
			Output::classification(&[0.1, 0.9]),
			InferenceOutput::Classification(vec![F32Bits::from(0.1), F32Bits::from(0.9)]),
		),
		(
			Output::Regression(EngineF32::from(42.5)),
			InferenceOutput::Regression(F32Bits::from(42.5)),
		),
	]
}

#[test]
fn engine_and_runtime_encode_every_output_identically() {
	for (engine, runtime) in pairs() {
		assert_eq!(engine.canonical_bytes(), runtime.encode(), "{engine:?}");
		assert_eq!(engine.digest(), sp_io::hashing::blake2_256(&runtime.encode()));
		let decoded = InferenceOutput::decode(&mut &engine.canonical_bytes()[..])
			.expect("the runtime decodes the engine's bytes");
		assert_eq!(decoded, runtime);
	}
}
