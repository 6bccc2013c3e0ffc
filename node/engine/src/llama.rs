//! A quantized Llama-family decoder, read from a GGUF file.
//!
//! Written for the two things Veritas does with a language model:
//! - generate: a prompt pass, then one token at a time with a key/value
//!   cache, taking only the last position's logits;
//! - check: one teacher-forced pass over prompt and generated tokens that
//!   returns the logits at *every* position, which is how a verifier checks a
//!   whole generation in one forward pass.
//!
//! The GGUF files llama.cpp writes for the `llama` architecture store the
//! query and key projections permuted for the interleaved rotary embedding,
//! so this model uses the interleaved form (`rope_i`).
//!
//! Small models are computed from f32 copies of their weights: on a CPU,
//! matrix kernels over f32 beat candle's per-row dot products over quantized
//! blocks, and they batch the many rows of a teacher-forced check where
//! quantized kernels do not (measured on SmolLM2-135M: the check went from
//! 0.9 to 0.3 of the generation time, and generation got faster too).
//! Decoding one token at a time, though, reads every weight once per token,
//! so their GGUF blocks are kept as well and a single position (or a few,
//! up to `MAX_POSITIONS_THROUGH_BLOCKS`: a short prompt) is multiplied by
//! the blocks ([`crate::block_rows`]): the same numbers in another order, a
//! sixth of the bytes. Models whose f32 weights would pass
//! [`F32_WEIGHTS_LIMIT`] stay quantized. The choice depends on the file and
//! the number of positions alone, and each way gives the same numbers up to
//! rounding, which the generation check's tolerance covers.

use std::io::{Read, Seek};

use candle_core::{
	quantized::{gguf_file, GgmlDType, QMatMul, QTensor},
	DType, Device, IndexOp, Module, Tensor,
};
use candle_nn::Embedding;
use candle_transformers::quantized_nn::RmsNorm;

use crate::{
	block_rows::{BlockFormat, BlockRows},
	model::EngineError,
};

/// The largest model, in bytes of f32 weights, computed from f32 copies.
pub const F32_WEIGHTS_LIMIT: usize = 1 << 30;

/// The longest context a model may declare. The rotary tables hold every
/// position, so a file's `context_length` sizes memory at load.
pub const MAX_CONTEXT_LENGTH: usize = 1 << 20;

/// The most positions multiplied through a matrix's GGUF blocks at once;
/// more go through the f32 copies. Measured on SmolLM2-135M (the executor
/// on two cores, the verifier on one): a 17-token prompt's pass took 59 ms
/// through the blocks against 81 ms through the copies; a verifier's pass
/// over a prompt and 24 tokens took 0.42 of the generation's time through
/// the blocks against 0.53 through the copies, and over a prompt and 96
/// tokens 0.38 against 0.29.
const MAX_POSITIONS_THROUGH_BLOCKS: usize = 64;

/// The tensors each block is made of.
const TENSORS_PER_BLOCK: usize = 9;

/// The shape of the network, from the GGUF metadata (`llama.*` keys).
#[derive(Clone, Debug, PartialEq)]
pub struct LlamaConfig {
	pub block_count: usize,
	pub embedding_length: usize,
	pub head_count: usize,
	pub head_count_kv: usize,
	pub context_length: usize,
	pub rms_norm_eps: f64,
	pub rope_freq_base: f32,
}

