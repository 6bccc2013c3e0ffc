//! Requests, results and the hooks between the inference and verification
//! pallets, plus the canonical output encoding that every executor and
//! verifier agrees on.

use alloc::vec::Vec;
use codec::{Decode, DecodeAll, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_core::ConstU32;
use sp_runtime::{BoundedVec, DispatchError, DispatchResult};

use crate::{
	model::{Cid, Digest, FileRef, ModelId, ModelPolicy, TaskKind},
	oracle::FeedId,
	settlement::{FeeQuote, RequestId},
};

/// The largest input accepted inline in a request, in bytes. Larger inputs
/// go to content-addressed storage and the request carries their CID.
pub const MAX_INLINE_INPUT_LENGTH: u32 = 4 * 1024;

/// An input carried inside the request.
pub type InlineInput = BoundedVec<u8, ConstU32<MAX_INLINE_INPUT_LENGTH>>;

/// The largest output accepted on-chain, in bytes of its canonical encoding.
/// A 1024-float embedding takes 4 KiB; 16 KiB leaves room for long
/// generations.
pub const MAX_OUTPUT_LENGTH: u32 = 16 * 1024;

/// A result's canonical encoding, as submitted on-chain.
pub type OutputBytes = BoundedVec<u8, ConstU32<MAX_OUTPUT_LENGTH>>;

/// The largest output accepted by reference, in bytes of its canonical
/// encoding: what every verifier of the request fetches and holds.
pub const MAX_STORED_OUTPUT_LENGTH: u64 = 16 * 1024 * 1024;

/// Where a result's output is, as the chain records it: on-chain, or in
/// content-addressed storage by reference. A stored output's digest is the
/// result's `output_digest`, written once.
#[derive(Clone, PartialEq, Eq, Debug)]
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
pub enum ResultOutput {
	/// The canonical encoding itself (empty in a report).
	Inline(OutputBytes),
	/// The canonical encoding's CID and length in bytes.
	Stored { cid: Cid, size: u64 },
}

impl Default for ResultOutput {
	fn default() -> Self {
		Self::Inline(Default::default())
	}
}

impl ResultOutput {
	/// The output as a verifier takes it: its bytes, or the file to fetch
	/// (whose digest is `digest`) with the tokens the executor claims.
	pub fn delivered(&self, digest: Digest, generated_tokens: u32) -> DeliveredOutput {
		match self {
			Self::Inline(bytes) => DeliveredOutput::Inline(bytes.to_vec()),
			Self::Stored { cid, size } => DeliveredOutput::Stored {
				file: FileRef { cid: cid.clone(), digest, size: *size },
				generated_tokens,
			},
		}
	}

	/// The CID of an output stored by reference.
	pub fn stored_cid(&self) -> Option<&Cid> {
		match self {
			Self::Inline(_) => None,
			Self::Stored { cid, .. } => Some(cid),
		}
	}
}

/// An executor's output on its way between the chain and the engine: the
/// canonical encoding, or where it is stored and how many tokens the
/// executor says it holds. The chain counts the tokens of an inline output
/// itself; of a stored one it cannot, so verifiers check the claim, and a
/// false one is a wrong answer.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum DeliveredOutput {
	Inline(Vec<u8>),
	Stored { file: FileRef, generated_tokens: u32 },
}

impl Default for DeliveredOutput {
	fn default() -> Self {
		Self::Inline(Vec::new())
	}
}

/// A request's input.
#[derive(Clone, PartialEq, Eq, Debug)]
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub enum RequestInput {
	/// The input bytes themselves: UTF-8 text for text models, the SCALE
	/// encoding of `Vec<F32Bits>` for tabular models.
	Inline(InlineInput),
	/// An input in content-addressed storage, checked against its digest.
	Stored(FileRef),
	/// Tabular features, one of which is a data feed's latest value, read
	/// when the request is made. `features` holds the others (the SCALE
	/// encoding of `Vec<F32Bits>`, possibly empty) and the feed's value goes
	/// in at `position`. The value must be at most `max_age_blocks` old.
	///
	/// The request records the complete features as `Inline`, and the
	/// reading in its `feed` field: executors and verifiers run on the same
	/// numbers whatever the feed does next.
	Feed { feed_id: FeedId, max_age_blocks: u32, features: InlineInput, position: u16 },
}

