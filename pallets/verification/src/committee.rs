//! Who verifies: the one place that draws committees and samples, so that
//! the draw can be replaced (by VRF sortition, say) without touching the rest.
//!
//! Every committee (a quorum's, a challenge's, a dispute's) is drawn on the
//! block *after* the transaction that causes it (the result, the challenge,
//! the vote that escalates) is in a block, from the runtime's randomness
//! read then. Whoever signs that transaction cannot know the seed it will
//! meet. `docs/security.md` says what a block author can still do with it.
//!
//! Seats go by stake: each seat is drawn among the remaining candidates with
//! probability proportional to their stake, so that holding seats costs
//! capital in proportion, and a crowd of minimum stakes cannot outweigh a
//! few large ones.

use alloc::vec::Vec;
use codec::Encode;
use veritas_primitives::settlement::RequestId;

/// 128 bits from the seed, for draw `index` of `request` in `round`.
fn draw(seed: &[u8; 32], request: RequestId, round: u8, index: u32) -> u128 {
	let hash =
		sp_io::hashing::blake2_256(&(b"veritas/committee", seed, request, round, index).encode());
	let mut first = [0u8; 16];
	first.copy_from_slice(&hash[..16]);
	u128::from_le_bytes(first)
}

/// Up to `size` of `candidates` (each with its stake), none twice, each seat
/// drawn with probability proportional to stake among those not yet drawn.
/// Candidates with no stake are never drawn.
pub fn select<AccountId>(
	seed: &[u8; 32],
	request: RequestId,
	round: u8,
	candidates: Vec<(AccountId, u128)>,
	size: usize,
) -> Vec<AccountId> {
	let mut candidates: Vec<(AccountId, u128)> =
		candidates.into_iter().filter(|(_, stake)| *stake > 0).collect();
	let mut chosen = Vec::with_capacity(size.min(candidates.len()));
	let mut index = 0u32;
	while chosen.len() < size && !candidates.is_empty() {
		// Stakes are shifted down together when their sum would overflow:
		// proportions stay, to within the shifted-out bits.
		let shift = shift_to_fit(&candidates);
		let total: u128 = candidates.iter().map(|(_, stake)| stake >> shift).sum();
		if total == 0 {
			break;
		}
		let mut target = draw(seed, request, round, index) % total;
		let mut pick = candidates.len() - 1;
		for (position, (_, stake)) in candidates.iter().enumerate() {
			let weight = stake >> shift;
			if target < weight {
				pick = position;
				break;
			}
			target -= weight;
		}
		chosen.push(candidates.swap_remove(pick).0);
		index = index.saturating_add(1);
	}
	chosen
}

/// The least right shift under which the candidates' stakes sum without
/// overflow.
fn shift_to_fit<AccountId>(candidates: &[(AccountId, u128)]) -> u32 {
	let mut shift = 0;
	while shift < 127 {
		let fits = candidates
			.iter()
			.try_fold(0u128, |sum, (_, stake)| sum.checked_add(stake >> shift))
			.is_some();
		if fits {
			break;
		}
		shift += 1;
	}
	shift
}

/// Whether a `Sampled` policy opens a quorum for `request`: true with
/// probability `permill` in a million.
pub fn sampled(seed: &[u8; 32], request: RequestId, permill: u32) -> bool {
	draw(seed, request, 0, u32::MAX) % 1_000_000 < permill as u128
}

#[cfg(test)]
mod tests {
	use super::*;

	fn equal(count: usize) -> Vec<(usize, u128)> {
		(0..count).map(|member| (member, 100)).collect()
	}

	#[test]
	fn draws_distinct_members_up_to_the_size() {
		let candidates = equal(10);
		let chosen = select(&[7; 32], 1, 0, candidates.clone(), 4);
		assert_eq!(chosen.len(), 4);
		let mut unique = chosen.clone();
		unique.sort();
		unique.dedup();
		assert_eq!(unique.len(), 4);
		assert!(chosen.iter().all(|member| *member < 10));
		// Fewer candidates than seats: all of them.
		assert_eq!(select(&[7; 32], 1, 0, equal(2), 5).len(), 2);
		assert!(select(&[7; 32], 1, 0, Vec::<(u64, u128)>::new(), 3).is_empty());
		// No stake, no seat.
		assert_eq!(select(&[7; 32], 1, 0, vec![(1u64, 0), (2, 5)], 2), vec![2]);
	}

	#[test]
	fn the_draw_depends_on_seed_request_and_round_only() {
		let draw = |seed: u8, request, round| select(&[seed; 32], request, round, equal(32), 5);
		assert_eq!(draw(1, 1, 0), draw(1, 1, 0));
		assert_ne!(draw(1, 1, 0), draw(2, 1, 0));
		assert_ne!(draw(1, 1, 0), draw(1, 2, 0));
		assert_ne!(draw(1, 1, 0), draw(1, 1, 1));
	}

	#[test]
	fn equal_stakes_get_seats_roughly_equally() {
		let mut seats = [0u32; 8];
		for request in 0..4_000 {
			for member in select(&[3; 32], request, 0, equal(8), 2) {
				seats[member] += 1;
			}
		}
		// 8,000 seats over 8 candidates: 1,000 each, within 10%.
		assert!(seats.iter().all(|&n| (900..=1_100).contains(&n)), "{seats:?}");
	}

	#[test]
	fn seats_follow_stake() {
		// One candidate holds as much as the other nine together: for a
		// single seat it is drawn half the time.
		let mut candidates: Vec<(usize, u128)> = (0..9).map(|member| (member, 100)).collect();
		candidates.push((9, 900));
		let drawn = (0..10_000)
			.filter(|&request| select(&[4; 32], request, 0, candidates.clone(), 1) == [9]);
		let count = drawn.count();
		assert!((4_700..=5_300).contains(&count), "{count} of 10,000");
	}

	#[test]
	fn a_crowd_of_minimum_stakes_does_not_outweigh_its_capital() {
		// 240 squatters at the minimum against 16 verifiers with ten times
		// as much: the squatters hold 60% of the stake, and about 60% of the
		// seats, not the 94% their numbers would give a uniform draw.
		let mut candidates: Vec<(usize, u128)> = (0..240).map(|member| (member, 100)).collect();
		candidates.extend((240..256).map(|member| (member, 1_000)));
		let mut squatter_seats = 0;
		for request in 0..2_000 {
			squatter_seats += select(&[9; 32], request, 0, candidates.clone(), 1)
				.into_iter()
				.filter(|member| *member < 240)
				.count();
		}
		assert!((1_100..=1_300).contains(&squatter_seats), "{squatter_seats} of 2,000");
	}

	#[test]
	fn huge_stakes_do_not_overflow() {
		let candidates = vec![(1u8, u128::MAX), (2, u128::MAX), (3, u128::MAX / 2)];
		let chosen = select(&[1; 32], 1, 0, candidates, 3);
		assert_eq!(chosen.len(), 3);
	}

	#[test]
	fn sampling_follows_the_rate() {
		let opened = (0..10_000).filter(|&request| sampled(&[5; 32], request, 250_000)).count();
		assert!((2_250..=2_750).contains(&opened), "{opened} of 10,000 at 25%");
		assert!(!(0..1_000).any(|request| sampled(&[5; 32], request, 0)));
		assert!((0..1_000).all(|request| sampled(&[5; 32], request, 1_000_000)));
	}
}