impl LlamaConfig {
	/// Reads the shape from a GGUF file's metadata.
	pub fn from_gguf(content: &gguf_file::Content) -> Result<Self, EngineError> {
		let get = |key: &str| {
			content
				.metadata
				.get(key)
				.ok_or_else(|| EngineError::BadConfig(format!("GGUF metadata has no {key}")))
		};
		let number = |key: &str| -> Result<usize, EngineError> {
			get(key)?
				.to_u32()
				.map(|value| value as usize)
				.map_err(|error| EngineError::BadConfig(format!("GGUF metadata {key}: {error}")))
		};
		let config = Self {
			block_count: number("llama.block_count")?,
			embedding_length: number("llama.embedding_length")?,
			head_count: number("llama.attention.head_count")?,
			head_count_kv: number("llama.attention.head_count_kv")?,
			context_length: number("llama.context_length")?,
			rms_norm_eps: get("llama.attention.layer_norm_rms_epsilon")?
				.to_f32()
				.map_err(|error| EngineError::BadConfig(error.to_string()))? as f64,
			rope_freq_base: content
				.metadata
				.get("llama.rope.freq_base")
				.and_then(|value| value.to_f32().ok())
				.unwrap_or(10_000.0),
		};
		if config.block_count == 0
			|| config.block_count.saturating_mul(TENSORS_PER_BLOCK) > content.tensor_infos.len()
		{
			return Err(EngineError::BadConfig(format!(
				"llama.block_count {} needs {} tensors, the file has {}",
				config.block_count,
				config.block_count.saturating_mul(TENSORS_PER_BLOCK),
				content.tensor_infos.len()
			)));
		}
		if config.context_length == 0 || config.context_length > MAX_CONTEXT_LENGTH {
			return Err(EngineError::BadConfig(format!(
				"llama.context_length {} is outside 1..={MAX_CONTEXT_LENGTH}",
				config.context_length
			)));
		}
		if config.head_count == 0
			|| config.head_count_kv == 0
			|| !config.head_count.is_multiple_of(config.head_count_kv)
			|| !config.embedding_length.is_multiple_of(config.head_count)
		{
			return Err(EngineError::BadConfig(format!(
				"inconsistent attention shape: {config:?}"
			)));
		}
		Ok(config)
	}

	pub fn head_dim(&self) -> usize {
		self.embedding_length / self.head_count
	}
}

/// What loading a GGUF file will take, worked out from its header alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LoadEstimate {
	/// The weights' bytes as f32 values.
	pub f32_bytes: usize,
	/// The memory the loaded model holds, roughly.
	pub memory_bytes: usize,
}

/// Checks every tensor the header declares against the file's real length
/// (`file_bytes`) and estimates the memory the model will hold, before
/// anything is allocated: a header is whatever its publisher wrote.
pub fn estimate(
	content: &gguf_file::Content,
	config: &LlamaConfig,
	file_bytes: u64,
) -> Result<LoadEstimate, EngineError> {
	let too_large = |what: String| EngineError::BadWeights(format!("{what} overflows"));
	let mut elements = 0usize;
	let mut stored = 0u64;
	// Blocks kept beside the f32 copies, for decoding (`Projection`).
	let mut kept_blocks = 0u64;
	for (name, info) in &content.tensor_infos {
		let count = info
			.shape
			.dims()
			.iter()
			.try_fold(1usize, |count, dim| count.checked_mul(*dim))
			.ok_or_else(|| too_large(format!("the shape of {name}")))?;
		let block = info.ggml_dtype.block_size();
		let bytes = (count / block.max(1)).saturating_mul(info.ggml_dtype.type_size()) as u64;
		let end = content.tensor_data_offset.saturating_add(info.offset).saturating_add(bytes);
		if end > file_bytes {
			return Err(EngineError::BadWeights(format!(
				"{name} ends at byte {end}, past the file's {file_bytes}"
			)));
		}
		elements =
			elements.checked_add(count).ok_or_else(|| too_large("the weights' size".into()))?;
		stored = stored.saturating_add(bytes);
		if block_format(info.ggml_dtype).is_some() {
			kept_blocks = kept_blocks.saturating_add(bytes);
		}
	}
	let f32_bytes = elements.saturating_mul(std::mem::size_of::<f32>());
	let embedding_bytes = content
		.tensor_infos
		.get("token_embd.weight")
		.map_or(0, |info| info.shape.dims().iter().product::<usize>())
		.saturating_mul(std::mem::size_of::<f32>());
	// As `QuantizedLlama::from_gguf` counts: small models as f32 (with a
	// second copy of the embeddings when the output is tied to them), larger
	// ones quantized with an f32 copy of the embeddings.
	let weights = match f32_bytes <= F32_WEIGHTS_LIMIT {
		true => match content.tensor_infos.contains_key("output.weight") {
			true => f32_bytes,
			false => f32_bytes.saturating_add(embedding_bytes),
		}
		.saturating_add(usize::try_from(kept_blocks).unwrap_or(usize::MAX)),
		false => usize::try_from(stored).unwrap_or(usize::MAX).saturating_add(embedding_bytes),
	};
	let rotary = config
		.context_length
		.saturating_mul(config.head_dim())
		.saturating_mul(std::mem::size_of::<f32>());
	Ok(LoadEstimate { f32_bytes, memory_bytes: weights.saturating_add(rotary) })
}

