//! # pallet-verification: private committees, challenges and disputes over results
//!
//! This is the "verifiable" half of Veritas: a wrong result must be caught
//! and paid for, and an honest executor must never be slashed because floats
//! differ across CPUs (verifiers compare under the model's comparison rule,
//! with its tolerance, off-chain).
//!
//! ## Verifiers
//!
//! A verifier registers with [`Pallet::register_verifier`] and a stake, held
//! through [`Config::Settlement`]. Its node re-runs the requests it is
//! selected to check and attests with the same account's key (type `vrvf`).
//! It sits in rounds whose seed was fixed [`Config::EligibilityDelay`]
//! blocks or more after it registered, so that no seed it sits under was
//! known to anyone when it chose its key. [`Pallet::unregister_verifier`]
//! takes it out of every round at once; [`Pallet::withdraw_stake`] returns
//! the stake after [`Config::UnbondingPeriod`], once every verification it
//! attested in has ended (a dispute may still slash it for one).
//!
//! ## Rounds, by private sortition
//!
//! pallet-inference hands every result over through
//! [`VerificationHooks::on_result_submitted`]. Nothing is decided in that
//! block: on the next block the round's seed is fixed from
//! [`Config::Randomness`] (BABE's VRF output, which no block's contents can
//! change), and the round opens. Every verifier's node evaluates its own VRF
//! over the seed, the request and the round ([`veritas_primitives::sortition`]);
//! one whose output falls under `expected × its stake ÷ the eligible stake`
//! sits in the round and proves it in its attestation. Nobody, the block
//! author included, learns who sits in a round until its members attest.
//! Every later round (a challenge's, a dispute's) opens the same way, a
//! block after the transaction that asked for it. Then, by the policy the
//! request was made under:
//! - `Quorum { k, n }`: a round expecting `n` members; `k` matches accept.
//! - `Optimistic { window_blocks, challenge_bond }`: the result is accepted
//!   when the window ends, unless someone (not the executor) calls
//!   [`Pallet::challenge`] with the bond, which opens (on the next block) a
//!   round expecting [`Config::ChallengeCommitteeSize`] members, whose
//!   majority of matches upholds the result.
//! - `Sampled { permill, k, n }`: a quorum with probability `permill`, by a
//!   coin from the same seed, otherwise optimistic with
//!   [`Config::SampledWindow`] and [`Config::SampledChallengeBond`].
//!
//! ## Counting a round whose size is random
//!
//! A round's size is random: it expects `n` members (or as many verifiers
//! as may sit in it, when they are fewer), and as many as its VRFs select
//! attest. So rounds count against their *expected* size (`rounds.rs`):
//! - a first round (a quorum's or a challenge's) can only accept, with `k`
//!   matches (a majority of the expected size, for a challenge) and, under
//!   `Exact`, no mismatch. It goes to a dispute as soon as more than
//!   `n − k` members said otherwise, or at its deadline without `k` matches:
//!   too few members revealing themselves never accepts a result;
//! - a dispute (expecting [`Config::DisputeCommitteeSize`], among verifiers
//!   not in the first round) is *decided* when one answer holds a majority
//!   of its expected size. Only a decided dispute punishes: the executor
//!   (fraud), or the challenger's bond and the verifiers of both rounds who
//!   attested against it ([`Config::WrongAttestationSlash`]);
//! - a dispute that reaches its deadline with votes from a majority of its
//!   expected size but no majority answer accepts and slashes nobody (fraud
//!   is never presumed); one that too few attested in ends *unverified*: the
//!   requester gets its escrow back less the fees of those who answered,
//!   and the executor is neither paid nor slashed. No result is ever
//!   accepted without a round accepting it, or a window passing unchallenged.
//!
//! Nobody knows who was selected and stayed silent, so silence is not
//! slashed: a verifier that does not attest forgoes its fee. `Unrunnable`
//! is an answer, never slashed as wrong.
//!
//! The verdict goes back through [`InferenceHooks::on_verdict`], which
//! settles: accepted results pay the attesting verifiers from the request's
//! fee (as many as the policy paid for); frauds pay them (and the
//! challenger) from the executor's slash.
//!
//! ## The verifier's node
//!
//! A verifier's node runs this pallet's off-chain worker ([`offchain`]): for
//! every open round and every `vrvf` key in its keystore, it evaluates the
//! key's VRF (the `veritas_sortition` host function) and, where selected,
//! has the node's engine re-run the request (or, under `TokenTopK`, check
//! the executor's tokens in one teacher-forced pass) and compare under the
//! model's rule, then posts the attestation with its proof, signed with
//! [`Config::VerifierAuthority`]. It can start as soon as the round opens.
//!
//! ## Bounded work
//!
//! Every stage has a due block; `on_initialize` handles the requests due in
//! its block (at most [`Config::MaxDuePerBlock`]; a full block's list spills
//! over to the next), charging their measured weight. A stage whose due
//! block has passed can be ended by anyone with [`Pallet::advance`]. At
//! most [`Config::MaxVerifiers`] verifiers are registered and eligible;
//! when the list is full, a larger stake displaces the smallest.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

