//! The sampler executors decode with, and the check verifiers replay it with.
//!
//! A request states its sampler: temperature (0 is greedy), top-k, top-p and
//! a seed. Both sides draw the same uniform number for each step from the
//! seed ([`Sampler::uniform`]), so a verifier that computes the same
//! probabilities knows which token the executor had to pick. It never
//! computes exactly the same: floats differ across CPUs, thread counts, and
//! between the executor's step-by-step pass (with a key/value cache) and the
//! verifier's single teacher-forced pass. So the check allows
//! [`Tolerance`]: a greedy token may trail the best by a small logit margin
//! (a near-tie), and a sampled token's slice of the cumulative distribution
//! may be off by a small probability margin. Both margins are measured
//! (`scripts/bench/generation-checks.sh`), not guessed.
//!
//! Within the kept candidates, the cumulative distribution runs in token-id
//! order, not in order of likelihood: two near-equal logits that swap places
//! on the verifier's side would otherwise move every slice after them.

use crate::{digest::blake2_256, model::RunParams};

/// How far a verifier's numbers may be from the executor's.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tolerance {
	/// A greedy token may trail the verifier's best logit by this much.
	pub logit: f32,
	/// A sampled token's slice of the cumulative distribution may be off by
	/// this much at either end.
	pub probability: f64,
}

impl Default for Tolerance {
	/// About 65 times the largest differences measured between an
	/// executor's step-by-step pass (decoding from the GGUF blocks) and a
	/// verifier's teacher-forced pass on another thread count, over 400
	/// SmolLM2 generations on two CPUs and their kernels (logits within
	/// 1.53·10⁻⁴, slices within 9.6·10⁻⁶; docs/verification.md). The
	/// headroom is for other CPUs' kernels, which one machine cannot
	/// measure.
	fn default() -> Self {
		Self { logit: 0.01, probability: 1e-3 }
	}
}

/// The sampler a request states.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sampler {
	temperature: f32,
	/// 0 keeps every token.
	top_k: usize,
	/// 0 or at least 1 keeps every token.
	top_p: f64,
	seed: u64,
}

impl Sampler {
	pub fn new(params: &RunParams) -> Self {
		Self {
			temperature: params.temperature.max(0.0),
			top_k: params.top_k as usize,
			top_p: f64::from(params.top_p),
			seed: params.seed,
		}
	}

	pub fn is_greedy(&self) -> bool {
		self.temperature <= 0.0
	}

	/// The number in `[0, 1)` that picks the token at `step` (the first
	/// generated token is step 0).
	pub fn uniform(&self, step: usize) -> f64 {
		let mut subject = b"veritas/sampler".to_vec();
		subject.extend_from_slice(&self.seed.to_le_bytes());
		subject.extend_from_slice(&(step as u64).to_le_bytes());
		let hash = blake2_256(&subject);
		let mut first = [0u8; 8];
		first.copy_from_slice(&hash[..8]);
		// 53 bits: every value is an exact f64.
		(u64::from_le_bytes(first) >> 11) as f64 / (1u64 << 53) as f64
	}

	/// The token the executor picks at `step` from these logits.
	pub fn pick(&self, logits: &[f32], step: usize) -> u32 {
		if self.is_greedy() {
			return argmax(logits);
		}
		let slices = self.slices(logits, None);
		let target = self.uniform(step);
		slices
			.iter()
			.find(|slice| target < slice.end)
			.or(slices.last())
			.map_or_else(|| argmax(logits), |slice| slice.token)
	}

	/// Whether `token` at `step` is what this sampler could have picked from
	/// logits within `tolerance` of these. `rank_cap` bounds a greedy
	/// token's rank (0 for none).
	pub fn accepts(
		&self,
		logits: &[f32],
		step: usize,
		token: u32,
		tolerance: Tolerance,
		rank_cap: usize,
	) -> bool {
		let Some(&chosen) = logits.get(token as usize) else { return false };
		if !chosen.is_finite() {
			return false;
		}
		if self.is_greedy() {
			let best = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
			let above = logits.iter().filter(|&&logit| logit > chosen).count();
			return chosen >= best - tolerance.logit && (rank_cap == 0 || above < rank_cap);
		}
		let slices = self.slices(logits, Some((token, tolerance.logit)));
		let Some(slice) = slices.iter().find(|slice| slice.token == token) else {
			return false;
		};
		let target = self.uniform(step);
		slice.start - tolerance.probability <= target && target < slice.end + tolerance.probability
	}