/// How to run the model, and how to deliver its output.
#[derive(Clone, Copy, PartialEq, Eq, Default, Debug)]
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub struct InferenceParams {
	/// The most tokens to generate (text generation only; 0 otherwise).
	pub max_new_tokens: u32,
	/// The seed of the sampler, so that sampling is reproducible.
	pub seed: u64,
	/// Sampling temperature in thousandths: 0 is greedy decoding, 1000 is 1.0.
	/// At most [`MAX_TEMPERATURE_THOUSANDTHS`].
	pub temperature_thousandths: u32,
	/// Sample only among the `top_k` most likely tokens; 0 for all of them.
	/// At most [`crate::model::MAX_TOP_K`].
	#[cfg_attr(feature = "std", serde(default))]
	pub top_k: u32,
	/// Sample only among the most likely tokens whose probabilities add up
	/// to `top_p_thousandths` / 1000 (nucleus sampling); 0 for all of them.
	#[cfg_attr(feature = "std", serde(default))]
	pub top_p_thousandths: u32,
	/// Deliver the output by reference: the executor stores its canonical
	/// encoding in content-addressed storage and commits only its CID,
	/// length and digest, so the chain holds a constant number of bytes
	/// whatever the output's size. An output too large to go inline
	/// ([`MAX_OUTPUT_LENGTH`]) goes by reference whatever this says.
	#[cfg_attr(feature = "std", serde(default))]
	pub output_by_reference: bool,
}

/// A request's parameters as records stored them before outputs could be
/// delivered by reference (storage version 4 of pallet-inference, 1 of
/// pallet-subscriptions), for their migrations.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode)]
pub struct InferenceParamsV4 {
	pub max_new_tokens: u32,
	pub seed: u64,
	pub temperature_thousandths: u32,
	pub top_k: u32,
	pub top_p_thousandths: u32,
}

impl InferenceParamsV4 {
	/// The parameters, asking for the output inline.
	pub fn upgraded(self) -> InferenceParams {
		InferenceParams {
			max_new_tokens: self.max_new_tokens,
			seed: self.seed,
			temperature_thousandths: self.temperature_thousandths,
			top_k: self.top_k,
			top_p_thousandths: self.top_p_thousandths,
			output_by_reference: false,
		}
	}
}

/// The highest sampling temperature a request may ask for (2.0): hotter
/// sampling is close to uniform noise, and a verifier could not tell it from
/// a made-up answer.
pub const MAX_TEMPERATURE_THOUSANDTHS: u32 = 2_000;

impl InferenceParams {
	/// Whether the sampler these parameters state is one executors run and
	/// verifiers can check: bounded temperature, top-k and top-p for
	/// generation, and no sampler at all for other tasks.
	pub fn sampler_fits(&self, task: &TaskKind) -> bool {
		if task.is_generation() {
			self.temperature_thousandths <= MAX_TEMPERATURE_THOUSANDTHS
				&& self.top_k <= crate::model::MAX_TOP_K
				&& self.top_p_thousandths <= 1_000
		} else {
			self.temperature_thousandths == 0 && self.top_k == 0 && self.top_p_thousandths == 0
		}
	}
}

pub use veritas_output::{F32Bits, InferenceOutput};

/// Why an output is refused.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum OutputError {
	/// The bytes are not the SCALE encoding of an [`InferenceOutput`].
	Undecodable,
	/// The output's kind or length does not match the model's task.
	WrongShape,
	/// More tokens than the request allowed.
	TooManyTokens,
}

