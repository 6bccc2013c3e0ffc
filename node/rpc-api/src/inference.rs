//! `inference_*`: what dApps ask a node about models, fees, requests and
//! proofs. The node answers from the runtime's `InferenceApi` at its best
//! block (and, for proofs, from its model store).

use jsonrpsee::{core::RpcResult, proc_macros::rpc};
use serde::{Deserialize, Serialize};
use veritas_primitives::{
	inference::{Attestation, InferenceParams, RequestStatus},
	model::{
		Architecture, ComparisonRule, ModelFormat, ModelId, ModelLineId, ModelStatus, ModelVersion,
		TaskKind,
	},
	settlement::RequestId,
	subscription::{RequestRefused, SubscriptionId, SubscriptionStatus},
	verification::VerificationStage,
	BlockNumber,
};

use crate::{oracle::Reading, Amount};

/// Error codes of the `inference_*` methods.
pub mod codes {
	pub const UNKNOWN_MODEL: i32 = 4001;
	pub const UNKNOWN_REQUEST: i32 = 4002;
	pub const BAD_PARAMS: i32 = 4003;
	pub const MODEL_NOT_ACTIVE: i32 = 4004;
	pub const NO_RESULT: i32 = 4005;
	pub const PROOF_UNAVAILABLE: i32 = 4006;
	pub const PROOF_INVALID: i32 = 4007;
	pub const UNKNOWN_SUBSCRIPTION: i32 = 4008;
	pub const RUNTIME: i32 = 4010;
}

#[rpc(server, client, namespace = "inference")]
pub trait InferenceApi {
	/// What a request to `model` with `params` costs: the model's price, the
	/// verifiers' fee, the protocol's share and the total `max_fee` must cover.
	#[method(name = "estimateFee", blocking)]
	fn estimate_fee(
		&self,
		model: ModelId,
		params: Option<InferenceParams>,
	) -> RpcResult<FeeEstimate>;

	/// A model version's record.
	#[method(name = "getModel", blocking)]
	fn get_model(&self, model: ModelId) -> RpcResult<ModelInfo>;

	/// Model versions from id `start` on, at most `limit` (100), optionally
	/// only of one task (`embedding`, `generation`, `classification`,
	/// `regression`) or status (`active`, `deprecated`, `retired`).
	#[method(name = "listModels", blocking)]
	fn list_models(
		&self,
		start: Option<ModelId>,
		limit: Option<u32>,
		task: Option<String>,
		status: Option<String>,
	) -> RpcResult<ModelList>;

	/// A request: status, executor, result, digests, proof CID, verification
	/// (committee and attestations) and payouts. A request waiting for an
	/// executor has none, and `waitingPlace` says how many wait ahead of it.
	#[method(name = "getRequest", blocking)]
	fn get_request(&self, request: RequestId) -> RpcResult<RequestInfo>;

	/// A request's proof document, fetched from the node's store and checked
	/// against the digest on-chain.
	#[method(name = "getProof", blocking)]
	fn get_proof(&self, request: RequestId) -> RpcResult<ProofAnswer>;

	/// A subscription (recurring inference): what each run asks, its
	/// period, budget and status, and every run made so far with its
	/// request (status, result, the feed value it scored, settlement) while
	/// the request is kept.
	#[method(name = "getSubscription", blocking)]
	fn get_subscription(&self, subscription: SubscriptionId) -> RpcResult<SubscriptionInfo>;

	/// Updates about a request: one at each change of its status in the best
	/// chain (`"finalized": false`) and in the finalized chain (`true`), until
	/// a settled or expired status is finalized.
	#[subscription(
		name = "subscribeRequest" => "request",
		unsubscribe = "unsubscribeRequest",
		item = RequestUpdate
	)]
	fn subscribe_request(&self, request: RequestId);
}

/// `inference_estimateFee`: what a request costs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FeeEstimate {
	/// The model's price (per request, and per token for generation).
	pub model: Amount,
	/// The verifiers' fee.
	pub verification: Amount,
	/// The protocol's share.
	pub protocol: Amount,
	/// What `max_fee` must cover.
	pub total: Amount,
}

