//! Engine latency on the real weights in `VERITAS_MODELS`
//! (`scripts/fetch-models.sh` prints the directory):
//!
//! ```text
//! VERITAS_MODELS=... cargo bench -p veritas-engine --bench engine
//! ```
//!
//! - MiniLM embedding at batch 1 and batch 32, and 32 with one long text;
//! - SmolLM2 generating 32 tokens (throughput in tokens), and the verifier's
//!   teacher-forced check of the same 32 tokens;
//! - the loan-risk MLP, which needs no download.
//!
//! candle computes with `RAYON_NUM_THREADS` threads (every core by default).

use std::{path::PathBuf, time::Duration};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use veritas_engine::{
	embedding::TextEmbedder,
	generation::TextGenerator,
	mlp::{Mlp, MlpConfig},
	model::{Input, Model, RunParams},
};

const SENTENCE: &str = "A man is eating a piece of bread in the park on a sunny afternoon.";
const PROMPT: &str = "Write a short poem about the sea.";

fn models_dir() -> Option<PathBuf> {
	let dir = PathBuf::from(std::env::var_os("VERITAS_MODELS")?);
	dir.join("all-minilm-l6-v2/model.safetensors").exists().then_some(dir)
}

fn minilm(c: &mut Criterion) {
	let Some(dir) = models_dir() else {
		eprintln!("MiniLM skipped: set VERITAS_MODELS (scripts/fetch-models.sh prints it)");
		return;
	};
	let dir = dir.join("all-minilm-l6-v2");
	let read = |name: &str| std::fs::read(dir.join(name)).expect("model file");
	let model = TextEmbedder::load(
		&read("config.json"),
		&read("tokenizer.json"),
		read("model.safetensors"),
	)
	.expect("MiniLM loads");
	let mut group = c.benchmark_group("minilm");
	group.sample_size(20).measurement_time(Duration::from_secs(10));
	for batch in [1usize, 32] {
		let texts = vec![SENTENCE; batch];
		group.throughput(Throughput::Elements(batch as u64));
		group.bench_function(format!("embed_batch_{batch}"), |b| {
			b.iter(|| model.embed(&texts).expect("embeds"))
		});
	}
	// 31 short texts and a long one: a padded batch would run 32 long ones.
	let long = SENTENCE.repeat(12);
	let mut mixed = vec![SENTENCE; 31];
	mixed.push(&long);
	group.throughput(Throughput::Elements(mixed.len() as u64));
	group.bench_function("embed_batch_32_one_long", |b| {
		b.iter(|| model.embed(&mixed).expect("embeds"))
	});
	group.finish();
}

fn smollm2(c: &mut Criterion) {
	let Some(dir) = models_dir() else {
		eprintln!("SmolLM2 skipped: set VERITAS_MODELS");
		return;
	};
	let gguf = std::fs::read(dir.join("smollm2-135m-instruct/SmolLM2-135M-Instruct.Q4_1.gguf"))
		.expect("SmolLM2 file");
	let model = TextGenerator::load(&gguf).expect("SmolLM2 loads");
	// A fixed 32-token answer: sampling with a fixed seed never stops early
	// on this prompt, so every run generates the same 32 tokens.
	let params = RunParams { max_new_tokens: 32, seed: 7, temperature: 0.7, ..Default::default() };
	let tokens = model.generate(PROMPT, &params).expect("generates");
	let mut group = c.benchmark_group("smollm2");
	group.sample_size(10).measurement_time(Duration::from_secs(20));
	group.throughput(Throughput::Elements(tokens.len() as u64));
	group.bench_function(format!("generate_{}_tokens", tokens.len()), |b| {
		b.iter(|| model.generate(PROMPT, &params).expect("generates"))
	});
	group.bench_function(format!("check_{}_tokens_top_5", tokens.len()), |b| {
		b.iter(|| model.score(PROMPT, &tokens, 5).expect("scores"))
	});
	group.finish();
}

fn loan_risk(c: &mut Criterion) {
	let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/loan-risk");
	let read = |name: &str| std::fs::read(dir.join(name)).expect("fixture file");
	let config = MlpConfig::from_json(&read("config.json")).expect("fixture config");
	let model = Mlp::load(config, read("model.safetensors")).expect("fixture model");
	let applicant = [28.0, 0.62, 590.0, 45.0, 1.0, 1.0];
	c.bench_function("loan_risk/score", |b| {
		b.iter(|| model.run(Input::Numbers(&applicant), &RunParams::default()).expect("runs"))
	});
}

criterion_group!(benches, minilm, smollm2, loan_risk);
criterion_main!(benches);