/// Decodes an output's canonical encoding and checks it against its
/// model's task and the request's parameters: the shape the task gives, and
/// no more tokens than the request allowed.
pub fn decode_output(
	bytes: &[u8],
	task: &TaskKind,
	params: &InferenceParams,
) -> Result<InferenceOutput, OutputError> {
	let output =
		InferenceOutput::decode_all(&mut &bytes[..]).map_err(|_| OutputError::Undecodable)?;
	let shape_fits = match (&output, task) {
		(
			InferenceOutput::Embedding(values),
			TaskKind::TextEmbedding { dim } | TaskKind::TabularEmbedding { dim, .. },
		) => values.len() == *dim as usize,
		(InferenceOutput::Generation { .. }, TaskKind::TextGeneration { .. }) => true,
		(
			InferenceOutput::Classification(probabilities),
			TaskKind::TabularClassification { classes, .. },
		) => probabilities.len() == *classes as usize,
		(InferenceOutput::Regression(_), TaskKind::TabularRegression { .. }) => true,
		_ => false,
	};
	if !shape_fits {
		return Err(OutputError::WrongShape);
	}
	if output.generated_tokens() > params.max_new_tokens {
		return Err(OutputError::TooManyTokens);
	}
	Ok(output)
}

/// Where a request is in its life.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub enum RequestStatus {
	/// Waiting for the executor's result.
	Assigned,
	/// The result is in and being verified.
	Submitted,
	/// Verified and paid.
	Accepted,
	/// Proven wrong: the executor was slashed, the requester refunded.
	Rejected,
	/// Cancelled by the requester before a result. The requester paid the
	/// model's price (it may have seen the output in the pool) and got the
	/// rest back.
	Cancelled,
	/// No result by the deadline; refunded, the executor penalised.
	Expired,
	/// The verifiers could not run it; refunded less their fees, nobody
	/// slashed.
	Unrunnable,
	/// Too few verifiers answered its dispute for a verdict; refunded less
	/// the fees of those who did, nobody paid for the result or slashed.
	Unverified,
	/// Every executor of the model was busy: it waits in the model's
	/// waiting line, first come first served, and is assigned as capacity
	/// frees. Refunded in full if it leaves the line unassigned (its
	/// deadline too near, the model's terms changed, or cancelled).
	Waiting,
}

impl RequestStatus {
	/// Whether the request is settled and can change no more.
	pub fn is_final(&self) -> bool {
		matches!(
			self,
			RequestStatus::Accepted
				| RequestStatus::Rejected
				| RequestStatus::Cancelled
				| RequestStatus::Expired
				| RequestStatus::Unrunnable
				| RequestStatus::Unverified
		)
	}
}

/// One page of request ids, and where the next page starts (`None` when
/// there are no more).
#[derive(Clone, PartialEq, Eq, Default, Debug)]
#[derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub struct RequestPage {
	pub requests: Vec<RequestId>,
	pub next: Option<RequestId>,
}

/// The most model versions one page of `InferenceApi::models` returns.
pub const MAX_MODELS_PER_PAGE: u32 = 100;

/// A page of model versions, by id, and the id the next page starts at.
pub type ModelPage<AccountId, Balance, BlockNumber> =
	(Vec<(ModelId, crate::model::ModelRecord<AccountId, Balance, BlockNumber>)>, Option<ModelId>);

/// What the verification side learns when a result is submitted.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct SubmittedResult<AccountId, Balance, BlockNumber> {
	pub request: RequestId,
	pub model: ModelId,
	pub executor: AccountId,
	/// The policy recorded when the request was made.
	pub policy: ModelPolicy<Balance, BlockNumber>,
	pub output_digest: [u8; 32],
}

/// What verification does with a submitted result.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum VerificationStart {
	/// The result is final and accepted now, with no verifier involved.
	AcceptedAtOnce,
	/// Verification has started; a verdict will come through
	/// [`InferenceHooks::on_verdict`].
	Pending,
}

/// How the inference pallet hands results to verification.
pub trait VerificationHooks<AccountId, Balance, BlockNumber> {
	fn on_result_submitted(
		result: SubmittedResult<AccountId, Balance, BlockNumber>,
	) -> Result<VerificationStart, DispatchError>;
}

/// Accepts every result at once. For a runtime without verifiers (and for
/// tests of the inference pallet alone): results are trusted.
pub struct AcceptAtOnce;

