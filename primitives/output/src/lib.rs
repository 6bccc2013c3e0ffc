//! A model's output in canonical form, written once for everyone who handles
//! it: the engine produces it, executors commit to its digest, the chain
//! decodes it to check its shape and to count the tokens it pays for, and
//! verifiers compare theirs with the executor's.
//!
//! The canonical encoding is SCALE, with every `f32` written as its
//! little-endian bits ([`F32Bits`]), so that a number goes on-chain and into
//! a digest exactly as the model computed it. The digest is the blake2-256
//! of those bytes.
//!
//! This crate knows neither the chain nor the engine: the runtime checks an
//! output against its model's task in `veritas_primitives::inference`, and
//! the engine digests and compares outputs in `veritas_engine`.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

use alloc::{vec, vec::Vec};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// An `f32` by its bit pattern. SCALE writes it as a little-endian `u32`,
/// which is the same four bytes as the little-endian float.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub struct F32Bits(pub u32);

impl F32Bits {
	pub fn to_f32(self) -> f32 {
		f32::from_bits(self.0)
	}
}

impl From<f32> for F32Bits {
	fn from(value: f32) -> Self {
		Self(value.to_bits())
	}
}

/// What a model produced.
#[derive(Clone, PartialEq, Eq, Debug)]
#[derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub enum InferenceOutput {
	/// One vector per input text.
	Embedding(Vec<F32Bits>),
	/// The generated token ids and their decoded text (UTF-8).
	Generation { tokens: Vec<u32>, text: Vec<u8> },
	/// A probability per class.
	Classification(Vec<F32Bits>),
	/// One number.
	Regression(F32Bits),
}

impl InferenceOutput {
	/// An embedding from floats.
	pub fn embedding(values: &[f32]) -> Self {
		InferenceOutput::Embedding(values.iter().copied().map(F32Bits::from).collect())
	}

	/// A classification from its probabilities.
	pub fn classification(probabilities: &[f32]) -> Self {
		InferenceOutput::Classification(probabilities.iter().copied().map(F32Bits::from).collect())
	}

	/// The canonical bytes: what goes on-chain (or into the store) and what
	/// the digest is of.
	pub fn canonical_bytes(&self) -> Vec<u8> {
		self.encode()
	}

	/// The numbers of a numeric output (an embedding, class probabilities
	/// or a regression value), or `None` for generated text.
	pub fn numbers(&self) -> Option<Vec<f32>> {
		match self {
			InferenceOutput::Embedding(values) | InferenceOutput::Classification(values) => {
				Some(values.iter().map(|value| value.to_f32()).collect())
			},
			InferenceOutput::Regression(value) => Some(vec![value.to_f32()]),
			InferenceOutput::Generation { .. } => None,
		}
	}

	/// How many tokens were generated (0 for other tasks).
	pub fn generated_tokens(&self) -> u32 {
		match self {
			InferenceOutput::Generation { tokens, .. } => {
				u32::try_from(tokens.len()).unwrap_or(u32::MAX)
			},
			_ => 0,
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use codec::DecodeAll;

	/// The canonical bytes, written out: a change to the type that moved a
	/// byte would split executors who upgraded from verifiers who did not.
	#[test]
	fn every_output_encodes_to_its_canonical_bytes() {
		let cases = [
			(
				InferenceOutput::embedding(&[0.5, -1.25]),
				vec![0, 8, 0, 0, 0, 0x3f, 0, 0, 0xa0, 0xbf],
			),
			(
				InferenceOutput::Generation { tokens: vec![1, 256], text: b"hi".to_vec() },
				vec![1, 8, 1, 0, 0, 0, 0, 1, 0, 0, 8, b'h', b'i'],
			),
			(InferenceOutput::classification(&[1.0]), vec![2, 4, 0, 0, 0x80, 0x3f]),
			(InferenceOutput::Regression(F32Bits::from(-0.0)), vec![3, 0, 0, 0, 0x80]),
		];
		for (output, bytes) in cases {
			assert_eq!(output.canonical_bytes(), bytes, "{output:?}");
			assert_eq!(InferenceOutput::decode_all(&mut &bytes[..]), Ok(output));
		}
	}

	#[test]
	fn floats_encode_little_endian() {
		let output = InferenceOutput::Regression(1.5f32.into());
		let encoded = output.encode();
		assert_eq!(&encoded[1..], &1.5f32.to_le_bytes());
		assert_eq!(F32Bits::from(-0.25).to_f32(), -0.25);
	}

	#[test]
	fn numbers_and_tokens_come_out_as_they_went_in() {
		let nan = f32::from_bits(0x7fc0_0001);
		let embedding = InferenceOutput::embedding(&[nan, 2.5]);
		let numbers = embedding.numbers().expect("an embedding has numbers");
		// A NaN keeps its payload: the bits are the output.
		assert_eq!(numbers[0].to_bits(), 0x7fc0_0001);
		assert_eq!(numbers[1], 2.5);
		assert_eq!(embedding.generated_tokens(), 0);
		assert_eq!(InferenceOutput::Regression(F32Bits::from(4.0)).numbers(), Some(vec![4.0]));
		let generation = InferenceOutput::Generation { tokens: vec![7, 8, 9], text: vec![] };
		assert_eq!(generation.numbers(), None);
		assert_eq!(generation.generated_tokens(), 3);
	}
}