#[cfg(test)]
mod attack_tests;
#[cfg(test)]
mod batch_tests;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(any(feature = "try-runtime", feature = "std"))]
mod invariants;
pub mod migrations;
#[cfg(test)]
mod mock;
pub mod offchain;
#[cfg(test)]
mod offchain_tests;
pub mod rounds;
pub mod sortition;
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
	sortition::SortitionProof,
	stake::StakeStepError,
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

/// An eligible list entry with this runtime's types.
pub type ListedOf<T> =
	Listed<<T as frame_system::Config>::AccountId, BalanceOf<T>, BlockNumberFor<T>>;

/// A verification with this runtime's types.
pub type VerificationOf<T> =
	Verification<<T as frame_system::Config>::AccountId, BalanceOf<T>, BlockNumberFor<T>>;

/// What the benchmarks need from the runtime: a result waiting for its
/// round, submitted through the real inference pallet, and verifiers that
/// can prove their selection.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId, Balance, BlockNumber> {
	/// Makes a request whose result `executor` has submitted under `policy`,
	/// so that this pallet holds its verification in the `Selecting` stage.
	fn submitted_result(
		executor: &AccountId,
		policy: veritas_primitives::model::ModelPolicy<Balance, BlockNumber>,
	) -> RequestId;

	/// An account whose VRF key the benchmark's keystore holds, so that
	/// [`Config::SortitionKey`] can prove its selection.
	fn verifier_with_key(index: u32) -> AccountId;
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;

	/// The layout of this pallet's storage; a change to a stored record
	/// bumps it and comes with a migration.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(2);

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

		/// The seed of rounds and samples, read on the block after the
		/// transaction that asked for them.
		type Randomness: Randomness<Self::Hash, BlockNumberFor<Self>>;

		/// Checks the VRF proofs verifiers sit in rounds with (and makes
		/// them, in the off-chain worker, with the node's keystore).
		type SortitionKey: veritas_primitives::sortition::SortitionKey<Self::AccountId>;

		/// How long after registering a verifier starts sitting in rounds:
		/// longer than any round's seed is known in advance (with BABE, two
		/// epochs), so that nobody can pick keys that a known seed selects.
		#[pallet::constant]
		type EligibilityDelay: Get<BlockNumberFor<Self>>;

		/// The least stake a verifier may have.
		#[pallet::constant]
		type MinVerifierStake: Get<BalanceOf<Self>>;

		/// The most verifiers that may be registered and eligible at once.
		#[pallet::constant]
		type MaxVerifiers: Get<u32>;

		/// How long a stake stays held after unregistering.
		#[pallet::constant]
		type UnbondingPeriod: Get<BlockNumberFor<Self>>;

		/// How long a round is open for attestations.
		#[pallet::constant]
		type AttestationPeriod: Get<BlockNumberFor<Self>>;

		/// How many members a challenge's round expects.
		#[pallet::constant]
		type ChallengeCommitteeSize: Get<u8>;

		/// How many members a dispute's round (the second) expects.
		#[pallet::constant]
		type DisputeCommitteeSize: Get<u8>;

		/// The window of a `Sampled` request that was not sampled.
		#[pallet::constant]
		type SampledWindow: Get<BlockNumberFor<Self>>;

		/// The bond to challenge a `Sampled` request that was not sampled.
		#[pallet::constant]
		type SampledChallengeBond: Get<BalanceOf<Self>>;

		/// The share of its stake a first-round verifier loses when the
		/// dispute goes against its attestation.
		#[pallet::constant]
		type WrongAttestationSlash: Get<Perbill>;

		/// The most verifications whose stage may end in one block (a
		/// round's deadline, a window's end).
		#[pallet::constant]
		type MaxDuePerBlock: Get<u32>;

		/// The most rounds (or windows) that may open in one block. Opening
		/// one costs far less than ending one, so a block opens many more.
		#[pallet::constant]
		type MaxOpeningPerBlock: Get<u32>;

		/// The most attestations one [`Pallet::attest_many`] carries.
		#[pallet::constant]
		type MaxAttestationsPerBatch: Get<u32>;

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

	/// The verifiers that sit in rounds, with their stakes and when they
	/// became eligible (a round's eligible stake is the sum of those
	/// eligible when it opens).
	#[pallet::storage]
	pub type ActiveVerifiers<T: Config> =
		StorageValue<_, BoundedVec<ListedOf<T>, T::MaxVerifiers>, ValueQuery>;

	/// Results under verification.
	#[pallet::storage]
	pub type Verifications<T: Config> = StorageMap<_, Twox64Concat, RequestId, VerificationOf<T>>;

	/// Verifications whose stage ends in a given block.
	#[pallet::storage]
	pub type Due<T: Config> = StorageMap<
		_,
		Twox64Concat,
		BlockNumberFor<T>,
		BoundedVec<RequestId, T::MaxDuePerBlock>,
		ValueQuery,
	>;

	/// Verifications whose round (or window) opens in a given block: the
	/// block after the result or the vote that asked for it.
	#[pallet::storage]
	pub type Opening<T: Config> = StorageMap<
		_,
		Twox64Concat,
		BlockNumberFor<T>,
		BoundedVec<RequestId, T::MaxOpeningPerBlock>,
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
		/// A round opened: its seed is fixed, and the verifiers its VRFs
		/// select (`expected` of them, on average) may attest.
		RoundOpened {
			request: RequestId,
			stage: Stage,
			expected: u8,
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
		/// One attestation of an [`Pallet::attest_many`] batch was refused,
		/// for `error`; it changed nothing, and the batch's others stand on
		/// their own.
		AttestationRefused {
			request: RequestId,
			error: DispatchError,
		},
		/// The first round did not accept; a dispute opens on the next block.
		Escalated {
			request: RequestId,
		},
		/// Too few attested in the dispute: it draws more members under a
		/// new seed on the next block (draw `draw`), keeping the votes cast.
		DisputeRedrawn {
			request: RequestId,
			draw: u8,
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
		/// Too few verifiers attested in the dispute for any verdict: the
		/// requester is refunded (less the fees of the `attested` who
		/// answered), and nobody is paid for or slashed over the result.
		Unverified {
			request: RequestId,
			attested: u32,
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
		/// A verification the verifier attested in has not ended.
		VotesOpen,
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
		/// The proof is not the caller's VRF over this round's input: forged,
		/// malformed, or made for another request, round or seed.
		InvalidSortitionProof,
		/// The caller's VRF output is over its threshold: it does not sit in
		/// this round.
		NotSelected,
		/// The caller does not sit in rounds of this seed: it is unbonding,
		/// or registered too recently.
		NotEligible,
		/// The caller attested in the first round, and may not sit in the
		/// dispute that judges it.
		SatInFirstRound,
		/// The round has taken as many attestations as it can hold.
		RoundFull,
		/// The caller has attested already in this round.
		AlreadyAttested,
		/// No round is open, or its deadline has passed.
		AttestationClosed,
		/// Under `Exact`, a verdict must agree with the digests: `Match` for
		/// the executor's digest, `Mismatch` for any other.
		VerdictContradictsDigest,
		/// A batch carries no attestations.
		EmptyBatch,
		/// The attestation would cost more than its batch's declared bound:
		/// its round holds more votes, or the batch has more dispute
		/// attestations than it declared.
		BeyondBatchBound,
		/// Every due list from the block asked for to
		/// [`rounds::MAX_DUE_SPILL`] blocks later is full.
		TooManyDue,
		/// The verification's current stage has not reached its due block.
		NotDue,
	}

	/// Verifiers registered at genesis: they sit in rounds from the first
	/// block (whoever writes a genesis chooses its keys anyway).
	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		pub verifiers: alloc::vec::Vec<(T::AccountId, BalanceOf<T>)>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			for (who, stake) in &self.verifiers {
				assert!(
					*stake >= T::MinVerifierStake::get(),
					"a genesis verifier's stake is too low"
				);
				assert!(!Verifiers::<T>::contains_key(who), "a genesis verifier is listed twice");
				Pallet::<T>::enrol(who, *stake, Zero::zero())
					.expect("genesis verifiers are distinct, funded and within MaxVerifiers");
			}
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Advances every verification due now. What each costs depends on
		/// the stage it ends, so each is charged the benchmarked worst case
		/// of that stage ([`Pallet::weight_to_advance`]), after the fact:
		/// `MaxDuePerBlock` bounds the total, and the runtime checks that
		/// the bound fits in a block.
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			let opening = Opening::<T>::take(now);
			let due = Due::<T>::take(now);
			let mut weight = T::WeightInfo::on_initialize(0);
			for request in opening.into_iter().chain(due) {
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
					"expected round sizes are between 1 and MAX_COMMITTEE_SIZE"
				);
			}
			assert!(T::MaxDuePerBlock::get() > 0, "a block must take due verifications");
			assert!(T::MaxOpeningPerBlock::get() > 0, "a block must open rounds");
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
		/// Registers the caller as a verifier with `stake` held; it sits in
		/// rounds opened [`Config::EligibilityDelay`] blocks from now on.
		/// When the eligible list is full, a stake larger than the smallest
		/// one there takes its place, and that verifier starts unbonding:
		/// the list cannot be squatted with minimum stakes.
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
					.min_by(|(i, a), (j, b)| a.stake.cmp(&b.stake).then(i.cmp(j)))
					.map(|(_, entry)| (entry.verifier.clone(), entry.stake));
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
			let eligible_from = frame_system::Pallet::<T>::block_number()
				.saturating_add(T::EligibilityDelay::get());
			Self::enrol(&who, stake, eligible_from)?;
			Self::deposit_event(Event::VerifierRegistered { verifier: who, stake });
			Ok(())
		}

		/// Takes the caller out of every round, at once; its stake can be
		/// withdrawn after the unbonding period, once every verification it
		/// attested in has ended.
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
			verifier
				.status
				.ensure_withdrawable(frame_system::Pallet::<T>::block_number())
				.map_err(Error::<T>::from)?;
			ensure!(verifier.open_votes == 0, Error::<T>::VotesOpen);
			let stake = T::Settlement::release(&who, Bond::VerifierStake, verifier.stake);
			Verifiers::<T>::remove(&who);
			Self::deposit_event(Event::VerifierWithdrawn { verifier: who, stake });
			Ok(())
		}

		/// Challenges an optimistic result inside its window, with the
		/// policy's bond held. The round that judges it opens on the next
		/// block, from a seed the challenger cannot know when it signs.
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
			ensure!(Self::eligible(&record, now).1 > 0, Error::<T>::NoVerifiersAvailable);
			T::Settlement::hold(&who, Bond::ChallengeBond, bond)?;
			Self::unschedule(request, record.due, record.stage);
			record.challenger = Some((who.clone(), bond));
			record.stage = Stage::SelectingChallenge;
			record.due = Self::schedule_next_block(request, now)?;
			Verifications::<T>::insert(request, &record);
			Self::deposit_event(Event::Challenged { request, challenger: who, bond });
			Ok(())
		}

		/// A round member's attestation: whether the executor's output
		/// agrees with the member's own (whose digest it gives), under the
		/// model's comparison rule, with the VRF proof that the member sits
		/// in the round. May settle the request. Charged for deciding a
		/// dispute, the dearest case; refunded to a quorum's settlement in a
		/// first round.
		#[pallet::call_index(4)]
		#[pallet::weight(Pallet::<T>::most_to_attest())]
		pub fn attest(
			origin: OriginFor<T>,
			request: RequestId,
			attestation: Attestation,
			output_digest: Digest,
			proof: SortitionProof,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let finding = Finding { request, attestation, output_digest, proof };
			let mut unbounded = BatchBound::NONE;
			Ok(Some(Self::take_attestation(&who, finding, &mut unbounded)?).into())
		}

		/// Many attestations of one verifier in one transaction, so that a
		/// busy verifier pays one transaction's overhead a block instead of
		/// one a round. Each is judged alone, as [`Pallet::attest`] would: one
		/// that is refused changes nothing (its error is in an
		/// [`Event::AttestationRefused`]) and does not stop the others.
		///
		/// Charged by `bound`: each first-round attestation as settling a
		/// round of `bound.largest_round` votes, each of `bound.disputes` as
		/// deciding a dispute; an attestation beyond the bound is refused
		/// with [`Error::BeyondBatchBound`]. Refunded to what each one cost.
		#[pallet::call_index(6)]
		#[pallet::weight(Pallet::<T>::batch_weight(findings.len(), *bound))]
		pub fn attest_many(
			origin: OriginFor<T>,
			findings: BoundedVec<Finding, T::MaxAttestationsPerBatch>,
			bound: BatchBound,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			ensure!(!findings.is_empty(), Error::<T>::EmptyBatch);
			let mut left = bound;
			let mut used = Weight::zero();
			for finding in findings {
				let request = finding.request;
				let judged = frame_support::storage::with_storage_layer(|| {
					Self::take_attestation(&who, finding, &mut left)
				});
				used.saturating_accrue(match judged {
					Ok(weight) => weight,
					Err(error) => {
						Self::deposit_event(Event::AttestationRefused { request, error });
						T::WeightInfo::attest_open_round()
					},
				});
			}
			Ok(Some(used).into())
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
			Self::unschedule(request, record.due, stage);
			record.due = now;
			Self::advance_stage(request, record, now)?;
			Ok(Some(T::WeightInfo::advance().saturating_add(Self::weight_to_advance(stage))).into())
		}
	}
}

