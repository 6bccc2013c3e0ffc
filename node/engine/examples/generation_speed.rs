//! SmolLM2 generation speed: the median time to generate a fixed number of
//! tokens greedily from one prompt, printed as one JSON line with the
//! prompt's tokens, so that `scripts/bench/generation-vs-llamacpp.sh` can
//! have llama.cpp run exactly the same work on the same GGUF file.
//!
//! ```text
//! cargo run --release -p veritas-engine --example generation_speed -- GGUF [RUNS] [TOKENS]
//! ```
//!
//! The threads are candle's (`RAYON_NUM_THREADS`). A run is the prompt's
//! forward pass and one pass per further token, as the executor's job is;
//! loading the model is not timed.

mod common;

use common::median_ms;
use veritas_engine::{generation::TextGenerator, model::RunParams};

const PROMPT: &str = "Write a long story about the sea.";

fn main() {
	let mut args = std::env::args().skip(1);
	let Some(path) = args.next() else {
		eprintln!("usage: generation_speed GGUF [RUNS] [TOKENS]");
		std::process::exit(2);
	};
	let runs: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(10).max(1);
	let tokens: u32 = args.next().and_then(|t| t.parse().ok()).unwrap_or(32);
	let gguf = std::fs::read(&path).unwrap_or_else(|error| {
		eprintln!("{path}: {error}");
		std::process::exit(1);
	});
	let model = TextGenerator::load(&gguf).unwrap_or_else(|error| {
		eprintln!("SmolLM2: {error}");
		std::process::exit(1);
	});
	let prompt = model.prompt_tokens(PROMPT).expect("the prompt tokenizes");
	// Greedy, so that every run generates the same tokens.
	let params = RunParams { max_new_tokens: tokens, ..Default::default() };
	let mut generated = 0;
	let median_ms = median_ms(runs, || {
		generated = model.generate(PROMPT, &params).expect("generates").len();
	});
	println!(
		"{{\"engine\": \"veritas\", \"threads\": {}, \"prompt_tokens\": {prompt:?}, \"generated\": {generated}, \"median_ms\": {median_ms:.1}, \"tokens_per_second\": {:.2}}}",
		candle_core::utils::get_num_threads(),
		generated as f64 * 1000.0 / median_ms
	);
}