/// The block formats whose matrices decoding multiplies directly.
fn block_format(dtype: GgmlDType) -> Option<BlockFormat> {
	match dtype {
		GgmlDType::Q4_1 => Some(BlockFormat::Q4_1),
		GgmlDType::Q8_0 => Some(BlockFormat::Q8_0),
		_ => None,
	}
}

/// A weight matrix. Several positions at once (a prompt, a verifier's
/// teacher-forced pass) multiply it as `matrix`; one position (a decoding
/// step) multiplies its GGUF blocks, when they are kept.
struct Projection {
	matrix: QMatMul,
	blocks: Option<BlockRows>,
}

impl Projection {
	fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
		let [product] = Self::forward_together([self], x)?;
		Ok(product)
	}

	/// Each projection of `x`. Up to [`MAX_POSITIONS_THROUGH_BLOCKS`]
	/// positions through projections that all keep their blocks are
	/// multiplied in one pass over all their rows
	/// ([`BlockRows::multiply_together`]): a decoding step's one position,
	/// or a short prompt's, each the same numbers as alone, with the threads
	/// woken once. More positions (a verifier's pass over a long answer) go
	/// through the f32 copies, whose matrix kernels reuse each weight for
	/// many positions: the same numbers in another order.
	fn forward_together<const N: usize>(
		projections: [&Projection; N],
		x: &Tensor,
	) -> candle_core::Result<[Tensor; N]> {
		let columns = x.dims().last().copied().unwrap_or(0);
		let positions = x.elem_count() / columns.max(1);
		let blocks: Option<Vec<&BlockRows>> = projections
			.iter()
			.map(|projection| projection.blocks.as_ref().filter(|b| columns == b.columns()))
			.collect();
		let products: Vec<Tensor> =
			match blocks.filter(|_| positions <= MAX_POSITIONS_THROUGH_BLOCKS) {
				None => projections
					.iter()
					.map(|projection| projection.matrix.forward(x))
					.collect::<candle_core::Result<_>>()?,
				Some(blocks) => {
					let input: Vec<f32> = x.flatten_all()?.to_vec1()?;
					BlockRows::multiply_together(&blocks, &input, positions)
						.into_iter()
						.zip(&blocks)
						.map(|(product, blocks)| {
							let mut shape = x.dims().to_vec();
							if let Some(last) = shape.last_mut() {
								*last = blocks.rows();
							}
							Tensor::from_vec(product, shape, x.device())
						})
						.collect::<candle_core::Result<_>>()?
				},
			};
		products
			.try_into()
			.map_err(|_| candle_core::Error::Msg("a product for each projection".into()))
	}
}

struct Block {
	attention_norm: RmsNorm,
	query: Projection,
	key: Projection,
	value: Projection,
	attention_output: Projection,
	feed_forward_norm: RmsNorm,
	gate: Projection,
	up: Projection,
	down: Projection,
}

/// The keys and values of the positions seen so far, per block.
pub struct KeyValueCache {
	entries: Vec<Option<(Tensor, Tensor)>>,
}

impl KeyValueCache {
	/// How many positions the cache holds.
	pub fn len(&self) -> usize {
		self.entries
			.first()
			.and_then(|entry| entry.as_ref())
			.and_then(|(keys, _)| keys.dim(2).ok())
			.unwrap_or(0)
	}

	pub fn is_empty(&self) -> bool {
		self.len() == 0
	}
}

/// The loaded network.
pub struct QuantizedLlama {
	config: LlamaConfig,
	token_embeddings: Embedding,
	blocks: Vec<Block>,
	norm: RmsNorm,
	output: Projection,
	cos: Tensor,
	sin: Tensor,
	vocabulary_size: usize,
	memory_bytes: usize,
}

