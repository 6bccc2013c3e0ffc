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
//! The node's WASM executor must offer these functions, and the
//! verifier's VRF ([`veritas_sortition`]): `(sp_io::SubstrateHostFunctions,
//! veritas_primitives::host::veritas_engine::HostFunctions,
//! veritas_primitives::host::veritas_sortition::HostFunctions)`.

use alloc::vec::Vec;
use codec::{Decode, Encode};
use scale_info::TypeInfo;
#[cfg(not(substrate_runtime))]
use sp_externalities::ExternalitiesExt;
use sp_runtime_interface::{
	pass_by::{AllocateAndReturnByCodec, PassFatPointerAndDecode, PassPointerAndReadCopy},
	runtime_interface,
};

use crate::{
	inference::{Attestation, DeliveredOutput, InferenceParams, RequestInput, UnrunnableReason},
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
	/// The output's canonical encoding, or (when the request asked for it
	/// by reference, or it is too large to go inline) where it is stored.
	pub output: DeliveredOutput,
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
	/// The executor's output, as committed on-chain (inline, or stored by
	/// reference with the tokens it claims); empty if it reported the
	/// request unrunnable.
	pub claimed_output: DeliveredOutput,
	/// The executor's report that it could not run the request: the check
	/// then runs it, and finds the report false if it runs.
	pub reported: Option<UnrunnableReason>,
}

/// What a job's result depends on: the request, and the digest of
/// everything the job was given (the model and its files, the input, the
/// parameters and, for a check, the executor's output).
///
/// On sibling forks one request id can name two different requests, and a
/// worker runs on whichever fork it was woken for. Keyed by the id alone,
/// the output computed for one fork's request would be posted on the other,
/// where it is a wrong answer and slashed as fraud. Keyed by what the result
/// depends on, each fork's request gets its own job.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Encode, Decode, TypeInfo)]
pub struct JobKey {
	pub request: RequestId,
	pub job: Digest,
}

impl JobKey {
	/// The key of a job for `request` whose SCALE encoding is `job`.
	fn of(request: RequestId, job: &[u8]) -> Self {
		use sp_runtime::traits::Hash;
		Self { request, job: sp_runtime::traits::BlakeTwo256::hash(job).0 }
	}
}

impl core::fmt::Display for JobKey {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		write!(f, "request {} (job ", self.request)?;
		for byte in &self.job[..4] {
			write!(f, "{byte:02x}")?;
		}
		write!(f, "…)")
	}
}

impl ExecutionJob {
	/// This job's key.
	pub fn key(&self) -> JobKey {
		JobKey::of(self.request, &self.encode())
	}
}

impl CheckJob {
	/// This check's key.
	pub fn key(&self) -> JobKey {
		JobKey::of(self.request, &self.encode())
	}
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
	/// The executor's output, stored by reference, could not be fetched.
	/// The executor committed to it: once fetching has failed as often as
	/// an executor tries before it reports a file unavailable, the verifier
	/// finds against it.
	OutputUnavailable(Vec<u8>),
	/// The input does not suit the model (wrong kind, undecodable, empty).
	BadInput(Vec<u8>),
	/// The model could not be loaded or run.
	Engine(Vec<u8>),
}

impl JobFailure {
	/// The class of failure the chain records when a job cannot be run.
	pub fn reason(&self) -> UnrunnableReason {
		match self {
			JobFailure::DigestMismatch(_) => UnrunnableReason::DigestMismatch,
			JobFailure::BadInput(_) => UnrunnableReason::BadInput,
			JobFailure::Engine(_) => UnrunnableReason::ModelFailed,
			JobFailure::Unavailable(_) | JobFailure::OutputUnavailable(_) => {
				UnrunnableReason::Unavailable
			},
		}
	}

	/// Whether trying again may help: the store could not give a file now,
	/// and may later.
	pub fn is_retryable(&self) -> bool {
		matches!(self, JobFailure::Unavailable(_) | JobFailure::OutputUnavailable(_))
	}

