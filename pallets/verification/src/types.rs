//! The records pallet-verification keeps: verifiers and verifications.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{traits::ConstU32, BoundedVec};
use scale_info::TypeInfo;
pub use veritas_primitives::verification::VerificationStage as Stage;
use veritas_primitives::{
	inference::Attestation,
	model::{ComparisonRule, Digest, ModelId, VerificationPolicy, MAX_COMMITTEE_SIZE},
};

/// The most members a committee has.
pub type MaxCommittee = ConstU32<{ MAX_COMMITTEE_SIZE as u32 }>;

/// A committee.
pub type Committee<AccountId> = BoundedVec<AccountId, MaxCommittee>;

/// Whether a verifier takes new committee seats.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
pub enum VerifierStatus<BlockNumber> {
	/// Eligible for committees.
	Active,
	/// Takes no new seats; its stake can be withdrawn from `until` on, once
	/// its seats are done.
	Unbonding { until: BlockNumber },
}

/// A registered verifier.
#[derive(Clone, PartialEq, Eq, Debug)]
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct Verifier<Balance, BlockNumber> {
	/// What it has at stake (held by settlement).
	pub stake: Balance,
	/// Committee seats it holds and has not attested in yet.
	pub seats: u32,
	/// Attestations on the winning side count up; attestations on the losing
	/// side and missed ones count down.
	pub reputation: i32,
	pub status: VerifierStatus<BlockNumber>,
}

/// One committee member's attestation.
#[derive(Clone, PartialEq, Eq, Debug)]
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct Vote<AccountId> {
	pub verifier: AccountId,
	pub attestation: Attestation,
	/// The digest of the verifier's own output.
	pub output_digest: Digest,
}

/// A result under verification.
#[derive(Clone, PartialEq, Eq, Debug)]
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct Verification<AccountId, Balance, BlockNumber> {
	pub executor: AccountId,
	pub model: ModelId,
	/// The executor's output digest.
	pub output_digest: Digest,
	pub policy: VerificationPolicy<Balance, BlockNumber>,
	pub comparison: ComparisonRule,
	pub stage: Stage,
	/// The current round's committee (while a dispute's is being drawn,
	/// the first round's, which may not sit in it).
	pub committee: Committee<AccountId>,
	/// The current round's attestations.
	pub votes: BoundedVec<Vote<AccountId>, MaxCommittee>,
	/// The first round's attestations, once it escalated: those on the
	/// losing side are slashed when a dispute decides against them.
	pub first_round: BoundedVec<Vote<AccountId>, MaxCommittee>,
	/// Who challenged, with the bond held from them.
	pub challenger: Option<(AccountId, Balance)>,
	/// When the current stage ends.
	pub due: BlockNumber,
}

impl<AccountId: PartialEq, Balance, BlockNumber> Verification<AccountId, Balance, BlockNumber> {
	/// How many of the current round's votes satisfy `says`.
	pub fn count(&self, says: impl Fn(Attestation) -> bool) -> usize {
		self.votes.iter().filter(|vote| says(vote.attestation)).count()
	}

	pub fn has_voted(&self, who: &AccountId) -> bool {
		self.votes.iter().any(|vote| &vote.verifier == who)
	}
}

/// Why a verifier lost part of its stake.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
pub enum SlashReason {
	/// It held a seat and did not attest before the deadline.
	NoShow,
	/// It attested against the side a decided dispute upheld.
	AgainstMajority,
}