impl QuantizedLlama {
	/// Loads the tensors named by llama.cpp's conventions (`token_embd`,
	/// `blk.N.attn_q`, …) from a GGUF file whose header gave `config` and
	/// `estimate` ([`LlamaConfig::from_gguf`], [`estimate`]): every size the
	/// header declares has been checked by then.
	pub fn from_gguf<R: Read + Seek>(
		content: &gguf_file::Content,
		reader: &mut R,
		config: LlamaConfig,
		estimate: LoadEstimate,
	) -> Result<Self, EngineError> {
		let device = Device::Cpu;
		let f32_bytes = estimate.f32_bytes;
		let in_f32 = f32_bytes <= F32_WEIGHTS_LIMIT;
		let mut memory_bytes = 0usize;
		let mut tensor = |name: &str| -> Result<QTensor, EngineError> {
			let tensor = content
				.tensor(reader, name, &device)
				.map_err(|error| EngineError::BadWeights(format!("{name}: {error}")))?;
			memory_bytes += match in_f32 {
				true => tensor.shape().elem_count() * std::mem::size_of::<f32>(),
				false => tensor.storage_size_in_bytes(),
			};
			Ok(tensor)
		};
		// The bytes of the blocks kept beside the f32 copies.
		let kept_blocks = std::cell::Cell::new(0usize);
		let matmul = |tensor: QTensor| -> Result<Projection, EngineError> {
			if !in_f32 {
				return Ok(Projection { matrix: QMatMul::from_qtensor(tensor)?, blocks: None });
			}
			let blocks = match (block_format(tensor.dtype()), tensor.shape().dims2()) {
				(Some(format), Ok((rows, columns))) => {
					let blocks = BlockRows::new(format, rows, columns, &tensor.data()?);
					let kept = blocks.as_ref().map_or(0, BlockRows::memory_bytes);
					kept_blocks.set(kept_blocks.get() + kept);
					blocks
				},
				_ => None,
			};
			Ok(Projection { matrix: QMatMul::Tensor(tensor.dequantize(&device)?), blocks })
		};
		let norm = |tensor: QTensor, eps: f64| {
			RmsNorm::from_qtensor(tensor, eps).map_err(EngineError::from)
		};

		let embeddings_quantized = tensor("token_embd.weight")?;
		let embeddings = embeddings_quantized.dequantize(&device)?;
		let (vocabulary_size, hidden) = embeddings.dims2()?;
		if hidden != config.embedding_length {
			return Err(EngineError::BadWeights(format!(
				"token embeddings are {hidden} wide, the config says {}",
				config.embedding_length
			)));
		}
		let output_norm = norm(tensor("output_norm.weight")?, config.rms_norm_eps)?;
		let mut tied_copy_bytes = 0;
		// Small models tie the output projection to the embeddings.
		let output = match content.tensor_infos.contains_key("output.weight") {
			true => matmul(tensor("output.weight")?)?,
			false => {
				if in_f32 {
					// A second f32 copy, as the output projection.
					tied_copy_bytes = embeddings.elem_count() * std::mem::size_of::<f32>();
				}
				matmul(embeddings_quantized)?
			},
		};
		let mut blocks = Vec::with_capacity(config.block_count);
		for index in 0..config.block_count {
			let mut weight = |part: &str| tensor(&format!("blk.{index}.{part}.weight"));
			blocks.push(Block {
				attention_norm: norm(weight("attn_norm")?, config.rms_norm_eps)?,
				query: matmul(weight("attn_q")?)?,
				key: matmul(weight("attn_k")?)?,
				value: matmul(weight("attn_v")?)?,
				attention_output: matmul(weight("attn_output")?)?,
				feed_forward_norm: norm(weight("ffn_norm")?, config.rms_norm_eps)?,
				gate: matmul(weight("ffn_gate")?)?,
				up: matmul(weight("ffn_up")?)?,
				down: matmul(weight("ffn_down")?)?,
			});
		}
		let (cos, sin) = rotary_tables(&config, &device)?;
		memory_bytes += tied_copy_bytes + kept_blocks.get();
		if !in_f32 {
			// The embeddings are looked up from an f32 copy besides the
			// quantized weights.
			memory_bytes += vocabulary_size * hidden * std::mem::size_of::<f32>();
		}
		Ok(Self {
			token_embeddings: Embedding::new(embeddings, hidden),
			blocks,
			norm: output_norm,
			output,
			cos,
			sin,
			vocabulary_size,
			memory_bytes,
			config,
		})
	}

