//! `veritas-node`: the Veritas blockchain node.
//!
//! It authors blocks with Aura, finalizes them with GRANDPA, runs the
//! runtime's off-chain workers and serves JSON-RPC. Run `veritas-node --help`
//! for the options, or `veritas-node --dev` for a one-node development chain.

mod chain_spec;
mod cli;
mod command;
mod rpc;
mod service;

fn main() -> sc_cli::Result<()> {
	command::run()
}