impl<AccountId, Balance, BlockNumber> VerificationHooks<AccountId, Balance, BlockNumber>
	for AcceptAtOnce
{
	fn on_result_submitted(
		_: SubmittedResult<AccountId, Balance, BlockNumber>,
	) -> Result<VerificationStart, DispatchError> {
		Ok(VerificationStart::AcceptedAtOnce)
	}
}

/// The outcome of verifying a result.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Verdict<AccountId> {
	/// The result stands; these verifiers attested to it and are paid.
	Accepted { verifiers: Vec<AccountId> },
	/// The result was proven wrong; the challenger (if any) and these
	/// verifiers are rewarded from the executor's stake.
	Fraud { challenger: Option<AccountId>, verifiers: Vec<AccountId> },
	/// A dispute found the request could not be run: nobody is at fault for
	/// the output. The requester gets its escrow back less the fees of these
	/// verifiers, who did the work of finding out; the executor is not paid
	/// and not slashed.
	Unrunnable { verifiers: Vec<AccountId> },
	/// Too few verifiers attested in a dispute for any verdict: nothing is
	/// accepted that no round accepted. Settled as [`Verdict::Unrunnable`]
	/// is: these verifiers (who answered) get their fees, the requester the
	/// rest, the executor nothing, and nobody is slashed.
	Unverified { verifiers: Vec<AccountId> },
}

/// What a committee member says of an executor's output, after running
/// the request itself and comparing under the model's comparison rule.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub enum Attestation {
	/// The output agrees with the verifier's own.
	Match,
	/// It does not.
	Mismatch,
	/// The verifier could not run the request at all, for this reason. It
	/// says nothing of the output; it is an answer, not an absence, so it
	/// is never punished as a no-show.
	Unrunnable(UnrunnableReason),
}

/// Why an executor or a verifier could not run a request: the class of its
/// engine's failure.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub enum UnrunnableReason {
	/// A model file or the stored input did not hash to its recorded digest.
	DigestMismatch,
	/// The input does not suit the model.
	BadInput,
	/// The model could not be loaded or run (a malformed or hostile file, or
	/// one beyond the engine's limits).
	ModelFailed,
	/// A model file or the stored input could not be fetched, time after
	/// time: nobody serves it.
	Unavailable,
}

impl UnrunnableReason {
	/// What an executor commits to when it reports that it could not run a
	/// request for this reason, in place of an output's digest. Verifiers
	/// who cannot run the request either attest a match with it.
	pub fn digest(&self) -> Digest {
		use sp_runtime::traits::Hash;
		sp_runtime::traits::BlakeTwo256::hash(&(b"veritas/unrunnable", self).encode()).0
	}
}

/// Why an inline input is refused for a task.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum InputError {
	/// No bytes.
	Empty,
	/// A text model's input is not UTF-8.
	NotText,
	/// A tabular model's input is not the SCALE encoding of `Vec<F32Bits>`.
	NotNumbers,
	/// A tabular model's input has the wrong number of features.
	WrongFeatureCount,
	/// A feature is NaN or infinite.
	NotFinite,
}

/// Checks that `bytes` is an input `task` can run: UTF-8 text for text
/// models; exactly `inputs` finite f32 values, SCALE-encoded, for tabular
/// ones. Executors and verifiers decode inputs the same way, so an input
/// that passes here does not fail them for its form.
pub fn check_inline_input(task: &TaskKind, bytes: &[u8]) -> Result<(), InputError> {
	if bytes.is_empty() {
		return Err(InputError::Empty);
	}
	match task.numeric_inputs() {
		None => core::str::from_utf8(bytes).map(|_| ()).map_err(|_| InputError::NotText),
		Some(inputs) => {
			let values =
				Vec::<F32Bits>::decode_all(&mut &bytes[..]).map_err(|_| InputError::NotNumbers)?;
			if values.len() != inputs as usize {
				return Err(InputError::WrongFeatureCount);
			}
			if !values.iter().all(|value| value.to_f32().is_finite()) {
				return Err(InputError::NotFinite);
			}
			Ok(())
		},
	}
}

