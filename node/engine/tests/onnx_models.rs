//! Publishers' ONNX models, as real exporters write them, run by tract and
//! checked against onnxruntime. `scripts/models/make_onnx.py` (run by
//! `scripts/fetch-models.sh`) trains and exports them into `VERITAS_MODELS`:
//! - `wine-forest`: a scikit-learn random forest exported by skl2onnx as an
//!   ONNX-ML `TreeEnsembleClassifier`;
//! - `digits-cnn`: a PyTorch convolutional network exported by
//!   `torch.onnx.export`.
//!
//! Each comes with `model.json` (the task and input shape its publisher
//! declares) and `reference.json` (held-out inputs and onnxruntime's outputs
//! for them).

use std::path::PathBuf;

use veritas_engine::{
	load::{load, Architecture, ModelBytes},
	model::{Input, RunParams},
	onnx::OnnxSignature,
	output::InferenceOutput,
};

/// How far tract's probabilities may be from onnxruntime's: both sum the
/// same products in f32, in orders of their own.
const TOLERANCE: f32 = 1e-5;

struct Exported {
	bytes: Vec<u8>,
	signature: OnnxSignature,
	cases: Vec<(Vec<f32>, Vec<f32>)>,
}

fn exported(name: &str) -> Option<Exported> {
	let Some(models) = std::env::var_os("VERITAS_MODELS") else {
		eprintln!("skipped: VERITAS_MODELS is not set (scripts/fetch-models.sh makes the models)");
		return None;
	};
	let dir = PathBuf::from(models).join(name);
	let read = |file: &str| {
		std::fs::read(dir.join(file)).unwrap_or_else(|e| panic!("{}/{file}: {e}", dir.display()))
	};
	let json =
		|file: &str| -> serde_json::Value { serde_json::from_slice(&read(file)).expect("JSON") };
	let signature = serde_json::from_value(json("model.json")["signature"].clone())
		.expect("model.json declares a signature");
	let floats = |value: &serde_json::Value| -> Vec<f32> {
		value
			.as_array()
			.expect("numbers")
			.iter()
			.map(|v| v.as_f64().expect("a number") as f32)
			.collect()
	};
	let reference = json("reference.json");
	let cases = reference["cases"]
		.as_array()
		.expect("cases")
		.iter()
		.map(|case| (floats(&case["input"]), floats(&case["output"])))
		.collect();
	Some(Exported { bytes: read("model.onnx"), signature, cases })
}

/// Loads `name` as a node would and runs every reference input, alone and
/// as one batch: tract must agree with onnxruntime within [`TOLERANCE`] and
/// pick the same class.
fn agrees_with_onnxruntime(name: &str) {
	let Some(model) = exported(name) else { return };
	let files = ModelBytes { weights: model.bytes, ..Default::default() };
	let loaded = load(Architecture::Onnx(model.signature), files, 256 << 20).expect("loads");
	let params = RunParams::default();
	let inputs: Vec<Input<'_>> =
		model.cases.iter().map(|(input, _)| Input::Numbers(input)).collect();
	let batched = loaded.run_batch(&inputs, &params);
	let mut largest = 0f32;
	for ((input, expected), batched) in model.cases.iter().zip(batched) {
		let output = loaded.run(Input::Numbers(input), &params).expect("runs");
		assert_eq!(batched.expect("runs in a batch"), output, "a batch computes each as alone");
		let InferenceOutput::Classification(probabilities) = output else {
			panic!("a classification")
		};
		let probabilities: Vec<f32> = probabilities.iter().map(|p| p.to_f32()).collect();
		assert_eq!(probabilities.len(), expected.len());
		for (ours, theirs) in probabilities.iter().zip(expected) {
			largest = largest.max((ours - theirs).abs());
		}
		let best = |values: &[f32]| {
			values.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)).map(|(class, _)| class)
		};
		assert_eq!(best(&probabilities), best(expected), "{probabilities:?} against {expected:?}");
	}
	eprintln!(
		"{name}: {} inputs, largest difference from onnxruntime {largest:e}",
		model.cases.len()
	);
	assert!(largest <= TOLERANCE, "{name}: {largest} > {TOLERANCE}");
}

#[test]
fn a_scikit_learn_forest_agrees_with_onnxruntime() {
	agrees_with_onnxruntime("wine-forest");
}

#[test]
fn a_pytorch_network_agrees_with_onnxruntime() {
	agrees_with_onnxruntime("digits-cnn");
}
