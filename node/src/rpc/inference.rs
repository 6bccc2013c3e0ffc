//! `inference_*`: what dApps ask a Veritas node about models, fees, requests
//! and proofs, answered from the runtime's `InferenceApi` at the best block
//! (and, for proofs, from the node's model store).
//!
//! Balances are decimal strings (they overflow JavaScript numbers), digests
//! `0x`-prefixed hex, accounts SS58. Unknown ids and bad parameters are
//! JSON-RPC errors with a message that says which.

use std::sync::Arc;

use codec::DecodeAll;
use futures::{FutureExt, StreamExt};
use jsonrpsee::{
	core::{async_trait, RpcResult},
	PendingSubscriptionSink, SubscriptionMessage,
};
use sc_client_api::BlockchainEvents;
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_core::traits::SpawnNamed;
use sp_runtime::traits::{Block as BlockT, Header as HeaderT};
use veritas_engine::{proof::ProofDocument, ModelStore};
use veritas_primitives::{
	inference::{
		F32Bits, FeeEstimateError, InferenceApi, InferenceOutput, InferenceParams, RequestInput,
		RequestStatus, ResultOutput,
	},
	model::{ModelId, ModelRecord, ModelStatus, TaskKind},
	request::{Request, ResultCommitment, Settled},
	settlement::{FeeQuote, RequestId},
	subscription::{RunOutcome, SubscriptionApi, SubscriptionId},
	verification::VerificationView,
	AccountId, Balance, BlockNumber,
};
use veritas_rpc_api::error;
use veritas_rpc_api::inference::{
	codes, Attested, FeeEstimate, FeedUse, FileInfo, InferenceApiServer, InputInfo, ModelFiles,
	ModelInfo, ModelList, Output, Policy, Price, ProofAnswer, RequestInfo, RequestUpdate,
	ResultInfo, RunInfo, Settlement, StoredOutputInfo, SubscriptionInfo, Verification,
	VerificationInfo, MAX_OUTPUT_IN_ANSWER,
};
use veritas_runtime::opaque::Block;

/// The largest proof document the node fetches.
const MAX_PROOF_BYTES: u64 = 1 << 20;

/// The most models one `inference_listModels` call returns.
const MAX_LISTED: u32 = 100;

/// The most pages of 100 ids one `inference_listModels` call reads.
const MAX_PAGES_SCANNED: usize = 20;

/// The `inference_*` methods.
pub struct Inference<C> {
	client: Arc<C>,
	store: Option<Arc<dyn ModelStore>>,
	executor: Arc<dyn SpawnNamed>,
}

impl<C> Inference<C> {
	pub fn new(
		client: Arc<C>,
		store: Option<Arc<dyn ModelStore>>,
		executor: Arc<dyn SpawnNamed>,
	) -> Self {
		Self { client, store, executor }
	}
}

type Hash = <Block as BlockT>::Hash;

/// Reads the runtime API at `at`.
fn read<C, R>(
	client: &C,
	at: Hash,
	call: impl FnOnce(&C::Api, Hash) -> Result<R, sp_api::ApiError>,
) -> RpcResult<R>
where
	C: ProvideRuntimeApi<Block>,
{
	let api = client.runtime_api();
	call(&api, at).map_err(|e| error(codes::RUNTIME, format!("runtime API: {e}")))
}

fn request_at<C>(client: &C, at: Hash, id: RequestId) -> RpcResult<Option<RequestOf>>
where
	C: ProvideRuntimeApi<Block>,
	C::Api: InferenceApi<Block, AccountId, Balance, BlockNumber>,
{
	read(client, at, |api, at| api.request(at, id))
}

type RequestOf = Request<AccountId, Balance, BlockNumber>;

