//! Who verifies: the one place that draws committees and samples, so that
//! the draw can be replaced (by VRF sortition, say) without touching the rest.
//!
//! The seed is the runtime's randomness read *after* the result landed (the
//! block after it, or the challenge's block), so the executor cannot know its
//! committee when it submits. `docs/security.md` says what a block author
//! can still do with it.

use alloc::vec::Vec;
use codec::Encode;
use veritas_primitives::settlement::RequestId;

/// A number in `[0, bound)` from the seed, for draw `index` of `request`.
fn draw(seed: &[u8; 32], request: RequestId, round: u8, index: u32, bound: u64) -> u64 {
	let hash =
		sp_io::hashing::blake2_256(&(b"veritas/committee", seed, request, round, index).encode());
	let mut first = [0u8; 8];
	first.copy_from_slice(&hash[..8]);
	u64::from_le_bytes(first) % bound.max(1)
}

/// Up to `size` members of `candidates`, each equally likely, none twice.
pub fn select<AccountId>(
	seed: &[u8; 32],
	request: RequestId,
	round: u8,
	mut candidates: Vec<AccountId>,
	size: usize,
) -> Vec<AccountId> {
	let mut chosen = Vec::with_capacity(size.min(candidates.len()));
	let mut index = 0u32;
	while chosen.len() < size && !candidates.is_empty() {
		let pick = draw(seed, request, round, index, candidates.len() as u64) as usize;
		chosen.push(candidates.swap_remove(pick));
		index += 1;
	}
	chosen
}

/// Whether a `Sampled` policy opens a quorum for `request`: true with
/// probability `permill` in a million.
pub fn sampled(seed: &[u8; 32], request: RequestId, permill: u32) -> bool {
	draw(seed, request, 0, u32::MAX, 1_000_000) < permill as u64
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn draws_distinct_members_up_to_the_size() {
		let candidates: Vec<u64> = (0..10).collect();
		let chosen = select(&[7; 32], 1, 0, candidates.clone(), 4);
		assert_eq!(chosen.len(), 4);
		let mut unique = chosen.clone();
		unique.sort();
		unique.dedup();
		assert_eq!(unique.len(), 4);
		assert!(chosen.iter().all(|member| candidates.contains(member)));
		// Fewer candidates than seats: all of them.
		assert_eq!(select(&[7; 32], 1, 0, vec![1u64, 2], 5).len(), 2);
		assert!(select(&[7; 32], 1, 0, Vec::<u64>::new(), 3).is_empty());
	}

	#[test]
	fn the_draw_depends_on_seed_request_and_round_only() {
		let candidates: Vec<u64> = (0..32).collect();
		let draw =
			|seed: u8, request, round| select(&[seed; 32], request, round, candidates.clone(), 5);
		assert_eq!(draw(1, 1, 0), draw(1, 1, 0));
		assert_ne!(draw(1, 1, 0), draw(2, 1, 0));
		assert_ne!(draw(1, 1, 0), draw(1, 2, 0));
		assert_ne!(draw(1, 1, 0), draw(1, 1, 1));
	}

	#[test]
	fn every_candidate_gets_seats_roughly_equally() {
		let mut seats = [0u32; 8];
		for request in 0..4_000 {
			for member in select(&[3; 32], request, 0, (0..8usize).collect(), 2) {
				seats[member] += 1;
			}
		}
		// 8,000 seats over 8 candidates: 1,000 each, within 10%.
		assert!(seats.iter().all(|&n| (900..=1_100).contains(&n)), "{seats:?}");
	}

	#[test]
	fn sampling_follows_the_rate() {
		let opened = (0..10_000).filter(|&request| sampled(&[5; 32], request, 250_000)).count();
		assert!((2_250..=2_750).contains(&opened), "{opened} of 10,000 at 25%");
		assert!(!(0..1_000).any(|request| sampled(&[5; 32], request, 0)));
		assert!((0..1_000).all(|request| sampled(&[5; 32], request, 1_000_000)));
	}
}
