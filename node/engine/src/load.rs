//! From a model's files to a loaded [`Model`], by architecture.

use std::sync::Arc;

use crate::{
	embedding::TextEmbedder,
	mlp::{Mlp, MlpConfig},
	model::{EngineError, Model},
	onnx::{OnnxModel, OnnxSignature},
};

/// The network families the engine can build.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Architecture {
	/// BERT-family encoders: safetensors weights, config.json, tokenizer.json.
	Bert,
	/// Llama-family decoders: one GGUF file with weights, config and vocabulary.
	Llama,
	/// Tabular MLP: safetensors weights and a JSON config.
	Mlp,
	/// A publisher's ONNX graph (one file), for the signature it was
	/// registered with.
	Onnx(OnnxSignature),
}

/// A model's files, already fetched and digest-checked.
#[derive(Default)]
pub struct ModelBytes {
	pub weights: Vec<u8>,
	pub config: Option<Vec<u8>>,
	pub tokenizer: Option<Vec<u8>>,
}

/// Builds the model `files` describe, unless it would hold more than
/// `max_memory_bytes`: what a file's header declares is checked against that
/// bound, and against the file's real length, before it is allocated.
pub fn load(
	architecture: Architecture,
	files: ModelBytes,
	max_memory_bytes: usize,
) -> Result<Arc<dyn Model>, EngineError> {
	if matches!(architecture, Architecture::Bert | Architecture::Mlp) {
		let needed = safetensors_f32_bytes(&files.weights)?;
		if needed > max_memory_bytes {
			return Err(EngineError::TooLarge { needed, capacity: max_memory_bytes });
		}
	}
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
		Architecture::Llama => Arc::new(crate::generation::TextGenerator::load_within(
			&files.weights,
			max_memory_bytes,
		)?),
		Architecture::Onnx(signature) => {
			if files.config.is_some() || files.tokenizer.is_some() {
				return Err(EngineError::BadConfig("an ONNX model is one file".into()));
			}
			Arc::new(OnnxModel::load(&files.weights, signature, max_memory_bytes)?)
		},
	})
}

/// The bytes a safetensors file's tensors take as f32 values, from its
/// header (which the reader checks against the file's length).
fn safetensors_f32_bytes(weights: &[u8]) -> Result<usize, EngineError> {
	let (_, metadata) = safetensors::SafeTensors::read_metadata(weights)
		.map_err(|error| EngineError::BadWeights(format!("safetensors header: {error}")))?;
	Ok(metadata
		.tensors()
		.values()
		.map(|info| info.shape.iter().product::<usize>())
		.fold(0usize, usize::saturating_add)
		.saturating_mul(std::mem::size_of::<f32>()))
}

#[cfg(test)]
mod tests {
	use super::*;

	const LOAN_RISK_CONFIG: &[u8] = include_bytes!("../fixtures/loan-risk/config.json");
	const LOAN_RISK_WEIGHTS: &[u8] = include_bytes!("../fixtures/loan-risk/model.safetensors");

	fn mlp(weights: Vec<u8>, config: &[u8]) -> ModelBytes {
		ModelBytes { weights, config: Some(config.to_vec()), tokenizer: None }
	}

	#[test]
	fn a_model_within_the_bound_loads() {
		let model =
			load(Architecture::Mlp, mlp(LOAN_RISK_WEIGHTS.to_vec(), LOAN_RISK_CONFIG), 1 << 20)
				.expect("loads");
		let estimate = safetensors_f32_bytes(LOAN_RISK_WEIGHTS).expect("a header");
		assert!(estimate >= model.memory_bytes(), "{estimate} < {}", model.memory_bytes());
	}

	#[test]
	fn a_model_past_the_bound_is_refused_before_loading() {
		let refused =
			load(Architecture::Mlp, mlp(LOAN_RISK_WEIGHTS.to_vec(), LOAN_RISK_CONFIG), 64);
		assert!(matches!(refused, Err(EngineError::TooLarge { capacity: 64, .. })));
	}

	#[test]
	fn hostile_safetensors_and_json_are_refused() {
		// A header that claims to be longer than the file.
		let mut long_header = LOAN_RISK_WEIGHTS.to_vec();
		long_header[..8].copy_from_slice(&(u64::MAX / 2).to_le_bytes());
		let refused = load(Architecture::Mlp, mlp(long_header, LOAN_RISK_CONFIG), usize::MAX);
		assert!(matches!(refused, Err(EngineError::BadWeights(_))));
		// A tensor that claims a shape whose size overflows.
		let header_length = u64::from_le_bytes(LOAN_RISK_WEIGHTS[..8].try_into().expect("8 bytes"));
		let header =
			std::str::from_utf8(&LOAN_RISK_WEIGHTS[8..8 + header_length as usize]).expect("JSON");
		let hostile_header = header.replacen("\"shape\":[", "\"shape\":[18446744073709551615,", 1);
		assert_ne!(hostile_header, header);
		let mut hostile = (hostile_header.len() as u64).to_le_bytes().to_vec();
		hostile.extend(hostile_header.as_bytes());
		hostile.extend(&LOAN_RISK_WEIGHTS[8 + header_length as usize..]);
		let refused = load(Architecture::Mlp, mlp(hostile, LOAN_RISK_CONFIG), usize::MAX);
		assert!(matches!(refused, Err(EngineError::BadWeights(_))));
		// JSON nested past any parser's stack, as a config and as a tokenizer.
		let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
		let refused =
			load(Architecture::Mlp, mlp(LOAN_RISK_WEIGHTS.to_vec(), deep.as_bytes()), usize::MAX);
		assert!(matches!(refused, Err(EngineError::BadConfig(_))));
		let bert = ModelBytes {
			weights: LOAN_RISK_WEIGHTS.to_vec(),
			config: Some(
				br#"{"vocab_size": 2, "hidden_size": 2, "num_hidden_layers": 1,
				"num_attention_heads": 1, "intermediate_size": 2, "max_position_embeddings": 2,
				"type_vocab_size": 1}"#
					.to_vec(),
			),
			tokenizer: Some(deep.into_bytes()),
		};
		assert!(matches!(
			load(Architecture::Bert, bert, usize::MAX),
			Err(EngineError::BadConfig(_))
		));
	}
}
