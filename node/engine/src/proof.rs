//! The proof document: what an executor ran, on what, and what came out.
//!
//! The executor stores it in the model store and commits its CID and digest
//! on-chain with the result. A verifier or a dApp fetches it, checks its
//! digest against the chain, and then has everything it needs to re-run the
//! request: the model's files by digest, the input's digest, the parameters,
//! and the output with its digest. Timings and the thread count say how it
//! ran, which helps explain a result that differs in its last bits.
//!
//! It is JSON, so that people and tools can read it without this crate; its
//! field order is fixed, so the same document always has the same bytes.

use serde::{Deserialize, Serialize};

use crate::digest::{blake2_256, to_hex, Digest};

/// The version of this document's layout.
pub const PROOF_FORMAT_VERSION: u32 = 1;

/// One model file the executor used.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProofFile {
	/// `weights`, `config` or `tokenizer`.
	pub role: String,
	pub cid: String,
	/// blake2-256 of the bytes, hex.
	pub digest: String,
}

/// How long each step took, in milliseconds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timings {
	/// Fetching and checking the files and the input.
	pub fetch_ms: u64,
	/// Building the model (0 when it came from the cache).
	pub load_ms: u64,
	/// Running it.
	pub run_ms: u64,
}

/// The proof document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProofDocument {
	pub format_version: u32,
	pub request: u64,
	pub model: u64,
	pub files: Vec<ProofFile>,
	/// blake2-256 of the input bytes, hex.
	pub input_digest: String,
	/// The request's parameters: tokens to generate, and the sampler (seed,
	/// temperature and top-p in thousandths, top-k).
	pub max_new_tokens: u32,
	pub seed: u64,
	pub temperature_thousandths: u32,
	#[serde(default)]
	pub top_k: u32,
	#[serde(default)]
	pub top_p_thousandths: u32,
	/// The output's canonical encoding, hex; empty when the output is
	/// stored by reference.
	pub output: String,
	/// Where the output is stored, when it is delivered by reference: the
	/// chain records this CID, and the bytes hash to `output_digest`.
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub output_cid: Option<String>,
	/// blake2-256 of the canonical encoding, hex.
	pub output_digest: String,
	/// `veritas-engine` and its version.
	pub engine: String,
	/// Threads the engine computed with.
	pub threads: u32,
	pub timings: Timings,
	/// The executor's account (its SCALE encoding), hex.
	pub executor: String,
}

impl ProofDocument {
	/// The engine that writes documents: this crate's name and version.
	pub fn engine_name() -> String {
		format!("{} {}", env!("CARGO_PKG_NAME"), env!("CARGO_PKG_VERSION"))
	}

	/// The bytes stored and committed to.
	pub fn to_bytes(&self) -> Vec<u8> {
		// Serialising plain strings and numbers cannot fail.
		serde_json::to_vec_pretty(self).unwrap_or_default()
	}

	/// Reads a document, refusing anything that is not one.
	pub fn from_bytes(bytes: &[u8]) -> Result<Self, String> {
		let document: Self = serde_json::from_slice(bytes)
			.map_err(|error| format!("not a proof document: {error}"))?;
		if document.format_version != PROOF_FORMAT_VERSION {
			return Err(format!("unknown proof format version {}", document.format_version));
		}
		Ok(document)
	}

	/// blake2-256 of [`Self::to_bytes`].
	pub fn digest(&self) -> Digest {
		blake2_256(&self.to_bytes())
	}

	/// The output's canonical bytes, decoded from hex.
	pub fn output_bytes(&self) -> Result<Vec<u8>, String> {
		from_hex(&self.output)
	}

	/// Whether the output's digest is the digest of the output it carries;
	/// a document of an output stored by reference carries none (whoever
	/// fetches the output checks its digest).
	pub fn is_consistent(&self) -> bool {
		if self.output_cid.is_some() {
			return self.output.is_empty();
		}
		self.output_bytes().map(|bytes| to_hex(&blake2_256(&bytes)) == self.output_digest)
			== Ok(true)
	}
}

impl ProofDocument {
	/// Whether the document describes the output a chain records: the same
	/// digest, carried consistently, and stored under the same CID when the
	/// chain records it by reference (`output_cid`), carried when not.
	pub fn describes(&self, output_digest: &Digest, output_cid: Option<&str>) -> bool {
		self.output_digest == to_hex(output_digest)
			&& self.output_cid.as_deref() == output_cid
			&& self.is_consistent()
	}
}

