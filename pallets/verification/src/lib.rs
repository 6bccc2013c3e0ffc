//! # pallet-verification: committees, challenges and disputes over results
//!
//! This is the "verifiable" half of Veritas: a wrong result must be caught
//! and paid for, and an honest executor must never be slashed because floats
//! differ across CPUs (verifiers compare under the model's comparison rule,
//! with its tolerance, off-chain).
//!
//! ## Verifiers
//!
//! A verifier registers with [`Pallet::register_verifier`] and a stake, held
//! through [`Config::Settlement`]. Its node re-runs the requests it is asked
//! to check and attests with the same account's key (type `vrvf`).
//! [`Pallet::unregister_verifier`] takes it out of new committees at once;
//! [`Pallet::withdraw_stake`] returns the stake after
//! [`Config::UnbondingPeriod`], once its open seats are done.
//!
//! ## Policies
//!
//! pallet-inference hands every result over through
//! [`VerificationHooks::on_result_submitted`]. Nothing is decided in that
//! block: the committee is drawn on the next block, from randomness the
//! executor could not see when it submitted ([`committee`]). Every later
//! committee is drawn the same way, a block after the transaction that
//! asked for it. Seats go by stake. Then, by the policy the request was
//! made under:
//! - `Quorum { k, n }`: `n` verifiers (never the executor) attest; `k`
//!   matches accept the result.
//! - `Optimistic { window_blocks, challenge_bond }`: the result is accepted
//!   when the window ends, unless someone (not the executor) calls
//!   [`Pallet::challenge`] with the bond, which opens (on the next block) a
//!   committee of [`Config::ChallengeCommitteeSize`] whose majority of
//!   matches upholds the result.
//! - `Sampled { permill, k, n }`: a quorum with probability `permill`,
//!   otherwise optimistic with [`Config::SampledWindow`] and
//!   [`Config::SampledChallengeBond`].
//!
//! ## Attestations and disputes
//!
//! Committee members call [`Pallet::attest`] once each, before the round's
//! deadline ([`Config::AttestationPeriod`]), with `Match`, `Mismatch` or
//! `Unrunnable(reason)` and the digest of their own output (under `Exact`,
//! the chain checks that a match or mismatch agrees with the digests).
//!
//! A first round can only accept. Whatever it cannot accept (a finding of
//! fraud, a request nobody could run, a mismatch under `Exact`, silence)
//! goes to a second, larger committee ([`Config::DisputeCommitteeSize`],
//! drawn on the next block among those not in the first). A dispute is
//! decided when one answer holds a majority of its seats; there is no third
//! round. Only a decided dispute punishes: the executor
//! (fraud), or the challenger's bond and the verifiers of both rounds who
//! attested against it ([`Config::WrongAttestationSlash`]). A dispute with
//! no majority accepts and slashes nobody: fraud is never presumed.
//! Members who let a deadline pass lose [`Config::NoShowSlash`] and a point
//! of reputation; `Unrunnable` is an answer, not an absence.
//!
//! The verdict goes back through [`InferenceHooks::on_verdict`], which
//! settles: accepted results pay the attesting verifiers from the request's
//! fee; frauds pay them (and the challenger) from the executor's slash.
//!
//! ## The verifier's node
//!
//! A verifier's node runs this pallet's off-chain worker ([`offchain`]): for
//! the seats of the `vrvf` keys in its keystore, it has the node's engine
//! re-run the request (or, under `TokenTopK`, check the executor's tokens in
//! one teacher-forced pass) and compare under the model's rule, then posts
//! the attestation signed with [`Config::VerifierAuthority`].
//!
//! ## Bounded work
//!
//! Every stage has a due block; `on_initialize` handles the requests due in
//! its block (at most [`Config::MaxDuePerBlock`]; a full block's list spills
//! over to the next), charging their measured weight. A stage whose due
//! block has passed can be ended by anyone with [`Pallet::advance`].
//! Committees come from at most [`Config::MaxVerifiers`] candidates; when
//! the list is full, a larger stake displaces the smallest.
//!
//! ## Too few verifiers
//!
//! When fewer verifiers are eligible than a quorum needs, the result is
//! accepted unverified and [`Event::Unverified`] says so; a challenge with
//! nobody to judge it is refused. A network must register enough verifiers
//! for the policies its models choose.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

