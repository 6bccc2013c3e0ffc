//! The IPFS store against a real daemon speaking the Kubo RPC API, which
//! `scripts/test.sh` starts on loopback (`scripts/ipfs.sh`) and names in
//! `VERITAS_IPFS_API`.

use std::time::Duration;

use veritas_engine::{
	blake2_256,
	store::{ipfs::IpfsStore, ModelStore, StoreError},
};

fn store() -> IpfsStore {
	let api = std::env::var("VERITAS_IPFS_API")
		.expect("VERITAS_IPFS_API names the daemon's RPC API; scripts/test.sh starts one");
	IpfsStore::new(&api, Duration::from_secs(60))
}

/// Bytes that differ from run to run, so that every test adds new content.
fn fresh_bytes(len: usize) -> Vec<u8> {
	let seed = std::time::SystemTime::now()
		.duration_since(std::time::UNIX_EPOCH)
		.map(|d| d.as_nanos())
		.unwrap_or_default();
	(0..len).map(|i| ((seed as usize).wrapping_add(i * 31) % 251) as u8).collect()
}

#[test]
#[ignore = "needs an IPFS daemon; run by scripts/test.sh"]
fn the_daemon_answers() {
	assert!(!store().version().expect("version").is_empty());
}

#[test]
#[ignore = "needs an IPFS daemon; run by scripts/test.sh"]
fn a_model_sized_file_goes_in_and_comes_back_digest_checked() {
	let store = store();
	// Several IPFS chunks (256 KiB each), as model weights are.
	let bytes = fresh_bytes(3 * 1024 * 1024 + 17);
	let stored = store.put(&bytes).expect("added");
	assert_eq!(stored.size, bytes.len() as u64);
	assert_eq!(stored.digest, blake2_256(&bytes));
	assert!(stored.cid.starts_with("baf"), "a CIDv1 in base32: {}", stored.cid);
	let fetched = store.fetch(&stored.cid, &stored.digest, 16 * 1024 * 1024).expect("fetched");
	assert!(fetched == bytes, "the same bytes come back");
}

#[test]
#[ignore = "needs an IPFS daemon; run by scripts/test.sh"]
fn wrong_digests_oversized_files_and_bad_cids_are_refused() {
	let store = store();
	let bytes = fresh_bytes(1000);
	let stored = store.put(&bytes).expect("added");
	let wrong = store.fetch(&stored.cid, &[1; 32], 10_000).expect_err("refused");
	assert!(matches!(wrong, StoreError::DigestMismatch { .. }), "{wrong}");
	let large = store.fetch(&stored.cid, &stored.digest, 999).expect_err("refused");
	assert!(matches!(large, StoreError::TooLarge { limit: 999, .. }), "{large}");
	let bad = store.fetch("not-a-cid", &stored.digest, 10_000).expect_err("refused");
	assert!(matches!(bad, StoreError::BadCid { .. }), "{bad}");
}

/// A stored input whose CID nobody provides used to hold the fetch for the
/// store's whole timeout (two minutes on a node), longer than a verifier's
/// round. A fetch now gives up on a small file after the time to find it.
#[test]
#[ignore = "needs an IPFS daemon; run by scripts/test.sh"]
fn a_small_file_nobody_provides_is_given_up_on_quickly() {
	use veritas_engine::store::{embedded::EmbeddedStore, ipfs::RESOLVE_TIME};
	let store = store();
	let size = 1000;
	assert_eq!(store.time_to_fetch(size), RESOLVE_TIME);
	assert_eq!(store.time_to_fetch(u64::MAX), Duration::from_secs(60), "within the timeout");
	// A valid CID for bytes this daemon never saw.
	let scratch = tempfile_dir();
	let unknown =
		EmbeddedStore::open(&scratch).expect("opens").put(&fresh_bytes(1000)).expect("put");
	let started = std::time::Instant::now();
	let error = store.fetch(&unknown.cid, &unknown.digest, size).expect_err("nobody provides it");
	let waited = started.elapsed();
	assert!(waited < RESOLVE_TIME + Duration::from_secs(10), "{waited:?}: {error}");
	let _ = std::fs::remove_dir_all(scratch);
}

fn tempfile_dir() -> std::path::PathBuf {
	let dir = std::env::temp_dir().join(format!("veritas-ipfs-test-{}", std::process::id()));
	std::fs::create_dir_all(&dir).expect("a scratch directory");
	dir
}
