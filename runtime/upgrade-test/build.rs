//! Builds the upgrade test's runtime: this crate with its `runtime`
//! feature, which is veritas-runtime with `upgrade-test`, compiled to WASM.

fn main() {
	#[cfg(feature = "std")]
	{
		// As in the runtime's own build script: the builder needs the
		// workspace's Cargo.lock, and the target directory may be elsewhere
		// (read when the script runs, as a shared cache may reuse it).
		if std::env::var_os("WASM_BUILD_WORKSPACE_HINT").is_none() {
			if let Some(manifest) = std::env::var_os("CARGO_MANIFEST_DIR") {
				let workspace = std::path::Path::new(&manifest).join("../..");
				std::env::set_var("WASM_BUILD_WORKSPACE_HINT", workspace);
			}
		}
		share_the_runtimes_wasm_target();
		substrate_wasm_builder::WasmBuilder::init_with_defaults().enable_feature("runtime").build();
	}
}

/// Points this crate's WASM build at the target directory of the runtime's
/// own WASM build. The builder gives each crate a target directory of its
/// own, but the two builds differ only in the runtime crate's features: with
/// one directory, every pallet and dependency is compiled once for both (cargo
/// locks the directory, so the two builds take turns).
#[cfg(feature = "std")]
fn share_the_runtimes_wasm_target() {
	use std::path::PathBuf;
	// OUT_DIR is <target>/<profile>/build/<package>/out; the builder's
	// projects are in <target>/<profile>/wbuild.
	let Some(out_dir) = std::env::var_os("OUT_DIR").map(PathBuf::from) else { return };
	let Some(profile_dir) =
		out_dir.ancestors().find(|dir| dir.ends_with("build")).and_then(|b| b.parent())
	else {
		return;
	};
	let wbuild = profile_dir.join("wbuild");
	let runtime_target = wbuild.join("veritas-runtime").join("target");
	let own = wbuild.join(env!("CARGO_PKG_NAME"));
	let own_target = own.join("target");
	if std::fs::read_link(&own_target).is_ok_and(|link| link == runtime_target) {
		return;
	}
	// A directory of its own from before: replace it with the shared one.
	let _ = std::fs::remove_dir_all(&own_target);
	let _ = std::fs::remove_file(&own_target);
	if std::fs::create_dir_all(&runtime_target).is_ok() && std::fs::create_dir_all(&own).is_ok() {
		#[cfg(unix)]
		let _ = std::os::unix::fs::symlink(&runtime_target, &own_target);
	}
}
