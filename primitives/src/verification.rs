//! What a verification looks like from outside the verification pallet:
//! its stage, and a view for the runtime API.

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

use crate::inference::Attestation;

/// Where a verification stands.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub enum VerificationStage {
	/// The result landed; its round's seed is fixed on the next block.
	Selecting,
	/// Optimistic: final when the window ends, unless challenged.
	Window,
	/// A quorum's round: `k` matching attestations accept the result.
	Quorum { k: u8 },
	/// A challenge's round: a majority (of its expected size) of matches
	/// upholds the result; anything else goes to a dispute.
	Challenge,
	/// The second and last round: a majority of its expected size stands.
	Dispute,
	/// A challenge landed; its round's seed is fixed on the next block,
	/// which the challenger cannot know when it signs.
	SelectingChallenge,
	/// The first round could not accept; the dispute's seed is fixed on the
	/// next block, which no voter can know when it votes.
	SelectingDispute,
}

impl VerificationStage {
	/// Whether a round is open for attestations.
	/// Whether the stage waits for its round (or window) to open.
	pub fn is_selecting(&self) -> bool {
		matches!(
			self,
			VerificationStage::Selecting
				| VerificationStage::SelectingChallenge
				| VerificationStage::SelectingDispute
		)
	}

	pub fn is_round(&self) -> bool {
		matches!(
			self,
			VerificationStage::Quorum { .. }
				| VerificationStage::Challenge
				| VerificationStage::Dispute
		)
	}
}

/// A result under verification, as the runtime API shows it.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct VerificationView<AccountId, BlockNumber> {
	pub stage: VerificationStage,
	/// How many members the current round expects. Who they are nobody
	/// knows until they attest: each is chosen by its own VRF.
	pub expected: u8,
	/// The current round's attestations.
	pub attestations: Vec<(AccountId, Attestation)>,
	/// The first round's attestations, once a dispute has opened.
	pub first_round: Vec<(AccountId, Attestation)>,
	pub challenger: Option<AccountId>,
	/// When the current stage ends.
	pub due: BlockNumber,
}