#[cfg(test)]
mod attack_tests;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
pub mod committee;
#[cfg(any(feature = "try-runtime", feature = "std"))]
mod invariants;
#[cfg(test)]
mod mock;
pub mod offchain;
#[cfg(test)]
mod offchain_tests;
pub mod rounds;
#[cfg(test)]
mod tests;
mod types;
pub mod weights;

pub use types::*;
pub use weights::WeightInfo;

use frame_support::{
	pallet_prelude::*,
	traits::{
		fungible::{Inspect, Mutate},
		Randomness,
	},
};
use frame_system::pallet_prelude::*;
use sp_runtime::{
	traits::{Saturating, Zero},
	Perbill,
};
use veritas_primitives::{
	inference::{
		Attestation, InferenceHooks, RequestInspect, SubmittedResult, VerificationHooks,
		VerificationStart,
	},
	model::{ComparisonRule, Digest, ModelInspect, VerificationPolicy},
	settlement::{Bond, RequestId, Settlement},
};

/// Signs a verifier's attestations with its sr25519 `vrvf` key, for
/// runtimes whose accounts are `MultiSigner`s (as Veritas's are).
pub struct VerifierAuthority;

impl frame_system::offchain::AppCrypto<sp_runtime::MultiSigner, sp_runtime::MultiSignature>
	for VerifierAuthority
{
	type RuntimeAppPublic = veritas_primitives::keys::verifier::Public;
	type GenericPublic = sp_core::sr25519::Public;
	type GenericSignature = sp_core::sr25519::Signature;
}

/// The balance type.
pub type BalanceOf<T> =
	<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;

/// A verifier with this runtime's types.
pub type VerifierOf<T> = Verifier<BalanceOf<T>, BlockNumberFor<T>>;

/// A verification with this runtime's types.
pub type VerificationOf<T> =
	Verification<<T as frame_system::Config>::AccountId, BalanceOf<T>, BlockNumberFor<T>>;

