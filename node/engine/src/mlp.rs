//! A multi-layer perceptron over a fixed number of numeric features: the
//! engine's tabular classifier and regressor.
//!
//! Files: `config.json` ([`MlpConfig`]) and `model.safetensors` with f32
//! tensors `layers.{i}.weight` (shape `[out, in]`) and `layers.{i}.bias`
//! (`[out]`), one pair per layer. Hidden layers use ReLU. A classifier ends
//! in a softmax over its classes; a regressor returns its single output.
//!
//! The arithmetic is written out here rather than left to a matrix library,
//! so that its order is fixed: each output sums its inputs' products one
//! after another, in input order, with no fused multiply-add. An input's
//! output is then the same bit for bit alone or in a batch of any size, on
//! any number of threads, and on any x86 or ARM CPU, which is what a
//! verifier re-running one request under `Exact` needs. (A BLAS-style
//! kernel sums in blocks whose sizes depend on the batch's shape and the
//! CPU's caches, and uses FMA where the CPU has it.) MLPs are small; the
//! inner loop runs over a layer's outputs, which the compiler vectorises.

use candle_core::{DType, Device};
use candle_nn::VarBuilder;
use rayon::prelude::*;

use crate::{
	model::{EngineError, Input, Model, RunParams},
	output::{F32Bits, InferenceOutput},
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

/// One layer's weights, stored transposed: `inputs` rows of `outputs`.
struct Dense {
	weight: Vec<f32>,
	bias: Vec<f32>,
}

impl Dense {
	/// `bias + input · weight`, each output summed in input order.
	fn apply(&self, input: &[f32]) -> Vec<f32> {
		let mut output = self.bias.clone();
		for (value, row) in input.iter().zip(self.weight.chunks_exact(self.bias.len())) {
			for (sum, weight) in output.iter_mut().zip(row) {
				*sum += value * weight;
			}
		}
		output
	}
}

/// A loaded MLP.
pub struct Mlp {
	config: MlpConfig,
	layers: Vec<Dense>,
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
			let (inputs, outputs) = (pair[0], pair[1]);
			let layer = builder.pp(format!("layers.{index}"));
			let read = |name: &str, shape: &[usize]| {
				layer
					.get(shape, name)
					.and_then(|tensor| tensor.flatten_all()?.to_vec1::<f32>())
					.map_err(|e| EngineError::BadWeights(format!("layer {index}: {e}")))
			};
			let weight = read("weight", &[outputs, inputs])?;
			let bias = read("bias", &[outputs])?;
			// [out, in] as stored, to [in, out] as the sums read it.
			let transposed = (0..inputs * outputs)
				.map(|at| weight[(at % outputs) * inputs + at / outputs])
				.collect();
			parameters += inputs * outputs + outputs;
			layers.push(Dense { weight: transposed, bias });
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

impl Mlp {
	/// The output for one input's normalised features.
	fn forward(&self, features: &[f32]) -> InferenceOutput {
		let mut activations = features.to_vec();
		let last = self.layers.len() - 1;
		for (index, layer) in self.layers.iter().enumerate() {
			activations = layer.apply(&activations);
			if index < last {
				for value in &mut activations {
					*value = value.max(0.0);
				}
			}
		}
		match self.config.task {
			MlpTask::Classification => {
				softmax(&mut activations);
				InferenceOutput::classification(&activations)
			},
			MlpTask::Regression => InferenceOutput::Regression(F32Bits::from(activations[0])),
		}
	}

	/// The normalised features of a tabular input.
	fn features(&self, input: &Input<'_>) -> Result<Vec<f32>, EngineError> {
		let Input::Numbers(numbers) = input else {
			return Err(EngineError::BadInput("a tabular model takes numbers, not text".into()));
		};
		self.normalized(numbers)
	}
}

/// `values` to probabilities, in place: each exponent taken from the
/// largest value, summed in order.
fn softmax(values: &mut [f32]) {
	let largest = values.iter().copied().fold(f32::NEG_INFINITY, f32::max);
	let mut sum = 0f32;
	for value in values.iter_mut() {
		*value = crate::bert::exp(*value - largest);
		sum += *value;
	}
	for value in values.iter_mut() {
		*value /= sum;
	}
}

impl Model for Mlp {
	fn run(&self, input: Input<'_>, _: &RunParams) -> Result<InferenceOutput, EngineError> {
		Ok(self.forward(&self.features(&input)?))
	}

	/// The inputs side by side on the thread pool: each is computed as
	/// alone (see the module's overview).
	fn run_batch(
		&self,
		inputs: &[Input<'_>],
		_: &RunParams,
	) -> Vec<Result<InferenceOutput, EngineError>> {
		inputs.par_iter().map(|input| Ok(self.forward(&self.features(input)?))).collect()
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
	fn safetensors(tensors: &[(impl AsRef<str>, Vec<usize>, Vec<f32>)]) -> Vec<u8> {
		let mut header = serde_json::Map::new();
		let mut data = Vec::new();
		for (name, shape, values) in tensors {
			let start = data.len();
			data.extend(values.iter().flat_map(|v| v.to_le_bytes()));
			header.insert(
				name.as_ref().to_string(),
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
		assert_eq!(output, InferenceOutput::Regression(F32Bits::from(6.5)));
		assert_eq!(model.memory_bytes(), (2 + 1 + 1 + 1) * 4);
	}

	/// The safetensors of a loaded MLP, from its transposed weights.
	fn safetensors_of(model: &Mlp) -> Vec<u8> {
		let tensors: Vec<_> = model
			.layers
			.iter()
			.enumerate()
			.flat_map(|(index, layer)| {
				let (outputs, inputs) = (layer.bias.len(), layer.weight.len() / layer.bias.len());
				let weight = (0..inputs * outputs)
					.map(|at| layer.weight[(at % inputs) * outputs + at / inputs])
					.collect();
				[
					(format!("layers.{index}.weight"), vec![outputs, inputs], weight),
					(format!("layers.{index}.bias"), vec![outputs], layer.bias.clone()),
				]
			})
			.collect();
		safetensors(&tensors)
	}

	/// A classifier of `inputs` features, `hidden` widths and 3 classes,
	/// with weights from a fixed sequence.
	fn pseudo_random_classifier(inputs: usize, hidden: &[usize]) -> Mlp {
		let mut state = 11u64;
		let mut next = move || {
			state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
			((state >> 40) as f32 / (1u64 << 24) as f32 - 0.5) * 0.6
		};
		let widths: Vec<usize> =
			std::iter::once(inputs).chain(hidden.iter().copied()).chain([3]).collect();
		let mut tensors = Vec::new();
		for (index, pair) in widths.windows(2).enumerate() {
			let weight: Vec<f32> = (0..pair[0] * pair[1]).map(|_| next()).collect();
			tensors.push((format!("layers.{index}.weight"), vec![pair[1], pair[0]], weight));
			tensors.push((
				format!("layers.{index}.bias"),
				vec![pair[1]],
				(0..pair[1]).map(|_| next()).collect(),
			));
		}
		let config = serde_json::json!({
			"task": "classification", "inputs": inputs, "hidden": hidden, "outputs": 3,
		});
		let config = MlpConfig::from_json(config.to_string().as_bytes()).expect("valid");
		Mlp::load(config, safetensors(&tensors)).expect("loads")
	}

	/// An executor may run requests in a batch; a verifier re-runs each one
	/// alone, on however many threads it has: the outputs must agree bit
	/// for bit, for every batch size, and an input that fails fails alone.
	#[test]
	fn a_batch_computes_each_input_as_alone() {
		let one_thread = rayon::ThreadPoolBuilder::new().num_threads(1).build().expect("a pool");
		let params = RunParams::default();
		for (model, inputs) in [
			(pseudo_random_classifier(12, &[96, 40]), 12),
			(pseudo_random_classifier(600, &[80]), 600),
			(loan_risk(), 6),
		] {
			let rows: Vec<Vec<f32>> = (0..70)
				.map(|row| {
					(0..inputs).map(|i| ((row * 31 + i * 7) % 23) as f32 / 5.0 - 2.0).collect()
				})
				.collect();
			for size in [1, 2, 3, 16, 17, 70] {
				let batch: Vec<Input> =
					rows[..size].iter().map(|row| Input::Numbers(row)).collect();
				let outputs = model.run_batch(&batch, &params);
				assert_eq!(outputs.len(), size);
				for (input, output) in batch.iter().zip(outputs) {
					let alone = one_thread.install(|| model.run(*input, &params)).expect("runs");
					assert_eq!(output.expect("runs"), alone, "batch of {size}");
				}
			}

			// Bad inputs among good ones: each fails, the others do not notice.
			let nan = vec![f32::NAN; inputs];
			let mixed = [
				Input::Numbers(&rows[0]),
				Input::Numbers(&rows[1][..1]),
				Input::Numbers(&nan),
				Input::Text("hello"),
				Input::Numbers(&rows[2]),
			];
			let outputs = model.run_batch(&mixed, &params);
			for (index, (input, output)) in mixed.iter().zip(outputs).enumerate() {
				match index {
					0 | 4 => {
						assert_eq!(output.expect("runs"), model.run(*input, &params).expect("runs"))
					},
					_ => assert!(matches!(output, Err(EngineError::BadInput(_))), "input {index}"),
				}
			}
			assert!(model.run_batch(&[], &params).is_empty());
		}
	}

	/// The fixed-order sums compute what candle's products compute, to
	/// rounding.
	#[test]
	fn the_sums_agree_with_candles_products() {
		use candle_core::Tensor;
		use candle_nn::Module;

		let model = pseudo_random_classifier(12, &[96, 40]);
		let weights = safetensors_of(&model);
		let builder = VarBuilder::from_buffered_safetensors(weights, DType::F32, &Device::Cpu)
			.expect("weights");
		let layers: Vec<_> = [(12, 96), (96, 40), (40, 3)]
			.iter()
			.enumerate()
			.map(|(index, &(inputs, outputs))| {
				candle_nn::linear(inputs, outputs, builder.pp(format!("layers.{index}")))
					.expect("a layer")
			})
			.collect();
		let input: Vec<f32> = (0..12).map(|i| i as f32 / 4.0 - 1.5).collect();
		let mut x = Tensor::from_vec(input.clone(), (1, 12), &Device::Cpu).expect("a tensor");
		for (index, layer) in layers.iter().enumerate() {
			x = layer.forward(&x).expect("runs");
			if index < 2 {
				x = x.relu().expect("runs");
			}
		}
		let theirs: Vec<f32> = candle_nn::ops::softmax_last_dim(&x)
			.and_then(|p| p.flatten_all()?.to_vec1())
			.expect("runs");
		let ours = model
			.run(Input::Numbers(&input), &RunParams::default())
			.expect("runs")
			.numbers()
			.expect("numeric");
		for (a, b) in ours.iter().zip(&theirs) {
			assert!((a - b).abs() < 1e-6, "{ours:?} against {theirs:?}");
		}
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
