//! The invariants `try_state` checks: the eligible list and due lists agree
//! with the verifiers and verifications, each verifier's open votes are the
//! verifications it attested in, and every verifier's recorded stake is
//! what settlement holds.

use alloc::collections::btree_map::BTreeMap;
use frame_support::ensure;
use veritas_primitives::settlement::{Bond, Settlement};

use crate::{ActiveVerifiers, Config, Due, Opening, Pallet, Stage, Verifications, Verifiers};

impl<T: Config> Pallet<T> {
	/// - the eligible list holds exactly the active verifiers, once each,
	///   with their stakes;
	/// - each verifier's open votes count the unfinished verifications it
	///   attested in (either round);
	/// - votes come from registered verifiers other than the executor, once
	///   each per round, and nobody votes in both rounds;
	/// - a round is open exactly while its sortition is fixed;
	/// - every verification is on the due list of the block its stage ends;
	/// - each verifier's recorded stake is held by settlement.
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		let active = ActiveVerifiers::<T>::get();
		let mut open_votes: BTreeMap<T::AccountId, u32> = BTreeMap::new();
		for (request, record) in Verifications::<T>::iter() {
			let listed = match record.stage.is_selecting() {
				true => Opening::<T>::get(record.due).contains(&request),
				false => Due::<T>::get(record.due).contains(&request),
			};
			ensure!(listed, "a verification off its due or opening list");
			ensure!(
				record.stage.is_round() == record.sortition.is_some(),
				"a round without a sortition, or a sortition outside a round"
			);
			ensure!(
				record.stage.is_round()
					|| record.votes.is_empty()
					|| (record.stage == Stage::SelectingDispute && record.redraws > 0),
				"votes outside a round"
			);
			ensure!(record.redraws <= crate::MAX_DISPUTE_REDRAWS, "too many redraws");
			ensure!(
				record.stage == Stage::Dispute
					|| record.stage == Stage::SelectingDispute
					|| record.first_round.is_empty(),
				"a first round kept outside a dispute"
			);
			for (index, vote) in record.votes.iter().enumerate() {
				ensure!(
					!record.votes[..index].iter().any(|earlier| earlier.verifier == vote.verifier),
					"a member voted twice"
				);
				ensure!(
					!record.sat_in_first_round(&vote.verifier),
					"a first-round member voted in the dispute"
				);
			}
			for vote in record.votes.iter().chain(record.first_round.iter()) {
				ensure!(vote.verifier != record.executor, "an executor judged its own result");
				*open_votes.entry(vote.verifier.clone()).or_default() += 1;
			}
			ensure!(
				record.challenger.is_some()
					|| !matches!(record.stage, Stage::SelectingChallenge | Stage::Challenge),
				"a challenge without a challenger"
			);
		}
		for (who, verifier) in Verifiers::<T>::iter() {
			let listed: alloc::vec::Vec<_> =
				active.iter().filter(|listed| listed.verifier == who).collect();
			let expected = usize::from(verifier.status.is_active());
			ensure!(
				listed.len() == expected,
				"the eligible list disagrees with a verifier's status"
			);
			ensure!(
				listed.iter().all(|listed| {
					listed.stake == verifier.stake && listed.eligible_from == verifier.eligible_from
				}),
				"the eligible list's stake or eligibility differs from the verifier's"
			);
			ensure!(
				open_votes.remove(&who).unwrap_or(0) == verifier.open_votes,
				"a verifier's open votes differ from the verifications it attested in"
			);
			ensure!(
				T::Settlement::held(&who, Bond::VerifierStake) == verifier.stake,
				"a verifier's stake differs from what settlement holds"
			);
		}
		ensure!(open_votes.is_empty(), "a vote from an unknown verifier");
		ensure!(
			active.iter().all(|listed| Verifiers::<T>::contains_key(&listed.verifier)),
			"the eligible list names an unknown verifier"
		);
		Ok(())
	}
}
