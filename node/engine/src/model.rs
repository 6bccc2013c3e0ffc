//! What every model the engine runs looks like from outside.

use crate::{compare::Verdict, output::InferenceOutput};

/// A request's input, already fetched and digest-checked.
#[derive(Clone, Copy, Debug)]
pub enum Input<'a> {
	/// UTF-8 text (embedding and generation models).
	Text(&'a str),
	/// Numbers (tabular models), in the order of the model's features.
	Numbers(&'a [f32]),
}

/// How to run a model: only generation uses these.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct RunParams {
	pub max_new_tokens: u32,
	pub seed: u64,
	/// 0 is greedy decoding.
	pub temperature: f32,
	/// Sample among the `top_k` most likely tokens; 0 for all.
	pub top_k: u32,
	/// Sample among the most likely tokens holding `top_p` of the
	/// probability; 0 (or 1) for all.
	pub top_p: f32,
}

/// Why a model could not be loaded or run.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
	#[error("model config: {0}")]
	BadConfig(String),
	#[error("model weights: {0}")]
	BadWeights(String),
	#[error("input: {0}")]
	BadInput(String),
	#[error("computation: {0}")]
	Compute(String),
	#[error("the model needs {needed} bytes of memory, more than the cache's {capacity}")]
	TooLarge { needed: usize, capacity: usize },
	#[error("unsupported model: {0}")]
	Unsupported(String),
}

impl From<candle_core::Error> for EngineError {
	fn from(error: candle_core::Error) -> Self {
		EngineError::Compute(error.to_string())
	}
}

/// What a caught panic said (its message, when it has one), for the error
/// that takes its place.
pub fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
	panic
		.downcast_ref::<&str>()
		.map(|text| text.to_string())
		.or_else(|| panic.downcast_ref::<String>().cloned())
		.unwrap_or_else(|| "no message".into())
}

/// A loaded model, ready to run requests.
pub trait Model: Send + Sync {
	/// Runs one request.
	fn run(&self, input: Input<'_>, params: &RunParams) -> Result<InferenceOutput, EngineError>;

	/// Runs several requests at once: for each input, in order, what [`run`]
	/// gives for it alone, bit for bit. A verifier re-runs a request alone,
	/// and under `Exact` any difference is a fraud, so a model overrides this
	/// only where a batch is faster *and* computes each input exactly as
	/// alone; an input that fails fails alone, never its neighbours. The
	/// default runs them one after another.
	///
	/// [`run`]: Model::run
	fn run_batch(
		&self,
		inputs: &[Input<'_>],
		params: &RunParams,
	) -> Vec<Result<InferenceOutput, EngineError>> {
		inputs.iter().map(|input| self.run(*input, params)).collect()
	}

	/// Roughly how much memory the loaded model holds, for the cache's bound.
	fn memory_bytes(&self) -> usize;

	/// The verifier's check of a generation (`TokenTopK`): whether `tokens`
	/// (decoding to `text`) are what this model, decoding with the sampler
	/// `params` states, would have generated after `prompt` (within the
	/// sampler's [`crate::sampling::Tolerance`]); a greedy token must also be
	/// among the `k` most likely. Only generation models can say.
	fn check_generation(
		&self,
		_prompt: &str,
		_tokens: &[u32],
		_text: &[u8],
		_params: &RunParams,
		_k: usize,
	) -> Result<Verdict, EngineError> {
		Err(EngineError::Unsupported("only a generation model checks tokens".into()))
	}
}