impl<T> From<StakeStepError> for Error<T> {
	fn from(error: StakeStepError) -> Self {
		match error {
			StakeStepError::AlreadyUnbonding => Error::AlreadyUnbonding,
			StakeStepError::NotUnbonding => Error::NotUnbonding,
			StakeStepError::StillUnbonding => Error::StillUnbonding,
		}
	}
}

impl<T: Config> Pallet<T> {
	/// What one attestation may cost at most: settling the largest round,
	/// or deciding a dispute.
	pub(crate) fn most_to_attest() -> Weight {
		T::WeightInfo::attest(MAX_VOTES)
			.max(T::WeightInfo::attest_open_round())
			.max(T::WeightInfo::attest_deciding_dispute())
	}

	/// What an [`Pallet::attest_many`] batch of `count` attestations is
	/// charged under `bound`.
	pub(crate) fn batch_weight(count: usize, bound: BatchBound) -> Weight {
		let count = count as u64;
		let disputes = u64::from(bound.disputes).min(count);
		let first_round = T::WeightInfo::attest(bound.largest_round.into())
			.max(T::WeightInfo::attest_open_round());
		first_round
			.saturating_mul(count.saturating_sub(disputes))
			.saturating_add(T::WeightInfo::attest_deciding_dispute().saturating_mul(disputes))
	}

