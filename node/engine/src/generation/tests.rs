//! A tiny Llama with random weights from a fixed seed, written as a real
//! GGUF file with a byte-level vocabulary, so that the whole path (GGUF
//! parsing, tokenizer, generation, scoring) runs in milliseconds.

use std::io::Cursor;

use candle_core::{
	quantized::{gguf_file::Value, GgmlDType, QTensor},
	Device, Tensor,
};
use tokenizers::pre_tokenizers::byte_level::ByteLevel;

use super::*;
use crate::compare::Verdict;

const HIDDEN: usize = 16;
const FEED_FORWARD: usize = 32;
const BLOCKS: usize = 2;

/// Deterministic values in [-0.5, 0.5) from a linear congruential generator.
fn values(seed: &mut u64, count: usize) -> Vec<f32> {
	(0..count)
		.map(|_| {
			*seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
			((*seed >> 40) as f32 / (1u64 << 24) as f32) - 0.5
		})
		.collect()
}

fn tensor(seed: &mut u64, shape: &[usize], scale: f32) -> QTensor {
	let count = shape.iter().product();
	let data: Vec<f32> = values(seed, count).into_iter().map(|v| v * scale).collect();
	let tensor = Tensor::from_vec(data, shape, &Device::Cpu).unwrap();
	QTensor::quantize(&tensor, GgmlDType::F32).unwrap()
}

fn ones(shape: usize) -> QTensor {
	QTensor::quantize(
		&Tensor::ones(shape, candle_core::DType::F32, &Device::Cpu).unwrap(),
		GgmlDType::F32,
	)
	.unwrap()
}

/// The bytes of a tiny GGUF model with a ChatML template.
pub(crate) fn tiny_gguf(seed: u64) -> Vec<u8> {
	tiny_gguf_with(seed, &[])
}

/// [`tiny_gguf`] with some metadata entries replaced or added, as a hostile
/// publisher would write them.
pub(crate) fn tiny_gguf_with(seed: u64, overrides: &[(&str, Value)]) -> Vec<u8> {
	let mut seed = seed;
	let mut alphabet: Vec<char> = ByteLevel::alphabet().into_iter().collect();
	alphabet.sort();
	let mut tokens: Vec<String> = alphabet.iter().map(|c| c.to_string()).collect();
	let mut merges = Vec::new();
	for (left, right) in [("h", "e"), ("l", "l"), ("he", "ll"), ("hell", "o")] {
		merges.push(format!("{left} {right}"));
		tokens.push(format!("{left}{right}"));
	}
	let mut types = vec![1i32; tokens.len()];
	for special in ["<|endoftext|>", "<|im_start|>", "<|im_end|>"] {
		tokens.push(special.to_string());
		types.push(3);
	}
	let vocabulary = tokens.len();
	let end_of_text = (vocabulary - 3) as u32;

	let mut tensors: Vec<(String, QTensor)> = vec![
		("token_embd.weight".into(), tensor(&mut seed, &[vocabulary, HIDDEN], 2.0)),
		("output_norm.weight".into(), ones(HIDDEN)),
	];
	for block in 0..BLOCKS {
		let name = |part: &str| format!("blk.{block}.{part}.weight");
		tensors.push((name("attn_norm"), ones(HIDDEN)));
		tensors.push((name("ffn_norm"), ones(HIDDEN)));
		tensors.push((name("attn_q"), tensor(&mut seed, &[HIDDEN, HIDDEN], 1.0)));
		// Two query heads share one key/value head.
		tensors.push((name("attn_k"), tensor(&mut seed, &[HIDDEN / 2, HIDDEN], 1.0)));
		tensors.push((name("attn_v"), tensor(&mut seed, &[HIDDEN / 2, HIDDEN], 1.0)));
		tensors.push((name("attn_output"), tensor(&mut seed, &[HIDDEN, HIDDEN], 1.0)));
		tensors.push((name("ffn_gate"), tensor(&mut seed, &[FEED_FORWARD, HIDDEN], 1.0)));
		tensors.push((name("ffn_up"), tensor(&mut seed, &[FEED_FORWARD, HIDDEN], 1.0)));
		tensors.push((name("ffn_down"), tensor(&mut seed, &[HIDDEN, FEED_FORWARD], 1.0)));
	}

	let metadata: Vec<(&str, Value)> = vec![
		("general.architecture", Value::String("llama".into())),
		("llama.block_count", Value::U32(BLOCKS as u32)),
		("llama.embedding_length", Value::U32(HIDDEN as u32)),
		("llama.feed_forward_length", Value::U32(FEED_FORWARD as u32)),
		("llama.attention.head_count", Value::U32(2)),
		("llama.attention.head_count_kv", Value::U32(1)),
		("llama.context_length", Value::U32(128)),
		("llama.attention.layer_norm_rms_epsilon", Value::F32(1e-5)),
		("llama.rope.freq_base", Value::F32(10_000.0)),
		("tokenizer.ggml.model", Value::String("gpt2".into())),
		("tokenizer.ggml.tokens", Value::Array(tokens.into_iter().map(Value::String).collect())),
		("tokenizer.ggml.token_type", Value::Array(types.into_iter().map(Value::I32).collect())),
		("tokenizer.ggml.merges", Value::Array(merges.into_iter().map(Value::String).collect())),
		("tokenizer.ggml.eos_token_id", Value::U32(end_of_text)),
		(
			"tokenizer.chat_template",
			Value::String("{% for m in messages %}<|im_start|>{{m.role}}\n{{m.content}}<|im_end|>\n{% endfor %}".into()),
		),
	];
	let mut metadata: Vec<(&str, Value)> = metadata
		.into_iter()
		.filter(|(key, _)| !overrides.iter().any(|(replaced, _)| replaced == key))
		.collect();
	metadata.extend(overrides.iter().cloned());
	let metadata: Vec<(&str, &Value)> = metadata.iter().map(|(k, v)| (*k, v)).collect();
	let tensors: Vec<(&str, &QTensor)> = tensors.iter().map(|(k, v)| (k.as_str(), v)).collect();
	let mut bytes = Cursor::new(Vec::new());
	gguf_file::write(&mut bytes, &metadata, &tensors).unwrap();
	bytes.into_inner()
}