	/// The failure as one line for the operator's log.
	pub fn describe(&self) -> alloc::string::String {
		let (what, text) = match self {
			JobFailure::DigestMismatch(text) => ("refused, digest mismatch", text),
			JobFailure::Unavailable(text) => ("could not fetch", text),
			JobFailure::OutputUnavailable(text) => ("could not fetch the executor's output", text),
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
	/// The engine already has this job (queued, running or done).
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

	/// Where the job `key` names stands.
	fn execution_status(&self, key: JobKey) -> ExecutionStatus;

	/// Accepts a check without waiting for it to run.
	fn submit_check(&self, job: CheckJob) -> SubmitOutcome;

	/// Where the check `key` names stands.
	fn check_status(&self, key: JobKey) -> CheckStatus;
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

	/// Where the job `key` names stands.
	fn execution_status(
		&mut self,
		key: PassFatPointerAndDecode<JobKey>,
	) -> AllocateAndReturnByCodec<ExecutionStatus> {
		match self.extension::<InferenceHostExt>() {
			Some(host) => host.execution_status(key),
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

	/// Where the check `key` names stands.
	fn check_status(
		&mut self,
		key: PassFatPointerAndDecode<JobKey>,
	) -> AllocateAndReturnByCodec<CheckStatus> {
		match self.extension::<InferenceHostExt>() {
			Some(host) => host.check_status(key),
			None => JobStatus::Unknown,
		}
	}
}

/// The verifier's side of private committee sortition
/// ([`crate::sortition`]): its VRF over a round's input, made with the
/// `vrvf` key in the node's keystore. Off-chain workers only; outside one,
/// or without the key, there is no proof.
#[runtime_interface]
pub trait VeritasSortition {
	/// The VRF proof of the keystore's `vrvf` key `public` over `input`.
	fn prove(
		&mut self,
		public: PassPointerAndReadCopy<[u8; 32], 32>,
		input: PassFatPointerAndDecode<crate::sortition::SortitionInput>,
	) -> AllocateAndReturnByCodec<Option<crate::sortition::SortitionProof>> {
		proofs::prove(*self, public, input).map(|(proof, _)| proof)
	}

	/// The proof of `public`'s VRF over `input` if its output falls under
	/// `threshold` (little-endian): whether the key sits in the round,
	/// decided natively. A verifier's worker asks this of every open round
	/// on every block; checking its own proof in the runtime, as the chain
	/// checks others', cost it more than the block.
	fn selected_proof(
		&mut self,
		public: PassPointerAndReadCopy<[u8; 32], 32>,
		input: PassFatPointerAndDecode<crate::sortition::SortitionInput>,
		threshold: PassPointerAndReadCopy<[u8; 16], 16>,
	) -> AllocateAndReturnByCodec<Option<crate::sortition::SortitionProof>> {
		let (proof, output) = proofs::prove(*self, public, input)?;
		crate::sortition::is_selected(output, u128::from_le_bytes(threshold)).then_some(proof)
	}
}

/// The VRF proofs this node made, newest kept. A verifier's worker asks for
/// its proof in every open round on every block until it attests, and a VRF
/// proof is curve arithmetic (plus, through a keystore that keeps no derived
/// keys, thousands of hash rounds to derive the key from its phrase), so each
/// round's proof is made once. Any valid proof will do, so a kept one is as
/// good as a new one.
#[cfg(not(substrate_runtime))]
mod proofs {
	use std::{
		collections::{HashMap, VecDeque},
		sync::{LazyLock, Mutex},
	};

	use sp_externalities::{Externalities, ExternalitiesExt};

	use crate::sortition::{SortitionInput, SortitionProof};

	/// A few blocks of a busy node's rounds, for each of several keys
	/// (about 10 MiB at most).
	const KEPT: usize = 65_536;

	type Key = ([u8; 32], SortitionInput);

	#[derive(Default)]
	struct Kept {
		proofs: HashMap<Key, (SortitionProof, u128)>,
		order: VecDeque<Key>,
	}

	static KEPT_PROOFS: LazyLock<Mutex<Kept>> = LazyLock::new(Default::default);

	fn kept() -> std::sync::MutexGuard<'static, Kept> {
		KEPT_PROOFS.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
	}

	/// The keystore's proof of `public`'s VRF over `input`, with its
	/// output's bits: kept from an earlier call, or made now.
	pub fn prove(
		mut externalities: &mut dyn Externalities,
		public: [u8; 32],
		input: SortitionInput,
	) -> Option<(SortitionProof, u128)> {
		if let Some(made) = kept().proofs.get(&(public, input)) {
			return Some(*made);
		}
		let keystore = externalities.extension::<sp_keystore::KeystoreExt>()?;
		let key = sp_core::sr25519::Public::from_raw(public);
		let signature = keystore
			.sr25519_vrf_sign(
				crate::keys::VERIFIER_KEY_TYPE,
				&key,
				&input.transcript().into_sign_data(),
			)
			.ok()
			.flatten()?;
		let output = crate::sortition::output(&key, &input, &signature.pre_output)?;
		let made = (signature.into(), output);
		let mut kept = kept();
		if kept.proofs.insert((public, input), made).is_none() {
			kept.order.push_back((public, input));
		}
		while kept.order.len() > KEPT {
			if let Some(oldest) = kept.order.pop_front() {
				kept.proofs.remove(&oldest);
			}
		}
		Some(made)
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

	/// Records the jobs it is handed; answers the statuses the test set,
	/// for one job (`set_execution_of`, `set_check_of`) or for every job of
	/// a request id (`set_execution`, `set_check`).
	#[derive(Default)]
	pub struct StandInEngine {
		executions: Statuses<ExecutionReceipt>,
		checks: Statuses<CheckReceipt>,
		execution_jobs: Mutex<Vec<ExecutionJob>>,
		check_jobs: Mutex<Vec<CheckJob>>,
		quick_receipt: Mutex<Option<ExecutionReceipt>>,
	}

	/// Statuses by job, with answers for whole request ids beneath them.
	struct Statuses<Receipt> {
		by_job: Mutex<HashMap<JobKey, JobStatus<Receipt>>>,
		by_request: Mutex<HashMap<RequestId, JobStatus<Receipt>>>,
	}

	impl<Receipt> Default for Statuses<Receipt> {
		fn default() -> Self {
			Self { by_job: Mutex::new(HashMap::new()), by_request: Mutex::new(HashMap::new()) }
		}
	}

	impl<Receipt: Clone> Statuses<Receipt> {
		fn get(&self, key: JobKey) -> JobStatus<Receipt> {
			lock(&self.by_job)
				.get(&key)
				.or(lock(&self.by_request).get(&key.request))
				.cloned()
				.unwrap_or(JobStatus::Unknown)
		}

		/// Queues a job unless one is known and not waiting for a store.
		fn queue(&self, key: JobKey) -> bool {
			let retry = match self.get(key) {
				JobStatus::Unknown => true,
				JobStatus::Failed(failure) => failure.is_retryable(),
				_ => false,
			};
			if retry {
				lock(&self.by_request).remove(&key.request);
				lock(&self.by_job).insert(key, JobStatus::Queued);
			}
			retry
		}

		fn set_request(&self, request: RequestId, status: JobStatus<Receipt>) {
			lock(&self.by_job).retain(|key, _| key.request != request);
			lock(&self.by_request).insert(request, status);
		}
	}

	fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
		mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
	}

	impl StandInEngine {
		/// What every execution job of `request` answers.
		pub fn set_execution(&self, request: RequestId, status: ExecutionStatus) {
			self.executions.set_request(request, status);
		}

		/// What the execution job `key` answers.
		pub fn set_execution_of(&self, key: JobKey, status: ExecutionStatus) {
			lock(&self.executions.by_job).insert(key, status);
		}

		/// What every check of `request` answers.
		pub fn set_check(&self, request: RequestId, status: CheckStatus) {
			self.checks.set_request(request, status);
		}

		/// What the check `key` answers.
		pub fn set_check_of(&self, key: JobKey, status: CheckStatus) {
			lock(&self.checks.by_job).insert(key, status);
		}

		/// Finishes every execution job handed over from now on at once,
		/// with `receipt`: an engine faster than a worker's wait.
		pub fn finish_executions_with(&self, receipt: ExecutionReceipt) {
			*lock(&self.quick_receipt) = Some(receipt);
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
			let key = job.key();
			if !self.executions.queue(key) {
				return SubmitOutcome::AlreadyKnown;
			}
			lock(&self.execution_jobs).push(job);
			if let Some(receipt) = lock(&self.quick_receipt).clone() {
				self.set_execution_of(key, JobStatus::Done(receipt));
			}
			SubmitOutcome::Queued
		}

		fn execution_status(&self, key: JobKey) -> ExecutionStatus {
			self.executions.get(key)
		}

		fn submit_check(&self, job: CheckJob) -> SubmitOutcome {
			if !self.checks.queue(job.key()) {
				return SubmitOutcome::AlreadyKnown;
			}
			lock(&self.check_jobs).push(job);
			SubmitOutcome::Queued
		}

		fn check_status(&self, key: JobKey) -> CheckStatus {
			self.checks.get(key)
		}
	}
}
