//! Text generation with a quantized Llama-family model from one GGUF file
//! (SmolLM2-135M-Instruct Q4_1 in Veritas's examples).
//!
//! The GGUF file carries the vocabulary and the BPE merges
//! (`tokenizer.ggml.*`), so the tokenizer is built from it: there is no
//! tokenizer.json to fetch or to trust separately. When the file also carries
//! a ChatML chat template, the request's text is one user turn and the model
//! answers as the assistant, which is what an instruct model expects.
//!
//! Decoding follows the request's sampler ([`crate::sampling`]): greedy at
//! temperature 0, otherwise sampled (with top-k and top-p if asked) from
//! numbers drawn from the request's seed, so the same request gives the same
//! tokens. The verifier's side is one teacher-forced pass that replays the
//! sampler at every step ([`Model::check_generation`]).

use std::io::Cursor;

use candle_core::quantized::gguf_file;
use tokenizers::{
	decoders::byte_level::ByteLevel as ByteLevelDecoder, models::bpe::BPE,
	pre_tokenizers::byte_level::ByteLevel, AddedToken, Tokenizer,
};

use crate::{
	compare::Verdict,
	llama::{self, in_top_k, LlamaConfig, QuantizedLlama},
	model::{EngineError, Input, Model, RunParams},
	output::InferenceOutput,
	sampling::{Sampler, Tolerance},
};

/// GGUF token types (llama.cpp): control tokens are never split or merged.
const TOKEN_TYPE_CONTROL: i32 = 3;
const TOKEN_TYPE_USER_DEFINED: i32 = 4;

/// A loaded generator: network, tokenizer and stop tokens.
pub struct TextGenerator {
	model: QuantizedLlama,
	tokenizer: Tokenizer,
	/// Tokens that end a generation.
	stop_tokens: Vec<u32>,
	/// Whether prompts are wrapped as a ChatML user turn.
	chat: bool,
}

impl TextGenerator {
	/// Loads a GGUF file.
	pub fn load(gguf: &[u8]) -> Result<Self, EngineError> {
		Self::load_within(gguf, usize::MAX)
	}

