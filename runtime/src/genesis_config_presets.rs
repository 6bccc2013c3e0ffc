//! The runtime's built-in genesis presets.
//!
//! - `development`: one validator (Alice) authors and finalizes; Alice is sudo;
//!   the well-known dev accounts are funded. What `--dev` runs.
//! - `local_testnet`: Alice, Bob, Charlie and Dave are the validators, for a
//!   four-node network on one machine (`--chain local`).
//!
//! Both register Charlie, Dave, Eve and Ferdie as verifiers with 100 VRT
//! each, eligible from the first block (a verifier registered later waits
//! two epochs): a node started with `--dev --verifier` holds their keys.
//!
//! A preset is a JSON patch over the default genesis config; the node's chain
//! spec names one of them.

use alloc::{vec, vec::Vec};
use serde_json::Value;
use sp_consensus_babe::AuthorityId as BabeId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_genesis_builder::{PresetId, DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};

use crate::{
	configs::{TreasuryAccount, EXISTENTIAL_DEPOSIT},
	currency::VRT,
	AccountId, Balance,
};

/// What each endowed dev account starts with.
pub const ENDOWMENT: Balance = 1_000_000 * VRT;

/// A validator's consensus keys: BABE (sr25519) to claim slots and author,
/// GRANDPA (ed25519) to vote on finality.
pub struct Authority {
	pub babe: BabeId,
	pub grandpa: GrandpaId,
}

impl Authority {
	/// The well-known dev keys of `//Name` for both consensus roles.
	fn dev(sr: Sr25519Keyring, ed: Ed25519Keyring) -> Self {
		Self { babe: sr.public().into(), grandpa: ed.public().into() }
	}
}

/// The verifiers both presets register, and the stake of each.
pub const DEV_VERIFIERS: [Sr25519Keyring; 4] =
	[Sr25519Keyring::Charlie, Sr25519Keyring::Dave, Sr25519Keyring::Eve, Sr25519Keyring::Ferdie];
pub const DEV_VERIFIER_STAKE: Balance = 100 * VRT;

/// The genesis patch for a chain with these validators, sudo key, endowed
/// accounts and verifiers. The treasury starts with the existential deposit
/// so that it can receive fees of any size.
pub fn genesis(
	authorities: Vec<Authority>,
	root: AccountId,
	endowed: Vec<AccountId>,
	verifiers: Vec<(AccountId, Balance)>,
) -> Value {
	let balances = endowed
		.into_iter()
		.map(|account| (account, ENDOWMENT))
		.chain([(TreasuryAccount::get(), EXISTENTIAL_DEPOSIT)])
		.collect::<Vec<_>>();
	serde_json::json!({
		"balances": { "balances": balances },
		"babe": {
			"authorities": authorities.iter().map(|a| (a.babe.clone(), 1u64)).collect::<Vec<_>>(),
			"epochConfig": crate::BABE_GENESIS_EPOCH_CONFIG,
		},
		"grandpa": {
			"authorities": authorities.iter().map(|a| (a.grandpa.clone(), 1u64)).collect::<Vec<_>>(),
		},
		"sudo": { "key": Some(root) },
		"verification": { "verifiers": verifiers },
	})
}

/// The twelve well-known dev accounts (Alice to Ferdie and their `//stash`
/// twins) that both presets fund.
fn dev_accounts() -> Vec<AccountId> {
	Sr25519Keyring::well_known().map(|k| k.to_account_id()).collect()
}

/// [`DEV_VERIFIERS`], each with [`DEV_VERIFIER_STAKE`].
fn dev_verifiers() -> Vec<(AccountId, Balance)> {
	DEV_VERIFIERS.iter().map(|k| (k.to_account_id(), DEV_VERIFIER_STAKE)).collect()
}

/// The `development` preset.
pub fn development() -> Value {
	genesis(
		vec![Authority::dev(Sr25519Keyring::Alice, Ed25519Keyring::Alice)],
		Sr25519Keyring::Alice.to_account_id(),
		dev_accounts(),
		dev_verifiers(),
	)
}

/// The `local_testnet` preset.
pub fn local_testnet() -> Value {
	genesis(
		vec![
			Authority::dev(Sr25519Keyring::Alice, Ed25519Keyring::Alice),
			Authority::dev(Sr25519Keyring::Bob, Ed25519Keyring::Bob),
			Authority::dev(Sr25519Keyring::Charlie, Ed25519Keyring::Charlie),
			Authority::dev(Sr25519Keyring::Dave, Ed25519Keyring::Dave),
		],
		Sr25519Keyring::Alice.to_account_id(),
		dev_accounts(),
		dev_verifiers(),
	)
}

/// The JSON of the named preset, or `None` for a name the runtime lacks.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		DEV_RUNTIME_PRESET => development(),
		LOCAL_TESTNET_RUNTIME_PRESET => local_testnet(),
		_ => return None,
	};
	serde_json::to_vec(&patch).ok()
}

/// The names of the built-in presets.
pub fn preset_names() -> Vec<PresetId> {
	vec![PresetId::from(DEV_RUNTIME_PRESET), PresetId::from(LOCAL_TESTNET_RUNTIME_PRESET)]
}
