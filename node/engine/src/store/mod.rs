//! Where model files and proof documents live: content-addressed storage
//! behind one trait, so that the node can use a local directory (the
//! default, [`embedded::EmbeddedStore`]) or an IPFS daemon, and every byte it
//! hands out has been checked against the digest the chain recorded.

pub mod embedded;
pub mod ipfs;

use crate::digest::{blake2_256, to_hex, Digest};

/// What storing bytes gives back: how to find them again and what they are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredFile {
	/// The content identifier to fetch the bytes by.
	pub cid: String,
	/// blake2-256 of the bytes.
	pub digest: Digest,
	/// Their length.
	pub size: u64,
}

/// Why bytes could not be stored or fetched. Each names the CID it is about.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
	#[error("{cid}: not in the store")]
	NotFound { cid: String },
	#[error(
		"{cid}: digest mismatch: the chain expects {expected}, the bytes hash to {actual}; refused"
	)]
	DigestMismatch { cid: String, expected: String, actual: String },
	#[error("{cid}: {size} bytes, more than the {limit} allowed")]
	TooLarge { cid: String, size: u64, limit: u64 },
	#[error("{cid}: not a valid CID")]
	BadCid { cid: String },
	#[error("model store I/O: {0}")]
	Io(#[from] std::io::Error),
}

/// Content-addressed storage for model files and proof documents.
pub trait ModelStore: Send + Sync {
	/// Stores `bytes` and says how to fetch them again.
	fn put(&self, bytes: &[u8]) -> Result<StoredFile, StoreError>;

	/// Like [`ModelStore::put`], telling `progress` how many bytes have gone
	/// so far, for a progress bar on large files.
	fn put_with_progress(
		&self,
		bytes: &[u8],
		progress: &mut dyn FnMut(u64),
	) -> Result<StoredFile, StoreError> {
		let stored = self.put(bytes)?;
		progress(bytes.len() as u64);
		Ok(stored)
	}

	/// The bytes stored under `cid`, at most `max_size` of them, *unchecked*.
	/// Backends implement this; everyone else calls [`ModelStore::fetch`].
	fn read_unchecked(&self, cid: &str, max_size: u64) -> Result<Vec<u8>, StoreError>;

	/// The bytes stored under `cid`, refused unless they hash to `expected`:
	/// a store, a gateway or a disk may hand back anything, so nothing is used
	/// before this check.
	fn fetch(&self, cid: &str, expected: &Digest, max_size: u64) -> Result<Vec<u8>, StoreError> {
		let bytes = self.read_unchecked(cid, max_size)?;
		let actual = blake2_256(&bytes);
		if &actual != expected {
			return Err(StoreError::DigestMismatch {
				cid: cid.to_string(),
				expected: to_hex(expected),
				actual: to_hex(&actual),
			});
		}
		Ok(bytes)
	}
}
