//! The node's integration tests, as one test binary: each file beside this
//! one is a module. One binary links the node's dependencies once, where a
//! binary per file linked them a dozen times on every change to the runtime.
//!
//! Most of these start real `veritas-node` processes (the binary cargo built
//! beside this one) and are `#[ignore]`d, so that `cargo test` alone stays
//! quick; `scripts/test.sh` runs them with `--run-ignored all`, with the IPFS
//! daemon, real model weights and JavaScript dApp some of them need.

#[macro_use]
mod common;

mod canonical_output;
mod cli;
mod dapp_client;
mod dev_node;
mod executor;
mod hostile_models;
mod local_network;
mod onnx_models;
mod oracle;
mod paid_inference;
mod remote_executor;
mod result_bytes;
mod runtime_upgrade;
mod subscriptions;
mod subxt_client;
mod verification;