	pub fn config(&self) -> &LlamaConfig {
		&self.config
	}

	pub fn vocabulary_size(&self) -> usize {
		self.vocabulary_size
	}

	/// Roughly the bytes the weights hold.
	pub fn memory_bytes(&self) -> usize {
		self.memory_bytes
	}

	/// An empty cache for one sequence.
	pub fn new_cache(&self) -> KeyValueCache {
		KeyValueCache { entries: vec![None; self.blocks.len()] }
	}

	/// Runs `tokens`, which follow the positions already in `cache`, and
	/// returns the logits of the positions from `first_logits` (an index into
	/// `tokens`) to the last: `(tokens.len() - first_logits, vocabulary)`.
	/// A decoding step wants the last position's only; a verifier's pass
	/// wants those of the answer, not of the prompt before it, and the
	/// output projection (the largest matrix) then runs for those alone.
	/// (Every position still runs through every layer: later positions
	/// attend to it.)
	///
	/// The pass runs on a thread of the current rayon pool (the global one
	/// unless the caller `install`ed another), which takes its share of each
	/// matrix product's rows while the pool's other threads take the rest.
	/// Called from outside the pool, the calling thread would instead hand
	/// each of a decoding step's 121 products to the pool and sleep until it
	/// was done: SmolLM2 decoded 88 tokens a second that way on two cores,
	/// 107 this way.
	pub fn forward(
		&self,
		tokens: &[u32],
		cache: &mut KeyValueCache,
		first_logits: usize,
	) -> Result<Tensor, EngineError> {
		rayon::scope(|_| self.forward_in_pool(tokens, cache, first_logits))
	}

	fn forward_in_pool(
		&self,
		tokens: &[u32],
		cache: &mut KeyValueCache,
		first_logits: usize,
	) -> Result<Tensor, EngineError> {
		let start = cache.len();
		let length = tokens.len();
		if length == 0 {
			return Err(EngineError::BadInput("no tokens to run".into()));
		}
		if first_logits >= length {
			return Err(EngineError::BadInput(format!(
				"logits from position {first_logits} of {length} tokens"
			)));
		}
		if start + length > self.config.context_length {
			return Err(EngineError::BadInput(format!(
				"{} tokens do not fit the model's context of {}",
				start + length,
				self.config.context_length
			)));
		}
		let device = Device::Cpu;
		let input = Tensor::new(tokens, &device)?.unsqueeze(0)?;
		let mask = (length > 1).then(|| causal_mask(length, start, &device)).transpose()?;
		let mut hidden = self.token_embeddings.forward(&input)?;
		for (block, entry) in self.blocks.iter().zip(cache.entries.iter_mut()) {
			let normed = block.attention_norm.forward(&hidden)?;
			let attended = self.attention(block, &normed, mask.as_ref(), start, entry)?;
			hidden = (attended + hidden)?;
			let normed = block.feed_forward_norm.forward(&hidden)?;
			let [gate, up] = Projection::forward_together([&block.gate, &block.up], &normed)?;
			let fed = block.down.forward(&(candle_nn::ops::silu(&gate)? * up)?)?;
			hidden = (fed + hidden)?;
		}
		let hidden = self.norm.forward(&hidden)?.i(0)?;
		let hidden = hidden.i(first_logits..length)?;
		Ok(self.output.forward(&hidden)?)
	}

