//! The invariants `try_state` checks: the eligible list, seats and due
//! lists agree with the verifiers and verifications, and every verifier's
//! recorded stake is what settlement holds.

use alloc::collections::btree_map::BTreeMap;
use frame_support::ensure;
use veritas_primitives::settlement::{Bond, Settlement};

use crate::{
	ActiveVerifiers, Config, Due, Pallet, Seats, Stage, Verifications, VerifierStatus, Verifiers,
};

impl<T: Config> Pallet<T> {
	/// - the eligible list holds exactly the active verifiers, once each,
	///   with their stakes;
	/// - each verifier's seat count equals its seats, and each seat is in a
	///   committee of an open round, unattested;
	/// - every unattested member of an open round holds a seat; votes come
	///   from members, once each; no executor sits in its own committee;
	/// - every verification is on the due list of the block its stage ends;
	/// - each verifier's recorded stake is held by settlement.
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		let active = ActiveVerifiers::<T>::get();
		let mut seats: BTreeMap<T::AccountId, u32> = BTreeMap::new();
		for (who, request, ()) in Seats::<T>::iter() {
			let record =
				Verifications::<T>::get(request).ok_or("a seat in a finished verification")?;
			ensure!(record.stage.is_round(), "a seat outside a round");
			ensure!(record.committee.contains(&who), "a seat outside the committee");
			ensure!(!record.has_voted(&who), "a seat kept after attesting");
			*seats.entry(who).or_default() += 1;
		}
		for (who, verifier) in Verifiers::<T>::iter() {
			let listed: alloc::vec::Vec<_> =
				active.iter().filter(|(member, _)| *member == who).collect();
			let expected = usize::from(verifier.status == VerifierStatus::Active);
			ensure!(
				listed.len() == expected,
				"the eligible list disagrees with a verifier's status"
			);
			ensure!(
				listed.iter().all(|(_, stake)| *stake == verifier.stake),
				"the eligible list's stake differs from the verifier's"
			);
			ensure!(
				seats.remove(&who).unwrap_or(0) == verifier.seats,
				"a verifier's seat count differs from its seats"
			);
			ensure!(
				T::Settlement::held(&who, Bond::VerifierStake) == verifier.stake,
				"a verifier's stake differs from what settlement holds"
			);
		}
		ensure!(seats.is_empty(), "a seat held by an unknown verifier");
		ensure!(
			active.iter().all(|(member, _)| Verifiers::<T>::contains_key(member)),
			"the eligible list names an unknown verifier"
		);
		for (request, record) in Verifications::<T>::iter() {
			ensure!(
				Due::<T>::get(record.due).contains(&request),
				"a verification off the due list"
			);
			ensure!(
				!record.committee.contains(&record.executor),
				"an executor on its own committee"
			);
			if record.stage.is_round() {
				for member in record.committee.iter() {
					ensure!(
						record.has_voted(member) != Seats::<T>::contains_key(member, request),
						"a member without a vote holds no seat"
					);
				}
			}
			for (index, vote) in record.votes.iter().enumerate() {
				ensure!(
					record.committee.contains(&vote.verifier),
					"a vote from outside the committee"
				);
				ensure!(
					!record.votes[..index].iter().any(|earlier| earlier.verifier == vote.verifier),
					"a member voted twice"
				);
			}
			ensure!(
				record.stage != Stage::Selecting || record.committee.is_empty(),
				"a committee before the draw"
			);
			ensure!(record.stage.is_round() || record.votes.is_empty(), "votes outside a round");
			ensure!(
				record.challenger.is_some()
					|| !matches!(record.stage, Stage::SelectingChallenge | Stage::Challenge),
				"a challenge without a challenger"
			);
		}
		Ok(())
	}
}
