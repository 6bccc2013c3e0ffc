//! How often the verifier's generation check flags an honest executor, and
//! how often it catches a dishonest one, on real SmolLM2 weights.
//!
//! For each of `COUNT` prompts, at temperature 0 and at 1.0 (a different
//! seed each time), the executor generates step by step (with its key/value
//! cache) on the threads it was started with; then the verifier checks every
//! answer in one teacher-forced pass on one thread. Printed, as one JSON
//! line per temperature:
//! - false flags of honest answers under the default tolerance;
//! - the largest logit and cumulative-probability differences seen between
//!   the two sides for the executor's tokens (what the tolerance must cover);
//! - how many steered (greedy: the runner-up at one step; sampled: another
//!   seed's answer), truncated and empty answers were flagged.
//!
//! Run by `scripts/bench/generation-checks.sh`.

use std::{path::PathBuf, time::Instant};

use veritas_engine::{
	compare::Verdict,
	generation::TextGenerator,
	model::{Model, RunParams},
	sampling::{argmax, Sampler},
};

const TOPICS: [&str; 20] = [
	"the sea",
	"a city at night",
	"bread",
	"the moon",
	"a lost key",
	"rain",
	"chess",
	"a lighthouse",
	"bees",
	"a train journey",
	"winter",
	"a robot",
	"music",
	"a garden",
	"mountains",
	"a library",
	"coffee",
	"a storm",
	"friendship",
	"the desert",
];

const FORMS: [&str; 10] = [
	"Write a short story about {}.",
	"Describe {} in three sentences.",
	"What is interesting about {}?",
	"Write a poem about {}.",
	"Explain {} to a child.",
	"List three facts about {}.",
	"Tell me a joke about {}.",
	"Why do people like {}?",
	"Write a diary entry about {}.",
	"Give advice about {}.",
];

fn prompts(count: usize) -> Vec<String> {
	FORMS
		.iter()
		.flat_map(|form| TOPICS.iter().map(move |topic| form.replace("{}", topic)))
		.take(count)
		.collect()
}

fn check(model: &TextGenerator, prompt: &str, tokens: &[u32], params: &RunParams) -> bool {
	let text = model.decode(tokens).expect("decodes");
	let verdict =
		model.check_generation(prompt, tokens, text.as_bytes(), params, 5).expect("checks");
	verdict == Verdict::Match
}

/// Where `token`'s slice of the cumulative distribution starts, for a
/// sampler that keeps every token (token-id order, as [`Sampler`] lays it).
fn slice_start(logits: &[f32], token: u32, temperature: f32) -> f64 {
	let best = logits.iter().copied().fold(f32::MIN, f32::max);
	let weights: Vec<f64> =
		logits.iter().map(|&l| (f64::from(l - best) / f64::from(temperature)).exp()).collect();
	let total: f64 = weights.iter().sum();
	weights[..token as usize].iter().sum::<f64>() / total
}

#[derive(Default)]
struct Tally {
	honest: usize,
	false_flags: usize,
	max_logit_difference: f32,
	max_probability_difference: f64,
	steered: usize,
	steered_flagged: usize,
	truncated: usize,
	truncated_flagged: usize,
	empty_flagged: usize,
	generate_seconds: f64,
	check_seconds: f64,
}

