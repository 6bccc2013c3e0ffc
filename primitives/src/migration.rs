//! What storage migrations share.

use alloc::vec::Vec;
use codec::{Decode, Encode, EncodeLike, Input, Output};

/// A stored value's bytes as they are, for migrations that insert or move
/// a field without restating every field of a record.
pub struct Raw(pub Vec<u8>);

impl Encode for Raw {
	fn size_hint(&self) -> usize {
		self.0.len()
	}

	fn encode_to<W: Output + ?Sized>(&self, dest: &mut W) {
		dest.write(&self.0)
	}
}

impl EncodeLike for Raw {}

impl Decode for Raw {
	fn decode<I: Input>(input: &mut I) -> Result<Self, codec::Error> {
		let length = input.remaining_len()?.ok_or("a stored value has a known length")?;
		let mut bytes = alloc::vec![0; length];
		input.read(&mut bytes)?;
		Ok(Self(bytes))
	}
}