fn generator() -> TextGenerator {
	TextGenerator::load(&tiny_gguf(7)).expect("the tiny model loads")
}

fn params(max_new_tokens: u32, seed: u64, temperature: f32) -> RunParams {
	RunParams { max_new_tokens, seed, temperature, ..Default::default() }
}

#[test]
fn the_tokenizer_comes_from_the_gguf_vocabulary_and_merges() {
	let generator = generator();
	let tokens = generator.prompt_tokens("hello").unwrap();
	// ChatML wraps the prompt; the merges make "hello" one token; special
	// tokens are kept whole.
	let hello = generator.tokenizer.token_to_id("hello").unwrap();
	let start = generator.tokenizer.token_to_id("<|im_start|>").unwrap();
	assert!(tokens.contains(&hello), "{tokens:?}");
	assert_eq!(tokens[0], start);
	assert_eq!(generator.decode(&[hello]).unwrap(), "hello");
	// Any bytes tokenize and decode back (byte-level BPE has no unknowns).
	let text = "héllo, wörld ✓";
	let ids = generator.tokenizer.encode(text, false).unwrap().get_ids().to_vec();
	assert_eq!(generator.decode(&ids).unwrap(), text);
}

#[test]
fn greedy_generation_is_deterministic_and_bounded() {
	let generator = generator();
	let first = generator.generate("hello", &params(12, 0, 0.0)).unwrap();
	let second = generator.generate("hello", &params(12, 99, 0.0)).unwrap();
	assert_eq!(first, second, "greedy decoding ignores the seed");
	assert!(first.len() <= 12);
	assert!(generator.generate("hello", &params(0, 0, 0.0)).unwrap().is_empty());
}

#[test]
fn sampling_is_reproducible_from_the_seed() {
	let generator = generator();
	let run = |seed| generator.generate("hello", &params(16, seed, 1.5)).unwrap();
	assert_eq!(run(1), run(1));
	let distinct: std::collections::BTreeSet<Vec<u32>> = (0..6).map(run).collect();
	assert!(distinct.len() > 1, "different seeds give different samples");
}

#[test]
fn a_greedy_generation_is_top_1_under_teacher_forcing() {
	let generator = generator();
	let tokens = generator.generate("hello", &params(10, 0, 0.0)).unwrap();
	assert!(!tokens.is_empty());
	let checks = generator.score("hello", &tokens, 1).unwrap();
	assert_eq!(checks, vec![true; tokens.len()]);
}

#[test]
fn scoring_rejects_tokens_the_model_would_not_produce() {
	let generator = generator();
	let mut tokens = generator.generate("hello", &params(10, 0, 0.0)).unwrap();
	// Replace the first token with the one the model likes least.
	let prompt = generator.prompt_tokens("hello").unwrap();
	let mut cache = generator.model.new_cache();
	let logits = generator.model.forward(&prompt, &mut cache, prompt.len() - 1).unwrap();
	let least = logits.squeeze(0).unwrap().argmin(0).unwrap().to_scalar::<u32>().unwrap();
	tokens[0] = least;
	let checks = generator.score("hello", &tokens, 5).unwrap();
	assert!(!checks[0]);
}

