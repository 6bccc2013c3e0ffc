//! Money: escrow for requests, stakes and bonds, and the payouts and slashes
//! that settle a request. Pallet-settlement implements [`Settlement`]; the
//! inference and verification pallets call it and never move balances
//! themselves.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_runtime::{DispatchError, DispatchResult};

/// Identifies an inference request.
pub type RequestId = u64;

/// What funds are held for, besides request escrow.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub enum Bond {
	/// An executor's stake, slashed if it cheats or misses deadlines.
	ExecutorStake,
	/// A verifier's stake, slashed if it attests against the majority or
	/// does not attest.
	VerifierStake,
	/// A challenger's bond, lost if the challenge is wrong.
	ChallengeBond,
	/// A data node's stake, slashed if its reports are persistently far
	/// from the other nodes' or missing.
	DataNodeStake,
	/// A feed creator's deposit, returned when the feed is retired.
	FeedDeposit,
	/// A subscription's budget: the `max_fee` of each run still to come,
	/// returned when the subscription is cancelled or ends.
	SubscriptionBudget,
}

/// Where slashed funds go.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Beneficiary<AccountId> {
	Treasury,
	Account(AccountId),
}

/// What a request costs, part by part. The requester's `max_fee` must cover
/// `total`; what is not spent is refunded.
#[derive(Clone, Copy, PartialEq, Eq, Default, Debug)]
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub struct FeeQuote<Balance> {
	/// The model's price: per request plus per output token.
	pub model: Balance,
	/// What the verifiers are paid, all of them together.
	pub verification: Balance,
	/// The treasury's share.
	pub protocol: Balance,
	/// The sum of the three.
	pub total: Balance,
}

/// Who was paid what when a request's result was accepted.
#[derive(Clone, Copy, PartialEq, Eq, Default, Debug)]
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub struct Payouts<Balance> {
	/// To the executor: the model's price less the royalty.
	pub executor: Balance,
	/// To the model's publisher.
	pub royalty: Balance,
	/// To each attesting verifier.
	pub per_verifier: Balance,
	/// How many verifiers were paid.
	pub verifiers: u32,
	/// To the treasury.
	pub treasury: Balance,
	/// Back to the requester: the escrow not spent.
	pub refund: Balance,
}

/// Who gained what when an executor was proven to have cheated.
#[derive(Clone, Copy, PartialEq, Eq, Default, Debug)]
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub struct FraudPayouts<Balance> {
	/// Taken from the executor's stake.
	pub slashed: Balance,
	/// Back to the requester: the whole escrow.
	pub refund: Balance,
	/// To the challenger, if there was one.
	pub challenger: Balance,
	/// To each verifier that proved the fraud.
	pub per_verifier: Balance,
	/// How many verifiers were rewarded.
	pub verifiers: u32,
	/// To the treasury: the rest of the slash.
	pub treasury: Balance,
}

/// The money side of Veritas.
pub trait Settlement<AccountId, Balance> {
	/// What a request costs when the model's price for it is `model_cost`
	/// and `committee_size` verifiers check it.
	fn quote(model_cost: Balance, committee_size: u32) -> FeeQuote<Balance>;

	/// Holds `amount` of `payer`'s funds in escrow for `request`.
	fn escrow(request: RequestId, payer: &AccountId, amount: Balance) -> DispatchResult;

	/// Returns the whole escrow of `request` to its payer, and how much.
	fn refund(request: RequestId) -> Result<Balance, DispatchError>;

	/// Pays an accepted request from its escrow: the executor and the
	/// publisher share `model_cost`, each verifier gets its fee, the treasury
	/// its share, and the rest goes back to the payer.
	fn pay_accepted(
		request: RequestId,
		executor: &AccountId,
		publisher: &AccountId,
		model_cost: Balance,
		verifiers: &[AccountId],
	) -> Result<Payouts<Balance>, DispatchError>;

	/// Pays a request that could not be run: each verifier its fee for
	/// finding out, the executor (when it reported so itself) `time` for its
	/// attempt, and the rest back to the payer. The publisher gets nothing.
	fn pay_unrunnable(
		request: RequestId,
		model_cost: Balance,
		verifiers: &[AccountId],
		time: Option<(&AccountId, Balance)>,
	) -> Result<Payouts<Balance>, DispatchError>;

	/// Settles a proven fraud: refunds the payer in full, slashes `slash` of
	/// the executor's stake and shares it between the challenger (if any),
	/// the verifiers and the treasury.
	fn punish_fraud(
		request: RequestId,
		executor: &AccountId,
		slash: Balance,
		challenger: Option<&AccountId>,
		verifiers: &[AccountId],
	) -> Result<FraudPayouts<Balance>, DispatchError>;

	/// Holds `amount` of `who`'s funds as `bond`.
	fn hold(who: &AccountId, bond: Bond, amount: Balance) -> DispatchResult;

	/// Releases up to `amount` of `who`'s `bond`; returns what was released.
	fn release(who: &AccountId, bond: Bond, amount: Balance) -> Balance;

	/// Moves up to `amount` of `who`'s `bond` to `to`; returns what moved.
	fn slash(who: &AccountId, bond: Bond, amount: Balance, to: Beneficiary<AccountId>) -> Balance;

	/// How much of `who`'s funds is held as `bond`.
	fn held(who: &AccountId, bond: Bond) -> Balance;
}
