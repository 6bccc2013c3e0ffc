//! A multi-layer perceptron over a fixed number of numeric features: the
//! engine's tabular classifier and regressor.
//!
//! Files: `config.json` ([`MlpConfig`]) and `model.safetensors` with f32
//! tensors `layers.{i}.weight` (shape `[out, in]`) and `layers.{i}.bias`
//! (`[out]`), one pair per layer. Hidden layers use ReLU. A classifier ends
//! in a softmax over its classes; a regressor returns its single output.

use candle_core::{DType, Device, Tensor};
use candle_nn::{Linear, Module, VarBuilder};

use crate::{
	model::{EngineError, Input, Model, RunParams},
	output::{F32Bits, Output},
};

/// What an MLP computes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MlpTask {
	Classification,
	Regression,
}

/// `config.json` of an MLP.
#[derive(Clone, Debug, PartialEq, serde::Deserialize)]
pub struct MlpConfig {
	pub task: MlpTask,
	/// How many numbers an input has.
	pub inputs: usize,
	/// The width of each hidden layer.
	pub hidden: Vec<usize>,
	/// Classes (classification) or 1 (regression).
	pub outputs: usize,
	/// Subtracted from each input feature before the first layer.
	#[serde(default)]
	pub input_mean: Option<Vec<f32>>,
	/// Each input feature is divided by this after subtracting the mean.
	#[serde(default)]
	pub input_std: Option<Vec<f32>>,
}

impl MlpConfig {
	/// Parses and checks a `config.json`.
	pub fn from_json(bytes: &[u8]) -> Result<Self, EngineError> {
		let config: MlpConfig =
			serde_json::from_slice(bytes).map_err(|e| EngineError::BadConfig(e.to_string()))?;
		let sizes_ok = config.inputs > 0
			&& config.outputs > 0
			&& config.hidden.iter().all(|width| *width > 0)
			&& (config.task == MlpTask::Classification) == (config.outputs >= 2);
		if !sizes_ok {
			return Err(EngineError::BadConfig(
				"zero-sized layers, or a classifier with fewer than 2 classes, or a regressor \
				 with more than 1 output"
					.into(),
			));
		}
		for (name, values) in [("input_mean", &config.input_mean), ("input_std", &config.input_std)]
		{
			if values.as_ref().is_some_and(|v| v.len() != config.inputs) {
				return Err(EngineError::BadConfig(format!("{name} must have `inputs` values")));
			}
		}
		if config.input_std.as_ref().is_some_and(|std| std.contains(&0.0)) {
			return Err(EngineError::BadConfig("input_std has a zero".into()));
		}
		Ok(config)
	}
}

/// A loaded MLP.
pub struct Mlp {
	config: MlpConfig,
	layers: Vec<Linear>,
	parameters: usize,
}

impl Mlp {
	/// Loads an MLP from its config and safetensors bytes.
	pub fn load(config: MlpConfig, weights: Vec<u8>) -> Result<Self, EngineError> {
		let device = Device::Cpu;
		let builder = VarBuilder::from_buffered_safetensors(weights, DType::F32, &device)
			.map_err(|e| EngineError::BadWeights(e.to_string()))?;
		let widths: Vec<usize> = std::iter::once(config.inputs)
			.chain(config.hidden.iter().copied())
			.chain(std::iter::once(config.outputs))
			.collect();
		let mut layers = Vec::with_capacity(widths.len() - 1);
		let mut parameters = 0;
		for (index, pair) in widths.windows(2).enumerate() {
			let layer = candle_nn::linear(pair[0], pair[1], builder.pp(format!("layers.{index}")))
				.map_err(|e| EngineError::BadWeights(format!("layer {index}: {e}")))?;
			parameters += pair[0] * pair[1] + pair[1];
			layers.push(layer);
		}
		Ok(Self { config, layers, parameters })
	}

	pub fn config(&self) -> &MlpConfig {
		&self.config
	}

	fn normalized(&self, numbers: &[f32]) -> Result<Vec<f32>, EngineError> {
		if numbers.len() != self.config.inputs {
			return Err(EngineError::BadInput(format!(
				"{} numbers given, the model takes {}",
				numbers.len(),
				self.config.inputs
			)));
		}
		if numbers.iter().any(|n| !n.is_finite()) {
			return Err(EngineError::BadInput("NaN or infinity in the input".into()));
		}
		Ok(numbers
			.iter()
			.enumerate()
			.map(|(i, value)| {
				let mean = self.config.input_mean.as_ref().map_or(0.0, |m| m[i]);
				let std = self.config.input_std.as_ref().map_or(1.0, |s| s[i]);
				(value - mean) / std
			})
			.collect())
	}
}

impl Model for Mlp {
	fn run(&self, input: Input<'_>, _: &RunParams) -> Result<Output, EngineError> {
		let Input::Numbers(numbers) = input else {
			return Err(EngineError::BadInput("a tabular model takes numbers, not text".into()));
		};
		let features = self.normalized(numbers)?;
		let mut activations = Tensor::from_vec(features, (1, self.config.inputs), &Device::Cpu)?;
		let last = self.layers.len() - 1;
		for (index, layer) in self.layers.iter().enumerate() {
			activations = layer.forward(&activations)?;
			if index < last {
				activations = activations.relu()?;
			}
		}
		let values: Vec<f32> = match self.config.task {
			MlpTask::Classification => candle_nn::ops::softmax_last_dim(&activations)?,
			MlpTask::Regression => activations,
		}
		.flatten_all()?
		.to_vec1()?;
		Ok(match self.config.task {
			MlpTask::Classification => Output::classification(&values),
			MlpTask::Regression => Output::Regression(F32Bits::from(values[0])),
		})
	}

