//! The default store: a directory on the node's disk, no daemon needed.
//!
//! Files are named by their CID: a CIDv1 with the `raw` codec and a
//! blake2b-256 multihash, so the CID itself carries the digest the chain
//! records (`bafk2bzace…` in base32).

use std::{
	fs,
	io::Write,
	path::{Path, PathBuf},
};

use cid::{multihash::Multihash, Cid};

use super::{ModelStore, StoreError, StoredFile};
use crate::digest::blake2_256;

/// The multicodec of raw bytes.
const RAW: u64 = 0x55;
/// The multihash code of blake2b-256.
const BLAKE2B_256: u64 = 0xb220;

/// A content-addressed store in a local directory.
pub struct EmbeddedStore {
	root: PathBuf,
}

impl EmbeddedStore {
	/// A store in `root`, created if missing.
	pub fn open(root: impl Into<PathBuf>) -> Result<Self, StoreError> {
		let root = root.into();
		fs::create_dir_all(root.join("blocks"))?;
		Ok(Self { root })
	}

	/// The CID of `bytes` in this store.
	pub fn cid_of(bytes: &[u8]) -> String {
		let digest = blake2_256(bytes);
		// A 32-byte digest always fits a 64-byte multihash.
		let hash = Multihash::<64>::wrap(BLAKE2B_256, &digest).unwrap_or_default();
		Cid::new_v1(RAW, hash).to_string()
	}

	/// Where the bytes of `cid` live, once the CID is known to be well formed
	/// (so that no CID can name a path outside the store).
	fn path_of(&self, cid: &str) -> Result<PathBuf, StoreError> {
		let parsed = Cid::try_from(cid).map_err(|_| StoreError::BadCid { cid: cid.to_string() })?;
		Ok(self.root.join("blocks").join(parsed.to_string()))
	}

	pub fn root(&self) -> &Path {
		&self.root
	}
}

/// Large files are written in pieces of this size, reporting progress.
const WRITE_PIECE: usize = 4 << 20;

impl ModelStore for EmbeddedStore {
	fn put(&self, bytes: &[u8]) -> Result<StoredFile, StoreError> {
		self.put_with_progress(bytes, &mut |_| {})
	}

	fn put_with_progress(
		&self,
		bytes: &[u8],
		progress: &mut dyn FnMut(u64),
	) -> Result<StoredFile, StoreError> {
		let cid = Self::cid_of(bytes);
		let path = self.path_of(&cid)?;
		if !path.exists() {
			// Write aside and rename, so that a crash never leaves a partial
			// file under a CID.
			let partial = path.with_extension("partial");
			let mut file = fs::File::create(&partial)?;
			let mut written = 0u64;
			for piece in bytes.chunks(WRITE_PIECE) {
				file.write_all(piece)?;
				written += piece.len() as u64;
				progress(written);
			}
			file.sync_all()?;
			fs::rename(&partial, &path)?;
		}
		progress(bytes.len() as u64);
		Ok(StoredFile { cid, digest: blake2_256(bytes), size: bytes.len() as u64 })
	}

	fn read_unchecked(&self, cid: &str, max_size: u64) -> Result<Vec<u8>, StoreError> {
		let path = self.path_of(cid)?;
		let size = match fs::metadata(&path) {
			Ok(metadata) => metadata.len(),
			Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
				return Err(StoreError::NotFound { cid: cid.to_string() })
			},
			Err(error) => return Err(error.into()),
		};
		if size > max_size {
			return Err(StoreError::TooLarge { cid: cid.to_string(), size, limit: max_size });
		}
		Ok(fs::read(path)?)
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn store() -> (tempfile::TempDir, EmbeddedStore) {
		let dir = tempfile::tempdir().expect("a temporary directory");
		let store = EmbeddedStore::open(dir.path()).expect("opens");
		(dir, store)
	}

	#[test]
	fn large_files_report_their_progress_to_the_end() {
		let (_dir, store) = store();
		let bytes = vec![7u8; 3 * WRITE_PIECE + 5];
		let mut seen = Vec::new();
		let stored = store.put_with_progress(&bytes, &mut |sent| seen.push(sent)).unwrap();
		assert!(seen.windows(2).all(|pair| pair[0] <= pair[1]), "{seen:?}");
		assert_eq!(seen.last(), Some(&(bytes.len() as u64)));
		assert!(seen.len() >= 4, "a report per piece: {seen:?}");
		assert_eq!(store.fetch(&stored.cid, &stored.digest, u64::MAX).unwrap(), bytes);
	}

	#[test]
	fn stored_bytes_come_back_when_their_digest_matches() {
		let (_dir, store) = store();
		let stored = store.put(b"weights").expect("stores");
		assert_eq!(stored.size, 7);
		assert_eq!(stored.digest, blake2_256(b"weights"));
		assert!(stored.cid.starts_with("bafk2bzace"), "a CIDv1 raw blake2b-256: {}", stored.cid);
		assert_eq!(store.fetch(&stored.cid, &stored.digest, 100).expect("fetches"), b"weights");
		// Storing the same bytes again gives the same CID.
		assert_eq!(store.put(b"weights").expect("stores").cid, stored.cid);
	}

	#[test]
	fn bytes_with_another_digest_are_refused_and_reported() {
		let (_dir, store) = store();
		let stored = store.put(b"weights").expect("stores");
		let error = store.fetch(&stored.cid, &[7; 32], 100).expect_err("refused");
		assert!(matches!(error, StoreError::DigestMismatch { .. }));
		assert!(error.to_string().contains("digest mismatch"), "{error}");
		assert!(error.to_string().contains(&stored.cid), "{error}");
	}

	#[test]
	fn a_file_changed_on_disk_is_refused() {
		let (_dir, store) = store();
		let stored = store.put(b"weights").expect("stores");
		fs::write(store.path_of(&stored.cid).expect("valid"), b"WEIGHTS").expect("tampered");
		assert!(matches!(
			store.fetch(&stored.cid, &stored.digest, 100),
			Err(StoreError::DigestMismatch { .. })
		));
	}

	#[test]
	fn missing_oversized_and_malformed_are_clear_errors() {
		let (_dir, store) = store();
		let stored = store.put(b"0123456789").expect("stores");
		assert!(matches!(
			store.fetch(&stored.cid, &stored.digest, 9),
			Err(StoreError::TooLarge { size: 10, limit: 9, .. })
		));
		let absent = EmbeddedStore::cid_of(b"never stored");
		assert!(matches!(
			store.fetch(&absent, &blake2_256(b"never stored"), 100),
			Err(StoreError::NotFound { .. })
		));
		assert!(matches!(
			store.fetch("../../etc/passwd", &[0; 32], 100),
			Err(StoreError::BadCid { .. })
		));
	}
}