/// `inference_getModel`: a model version.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelInfo {
	pub id: ModelId,
	/// The model line this is a version of.
	pub line: ModelLineId,
	pub version: ModelVersion,
	/// The publisher (SS58).
	pub owner: String,
	/// `embedding`, `generation`, `classification` or `regression`.
	pub task: String,
	/// The task with its shape (dimensions, classes, token limits).
	pub shape: TaskKind,
	pub format: ModelFormat,
	pub architecture: Architecture,
	pub files: ModelFiles,
	pub price: Price,
	pub policy: Policy,
	pub status: ModelStatus,
	pub published_at: BlockNumber,
}

/// A model's files.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelFiles {
	pub weights: FileInfo,
	pub config: Option<FileInfo>,
	pub tokenizer: Option<FileInfo>,
}

/// One file: where it is stored, and what it must hash to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FileInfo {
	pub cid: String,
	/// blake2-256, `0x` hex.
	pub digest: String,
	pub size: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Price {
	pub per_request: Amount,
	pub per_output_token: Amount,
}

/// How results are verified and compared.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Policy {
	pub verification: Verification,
	pub comparison: ComparisonRule,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Verification {
	/// `k` of `n` verifiers re-run every result.
	Quorum { k: u8, n: u8 },
	/// A result stands unless challenged within the window, with the bond.
	#[serde(rename_all = "camelCase")]
	Optimistic { window_blocks: BlockNumber, challenge_bond: Amount },
	/// A share (`permill`) of results is checked by `k` of `n`.
	Sampled { permill: u32, k: u8, n: u8 },
}

/// `inference_listModels`: a page of models.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelList {
	pub models: Vec<ModelInfo>,
	/// The id to continue from, or `None` at the end.
	pub next: Option<ModelId>,
}

/// `inference_getRequest`: everything about a request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestInfo {
	pub id: RequestId,
	pub status: RequestStatus,
	pub model: ModelId,
	/// SS58.
	pub requester: String,
	/// SS58; `None` while the request waits for an executor.
	pub executor: Option<String>,
	pub max_fee: Amount,
	pub params: InferenceParams,
	/// The block that created it.
	pub created: BlockNumber,
	pub deadline: BlockNumber,
	/// The block it became final in, once it has.
	pub finished_at: Option<BlockNumber>,
	/// The data feed it took as input, if any.
	pub feed: Option<FeedUse>,
	pub result: Option<ResultInfo>,
	/// While verification runs (not in subscription updates).
	pub verification: Option<VerificationInfo>,
	pub settlement: Option<Settlement>,
	/// While it waits for an executor: how many requests wait ahead of it.
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub waiting_place: Option<u32>,
}

/// A data feed's value, taken as one of a request's features.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FeedUse {
	pub feed: u32,
	/// The feature it fills.
	pub position: u16,
	/// The reading used, as `oracle_latest` shows it.
	pub reading: Reading,
}

/// An executor's result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResultInfo {
	pub output: Output,
	/// Where the output is stored, when it was delivered by reference.
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub stored_output: Option<StoredOutputInfo>,
	pub output_digest: String,
	pub proof_cid: String,
	pub proof_digest: String,
	pub generated_tokens: u32,
	pub submitted_at: BlockNumber,
}

/// An output in readable form.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Output {
	Embedding(Vec<f32>),
	/// A probability per class.
	Classification(Vec<f32>),
	Regression(f32),
	Generation {
		tokens: Vec<u32>,
		text: String,
	},
	/// Bytes that do not decode as an output, `0x` hex.
	Raw(String),
	/// An output stored by reference that this answer does not carry: in a
	/// subscription's runs, in updates before the request settles, or when
	/// larger than an answer carries (`MAX_OUTPUT_IN_ANSWER`). Read the
	/// request with `inference_getRequest`, or fetch it by its CID and check
	/// it against `outputDigest`.
	NotFetched,
	/// An output stored by reference that the node could not fetch, or whose
	/// bytes are not what the executor committed to, and why.
	Unavailable(String),
}

