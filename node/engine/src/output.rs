//! A model's output in canonical form: what executors commit to and
//! verifiers compare.
//!
//! The encoding is SCALE, with every `f32` written as its little-endian bits,
//! and its blake2-256 is the output digest. The runtime decodes the same bytes
//! as `veritas_primitives::inference::InferenceOutput`; the node's tests check
//! that both encode every variant identically.

use codec::{Decode, Encode};

use crate::digest::{blake2_256, Digest};

/// An `f32` by its bits: SCALE writes it as a little-endian `u32`, the same
/// four bytes as the little-endian float.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
pub struct F32Bits(pub u32);

impl From<f32> for F32Bits {
	fn from(value: f32) -> Self {
		Self(value.to_bits())
	}
}

impl F32Bits {
	pub fn to_f32(self) -> f32 {
		f32::from_bits(self.0)
	}
}

/// What a model produced.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub enum Output {
	/// An embedding vector.
	Embedding(Vec<F32Bits>),
	/// Generated token ids and their text (UTF-8).
	Generation { tokens: Vec<u32>, text: Vec<u8> },
	/// A probability per class.
	Classification(Vec<F32Bits>),
	/// One number.
	Regression(F32Bits),
}

impl Output {
	/// An embedding output from floats.
	pub fn embedding(values: &[f32]) -> Self {
		Output::Embedding(values.iter().copied().map(F32Bits::from).collect())
	}

	/// A classification output from probabilities.
	pub fn classification(probabilities: &[f32]) -> Self {
		Output::Classification(probabilities.iter().copied().map(F32Bits::from).collect())
	}

	/// The canonical bytes committed on-chain.
	pub fn canonical_bytes(&self) -> Vec<u8> {
		self.encode()
	}

	/// blake2-256 of the canonical bytes.
	pub fn digest(&self) -> Digest {
		blake2_256(&self.encode())
	}

	/// The numbers of a numeric output (embedding, class probabilities or a
	/// regression value), or `None` for generated text.
	pub fn numbers(&self) -> Option<Vec<f32>> {
		match self {
			Output::Embedding(values) | Output::Classification(values) => {
				Some(values.iter().map(|v| v.to_f32()).collect())
			},
			Output::Regression(value) => Some(vec![value.to_f32()]),
			Output::Generation { .. } => None,
		}
	}
}
