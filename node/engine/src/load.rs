//! From a model's files to a loaded [`Model`], by architecture.

use std::sync::Arc;

use crate::{embedding::TextEmbedder, mlp::Mlp, mlp::MlpConfig, model::EngineError, model::Model};

/// The network families the engine can build.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Architecture {
	/// BERT-family encoders: safetensors weights, config.json, tokenizer.json.
	Bert,
	/// Llama-family decoders: one GGUF file with weights, config and vocabulary.
	Llama,
	/// Tabular MLP: safetensors weights and a JSON config.
	Mlp,
}

/// A model's files, already fetched and digest-checked.
#[derive(Default)]
pub struct ModelBytes {
	pub weights: Vec<u8>,
	pub config: Option<Vec<u8>>,
	pub tokenizer: Option<Vec<u8>>,
}

/// Builds the model `files` describe.
pub fn load(architecture: Architecture, files: ModelBytes) -> Result<Arc<dyn Model>, EngineError> {
	let missing = |what: &str| EngineError::BadConfig(format!("the model has no {what} file"));
	Ok(match architecture {
		Architecture::Bert => {
			let config = files.config.ok_or_else(|| missing("config"))?;
			let tokenizer = files.tokenizer.ok_or_else(|| missing("tokenizer"))?;
			Arc::new(TextEmbedder::load(&config, &tokenizer, files.weights)?)
		},
		Architecture::Mlp => {
			let config = MlpConfig::from_json(&files.config.ok_or_else(|| missing("config"))?)?;
			Arc::new(Mlp::load(config, files.weights)?)
		},
		Architecture::Llama => Arc::new(crate::generation::TextGenerator::load(&files.weights)?),
	})
}