	/// The kept candidates' slices of `[0, 1)`, in token-id order. `also`
	/// keeps one more token if its logit is within a margin of the cut (a
	/// verifier's near-boundary case).
	fn slices(&self, logits: &[f32], also: Option<(u32, f32)>) -> Vec<Slice> {
		let kept = self.kept(logits, also);
		let mut start = 0.0;
		kept.iter()
			.zip(self.probabilities(logits, &kept))
			.map(|(&token, probability)| {
				let end = start + probability;
				let slice = Slice { token, start, end };
				start = end;
				slice
			})
			.collect()
	}

	/// The softmax at this temperature over `tokens` alone.
	fn probabilities(&self, logits: &[f32], tokens: &[u32]) -> Vec<f64> {
		let best = tokens.iter().map(|&token| logits[token as usize]).fold(f32::MIN, f32::max);
		let temperature = f64::from(self.temperature);
		let weights: Vec<f64> = tokens
			.iter()
			.map(|&token| {
				((f64::from(logits[token as usize]) - f64::from(best)) / temperature).exp()
			})
			.collect();
		let total: f64 = weights.iter().sum();
		weights.into_iter().map(|weight| weight / total).collect()
	}

	/// The tokens top-k and top-p keep, in token-id order.
	fn kept(&self, logits: &[f32], also: Option<(u32, f32)>) -> Vec<u32> {
		let finite = |token: &u32| logits[*token as usize].is_finite();
		let all = || (0..logits.len() as u32).filter(finite).collect::<Vec<u32>>();
		let nucleus = self.top_p > 0.0 && self.top_p < 1.0;
		if self.top_k == 0 && !nucleus {
			return all();
		}
		// Most likely first; equal logits by token id, so both sides agree.
		let mut ranked = all();
		let by_likelihood =
			|a: &u32, b: &u32| logits[*b as usize].total_cmp(&logits[*a as usize]).then(a.cmp(b));
		if self.top_k > 0 && self.top_k < ranked.len() {
			ranked.select_nth_unstable_by(self.top_k - 1, by_likelihood);
			ranked.truncate(self.top_k);
		}
		ranked.sort_by(by_likelihood);
		if nucleus {
			let mut cumulative = 0.0;
			let mut keep = ranked.len();
			for (index, probability) in self.probabilities(logits, &ranked).iter().enumerate() {
				cumulative += probability;
				if cumulative >= self.top_p {
					keep = index + 1;
					break;
				}
			}
			ranked.truncate(keep);
		}
		if let Some((token, margin)) = also {
			let cut = ranked.last().map_or(f32::NEG_INFINITY, |&last| logits[last as usize]);
			let near = logits.get(token as usize).is_some_and(|&logit| logit >= cut - margin);
			if near && !ranked.contains(&token) {
				ranked.push(token);
			}
		}
		ranked.sort_unstable();
		ranked
	}
}

/// One candidate's share of `[0, 1)`.
#[derive(Clone, Copy, Debug)]
struct Slice {
	token: u32,
	start: f64,
	end: f64,
}

/// The first index of the largest finite logit (0 if there is none).
pub fn argmax(logits: &[f32]) -> u32 {
	let mut best: Option<usize> = None;
	for (index, logit) in logits.iter().enumerate() {
		if logit.is_finite() && best.is_none_or(|best| *logit > logits[best]) {
			best = Some(index);
		}
	}
	best.unwrap_or(0) as u32
}

#[cfg(test)]
mod tests {
	use super::*;

	fn sampler(temperature: f32, top_k: u32, top_p: f32, seed: u64) -> Sampler {
		Sampler::new(&RunParams { max_new_tokens: 8, seed, temperature, top_k, top_p })
	}

	const LOGITS: [f32; 6] = [1.0, 3.0, 2.5, -1.0, 3.0, 0.0];

