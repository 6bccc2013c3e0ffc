//! Recurring inference: a subscription asks for the same request every
//! `period` blocks, `runs` times, with its whole budget held up front.
//!
//! The subscriptions pallet keeps the schedule and the money; each run is an
//! ordinary request that the inference pallet makes on the subscriber's
//! behalf through [`InferenceRequests`], assigned, executed, verified and
//! settled like any other. The types here are shared with the runtime API,
//! so that dApps read the same records.

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_runtime::{DispatchResult, Weight};

use crate::{
	inference::{InferenceParams, RequestInput},
	model::ModelId,
	settlement::RequestId,
};

/// Identifies a subscription.
pub type SubscriptionId = u64;

/// What every run of a subscription asks for: one request's model, input,
/// parameters, fee and deadline. A feed input is read afresh at each run, so
/// each run scores the feed's value at its own block.
#[derive(Clone, PartialEq, Eq, Debug)]
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub struct RequestSpec<Balance, BlockNumber> {
	pub model: ModelId,
	pub input: RequestInput,
	pub params: InferenceParams,
	/// The most one run pays, held in escrow by its request.
	pub max_fee: Balance,
	/// Each run's deadline, in blocks after the block that makes it.
	pub deadline_after: BlockNumber,
}

/// Why the runtime could not make a run's request. Some refusals pass (the
/// next run may well succeed); others last, and end the subscription.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub enum RequestRefused {
	/// No executor other than the subscriber serves the model under its
	/// current terms. Passes.
	NoExecutorAvailable,
	/// Every executor is busy and the model's waiting line is full, or too
	/// many requests fall due at the run's deadline. Passes.
	Busy,
	/// The data feed has no value yet, or none recent enough. Passes.
	FeedNotReady,
	/// The model was retired or removed. Lasts.
	ModelUnavailable,
	/// The model's price rose above the subscription's `max_fee`. Lasts.
	FeeTooLow,
	/// The data feed was retired. Lasts.
	FeedUnavailable,
	/// The request no longer fits the model (its deadline, parameters or
	/// input). Lasts.
	NoLongerValid,
}

impl RequestRefused {
	/// Whether no later run can succeed either, which ends the subscription.
	pub fn lasts(&self) -> bool {
		!matches!(self, Self::NoExecutorAvailable | Self::Busy | Self::FeedNotReady)
	}
}

/// Requests made on a requester's behalf, by another pallet: how each run of
/// a subscription becomes an ordinary request. Implemented by the inference
/// pallet.
pub trait InferenceRequests<AccountId, Balance, BlockNumber> {
	/// Whether `requester` could make the request `spec` describes now,
	/// refused with the error a direct request would meet. Changes nothing.
	fn check(requester: &AccountId, spec: &RequestSpec<Balance, BlockNumber>) -> DispatchResult;

	/// Makes the request, its `max_fee` held in escrow from the requester's
	/// free balance, due `deadline_after` blocks from now. A refusal changes
	/// nothing.
	fn request(
		requester: &AccountId,
		spec: &RequestSpec<Balance, BlockNumber>,
	) -> Result<RequestId, RequestRefused>;

	/// The most weight one [`Self::request`] or [`Self::check`] takes.
	fn request_weight() -> Weight;
}

/// Where a subscription stands.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub enum SubscriptionStatus<BlockNumber> {
	/// Runs are still to come.
	Active,
	/// Every run was made (or missed).
	Completed { at: BlockNumber },
	/// The subscriber cancelled.
	Cancelled { at: BlockNumber },
	/// A run met a refusal that lasts: no later run could be made.
	Ended { at: BlockNumber, reason: RequestRefused },
}

impl<BlockNumber: Copy> SubscriptionStatus<BlockNumber> {
	/// The block it stopped at, unless it is still active.
	pub fn finished_at(&self) -> Option<BlockNumber> {
		match self {
			Self::Active => None,
			Self::Completed { at } | Self::Cancelled { at } | Self::Ended { at, .. } => Some(*at),
		}
	}
}

/// A subscription: what each run asks, how often, and what is left of its
/// runs and its budget.
#[derive(Clone, PartialEq, Eq, Debug)]
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub struct Subscription<AccountId, Balance, BlockNumber> {
	/// Who pays, and the requester of every run.
	pub subscriber: AccountId,
	pub spec: RequestSpec<Balance, BlockNumber>,
	/// Blocks between one run and the next.
	pub period: BlockNumber,
	/// How many runs it pays for.
	pub runs: u32,
	/// How many runs have come due so far, made or missed.
	pub runs_made: u32,
	/// The block the next run is due in. A run spills into a later block
	/// when too many fall due together; it is never skipped.
	pub next_run: BlockNumber,
	/// Still held: `max_fee` for each run not yet made.
	pub budget: Balance,
	pub created: BlockNumber,
	pub status: SubscriptionStatus<BlockNumber>,
}

/// What became of one run.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub enum RunOutcome {
	/// Made: an ordinary request, with this id.
	Requested(RequestId),
	/// Not made; its `max_fee` went back to the subscriber.
	Refused(RequestRefused),
}

/// One run of a subscription.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub struct Run<BlockNumber> {
	/// The block it was due in.
	pub due: BlockNumber,
	/// The block that made it: later than `due` when it spilled over.
	pub made_at: BlockNumber,
	pub outcome: RunOutcome,
}

/// A subscription and its runs so far, for the runtime API.
#[derive(Clone, PartialEq, Eq, Debug)]
#[derive(Encode, Decode, DecodeWithMemTracking, TypeInfo)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub struct SubscriptionView<AccountId, Balance, BlockNumber> {
	pub subscription: Subscription<AccountId, Balance, BlockNumber>,
	pub runs: Vec<Run<BlockNumber>>,
}

sp_api::decl_runtime_apis! {
	/// What dApps ask the runtime about subscriptions.
	pub trait SubscriptionApi<AccountId, Balance, BlockNumber> where
		AccountId: codec::Codec,
		Balance: codec::Codec,
		BlockNumber: codec::Codec,
	{
		/// A subscription and its runs, until pruned.
		fn subscription(id: SubscriptionId) -> Option<SubscriptionView<AccountId, Balance, BlockNumber>>;
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn only_passing_refusals_let_a_subscription_go_on() {
		use RequestRefused::*;
		for passing in [NoExecutorAvailable, Busy, FeedNotReady] {
			assert!(!passing.lasts(), "{passing:?}");
		}
		for lasting in [ModelUnavailable, FeeTooLow, FeedUnavailable, NoLongerValid] {
			assert!(lasting.lasts(), "{lasting:?}");
		}
	}

	#[test]
	fn only_a_finished_subscription_has_an_end() {
		assert_eq!(SubscriptionStatus::<u32>::Active.finished_at(), None);
		assert_eq!(SubscriptionStatus::Completed { at: 5u32 }.finished_at(), Some(5));
		assert_eq!(SubscriptionStatus::Cancelled { at: 6u32 }.finished_at(), Some(6));
		let ended = SubscriptionStatus::Ended { at: 7u32, reason: RequestRefused::FeeTooLow };
		assert_eq!(ended.finished_at(), Some(7));
	}
}
