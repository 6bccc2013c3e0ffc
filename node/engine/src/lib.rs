//! # veritas-engine
//!
//! What an inference node runs, with no knowledge of the chain:
//! - [`store`]: content-addressed storage (a local directory, or IPFS through
//!   the Kubo RPC API) that hands out model files only after checking their
//!   digests;
//! - [`output`]: the canonical output encoding and its digest;
//! - [`compare`](mod@compare): the comparison rules verifiers apply;
//! - [`model`]: the [`model::Model`] trait; [`embedding`], BERT-family
//!   sentence embeddings (all-MiniLM-L6-v2) on the engine's own encoder
//!   ([`bert`]); [`mlp`], the tabular MLP
//!   (classifier and regressor) with a loan-risk example in `fixtures/`;
//!   [`generation`], text generation with a quantized Llama from one GGUF
//!   file ([`llama`]), decoded with the request's sampler ([`sampling`]),
//!   with the verifier's teacher-forced check that replays it; [`onnx`],
//!   a publisher's own network as an ONNX graph, run by tract;
//! - [`load`]: a model's files to a loaded model; [`cache`]: loaded models
//!   under a memory bound;
//! - [`proof`]: the proof document an executor stores with each result.
//!
//! The node wires it to the off-chain workers; tests and benchmarks use it
//! alone.

pub mod bert;
pub mod block_rows;
pub mod cache;
pub mod compare;
pub mod digest;
pub mod embedding;
pub mod generation;
pub mod llama;
pub mod load;
pub mod mlp;
pub mod model;
pub mod onnx;
pub mod output;
pub mod proof;
pub mod sampling;
pub mod store;

pub use compare::{compare, Comparison, Verdict};
pub use digest::{blake2_256, Digest};
pub use output::{InferenceOutput, OutputDigest};
pub use store::{ModelStore, StoreError, StoredFile};