	/// Takes `who`'s attestation: checks that it may attest in the round
	/// (selected by its VRF, not the executor, not yet voted) and within
	/// `bound`, records the vote and tallies the round, which may settle
	/// the request. Returns what it cost: a dispute's verdict, a first
	/// round's settlement by the votes it pays, or recording a vote.
	fn take_attestation(
		who: &T::AccountId,
		finding: Finding,
		bound: &mut BatchBound,
	) -> Result<Weight, DispatchError> {
		let Finding { request, attestation, output_digest, proof } = finding;
		let mut record = Verifications::<T>::get(request).ok_or(Error::<T>::UnknownRequest)?;
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(record.stage.is_round() && now <= record.due, Error::<T>::AttestationClosed);
		let stage = record.stage;
		ensure!(bound.take(stage, record.votes.len()), Error::<T>::BeyondBatchBound);
		ensure!(who != &record.executor, Error::<T>::OwnResult);
		ensure!(!record.has_voted(who), Error::<T>::AlreadyAttested);
		ensure!(!record.sat_in_first_round(who), Error::<T>::SatInFirstRound);
		Self::check_selected(who, request, &record, &proof)?;
		let says_match_or_not = !matches!(attestation, Attestation::Unrunnable(_));
		if record.comparison == ComparisonRule::Exact && says_match_or_not {
			let same = output_digest == record.output_digest;
			ensure!(
				same == (attestation == Attestation::Match),
				Error::<T>::VerdictContradictsDigest
			);
		}
		record
			.votes
			.try_push(Vote { verifier: who.clone(), attestation, output_digest })
			.map_err(|_| Error::<T>::RoundFull)?;
		Self::count_open_vote(who, true);
		Self::deposit_event(Event::Attested { request, verifier: who.clone(), attestation });
		let votes = record.votes.len() as u32;
		Self::tally(request, record, now, false)?;
		let still_open =
			Verifications::<T>::get(request).is_some_and(|record| record.stage == stage);
		Ok(match stage {
			_ if still_open => T::WeightInfo::attest_open_round(),
			Stage::Dispute => T::WeightInfo::attest_deciding_dispute(),
			_ => T::WeightInfo::attest(votes),
		})
	}

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
			expected: record.sortition.map_or(0, |sortition| sortition.expected),
			attestations: votes(&record.votes),
			first_round: votes(&record.first_round),
			challenger: record.challenger.map(|(challenger, _)| challenger),
			due: record.due,
		})
	}

	/// Holds `stake` from `who` and records it as a verifier that sits in
	/// rounds opened from `eligible_from` on.
	fn enrol(
		who: &T::AccountId,
		stake: BalanceOf<T>,
		eligible_from: BlockNumberFor<T>,
	) -> DispatchResult {
		ActiveVerifiers::<T>::try_mutate(|active| {
			active.try_push(Listed { verifier: who.clone(), stake, eligible_from })
		})
		.map_err(|_| Error::<T>::TooManyVerifiers)?;
		T::Settlement::hold(who, Bond::VerifierStake, stake)?;
		Verifiers::<T>::insert(
			who,
			Verifier {
				stake,
				open_votes: 0,
				reputation: 0,
				status: StakeStatus::Active,
				eligible_from,
			},
		);
		Ok(())
	}

	fn start_unbonding(who: &T::AccountId) -> Result<BlockNumberFor<T>, DispatchError> {
		let until = Verifiers::<T>::try_mutate(who, |maybe| {
			let verifier = maybe.as_mut().ok_or(Error::<T>::NotVerifier)?;
			verifier
				.status
				.start_unbonding(
					frame_system::Pallet::<T>::block_number(),
					T::UnbondingPeriod::get(),
				)
				.map_err(Error::<T>::from)
		})?;
		ActiveVerifiers::<T>::mutate(|active| active.retain(|listed| &listed.verifier != who));
		Ok(until)
	}
}

impl<T: Config> VerificationHooks<T::AccountId, BalanceOf<T>, BlockNumberFor<T>> for Pallet<T> {
	fn on_result_submitted(
		result: SubmittedResult<T::AccountId, BalanceOf<T>, BlockNumberFor<T>>,
	) -> Result<VerificationStart, DispatchError> {
		ensure!(!Verifications::<T>::contains_key(result.request), Error::<T>::AlreadyVerifying);
		// The round's seed is fixed on the next block, from randomness the
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
				sortition: None,
				votes: Default::default(),
				first_round: Default::default(),
				challenger: None,
				redraws: 0,
				due,
			},
		);
		Ok(VerificationStart::Pending)
	}
}
