//! Sentence embeddings with a BERT-family encoder (all-MiniLM-L6-v2 and
//! kin): tokenize, encode, mean-pool over the real tokens, L2-normalise.
//!
//! Files: `config.json` (the Hugging Face BERT config), `tokenizer.json` and
//! `model.safetensors`.

use tokenizers::{Tokenizer, TruncationParams};

use crate::{
	bert::{Batch, Bert, Config as BertConfig},
	model::{EngineError, Input, Model, RunParams},
	output::InferenceOutput,
};

/// The longest input, in tokens; longer texts are truncated, as
/// sentence-transformers does for these models.
pub const MAX_TOKENS: usize = 256;

/// A loaded sentence-embedding model.
pub struct TextEmbedder {
	model: Bert,
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
		// Batches are packed, never padded (see `bert`).
		tokenizer.with_padding(None);
		tokenizer
			.with_truncation(Some(TruncationParams {
				max_length: MAX_TOKENS,
				..Default::default()
			}))
			.map_err(|e| EngineError::BadConfig(e.to_string()))?;
		let weights_len = weights.len();
		let dimension = config.hidden_size;
		let model = Bert::load(config, &weights)?;
		Ok(Self {
			model,
			tokenizer,
			dimension,
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
		let lengths: Vec<usize> =
			encodings.iter().map(|encoding| encoding.get_ids().len()).collect();
		let flat = |pick: fn(&tokenizers::Encoding) -> &[u32]| -> Vec<u32> {
			encodings.iter().flat_map(|encoding| pick(encoding).iter().copied()).collect()
		};
		let (ids, types) = (flat(|e| e.get_ids()), flat(|e| e.get_type_ids()));
		let hidden =
			self.model.forward(&Batch { ids: &ids, type_ids: &types, lengths: &lengths })?;
		let width = self.dimension;
		let mut rest = &hidden[..];
		Ok(lengths
			.iter()
			.map(|length| {
				let (states, after) = rest.split_at(length * width);
				rest = after;
				mean_unit(states, width)
			})
			.collect())
	}
}

/// The mean of a sequence's token states, scaled to unit length.
fn mean_unit(states: &[f32], width: usize) -> Vec<f32> {
	let mut mean = vec![0f32; width];
	let mut count = 0f32;
	for state in states.chunks(width) {
		count += 1.0;
		for (sum, value) in mean.iter_mut().zip(state) {
			*sum += value;
		}
	}
	for value in &mut mean {
		*value /= count.max(1.0);
	}
	let norm = mean.iter().map(|v| v * v).sum::<f32>().sqrt();
	for value in &mut mean {
		*value /= norm.max(f32::MIN_POSITIVE);
	}
	mean
}

/// The text of an input an embedding model can run.
fn text_of<'a>(input: &Input<'a>) -> Result<&'a str, EngineError> {
	match input {
		Input::Text("") => Err(EngineError::BadInput("empty text".into())),
		Input::Text(text) => Ok(text),
		Input::Numbers(_) => Err(EngineError::BadInput("an embedding model takes text".into())),
	}
}

impl Model for TextEmbedder {
	fn run(&self, input: Input<'_>, _: &RunParams) -> Result<InferenceOutput, EngineError> {
		let vectors = self.embed(&[text_of(&input)?])?;
		Ok(InferenceOutput::embedding(&vectors[0]))
	}

	/// One packed batch through the encoder: each text comes out as it does
	/// alone, bit for bit (`minilm_embeds_alone_as_in_a_batch`, on the real
	/// model), and costs only its own tokens.
	fn run_batch(
		&self,
		inputs: &[Input<'_>],
		params: &RunParams,
	) -> Vec<Result<InferenceOutput, EngineError>> {
		let texts: Vec<_> = inputs.iter().map(text_of).collect();
		let valid: Vec<&str> = texts.iter().flatten().copied().collect();
		let Ok(vectors) = self.embed(&valid) else {
			// A text the tokenizer refuses fails alone, not its neighbours.
			return inputs.iter().map(|input| self.run(*input, params)).collect();
		};
		let mut vectors = vectors.into_iter();
		texts
			.into_iter()
			.map(|text| {
				text?;
				let vector =
					vectors.next().ok_or_else(|| EngineError::Compute("no output".into()))?;
				Ok(InferenceOutput::embedding(&vector))
			})
			.collect()
	}

	fn memory_bytes(&self) -> usize {
		self.parameters * std::mem::size_of::<f32>()
	}
}
