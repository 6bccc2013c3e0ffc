//! The chain specifications the node knows by name, and loading one from a
//! file.

use std::path::{Path, PathBuf};

use sc_service::ChainType;
use sp_genesis_builder::{DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET};
use veritas_primitives::currency::{TOKEN_DECIMALS, TOKEN_SYMBOL};
use veritas_runtime::WASM_BINARY;

/// A chain specification: the genesis and the chain's identity.
pub type ChainSpec = sc_service::GenericChainSpec;

/// What wallets show for the token (polkadot.js reads these).
fn properties() -> sc_service::Properties {
	let mut properties = sc_service::Properties::new();
	properties.insert("tokenSymbol".into(), TOKEN_SYMBOL.into());
	properties.insert("tokenDecimals".into(), TOKEN_DECIMALS.into());
	properties.insert("ss58Format".into(), 42.into());
	properties
}

fn wasm_binary() -> Result<&'static [u8], String> {
	WASM_BINARY.ok_or_else(|| {
		"The runtime's WASM blob is missing: this node was built with SKIP_WASM_BUILD. \
		 Rebuild without it."
			.to_string()
	})
}

/// A chain this node knows by name. Its genesis state follows from these
/// fields, [`properties`] and the runtime alone (see [`with_kept_genesis`]).
#[derive(Debug)]
struct BuiltIn {
	name: &'static str,
	id: &'static str,
	chain_type: ChainType,
	/// The runtime's genesis preset.
	preset: &'static str,
}

/// One validator (Alice) on this machine: what `--dev` runs.
const DEVELOPMENT: BuiltIn = BuiltIn {
	name: "Veritas Development",
	id: "veritas_dev",
	chain_type: ChainType::Development,
	preset: DEV_RUNTIME_PRESET,
};

/// Four validators (Alice, Bob, Charlie, Dave) on one machine or a LAN.
const LOCAL_TESTNET: BuiltIn = BuiltIn {
	name: "Veritas Local Testnet",
	id: "veritas_local_testnet",
	chain_type: ChainType::Local,
	preset: LOCAL_TESTNET_RUNTIME_PRESET,
};

impl BuiltIn {
	fn spec(&self) -> Result<ChainSpec, String> {
		Ok(ChainSpec::builder(wasm_binary()?, None)
			.with_name(self.name)
			.with_id(self.id)
			.with_chain_type(self.chain_type.clone())
			.with_genesis_config_preset_name(self.preset)
			.with_properties(properties())
			.build())
	}

	/// A digest of everything the chain's genesis follows from.
	fn digest(&self) -> Result<String, String> {
		use sha2::Digest;
		let mut hasher = sha2::Sha256::new();
		hasher.update(wasm_binary()?);
		hasher.update(format!("{self:?} {:?}", properties()));
		Ok(hasher.finalize().iter().map(|byte| format!("{byte:02x}")).collect())
	}
}

/// The chain named by `--chain`: `dev`, `local`, or the path of a JSON file.
///
/// With `genesis_cache` (the node's `--runtime-cache-dir`), a built-in chain's
/// genesis state is built once and kept there (see [`with_kept_genesis`]).
pub fn load(
	id: &str,
	genesis_cache: Option<&Path>,
) -> Result<Box<dyn sc_service::ChainSpec>, String> {
	let built_in = match id {
		"dev" | "" => &DEVELOPMENT,
		"local" => &LOCAL_TESTNET,
		path => return Ok(Box::new(ChainSpec::from_json_file(PathBuf::from(path))?)),
	};
	Ok(Box::new(match genesis_cache {
		Some(dir) => with_kept_genesis(built_in, dir)?,
		None => built_in.spec()?,
	}))
}