	fn attention(
		&self,
		block: &Block,
		x: &Tensor,
		mask: Option<&Tensor>,
		start: usize,
		entry: &mut Option<(Tensor, Tensor)>,
	) -> Result<Tensor, EngineError> {
		let (batch, length, width) = x.dims3()?;
		let head_dim = self.config.head_dim();
		let heads = |projected: Tensor, count: usize| -> Result<Tensor, EngineError> {
			Ok(projected
				.reshape((batch, length, count, head_dim))?
				.transpose(1, 2)?
				.contiguous()?)
		};
		let rotate = |t: Tensor| -> Result<Tensor, EngineError> {
			let cos = self.cos.narrow(0, start, length)?;
			let sin = self.sin.narrow(0, start, length)?;
			Ok(candle_nn::rotary_emb::rope_i(&t, &cos, &sin)?)
		};
		let [query, key, value] =
			Projection::forward_together([&block.query, &block.key, &block.value], x)?;
		let query = rotate(heads(query, self.config.head_count)?)?;
		let key = rotate(heads(key, self.config.head_count_kv)?)?;
		let value = heads(value, self.config.head_count_kv)?;
		let (key, value) = match entry.take() {
			Some((past_keys, past_values)) => {
				(Tensor::cat(&[&past_keys, &key], 2)?, Tensor::cat(&[&past_values, &value], 2)?)
			},
			None => (key, value),
		};
		*entry = Some((key.clone(), value.clone()));

		let groups = self.config.head_count / self.config.head_count_kv;
		let key = candle_transformers::utils::repeat_kv(key, groups)?.contiguous()?;
		let value = candle_transformers::utils::repeat_kv(value, groups)?.contiguous()?;
		let scores = (query.matmul(&key.t()?)? / (head_dim as f64).sqrt())?;
		let scores = match mask {
			Some(mask) => scores.broadcast_add(mask)?,
			None => scores,
		};
		let weights = candle_nn::ops::softmax_last_dim(&scores)?;
		let mixed = weights.matmul(&value)?.transpose(1, 2)?.reshape((batch, length, width))?;
		Ok(block.attention_output.forward(&mixed)?)
	}
}

/// The rotary embedding's cos and sin for every position of the context.
fn rotary_tables(config: &LlamaConfig, device: &Device) -> Result<(Tensor, Tensor), EngineError> {
	let head_dim = config.head_dim();
	let frequencies: Vec<f32> = (0..head_dim)
		.step_by(2)
		.map(|i| 1.0 / config.rope_freq_base.powf(i as f32 / head_dim as f32))
		.collect();
	let frequencies = Tensor::new(frequencies.as_slice(), device)?.unsqueeze(0)?;
	let positions = Tensor::arange(0u32, config.context_length as u32, device)?
		.to_dtype(DType::F32)?
		.unsqueeze(1)?;
	let angles = positions.matmul(&frequencies)?;
	Ok((angles.cos()?, angles.sin()?))
}

/// 0 where a position may attend, minus infinity where it may not: the
/// `length` new positions see every cached one and those before them.
fn causal_mask(length: usize, start: usize, device: &Device) -> Result<Tensor, EngineError> {
	let columns = start + length;
	let values: Vec<f32> = (0..length)
		.flat_map(|row| {
			(0..columns).map(
				move |column| {
					if column > start + row {
						f32::NEG_INFINITY
					} else {
						0.0
					}
				},
			)
		})
		.collect();
	Ok(Tensor::from_vec(values, (length, columns), device)?)
}

/// For each row of `logits` (one per position), whether `tokens[row]` is
/// among the row's `k` largest: fewer than `k` logits are strictly larger.
pub fn in_top_k(logits: &Tensor, tokens: &[u32], k: usize) -> Result<Vec<bool>, EngineError> {
	let rows: Vec<Vec<f32>> = logits.to_dtype(DType::F32)?.to_vec2()?;
	if rows.len() != tokens.len() {
		return Err(EngineError::Compute(format!(
			"{} rows of logits for {} tokens",
			rows.len(),
			tokens.len()
		)));
	}
	Ok(rows
		.iter()
		.zip(tokens)
		.map(|(row, &token)| match row.get(token as usize) {
			Some(&chosen) => row.iter().filter(|&&logit| logit > chosen).count() < k,
			None => false,
		})
		.collect())
}