#[async_trait]
impl<C> InferenceApiServer for Inference<C>
where
	C: ProvideRuntimeApi<Block>
		+ HeaderBackend<Block>
		+ BlockchainEvents<Block>
		+ Send
		+ Sync
		+ 'static,
	C::Api: InferenceApi<Block, AccountId, Balance, BlockNumber>
		+ SubscriptionApi<Block, AccountId, Balance, BlockNumber>,
{
	fn estimate_fee(
		&self,
		model: ModelId,
		params: Option<InferenceParams>,
	) -> RpcResult<FeeEstimate> {
		let best = self.client.info().best_hash;
		let params = params.unwrap_or_default();
		match read(&*self.client, best, |api, at| api.estimate_fee(at, model, params))? {
			Ok(quote) => Ok(fee_estimate(&quote)),
			Err(FeeEstimateError::UnknownModel) => {
				Err(error(codes::UNKNOWN_MODEL, format!("no model {model}")))
			},
			Err(FeeEstimateError::ModelNotActive) => {
				Err(error(codes::MODEL_NOT_ACTIVE, format!("model {model} takes no new requests")))
			},
			Err(FeeEstimateError::BadParams) => Err(error(
				codes::BAD_PARAMS,
				format!(
					"model {model} cannot run with these parameters (max_new_tokens must be \
					 between 1 and the model's limit for generation, 0 otherwise)"
				),
			)),
		}
	}

	fn get_model(&self, model: ModelId) -> RpcResult<ModelInfo> {
		let best = self.client.info().best_hash;
		read(&*self.client, best, |api, at| api.model(at, model))?
			.map(|record| model_info(model, &record))
			.ok_or_else(|| error(codes::UNKNOWN_MODEL, format!("no model {model}")))
	}

	fn list_models(
		&self,
		start: Option<ModelId>,
		limit: Option<u32>,
		task: Option<String>,
		status: Option<String>,
	) -> RpcResult<ModelList> {
		let task = task.map(|task| parse_task(&task)).transpose()?;
		let status = status.map(|status| parse_status(&status)).transpose()?;
		let limit = limit.unwrap_or(MAX_LISTED).clamp(1, MAX_LISTED) as usize;
		let best = self.client.info().best_hash;
		let mut models = Vec::new();
		let mut next = Some(start.unwrap_or(0));
		// A filter may match few models: look at a bounded number of pages,
		// and say where to continue.
		for _ in 0..MAX_PAGES_SCANNED {
			let Some(from) = next else { break };
			let (page, after) = read(&*self.client, best, |api, at| api.models(at, from, 100))?;
			next = after;
			for (id, record) in page {
				let fits = task.is_none_or(|task| task_name(&record.task) == task)
					&& status.is_none_or(|status| record.status == status);
				if fits {
					models.push(model_info(id, &record));
				}
				if models.len() == limit {
					next = Some(id + 1);
					break;
				}
			}
			if models.len() == limit {
				break;
			}
		}
		Ok(ModelList { models, next })
	}

	fn get_request(&self, request: RequestId) -> RpcResult<RequestInfo> {
		let best = self.client.info().best_hash;
		let record = request_at(&*self.client, best, request)?
			.ok_or_else(|| error(codes::UNKNOWN_REQUEST, format!("no request {request}")))?;
		let verification = read(&*self.client, best, |api, at| api.verification(at, request))?;
		let mut info = request_info(request, &record, verification.as_ref(), self.store.as_deref());
		if record.status == RequestStatus::Waiting {
			// A runtime from before waiting lines has no answer: no place.
			info.waiting_place =
				self.client.runtime_api().waiting_place(best, request).ok().flatten();
		}
		Ok(info)
	}

	fn get_subscription(&self, id: SubscriptionId) -> RpcResult<SubscriptionInfo> {
		let best = self.client.info().best_hash;
		let view = read(&*self.client, best, |api, at| api.subscription(at, id))?
			.ok_or_else(|| error(codes::UNKNOWN_SUBSCRIPTION, format!("no subscription {id}")))?;
		let record = view.subscription;
		let mut runs = Vec::with_capacity(view.runs.len());
		for (number, run) in view.runs.iter().enumerate() {
			let (request_id, refused) = match run.outcome {
				RunOutcome::Requested(request) => (Some(request), None),
				RunOutcome::Refused(reason) => (None, Some(reason)),
			};
			let request = match request_id {
				Some(request) => request_at(&*self.client, best, request)?
					.map(|made| request_info(request, &made, None, None)),
				None => None,
			};
			runs.push(RunInfo {
				run: number as u32,
				due: run.due,
				made_at: run.made_at,
				request_id,
				request,
				refused,
			});
		}
		let task = read(&*self.client, best, |api, at| api.model(at, record.spec.model))?
			.map(|model| model.task);
		let active = record.status.finished_at().is_none();
		Ok(SubscriptionInfo {
			id,
			subscriber: record.subscriber.to_string(),
			model: record.spec.model,
			input: input_info(&record.spec.input, task.as_ref()),
			params: record.spec.params,
			max_fee_per_run: record.spec.max_fee.into(),
			deadline_after: record.spec.deadline_after,
			period: record.period,
			total_runs: record.runs,
			next_run: active.then_some(record.next_run),
			budget: record.budget.into(),
			created: record.created,
			status: record.status,
			runs,
		})
	}

	fn get_proof(&self, request: RequestId) -> RpcResult<ProofAnswer> {
		let best = self.client.info().best_hash;
		let record = request_at(&*self.client, best, request)?
			.ok_or_else(|| error(codes::UNKNOWN_REQUEST, format!("no request {request}")))?;
		let result = record.result.ok_or_else(|| {
			error(codes::NO_RESULT, format!("request {request} has no result yet"))
		})?;
		let store = self
			.store
			.as_ref()
			.ok_or_else(|| error(codes::PROOF_UNAVAILABLE, "this node keeps no model store"))?;
		let cid = String::from_utf8_lossy(&result.proof_cid).into_owned();
		let bytes = store
			.fetch(&cid, &result.proof_digest, MAX_PROOF_BYTES)
			.map_err(|e| error(codes::PROOF_UNAVAILABLE, format!("proof document {cid}: {e}")))?;
		let document = ProofDocument::from_bytes(&bytes)
			.map_err(|e| error(codes::PROOF_INVALID, format!("proof document {cid}: {e}")))?;
		let stored_cid = result.output.stored_cid().map(|cid| String::from_utf8_lossy(cid));
		let matches_chain = document.describes(&result.output_digest, stored_cid.as_deref());
		if !matches_chain || document.request != request {
			return Err(error(
				codes::PROOF_INVALID,
				format!("proof document {cid} does not match request {request}'s result on-chain"),
			));
		}
		let document = serde_json::to_value(&document)
			.map_err(|e| error(codes::PROOF_INVALID, format!("proof document {cid}: {e}")))?;
		Ok(ProofAnswer { cid, digest: hex(&result.proof_digest), document })
	}

	fn subscribe_request(&self, pending: PendingSubscriptionSink, request: RequestId) {
		let client = self.client.clone();
		let task = async move {
			let info = client.info();
			let first = match request_at(&*client, info.best_hash, request) {
				Ok(Some(record)) => record,
				Ok(None) => {
					let _ = pending
						.reject(error(codes::UNKNOWN_REQUEST, format!("no request {request}")))
						.await;
					return;
				},
				Err(rejection) => {
					let _ = pending.reject(rejection).await;
					return;
				},
			};
			let Ok(sink) = pending.accept().await else { return };
			let send = |record: &RequestOf, number: BlockNumber, finalized: bool| {
				let update = RequestUpdate {
					block: number,
					finalized,
					request: request_info(request, record, None, None),
				};
				SubscriptionMessage::from_json(&update)
			};
			// What the best chain says, then what the finalized chain says:
			// a status in a best block may still be reverted; the updates
			// end only once a settled or expired status is finalized.
			let mut best = first.status;
			let Ok(message) = send(&first, info.best_number, false) else { return };
			if sink.send(message).await.is_err() {
				return;
			}
			let mut finalized = None;
			if let Ok(Some(record)) = request_at(&*client, info.finalized_hash, request) {
				finalized = Some(record.status);
				let Ok(message) = send(&record, info.finalized_number, true) else { return };
				if sink.send(message).await.is_err() || record.status.is_final() {
					return;
				}
			}
			let new_best = client
				.import_notification_stream()
				.filter(|n| futures::future::ready(n.is_new_best))
				.map(|n| (n.hash, *n.header.number(), false));
			let new_finalized =
				client.finality_notification_stream().map(|n| (n.hash, *n.header.number(), true));
			let mut blocks = futures::stream::select(new_best, new_finalized);
			while let Some((hash, number, is_finalized)) = blocks.next().await {
				let record = match request_at(&*client, hash, request) {
					Ok(Some(record)) => record,
					// Not finalized yet, or pruned from a best block (it is
					// final there; the finalized chain will say so).
					Ok(None) if !is_finalized || finalized.is_none() => continue,
					// Pruned when finalized: it was final, and said so.
					_ => return,
				};
				if is_finalized {
					if finalized == Some(record.status) {
						continue;
					}
					finalized = Some(record.status);
				} else {
					if best == record.status {
						continue;
					}
					best = record.status;
				}
				let Ok(message) = send(&record, number, is_finalized) else { return };
				if sink.send(message).await.is_err() || (is_finalized && record.status.is_final()) {
					return;
				}
			}
		};
		self.executor.spawn("inference-subscription", Some("rpc"), task.boxed());
	}
}

