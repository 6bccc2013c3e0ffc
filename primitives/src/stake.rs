//! A stake's life, the same for every staked role (executors, verifiers,
//! data nodes): a participant registers with a stake and takes work while
//! [`StakeStatus::Active`]; unregistering stops new work and starts an
//! unbonding period, during which the stake stays slashable for what it
//! already did; after the period (and once the pallet's own open work is
//! done) the stake can be withdrawn.
//!
//! Each pallet keeps its participants and decides what "open work" means
//! (an executor's open requests, a verifier's open votes); the states and
//! the two steps between them are written here once. Each pallet maps a
//! [`StakeStepError`] to its own named error.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_runtime::traits::Saturating;

/// Where a participant's stake is in its life.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub enum StakeStatus<BlockNumber> {
	/// Registered and taking work.
	Active,
	/// Unregistered: takes no new work, and its stake can be withdrawn from
	/// block `until` on (once its open work is done).
	Unbonding { until: BlockNumber },
}

/// Why a step of the stake's life is refused.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum StakeStepError {
	/// Unregistering twice.
	AlreadyUnbonding,
	/// Withdrawing a stake that was never unbonded.
	NotUnbonding,
	/// Withdrawing before the unbonding period is over.
	StillUnbonding,
}

impl<BlockNumber: Copy + PartialOrd + Saturating> StakeStatus<BlockNumber> {
	pub fn is_active(&self) -> bool {
		matches!(self, StakeStatus::Active)
	}

	/// Starts the unbonding period at block `now`, `period` blocks long,
	/// and gives the block the stake can be withdrawn from.
	pub fn start_unbonding(
		&mut self,
		now: BlockNumber,
		period: BlockNumber,
	) -> Result<BlockNumber, StakeStepError> {
		if !self.is_active() {
			return Err(StakeStepError::AlreadyUnbonding);
		}
		let until = now.saturating_add(period);
		*self = StakeStatus::Unbonding { until };
		Ok(until)
	}

	/// Whether the unbonding period is over at block `now`: the stake's
	/// side of a withdrawal (the pallet checks its open work besides).
	pub fn ensure_withdrawable(&self, now: BlockNumber) -> Result<(), StakeStepError> {
		match self {
			StakeStatus::Active => Err(StakeStepError::NotUnbonding),
			StakeStatus::Unbonding { until } if now < *until => Err(StakeStepError::StillUnbonding),
			StakeStatus::Unbonding { .. } => Ok(()),
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn a_stake_unbonds_once_and_is_withdrawable_from_the_end_of_its_period() {
		let mut status = StakeStatus::<u32>::Active;
		assert!(status.is_active());
		assert_eq!(status.ensure_withdrawable(100), Err(StakeStepError::NotUnbonding));
		assert_eq!(status.start_unbonding(10, 20), Ok(30));
		assert_eq!(status, StakeStatus::Unbonding { until: 30 });
		assert!(!status.is_active());
		// A second unregistration moves nothing.
		assert_eq!(status.start_unbonding(25, 20), Err(StakeStepError::AlreadyUnbonding));
		assert_eq!(status, StakeStatus::Unbonding { until: 30 });
		assert_eq!(status.ensure_withdrawable(29), Err(StakeStepError::StillUnbonding));
		assert_eq!(status.ensure_withdrawable(30), Ok(()));
		assert_eq!(status.ensure_withdrawable(31), Ok(()));
	}

	#[test]
	fn a_period_past_the_last_block_ends_at_the_last_block() {
		let mut status = StakeStatus::<u32>::Active;
		assert_eq!(status.start_unbonding(u32::MAX - 1, 10), Ok(u32::MAX));
		assert_eq!(status.ensure_withdrawable(u32::MAX - 1), Err(StakeStepError::StillUnbonding));
	}

	/// Every pallet's records were written with its own copy of this enum,
	/// encoded as index 0 for active and index 1 and the block for
	/// unbonding: stored records decode unchanged.
	#[test]
	fn the_encoding_is_the_one_stored_records_have() {
		assert_eq!(StakeStatus::<u32>::Active.encode(), vec![0]);
		assert_eq!(StakeStatus::Unbonding { until: 0x0102_0304u32 }.encode(), vec![1, 4, 3, 2, 1]);
	}
}