fn main() {
	let mut args = std::env::args().skip(1);
	let path = PathBuf::from(args.next().expect("the SmolLM2 GGUF file"));
	let count: usize = args.next().map_or(200, |text| text.parse().expect("a count"));
	let tokens: u32 = args.next().map_or(24, |text| text.parse().expect("a token count"));
	let executor_threads = std::env::var("RAYON_NUM_THREADS").unwrap_or_else(|_| "default".into());
	let model = TextGenerator::load(&std::fs::read(path).expect("readable")).expect("loads");
	let prompts = prompts(count.min(TOPICS.len() * FORMS.len()));

	for temperature in [0.0f32, 1.0] {
		let mut tally = Tally::default();
		// The executor: step by step, on its own threads.
		std::env::set_var("RAYON_NUM_THREADS", &executor_threads);
		let mut answers = Vec::new();
		for (index, prompt) in prompts.iter().enumerate() {
			let params = RunParams {
				max_new_tokens: tokens,
				seed: index as u64,
				temperature,
				..Default::default()
			};
			let mut rows = Vec::new();
			let started = Instant::now();
			let answer = model
				.generate_observed(prompt, &params, |logits| rows.push(logits.to_vec()))
				.expect("generates");
			tally.generate_seconds += started.elapsed().as_secs_f64();
			answers.push((prompt, params, answer, rows));
		}
		// The verifier: one teacher-forced pass, on one thread.
		std::env::set_var("RAYON_NUM_THREADS", "1");
		for (prompt, params, answer, executor_rows) in &answers {
			let started = Instant::now();
			tally.honest += 1;
			if !check(&model, prompt, answer, params) {
				tally.false_flags += 1;
				eprintln!("false flag: {prompt:?} at {temperature}");
			}
			tally.check_seconds += started.elapsed().as_secs_f64();
			let verifier_rows = model.step_logits(prompt, answer).expect("scores");
			let sampler = Sampler::new(params);
			let chosen = answer.iter().copied().chain(std::iter::once(u32::MAX));
			for ((mine, theirs), token) in verifier_rows.iter().zip(executor_rows).zip(chosen) {
				let token = if token == u32::MAX { argmax(theirs) } else { token };
				let difference = (mine[token as usize] - theirs[token as usize]).abs();
				tally.max_logit_difference = tally.max_logit_difference.max(difference);
				if !sampler.is_greedy() {
					let moved = (slice_start(mine, token, temperature)
						- slice_start(theirs, token, temperature))
					.abs();
					tally.max_probability_difference = tally.max_probability_difference.max(moved);
				}
			}
			// Dishonest answers.
			if sampler.is_greedy() {
				if let Some(step) = widest_lead(&verifier_rows, answer) {
					let mut steered = answer.clone();
					steered[step] = runner_up(&verifier_rows[step], answer[step]);
					tally.steered += 1;
					tally.steered_flagged += usize::from(!check(&model, prompt, &steered, params));
				}
			} else {
				let other = RunParams { seed: params.seed + 1_000_000, ..*params };
				let forged = model.generate(prompt, &other).expect("generates");
				if &forged != answer {
					tally.steered += 1;
					tally.steered_flagged += usize::from(!check(&model, prompt, &forged, params));
				}
			}
			if answer.len() >= 2 {
				tally.truncated += 1;
				let cut = &answer[..answer.len() / 2];
				tally.truncated_flagged += usize::from(!check(&model, prompt, cut, params));
			}
			tally.empty_flagged += usize::from(!check(&model, prompt, &[], params));
		}
		println!(
			"{{\"temperature\": {temperature}, \"honest\": {}, \"false_flags\": {}, \
			 \"max_logit_difference\": {:e}, \"max_probability_difference\": {:e}, \
			 \"steered\": {}, \"steered_flagged\": {}, \"truncated\": {}, \
			 \"truncated_flagged\": {}, \"empty_flagged\": {}, \
			 \"check_over_generation\": {:.3}, \"executor_threads\": \"{executor_threads}\", \
			 \"verifier_threads\": 1}}",
			tally.honest,
			tally.false_flags,
			tally.max_logit_difference,
			tally.max_probability_difference,
			tally.steered,
			tally.steered_flagged,
			tally.truncated,
			tally.truncated_flagged,
			tally.empty_flagged,
			tally.check_seconds / tally.generate_seconds,
		);
	}
}

/// The step where the chosen token leads the next best the most: where a
/// steered answer is plainest.
fn widest_lead(rows: &[Vec<f32>], answer: &[u32]) -> Option<usize> {
	answer
		.iter()
		.enumerate()
		.map(|(step, &token)| {
			let row = &rows[step];
			let next = row[runner_up(row, token) as usize];
			(step, row[token as usize] - next)
		})
		.max_by(|a, b| a.1.total_cmp(&b.1))
		.map(|(step, _)| step)
}

/// The most likely token other than `token`.
fn runner_up(row: &[f32], token: u32) -> u32 {
	let mut best: Option<usize> = None;
	for (index, logit) in row.iter().enumerate() {
		if index as u32 != token && best.is_none_or(|best| *logit > row[best]) {
			best = Some(index);
		}
	}
	best.unwrap_or(0) as u32
}