fn hex(bytes: &[u8]) -> String {
	format!("0x{}", veritas_engine::digest::to_hex(bytes))
}

fn fee_estimate(quote: &FeeQuote<Balance>) -> FeeEstimate {
	FeeEstimate {
		model: quote.model.into(),
		verification: quote.verification.into(),
		protocol: quote.protocol.into(),
		total: quote.total.into(),
	}
}

fn task_name(task: &TaskKind) -> &'static str {
	match task {
		TaskKind::TextEmbedding { .. } => "embedding",
		TaskKind::TextGeneration { .. } => "generation",
		TaskKind::TabularClassification { .. } => "classification",
		TaskKind::TabularRegression { .. } => "regression",
		TaskKind::TabularEmbedding { .. } => "numeric-embedding",
	}
}

fn parse_task(task: &str) -> RpcResult<&'static str> {
	["embedding", "generation", "classification", "regression", "numeric-embedding"]
		.into_iter()
		.find(|name| *name == task)
		.ok_or_else(|| {
			error(
				codes::BAD_PARAMS,
				format!(
					"unknown task {task:?}: embedding, generation, classification, regression \
					 or numeric-embedding"
				),
			)
		})
}

fn parse_status(status: &str) -> RpcResult<ModelStatus> {
	match status {
		"active" => Ok(ModelStatus::Active),
		"deprecated" => Ok(ModelStatus::Deprecated),
		"retired" => Ok(ModelStatus::Retired),
		other => Err(error(
			codes::BAD_PARAMS,
			format!("unknown status {other:?}: active, deprecated or retired"),
		)),
	}
}