/// Lowercase or uppercase hex (with or without `0x`) to bytes. The text may
/// come from a node nobody trusts: anything that is not hex is an error,
/// never a panic.
pub fn from_hex(text: &str) -> Result<Vec<u8>, String> {
	let digits = text.strip_prefix("0x").unwrap_or(text);
	hex::decode(digits).map_err(|error| {
		let shown: String = text.chars().take(80).collect();
		format!("not hex ({error}): {shown}")
	})
}

#[cfg(test)]
mod tests {
	use super::*;

	fn document() -> ProofDocument {
		let output = vec![1u8, 2, 3];
		ProofDocument {
			format_version: PROOF_FORMAT_VERSION,
			request: 7,
			model: 3,
			files: vec![ProofFile {
				role: "weights".into(),
				cid: "bafy".into(),
				digest: to_hex(&[9; 32]),
			}],
			input_digest: to_hex(&blake2_256(b"input")),
			max_new_tokens: 0,
			seed: 0,
			temperature_thousandths: 0,
			top_k: 0,
			top_p_thousandths: 0,
			output: to_hex(&output),
			output_cid: None,
			output_digest: to_hex(&blake2_256(&output)),
			engine: ProofDocument::engine_name(),
			threads: 2,
			timings: Timings { fetch_ms: 1, load_ms: 2, run_ms: 3 },
			executor: to_hex(&[4; 32]),
		}
	}

	#[test]
	fn round_trips_with_the_same_bytes_and_digest() {
		let original = document();
		let bytes = original.to_bytes();
		let read = ProofDocument::from_bytes(&bytes).expect("a document");
		assert_eq!(read, original);
		assert_eq!(read.to_bytes(), bytes);
		assert_eq!(read.digest(), blake2_256(&bytes));
		assert!(read.is_consistent());
		assert_eq!(read.output_bytes().unwrap(), vec![1, 2, 3]);
	}

	#[test]
	fn a_tampered_output_is_inconsistent() {
		let mut tampered = document();
		tampered.output = to_hex(&[1, 2, 4]);
		assert!(!tampered.is_consistent());
	}

	/// A document of an output stored by reference names its CID and
	/// carries no output; one that names a CID and carries an output too is
	/// refused, and a document of an inline output keeps the bytes it had
	/// before outputs could be stored (no `outputCid` key).
	#[test]
	fn a_stored_output_is_named_not_carried() {
		let inline = document();
		assert!(!String::from_utf8_lossy(&inline.to_bytes()).contains("output_cid"));
		let mut stored = document();
		stored.output = String::new();
		stored.output_cid = Some("bafkreioutput".into());
		let read = ProofDocument::from_bytes(&stored.to_bytes()).expect("a document");
		assert_eq!(read, stored);
		assert!(read.is_consistent());
		let digest = blake2_256(&[1, 2, 3]);
		assert!(read.describes(&digest, Some("bafkreioutput")));
		assert!(!read.describes(&digest, Some("bafkreiother")), "another CID");
		assert!(!read.describes(&digest, None), "the chain carries it inline");
		assert!(!read.describes(&[0; 32], Some("bafkreioutput")), "another digest");
		assert!(inline.describes(&digest, None));
		assert!(!inline.describes(&digest, Some("bafkreioutput")), "the chain stores it");
		stored.output = inline.output;
		assert!(!stored.is_consistent(), "an output both carried and named");
	}

	#[test]
	fn refuses_other_documents() {
		assert!(ProofDocument::from_bytes(b"{}").is_err());
		assert!(ProofDocument::from_bytes(b"not json").is_err());
		let mut future = document();
		future.format_version = 2;
		let error = ProofDocument::from_bytes(&future.to_bytes()).unwrap_err();
		assert!(error.contains("version 2"), "{error}");
	}

	/// A hostile node's answer: multi-byte characters where hex digits
	/// should be, at every offset, used to split a character and panic.
	#[test]
	fn hex_from_a_hostile_node_is_an_error_not_a_panic() {
		for text in ["aéa", "0xaéa", "éé", "0x1€", "ab\u{10FFFF}c", "0x", "0"] {
			let decoded = from_hex(text);
			assert_eq!(decoded.is_ok(), text == "0x", "{text:?}: {decoded:?}");
		}
		assert!(from_hex(&"é".repeat(1_000)).is_err_and(|error| error.len() < 300));
	}

	#[test]
	fn hex_round_trips_and_refuses_garbage() {
		assert_eq!(from_hex(&to_hex(&[0, 255, 16])).unwrap(), vec![0, 255, 16]);
		assert_eq!(from_hex("0xAB").unwrap(), vec![0xab]);
		assert!(from_hex("abc").is_err());
		assert!(from_hex("zz").is_err());
	}
}
