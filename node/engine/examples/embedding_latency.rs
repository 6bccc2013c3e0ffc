//! Median MiniLM latency at batch 1 and 32, printed as one JSON line: the
//! Rust half of `scripts/bench/engine-vs-pytorch.sh`, which runs the same
//! measurement over the same weights in PyTorch.
//!
//! ```text
//! cargo run --release -p veritas-engine --example embedding_latency -- MODEL_DIR [RUNS]
//! ```

mod common;

use common::{fail, median_ms, path_and_runs, read};
use veritas_engine::embedding::TextEmbedder;

const SENTENCE: &str = "A man is eating a piece of bread in the park on a sunny afternoon.";

fn main() {
	let (dir, runs) = path_and_runs("embedding_latency MODEL_DIR [RUNS]", 30);
	let read = |name: &str| read(&dir, name);
	let model = TextEmbedder::load(
		&read("config.json"),
		&read("tokenizer.json"),
		read("model.safetensors"),
	)
	.unwrap_or_else(|error| fail(format!("MiniLM: {error}")));
	let batch_1 = vec![SENTENCE];
	let batch_32 = vec![SENTENCE; 32];
	let one = median_ms(runs, || {
		model.embed(&batch_1).expect("embeds");
	});
	let thirty_two = median_ms(runs, || {
		model.embed(&batch_32).expect("embeds");
	});
	println!(
		"{{\"engine\": \"veritas\", \"threads\": {}, \"batch_1_ms\": {one:.3}, \"batch_32_ms\": {thirty_two:.3}}}",
		candle_core::utils::get_num_threads()
	);
}
