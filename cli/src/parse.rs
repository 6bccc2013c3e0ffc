//! The command line's small languages: amounts, tasks, policies, inputs.

use codec::Encode;
use veritas_primitives::{
	currency::VRT,
	inference::F32Bits,
	model::{ComparisonRule, InputShape, TaskKind, Tolerance, VerificationPolicy, MAX_INPUT_RANK},
	Balance, BlockNumber,
};

/// `1.5` VRT → units.
/// The account a status command shows: `text` (SS58) if given, otherwise
/// the signing account's.
pub fn account_or_signer(
	text: Option<&str>,
	signer: impl FnOnce() -> Result<sp_core::sr25519::Pair, String>,
) -> Result<veritas_primitives::AccountId, String> {
	use sp_core::Pair;
	match text {
		Some(text) => text.parse().map_err(|_| format!("bad account {text}")),
		None => Ok(signer()?.public().into()),
	}
}

pub fn amount(text: &str) -> Result<Balance, String> {
	let bad = || format!("bad amount {text:?}: VRT, like 1 or 0.25");
	let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
	if fraction.len() > 12 || (whole.is_empty() && fraction.is_empty()) {
		return Err(bad());
	}
	let whole: Balance = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| bad())? };
	let fraction: Balance = if fraction.is_empty() {
		0
	} else {
		format!("{fraction:0<12}").parse().map_err(|_| bad())?
	};
	whole.checked_mul(VRT).and_then(|units| units.checked_add(fraction)).ok_or_else(bad)
}

/// Units → `1.5 VRT`.
pub fn vrt(units: Balance) -> String {
	let fraction = format!("{:012}", units % VRT);
	let fraction = fraction.trim_end_matches('0');
	match fraction.is_empty() {
		true => format!("{} VRT", units / VRT),
		false => format!("{}.{fraction} VRT", units / VRT),
	}
}

fn numbers<const N: usize>(text: &str, parts: &[&str]) -> Result<[u32; N], String> {
	let values: Vec<u32> = parts.iter().filter_map(|part| part.parse().ok()).collect();
	values.try_into().map_err(|_| format!("bad numbers in {text:?}"))
}

/// `embedding:384`, `generation:2048:64`, `classification:6:2`, `regression:6`,
/// `numeric-embedding:64:16`.
pub fn task(text: &str) -> Result<TaskKind, String> {
	let parts: Vec<&str> = text.split(':').collect();
	Ok(match parts[0] {
		"embedding" => {
			let [dim] = numbers(text, &parts[1..])?;
			TaskKind::TextEmbedding { dim }
		},
		"generation" => {
			let [max_context, max_new_tokens] = numbers(text, &parts[1..])?;
			TaskKind::TextGeneration { max_context, max_new_tokens }
		},
		"classification" => {
			let [inputs, classes] = numbers(text, &parts[1..])?;
			TaskKind::TabularClassification { inputs, classes }
		},
		"regression" => {
			let [inputs] = numbers(text, &parts[1..])?;
			TaskKind::TabularRegression { inputs }
		},
		"numeric-embedding" => {
			let [inputs, dim] = numbers(text, &parts[1..])?;
			TaskKind::TabularEmbedding { inputs, dim }
		},
		_ => {
			return Err(format!(
				"bad task {text:?}: embedding:DIM, generation:CONTEXT:MAX_TOKENS, \
				 classification:INPUTS:CLASSES, regression:INPUTS or \
				 numeric-embedding:INPUTS:DIM"
			))
		},
	})
}

/// An ONNX graph's input shape: `1,1,8,8`.
pub fn input_shape(text: &str) -> Result<InputShape, String> {
	let dims = text
		.split(',')
		.map(|dim| dim.trim().parse::<u32>().ok().filter(|dim| *dim > 0))
		.collect::<Option<Vec<u32>>>()
		.ok_or_else(|| format!("bad input shape {text:?}: positive numbers, like 1,1,8,8"))?;
	InputShape::try_from(dims)
		.map_err(|_| format!("bad input shape {text:?}: at most {MAX_INPUT_RANK} dimensions"))
}

/// `quorum:K:N`, `optimistic:WINDOW_BLOCKS:BOND_VRT`, `sampled:PERMILL:K:N`.
pub fn policy(text: &str) -> Result<VerificationPolicy<Balance, BlockNumber>, String> {
	let parts: Vec<&str> = text.split(':').collect();
	let small =
		|value: u32| u8::try_from(value).map_err(|_| format!("{value} is too large in {text:?}"));
	Ok(match parts[0] {
		"quorum" => {
			let [k, n] = numbers(text, &parts[1..])?;
			VerificationPolicy::Quorum { k: small(k)?, n: small(n)? }
		},
		"optimistic" if parts.len() == 3 => VerificationPolicy::Optimistic {
			window_blocks: parts[1].parse().map_err(|_| format!("bad window in {text:?}"))?,
			challenge_bond: amount(parts[2])?,
		},
		"sampled" => {
			let [permill, k, n] = numbers(text, &parts[1..])?;
			VerificationPolicy::Sampled {
				permill: sp_runtime_permill(permill)?,
				k: small(k)?,
				n: small(n)?,
			}
		},
		_ => {
			return Err(format!(
				"bad policy {text:?}: quorum:K:N, optimistic:WINDOW_BLOCKS:BOND or sampled:PERMILL:K:N"
			))
		},
	})
}