fn file_info(file: &veritas_primitives::model::FileRef) -> FileInfo {
	FileInfo {
		cid: String::from_utf8_lossy(&file.cid).into_owned(),
		digest: hex(&file.digest),
		size: file.size,
	}
}

fn model_info(id: ModelId, record: &ModelRecord<AccountId, Balance, BlockNumber>) -> ModelInfo {
	let file = file_info;
	ModelInfo {
		id,
		line: record.line,
		version: record.version,
		owner: record.owner.to_string(),
		task: task_name(&record.task).to_string(),
		shape: record.task,
		format: record.format,
		architecture: record.architecture.clone(),
		files: ModelFiles {
			weights: file(&record.files.weights),
			config: record.files.config.as_ref().map(file),
			tokenizer: record.files.tokenizer.as_ref().map(file),
		},
		price: Price {
			per_request: record.pricing.per_request.into(),
			per_output_token: record.pricing.per_output_token.into(),
		},
		policy: policy(record),
		status: record.status,
		published_at: record.published_at,
	}
}

fn policy(record: &ModelRecord<AccountId, Balance, BlockNumber>) -> Policy {
	use veritas_primitives::model::VerificationPolicy;
	let verification = match record.policy.verification {
		VerificationPolicy::Quorum { k, n } => Verification::Quorum { k, n },
		VerificationPolicy::Optimistic { window_blocks, challenge_bond } => {
			Verification::Optimistic { window_blocks, challenge_bond: challenge_bond.into() }
		},
		VerificationPolicy::Sampled { permill, k, n } => {
			Verification::Sampled { permill: permill.deconstruct(), k, n }
		},
	};
	Policy { verification, comparison: record.policy.comparison }
}

