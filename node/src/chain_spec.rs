//! The chain specifications the node knows by name, and loading one from a
//! file.

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

/// One validator (Alice) on this machine: what `--dev` runs.
pub fn development_config() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm_binary()?, None)
		.with_name("Veritas Development")
		.with_id("veritas_dev")
		.with_chain_type(ChainType::Development)
		.with_genesis_config_preset_name(DEV_RUNTIME_PRESET)
		.with_properties(properties())
		.build())
}

/// Four validators (Alice, Bob, Charlie, Dave) on one machine or a LAN.
pub fn local_testnet_config() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm_binary()?, None)
		.with_name("Veritas Local Testnet")
		.with_id("veritas_local_testnet")
		.with_chain_type(ChainType::Local)
		.with_genesis_config_preset_name(LOCAL_TESTNET_RUNTIME_PRESET)
		.with_properties(properties())
		.build())
}

/// The chain named by `--chain`: `dev`, `local`, or the path of a JSON file.
pub fn load(id: &str) -> Result<Box<dyn sc_service::ChainSpec>, String> {
	Ok(match id {
		"dev" | "" => Box::new(development_config()?),
		"local" => Box::new(local_testnet_config()?),
		path => Box::new(ChainSpec::from_json_file(std::path::PathBuf::from(path))?),
	})
}
