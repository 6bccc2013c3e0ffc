//! The off-chain workers' door to the node's inference engine.
//!
//! Inference takes seconds; an off-chain worker runs once per block and must
//! not hold up the next one. So the worker never waits for a model: it hands
//! the node a job ([`veritas_engine::submit_execution`]) and, on a later block,
//! asks how the job went ([`veritas_engine::execution_status`]). The node runs
//! jobs on a bounded pool of its own threads.
//!
//! The runtime side of these functions is a host call; the node side goes
//! through [`InferenceHostExt`], an externalities extension that the node
//! registers for off-chain workers when it runs with `--inference`. A node
//! without it answers [`SubmitOutcome::NoEngine`] and [`JobStatus::Unknown`],
//! so a runtime that calls these functions still works on it.
//!
//! The node's WASM executor must offer these functions:
//! `(sp_io::SubstrateHostFunctions, veritas_primitives::host::veritas_engine::HostFunctions)`.

use alloc::vec::Vec;
use codec::{Decode, Encode};
use scale_info::TypeInfo;
#[cfg(not(substrate_runtime))]
use sp_externalities::ExternalitiesExt;
use sp_runtime_interface::{
	pass_by::{AllocateAndReturnByCodec, PassFatPointerAndDecode},
	runtime_interface,
};

use crate::{
	inference::{InferenceParams, RequestInput},
	model::{Architecture, Digest, ModelFiles, ModelFormat, ModelId, TaskKind},
	settlement::RequestId,
};

/// Everything the engine needs to know about a model to fetch and load it.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct ModelSpec {
	pub model: ModelId,
	pub files: ModelFiles,
	pub format: ModelFormat,
	pub architecture: Architecture,
	pub task: TaskKind,
}

/// One request for the executor to run.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct ExecutionJob {
	pub request: RequestId,
	pub model: ModelSpec,
	pub input: RequestInput,
	pub params: InferenceParams,
	/// The executor's account (its SCALE encoding), named in the proof
	/// document.
	pub executor: Vec<u8>,
}

/// What the executor commits to on-chain once a job is done.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct ExecutionReceipt {
	/// The output's canonical encoding.
	pub output: Vec<u8>,
	pub output_digest: Digest,
	/// Where the proof document was stored, and its digest.
	pub proof_cid: Vec<u8>,
	pub proof_digest: Digest,
}

/// Why a job could not be done. The text is for the operator's log.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum JobFailure {
	/// A model file or the input did not hash to the digest the chain
	/// recorded: it was refused, and nothing was run.
	DigestMismatch(Vec<u8>),
	/// A file could not be fetched from the store.
	Unavailable(Vec<u8>),
	/// The input does not suit the model (wrong kind, undecodable, empty).
	BadInput(Vec<u8>),
	/// The model could not be loaded or run.
	Engine(Vec<u8>),
}

impl JobFailure {
	/// The failure as one line for the operator's log.
	pub fn describe(&self) -> alloc::string::String {
		let (what, text) = match self {
			JobFailure::DigestMismatch(text) => ("refused, digest mismatch", text),
			JobFailure::Unavailable(text) => ("could not fetch", text),
			JobFailure::BadInput(text) => ("bad input", text),
			JobFailure::Engine(text) => ("engine", text),
		};
		alloc::format!("{what}: {}", alloc::string::String::from_utf8_lossy(text))
	}
}

/// The answer to handing the engine a job.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum SubmitOutcome {
	/// The job waits for a free thread.
	Queued,
	/// The engine already has this request (queued, running or done).
	AlreadyKnown,
	/// The queue is full; try again on a later block.
	Busy,
	/// This node runs no engine (it was started without `--inference`).
	NoEngine,
}

/// Where a job stands.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum JobStatus {
	/// The engine has no job for this request.
	Unknown,
	/// Waiting for a thread.
	Queued,
	Running,
	Done(ExecutionReceipt),
	Failed(JobFailure),
}

/// What the node provides behind the host functions.
#[cfg(not(substrate_runtime))]
pub trait InferenceHost: Send + Sync {
	/// Accepts a job without waiting for it to run.
	fn submit_execution(&self, job: ExecutionJob) -> SubmitOutcome;

	/// Where the job for `request` stands.
	fn execution_status(&self, request: RequestId) -> JobStatus;
}

#[cfg(not(substrate_runtime))]
sp_externalities::decl_extension! {
	/// The node's engine, as off-chain workers reach it.
	pub struct InferenceHostExt(alloc::sync::Arc<dyn InferenceHost>);
}

/// The host functions off-chain workers call. Outside an off-chain worker, or
/// on a node without the engine, they answer as if no engine existed.
#[runtime_interface]
pub trait VeritasEngine {
	/// Hands the engine a job to run in the background.
	fn submit_execution(
		&mut self,
		job: PassFatPointerAndDecode<ExecutionJob>,
	) -> AllocateAndReturnByCodec<SubmitOutcome> {
		match self.extension::<InferenceHostExt>() {
			Some(host) => host.submit_execution(job),
			None => SubmitOutcome::NoEngine,
		}
	}

	/// Where the job for `request` stands.
	fn execution_status(&mut self, request: RequestId) -> AllocateAndReturnByCodec<JobStatus> {
		match self.extension::<InferenceHostExt>() {
			Some(host) => host.execution_status(request),
			None => JobStatus::Unknown,
		}
	}
}
