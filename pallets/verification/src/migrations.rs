//! Storage migrations.

/// Version 2: private sortition replaces drawn committees. A verification's
/// open round keeps a [`crate::Sortition`] instead of a committee, and the
/// `Seats` map is gone; a verifier counts the verifications it attested in
/// (`open_votes`) instead of its seats, and records when it became
/// eligible.
///
/// Verifiers registered before are eligible at once (their keys were chosen
/// before any sortition seed existed). An open round keeps the votes cast
/// and continues under a sortition fixed at the upgrade, expecting as many
/// members as its drawn committee had.
pub mod v2 {
	use codec::{Decode, Encode};
	use frame_support::{
		migrations::VersionedMigration,
		storage_alias,
		traits::{ConstU32, Get, UncheckedOnRuntimeUpgrade},
		weights::Weight,
		BoundedVec, Twox64Concat,
	};
	use frame_system::pallet_prelude::BlockNumberFor;
	use sp_runtime::traits::Zero;
	use veritas_primitives::{
		model::{ComparisonRule, Digest, ModelId, VerificationPolicy},
		settlement::RequestId,
	};

	use crate::{
		ActiveVerifiers, BalanceOf, Config, Listed, Pallet, Stage, StakeStatus, Verification,
		Verifications, Verifier, Verifiers, Vote,
	};

	/// The most members a drawn committee had.
	type MaxCommitteeV1 = ConstU32<32>;

	/// A verifier as version 1 stored it.
	#[derive(Encode, Decode)]
	pub struct VerifierV1<Balance, BlockNumber> {
		pub stake: Balance,
		pub seats: u32,
		pub reputation: i32,
		pub status: StakeStatus<BlockNumber>,
	}

	/// A verification as version 1 stored it.
	#[derive(Encode, Decode)]
	pub struct VerificationV1<AccountId, Balance, BlockNumber> {
		pub executor: AccountId,
		pub model: ModelId,
		pub output_digest: Digest,
		pub policy: VerificationPolicy<Balance, BlockNumber>,
		pub comparison: ComparisonRule,
		pub stage: Stage,
		pub committee: BoundedVec<AccountId, MaxCommitteeV1>,
		pub votes: BoundedVec<Vote<AccountId>, MaxCommitteeV1>,
		pub first_round: BoundedVec<Vote<AccountId>, MaxCommitteeV1>,
		pub challenger: Option<(AccountId, Balance)>,
		pub due: BlockNumber,
	}

	type VerifierV1Of<T> = VerifierV1<BalanceOf<T>, BlockNumberFor<T>>;
	type VerificationV1Of<T> =
		VerificationV1<<T as frame_system::Config>::AccountId, BalanceOf<T>, BlockNumberFor<T>>;

	/// Version 1's seats, by verifier and request.
	#[storage_alias]
	type Seats<T: Config> = StorageDoubleMap<
		Pallet<T>,
		frame_support::Blake2_128Concat,
		<T as frame_system::Config>::AccountId,
		Twox64Concat,
		RequestId,
		(),
	>;

	/// Rewrites verifiers and verifications in version 2's layout.
	pub struct ToSortition<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for ToSortition<T> {
		fn on_runtime_upgrade() -> Weight {
			let now = frame_system::Pallet::<T>::block_number();
			let mut reads = 1u64;
			let mut writes = 1u64;
			// First: opening a round below reads the new list.
			let listed = ActiveVerifiers::<T>::translate::<
				BoundedVec<(T::AccountId, BalanceOf<T>), T::MaxVerifiers>,
				_,
			>(|old| {
				let old = old.unwrap_or_default().into_inner();
				Some(BoundedVec::truncate_from(
					old.into_iter()
						.map(|(verifier, stake)| Listed {
							verifier,
							stake,
							eligible_from: Zero::zero(),
						})
						.collect(),
				))
			});
			if listed.is_err() {
				log::error!(target: "runtime::verification", "the eligible list did not decode");
			}
			Verifiers::<T>::translate::<VerifierV1Of<T>, _>(|_, old| {
				reads += 1;
				writes += 1;
				Some(Verifier {
					stake: old.stake,
					open_votes: 0,
					reputation: old.reputation,
					status: old.status,
					eligible_from: Zero::zero(),
				})
			});
			let mut voters = alloc::vec::Vec::new();
			Verifications::<T>::translate::<VerificationV1Of<T>, _>(|request, old| {
				reads += 1;
				writes += 1;
				let mut record = Verification {
					executor: old.executor,
					model: old.model,
					output_digest: old.output_digest,
					policy: old.policy,
					comparison: old.comparison,
					stage: old.stage,
					sortition: None,
					votes: BoundedVec::truncate_from(old.votes.into_inner()),
					first_round: BoundedVec::truncate_from(old.first_round.into_inner()),
					challenger: old.challenger,
					redraws: 0,
					due: old.due,
				};
				if record.stage.is_round() {
					let expected = old.committee.len() as u8;
					record.sortition =
						Some(Pallet::<T>::fix_sortition(request, &record, expected, now));
				}
				voters.extend(
					record
						.votes
						.iter()
						.chain(record.first_round.iter())
						.map(|vote| vote.verifier.clone()),
				);
				Some(record)
			});
			for voter in voters {
				reads += 1;
				writes += 1;
				Verifiers::<T>::mutate(voter, |maybe| {
					if let Some(verifier) = maybe {
						verifier.open_votes = verifier.open_votes.saturating_add(1);
					}
				});
			}
			let cleared = Seats::<T>::clear(u32::MAX, None);
			writes += u64::from(cleared.backend);
			<T as frame_system::Config>::DbWeight::get().reads_writes(reads, writes)
		}
	}

