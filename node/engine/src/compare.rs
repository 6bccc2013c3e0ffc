//! Deciding whether a verifier's own result matches an executor's.
//!
//! Floating-point inference is not bit-identical across CPUs (summation
//! order, SIMD width, fused multiply-add), so numeric outputs are compared
//! with a tolerance, and generated text by checking that each token the
//! executor produced is among the verifier's own top-k choices at that step.

use crate::output::InferenceOutput;

/// How two results are compared (the model's comparison rule).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Comparison {
	/// The canonical encodings must be identical.
	Exact,
	/// Every number may differ by at most this much.
	MaxAbs(f32),
	/// The cosine similarity must be at least `1 - tolerance`.
	Cosine(f32),
	/// Every generated token must be in the verifier's top `k`.
	TokenTopK(u32),
}

/// The outcome of a comparison, with the reason for a mismatch.
#[derive(Clone, Debug, PartialEq)]
pub enum Verdict {
	Match,
	Mismatch(String),
}

impl Verdict {
	pub fn is_match(&self) -> bool {
		matches!(self, Verdict::Match)
	}
}

/// Compares a verifier's own output (`mine`) with the executor's (`theirs`)
/// under a numeric or exact rule. `TokenTopK` needs the teacher-forced check
/// instead: see [`compare_top_k`].
pub fn compare(rule: Comparison, mine: &InferenceOutput, theirs: &InferenceOutput) -> Verdict {
	match rule {
		Comparison::Exact => {
			if mine.canonical_bytes() == theirs.canonical_bytes() {
				Verdict::Match
			} else {
				Verdict::Mismatch("the canonical encodings differ".into())
			}
		},
		Comparison::MaxAbs(tolerance) => compare_numbers(mine, theirs, |a, b| {
			let worst = a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0.0f32, f32::max);
			(worst <= tolerance)
				.then_some(())
				.ok_or_else(|| format!("largest difference {worst} exceeds {tolerance}"))
		}),
		Comparison::Cosine(tolerance) => compare_numbers(mine, theirs, |a, b| {
			let similarity = cosine(a, b);
			(similarity >= 1.0 - tolerance).then_some(()).ok_or_else(|| {
				format!("cosine similarity {similarity} is below {}", 1.0 - tolerance)
			})
		}),
		Comparison::TokenTopK(_) => {
			Verdict::Mismatch("top-k comparison needs the teacher-forced check".into())
		},
	}
}

/// `TokenTopK`: `in_top_k[i]` says whether the executor's `i`-th generated
/// token was among the verifier's own top `k` at that step (from one
/// teacher-forced forward pass over the executor's tokens).
pub fn compare_top_k(in_top_k: &[bool], generated: usize) -> Verdict {
	if in_top_k.len() != generated {
		return Verdict::Mismatch(format!(
			"checked {} tokens of {generated} generated",
			in_top_k.len()
		));
	}
	match in_top_k.iter().position(|inside| !inside) {
		None => Verdict::Match,
		Some(step) => Verdict::Mismatch(format!("token {step} is not in the verifier's top k")),
	}
}

fn compare_numbers(
	mine: &InferenceOutput,
	theirs: &InferenceOutput,
	check: impl Fn(&[f32], &[f32]) -> Result<(), String>,
) -> Verdict {
	if std::mem::discriminant(mine) != std::mem::discriminant(theirs) {
		return Verdict::Mismatch("the outputs are of different kinds".into());
	}
	let (Some(a), Some(b)) = (mine.numbers(), theirs.numbers()) else {
		return Verdict::Mismatch("a numeric rule on a non-numeric output".into());
	};
	if a.len() != b.len() {
		return Verdict::Mismatch(format!("lengths differ: {} and {}", a.len(), b.len()));
	}
	if a.iter().chain(&b).any(|x| !x.is_finite()) {
		return Verdict::Mismatch("an output holds NaN or infinity".into());
	}
	match check(&a, &b) {
		Ok(()) => Verdict::Match,
		Err(reason) => Verdict::Mismatch(reason),
	}
}

