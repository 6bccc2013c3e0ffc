//! Builds the runtime's WASM blob with substrate-wasm-builder, so that the
//! native crate can embed it as `WASM_BINARY` for the node's genesis.

fn main() {
	#[cfg(feature = "std")]
	{
		// The builder finds the workspace's Cargo.lock by walking up from the
		// target directory; scripts keep that outside the clone, so name the
		// workspace explicitly (unless the caller already did). The path is
		// read when the script runs, not when it is compiled: a build cache
		// shared by clones in other places reuses the compiled script.
		if std::env::var_os("WASM_BUILD_WORKSPACE_HINT").is_none() {
			if let Some(manifest) = std::env::var_os("CARGO_MANIFEST_DIR") {
				let workspace = std::path::Path::new(&manifest).join("..");
				std::env::set_var("WASM_BUILD_WORKSPACE_HINT", workspace);
			}
		}
		substrate_wasm_builder::WasmBuilder::build_using_defaults();
	}
}
