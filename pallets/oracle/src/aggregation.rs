//! Turning a round's reports into one value, and judging each report
//! against it.

use alloc::vec::Vec;
use sp_runtime::Permill;
use veritas_primitives::oracle::FeedValue;

/// The stake-weighted median of `(value, stake)` reports: the value at
/// which the reports' stake first passes half of the total. When the stake
/// below a value is exactly half, the median is the mean of that value and
/// the next one up, rounded down (so two equal reports of 10 and 11 give
/// 10, and of -11 and -10 give -11).
///
/// Zero stakes carry no weight; if every stake is zero, each report counts
/// once. Stakes whose sum would overflow are all halved as often as it takes
/// to fit, which changes no proportion that matters. `None` for no reports.
pub fn weighted_median(reports: &[(FeedValue, u128)]) -> Option<FeedValue> {
	let overflows =
		reports.iter().try_fold(0u128, |sum, (_, stake)| sum.checked_add(*stake)).is_none();
	let shift = if overflows { usize::BITS - reports.len().leading_zeros() } else { 0 };
	let mut weighted: Vec<(FeedValue, u128)> = reports
		.iter()
		.map(|(value, stake)| (*value, stake >> shift))
		.filter(|(_, stake)| *stake > 0)
		.collect();
	if weighted.is_empty() {
		weighted = reports.iter().map(|(value, _)| (*value, 1)).collect();
	}
	weighted.sort_by_key(|(value, _)| *value);
	let total: u128 = weighted.iter().map(|(_, stake)| stake).sum();
	let mut below = 0u128;
	for (index, (value, stake)) in weighted.iter().enumerate() {
		below += stake;
		let above = total - below;
		if below > above {
			return Some(*value);
		}
		if below == above {
			let next = weighted.get(index + 1).map_or(*value, |(next, _)| *next);
			return Some(mean_rounded_down(*value, next));
		}
	}
	weighted.last().map(|(value, _)| *value)
}

/// ⌊(a + b) / 2⌋ without overflow.
fn mean_rounded_down(a: FeedValue, b: FeedValue) -> FeedValue {
	a.div_euclid(2) + b.div_euclid(2) + (a.rem_euclid(2) + b.rem_euclid(2)) / 2
}

/// Whether `value` lies within `band` of `median` (a share of the median's
/// magnitude; a median of zero leaves no room).
pub fn in_band(value: FeedValue, median: FeedValue, band: Permill) -> bool {
	value.abs_diff(median) <= band.mul_ceil(median.unsigned_abs())
}

#[cfg(test)]
mod tests {
	use super::*;

	fn equal(values: &[FeedValue]) -> Vec<(FeedValue, u128)> {
		values.iter().map(|value| (*value, 100)).collect()
	}

	#[test]
	fn no_reports_no_value() {
		assert_eq!(weighted_median(&[]), None);
	}

	#[test]
	fn a_single_reporter_is_the_median() {
		assert_eq!(weighted_median(&[(-42, 7)]), Some(-42));
	}

	#[test]
	fn odd_counts_take_the_middle_whatever_the_order() {
		assert_eq!(weighted_median(&equal(&[30, 10, 20])), Some(20));
		assert_eq!(weighted_median(&equal(&[5, 1, 4, 2, 3])), Some(3));
	}

	#[test]
	fn even_counts_take_the_mean_of_the_middle_two_rounded_down() {
		assert_eq!(weighted_median(&equal(&[10, 20, 30, 40])), Some(25));
		assert_eq!(weighted_median(&equal(&[10, 11])), Some(10));
		assert_eq!(weighted_median(&equal(&[-11, -10])), Some(-11));
		assert_eq!(weighted_median(&equal(&[-1, 2])), Some(0));
	}

	#[test]
	fn ties_count_their_stake_together() {
		assert_eq!(weighted_median(&equal(&[7, 7, 9, 9])), Some(8));
		assert_eq!(weighted_median(&equal(&[7, 7, 7, 9])), Some(7));
		assert_eq!(weighted_median(&[(7, 1), (9, 1), (9, 1)]), Some(9));
	}

	#[test]
	fn stake_weighs_the_reports() {
		// One node with more than half the stake decides alone.
		assert_eq!(weighted_median(&[(100, 60), (1, 20), (2, 20)]), Some(100));
		// Exactly half: the mean of its value and the next.
		assert_eq!(weighted_median(&[(100, 50), (1, 25), (2, 25)]), Some(51));
		// Zero stake carries no weight.
		assert_eq!(weighted_median(&[(1, 0), (5, 10), (9, 0)]), Some(5));
		assert_eq!(weighted_median(&[(1, 0), (5, 0), (9, 0)]), Some(5));
		assert_eq!(weighted_median(&[(1, 5), (2, 0), (3, 5)]), Some(2));
	}

	#[test]
	fn outliers_do_not_move_the_median() {
		let honest = [(1_000, 100), (1_001, 100), (999, 100), (1_000, 100)];
		let mut with_liars = honest.to_vec();
		with_liars.extend([(i128::MAX, 100), (i128::MIN, 100)]);
		assert_eq!(weighted_median(&honest), Some(1_000));
		assert_eq!(weighted_median(&with_liars), Some(1_000));
	}

	#[test]
	fn extreme_values_and_stakes_do_not_overflow() {
		assert_eq!(weighted_median(&equal(&[i128::MAX, i128::MAX - 1])), Some(i128::MAX - 1));
		assert_eq!(weighted_median(&equal(&[i128::MIN, i128::MAX])), Some(-1));
		assert_eq!(weighted_median(&equal(&[i128::MIN, i128::MIN])), Some(i128::MIN));
		assert_eq!(weighted_median(&[(1, u128::MAX), (2, u128::MAX), (3, u128::MAX)]), Some(2));
		assert_eq!(weighted_median(&[(1, u128::MAX), (2, 1)]), Some(1));
	}

	#[test]
	fn the_band_is_a_share_of_the_median() {
		let band = Permill::from_percent(1);
		assert!(in_band(10_100, 10_000, band));
		assert!(!in_band(10_101, 10_000, band));
		assert!(in_band(-9_900, -10_000, band));
		assert!(!in_band(9_899, 10_000, band));
		assert!(in_band(0, 0, band));
		assert!(!in_band(1, 0, band));
		assert!(!in_band(i128::MIN, i128::MAX, band));
	}
}
