//! The keystore the off-chain workers sign with: the node's own, with the
//! Veritas roles' key pairs (executor, verifier, data node) derived once.
//!
//! The local keystore keeps each key as its secret phrase and derives the
//! key pair from it for every signature or VRF output it makes; for a
//! mnemonic that is PBKDF2, 2,048 rounds of HMAC-SHA-512. A verifier node
//! evaluates a VRF on every new round for each of its keys, and an executor
//! signs a batch a block: under load (50 requests a second) a third of a
//! release node's time went to deriving the same few keys again. This
//! wrapper derives a role key's pair the first time it is used and keeps it
//! in memory, as a validator's session keys are. Before every use it asks the
//! keystore whether the key is still there, so a key an operator removes
//! signs nothing more. Every other key type and call goes to the keystore.

use std::{
	collections::HashMap,
	sync::{Arc, Mutex},
};

use sc_keystore::LocalKeystore;
use sp_core::{
	crypto::{ByteArray, KeyTypeId, VrfSecret},
	ecdsa, ed25519, sr25519, Pair,
};
use sp_keystore::{Error, Keystore};
use sp_runtime::app_crypto::{AppCrypto, AppPair};
use veritas_primitives::keys;

/// The node's keystore, keeping the derived pairs of the roles' keys.
pub struct RoleKeystore {
	keystore: Arc<LocalKeystore>,
	pairs: Mutex<HashMap<(KeyTypeId, sr25519::Public), sr25519::Pair>>,
}

impl RoleKeystore {
	pub fn new(keystore: Arc<LocalKeystore>) -> Self {
		Self { keystore, pairs: Mutex::new(HashMap::new()) }
	}

	/// The pair of a role's key `public`, derived once; `None` for another
	/// key type, or a key no longer in the keystore.
	fn role_pair(&self, key_type: KeyTypeId, public: &sr25519::Public) -> Option<sr25519::Pair> {
		let role = [keys::EXECUTOR_KEY_TYPE, keys::VERIFIER_KEY_TYPE, keys::DATA_NODE_KEY_TYPE];
		if !role.contains(&key_type) || !self.keystore.has_keys(&[(public.to_raw_vec(), key_type)])
		{
			return None;
		}
		// Every update is one insert, so a poisoned lock is consistent.
		let mut pairs = self.pairs.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
		if let Some(pair) = pairs.get(&(key_type, *public)) {
			return Some(pair.clone());
		}
		let pair = match key_type {
			keys::EXECUTOR_KEY_TYPE => derive::<keys::executor::Pair>(&self.keystore, public),
			keys::VERIFIER_KEY_TYPE => derive::<keys::verifier::Pair>(&self.keystore, public),
			_ => derive::<keys::data_node::Pair>(&self.keystore, public),
		}?;
		pairs.insert((key_type, *public), pair.clone());
		Some(pair)
	}
}

/// The pair of `public`, an sr25519 key of `P`'s key type, from its phrase.
fn derive<P>(keystore: &LocalKeystore, public: &sr25519::Public) -> Option<sr25519::Pair>
where
	P: AppPair,
	<P as AppCrypto>::Public: From<sr25519::Public>,
	sr25519::Pair: From<P>,
{
	let pair = keystore.key_pair::<P>(&(*public).into()).ok().flatten()?;
	Some(sr25519::Pair::from(pair))
}

impl Keystore for RoleKeystore {
	fn sr25519_public_keys(&self, key_type: KeyTypeId) -> Vec<sr25519::Public> {
		self.keystore.sr25519_public_keys(key_type)
	}

	fn sr25519_generate_new(
		&self,
		key_type: KeyTypeId,
		seed: Option<&str>,
	) -> Result<sr25519::Public, Error> {
		self.keystore.sr25519_generate_new(key_type, seed)
	}

	fn sr25519_sign(
		&self,
		key_type: KeyTypeId,
		public: &sr25519::Public,
		msg: &[u8],
	) -> Result<Option<sr25519::Signature>, Error> {
		match self.role_pair(key_type, public) {
			Some(pair) => Ok(Some(pair.sign(msg))),
			None => self.keystore.sr25519_sign(key_type, public, msg),
		}
	}

	fn sr25519_vrf_sign(
		&self,
		key_type: KeyTypeId,
		public: &sr25519::Public,
		data: &sr25519::vrf::VrfSignData,
	) -> Result<Option<sr25519::vrf::VrfSignature>, Error> {
		match self.role_pair(key_type, public) {
			Some(pair) => Ok(Some(pair.vrf_sign(data))),
			None => self.keystore.sr25519_vrf_sign(key_type, public, data),
		}
	}

