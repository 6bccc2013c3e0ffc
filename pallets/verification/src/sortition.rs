//! Who verifies: the seed each round is fixed with, the check that an
//! attester's VRF selected it, and the coin a `Sampled` policy flips.
//!
//! A round's seed is fixed on the block *after* the transaction that asks
//! for the round (the result, the challenge, the vote that escalates), from
//! the runtime's randomness read then (BABE's VRF output of the block
//! before, which its author could not change by choosing the block's
//! contents). Whoever signs that transaction cannot know it.
//!
//! With the seed, each verifier's chance to sit is its share of the
//! eligible stake times the round's expected size
//! ([`veritas_primitives::sortition::threshold`]): holding seats costs
//! capital in proportion, and splitting a stake across many accounts buys
//! nothing.

use codec::Encode;
use frame_support::{pallet_prelude::*, traits::Randomness};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::traits::{Saturating, UniqueSaturatedInto, Zero};
use veritas_primitives::{
	settlement::RequestId,
	sortition::{self, SortitionInput, SortitionKey, SortitionProof},
};

use crate::{
	ActiveVerifiers, BalanceOf, Config, Error, Pallet, Sortition, VerificationOf, Verifiers,
};

/// Whether a `Sampled` policy opens a quorum for `request`: true with
/// probability `permill` in a million, from the round's seed.
pub fn sampled(seed: &[u8; 32], request: RequestId, permill: u32) -> bool {
	let hash = sp_io::hashing::blake2_256(&(b"veritas/sampled", seed, request).encode());
	let mut first = [0u8; 16];
	first.copy_from_slice(&hash[..16]);
	u128::from_le_bytes(first) % 1_000_000 < u128::from(permill)
}

impl<T: Config> Pallet<T> {
	/// The seed of `request`'s round opening now, from the runtime's
	/// randomness.
	pub(crate) fn seed(request: RequestId) -> [u8; 32] {
		let (random, _) = T::Randomness::random(&(b"veritas/verification", request).encode());
		sp_io::hashing::blake2_256(&random.encode())
	}

	/// The stake of every verifier that may sit in a round of `record`
	/// opening now, and how many they are: registered long enough ago, not
	/// its executor (who never judges its own result), and, for a dispute,
	/// not in the first round (which the dispute judges).
	pub(crate) fn eligible(
		record: &VerificationOf<T>,
		now: BlockNumberFor<T>,
	) -> (BalanceOf<T>, u32) {
		ActiveVerifiers::<T>::get()
			.into_iter()
			.filter(|listed| listed.eligible_from <= now && listed.verifier != record.executor)
			.filter(|listed| !record.sat_in_first_round(&listed.verifier))
			.filter(|listed| !record.has_voted(&listed.verifier))
			.fold((Zero::zero(), 0), |(total, count): (BalanceOf<T>, u32), listed| {
				(total.saturating_add(listed.stake), count.saturating_add(1))
			})
	}

	/// The sortition of a round of `record`'s opening now, expecting
	/// `expected` members, or as many as could sit in it when they are
	/// fewer (those eligible, and those who attested in an earlier draw of
	/// a dispute): a round is counted against members it could have.
	pub(crate) fn fix_sortition(
		request: RequestId,
		record: &VerificationOf<T>,
		expected: u8,
		now: BlockNumberFor<T>,
	) -> Sortition<BalanceOf<T>, BlockNumberFor<T>> {
		let (total_stake, count) = Self::eligible(record, now);
		Sortition {
			seed: Self::seed(request),
			fixed_at: now,
			total_stake,
			expected: expected
				.min(count.saturating_add(record.votes.len() as u32).try_into().unwrap_or(u8::MAX)),
		}
	}

	/// Checks that `who` sits in `record`'s open round: it was eligible
	/// when the seed was fixed and still is, `proof` is its VRF over the
	/// round's input, and the output is under its threshold.
	pub(crate) fn check_selected(
		who: &T::AccountId,
		request: RequestId,
		record: &VerificationOf<T>,
		proof: &SortitionProof,
	) -> DispatchResult {
		let (input, threshold) = Self::seat(who, request, record)?;
		let output =
			T::SortitionKey::verify(who, &input, proof).ok_or(Error::<T>::InvalidSortitionProof)?;
		ensure!(sortition::is_selected(output, threshold), Error::<T>::NotSelected);
		Ok(())
	}

	/// What `who`'s VRF is evaluated on in `record`'s round, and the
	/// threshold its output must fall under to sit in it; an error if it
	/// may not sit at all.
	fn seat(
		who: &T::AccountId,
		request: RequestId,
		record: &VerificationOf<T>,
	) -> Result<(SortitionInput, u128), DispatchError> {
		let round = record.sortition.ok_or(Error::<T>::AttestationClosed)?;
		let verifier = Verifiers::<T>::get(who).ok_or(Error::<T>::NotVerifier)?;
		ensure!(
			verifier.status.is_active() && verifier.eligible_from <= round.fixed_at,
			Error::<T>::NotEligible
		);
		let input = SortitionInput { seed: round.seed, request, round: record.round_number() };
		// A stake only falls after the seed is fixed (by slashes), so the
		// current one never raises a verifier's chance.
		let threshold = sortition::threshold(
			verifier.stake.unique_saturated_into(),
			round.total_stake.unique_saturated_into(),
			round.expected,
		);
		Ok((input, threshold))
	}

	/// The round `record`, waiting in a `Selecting` stage, will open at
	/// block `opens` (the next), as it can be known now: the seed the next
	/// block reads is the VRF output the chain already holds for this one.
	/// Lets a verifier's node start checking a block early. `None` when no
	/// round opens (a window does), or the verification is not due then.
	pub fn upcoming_round(
		request: RequestId,
		record: &VerificationOf<T>,
		opens: BlockNumberFor<T>,
	) -> Option<VerificationOf<T>> {
		if record.stage.is_round() || record.due != opens {
			return None;
		}
		let (stage, expected) = Self::next_round(request, record)?;
		let mut upcoming = record.clone();
		upcoming.sortition = Some(Self::fix_sortition(request, record, expected, opens));
		upcoming.stage = stage;
		upcoming.votes = Default::default();
		Some(upcoming)
	}

	/// `who`'s proof that it sits in `record`'s open round, from this
	/// node's keystore, if it holds `who`'s key and the VRF selects it: what
	/// the off-chain worker attests with.
	pub fn selection_proof(
		who: &T::AccountId,
		request: RequestId,
		record: &VerificationOf<T>,
	) -> Option<SortitionProof> {
		let (input, threshold) = Self::seat(who, request, record).ok()?;
		T::SortitionKey::prove_if_selected(who, &input, threshold)
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn sampling_follows_the_rate() {
		let opened = (0..10_000).filter(|&request| sampled(&[5; 32], request, 250_000)).count();
		assert!((2_250..=2_750).contains(&opened), "{opened} of 10,000 at 25%");
		assert!(!(0..1_000).any(|request| sampled(&[5; 32], request, 0)));
		assert!((0..1_000).all(|request| sampled(&[5; 32], request, 1_000_000)));
	}
}