	#[test]
	fn greedy_picks_the_first_best_and_accepts_near_ties_only() {
		let greedy = sampler(0.0, 0, 0.0, 1);
		assert_eq!(greedy.pick(&LOGITS, 0), 1);
		let tolerance = Tolerance { logit: 0.1, probability: 0.0 };
		assert!(greedy.accepts(&LOGITS, 0, 1, tolerance, 0));
		assert!(greedy.accepts(&LOGITS, 0, 4, tolerance, 0), "an exact tie");
		assert!(!greedy.accepts(&LOGITS, 0, 2, tolerance, 0), "0.5 behind the best");
		assert!(greedy.accepts(&LOGITS, 0, 2, Tolerance { logit: 0.6, ..tolerance }, 0));
		assert!(!greedy.accepts(&LOGITS, 0, 2, Tolerance { logit: 0.6, ..tolerance }, 2));
		assert!(!greedy.accepts(&LOGITS, 0, 9, tolerance, 0), "no such token");
	}

	#[test]
	fn the_uniform_numbers_are_fixed_by_seed_and_step() {
		let one = sampler(1.0, 0, 0.0, 7);
		assert_eq!(one.uniform(3), sampler(0.5, 2, 0.9, 7).uniform(3));
		assert_ne!(one.uniform(3), one.uniform(4));
		assert_ne!(one.uniform(3), sampler(1.0, 0, 0.0, 8).uniform(3));
		let mean = (0..10_000).map(|step| one.uniform(step)).sum::<f64>() / 10_000.0;
		assert!((mean - 0.5).abs() < 0.01, "{mean}");
	}

	#[test]
	fn sampling_follows_the_distribution() {
		let hot = sampler(1.0, 0, 0.0, 3);
		let mut counts = [0usize; 6];
		for step in 0..20_000 {
			counts[hot.pick(&LOGITS, step) as usize] += 1;
		}
		let total: f64 = LOGITS.iter().map(|l| f64::from(*l).exp()).sum();
		for (token, count) in counts.iter().enumerate() {
			let expected = f64::from(LOGITS[token]).exp() / total * 20_000.0;
			assert!((*count as f64 - expected).abs() < 5.0 * expected.sqrt() + 5.0, "{counts:?}");
		}
	}

	#[test]
	fn top_k_and_top_p_cut_the_tail() {
		let top2 = sampler(1.0, 2, 0.0, 5);
		let nucleus = sampler(1.0, 0, 0.5, 5);
		for step in 0..2_000 {
			assert!([1, 4].contains(&top2.pick(&LOGITS, step)));
			// The two 3.0s hold 0.64 of the mass: top-p 0.5 keeps them.
			assert!([1, 4].contains(&nucleus.pick(&LOGITS, step)));
		}
	}

	#[test]
	fn a_verifier_accepts_what_it_would_have_picked_and_nothing_else() {
		let tolerance = Tolerance::default();
		for (temperature, top_k, top_p) in [(1.0, 0, 0.0), (0.7, 3, 0.0), (1.3, 0, 0.9)] {
			let sampler = sampler(temperature, top_k, top_p, 11);
			for step in 0..500 {
				let picked = sampler.pick(&LOGITS, step);
				assert!(sampler.accepts(&LOGITS, step, picked, tolerance, 0));
				// With slightly different numbers too.
				let noisy: Vec<f32> =
					LOGITS.iter().enumerate().map(|(i, l)| l + 1e-4 * i as f32).collect();
				assert!(sampler.accepts(&noisy, step, picked, tolerance, 0));
				// Another token whose slice is far from the draw is refused.
				let refused = (0..6u32)
					.filter(|&token| token != picked)
					.filter(|&token| !sampler.accepts(&LOGITS, step, token, tolerance, 0))
					.count();
				assert!(refused >= 1, "step {step}");
			}
		}
	}

	#[test]
	fn non_finite_logits_are_never_picked_or_accepted() {
		let logits = [f32::NAN, 1.0, f32::NEG_INFINITY, 0.5];
		let hot = sampler(1.0, 0, 0.0, 2);
		for step in 0..200 {
			assert!([1, 3].contains(&hot.pick(&logits, step)));
		}
		assert!(!hot.accepts(&logits, 0, 0, Tolerance::default(), 0));
	}
}