fn sp_runtime_permill(permill: u32) -> Result<sp_runtime::Permill, String> {
	(permill <= 1_000_000)
		.then(|| sp_runtime::Permill::from_parts(permill))
		.ok_or_else(|| format!("{permill} is more than a million parts"))
}

/// `exact`, `maxabs:MILLIONTHS`, `cosine:MILLIONTHS`, `topk:K`.
pub fn rule(text: &str) -> Result<ComparisonRule, String> {
	let parts: Vec<&str> = text.split(':').collect();
	let value = || -> Result<u32, String> {
		parts.get(1).and_then(|v| v.parse().ok()).ok_or_else(|| format!("bad rule {text:?}"))
	};
	Ok(match parts[0] {
		"exact" => ComparisonRule::Exact,
		"maxabs" => ComparisonRule::MaxAbs(Tolerance(value()?)),
		"cosine" => ComparisonRule::Cosine(Tolerance(value()?)),
		"topk" => ComparisonRule::TokenTopK(value()?),
		_ => {
			return Err(format!(
				"bad rule {text:?}: exact, maxabs:MILLIONTHS, cosine:MILLIONTHS or topk:K"
			))
		},
	})
}

/// A request's input bytes for `task`: text as it is, or comma-separated
/// numbers for models that take numbers (an image's pixels in row-major
/// order, for one). `@FILE` reads the text from a file.
pub fn input(text: &str, task: &str) -> Result<Vec<u8>, String> {
	let text = match text.strip_prefix('@') {
		Some(path) => std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?,
		None => text.to_string(),
	};
	match task {
		"classification" | "regression" | "numeric-embedding" => {
			// No numbers at all is fine: a feed may give the only feature.
			if text.trim().is_empty() {
				return Ok(Vec::<F32Bits>::new().encode());
			}
			let values = text
				.split(',')
				.map(|value| value.trim().parse::<f32>().map(F32Bits::from))
				.collect::<Result<Vec<_>, _>>()
				.map_err(|_| format!("a tabular model takes numbers like 28,0.62,590: {text:?}"))?;
			Ok(values.encode())
		},
		_ => Ok(text.into_bytes()),
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn amounts_round_trip() {
		assert_eq!(amount("1").unwrap(), VRT);
		assert_eq!(amount("0.25").unwrap(), VRT / 4);
		assert_eq!(amount(".5").unwrap(), VRT / 2);
		assert!(amount("1.0000000000001").is_err());
		assert!(amount("one").is_err());
		assert!(amount("").is_err());
		assert_eq!(vrt(VRT / 4), "0.25 VRT");
		assert_eq!(vrt(3 * VRT), "3 VRT");
	}

	#[test]
	fn tasks_policies_and_rules_parse_or_say_why() {
		assert_eq!(
			task("classification:6:2").unwrap(),
			TaskKind::TabularClassification { inputs: 6, classes: 2 }
		);
		assert_eq!(
			task("generation:2048:64").unwrap(),
			TaskKind::TextGeneration { max_context: 2048, max_new_tokens: 64 }
		);
		assert!(task("embedding").unwrap_err().contains("bad numbers"));
		assert!(task("poetry:1").unwrap_err().contains("bad task"));
		assert_eq!(
			task("numeric-embedding:64:16").unwrap(),
			TaskKind::TabularEmbedding { inputs: 64, dim: 16 }
		);
		assert_eq!(input_shape("1,1,8,8").unwrap().into_inner(), vec![1, 1, 8, 8]);
		assert_eq!(input_shape(" 64 ").unwrap().into_inner(), vec![64]);
		assert!(input_shape("1,0,8").unwrap_err().contains("positive"));
		assert!(input_shape("1,x").unwrap_err().contains("positive"));
		assert!(input_shape("1,1,1,1,1,1,1").unwrap_err().contains("at most 6"));
		assert_eq!(policy("quorum:2:3").unwrap(), VerificationPolicy::Quorum { k: 2, n: 3 });
		assert_eq!(
			policy("optimistic:40:10").unwrap(),
			VerificationPolicy::Optimistic { window_blocks: 40, challenge_bond: 10 * VRT }
		);
		assert!(policy("quorum:2:300").is_err());
		assert_eq!(rule("cosine:1000").unwrap(), ComparisonRule::Cosine(Tolerance(1000)));
		assert!(rule("cosine").is_err());
	}

	#[test]
	fn tabular_inputs_are_encoded_numbers() {
		let bytes = input("1.5, 2", "regression").unwrap();
		assert_eq!(bytes, vec![F32Bits::from(1.5f32), F32Bits::from(2.0f32)].encode());
		assert!(input("a,b", "classification").is_err());
		assert_eq!(input("hello", "embedding").unwrap(), b"hello".to_vec());
	}
}