	fn memory_bytes(&self) -> usize {
		self.parameters * std::mem::size_of::<f32>()
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	const LOAN_RISK_CONFIG: &[u8] = include_bytes!("../fixtures/loan-risk/config.json");
	const LOAN_RISK_WEIGHTS: &[u8] = include_bytes!("../fixtures/loan-risk/model.safetensors");

	/// Safetensors bytes for named f32 tensors, written by hand.
	fn safetensors(tensors: &[(&str, Vec<usize>, Vec<f32>)]) -> Vec<u8> {
		let mut header = serde_json::Map::new();
		let mut data = Vec::new();
		for (name, shape, values) in tensors {
			let start = data.len();
			data.extend(values.iter().flat_map(|v| v.to_le_bytes()));
			header.insert(
				name.to_string(),
				serde_json::json!({ "dtype": "F32", "shape": shape, "data_offsets": [start, data.len()] }),
			);
		}
		let header = serde_json::to_vec(&header).expect("serializes");
		let mut bytes = (header.len() as u64).to_le_bytes().to_vec();
		bytes.extend(header);
		bytes.extend(data);
		bytes
	}

	fn loan_risk() -> Mlp {
		let config = MlpConfig::from_json(LOAN_RISK_CONFIG).expect("fixture config");
		Mlp::load(config, LOAN_RISK_WEIGHTS.to_vec()).expect("fixture weights")
	}

	fn default_probability(model: &Mlp, applicant: [f32; 6]) -> f32 {
		let output = model.run(Input::Numbers(&applicant), &RunParams::default()).expect("runs");
		let probabilities = output.numbers().expect("numeric");
		assert_eq!(probabilities.len(), 2);
		assert!((probabilities.iter().sum::<f32>() - 1.0).abs() < 1e-5);
		probabilities[1]
	}

	#[test]
	fn the_loan_risk_model_ranks_a_risky_applicant_above_a_safe_one() {
		let model = loan_risk();
		// income k$, debt-to-income, credit score, loan k$, years employed, past defaults
		let safe = default_probability(&model, [90.0, 0.15, 790.0, 20.0, 12.0, 0.0]);
		let risky = default_probability(&model, [30.0, 0.9, 520.0, 35.0, 0.5, 2.0]);
		assert!(risky > 0.5 && safe < 0.2, "risky {risky}, safe {safe}");
	}

	#[test]
	fn a_hand_computed_regressor_matches() {
		// y = relu(2a - b + 1) * 3 - 1, with a = 1, b = 0.5 → 2.5 * 3 - 1 = 6.5
		let weights = safetensors(&[
			("layers.0.weight", vec![1, 2], vec![2.0, -1.0]),
			("layers.0.bias", vec![1], vec![1.0]),
			("layers.1.weight", vec![1, 1], vec![3.0]),
			("layers.1.bias", vec![1], vec![-1.0]),
		]);
		let config =
			MlpConfig::from_json(br#"{"task":"regression","inputs":2,"hidden":[1],"outputs":1}"#)
				.expect("valid");
		let model = Mlp::load(config, weights).expect("loads");
		let output = model.run(Input::Numbers(&[1.0, 0.5]), &RunParams::default()).expect("runs");
		assert_eq!(output, Output::Regression(F32Bits::from(6.5)));
		assert_eq!(model.memory_bytes(), (2 + 1 + 1 + 1) * 4);
	}

	#[test]
	fn bad_configs_weights_and_inputs_are_clear_errors() {
		let bad = |json: &str| MlpConfig::from_json(json.as_bytes()).expect_err("refused");
		assert!(matches!(bad("{}"), EngineError::BadConfig(_)));
		assert!(matches!(
			bad(r#"{"task":"classification","inputs":2,"hidden":[],"outputs":1}"#),
			EngineError::BadConfig(_)
		));
		assert!(matches!(
			bad(r#"{"task":"regression","inputs":2,"hidden":[],"outputs":1,"input_std":[1,0]}"#),
			EngineError::BadConfig(_)
		));
		let config = MlpConfig::from_json(LOAN_RISK_CONFIG).expect("fixture config");
		assert!(matches!(
			Mlp::load(config, b"not safetensors".to_vec()),
			Err(EngineError::BadWeights(_))
		));

		let model = loan_risk();
		let params = RunParams::default();
		assert!(matches!(
			model.run(Input::Numbers(&[1.0]), &params),
			Err(EngineError::BadInput(_))
		));
		assert!(matches!(model.run(Input::Text("hello"), &params), Err(EngineError::BadInput(_))));
		let nan = [f32::NAN, 0.0, 0.0, 0.0, 0.0, 0.0];
		assert!(matches!(model.run(Input::Numbers(&nan), &params), Err(EngineError::BadInput(_))));
	}
}