/// What the benchmarks need from the runtime: a result waiting for its
/// committee, submitted through the real inference pallet.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId, Balance, BlockNumber> {
	/// Makes a request whose result `executor` has submitted under `policy`,
	/// so that this pallet holds its verification in the `Selecting` stage.
	fn submitted_result(
		executor: &AccountId,
		policy: veritas_primitives::model::ModelPolicy<Balance, BlockNumber>,
	) -> RequestId;
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;

	/// The layout of this pallet's storage; a change to a stored record
	/// bumps it and comes with a migration.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config:
		frame_system::Config + frame_system::offchain::CreateSignedTransaction<Call<Self>>
	{
		/// The overarching event type.
		#[allow(deprecated)]
		type RuntimeEvent: From<Event<Self>> + IsType<<Self as frame_system::Config>::RuntimeEvent>;

		/// The currency. Settlement moves the money; this pallet only names
		/// its balance type (and funds accounts in benchmarks).
		type Currency: Mutate<Self::AccountId>;

		/// Stakes, bonds and slashes.
		type Settlement: Settlement<Self::AccountId, BalanceOf<Self>>;

		/// Where verdicts go to be settled.
		type Inference: InferenceHooks<Self::AccountId>;

		/// Requests and their results, for the verifier's off-chain worker.
		type Requests: RequestInspect;

		/// The model registry, for the verifier's off-chain worker.
		type Models: ModelInspect<Self::AccountId, BalanceOf<Self>, BlockNumberFor<Self>>;

		/// The key a verifier's node signs its attestations with (key type
		/// `vrvf` in the keystore).
		type VerifierAuthority: frame_system::offchain::AppCrypto<Self::Public, Self::Signature>;

		/// The seed of committees and samples, read after the result landed.
		type Randomness: Randomness<Self::Hash, BlockNumberFor<Self>>;

		/// The least stake a verifier may have.
		#[pallet::constant]
		type MinVerifierStake: Get<BalanceOf<Self>>;

		/// The most verifiers that may be registered and eligible at once.
		#[pallet::constant]
		type MaxVerifiers: Get<u32>;

		/// How long a stake stays held after unregistering.
		#[pallet::constant]
		type UnbondingPeriod: Get<BlockNumberFor<Self>>;

		/// How long a committee has to attest.
		#[pallet::constant]
		type AttestationPeriod: Get<BlockNumberFor<Self>>;

		/// The size of a challenge's committee.
		#[pallet::constant]
		type ChallengeCommitteeSize: Get<u8>;

		/// The size of a dispute's committee (the second round).
		#[pallet::constant]
		type DisputeCommitteeSize: Get<u8>;

		/// The window of a `Sampled` request that was not sampled.
		#[pallet::constant]
		type SampledWindow: Get<BlockNumberFor<Self>>;

		/// The bond to challenge a `Sampled` request that was not sampled.
		#[pallet::constant]
		type SampledChallengeBond: Get<BalanceOf<Self>>;

		/// The share of its stake a verifier loses per missed deadline.
		#[pallet::constant]
		type NoShowSlash: Get<Perbill>;

		/// The share of its stake a first-round verifier loses when the
		/// dispute goes against its attestation.
		#[pallet::constant]
		type WrongAttestationSlash: Get<Perbill>;

		/// The most verifications that may fall due in one block.
		#[pallet::constant]
		type MaxDuePerBlock: Get<u32>;

		/// Weights of this pallet's calls and hook, from its benchmarks.
		type WeightInfo: WeightInfo;

		/// Submits results for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<
			Self::AccountId,
			BalanceOf<Self>,
			BlockNumberFor<Self>,
		>;
	}

	/// Registered verifiers.
	#[pallet::storage]
	pub type Verifiers<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, VerifierOf<T>>;

	/// The verifiers eligible for new committees, with their stakes (seats
	/// are drawn by stake).
	#[pallet::storage]
	pub type ActiveVerifiers<T: Config> =
		StorageValue<_, BoundedVec<(T::AccountId, BalanceOf<T>), T::MaxVerifiers>, ValueQuery>;

	/// Results under verification.
	#[pallet::storage]
	pub type Verifications<T: Config> = StorageMap<_, Twox64Concat, RequestId, VerificationOf<T>>;

	/// Committee seats waiting for an attestation, by verifier: what a
	/// verifier's off-chain worker reads to find its work.
	#[pallet::storage]
	pub type Seats<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Twox64Concat, RequestId, ()>;

	/// Verifications whose stage ends in a given block.
	#[pallet::storage]
	pub type Due<T: Config> = StorageMap<
		_,
		Twox64Concat,
		BlockNumberFor<T>,
		BoundedVec<RequestId, T::MaxDuePerBlock>,
		ValueQuery,
	>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		VerifierRegistered {
			verifier: T::AccountId,
			stake: BalanceOf<T>,
		},
		VerifierUnbonding {
			verifier: T::AccountId,
			until: BlockNumberFor<T>,
		},
		VerifierWithdrawn {
			verifier: T::AccountId,
			stake: BalanceOf<T>,
		},
		/// A committee was drawn for a round.
		CommitteeSelected {
			request: RequestId,
			stage: Stage,
			members: alloc::vec::Vec<T::AccountId>,
		},
		/// The result is final at `ends` unless challenged.
		WindowOpened {
			request: RequestId,
			ends: BlockNumberFor<T>,
		},
		Challenged {
			request: RequestId,
			challenger: T::AccountId,
			bond: BalanceOf<T>,
		},
		Attested {
			request: RequestId,
			verifier: T::AccountId,
			attestation: Attestation,
		},
		/// The first round did not accept; a dispute committee is drawn on
		/// the next block.
		Escalated {
			request: RequestId,
		},
		/// The eligible list was full and a verifier with a larger stake
		/// registered: `verifier`, the smallest stake, was made to unbond.
		VerifierEvicted {
			verifier: T::AccountId,
			stake: BalanceOf<T>,
		},
		/// A verification could not advance at its due block (`error`); it
		/// was put on a later block's list, and anyone may push it on with
		/// `advance`.
		AdvanceDeferred {
			request: RequestId,
			error: DispatchError,
		},
		VerifierSlashed {
			verifier: T::AccountId,
			amount: BalanceOf<T>,
			reason: SlashReason,
		},
		/// The challenger's bond went to the treasury: the result stood.
		ChallengeBondSlashed {
			request: RequestId,
			challenger: T::AccountId,
			amount: BalanceOf<T>,
		},
		/// Verification ended: accepted, or fraud.
		VerdictReached {
			request: RequestId,
			fraud: bool,
		},
		/// Fewer verifiers were eligible than the policy needs: accepted
		/// without verification.
		Unverified {
			request: RequestId,
			eligible: u32,
		},
		/// The inference pallet refused the verdict (the request was no longer
		/// waiting for one); the verification was dropped.
		VerdictNotSettled {
			request: RequestId,
			error: DispatchError,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The caller is registered as a verifier already.
		AlreadyRegistered,
		/// The caller is not a registered verifier.
		NotVerifier,
		/// The stake is below the minimum.
		StakeTooLow,
		/// As many verifiers are eligible as the runtime allows, and none has
		/// a smaller stake than the one offered.
		TooManyVerifiers,
		/// The verifier is unbonding already.
		AlreadyUnbonding,
		/// The verifier has not unregistered.
		NotUnbonding,
		/// The unbonding period has not passed.
		StillUnbonding,
		/// The verifier still holds committee seats.
		SeatsOpen,
		/// No result with this request id is under verification.
		UnknownRequest,
		/// The result is already being verified for this request.
		AlreadyVerifying,
		/// The result's challenge window is not open.
		NotChallengeable,
		/// The challenge window has closed.
		WindowClosed,
		/// An executor cannot challenge its own result.
		OwnResult,
		/// No verifier is eligible to judge a challenge.
		NoVerifiersAvailable,
		/// The caller holds no seat in this request's committee.
		NotInCommittee,
		/// The caller has attested already in this round.
		AlreadyAttested,
		/// No round is open, or its deadline has passed.
		AttestationClosed,
		/// Under `Exact`, a verdict must agree with the digests: `Match` for
		/// the executor's digest, `Mismatch` for any other.
		VerdictContradictsDigest,
		/// Every due list from the block asked for to
		/// [`rounds::MAX_DUE_SPILL`] blocks later is full.
		TooManyDue,
		/// The verification's current stage has not reached its due block.
		NotDue,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Advances every verification due now. What each costs depends on
		/// the stage it ends, so each is charged the benchmarked worst case
		/// of that stage ([`Pallet::weight_to_advance`]), after the fact:
		/// `MaxDuePerBlock` bounds the total, and the runtime checks that
		/// the bound fits in a block.
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			let due = Due::<T>::take(now);
			let mut weight = T::WeightInfo::on_initialize(0);
			for request in due {
				let advanced = Self::on_due(request, now);
				weight.saturating_accrue(match advanced {
					Some(stage) => Self::weight_to_advance(stage),
					// Gone, or left over from a stage that ended early.
					None => T::DbWeight::get().reads(1),
				});
			}
			weight
		}

		fn offchain_worker(now: BlockNumberFor<T>) {
			offchain::run_verifier::<T>(now);
		}

		fn integrity_test() {
			use veritas_primitives::model::MAX_COMMITTEE_SIZE;
			for size in [T::ChallengeCommitteeSize::get(), T::DisputeCommitteeSize::get()] {
				assert!(
					size > 0 && size <= MAX_COMMITTEE_SIZE,
					"committee sizes are between 1 and MAX_COMMITTEE_SIZE"
				);
			}
			assert!(T::MaxDuePerBlock::get() > 0, "a block must take due verifications");
			assert!(T::AttestationPeriod::get() > Zero::zero(), "a round lasts at least a block");
			assert!(T::MinVerifierStake::get() > Zero::zero(), "a verifier must stake something");
			assert!(T::MaxVerifiers::get() > 0, "the eligible list must hold someone");
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Registers the caller as a verifier with `stake` held. When the
		/// eligible list is full, a stake larger than the smallest one there
		/// takes its place, and that verifier starts unbonding: seats cannot
		/// be squatted with minimum stakes.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_verifier())]
		pub fn register_verifier(origin: OriginFor<T>, stake: BalanceOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(!Verifiers::<T>::contains_key(&who), Error::<T>::AlreadyRegistered);
			ensure!(stake >= T::MinVerifierStake::get(), Error::<T>::StakeTooLow);
			let active = ActiveVerifiers::<T>::get();
			if active.is_full() {
				// The smallest stake, the earliest registered among equals.
				let smallest = active
					.iter()
					.enumerate()
					.min_by(|(i, (_, a)), (j, (_, b))| a.cmp(b).then(i.cmp(j)))
					.map(|(_, entry)| entry.clone());
				let Some((evicted, evicted_stake)) = smallest.filter(|(_, low)| *low < stake)
				else {
					return Err(Error::<T>::TooManyVerifiers.into());
				};
				Self::start_unbonding(&evicted)?;
				Self::deposit_event(Event::VerifierEvicted {
					verifier: evicted,
					stake: evicted_stake,
				});
			}
			ActiveVerifiers::<T>::try_mutate(|active| active.try_push((who.clone(), stake)))
				.map_err(|_| Error::<T>::TooManyVerifiers)?;
			T::Settlement::hold(&who, Bond::VerifierStake, stake)?;
			Verifiers::<T>::insert(
				&who,
				Verifier { stake, seats: 0, reputation: 0, status: VerifierStatus::Active },
			);
			Self::deposit_event(Event::VerifierRegistered { verifier: who, stake });
			Ok(())
		}

		/// Takes the caller out of new committees; its stake can be withdrawn
		/// after the unbonding period. Seats it holds must still be honoured.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::unregister_verifier())]
		pub fn unregister_verifier(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let until = Self::start_unbonding(&who)?;
			Self::deposit_event(Event::VerifierUnbonding { verifier: who, until });
			Ok(())
		}

		/// Returns an unbonded verifier's stake and removes its record.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::withdraw_stake())]
		pub fn withdraw_stake(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let verifier = Verifiers::<T>::get(&who).ok_or(Error::<T>::NotVerifier)?;
			let VerifierStatus::Unbonding { until } = verifier.status else {
				return Err(Error::<T>::NotUnbonding.into());
			};
			ensure!(frame_system::Pallet::<T>::block_number() >= until, Error::<T>::StillUnbonding);
			ensure!(verifier.seats == 0, Error::<T>::SeatsOpen);
			let stake = T::Settlement::release(&who, Bond::VerifierStake, verifier.stake);
			Verifiers::<T>::remove(&who);
			Self::deposit_event(Event::VerifierWithdrawn { verifier: who, stake });
			Ok(())
		}

		/// Challenges an optimistic result inside its window, with the
		/// policy's bond held. The committee that judges it is drawn on the
		/// next block, from a seed the challenger cannot know when it signs.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::challenge())]
		pub fn challenge(origin: OriginFor<T>, request: RequestId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut record = Verifications::<T>::get(request).ok_or(Error::<T>::UnknownRequest)?;
			ensure!(record.stage == Stage::Window, Error::<T>::NotChallengeable);
			let now = frame_system::Pallet::<T>::block_number();
			ensure!(now < record.due, Error::<T>::WindowClosed);
			ensure!(who != record.executor, Error::<T>::OwnResult);
			let bond = match record.policy {
				VerificationPolicy::Optimistic { challenge_bond, .. } => challenge_bond,
				_ => T::SampledChallengeBond::get(),
			};
			ensure!(
				!Self::eligible(&record, Stage::Challenge).is_empty(),
				Error::<T>::NoVerifiersAvailable
			);
			T::Settlement::hold(&who, Bond::ChallengeBond, bond)?;
			Self::unschedule(request, record.due);
			record.challenger = Some((who.clone(), bond));
			record.stage = Stage::SelectingChallenge;
			record.due = Self::schedule_next_block(request, now)?;
			Verifications::<T>::insert(request, &record);
			Self::deposit_event(Event::Challenged { request, challenger: who, bond });
			Ok(())
		}

		/// A committee member's attestation: whether the executor's output
		/// agrees with the member's own (whose digest it gives), under the
		/// model's comparison rule. May settle the request. Charged for
		/// deciding a dispute, the dearest case; refunded to a quorum's
		/// settlement in a first round.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::attest().max(T::WeightInfo::attest_deciding_dispute()))]
		pub fn attest(
			origin: OriginFor<T>,
			request: RequestId,
			attestation: Attestation,
			output_digest: Digest,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let mut record = Verifications::<T>::get(request).ok_or(Error::<T>::UnknownRequest)?;
			let now = frame_system::Pallet::<T>::block_number();
			ensure!(record.stage.is_round() && now <= record.due, Error::<T>::AttestationClosed);
			// Only a dispute's verdict slashes voters: a first round's
			// attestation pays for a quorum's settlement at most.
			let weight = match record.stage {
				Stage::Dispute => T::WeightInfo::attest_deciding_dispute(),
				_ => T::WeightInfo::attest(),
			};
			ensure!(record.committee.contains(&who), Error::<T>::NotInCommittee);
			ensure!(!record.has_voted(&who), Error::<T>::AlreadyAttested);
			let says_match_or_not = !matches!(attestation, Attestation::Unrunnable(_));
			if record.comparison == ComparisonRule::Exact && says_match_or_not {
				let same = output_digest == record.output_digest;
				ensure!(
					same == (attestation == Attestation::Match),
					Error::<T>::VerdictContradictsDigest
				);
			}
			// The committee and the votes share one bound, and each member
			// votes once: this push always fits.
			record
				.votes
				.try_push(Vote { verifier: who.clone(), attestation, output_digest })
				.map_err(|_| Error::<T>::AlreadyAttested)?;
			Self::vacate_seat(&who, request);
			Self::deposit_event(Event::Attested { request, verifier: who, attestation });
			Self::tally(request, record, now, false)?;
			Ok(Some(weight).into())
		}

		/// Ends the current stage of a verification whose due block has
		/// passed, as `on_initialize` would have. Anyone may call it: a
		/// verification never waits on one block's hook.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::advance().saturating_add(Pallet::<T>::most_to_advance()))]
		pub fn advance(origin: OriginFor<T>, request: RequestId) -> DispatchResultWithPostInfo {
			ensure_signed(origin)?;
			let mut record = Verifications::<T>::get(request).ok_or(Error::<T>::UnknownRequest)?;
			let now = frame_system::Pallet::<T>::block_number();
			ensure!(record.due <= now, Error::<T>::NotDue);
			let stage = record.stage;
			Self::unschedule(request, record.due);
			record.due = now;
			Self::advance_stage(request, record, now)?;
			Ok(Some(T::WeightInfo::advance().saturating_add(Self::weight_to_advance(stage))).into())
		}
	}
}

