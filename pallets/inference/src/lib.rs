//! # pallet-inference: paid inference requests and the executors that serve them
//!
//! This is the "callable and payable" half of Veritas.
//!
//! ## Executors
//!
//! An executor is an account whose node runs models. It registers with
//! [`Pallet::register_executor`], naming the models it serves, how many
//! requests it takes at once, and a stake (held through [`Config::Settlement`])
//! that it loses part of if it misses deadlines or cheats. Its node signs
//! results with the same account's key from its keystore.
//! Joining a model accepts its terms (price and policy) as they are; when the
//! publisher changes them, the executor is assigned none of that model's new
//! requests until it accepts the new revision with [`Pallet::accept_terms`]
//! (`serving.rs`).
//! [`Pallet::unregister_executor`] stops new assignments at once; the stake
//! comes back with [`Pallet::withdraw_stake`] after [`Config::UnbondingPeriod`],
//! and never while a request assigned to it is open.
//!
//! ## Requests
//!
//! A dApp calls [`Pallet::request_inference`] with a model, an input (inline,
//! a CID with its digest, or tabular features around a data feed's latest
//! value, read through [`Config::Feeds`]), parameters, a `max_fee` and a
//! deadline, at least the model's `min_deadline` ahead (enough to fetch and
//! run it) and never less than [`Config::MinDeadline`]. The
//! model must be `Active` and `max_fee` must cover the model's price for
//! these parameters plus the verification and protocol fees
//! ([`Settlement::quote`], also served by the `InferenceApi::estimate_fee`
//! runtime API). The whole `max_fee` goes into escrow. An executor is
//! assigned among those serving the model with spare capacity, with
//! probability proportional to its stake, from [`Config::Randomness`], which
//! the requester cannot choose (in Veritas's runtime, the VRF output of the
//! block that includes the request, which it cannot know when signing). The request records the model's price,
//! policy and task at that moment: changes to the model apply to new
//! requests only.
//!
//! An inline input is checked against the model's task when the request is
//! made (text must be UTF-8; tabular features must be the model's number of
//! finite values), so that nobody can pay for work no executor or verifier
//! can do.
//!
//! The requester may [`Pallet::cancel_request`] until a result arrives, for
//! the model's price (not for free: it may have seen the result in the pool).
//!
//! ## Results
//!
//! Only the assigned executor may [`Pallet::submit_result`], before the
//! deadline: the output's canonical encoding, its blake2-256 digest (checked
//! here), and the CID and digest of the proof document. The output must
//! decode and fit the model's task. The result then goes to
//! [`Config::Verification`]; the request is final only when a verdict comes
//! back through [`InferenceHooks::on_verdict`] (or at once, with
//! [`veritas_primitives::inference::AcceptAtOnce`]). An accepted result is
//! paid out by settlement; a fraud slashes the executor and refunds the
//! requester; a request the verifiers could not run refunds the requester
//! less the verifiers' fees, and nobody is slashed (`settle.rs`).
//!
//! An executor that cannot run a request (a file or input that does not
//! match its digest, an input the model cannot take, a model that will not
//! load, nothing to fetch) calls [`Pallet::report_unrunnable`] instead of
//! letting the deadline pass. The report is verified like a result, with
//! the report's digest in place of an output's: verifiers who cannot run the
//! request either agree, and the request ends `Unrunnable` with the executor
//! paid the model's per-request price for its attempt; a report the
//! verifiers can run is a fraud (`results.rs`).
//!
//! ## Deadlines
//!
//! Every request sits in a queue keyed by its deadline block. `on_idle`
//! sweeps the due blocks with whatever weight is left, never scanning all
//! requests: a request still without a result is refunded in full, and its
//! executor loses [`Config::ExpirySlash`] of its stake and one point of
//! reputation. Expired requests are not reassigned: a deadline the requester
//! chose has passed, and a second executor would rarely make it in time.
//!
//! Settled requests stay readable for [`Config::RetentionPeriod`] blocks.
//! Each joins the [`Pruning`] queue as it settles (a queue with no bound per
//! block, so none is ever left out), and the same sweep removes them when
//! their retention ends; a request settled before its deadline leaves its
//! deadline queue at once.
//!
//! ## The executor's node
//!
//! An executor's node runs this pallet's off-chain worker ([`offchain`]): it
//! finds the requests assigned to the executor keys in its keystore, has the
//! node's engine run them through the `veritas_engine` host functions, and
//! posts each result as a transaction signed with [`Config::ExecutorAuthority`]
//! (sr25519 keys of type `vrex`, for example [`ExecutorAuthority`]).

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use assignment::LeftUnassigned;
pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

