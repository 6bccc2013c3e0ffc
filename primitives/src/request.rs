//! A request as the inference pallet records it: what was agreed when it was
//! made, the executor's result, and how it settled. Shared with the runtime
//! API, so that dApps read the same record.

use codec::{Decode, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

use crate::{
	inference::{
		DeliveredOutput, InferenceParams, RequestInput, RequestStatus, ResultOutput,
		UnrunnableReason,
	},
	model::{Cid, Digest, ModelId, ModelPolicy, Pricing, TaskKind},
	oracle::FeedInput,
	settlement::{FraudPayouts, Payouts},
};

/// An executor's result, as committed on-chain: an output, or its report
/// that it could not run the request.
#[derive(Clone, PartialEq, Eq, Debug)]
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct ResultCommitment<BlockNumber> {
	/// The output's canonical encoding, or where it is stored (an empty
	/// inline output in a report).
	pub output: ResultOutput,
	/// blake2-256 of the output's canonical encoding, or of a report,
	/// [`UnrunnableReason::digest`].
	pub output_digest: Digest,
	/// Where the proof document is stored.
	pub proof_cid: Cid,
	/// blake2-256 of the proof document.
	pub proof_digest: Digest,
	/// How many tokens the output holds (what generation is paid for):
	/// counted by the chain in an inline output, claimed by the executor for
	/// a stored one (and checked by its verifiers).
	pub generated_tokens: u32,
	pub submitted_at: BlockNumber,
	/// The executor reported it could not run the request, and why.
	pub reported: Option<UnrunnableReason>,
}

impl<BlockNumber> ResultCommitment<BlockNumber> {
	/// The output as a verifier takes it.
	pub fn delivered(&self) -> DeliveredOutput {
		self.output.delivered(self.output_digest, self.generated_tokens)
	}
}

/// How a request settled.
#[derive(Clone, PartialEq, Eq, Debug)]
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo)]
pub enum Settled<Balance> {
	/// Accepted and paid.
	Paid(Payouts<Balance>),
	/// Fraud: the executor was slashed and the requester refunded.
	Fraud(FraudPayouts<Balance>),
	/// Cancelled or expired: this much was refunded.
	Refunded(Balance),
}

/// A request, with what was agreed when it was made: the model's price,
/// policy and task at that moment, so that later changes to the model do not
/// change a request already paid for.
#[derive(Clone, PartialEq, Eq, Debug)]
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct Request<AccountId, Balance, BlockNumber> {
	pub requester: AccountId,
	pub model: ModelId,
	/// The executor it is assigned to; `None` while it waits in its model's
	/// waiting line for an executor with spare capacity.
	pub executor: Option<AccountId>,
	/// The model's owner when the request was made: it gets the royalty.
	pub publisher: AccountId,
	/// What the model runs on. A feed input is recorded resolved, as
	/// `Inline` features.
	pub input: RequestInput,
	/// The data feed reading inside `input`, if the request named a feed.
	pub feed: Option<FeedInput<BlockNumber>>,
	pub params: InferenceParams,
	pub max_fee: Balance,
	pub pricing: Pricing<Balance>,
	pub policy: ModelPolicy<Balance, BlockNumber>,
	pub task: TaskKind,
	pub created: BlockNumber,
	pub deadline: BlockNumber,
	pub status: RequestStatus,
	pub result: Option<ResultCommitment<BlockNumber>>,
	pub settled: Option<Settled<Balance>>,
	/// When it became final; it is pruned a retention period later.
	pub finished_at: Option<BlockNumber>,
}