/// An output delivered by reference: its CID and length in bytes. Its
/// blake2-256 is the result's `outputDigest`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredOutputInfo {
	pub cid: String,
	pub size: u64,
}

/// The largest output stored by reference that `inference_getRequest`
/// fetches and carries in its answer, in bytes of its canonical encoding:
/// the answer must stay within the node's RPC response limit.
pub const MAX_OUTPUT_IN_ANSWER: u64 = 1024 * 1024;

/// A verification in progress.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VerificationInfo {
	pub stage: VerificationStage,
	/// How many members the current round expects; who they are nobody
	/// knows until they attest.
	pub expected_members: u8,
	pub attestations: Vec<Attested>,
	/// The first round's attestations, after a dispute.
	pub first_round: Vec<Attested>,
	/// SS58.
	pub challenger: Option<String>,
	/// The block the current stage ends at.
	pub due: BlockNumber,
}

/// One verifier's attestation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Attested {
	/// SS58.
	pub verifier: String,
	pub attestation: Attestation,
}

/// How a request was settled.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Settlement {
	#[serde(rename_all = "camelCase")]
	Paid {
		executor: Amount,
		royalty: Amount,
		per_verifier: Amount,
		verifiers: u32,
		treasury: Amount,
		refund: Amount,
	},
	#[serde(rename_all = "camelCase")]
	Fraud {
		slashed: Amount,
		refund: Amount,
		challenger: Amount,
		per_verifier: Amount,
		verifiers: u32,
		treasury: Amount,
	},
	Refunded(Amount),
}

/// `inference_getProof`: a result's proof document, checked against the
/// chain.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProofAnswer {
	pub cid: String,
	/// blake2-256 of the document, `0x` hex: the digest on-chain.
	pub digest: String,
	/// The document as `veritas-engine`'s `ProofDocument` writes it.
	pub document: serde_json::Value,
}

/// `inference_subscribeRequest`: one change of a request's status.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RequestUpdate {
	pub block: BlockNumber,
	/// Whether `block` is finalized: a status in a best block may still be
	/// reverted.
	pub finalized: bool,
	pub request: RequestInfo,
}

/// `inference_getSubscription`: a subscription and its runs so far.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubscriptionInfo {
	pub id: SubscriptionId,
	/// SS58: who pays, and the requester of every run.
	pub subscriber: String,
	pub model: ModelId,
	/// What each run takes; a feed input is read at each run's block.
	pub input: InputInfo,
	pub params: InferenceParams,
	/// The most one run pays.
	pub max_fee_per_run: Amount,
	/// Each run's deadline, in blocks after the block that makes it.
	pub deadline_after: BlockNumber,
	/// Blocks between runs.
	pub period: BlockNumber,
	/// How many runs it pays for.
	pub total_runs: u32,
	/// The block the next run is due in, while it is active.
	pub next_run: Option<BlockNumber>,
	/// Still held for the runs to come.
	pub budget: Amount,
	pub created: BlockNumber,
	pub status: SubscriptionStatus<BlockNumber>,
	pub runs: Vec<RunInfo>,
}

/// One run of a subscription.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunInfo {
	/// Its number, from 0.
	pub run: u32,
	/// The block it was due in.
	pub due: BlockNumber,
	/// The block that made it (later than `due` if it spilled over).
	pub made_at: BlockNumber,
	/// The request it made; `None` if it was refused.
	pub request_id: Option<RequestId>,
	/// That request, while the chain keeps it.
	pub request: Option<RequestInfo>,
	/// Why the chain could not make it.
	pub refused: Option<RequestRefused>,
}

/// A request's input in readable form.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum InputInfo {
	/// A text model's input.
	Text(String),
	/// A tabular model's features.
	Numbers(Vec<f32>),
	/// An input in content-addressed storage.
	Stored(FileInfo),
	/// Features around a data feed's value, read when the request is made.
	#[serde(rename_all = "camelCase")]
	Feed { feed: u32, position: u16, max_age_blocks: u32, features: Vec<f32> },
	/// Bytes the model's task does not read (or the model is gone), `0x`
	/// hex.
	Raw(String),
}