mod assignment;
#[cfg(test)]
mod batch_tests;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod fees;
mod input;
#[cfg(test)]
mod input_tests;
mod inspect;
#[cfg(any(feature = "try-runtime", feature = "std"))]
mod invariants;
pub mod migrations;
#[cfg(test)]
mod mock;
pub mod offchain;
#[cfg(test)]
mod offchain_tests;
#[cfg(test)]
mod reference_tests;
#[cfg(test)]
mod report_tests;
mod requests;
#[cfg(test)]
mod requests_tests;
mod results;
mod serving;
mod settle;
#[cfg(test)]
mod storage_tests;
mod sweep;
#[cfg(test)]
mod terms_tests;
#[cfg(test)]
mod tests;
mod types;
#[cfg(test)]
mod waiting_tests;
pub mod weights;

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
		InferenceParams, OutputBytes, OutputError, RequestInput, UnrunnableReason,
		VerificationHooks,
	},
	model::{Cid, Digest, ModelId, ModelInspect, TermsRevision},
	oracle::DataFeeds,
	settlement::{Bond, RequestId, Settlement},
};

/// Signs an executor's results with its sr25519 `vrex` key, for runtimes
/// whose accounts are `MultiSigner`s (as Veritas's are).
pub struct ExecutorAuthority;

impl frame_system::offchain::AppCrypto<sp_runtime::MultiSigner, sp_runtime::MultiSignature>
	for ExecutorAuthority
{
	type RuntimeAppPublic = veritas_primitives::keys::executor::Public;
	type GenericPublic = sp_core::sr25519::Public;
	type GenericSignature = sp_core::sr25519::Signature;
}

/// The balance type.
pub type BalanceOf<T> =
	<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;

/// An executor with this runtime's types.
pub type ExecutorOf<T> =
	Executor<BalanceOf<T>, BlockNumberFor<T>, <T as Config>::MaxModelsPerExecutor>;

/// A request with this runtime's types.
pub type RequestOf<T> =
	Request<<T as frame_system::Config>::AccountId, BalanceOf<T>, BlockNumberFor<T>>;

/// The most ids one page of [`Pallet::requests_by_status`] returns.
pub const MAX_REQUESTS_PER_PAGE: u32 = 1_000;

/// The most request ids one call of [`Pallet::requests_by_status`] reads.
pub const MAX_REQUESTS_SCANNED: u64 = 10_000;

/// The models an executor serves.
pub type ServedModels<T> = BoundedVec<ModelId, <T as Config>::MaxModelsPerExecutor>;

#[frame_support::pallet]
pub mod pallet {
	use super::*;

	/// The layout of this pallet's storage; a change to a stored record
	/// bumps it and comes with a migration.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(5);

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

		/// The model registry.
		type Models: ModelInspect<Self::AccountId, BalanceOf<Self>, BlockNumberFor<Self>>;

		/// Escrow, stakes, payouts and slashes.
		type Settlement: Settlement<Self::AccountId, BalanceOf<Self>>;

		/// Where submitted results go to be verified.
		type Verification: VerificationHooks<Self::AccountId, BalanceOf<Self>, BlockNumberFor<Self>>;

		/// The data feeds a request may take its input from.
		type Feeds: DataFeeds<BlockNumberFor<Self>>;

