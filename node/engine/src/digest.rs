//! The digest every file and output is known by on-chain: blake2-256
//! (BLAKE2b with a 32-byte output, as `sp_core::hashing::blake2_256`).

use blake2::{digest::consts::U32, Blake2b, Digest as _};

/// A blake2-256 digest.
pub type Digest = [u8; 32];

/// The blake2-256 of `bytes`.
pub fn blake2_256(bytes: &[u8]) -> Digest {
	Blake2b::<U32>::digest(bytes).into()
}

/// Bytes (a digest, an output, an account) as lowercase hex, for messages,
/// file names and proof documents.
pub fn to_hex(bytes: &[u8]) -> String {
	bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn matches_the_reference_values() {
		// b2sum -l 256 of the empty input, and of "abc" (RFC 7693's input).
		assert_eq!(
			to_hex(&blake2_256(b"")),
			"0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8"
		);
		assert_eq!(
			to_hex(&blake2_256(b"abc")),
			"bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319"
		);
	}
}