	fn sr25519_vrf_pre_output(
		&self,
		key_type: KeyTypeId,
		public: &sr25519::Public,
		input: &sr25519::vrf::VrfInput,
	) -> Result<Option<sr25519::vrf::VrfPreOutput>, Error> {
		match self.role_pair(key_type, public) {
			Some(pair) => Ok(Some(pair.vrf_pre_output(input))),
			None => self.keystore.sr25519_vrf_pre_output(key_type, public, input),
		}
	}

	fn ed25519_public_keys(&self, key_type: KeyTypeId) -> Vec<ed25519::Public> {
		self.keystore.ed25519_public_keys(key_type)
	}

	fn ed25519_generate_new(
		&self,
		key_type: KeyTypeId,
		seed: Option<&str>,
	) -> Result<ed25519::Public, Error> {
		self.keystore.ed25519_generate_new(key_type, seed)
	}

	fn ed25519_sign(
		&self,
		key_type: KeyTypeId,
		public: &ed25519::Public,
		msg: &[u8],
	) -> Result<Option<ed25519::Signature>, Error> {
		self.keystore.ed25519_sign(key_type, public, msg)
	}

	fn ecdsa_public_keys(&self, key_type: KeyTypeId) -> Vec<ecdsa::Public> {
		self.keystore.ecdsa_public_keys(key_type)
	}

	fn ecdsa_generate_new(
		&self,
		key_type: KeyTypeId,
		seed: Option<&str>,
	) -> Result<ecdsa::Public, Error> {
		self.keystore.ecdsa_generate_new(key_type, seed)
	}

	fn ecdsa_sign(
		&self,
		key_type: KeyTypeId,
		public: &ecdsa::Public,
		msg: &[u8],
	) -> Result<Option<ecdsa::Signature>, Error> {
		self.keystore.ecdsa_sign(key_type, public, msg)
	}

	fn ecdsa_sign_prehashed(
		&self,
		key_type: KeyTypeId,
		public: &ecdsa::Public,
		msg: &[u8; 32],
	) -> Result<Option<ecdsa::Signature>, Error> {
		self.keystore.ecdsa_sign_prehashed(key_type, public, msg)
	}

	fn insert(&self, key_type: KeyTypeId, suri: &str, public: &[u8]) -> Result<(), ()> {
		self.keystore.insert(key_type, suri, public)
	}

	fn keys(&self, key_type: KeyTypeId) -> Result<Vec<Vec<u8>>, Error> {
		self.keystore.keys(key_type)
	}

	fn has_keys(&self, public_keys: &[(Vec<u8>, KeyTypeId)]) -> bool {
		self.keystore.has_keys(public_keys)
	}
}

#[cfg(test)]
mod tests {
	use sp_core::crypto::{VrfPublic, DEV_PHRASE};

	use super::*;

	#[test]
	fn a_role_key_signs_and_proves_as_the_keystore_would_and_stops_once_removed() {
		let nanos = std::time::SystemTime::now()
			.duration_since(std::time::UNIX_EPOCH)
			.map(|since| since.as_nanos())
			.unwrap_or_default();
		let dir = std::env::temp_dir().join(format!("veritas-role-keystore-{nanos}"));
		let local = Arc::new(LocalKeystore::open(&dir, None).expect("opens"));
		let suri = format!("{DEV_PHRASE}//Charlie");
		let pair = sr25519::Pair::from_string(&suri, None).expect("a dev key");
		let public = pair.public();
		local.insert(keys::VERIFIER_KEY_TYPE, &suri, public.as_slice()).expect("inserted");
		let role = RoleKeystore::new(local.clone());

		for _ in 0..2 {
			let signature = role
				.sr25519_sign(keys::VERIFIER_KEY_TYPE, &public, b"attest")
				.expect("no error")
				.expect("the key is there");
			assert!(sr25519::Pair::verify(&signature, b"attest", &public));
			let data = sr25519::vrf::VrfSignData::new(sr25519::vrf::VrfTranscript::new(
				b"round",
				&[(b"seed", b"7")],
			));
			let proof = role
				.sr25519_vrf_sign(keys::VERIFIER_KEY_TYPE, &public, &data)
				.expect("no error")
				.expect("the key is there");
			assert!(public.vrf_verify(&data, &proof));
			// The same VRF output as the keystore's own.
			let own = local
				.sr25519_vrf_sign(keys::VERIFIER_KEY_TYPE, &public, &data)
				.expect("no error")
				.expect("the key is there");
			assert_eq!(proof.pre_output, own.pre_output);
		}
		assert_eq!(role.pairs.lock().expect("unpoisoned").len(), 1, "derived once");

		// Another key type is the keystore's business: it has no such key.
		let other = KeyTypeId(*b"babe");
		assert_eq!(role.sr25519_sign(other, &public, b"x").expect("no error"), None);

		// A key removed from the keystore signs nothing more.
		std::fs::remove_dir_all(&dir).expect("removed");
		assert_eq!(role.sr25519_sign(keys::VERIFIER_KEY_TYPE, &public, b"x").expect("ok"), None);
	}
}