/// The cosine similarity of two vectors, accumulated in f64. Two zero
/// vectors are identical (1); a zero and a non-zero vector are not (0).
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
	let (mut dot, mut norm_a, mut norm_b) = (0f64, 0f64, 0f64);
	for (x, y) in a.iter().zip(b) {
		let (x, y) = (f64::from(*x), f64::from(*y));
		dot += x * y;
		norm_a += x * x;
		norm_b += y * y;
	}
	if norm_a == 0.0 && norm_b == 0.0 {
		return 1.0;
	}
	if norm_a == 0.0 || norm_b == 0.0 {
		return 0.0;
	}
	(dot / (norm_a.sqrt() * norm_b.sqrt())) as f32
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::output::OutputDigest;

	/// The same vector summed in another order: what a different CPU gives.
	fn reordered(values: &[f32]) -> Vec<f32> {
		values.iter().map(|v| v + v * 1e-7).collect()
	}

	#[test]
	fn exact_needs_identical_bytes() {
		let a = InferenceOutput::embedding(&[0.1, 0.2]);
		assert!(compare(Comparison::Exact, &a, &a.clone()).is_match());
		let b = InferenceOutput::embedding(&[0.1, 0.2000001]);
		assert!(!compare(Comparison::Exact, &a, &b).is_match());
	}

	#[test]
	fn tolerant_rules_accept_float_noise_and_refuse_real_changes() {
		let honest: Vec<f32> = (0..384).map(|i| ((i as f32) * 0.37).sin()).collect();
		let mine = InferenceOutput::embedding(&honest);
		let other_cpu = InferenceOutput::embedding(&reordered(&honest));
		assert!(compare(Comparison::MaxAbs(1e-4), &mine, &other_cpu).is_match());
		assert!(compare(Comparison::Cosine(1e-4), &mine, &other_cpu).is_match());

		let mut tampered = honest.clone();
		tampered[7] += 0.5;
		let tampered = InferenceOutput::embedding(&tampered);
		assert!(!compare(Comparison::MaxAbs(1e-4), &mine, &tampered).is_match());
		assert!(!compare(Comparison::Cosine(1e-4), &mine, &tampered).is_match());
	}

	#[test]
	fn shapes_kinds_and_nan_are_mismatches() {
		let a = InferenceOutput::embedding(&[1.0, 0.0]);
		assert!(
			!compare(Comparison::Cosine(0.1), &a, &InferenceOutput::embedding(&[1.0])).is_match()
		);
		assert!(!compare(
			Comparison::Cosine(0.1),
			&a,
			&InferenceOutput::classification(&[1.0, 0.0])
		)
		.is_match());
		assert!(!compare(
			Comparison::MaxAbs(1.0),
			&a,
			&InferenceOutput::embedding(&[f32::NAN, 0.0])
		)
		.is_match());
		let text = InferenceOutput::Generation { tokens: vec![1], text: b"a".to_vec() };
		assert!(!compare(Comparison::MaxAbs(1.0), &text, &text).is_match());
	}

	#[test]
	fn top_k_needs_every_token_inside() {
		assert!(compare_top_k(&[true, true, true], 3).is_match());
		assert_eq!(
			compare_top_k(&[true, false, true], 3),
			Verdict::Mismatch("token 1 is not in the verifier's top k".into())
		);
		// A truncated generation is not the same generation.
		assert!(!compare_top_k(&[true, true], 3).is_match());
	}

	#[test]
	fn cosine_of_known_vectors() {
		assert!((cosine(&[1.0, 0.0], &[0.0, 1.0])).abs() < 1e-6);
		assert!((cosine(&[1.0, 2.0], &[2.0, 4.0]) - 1.0).abs() < 1e-6);
		assert_eq!(cosine(&[0.0, 0.0], &[0.0, 0.0]), 1.0);
		assert_eq!(cosine(&[0.0, 0.0], &[1.0, 0.0]), 0.0);
	}

	#[test]
	fn the_digest_is_of_the_canonical_bytes() {
		let output = InferenceOutput::Regression(0.25f32.into());
		assert_eq!(output.canonical_bytes(), [3, 0, 0, 0x80, 0x3e]);
		assert_eq!(output.digest(), crate::blake2_256(&[3, 0, 0, 0x80, 0x3e]));
	}
}