/// The chain's specification with its genesis state built once and kept in
/// `dir`.
///
/// A built-in chain names a genesis preset, and sc-chain-spec builds the
/// state from it by running the runtime's genesis builder in an executor of
/// its own: it compiles the runtime afresh, twice, for most of the CPU a
/// debug node spends starting. The state follows from the runtime and the
/// chain's description alone, so the raw specification is kept under their
/// digest: a change to either builds it anew, and nodes that share `dir`
/// share it. A file that does not read as a specification is built again.
fn with_kept_genesis(chain: &BuiltIn, dir: &Path) -> Result<ChainSpec, String> {
	let path = dir.join("genesis").join(format!("{}.json", chain.digest()?));
	if let Ok(kept) = ChainSpec::from_json_file(path.clone()) {
		return Ok(kept);
	}
	let raw = chain.spec()?.as_json(true)?;
	// Written beside and renamed into place: a node starting meanwhile reads
	// the whole file or none.
	let partial = path.with_extension(format!("{}.partial", std::process::id()));
	let kept = path
		.parent()
		.map_or(Ok(()), std::fs::create_dir_all)
		.and_then(|()| std::fs::write(&partial, raw.as_bytes()))
		.and_then(|()| std::fs::rename(&partial, &path));
	if kept.is_err() {
		// Not kept, but built: this start goes on, and the next builds again.
		let _ = std::fs::remove_file(&partial);
	}
	ChainSpec::from_json_bytes(raw.into_bytes())
}

#[cfg(test)]
mod tests {
	use sp_runtime::BuildStorage;

	use super::*;

	/// The genesis state's keys and values (a built-in chain has no child
	/// tries).
	fn state(spec: &ChainSpec) -> std::collections::BTreeMap<Vec<u8>, Vec<u8>> {
		let storage = spec.build_storage().expect("the genesis state");
		assert!(storage.children_default.is_empty());
		storage.top
	}

	fn empty_dir(name: &str) -> PathBuf {
		let dir = std::env::temp_dir().join(format!("veritas-{name}-{}", std::process::id()));
		let _ = std::fs::remove_dir_all(&dir);
		dir
	}

	fn kept_files(dir: &Path) -> Vec<PathBuf> {
		std::fs::read_dir(dir.join("genesis"))
			.map(|entries| entries.filter_map(|entry| entry.ok().map(|e| e.path())).collect())
			.unwrap_or_default()
	}

	#[test]
	fn a_kept_genesis_is_the_genesis_the_preset_builds() {
		let dir = empty_dir("kept-genesis");
		let built = state(&DEVELOPMENT.spec().expect("a specification"));

		let first = with_kept_genesis(&DEVELOPMENT, &dir).expect("built and kept");
		let kept = kept_files(&dir);
		assert_eq!(kept.len(), 1, "{kept:?}");
		let second = with_kept_genesis(&DEVELOPMENT, &dir).expect("read back");
		for spec in [&first, &second] {
			assert_eq!(state(spec), built);
			assert_eq!((spec.name(), spec.id()), (DEVELOPMENT.name, DEVELOPMENT.id));
			assert_eq!(spec.properties(), properties());
		}
		assert_eq!(kept_files(&dir), kept, "nothing more written");

		// Another chain is kept beside it, under its own digest.
		let local = with_kept_genesis(&LOCAL_TESTNET, &dir).expect("built and kept");
		assert_eq!(local.id(), LOCAL_TESTNET.id);
		assert_eq!(kept_files(&dir).len(), 2);
		assert_ne!(state(&local), built);
		let _ = std::fs::remove_dir_all(&dir);
	}

	#[test]
	fn a_damaged_kept_genesis_is_built_again_and_an_unwritable_cache_only_costs_time() {
		let dir = empty_dir("damaged-genesis");
		let path = dir.join("genesis").join(format!("{}.json", DEVELOPMENT.digest().unwrap()));
		std::fs::create_dir_all(path.parent().unwrap()).unwrap();
		std::fs::write(&path, b"{\"name\": \"cut sh").unwrap();

		let rebuilt = with_kept_genesis(&DEVELOPMENT, &dir).expect("built again");
		assert!(ChainSpec::from_json_file(path).is_ok(), "and kept whole this time");

		// A cache directory that cannot be created: a file stands in its way.
		let blocked = dir.join("a-file");
		std::fs::write(&blocked, b"").unwrap();
		let unkept = with_kept_genesis(&DEVELOPMENT, &blocked).expect("built, not kept");
		assert_eq!(state(&unkept), state(&rebuilt));
		assert_eq!(unkept.id(), DEVELOPMENT.id);
		let _ = std::fs::remove_dir_all(&dir);
	}
}
