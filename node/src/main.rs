//! `veritas-node`: the Veritas blockchain node.
//!
//! It authors blocks with BABE, finalizes them with GRANDPA, runs the
//! runtime's off-chain workers and serves JSON-RPC. Run `veritas-node --help`
//! for the options, or `veritas-node --dev` for a one-node development chain.

// sc-cli and sc-service return their own (large) error types; the node passes
// them through rather than boxing every one.
#![allow(clippy::result_large_err)]

mod chain_spec;
mod cli;
mod command;
mod engine_host;
mod role_keystore;
mod rpc;
mod service;

fn main() -> sc_cli::Result<()> {
	command::run()
}