#[test]
fn the_model_trait_returns_tokens_and_their_text() {
	let generator = generator();
	let output = generator.run(Input::Text("hello"), &params(8, 0, 0.0)).unwrap();
	let InferenceOutput::Generation { tokens, text } = output else { panic!("a generation") };
	assert_eq!(String::from_utf8(text).unwrap(), generator.decode(&tokens).unwrap());
	assert!(generator.run(Input::Numbers(&[1.0]), &params(8, 0, 0.0)).is_err());
	assert!(generator.memory_bytes() > 0);
}

/// A pass asked for the logits from some position on gives those rows of
/// the pass over every position, and nothing past the last position.
#[test]
fn a_pass_gives_the_logits_from_the_position_asked() {
	let generator = generator();
	let prompt = generator.prompt_tokens("hello there").unwrap();
	let all = generator.model.forward(&prompt, &mut generator.model.new_cache(), 0).unwrap();
	let all: Vec<Vec<f32>> = all.to_vec2().unwrap();
	assert_eq!(all.len(), prompt.len());
	for first in [1, prompt.len() - 1] {
		let mut cache = generator.model.new_cache();
		let some: Vec<Vec<f32>> =
			generator.model.forward(&prompt, &mut cache, first).unwrap().to_vec2().unwrap();
		assert_eq!(some.len(), prompt.len() - first);
		for (row, expected) in some.iter().zip(&all[first..]) {
			let largest = row.iter().zip(expected).map(|(a, b)| (a - b).abs()).fold(0f32, f32::max);
			assert!(largest < 1e-5, "position from {first}: {largest}");
		}
		// The cache holds every position, whichever logits were asked for.
		assert_eq!(cache.len(), prompt.len());
	}
	let error = generator
		.model
		.forward(&prompt, &mut generator.model.new_cache(), prompt.len())
		.unwrap_err();
	assert!(matches!(error, EngineError::BadInput(_)), "{error}");
}

#[test]
fn a_prompt_longer_than_the_context_is_refused() {
	let generator = generator();
	let long = "x ".repeat(200);
	let error = generator.generate(&long, &params(4, 0, 0.0)).unwrap_err();
	assert!(error.to_string().contains("context"), "{error}");
}

#[test]
fn broken_files_are_refused_with_a_reason() {
	assert!(matches!(TextGenerator::load(b"not gguf"), Err(EngineError::BadWeights(_))));
	let mut truncated = tiny_gguf(7);
	truncated.truncate(truncated.len() / 2);
	let error = TextGenerator::load(&truncated).err().expect("refused");
	assert!(error.to_string().contains("past the file's"), "{error}");
}

/// What a header declares is checked before it sizes anything: each of
/// these files is a few kilobytes and would otherwise ask for gigabytes, or
/// panic inside the reader.
#[test]
fn hostile_headers_are_refused_before_allocating() {
	let refused = |overrides: &[(&str, Value)], expected: &str| {
		let file = tiny_gguf_with(7, overrides);
		assert!(file.len() < 64 * 1024);
		let error = TextGenerator::load(&file).err().expect("refused");
		assert!(error.to_string().contains(expected), "{overrides:?}: {error}");
	};
	// Vec::with_capacity(block_count) of 4 billion blocks.
	refused(&[("llama.block_count", Value::U32(u32::MAX))], "llama.block_count");
	refused(&[("llama.block_count", Value::U32(0))], "llama.block_count");
	// Rotary tables for 4 billion positions.
	refused(&[("llama.context_length", Value::U32(u32::MAX))], "llama.context_length");
	// An alignment of zero divides by zero inside the reader.
	refused(&[("general.alignment", Value::U32(0))], "GGUF header");
	refused(&[("llama.attention.head_count", Value::U32(0))], "attention shape");
}

#[test]
fn a_model_larger_than_the_memory_bound_is_refused_before_loading() {
	let file = tiny_gguf(7);
	let loaded = TextGenerator::load(&file).expect("loads");
	let error = TextGenerator::load_within(&file, 1024).err().expect("refused");
	match error {
		EngineError::TooLarge { needed, capacity } => {
			assert_eq!(capacity, 1024);
			// The estimate is what the loaded model then holds, give or
			// take the rotary tables.
			assert!(needed >= loaded.memory_bytes(), "{needed} < {}", loaded.memory_bytes());
			assert!(needed <= 2 * loaded.memory_bytes(), "{needed}");
		},
		other => panic!("{other}"),
	}
	assert!(TextGenerator::load_within(&file, loaded.memory_bytes() * 2).is_ok());
}