/// How verification hands its verdict back to the inference pallet.
pub trait InferenceHooks<AccountId> {
	fn on_verdict(request: RequestId, verdict: Verdict<AccountId>) -> DispatchResult;
}

/// What a verifier needs to re-run a request, as the inference pallet
/// recorded it.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct RequestToCheck {
	pub model: ModelId,
	pub input: RequestInput,
	pub params: InferenceParams,
	pub task: TaskKind,
	/// The executor's output; empty when it reported the request
	/// unrunnable.
	pub output: DeliveredOutput,
	/// The executor's report that it could not run the request, and why.
	pub reported: Option<UnrunnableReason>,
}

/// How other pallets (the verifier's off-chain worker) read a request
/// without touching the inference pallet's storage.
pub trait RequestInspect {
	/// The request and its submitted output, if it has one.
	fn request_to_check(request: RequestId) -> Option<RequestToCheck>;
}

/// Why a fee cannot be estimated.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[derive(Encode, Decode, DecodeWithMemTracking, TypeInfo)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub enum FeeEstimateError {
	/// No model has this id.
	UnknownModel,
	/// The model takes no new requests.
	ModelNotActive,
	/// The parameters ask for more tokens than the model may generate, or
	/// for tokens from a model that generates none.
	BadParams,
}