	/// The migration from version 1, run once.
	pub type MigrateV1ToV2<T> =
		VersionedMigration<1, 2, ToSortition<T>, Pallet<T>, <T as frame_system::Config>::DbWeight>;

	#[cfg(test)]
	mod tests {
		use frame_support::{
			storage::unhashed,
			traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion},
		};
		use veritas_primitives::inference::Attestation;

		use super::*;
		use crate::mock::*;

		#[test]
		fn a_round_in_progress_continues_under_a_sortition_with_its_votes() {
			new_test_ext_with_verifiers().execute_with(|| {
				StorageVersion::new(1).put::<Pallet<Test>>();
				let voter = VERIFIERS[0];
				// Every genesis verifier, rewritten in version 1's layout at
				// the keys the pallet's maps use.
				for who in VERIFIERS {
					let old_verifier = VerifierV1::<Balance, BlockNumber> {
						stake: MIN_STAKE * 10,
						seats: 1,
						reputation: 3,
						status: StakeStatus::Active,
					};
					unhashed::put(&Verifiers::<Test>::hashed_key_for(who), &old_verifier);
				}
				let old_list: Vec<(AccountId, Balance)> =
					VERIFIERS.iter().map(|who| (*who, MIN_STAKE * 10)).collect();
				unhashed::put(&ActiveVerifiers::<Test>::hashed_key(), &old_list);
				let vote = Vote {
					verifier: voter,
					attestation: Attestation::Match,
					output_digest: OUTPUT,
				};
				let old = VerificationV1::<AccountId, Balance, BlockNumber> {
					executor: EXECUTOR,
					model: 0,
					output_digest: OUTPUT,
					policy: VerificationPolicy::Quorum { k: 2, n: 3 },
					comparison: ComparisonRule::Exact,
					stage: Stage::Quorum { k: 2 },
					committee: BoundedVec::truncate_from(vec![voter, VERIFIERS[1], VERIFIERS[2]]),
					votes: BoundedVec::truncate_from(vec![vote.clone()]),
					first_round: Default::default(),
					challenger: None,
					due: 5,
				};
				unhashed::put(&Verifications::<Test>::hashed_key_for(7), &old);
				Seats::<Test>::insert(VERIFIERS[1], 7, ());
				crate::Due::<Test>::insert(5, BoundedVec::truncate_from(vec![7]));

				MigrateV1ToV2::<Test>::on_runtime_upgrade();

				assert_eq!(Pallet::<Test>::on_chain_storage_version(), 2);
				let verifier = Verifiers::<Test>::get(voter).expect("translated");
				assert_eq!(
					(verifier.open_votes, verifier.reputation, verifier.eligible_from),
					(1, 3, 0)
				);
				let record = Verifications::<Test>::get(7).expect("translated");
				assert_eq!(record.votes.into_inner(), vec![vote]);
				let sortition = record.sortition.expect("the round continues");
				assert_eq!((sortition.expected, sortition.fixed_at), (3, 1));
				assert_eq!(Seats::<Test>::iter().count(), 0, "seats are gone");
				let list = ActiveVerifiers::<Test>::get();
				assert_eq!(list.len(), 5);
				assert_eq!(
					(list[0].verifier, list[0].stake, list[0].eligible_from),
					(voter, MIN_STAKE * 10, 0)
				);
				// Every listed verifier's stake but the voter's, who has voted.
				assert_eq!(sortition.total_stake, MIN_STAKE * 40);
				assert_eq!(Verifiers::<Test>::get(VERIFIERS[1]).map(|v| v.open_votes), Some(0));
				Pallet::<Test>::do_try_state().expect("the invariants hold after the upgrade");
			});
		}
	}
}
