//! Sentence embeddings with a BERT-family encoder (all-MiniLM-L6-v2 and
//! kin): tokenize, encode, mean-pool over the real tokens, L2-normalise.
//!
//! Files: `config.json` (the Hugging Face BERT config), `tokenizer.json` and
//! `model.safetensors`.

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config as BertConfig};
use tokenizers::{PaddingParams, Tokenizer, TruncationParams};

use crate::{
	model::{EngineError, Input, Model, RunParams},
	output::Output,
};

/// The longest input, in tokens; longer texts are truncated, as
/// sentence-transformers does for these models.
pub const MAX_TOKENS: usize = 256;

/// A loaded sentence-embedding model.
pub struct TextEmbedder {
	model: BertModel,
	tokenizer: Tokenizer,
	dimension: usize,
	parameters: usize,
}

impl TextEmbedder {
	/// Loads the model from its three files' bytes.
	pub fn load(config: &[u8], tokenizer: &[u8], weights: Vec<u8>) -> Result<Self, EngineError> {
		let config: BertConfig =
			serde_json::from_slice(config).map_err(|e| EngineError::BadConfig(e.to_string()))?;
		let mut tokenizer =
			Tokenizer::from_bytes(tokenizer).map_err(|e| EngineError::BadConfig(e.to_string()))?;
		tokenizer.with_padding(Some(PaddingParams::default()));
		tokenizer
			.with_truncation(Some(TruncationParams {
				max_length: MAX_TOKENS,
				..Default::default()
			}))
			.map_err(|e| EngineError::BadConfig(e.to_string()))?;
		let weights_len = weights.len();
		let builder = VarBuilder::from_buffered_safetensors(weights, DType::F32, &Device::Cpu)
			.map_err(|e| EngineError::BadWeights(e.to_string()))?;
		let model = BertModel::load(builder, &config)
			.map_err(|e| EngineError::BadWeights(e.to_string()))?;
		Ok(Self {
			model,
			tokenizer,
			dimension: config.hidden_size,
			parameters: weights_len / std::mem::size_of::<f32>(),
		})
	}

	/// The length of each embedding.
	pub fn dimension(&self) -> usize {
		self.dimension
	}

	/// One unit-length embedding per text, computed as one batch.
	pub fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EngineError> {
		if texts.is_empty() {
			return Ok(Vec::new());
		}
		let encodings = self
			.tokenizer
			.encode_batch(texts.to_vec(), true)
			.map_err(|e| EngineError::BadInput(e.to_string()))?;
		let rows = encodings.len();
		let columns = encodings[0].get_ids().len();
		let flat = |pick: fn(&tokenizers::Encoding) -> &[u32]| -> Vec<u32> {
			encodings.iter().flat_map(|encoding| pick(encoding).iter().copied()).collect()
		};
		let device = &self.model.device;
		let ids = Tensor::from_vec(flat(|e| e.get_ids()), (rows, columns), device)?;
		let types = Tensor::from_vec(flat(|e| e.get_type_ids()), (rows, columns), device)?;
		let mask = Tensor::from_vec(flat(|e| e.get_attention_mask()), (rows, columns), device)?;

		let hidden = self.model.forward(&ids, &types, Some(&mask))?;
		// Mean over the real tokens only: padding must not dilute the vector.
		let mask = mask.to_dtype(DType::F32)?.unsqueeze(2)?;
		let summed = hidden.broadcast_mul(&mask)?.sum(1)?;
		let counts = mask.sum(1)?;
		let mean = summed.broadcast_div(&counts)?;
		let norms = mean.sqr()?.sum_keepdim(1)?.sqrt()?;
		let unit = mean.broadcast_div(&norms)?;
		Ok(unit.to_vec2()?)
	}
}

impl Model for TextEmbedder {
	fn run(&self, input: Input<'_>, _: &RunParams) -> Result<Output, EngineError> {
		let Input::Text(text) = input else {
			return Err(EngineError::BadInput("an embedding model takes text".into()));
		};
		if text.is_empty() {
			return Err(EngineError::BadInput("empty text".into()));
		}
		let vectors = self.embed(&[text])?;
		Ok(Output::embedding(&vectors[0]))
	}

	fn memory_bytes(&self) -> usize {
		self.parameters * std::mem::size_of::<f32>()
	}
}
