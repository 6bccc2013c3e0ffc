//! Builds the upgrade test's runtime: this crate with its `runtime`
//! feature, which is veritas-runtime with `upgrade-test`, compiled to WASM.

fn main() {
	#[cfg(feature = "std")]
	{
		// As in the runtime's own build script: the builder needs the
		// workspace's Cargo.lock, and the target directory may be elsewhere.
		if std::env::var_os("WASM_BUILD_WORKSPACE_HINT").is_none() {
			if let Some(manifest) = std::env::var_os("CARGO_MANIFEST_DIR") {
				let workspace = std::path::Path::new(&manifest).join("../..");
				std::env::set_var("WASM_BUILD_WORKSPACE_HINT", workspace);
			}
		}
		substrate_wasm_builder::WasmBuilder::init_with_defaults().enable_feature("runtime").build();
	}
}