/// The output in readable form: numbers, or generated tokens and text.
fn output(bytes: &[u8]) -> Output {
	match InferenceOutput::decode_all(&mut &bytes[..]) {
		Ok(InferenceOutput::Embedding(values)) => {
			Output::Embedding(values.iter().map(|v| v.to_f32()).collect())
		},
		Ok(InferenceOutput::Classification(values)) => {
			Output::Classification(values.iter().map(|v| v.to_f32()).collect())
		},
		Ok(InferenceOutput::Regression(value)) => Output::Regression(value.to_f32()),
		Ok(InferenceOutput::Generation { tokens, text }) => {
			Output::Generation { tokens, text: String::from_utf8_lossy(&text).into_owned() }
		},
		Err(_) => Output::Raw(hex(bytes)),
	}
}

/// `input` as people read it: text, numbers, a stored file or a feed's
/// place among numbers, decoded for `task` (the model's, if it is still
/// registered).
fn input_info(input: &RequestInput, task: Option<&TaskKind>) -> InputInfo {
	let numbers = |bytes: &[u8]| {
		Vec::<F32Bits>::decode_all(&mut &bytes[..])
			.ok()
			.map(|values| values.into_iter().map(F32Bits::to_f32).collect::<Vec<_>>())
	};
	let takes_numbers = task.is_some_and(|task| task.numeric_inputs().is_some());
	match input {
		RequestInput::Inline(bytes) if takes_numbers => {
			numbers(bytes).map_or_else(|| InputInfo::Raw(hex(bytes)), InputInfo::Numbers)
		},
		RequestInput::Inline(bytes) if task.is_some() => match core::str::from_utf8(bytes) {
			Ok(text) => InputInfo::Text(text.to_string()),
			Err(_) => InputInfo::Raw(hex(bytes)),
		},
		RequestInput::Inline(bytes) => InputInfo::Raw(hex(bytes)),
		RequestInput::Stored(file) => InputInfo::Stored(file_info(file)),
		RequestInput::Feed { feed_id, max_age_blocks, features, position } => InputInfo::Feed {
			feed: *feed_id,
			position: *position,
			max_age_blocks: *max_age_blocks,
			features: numbers(features).unwrap_or_default(),
		},
	}
}

/// A result's output as people read it, and where it is stored if it was
/// delivered by reference. A stored output is fetched from `store` (at most
/// [`MAX_OUTPUT_IN_ANSWER`] bytes, and only if it hashes to the digest
/// committed to); without a store it is not fetched.
fn result_output(
	result: &ResultCommitment<BlockNumber>,
	store: Option<&dyn ModelStore>,
) -> (Output, Option<StoredOutputInfo>) {
	let (cid, size) = match &result.output {
		ResultOutput::Inline(bytes) => return (output(bytes), None),
		ResultOutput::Stored { cid, size } => (String::from_utf8_lossy(cid).into_owned(), *size),
	};
	let info = Some(StoredOutputInfo { cid: cid.clone(), size });
	let Some(store) = store.filter(|_| size <= MAX_OUTPUT_IN_ANSWER) else {
		return (Output::NotFetched, info);
	};
	let shown = match store.fetch(&cid, &result.output_digest, size) {
		Ok(bytes) if bytes.len() as u64 == size => output(&bytes),
		Ok(bytes) => Output::Unavailable(format!(
			"{cid}: {} bytes, not the {size} committed to",
			bytes.len()
		)),
		Err(failure) => Output::Unavailable(failure.to_string()),
	};
	(shown, info)
}