impl<T: Config> Pallet<T> {
	/// A result under verification, as the runtime API shows it.
	pub fn view(
		request: RequestId,
	) -> Option<veritas_primitives::verification::VerificationView<T::AccountId, BlockNumberFor<T>>>
	{
		let record = Verifications::<T>::get(request)?;
		let votes = |votes: &[Vote<T::AccountId>]| {
			votes.iter().map(|vote| (vote.verifier.clone(), vote.attestation)).collect()
		};
		Some(veritas_primitives::verification::VerificationView {
			stage: record.stage,
			committee: record.committee.to_vec(),
			attestations: votes(&record.votes),
			first_round: votes(&record.first_round),
			challenger: record.challenger.map(|(challenger, _)| challenger),
			due: record.due,
		})
	}

	fn start_unbonding(who: &T::AccountId) -> Result<BlockNumberFor<T>, DispatchError> {
		let until =
			frame_system::Pallet::<T>::block_number().saturating_add(T::UnbondingPeriod::get());
		Verifiers::<T>::try_mutate(who, |maybe| {
			let verifier = maybe.as_mut().ok_or(Error::<T>::NotVerifier)?;
			ensure!(verifier.status == VerifierStatus::Active, Error::<T>::AlreadyUnbonding);
			verifier.status = VerifierStatus::Unbonding { until };
			Ok::<_, DispatchError>(())
		})?;
		ActiveVerifiers::<T>::mutate(|active| active.retain(|(member, _)| member != who));
		Ok(until)
	}
}

impl<T: Config> VerificationHooks<T::AccountId, BalanceOf<T>, BlockNumberFor<T>> for Pallet<T> {
	fn on_result_submitted(
		result: SubmittedResult<T::AccountId, BalanceOf<T>, BlockNumberFor<T>>,
	) -> Result<VerificationStart, DispatchError> {
		ensure!(!Verifications::<T>::contains_key(result.request), Error::<T>::AlreadyVerifying);
		// The committee is drawn from the next block's seed, which the
		// executor cannot know while its result waits in the pool.
		let due =
			Self::schedule_next_block(result.request, frame_system::Pallet::<T>::block_number())?;
		Verifications::<T>::insert(
			result.request,
			Verification {
				executor: result.executor,
				model: result.model,
				output_digest: result.output_digest,
				policy: result.policy.verification,
				comparison: result.policy.comparison,
				stage: Stage::Selecting,
				committee: Default::default(),
				votes: Default::default(),
				first_round: Default::default(),
				challenger: None,
				due,
			},
		);
		Ok(VerificationStart::Pending)
	}
}