		/// The source of executor assignment, which requesters cannot choose.
		type Randomness: Randomness<Self::Hash, BlockNumberFor<Self>>;

		/// The least stake an executor may have.
		#[pallet::constant]
		type MinExecutorStake: Get<BalanceOf<Self>>;

		/// The most models one executor may serve.
		#[pallet::constant]
		type MaxModelsPerExecutor: Get<u32>;

		/// The most executors one model may have.
		#[pallet::constant]
		type MaxExecutorsPerModel: Get<u32>;

		/// The most requests one executor may take at once.
		#[pallet::constant]
		type MaxCapacity: Get<u32>;

		/// How long a stake stays held after unregistering.
		#[pallet::constant]
		type UnbondingPeriod: Get<BlockNumberFor<Self>>;

		/// The nearest deadline a request may have, in blocks from now.
		#[pallet::constant]
		type MinDeadline: Get<BlockNumberFor<Self>>;

		/// The farthest deadline a request may have, in blocks from now.
		#[pallet::constant]
		type MaxDeadline: Get<BlockNumberFor<Self>>;

		/// The most requests whose deadline (or pruning) falls in one block.
		#[pallet::constant]
		type MaxRequestsPerBlock: Get<u32>;

		/// The most requests one model's waiting line holds.
		#[pallet::constant]
		type MaxWaitingPerModel: Get<u32>;

		/// The most models with requests waiting at once.
		#[pallet::constant]
		type MaxWaitingModels: Get<u32>;

		/// The most places of the waiting lines served in one block.
		#[pallet::constant]
		type MaxAssignedPerBlock: Get<u32>;

		/// The most answers one [`Pallet::submit_answers`] carries.
		#[pallet::constant]
		type MaxAnswersPerBatch: Get<u32>;

		/// The share of its stake an executor loses per missed deadline.
		#[pallet::constant]
		type ExpirySlash: Get<Perbill>;

		/// The share of its stake an executor loses per proven fraud.
		#[pallet::constant]
		type FraudSlash: Get<Perbill>;

		/// How long settled requests stay in storage.
		#[pallet::constant]
		type RetentionPeriod: Get<BlockNumberFor<Self>>;

		/// The key an executor's node signs its results with (key type
		/// `vrex` in the keystore).
		type ExecutorAuthority: frame_system::offchain::AppCrypto<Self::Public, Self::Signature>;

		/// Weights of this pallet's calls and sweep, from its benchmarks.
		type WeightInfo: WeightInfo;

