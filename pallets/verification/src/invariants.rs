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
	/// - the eligible list holds exactly the active verifiers, once each;
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
			let listed = active.iter().filter(|member| **member == who).count();
			let expected = usize::from(verifier.status == VerifierStatus::Active);
			ensure!(listed == expected, "the eligible list disagrees with a verifier's status");
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
			active.iter().all(Verifiers::<T>::contains_key),
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
		}
		Ok(())
	}
}
