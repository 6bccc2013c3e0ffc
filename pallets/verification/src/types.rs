//! The records pallet-verification keeps: verifiers and verifications.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{traits::ConstU32, BoundedVec};
use scale_info::TypeInfo;
use veritas_primitives::{
	inference::Attestation,
	model::{ComparisonRule, Digest, ModelId, VerificationPolicy, MAX_COMMITTEE_SIZE},
};
pub use veritas_primitives::{stake::StakeStatus, verification::VerificationStage as Stage};

/// The most attestations one round takes: twice the largest committee a
/// policy may expect. A round's size is random (each verifier sits by its
/// own VRF), and a round that expects 32 members draws more than 64 with a
/// chance below one in ten million; smaller rounds, never.
pub const MAX_VOTES: u32 = 2 * MAX_COMMITTEE_SIZE as u32;

/// The bound of a round's attestations.
pub type MaxVotes = ConstU32<MAX_VOTES>;

/// How many times a dispute too few attested in draws more members, under
/// a new seed, before it ends unverified.
pub const MAX_DISPUTE_REDRAWS: u8 = 2;

/// A registered verifier.
#[derive(Clone, PartialEq, Eq, Debug)]
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct Verifier<Balance, BlockNumber> {
	/// What it has at stake (held by settlement).
	pub stake: Balance,
	/// Verifications it attested in that have not ended: a dispute may
	/// still slash it for them, so its stake stays until they end.
	pub open_votes: u32,
	/// Attestations on the winning side count up; attestations on the losing
	/// side count down.
	pub reputation: i32,
	pub status: StakeStatus<BlockNumber>,
	/// It may sit in rounds whose seed was fixed at this block or later:
	/// long enough after it registered that no seed it could sit under was
	/// known to anyone when it did (`Config::EligibilityDelay`).
	pub eligible_from: BlockNumber,
}

/// How a round's members are chosen: the seed their VRFs run over, and
/// the stake their chances are shares of, both fixed when the round opened.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct Sortition<Balance, BlockNumber> {
	/// BABE's randomness of the block before the round opened.
	pub seed: [u8; 32],
	/// The block the round opened and the seed was fixed in.
	pub fixed_at: BlockNumber,
	/// The eligible stake then, the executor's aside.
	pub total_stake: Balance,
	/// How many members the round expects.
	pub expected: u8,
}

/// A verifier on the eligible list: what opening a round reads of every
/// verifier, to sum the stake of those eligible for it.
#[derive(Clone, PartialEq, Eq, Debug)]
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct Listed<AccountId, Balance, BlockNumber> {
	pub verifier: AccountId,
	pub stake: Balance,
	/// As [`Verifier::eligible_from`].
	pub eligible_from: BlockNumber,
}

/// One round member's attestation.
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
	/// The current round's sortition, while a round is open.
	pub sortition: Option<Sortition<Balance, BlockNumber>>,
	/// The current round's attestations.
	pub votes: BoundedVec<Vote<AccountId>, MaxVotes>,
	/// The first round's attestations, once it escalated: those on the
	/// losing side are slashed when a dispute decides against them, and
	/// their authors may not sit in the dispute.
	pub first_round: BoundedVec<Vote<AccountId>, MaxVotes>,
	/// Who challenged, with the bond held from them.
	pub challenger: Option<(AccountId, Balance)>,
	/// How many times the dispute drew more members because too few
	/// attested (at most [`MAX_DISPUTE_REDRAWS`]).
	pub redraws: u8,
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

	/// Whether `who` attested in the first round of a verification that
	/// went to a dispute.
	pub fn sat_in_first_round(&self, who: &AccountId) -> bool {
		self.first_round.iter().any(|vote| &vote.verifier == who)
	}

	/// The most votes the current round holds when an attestation ends it,
	/// that attestation's included: a first round ends as soon as `k`
	/// match or more than `expected − k` do not, so by `max(expected, k)`
	/// votes. (A dispute is bounded by its count instead: see
	/// [`BatchBound`].)
	pub fn most_votes(&self) -> u8 {
		let expected = self.sortition.as_ref().map_or(0, |sortition| sortition.expected);
		let k = match self.stage {
			Stage::Quorum { k } => k,
			_ => expected / 2 + 1,
		};
		expected.max(k)
	}

	/// The number of the current round in its sortition input: 0 for a
	/// first round, 1 for a dispute, and one more for each of its redraws.
	pub fn round_number(&self) -> u8 {
		match self.stage {
			Stage::Dispute | Stage::SelectingDispute => self.redraws.saturating_add(1),
			_ => 0,
		}
	}
}

/// Why a verifier lost part of its stake.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
pub enum SlashReason {
	/// It attested against the side a decided dispute upheld.
	AgainstMajority,
}

/// One attestation in [`crate::Pallet::attest_many`], with the arguments of
/// [`crate::Pallet::attest`].
#[derive(Clone, PartialEq, Eq, Debug)]
#[derive(Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct Finding {
	pub request: veritas_primitives::settlement::RequestId,
	pub attestation: Attestation,
	pub output_digest: Digest,
	pub proof: veritas_primitives::sortition::SortitionProof,
}

/// What an [`crate::Pallet::attest_many`] batch may cost, declared by its
/// sender (witness data, as `pallet_collective::close` takes its proposal's
/// weight bound): the most votes a first round it attests in may hold,
/// its own included, and how many of its attestations are in disputes. An
/// attestation beyond these is refused, so that a batch never costs more
/// than it paid for.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
pub struct BatchBound {
	pub largest_round: u8,
	pub disputes: u8,
}

impl BatchBound {
	/// No bound: for a single attestation, charged for the dearest case.
	pub const NONE: Self = Self { largest_round: u8::MAX, disputes: u8::MAX };

	/// Takes what attesting in `stage` with `votes` cast already costs
	/// from the bound; whether it was within it.
	pub fn take(&mut self, stage: Stage, votes: usize) -> bool {
		match stage {
			Stage::Dispute => match self.disputes.checked_sub(1) {
				Some(left) => {
					self.disputes = left;
					true
				},
				None => false,
			},
			_ => votes < usize::from(self.largest_round),
		}
	}
}