sp_api::decl_runtime_apis! {
	/// What dApps ask the runtime about inference, through the node's RPC.
	///
	/// Version 2 adds `waiting_place`.
	#[api_version(2)]
	pub trait InferenceApi<AccountId, Balance, BlockNumber> where
		AccountId: codec::Codec,
		Balance: codec::Codec,
		BlockNumber: codec::Codec,
	{
		/// What a request to `model` with `params` costs at most: the
		/// `max_fee` it needs.
		fn estimate_fee(model: ModelId, params: InferenceParams) -> Result<FeeQuote<Balance>, FeeEstimateError>;

		/// Requests in `status`, by id from `start` on: at most `limit`
		/// of them, looking at no more than a bounded number of ids per call.
		fn requests_by_status(status: RequestStatus, start: RequestId, limit: u32) -> RequestPage;

		/// A model version's record.
		fn model(model: ModelId) -> Option<crate::model::ModelRecord<AccountId, Balance, BlockNumber>>;

		/// Model versions by id from `start` on, at most `limit` (capped at
		/// [`MAX_MODELS_PER_PAGE`]), and the id to continue from.
		fn models(start: ModelId, limit: u32) -> ModelPage<AccountId, Balance, BlockNumber>;

		/// A request: what was agreed, the result and how it settled.
		fn request(request: RequestId) -> Option<crate::request::Request<AccountId, Balance, BlockNumber>>;

		/// A result under verification: stage, committee, attestations.
		fn verification(request: RequestId) -> Option<crate::verification::VerificationView<AccountId, BlockNumber>>;

		/// A waiting request's place in its model's waiting line: how many
		/// requests are ahead of it (0 for the next to be assigned).
		#[api_version(2)]
		fn waiting_place(request: RequestId) -> Option<u32>;
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	const EMBEDDING: TaskKind = TaskKind::TextEmbedding { dim: 3 };
	const GENERATION: TaskKind = TaskKind::TextGeneration { max_context: 64, max_new_tokens: 8 };

	#[test]
	fn outputs_are_checked_against_the_task() {
		let params = InferenceParams { max_new_tokens: 4, ..Default::default() };
		let embedding = InferenceOutput::Embedding(vec![0.1.into(), 0.2.into(), 0.3.into()]);
		assert_eq!(decode_output(&embedding.encode(), &EMBEDDING, &params), Ok(embedding.clone()));
		let short = InferenceOutput::Embedding(vec![0.1.into()]);
		assert_eq!(
			decode_output(&short.encode(), &EMBEDDING, &params),
			Err(OutputError::WrongShape)
		);
		assert_eq!(
			decode_output(&embedding.encode(), &GENERATION, &params),
			Err(OutputError::WrongShape)
		);
		let vectors = TaskKind::TabularEmbedding { inputs: 8, dim: 3 };
		assert_eq!(decode_output(&embedding.encode(), &vectors, &params), Ok(embedding.clone()));
		assert_eq!(decode_output(&short.encode(), &vectors, &params), Err(OutputError::WrongShape));
		let mut trailing = embedding.encode();
		trailing.push(0);
		assert_eq!(decode_output(&trailing, &EMBEDDING, &params), Err(OutputError::Undecodable));
	}

	#[test]
	fn inline_inputs_are_checked_against_the_task() {
		let tabular = TaskKind::TabularRegression { inputs: 2 };
		let numbers = |values: &[f32]| {
			values.iter().map(|value| F32Bits::from(*value)).collect::<Vec<_>>().encode()
		};
		assert_eq!(check_inline_input(&tabular, &numbers(&[1.0, -2.5])), Ok(()));
		assert_eq!(check_inline_input(&tabular, &[]), Err(InputError::Empty));
		assert_eq!(check_inline_input(&tabular, &[0xff]), Err(InputError::NotNumbers));
		assert_eq!(
			check_inline_input(&tabular, &numbers(&[1.0])),
			Err(InputError::WrongFeatureCount)
		);
		assert_eq!(
			check_inline_input(&tabular, &numbers(&[1.0, f32::NAN])),
			Err(InputError::NotFinite)
		);
		assert_eq!(
			check_inline_input(&tabular, &numbers(&[f32::INFINITY, 1.0])),
			Err(InputError::NotFinite)
		);
		assert_eq!(check_inline_input(&EMBEDDING, "héllo".as_bytes()), Ok(()));
		let vectors = TaskKind::TabularEmbedding { inputs: 2, dim: 4 };
		assert_eq!(check_inline_input(&vectors, &numbers(&[1.0, -2.5])), Ok(()));
		assert_eq!(
			check_inline_input(&vectors, "hé".as_bytes()),
			Err(InputError::NotNumbers),
			"a numeric embedding takes numbers, not text"
		);
		assert_eq!(check_inline_input(&GENERATION, &[0xff]), Err(InputError::NotText));
		assert_eq!(check_inline_input(&GENERATION, &[]), Err(InputError::Empty));
	}

	#[test]
	fn samplers_are_bounded_and_only_for_generation() {
		let params = |temperature_thousandths, top_k, top_p_thousandths| InferenceParams {
			max_new_tokens: 4,
			seed: 1,
			temperature_thousandths,
			top_k,
			top_p_thousandths,
			output_by_reference: false,
		};
		assert!(params(0, 0, 0).sampler_fits(&GENERATION));
		assert!(params(MAX_TEMPERATURE_THOUSANDTHS, 40, 950).sampler_fits(&GENERATION));
		assert!(!params(MAX_TEMPERATURE_THOUSANDTHS + 1, 0, 0).sampler_fits(&GENERATION));
		assert!(!params(700, crate::model::MAX_TOP_K + 1, 0).sampler_fits(&GENERATION));
		assert!(!params(700, 0, 1_001).sampler_fits(&GENERATION));
		assert!(params(0, 0, 0).sampler_fits(&EMBEDDING));
		assert!(!params(700, 0, 0).sampler_fits(&EMBEDDING));
		assert!(!params(0, 5, 0).sampler_fits(&EMBEDDING));
	}

	#[test]
	fn generations_may_not_exceed_the_requested_tokens() {
		let params = InferenceParams { max_new_tokens: 2, ..Default::default() };
		let ok = InferenceOutput::Generation { tokens: vec![1, 2], text: b"hi".to_vec() };
		assert_eq!(ok.generated_tokens(), 2);
		assert!(decode_output(&ok.encode(), &GENERATION, &params).is_ok());
		let long = InferenceOutput::Generation { tokens: vec![1, 2, 3], text: b"hi!".to_vec() };
		assert_eq!(
			decode_output(&long.encode(), &GENERATION, &params),
			Err(OutputError::TooManyTokens)
		);
	}
}