	/// Loads a GGUF file, unless its header says the model would hold more
	/// than `max_memory_bytes`: that is refused before anything is allocated.
	pub fn load_within(gguf: &[u8], max_memory_bytes: usize) -> Result<Self, EngineError> {
		let mut reader = Cursor::new(gguf);
		// The reader trusts some header fields (an alignment of zero divides
		// by zero): a panic there is a file to refuse.
		let content = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
			gguf_file::Content::read(&mut reader)
		}))
		.map_err(|_| EngineError::BadWeights("the GGUF header could not be read".into()))?
		.map_err(|error| EngineError::BadWeights(format!("not a GGUF file: {error}")))?;
		let config = LlamaConfig::from_gguf(&content)?;
		let estimate = llama::estimate(&content, &config, gguf.len() as u64)?;
		if estimate.memory_bytes > max_memory_bytes {
			let needed = estimate.memory_bytes;
			return Err(EngineError::TooLarge { needed, capacity: max_memory_bytes });
		}
		let tokenizer = tokenizer_from_gguf(&content)?;
		let model = QuantizedLlama::from_gguf(&content, &mut reader, config, estimate)?;
		if tokenizer.get_vocab_size(true) > model.vocabulary_size() {
			return Err(EngineError::BadConfig(format!(
				"the vocabulary has {} tokens, the embeddings {}",
				tokenizer.get_vocab_size(true),
				model.vocabulary_size()
			)));
		}
		let template = content
			.metadata
			.get("tokenizer.chat_template")
			.and_then(|value| value.to_string().ok())
			.cloned()
			.unwrap_or_default();
		let chat =
			template.contains("<|im_start|>") && tokenizer.token_to_id("<|im_end|>").is_some();
		let mut stop_tokens: Vec<u32> = content
			.metadata
			.get("tokenizer.ggml.eos_token_id")
			.and_then(|value| value.to_u32().ok())
			.into_iter()
			.collect();
		if chat {
			stop_tokens.extend(tokenizer.token_to_id("<|im_end|>"));
		}
		Ok(Self { model, tokenizer, stop_tokens, chat })
	}

	/// The prompt's tokens, as the model sees them.
	pub fn prompt_tokens(&self, prompt: &str) -> Result<Vec<u32>, EngineError> {
		let text = match self.chat {
			true => format!("<|im_start|>user\n{prompt}<|im_end|>\n<|im_start|>assistant\n"),
			false => prompt.to_string(),
		};
		self.encode(&text)
	}

	/// The tokens of `text` as it is, with no chat template.
	pub fn encode(&self, text: &str) -> Result<Vec<u32>, EngineError> {
		let encoding = self
			.tokenizer
			.encode(text, false)
			.map_err(|error| EngineError::BadInput(format!("tokenizing: {error}")))?;
		Ok(encoding.get_ids().to_vec())
	}

	/// The text of `tokens`.
	pub fn decode(&self, tokens: &[u32]) -> Result<String, EngineError> {
		self.tokenizer
			.decode(tokens, true)
			.map_err(|error| EngineError::Compute(format!("decoding tokens: {error}")))
	}

	/// Generates up to `params.max_new_tokens` tokens after `prompt`. The stop
	/// token, if reached, is not part of the output.
	pub fn generate(&self, prompt: &str, params: &RunParams) -> Result<Vec<u32>, EngineError> {
		self.generate_observed(prompt, params, |_| {})
	}

	/// [`Self::generate`], showing `observe` the logits of every step (the
	/// step that picks a stop token included): what measurements of the
	/// verifier's tolerance compare against.
	pub fn generate_observed(
		&self,
		prompt: &str,
		params: &RunParams,
		mut observe: impl FnMut(&[f32]),
	) -> Result<Vec<u32>, EngineError> {
		let prompt_tokens = self.prompt_tokens(prompt)?;
		if prompt_tokens.is_empty() {
			return Err(EngineError::BadInput("empty prompt".into()));
		}
		let sampler = Sampler::new(params);
		let mut cache = self.model.new_cache();
		let mut generated = Vec::new();
		let mut next_input = prompt_tokens;
		while generated.len() < params.max_new_tokens as usize {
			let logits = self.model.forward(&next_input, &mut cache, next_input.len() - 1)?;
			let logits: Vec<f32> =
				logits.squeeze(0)?.to_dtype(candle_core::DType::F32)?.to_vec1()?;
			observe(&logits);
			let token = sampler.pick(&logits, generated.len());
			if self.stop_tokens.contains(&token) {
				break;
			}
			generated.push(token);
			next_input = vec![token];
		}
		Ok(generated)
	}

	/// Teacher forcing: one pass over the prompt and `tokens`, saying for
	/// each token whether it is among the `k` most likely at its position.
	/// A verifier accepts a generation when every token is.
	pub fn score(&self, prompt: &str, tokens: &[u32], k: usize) -> Result<Vec<bool>, EngineError> {
		if tokens.is_empty() {
			return Ok(Vec::new());
		}
		let logits = self.teacher_forced(prompt, &tokens[..tokens.len() - 1])?;
		in_top_k(&logits, tokens, k)
	}

	/// One pass over the prompt followed by `tokens`, giving the logits
	/// from the prompt's last position on: `tokens.len() + 1` rows, the
	/// predictions of each of `tokens` and of the token after them (position
	/// i predicts token i + 1).
	fn teacher_forced(
		&self,
		prompt: &str,
		tokens: &[u32],
	) -> Result<candle_core::Tensor, EngineError> {
		let mut sequence = self.prompt_tokens(prompt)?;
		let prompt_length = sequence.len();
		if prompt_length == 0 {
			return Err(EngineError::BadInput("empty prompt".into()));
		}
		sequence.extend_from_slice(tokens);
		let mut cache = self.model.new_cache();
		self.model.forward(&sequence, &mut cache, prompt_length - 1)
	}

	pub fn model(&self) -> &QuantizedLlama {
		&self.model
	}

	/// The logits the model gives before each of `tokens` and after the last
	/// (one row per step), from one teacher-forced pass.
	pub fn step_logits(&self, prompt: &str, tokens: &[u32]) -> Result<Vec<Vec<f32>>, EngineError> {
		let logits = self.teacher_forced(prompt, tokens)?;
		Ok(logits.to_dtype(candle_core::DType::F32)?.to_vec2()?)
	}
}

impl Model for TextGenerator {
	fn run(&self, input: Input<'_>, params: &RunParams) -> Result<InferenceOutput, EngineError> {
		let Input::Text(prompt) = input else {
			return Err(EngineError::BadInput("a generation model takes text".into()));
		};
		let tokens = self.generate(prompt, params)?;
		let text = self.decode(&tokens)?;
		Ok(InferenceOutput::Generation { tokens, text: text.into_bytes() })
	}