fn request_info(
	id: RequestId,
	record: &RequestOf,
	verification: Option<&VerificationView<AccountId, BlockNumber>>,
	store: Option<&dyn ModelStore>,
) -> RequestInfo {
	let result = record.result.as_ref().map(|result| {
		let (output, stored_output) = result_output(result, store);
		ResultInfo {
			output,
			stored_output,
			output_digest: hex(&result.output_digest),
			proof_cid: String::from_utf8_lossy(&result.proof_cid).into_owned(),
			proof_digest: hex(&result.proof_digest),
			generated_tokens: result.generated_tokens,
			submitted_at: result.submitted_at,
		}
	});
	let votes = |votes: &[(AccountId, veritas_primitives::inference::Attestation)]| {
		votes
			.iter()
			.map(|(who, attestation)| Attested {
				verifier: who.to_string(),
				attestation: *attestation,
			})
			.collect::<Vec<_>>()
	};
	let verification = verification.map(|view| VerificationInfo {
		stage: view.stage,
		expected_members: view.expected,
		attestations: votes(&view.attestations),
		first_round: votes(&view.first_round),
		challenger: view.challenger.as_ref().map(|who| who.to_string()),
		due: view.due,
	});
	let settlement = record.settled.as_ref().map(|settled| match settled {
		Settled::Paid(payouts) => Settlement::Paid {
			executor: payouts.executor.into(),
			royalty: payouts.royalty.into(),
			per_verifier: payouts.per_verifier.into(),
			verifiers: payouts.verifiers,
			treasury: payouts.treasury.into(),
			refund: payouts.refund.into(),
		},
		Settled::Fraud(payouts) => Settlement::Fraud {
			slashed: payouts.slashed.into(),
			refund: payouts.refund.into(),
			challenger: payouts.challenger.into(),
			per_verifier: payouts.per_verifier.into(),
			verifiers: payouts.verifiers,
			treasury: payouts.treasury.into(),
		},
		Settled::Refunded(amount) => Settlement::Refunded((*amount).into()),
	});
	RequestInfo {
		id,
		status: record.status,
		model: record.model,
		requester: record.requester.to_string(),
		executor: record.executor.as_ref().map(|who| who.to_string()),
		max_fee: record.max_fee.into(),
		params: record.params,
		created: record.created,
		deadline: record.deadline,
		finished_at: record.finished_at,
		feed: record.feed.as_ref().map(|input| FeedUse {
			feed: input.feed,
			position: input.position,
			reading: super::oracle::reading(&input.reading),
		}),
		result,
		verification,
		settlement,
		waiting_place: None,
	}
}

#[cfg(test)]
mod tests {
	use veritas_engine::store::embedded::EmbeddedStore;
	use veritas_primitives::model::Cid;

	use super::*;

	fn stored_result(cid: &str, digest: [u8; 32], size: u64) -> ResultCommitment<BlockNumber> {
		ResultCommitment {
			output: ResultOutput::Stored { cid: Cid::truncate_from(cid.as_bytes().to_vec()), size },
			output_digest: digest,
			proof_cid: Cid::truncate_from(b"bafkreiproof".to_vec()),
			proof_digest: [0; 32],
			generated_tokens: 0,
			submitted_at: 1,
			reported: None,
		}
	}

	/// A stored output is fetched and shown as any other; one the store does
	/// not have, or whose bytes are not those committed to, is unavailable
	/// and says why; one larger than an answer carries, or with no store to
	/// fetch from, is not fetched. Each names where it is stored.
	#[test]
	fn a_stored_output_is_fetched_checked_or_said_to_be_missing() {
		let dir = std::env::temp_dir().join(format!("veritas-rpc-output-{}", std::process::id()));
		let embedded = EmbeddedStore::open(&dir).expect("a store");
		let store: &dyn ModelStore = &embedded;
		let bytes = codec::Encode::encode(&InferenceOutput::Regression(F32Bits::from(0.25)));
		let put = store.put(&bytes).expect("stored");
		let size = bytes.len() as u64;
		let info = Some(StoredOutputInfo { cid: put.cid.clone(), size });

		let honest = stored_result(&put.cid, put.digest, size);
		assert_eq!(result_output(&honest, Some(store)), (Output::Regression(0.25), info.clone()));
		assert_eq!(result_output(&honest, None), (Output::NotFetched, info.clone()));

		let other_digest = stored_result(&put.cid, [9; 32], size);
		let (shown, _) = result_output(&other_digest, Some(store));
		assert!(matches!(&shown, Output::Unavailable(why) if why.contains("digest")), "{shown:?}");

		let longer = stored_result(&put.cid, put.digest, size + 1);
		let (shown, _) = result_output(&longer, Some(store));
		assert!(
			matches!(&shown, Output::Unavailable(why) if why.contains("committed")),
			"{shown:?}"
		);

		let huge = stored_result(&put.cid, put.digest, MAX_OUTPUT_IN_ANSWER + 1);
		assert_eq!(result_output(&huge, Some(store)).0, Output::NotFetched);

		let missing = stored_result("bafkreimissing", put.digest, size);
		assert!(matches!(result_output(&missing, Some(store)).0, Output::Unavailable(_)));
		let _ = std::fs::remove_dir_all(dir);
	}
}