		/// Creates the models the benchmarks need.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId>;
	}

	/// Registered executors.
	#[pallet::storage]
	pub type Executors<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, ExecutorOf<T>>;

	/// The active executors of each model, for assignment, each with the
	/// revision of the model's terms it accepted: it is drawn only while
	/// that is the model's current revision (`serving.rs`).
	#[pallet::storage]
	pub type ModelExecutors<T: Config> = StorageMap<
		_,
		Twox64Concat,
		ModelId,
		BoundedVec<(T::AccountId, TermsRevision), T::MaxExecutorsPerModel>,
		ValueQuery,
	>;

	/// Requests, until pruned.
	#[pallet::storage]
	pub type Requests<T: Config> = StorageMap<_, Twox64Concat, RequestId, RequestOf<T>>;

	/// The id the next request gets.
	#[pallet::storage]
	pub type NextRequestId<T> = StorageValue<_, RequestId, ValueQuery>;

	/// Requests waiting for their executor's result, by executor: what an
	/// executor's off-chain worker reads to find its work.
	#[pallet::storage]
	pub type PendingWork<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Twox64Concat, RequestId, ()>;

	/// Requests not settled yet, per model: a model with any cannot retire.
	#[pallet::storage]
	pub type OpenRequests<T: Config> = StorageMap<_, Twox64Concat, ModelId, u32, ValueQuery>;

	/// Requests to look at in a given block: to expire (deadline) or prune
	/// (retention over).
	#[pallet::storage]
	pub type Queue<T: Config> = StorageMap<
		_,
		Twox64Concat,
		BlockNumberFor<T>,
		BoundedVec<RequestId, T::MaxRequestsPerBlock>,
		ValueQuery,
	>;

	/// Each model's waiting line, first come first served: requests that
	/// found every executor busy, each with the revision of the model's
	/// terms it was made under (`assignment.rs`). A place whose request was
	/// cancelled or expired meanwhile is given up when the line reaches it.
	#[pallet::storage]
	pub type WaitingLines<T: Config> = StorageMap<
		_,
		Twox64Concat,
		ModelId,
		BoundedVec<(RequestId, TermsRevision), T::MaxWaitingPerModel>,
		ValueQuery,
	>;

	/// The models whose waiting lines are not empty, served in this order
	/// at the start of each block.
	#[pallet::storage]
	pub type WaitingModels<T: Config> =
		StorageValue<_, BoundedVec<ModelId, T::MaxWaitingModels>, ValueQuery>;

	/// The first block whose queue has not been fully swept.
	#[pallet::storage]
	pub type SweepCursor<T: Config> = StorageValue<_, BlockNumberFor<T>, ValueQuery>;

	/// Settled requests in the order their retention ends, each with the
	/// block it ends at. Unlike the per-block deadline queues it has no bound
	/// per block, so every settled request gets a place and every one is
	/// pruned, however many settle at once.
	#[pallet::storage]
	pub type Pruning<T: Config> = StorageMap<_, Twox64Concat, u64, (RequestId, BlockNumberFor<T>)>;

	/// The next index of [`Pruning`] to prune, and the next free one.
	#[pallet::storage]
	pub type PruningRange<T: Config> = StorageValue<_, (u64, u64), ValueQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// An executor registered.
		ExecutorRegistered { executor: T::AccountId, stake: BalanceOf<T>, capacity: u32 },
		/// An executor changed its models, capacity or stake.
		ExecutorUpdated { executor: T::AccountId, stake: BalanceOf<T>, capacity: u32 },
		/// An executor stopped taking requests; its stake unbonds until `until`.
		ExecutorUnbonding { executor: T::AccountId, until: BlockNumberFor<T> },
		/// An executor withdrew its stake and left.
		ExecutorWithdrawn { executor: T::AccountId, stake: BalanceOf<T> },
		/// One answer of a [`Pallet::submit_answers`] batch was refused, for
		/// `error`; it changed nothing, and the batch's other answers stand
		/// on their own.
		AnswerRefused { request: RequestId, error: DispatchError },
		/// A request was made and found every executor of its model busy: it
		/// waits in the model's line with `place` requests ahead of it.
		RequestWaiting {
			request: RequestId,
			requester: T::AccountId,
			model: ModelId,
			max_fee: BalanceOf<T>,
			deadline: BlockNumberFor<T>,
			place: u32,
		},
		/// A waiting request reached the head of its line and was assigned.
		RequestAssigned { request: RequestId, executor: T::AccountId },
		/// A waiting request left its line unassigned, for `reason`, and was
		/// refunded in full.
		RequestLeftLine { request: RequestId, reason: LeftUnassigned, refund: BalanceOf<T> },
		/// A request was made and assigned.
		RequestCreated {
			request: RequestId,
			requester: T::AccountId,
			model: ModelId,
			executor: T::AccountId,
			max_fee: BalanceOf<T>,
			deadline: BlockNumberFor<T>,
		},
		/// The requester cancelled: it paid the model's price and got `refund`
		/// back.
		RequestCancelled { request: RequestId, refund: BalanceOf<T> },
		/// The executor submitted a result; it is being verified.
		ResultSubmitted {
			request: RequestId,
			executor: T::AccountId,
			output_digest: Digest,
			proof_cid: Cid,
		},
		/// The result was accepted and paid.
		RequestAccepted { request: RequestId },
		/// The result was proven wrong.
		RequestRejected { request: RequestId },
		/// The executor reported it could not run the request; the report is
		/// being verified.
		UnrunnableReported { request: RequestId, executor: T::AccountId, reason: UnrunnableReason },
		/// Nobody could run the request: refunded less the verifiers' fees
		/// (and the executor's time, when it reported so itself).
		RequestUnrunnable { request: RequestId },
		/// Too few verifiers answered its dispute: refunded less the fees of
		/// those who did; the executor was neither paid nor slashed.
		RequestUnverified { request: RequestId },
		/// No result came by the deadline.
		RequestExpired { request: RequestId, executor: T::AccountId, slashed: BalanceOf<T> },
		/// An executor accepted a model's terms at revision `terms`, and is
		/// assigned its requests again.
		TermsAccepted { executor: T::AccountId, model: ModelId, terms: TermsRevision },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The account is already an executor.
		AlreadyExecutor,
		/// The account is not an executor.
		NotExecutor,
		/// The stake is below the minimum.
		StakeTooLow,
		/// The capacity is zero or above the maximum.
		BadCapacity,
		/// No models were named.
		NoModels,
		/// A model was named twice.
		DuplicateModel,
		/// No model has this id.
		UnknownModel,
		/// The model is not active.
		ModelNotActive,
		/// The model already has as many executors as allowed.
		TooManyExecutors,
		/// The executor is unbonding: it takes no requests and cannot change.
		ExecutorUnbonding,
		/// The executor is not unbonding.
		NotUnbonding,
		/// The unbonding period has not ended.
		StillUnbonding,
		/// Requests assigned to the executor are still open.
		HasOpenRequests,
		/// The account cannot afford the stake or the fee.
		InsufficientBalance,
		/// An inline input is empty, or a stored input has no CID or size.
		EmptyInput,
		/// A text model's inline input is not UTF-8.
		InputNotText,
		/// A tabular model's inline input is not SCALE-encoded f32 values.
		InputNotNumbers,
		/// A tabular model's inline input has another number of features
		/// than the model takes.
		WrongFeatureCount,
		/// A tabular feature is NaN or infinite.
		FeatureNotFinite,
		/// The parameters do not fit the model: the token count, tokens or a
		/// sampler for a model that generates none, or a sampler out of
		/// bounds (temperature above 2.0, top-k above the runtime's bound,
		/// top-p above 1.0).
		BadParams,
		/// The deadline is too near or too far.
		BadDeadline,
		/// `max_fee` does not cover the fee.
		FeeTooLow,
		/// No executor (other than the requester) serves the model under its
		/// current terms.
		NoExecutorAvailable,
		/// Every executor of the model is busy and its waiting line is full
		/// (or as many models as the chain allows already have lines).
		WaitingLineFull,
		/// The request has no executor yet: it is waiting.
		NotAssigned,
		/// Too many requests already have this deadline: choose another block.
		QueueFull,
		/// No request has this id.
		UnknownRequest,
		/// Only the requester may do this.
		NotRequester,
		/// Only the assigned executor may do this.
		NotAssignedExecutor,
		/// The request is not waiting for a result.
		NotAwaitingResult,
		/// The request is not being verified.
		NotAwaitingVerdict,
		/// The deadline has passed.
		DeadlinePassed,
		/// The output's digest is not the blake2-256 of the output.
		DigestMismatch,
		/// The output is not a canonical encoding of an output.
		MalformedOutput,
		/// The output does not fit the model's task.
		WrongOutputShape,
		/// The output has more tokens than the request allowed.
		TooManyTokens,
		/// The proof document has no CID.
		EmptyProofCid,
		/// No more request ids.
		IdsExhausted,
		/// A feed input was given for a model that does not take numbers.
		FeedNeedsTabularModel,
		/// The features around a feed's value do not decode as numbers, do
		/// not leave exactly one place for it, or put it out of range.
		BadFeatures,
		/// No data feed has this id (or it was retired).
		UnknownFeed,
		/// The data feed has no value yet.
		FeedHasNoValue,
		/// The data feed's latest value is older than the request allows.
		StaleFeed,
		/// The caller does not serve this model.
		ModelNotServed,
		/// The model's terms are at another revision than the one accepted:
		/// read them again.
		TermsChanged,
		/// A batch carries no answers.
		EmptyBatch,
		/// The request asked for its output by reference: an inline result
		/// is refused.
		OutputWantedByReference,
		/// An output stored by reference would fit inline, and the request
		/// did not ask for it by reference.
		OutputFitsInline,
		/// An output stored by reference is larger than the chain allows
		/// (`MAX_STORED_OUTPUT_LENGTH`).
		StoredOutputTooLarge,
		/// An output stored by reference has no CID.
		EmptyOutputCid,
	}

	impl<T> From<OutputError> for Error<T> {
		fn from(error: OutputError) -> Self {
			match error {
				OutputError::Undecodable => Error::MalformedOutput,
				OutputError::WrongShape => Error::WrongOutputShape,
				OutputError::TooManyTokens => Error::TooManyTokens,
			}
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			Self::assign_waiting(now)
		}

		fn on_idle(now: BlockNumberFor<T>, remaining: Weight) -> Weight {
			Self::sweep(now, remaining)
		}

		fn offchain_worker(now: BlockNumberFor<T>) {
			offchain::run_executor::<T>(now);
		}

		fn integrity_test() {
			let (min, max) = (T::MinDeadline::get(), T::MaxDeadline::get());
			assert!(min > Zero::zero() && min <= max, "0 < MinDeadline <= MaxDeadline");
			assert!(T::MaxCapacity::get() > 0, "an executor must be able to take a request");
			assert!(T::MinExecutorStake::get() > Zero::zero(), "an executor must stake something");
			assert!(T::MaxRequestsPerBlock::get() > 0, "a deadline block must take a request");
			assert!(T::MaxAssignedPerBlock::get() > 0, "waiting lines must move");
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Registers the caller as an executor of `models`, taking up to
		/// `capacity` requests at once, with `stake` held.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_executor(models.len() as u32))]
		pub fn register_executor(
			origin: OriginFor<T>,
			stake: BalanceOf<T>,
			models: ServedModels<T>,
			capacity: u32,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(!Executors::<T>::contains_key(&who), Error::<T>::AlreadyExecutor);
			ensure!(stake >= T::MinExecutorStake::get(), Error::<T>::StakeTooLow);
			Self::validate_service(&models, capacity)?;

			T::Settlement::hold(&who, Bond::ExecutorStake, stake)
				.map_err(|_| Error::<T>::InsufficientBalance)?;
			Self::serve_models(&who, &[], &models)?;
			Executors::<T>::insert(
				&who,
				Executor {
					stake,
					models,
					capacity,
					open: 0,
					reputation: 0,
					status: StakeStatus::Active,
				},
			);
			Self::deposit_event(Event::ExecutorRegistered { executor: who, stake, capacity });
			Ok(())
		}

		/// Changes the models the caller serves and its capacity, and adds
		/// `additional_stake` to its stake. (To lower a stake, unregister.)
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::update_executor(models.len() as u32))]
		pub fn update_executor(
			origin: OriginFor<T>,
			additional_stake: BalanceOf<T>,
			models: ServedModels<T>,
			capacity: u32,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut executor = Executors::<T>::get(&who).ok_or(Error::<T>::NotExecutor)?;
			ensure!(executor.status.is_active(), Error::<T>::ExecutorUnbonding);
			Self::validate_service(&models, capacity)?;

			if !additional_stake.is_zero() {
				T::Settlement::hold(&who, Bond::ExecutorStake, additional_stake)
					.map_err(|_| Error::<T>::InsufficientBalance)?;
				executor.stake = executor.stake.saturating_add(additional_stake);
			}
			Self::serve_models(&who, &executor.models, &models)?;
			executor.models = models;
			executor.capacity = capacity;
			let stake = executor.stake;
			Executors::<T>::insert(&who, executor);
			Self::deposit_event(Event::ExecutorUpdated { executor: who, stake, capacity });
			Ok(())
		}

		/// Stops the caller taking new requests and starts its unbonding
		/// period. Requests already assigned must still be served.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::unregister_executor(T::MaxModelsPerExecutor::get()))]
		pub fn unregister_executor(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let until = Self::start_unbonding(&who)?;
			Self::deposit_event(Event::ExecutorUnbonding { executor: who, until });
			Ok(())
		}

		/// Returns an unbonded executor's stake, once its unbonding period is
		/// over and none of its requests is open, and removes it.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::withdraw_stake())]
		pub fn withdraw_stake(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let executor = Executors::<T>::get(&who).ok_or(Error::<T>::NotExecutor)?;
			executor
				.status
				.ensure_withdrawable(frame_system::Pallet::<T>::block_number())
				.map_err(Error::<T>::from)?;
			ensure!(executor.open == 0, Error::<T>::HasOpenRequests);

			let stake = T::Settlement::release(&who, Bond::ExecutorStake, executor.stake);
			Executors::<T>::remove(&who);
			Self::deposit_event(Event::ExecutorWithdrawn { executor: who, stake });
			Ok(())
		}

		/// Requests an inference of `model` on `input`, paying at most
		/// `max_fee` (held in escrow until the request settles), with a result
		/// due by block `deadline`. When every executor of the model is busy,
		/// the request waits in the model's line and is assigned as capacity
		/// frees (`assignment.rs`). Charged for drawing among the most
		/// executors a model may have; refunded to those it has.
		#[pallet::call_index(4)]
		#[pallet::weight(Pallet::<T>::request_weight_bound())]
		pub fn request_inference(
			origin: OriginFor<T>,
			model: ModelId,
			input: RequestInput,
			params: InferenceParams,
			max_fee: BalanceOf<T>,
			deadline: BlockNumberFor<T>,
		) -> DispatchResultWithPostInfo {
			let requester = ensure_signed(origin)?;
			let (_, weight) =
				Self::make_request(requester, model, input, params, max_fee, deadline)?;
			Ok(Some(weight).into())
		}

		/// Cancels a request that has no result yet. The requester pays the
		/// model's price for it (for the most tokens it asked for) as if it
		/// had been accepted unverified, and gets the rest back. A request
		/// still waiting for an executor is refunded in full: nobody has
		/// seen it.
		///
		/// Why not free: the executor may have started, and its result may
		/// already sit in the transaction pool, output in clear; a free cancel
		/// placed ahead of it would get the inference for nothing. A
		/// requester that only wants its money back from an executor that
		/// never answers waits for the deadline: a full refund.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::cancel_request())]
		pub fn cancel_request(origin: OriginFor<T>, request: RequestId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut record = Requests::<T>::get(request).ok_or(Error::<T>::UnknownRequest)?;
			ensure!(record.requester == who, Error::<T>::NotRequester);
			if record.status == RequestStatus::Waiting {
				let refund = T::Settlement::refund(request)?;
				let settled = Some(Settled::Refunded(refund));
				Self::close(request, &mut record, RequestStatus::Cancelled, settled);
				Self::deposit_event(Event::RequestCancelled { request, refund });
				return Ok(());
			}
			ensure!(record.status == RequestStatus::Assigned, Error::<T>::NotAwaitingResult);

			let executor = Self::assigned_executor(&record)?;
			let price = Self::model_cost(&record.pricing, record.params.max_new_tokens);
			let payouts =
				T::Settlement::pay_accepted(request, &executor, &record.publisher, price, &[])?;
			Self::close(
				request,
				&mut record,
				RequestStatus::Cancelled,
				Some(Settled::Paid(payouts)),
			);
			Self::deposit_event(Event::RequestCancelled { request, refund: payouts.refund });
			Ok(())
		}

		/// The assigned executor's result: the output's canonical encoding and
		/// its digest, and the proof document's CID and digest.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::submit_result(output.len() as u32))]
		pub fn submit_result(
			origin: OriginFor<T>,
			request: RequestId,
			output: OutputBytes,
			output_digest: Digest,
			proof_cid: Cid,
			proof_digest: Digest,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let answer = Answer::Result { request, output, output_digest, proof_cid, proof_digest };
			Self::answer(&who, answer)
		}

		/// The assigned executor's report that it could not run the request,
		/// and why: a file or the input did not match its digest, the input
		/// does not suit the model, the model would not load or run, or
		/// nothing could be fetched. The report is verified like a result:
		/// verifiers who cannot run the request either agree with it, and
		/// the request ends `Unrunnable`, the executor paid the model's
		/// per-request price for its attempt and slashed for nothing. A report
		/// the verifiers can run is a fraud, slashed as one.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::report_unrunnable())]
		pub fn report_unrunnable(
			origin: OriginFor<T>,
			request: RequestId,
			reason: UnrunnableReason,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::answer(&who, Answer::Unrunnable { request, reason })
		}

		/// Accepts `model`'s terms (its price and policy) at revision
		/// `terms`, the one the caller read: after the publisher changed
		/// them, the caller is assigned the model's new requests again. A
		/// revision that moved on since it was read is refused, so that
		/// nobody accepts terms it has not seen.
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::accept_terms())]
		pub fn accept_terms(
			origin: OriginFor<T>,
			model: ModelId,
			terms: TermsRevision,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let executor = Executors::<T>::get(&who).ok_or(Error::<T>::NotExecutor)?;
			ensure!(executor.status.is_active(), Error::<T>::ExecutorUnbonding);
			ensure!(T::Models::terms(model) == terms, Error::<T>::TermsChanged);
			Self::record_acceptance(&who, model, terms)?;
			Self::deposit_event(Event::TermsAccepted { executor: who, model, terms });
			Ok(())
		}

		/// The assigned executor's result, with its output stored by
		/// reference: the canonical encoding's CID, length and digest, the
		/// tokens it holds, and the proof document's CID and digest. Taken
		/// when the request asked for its output by reference, or the output
		/// is too long to go inline. The chain sees none of the output: its
		/// verifiers fetch it (size-bounded, digest-checked) and check it as
		/// they check an inline one, the tokens claimed with it included. An
		/// output they cannot fetch, or that is not what the executor
		/// committed to, is a wrong answer.
		#[pallet::call_index(10)]
		#[pallet::weight(T::WeightInfo::submit_stored_result())]
		pub fn submit_stored_result(
			origin: OriginFor<T>,
			request: RequestId,
			output: StoredOutput,
			proof_cid: Cid,
			proof_digest: Digest,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::answer(&who, Answer::StoredResult { request, output, proof_cid, proof_digest })
		}

		/// Many answers of one executor in one transaction, so that a busy
		/// executor pays one transaction's overhead a block instead of one a
		/// request: each a result (as [`Pallet::submit_result`]) or a report
		/// that the request cannot be run (as [`Pallet::report_unrunnable`]).
		///
		/// Each answer is judged alone: one that is refused changes nothing
		/// (its error is in an [`Event::AnswerRefused`]) and does not stop
		/// the others. Weighed as the sum of its answers, each by its output's
		/// length.
		#[pallet::call_index(9)]
		#[pallet::weight(Pallet::<T>::answers_weight(answers))]
		pub fn submit_answers(
			origin: OriginFor<T>,
			answers: BoundedVec<Answer, T::MaxAnswersPerBatch>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(!answers.is_empty(), Error::<T>::EmptyBatch);
			for answer in answers {
				let request = answer.request();
				let judged =
					frame_support::storage::with_storage_layer(|| Self::answer(&who, answer));
				if let Err(error) = judged {
					Self::deposit_event(Event::AnswerRefused { request, error });
				}
			}
			Ok(())
		}
	}
}

/// What the benchmarks need from the runtime: models to request.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId> {
	/// Registers an `Active` model for `task`, owned by `owner` (funded
	/// already), and returns its id.
	fn register_model(owner: &AccountId, task: veritas_primitives::model::TaskKind) -> ModelId;
}