	fn memory_bytes(&self) -> usize {
		self.model.memory_bytes()
	}

	fn check_generation(
		&self,
		prompt: &str,
		tokens: &[u32],
		text: &[u8],
		params: &RunParams,
		k: usize,
	) -> Result<Verdict, EngineError> {
		let tolerance = Tolerance::default();
		let max_new_tokens = params.max_new_tokens;
		if tokens.len() > max_new_tokens as usize {
			return Ok(Verdict::Mismatch(format!(
				"{} tokens, more than the {max_new_tokens} asked for",
				tokens.len()
			)));
		}
		if self.decode(tokens)?.as_bytes() != text {
			return Ok(Verdict::Mismatch("the text is not the decoding of the tokens".into()));
		}
		// One pass over every token, replaying the sampler at each step; when
		// the generation stopped before its limit, the sampler must pick a
		// stop token at the next step, or the answer was cut short (or, with
		// no token at all, never given).
		let sampler = Sampler::new(params);
		let ended_early = tokens.len() < max_new_tokens as usize;
		let rows = self.step_logits(prompt, tokens)?;
		for (step, (row, &token)) in rows.iter().zip(tokens).enumerate() {
			if !sampler.accepts(row, step, token, tolerance, k) {
				return Ok(Verdict::Mismatch(format!(
					"token {step} ({token}) is not what the stated sampler picks"
				)));
			}
		}
		if ended_early {
			let step = tokens.len();
			let stops = self
				.stop_tokens
				.iter()
				.any(|&stop| sampler.accepts(&rows[step], step, stop, tolerance, k));
			if !stops {
				return Ok(Verdict::Mismatch(format!(
					"the generation stops after {step} tokens where the sampler goes on"
				)));
			}
		}
		Ok(Verdict::Match)
	}
}

/// A byte-level BPE tokenizer from a GGUF file's `tokenizer.ggml.*` metadata.
pub fn tokenizer_from_gguf(content: &gguf_file::Content) -> Result<Tokenizer, EngineError> {
	let get = |key: &str| {
		content
			.metadata
			.get(key)
			.ok_or_else(|| EngineError::BadConfig(format!("GGUF metadata has no {key}")))
	};
	let kind = get("tokenizer.ggml.model")?.to_string().map_err(bad_config)?;
	if kind != "gpt2" {
		return Err(EngineError::Unsupported(format!(
			"tokenizer {kind}: only byte-level BPE (gpt2) is supported"
		)));
	}
	let tokens = get("tokenizer.ggml.tokens")?.to_vec().map_err(bad_config)?;
	let mut vocabulary = ahash::AHashMap::with_capacity(tokens.len());
	let mut special = Vec::new();
	let types = content.metadata.get("tokenizer.ggml.token_type").and_then(|v| v.to_vec().ok());
	for (id, token) in tokens.iter().enumerate() {
		let token = token.to_string().map_err(bad_config)?.clone();
		let kind =
			types.and_then(|types| types.get(id)).and_then(|kind| kind.to_i32().ok()).unwrap_or(1);
		if kind == TOKEN_TYPE_CONTROL || kind == TOKEN_TYPE_USER_DEFINED {
			special.push(AddedToken::from(token.clone(), true));
		}
		vocabulary.insert(token, id as u32);
	}
	let merges = get("tokenizer.ggml.merges")?
		.to_vec()
		.map_err(bad_config)?
		.iter()
		.map(|merge| {
			let merge = merge.to_string().map_err(bad_config)?;
			merge
				.split_once(' ')
				.map(|(left, right)| (left.to_string(), right.to_string()))
				.ok_or_else(|| EngineError::BadConfig(format!("merge without a space: {merge}")))
		})
		.collect::<Result<Vec<_>, _>>()?;
	let model = BPE::builder()
		.vocab_and_merges(vocabulary, merges)
		.build()
		.map_err(|error| EngineError::BadConfig(format!("BPE vocabulary: {error}")))?;
	let mut tokenizer = Tokenizer::new(model);
	tokenizer.with_pre_tokenizer(Some(ByteLevel::new(false, true, true)));
	tokenizer.with_decoder(Some(ByteLevelDecoder::default()));
	tokenizer.add_special_tokens(&special);
	Ok(tokenizer)
}

fn bad_config(error: candle_core::Error) -> EngineError {
	EngineError::BadConfig(format!("GGUF tokenizer metadata: {error}"))
}

#[cfg(test)]
mod tests;