fn check(generator: &TextGenerator, tokens: &[u32], run: &RunParams, k: usize) -> Verdict {
	let text = generator.decode(tokens).unwrap();
	generator.check_generation("hello", tokens, text.as_bytes(), run, k).unwrap()
}

#[test]
fn an_honest_generation_passes_the_verifiers_check() {
	let generator = generator();
	let greedy = params(10, 0, 0.0);
	let tokens = generator.generate("hello", &greedy).unwrap();
	assert_eq!(check(&generator, &tokens, &greedy, 1), Verdict::Match);
	// Hot sampling picks tokens far down the list: still what the sampler
	// picks, so never flagged, whatever k the rule names.
	for seed in 0..20 {
		for temperature in [0.7, 1.0, 2.0] {
			let hot = params(10, seed, temperature);
			let sampled = generator.generate("hello", &hot).unwrap();
			assert_eq!(check(&generator, &sampled, &hot, 1), Verdict::Match, "seed {seed}");
		}
	}
	let cut = RunParams { top_k: 3, top_p: 0.8, ..params(10, 4, 1.2) };
	let sampled = generator.generate("hello", &cut).unwrap();
	assert_eq!(check(&generator, &sampled, &cut, 1), Verdict::Match);
}

#[test]
fn changed_truncated_or_inconsistent_generations_fail_the_check() {
	let generator = generator();
	let run = params(12, 0, 0.0);
	let tokens = generator.generate("hello", &run).unwrap();
	assert_eq!(tokens.len(), 12, "the tiny model runs to the limit");
	// Cut short: the model would have gone on.
	let Verdict::Mismatch(reason) = check(&generator, &tokens[..6], &run, 1) else {
		panic!("a truncated generation passed")
	};
	assert!(reason.contains("stops after 6"), "{reason}");
	// Nothing at all.
	assert!(!check(&generator, &[], &run, 1).is_match());
	// One token swapped.
	let mut changed = tokens.clone();
	changed[3] = (changed[3] + 1) % 256;
	assert!(!check(&generator, &changed, &run, 1).is_match());
	// More tokens than asked for.
	assert!(!check(&generator, &tokens, &params(11, 0, 0.0), 1).is_match());
	// Text that is not the tokens' decoding.
	let verdict = generator.check_generation("hello", &tokens, b"something else", &run, 1).unwrap();
	assert!(!verdict.is_match());
}

/// A greedy request answered with another path through the likely tokens
/// (the runner-up at one step) is steered, not greedy.
#[test]
fn a_steered_greedy_generation_fails_the_check() {
	let generator = generator();
	let run = params(12, 0, 0.0);
	let tokens = generator.generate("hello", &run).unwrap();
	let rows = generator.step_logits("hello", &tokens).unwrap();
	// The step where the best token leads the runner-up the most.
	let (step, runner_up) = rows[..tokens.len()]
		.iter()
		.enumerate()
		.map(|(step, row)| {
			let best = row[tokens[step] as usize];
			let (second, logit) =
				row.iter().enumerate().filter(|(token, _)| *token as u32 != tokens[step]).fold(
					(0, f32::MIN),
					|acc, (token, &logit)| if logit > acc.1 { (token, logit) } else { acc },
				);
			(step, second as u32, best - logit)
		})
		.max_by(|a, b| a.2.total_cmp(&b.2))
		.map(|(step, second, _)| (step, second))
		.unwrap();
	let mut steered = tokens.clone();
	steered[step] = runner_up;
	// Top-2 would have passed that step; the greedy check does not.
	let Verdict::Mismatch(reason) = check(&generator, &steered, &run, 2) else {
		panic!("a steered generation passed")
	};
	assert!(reason.contains(&format!("token {step} ")), "{reason}");
}

/// A sampled request answered with other tokens than its seed picks, even
/// likely ones, fails: the seed fixes the path.
#[test]
fn a_sampled_generation_with_another_seeds_tokens_fails_the_check() {
	let generator = generator();
	let stated = params(10, 1, 1.0);
	let flagged = (2..12)
		.filter(|&seed| {
			let other = generator.generate("hello", &params(10, seed, 1.0)).unwrap();
			!check(&generator, &other, &stated, 1).is_match()
		})
		.count();
	assert!(flagged >= 9, "{flagged} of 10 other seeds' answers flagged");
}
