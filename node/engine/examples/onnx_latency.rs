//! Median latency of publishers' ONNX models, one request at a time, printed
//! as one JSON line (`{"wine-forest_ms": …, "digits-cnn_ms": …}`): the Rust
//! half of `scripts/bench/onnx-vs-onnxruntime.sh`, which runs the same
//! measurement in onnxruntime.
//!
//! ```text
//! cargo run --release -p veritas-engine --example onnx_latency -- MODELS_DIR [RUNS]
//! ```
//!
//! Each model is a folder of `MODELS_DIR` made by
//! `scripts/models/make_onnx.py`: `model.onnx`, `model.json` (its
//! signature) and `reference.json` (whose first input is the one timed).

mod common;

use common::{fail, median_ms, path_and_runs, read};
use veritas_engine::{
	model::{Input, Model, RunParams},
	onnx::{OnnxModel, OnnxSignature},
};

const MODELS: [&str; 2] = ["wine-forest", "digits-cnn"];

fn main() {
	let (dir, runs) = path_and_runs("onnx_latency MODELS_DIR [RUNS]", 1000);
	let mut timings = serde_json::Map::new();
	for name in MODELS {
		let folder = dir.join(name);
		let read = |file: &str| read(&folder, file);
		let json = |file: &str| -> serde_json::Value {
			serde_json::from_slice(&read(file)).unwrap_or_else(|error| fail(error))
		};
		let signature: OnnxSignature =
			serde_json::from_value(json("model.json")["signature"].clone())
				.unwrap_or_else(|error| fail(error));
		let input: Vec<f32> =
			serde_json::from_value(json("reference.json")["cases"][0]["input"].clone())
				.unwrap_or_else(|error| fail(error));
		let model = OnnxModel::load(&read("model.onnx"), signature, usize::MAX)
			.unwrap_or_else(|error| fail(error));
		let params = RunParams::default();
		let ms = median_ms(runs, || {
			model.run(Input::Numbers(&input), &params).unwrap_or_else(|error| fail(error));
		});
		timings.insert(format!("{name}_ms"), serde_json::json!(ms));
	}
	println!("{}", serde_json::Value::Object(timings));
}
