//! The off-chain workers' door to the node's inference engine.
//!
//! Inference takes seconds; an off-chain worker runs once per block and must
//! not hold up the next one. So the worker never waits for a model: it hands
//! the node a job and, on a later block, asks how the job went. An executor
//! runs requests ([`veritas_engine::submit_execution`],
//! [`veritas_engine::execution_status`]); a verifier checks an executor's
//! output ([`veritas_engine::submit_check`], [`veritas_engine::check_status`]).
//! The node runs jobs on a bounded pool of its own threads.
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
	inference::{Attestation, InferenceParams, RequestInput},
	model::{Architecture, ComparisonRule, Digest, ModelFiles, ModelFormat, ModelId, TaskKind},
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

/// One executor's output for a verifier to check.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct CheckJob {
	pub request: RequestId,
	pub model: ModelSpec,
	pub input: RequestInput,
	pub params: InferenceParams,
	/// How the verifier's own result is compared with the executor's.
	pub comparison: ComparisonRule,
	/// The executor's output, as committed on-chain.
	pub claimed_output: Vec<u8>,
}

/// A verifier's finding.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct CheckReceipt {
	pub attestation: Attestation,
	/// The digest of the verifier's own output. Under `TokenTopK` the
	/// verifier does not generate: it is the executor's digest on a match,
	/// and the digest of the failed check otherwise.
	pub output_digest: Digest,
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

/// Where a job stands; `Receipt` is what a finished one gives.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum JobStatus<Receipt> {
	/// The engine has no job for this request.
	Unknown,
	/// Waiting for a thread.
	Queued,
	Running,
	Done(Receipt),
	Failed(JobFailure),
}

/// Where an executor's job stands.
pub type ExecutionStatus = JobStatus<ExecutionReceipt>;

/// Where a verifier's job stands.
pub type CheckStatus = JobStatus<CheckReceipt>;

/// What the node provides behind the host functions.
#[cfg(not(substrate_runtime))]
pub trait InferenceHost: Send + Sync {
	/// Accepts a job without waiting for it to run.
	fn submit_execution(&self, job: ExecutionJob) -> SubmitOutcome;

	/// Where the job for `request` stands.
	fn execution_status(&self, request: RequestId) -> ExecutionStatus;

	/// Accepts a check without waiting for it to run.
	fn submit_check(&self, job: CheckJob) -> SubmitOutcome;

	/// Where the check of `request` stands.
	fn check_status(&self, request: RequestId) -> CheckStatus;
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
	fn execution_status(
		&mut self,
		request: RequestId,
	) -> AllocateAndReturnByCodec<ExecutionStatus> {
		match self.extension::<InferenceHostExt>() {
			Some(host) => host.execution_status(request),
			None => JobStatus::Unknown,
		}
	}

	/// Hands the engine an executor's output to check in the background.
	fn submit_check(
		&mut self,
		job: PassFatPointerAndDecode<CheckJob>,
	) -> AllocateAndReturnByCodec<SubmitOutcome> {
		match self.extension::<InferenceHostExt>() {
			Some(host) => host.submit_check(job),
			None => SubmitOutcome::NoEngine,
		}
	}

	/// Where the check of `request` stands.
	fn check_status(&mut self, request: RequestId) -> AllocateAndReturnByCodec<CheckStatus> {
		match self.extension::<InferenceHostExt>() {
			Some(host) => host.check_status(request),
			None => JobStatus::Unknown,
		}
	}
}

/// An engine whose answers a test sets, for off-chain worker tests.
#[cfg(feature = "testing")]
pub mod testing {
	use std::{
		collections::HashMap,
		sync::{Mutex, MutexGuard},
	};

	use super::*;

	/// Records the jobs it is handed; answers the statuses the test set.
	#[derive(Default)]
	pub struct StandInEngine {
		executions: Mutex<HashMap<RequestId, ExecutionStatus>>,
		checks: Mutex<HashMap<RequestId, CheckStatus>>,
		execution_jobs: Mutex<Vec<ExecutionJob>>,
		check_jobs: Mutex<Vec<CheckJob>>,
	}

	fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
		mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
	}

	/// Queues a job unless one is known and not waiting for a store.
	fn queue<R: Clone>(
		statuses: &Mutex<HashMap<RequestId, JobStatus<R>>>,
		request: RequestId,
	) -> bool {
		let mut statuses = lock(statuses);
		let retry = matches!(
			statuses.get(&request),
			None | Some(JobStatus::Failed(JobFailure::Unavailable(_)))
		);
		if retry {
			statuses.insert(request, JobStatus::Queued);
		}
		retry
	}

	impl StandInEngine {
		pub fn set_execution(&self, request: RequestId, status: ExecutionStatus) {
			lock(&self.executions).insert(request, status);
		}

		pub fn set_check(&self, request: RequestId, status: CheckStatus) {
			lock(&self.checks).insert(request, status);
		}

		pub fn execution_jobs(&self) -> Vec<ExecutionJob> {
			lock(&self.execution_jobs).clone()
		}

		pub fn check_jobs(&self) -> Vec<CheckJob> {
			lock(&self.check_jobs).clone()
		}
	}

	impl InferenceHost for StandInEngine {
		fn submit_execution(&self, job: ExecutionJob) -> SubmitOutcome {
			if !queue(&self.executions, job.request) {
				return SubmitOutcome::AlreadyKnown;
			}
			lock(&self.execution_jobs).push(job);
			SubmitOutcome::Queued
		}

		fn execution_status(&self, request: RequestId) -> ExecutionStatus {
			lock(&self.executions).get(&request).cloned().unwrap_or(JobStatus::Unknown)
		}

		fn submit_check(&self, job: CheckJob) -> SubmitOutcome {
			if !queue(&self.checks, job.request) {
				return SubmitOutcome::AlreadyKnown;
			}
			lock(&self.check_jobs).push(job);
			SubmitOutcome::Queued
		}

		fn check_status(&self, request: RequestId) -> CheckStatus {
			lock(&self.checks).get(&request).cloned().unwrap_or(JobStatus::Unknown)
		}
	}
}
