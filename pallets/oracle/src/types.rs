//! The oracle's records that stay inside the pallet.

use codec::{Decode, Encode, MaxEncodedLen};
use frame_support::{BoundedVec, CloneNoBound, DebugNoBound, PartialEqNoBound};
use scale_info::TypeInfo;
use sp_core::Get;
use veritas_primitives::oracle::{FeedValue, RoundId};

/// One data node's report in a round.
#[derive(Clone, PartialEq, Eq, Debug)]
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct Report<AccountId, Balance> {
	pub reporter: AccountId,
	pub value: FeedValue,
	/// The reporter's stake when it reported: its weight in the median.
	pub stake: Balance,
}

/// A feed's open round.
#[derive(CloneNoBound, PartialEqNoBound, DebugNoBound)]
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo)]
#[scale_info(skip_type_params(MaxReports))]
#[codec(mel_bound(AccountId: MaxEncodedLen, Balance: MaxEncodedLen, BlockNumber: MaxEncodedLen))]
pub struct Round<AccountId, Balance, BlockNumber, MaxReports>
where
	AccountId: Clone + PartialEq + core::fmt::Debug,
	Balance: Clone + PartialEq + core::fmt::Debug,
	BlockNumber: Clone + PartialEq + core::fmt::Debug,
	MaxReports: Get<u32>,
{
	pub id: RoundId,
	pub opened_at: BlockNumber,
	/// When the round ends, its reports are judged and the next one opens.
	pub ends_at: BlockNumber,
	pub reports: BoundedVec<Report<AccountId, Balance>, MaxReports>,
	/// The value the round closed with, once `min_reporters` reported.
	/// Later reports are still judged against it, but do not change it.
	pub closed_with: Option<FeedValue>,
}
