//! Builds the runtime's WASM blob with substrate-wasm-builder, so that the
//! native crate can embed it as `WASM_BINARY` for the node's genesis.

fn main() {
	#[cfg(feature = "std")]
	substrate_wasm_builder::WasmBuilder::build_using_defaults();
}
