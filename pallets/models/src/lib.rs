//! # pallet-models: the model registry
//!
//! Before anyone can pay for an inference, the model has to be on-chain: which
//! exact files it is made of, what it computes, what a request costs and how
//! results are checked. This pallet is that registry.
//!
//! ## Model lines and versions
//!
//! A publisher registers a **model line** under a name ("all-MiniLM-L6-v2",
//! say) with [`Pallet::register_model`]; that also publishes version 1. Later
//! versions come with [`Pallet::publish_version`]. Every version is its own
//! [`ModelId`]: a dApp that wants reproducible results pins one id, and one
//! that wants "the newest" asks [`ModelInspect::latest_active`] for the
//! line's newest `Active` version.
//!
//! A version records, for each of its files (weights, and optionally config
//! and tokenizer), the IPFS CID to fetch it from, the blake2-256 digest its
//! bytes must have, and its size. Inference nodes refuse bytes whose digest
//! differs, so the record pins the exact weights that run. It also records
//! the weights' format, the architecture the engine builds, the task and its
//! shape, the price, and the verification policy.
//!
//! ## Life of a version
//!
//! `Active` (takes requests) ⇄ `Deprecated` (takes no new requests; requests
//! already made finish) → `Retired` (final). A version can be retired only
//! when no request on it is open (asked through [`Config::Usage`]). A retired
//! record stays as a tombstone so that past results can still be checked
//! against the files they ran; it can no longer change, and its deposit stays
//! held. After [`Config::TombstonePeriod`] (as long as requests are kept)
//! anyone may remove it with [`Pallet::remove_retired`], which returns the
//! deposit to its owner: no record stays without a deposit paying for it.
//!
//! ## Deposits
//!
//! Storage is paid for with a deposit held from the owner (a `fungible` hold
//! with [`HoldReason::ModelDeposit`]): [`Config::DepositBase`] plus
//! [`Config::DepositPerByte`] for each byte of the stored record, for every
//! version and for the line itself. A version's deposit is released when its
//! record is removed, a tombstone period after it was retired; retiring the
//! last live version of a line removes the line at once (freeing its name)
//! and releases the line's deposit.
//!
//! ## Ownership
//!
//! The owner of a line may change prices ([`Pallet::set_price`]), policies
//! ([`Pallet::set_policy`]) and statuses ([`Pallet::set_status`]). A change of
//! price or policy applies to requests made afterwards, and moves the
//! version's terms to a new revision ([`Terms`]): executors that serve it are
//! assigned new requests only once they accept that revision, so a publisher
//! cannot lower the pay or raise the risk of executors who joined under
//! other terms. Ownership moves in two steps, because
//! the new owner takes over the deposits: [`Pallet::transfer_ownership`]
//! offers the line, [`Pallet::accept_ownership`] takes it (holding the new
//! owner's deposit and releasing the old owner's). [`Config::ForceOrigin`]
//! (root or governance) can change any version's status with
//! [`Pallet::force_set_status`], for example to take down a malicious model.
//!
//! ## For other pallets
//!
//! Other pallets read the registry only through [`ModelInspect`], which this
//! pallet implements; they never read its storage.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(any(feature = "try-runtime", feature = "std"))]
mod invariants;
pub mod migrations;
#[cfg(test)]
mod mock;
mod spec;
#[cfg(test)]
mod tests;
pub mod weights;

use codec::{Decode, Encode, MaxEncodedLen};
use frame_support::{
	pallet_prelude::*,
	traits::{
		fungible::{Inspect, Mutate, MutateHold},
		tokens::Precision,
	},
};
use frame_system::pallet_prelude::*;
use scale_info::TypeInfo;
use sp_runtime::traits::{Saturating, Zero};
use veritas_primitives::model::{
	Architecture, ModelFiles, ModelFormat, ModelId, ModelInspect, ModelLineId, ModelName,
	ModelPolicy, ModelRecord, ModelStatus, ModelUsage, ModelVersion, PolicyBounds, PolicyError,
	Pricing, TaskKind, TermsRevision, MAX_COMMITTEE_SIZE,
};

/// The balance type of the currency that deposits are held in.
pub type BalanceOf<T> =
	<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;

/// A model version's record with this runtime's types.
pub type ModelRecordOf<T> =
	ModelRecord<<T as frame_system::Config>::AccountId, BalanceOf<T>, BlockNumberFor<T>>;

/// A verification policy with this runtime's types.
pub type ModelPolicyOf<T> = ModelPolicy<BalanceOf<T>, BlockNumberFor<T>>;

/// A model line: a name, an owner, and its live (not retired) versions.
#[derive(Clone, PartialEq, Eq, Debug)]
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo)]
#[scale_info(skip_type_params(MaxVersions))]
pub struct ModelLine<AccountId, Balance, MaxVersions: Get<u32>> {
	pub owner: AccountId,
	pub name: ModelName,
	/// Live versions, oldest first. Retired versions leave this list.
	pub versions: BoundedVec<ModelId, MaxVersions>,
	/// The number the next published version gets.
	pub next_version: ModelVersion,
	/// The deposit held from the owner for this line's own storage.
	pub deposit: Balance,
	/// An account the owner has offered the line to, until it accepts.
	pub pending_owner: Option<AccountId>,
}

/// A model line with this runtime's types.
pub type ModelLineOf<T> =
	ModelLine<<T as frame_system::Config>::AccountId, BalanceOf<T>, <T as Config>::MaxVersions>;

/// What describes a version besides who owns it: the arguments of
/// [`Pallet::register_model`] and [`Pallet::publish_version`].
#[derive(Clone, PartialEq, Eq, Debug, codec::DecodeWithMemTracking)]
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct ModelSpec<Balance, BlockNumber> {
	pub files: ModelFiles,
	pub format: ModelFormat,
	pub architecture: Architecture,
	pub task: TaskKind,
	pub pricing: Pricing<Balance>,
	pub policy: ModelPolicy<Balance, BlockNumber>,
}

/// A version's description with this runtime's types.
pub type ModelSpecOf<T> = ModelSpec<BalanceOf<T>, BlockNumberFor<T>>;

#[frame_support::pallet]
pub mod pallet {
	use super::*;

	/// The layout of this pallet's storage; a change to a stored record
	/// bumps it and comes with a migration.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(3);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The overarching event type.
		#[allow(deprecated)]
		type RuntimeEvent: From<Event<Self>> + IsType<<Self as frame_system::Config>::RuntimeEvent>;

		/// The currency deposits are held in.
		type Currency: Mutate<Self::AccountId>
			+ MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;

		/// The runtime's hold reasons, which include this pallet's.
		type RuntimeHoldReason: From<HoldReason>;

		/// Held for every stored record, whatever its size.
		#[pallet::constant]
		type DepositBase: Get<BalanceOf<Self>>;

		/// Held for each byte of a stored record.
		#[pallet::constant]
		type DepositPerByte: Get<BalanceOf<Self>>;

		/// The most live versions a line may have at once.
		#[pallet::constant]
		type MaxVersions: Get<u32>;

		/// What a publisher may set in a policy: committee sizes, windows,
		/// challenge bonds and minimum deadlines.
		#[pallet::constant]
		type PolicyBounds: Get<PolicyBounds<BalanceOf<Self>, BlockNumberFor<Self>>>;

		/// Who may change any model's status (root or governance).
		type ForceOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Tells whether a model still has open requests.
		type Usage: ModelUsage;

		/// How long a retired version's record stays, with its deposit held,
		/// before anyone may remove it ([`Pallet::remove_retired`]): at
		/// least as long as requests to it are kept, so that every result
		/// still stored can be checked against the files it ran.
		#[pallet::constant]
		type TombstonePeriod: Get<BlockNumberFor<Self>>;

		/// Weights of this pallet's calls, from its benchmarks.
		type WeightInfo: WeightInfo;
	}

	/// Why this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// The deposit for a model line's or version's storage.
		#[codec(index = 0)]
		ModelDeposit,
	}

	/// Every model version ever published, retired ones included.
	#[pallet::storage]
	pub type Models<T: Config> = StorageMap<_, Twox64Concat, ModelId, ModelRecordOf<T>>;

	/// Model lines that have at least one live version.
	#[pallet::storage]
	pub type Lines<T: Config> = StorageMap<_, Twox64Concat, ModelLineId, ModelLineOf<T>>;

	/// A line by its owner and name: names are unique per owner.
	#[pallet::storage]
	pub type LineByName<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Blake2_128Concat,
		ModelName,
		ModelLineId,
	>;

	/// Each version's terms revision: how many times its price or policy
	/// changed (absent: never). Executors serve under the revision they
	/// accepted, so a change binds only those who accept it.
	#[pallet::storage]
	pub type Terms<T> = StorageMap<_, Twox64Concat, ModelId, TermsRevision, ValueQuery>;

	/// For a version whose terms changed, the last block they changed in
	/// and the revision that stood before it: joining in that block accepts
	/// only what stood before ([`ModelInspect::terms_before_this_block`]).
	#[pallet::storage]
	pub type TermsBefore<T: Config> =
		StorageMap<_, Twox64Concat, ModelId, (BlockNumberFor<T>, TermsRevision)>;

	/// When each retired version that is still stored was retired: its
	/// record may be removed [`Config::TombstonePeriod`] later.
	#[pallet::storage]
	pub type RetiredAt<T: Config> = StorageMap<_, Twox64Concat, ModelId, BlockNumberFor<T>>;

	/// The id the next published version gets.
	#[pallet::storage]
	pub type NextModelId<T> = StorageValue<_, ModelId, ValueQuery>;

	/// The id the next registered line gets.
	#[pallet::storage]
	pub type NextLineId<T> = StorageValue<_, ModelLineId, ValueQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A new model line was registered, with its first version.
		ModelRegistered {
			line: ModelLineId,
			model: ModelId,
			owner: T::AccountId,
			name: ModelName,
			deposit: BalanceOf<T>,
		},
		/// A new version of a line was published.
		VersionPublished {
			line: ModelLineId,
			model: ModelId,
			version: ModelVersion,
			deposit: BalanceOf<T>,
		},
		/// A version's price changed, for new requests: its terms are now at
		/// revision `terms`, which executors must accept to be assigned them.
		PriceSet { model: ModelId, pricing: Pricing<BalanceOf<T>>, terms: TermsRevision },
		/// A version's verification policy changed, for new requests: its
		/// terms are now at revision `terms`.
		PolicySet { model: ModelId, policy: ModelPolicyOf<T>, terms: TermsRevision },
		/// A version's status changed; `forced` when by [`Config::ForceOrigin`].
		StatusChanged { model: ModelId, status: ModelStatus, forced: bool },
		/// A version was retired. Its record stays, its deposit held, until
		/// anyone removes it at or after block `removable_at`.
		ModelRetired { model: ModelId, removable_at: BlockNumberFor<T> },
		/// A retired version's record was removed and its deposit returned.
		RetiredRemoved { model: ModelId, deposit_released: BalanceOf<T> },
		/// A line's last live version was retired: the line is gone and its
		/// name is free.
		LineRemoved { line: ModelLineId, deposit_released: BalanceOf<T> },
		/// The owner offered the line to another account (`to == owner`
		/// withdraws the offer).
		OwnershipOffered { line: ModelLineId, from: T::AccountId, to: T::AccountId },
		/// The line changed hands.
		OwnershipTransferred { line: ModelLineId, from: T::AccountId, to: T::AccountId },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// No model version has this id.
		UnknownModel,
		/// No live model line has this id.
		UnknownLine,
		/// Only the line's owner may do this.
		NotOwner,
		/// The name is empty.
		EmptyName,
		/// The name is not valid UTF-8.
		NameNotUtf8,
		/// The owner already has a line with this name.
		NameTaken,
		/// A file's CID is empty.
		EmptyCid,
		/// A file's CID is not printable ASCII.
		MalformedCid,
		/// A file has size zero.
		EmptyFile,
		/// The architecture cannot be loaded from this format (Llama needs
		/// GGUF; BERT and MLP need safetensors; an ONNX graph, ONNX).
		FormatDoesNotFitArchitecture,
		/// The task cannot be served by this architecture.
		TaskDoesNotFitArchitecture,
		/// A dimension of the task is zero, or generation exceeds the context.
		MalformedTask,
		/// A tokenizer was given for a model that takes no text, or none for
		/// a BERT model, which needs one.
		TokenizerDoesNotFitArchitecture,
		/// A per-token price on a model that generates no tokens.
		TokenPriceWithoutGeneration,
		/// A committee size of zero, or above the maximum.
		BadCommitteeSize,
		/// A quorum threshold of zero, or above the committee size.
		BadThreshold,
		/// An optimistic window of zero blocks, or longer than the runtime
		/// allows.
		BadWindow,
		/// A comparison tolerance of zero or above 1.0, or a top-k of zero or
		/// above the maximum.
		BadTolerance,
		/// The comparison rule does not fit the task.
		RuleDoesNotFitTask,
		/// The line already has a live version with exactly these files.
		DuplicateVersion,
		/// The line has as many live versions as allowed: retire one first.
		TooManyVersions,
		/// The version is retired: it can no longer change.
		ModelRetired,
		/// The version has open requests and cannot be retired yet.
		ModelInUse,
		/// The version already has this status.
		StatusUnchanged,
		/// There is no offer of this line to the caller.
		NotPendingOwner,
		/// The caller cannot afford the deposit.
		InsufficientBalance,
		/// No more ids are left.
		IdsExhausted,
		/// A challenge bond outside the runtime's range (`PolicyBounds`).
		BadChallengeBond,
		/// A minimum deadline outside the runtime's range (`PolicyBounds`).
		BadMinDeadline,
		/// The price or policy given is the one the version has already.
		TermsUnchanged,
		/// The version is not retired.
		NotRetired,
		/// A retired version's record stays until its tombstone period is
		/// over.
		TombstoneKept,
		/// An ONNX graph's input shape is empty, has a zero dimension, or does
		/// not hold exactly the task's numbers.
		InputShapeDoesNotFitTask,
		/// A config file was given for an ONNX graph, which carries its own.
		ConfigDoesNotFitArchitecture,
	}

	impl<T> From<PolicyError> for Error<T> {
		fn from(error: PolicyError) -> Self {
			match error {
				PolicyError::BadCommitteeSize => Error::BadCommitteeSize,
				PolicyError::BadThreshold => Error::BadThreshold,
				PolicyError::BadWindow => Error::BadWindow,
				PolicyError::BadChallengeBond => Error::BadChallengeBond,
				PolicyError::BadMinDeadline => Error::BadMinDeadline,
				PolicyError::BadTolerance => Error::BadTolerance,
				PolicyError::RuleDoesNotFitTask => Error::RuleDoesNotFitTask,
			}
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			let bounds = T::PolicyBounds::get();
			assert!(
				bounds.max_committee > 0 && bounds.max_committee <= MAX_COMMITTEE_SIZE,
				"PolicyBounds: 0 < max_committee <= MAX_COMMITTEE_SIZE"
			);
			assert!(bounds.max_window > Zero::zero(), "PolicyBounds: max_window > 0");
			let (smallest, largest) = bounds.challenge_bond;
			assert!(
				smallest > Zero::zero() && smallest <= largest,
				"PolicyBounds: 0 < smallest challenge bond <= largest"
			);
			let (shortest, longest) = bounds.min_deadline;
			assert!(
				shortest > Zero::zero() && shortest <= longest,
				"PolicyBounds: 0 < shortest minimum deadline <= longest"
			);
			assert!(
				T::TombstonePeriod::get() > Zero::zero(),
				"a retired record stays at least a block"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Registers a new model line named `name`, owned by the caller, and
		/// publishes `spec` as its version 1. Holds the deposit for both.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_model())]
		pub fn register_model(
			origin: OriginFor<T>,
			name: ModelName,
			spec: ModelSpecOf<T>,
		) -> DispatchResult {
			let owner = ensure_signed(origin)?;
			ensure!(!name.is_empty(), Error::<T>::EmptyName);
			ensure!(core::str::from_utf8(&name).is_ok(), Error::<T>::NameNotUtf8);
			ensure!(!LineByName::<T>::contains_key(&owner, &name), Error::<T>::NameTaken);
			Self::validate_spec(&spec)?;

			let line_id = NextLineId::<T>::get();
			let model_id = NextModelId::<T>::get();
			NextLineId::<T>::put(line_id.checked_add(1).ok_or(Error::<T>::IdsExhausted)?);
			NextModelId::<T>::put(model_id.checked_add(1).ok_or(Error::<T>::IdsExhausted)?);

			let mut line = ModelLine {
				owner: owner.clone(),
				name: name.clone(),
				versions: BoundedVec::truncate_from(alloc::vec![model_id]),
				next_version: 2,
				deposit: Zero::zero(),
				pending_owner: None,
			};
			line.deposit = Self::deposit_for(&line);
			let record = Self::new_record(line_id, 1, &owner, spec);

			Self::hold(&owner, line.deposit.saturating_add(record.deposit))?;
			let deposit = line.deposit.saturating_add(record.deposit);
			Models::<T>::insert(model_id, record);
			Lines::<T>::insert(line_id, line);
			LineByName::<T>::insert(&owner, &name, line_id);

			Self::deposit_event(Event::ModelRegistered {
				line: line_id,
				model: model_id,
				owner,
				name,
				deposit,
			});
			Ok(())
		}

		/// Publishes `spec` as the next version of `line`, which the caller
		/// owns. Holds the new version's deposit.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::publish_version(T::MaxVersions::get()))]
		pub fn publish_version(
			origin: OriginFor<T>,
			line: ModelLineId,
			spec: ModelSpecOf<T>,
		) -> DispatchResult {
			let owner = ensure_signed(origin)?;
			let mut model_line = Lines::<T>::get(line).ok_or(Error::<T>::UnknownLine)?;
			ensure!(model_line.owner == owner, Error::<T>::NotOwner);
			Self::validate_spec(&spec)?;
			let duplicate = model_line.versions.iter().any(|id| {
				Models::<T>::get(id).is_some_and(|existing| existing.files == spec.files)
			});
			ensure!(!duplicate, Error::<T>::DuplicateVersion);

			let model_id = NextModelId::<T>::get();
			let version = model_line.next_version;
			model_line.versions.try_push(model_id).map_err(|_| Error::<T>::TooManyVersions)?;
			model_line.next_version = version.checked_add(1).ok_or(Error::<T>::IdsExhausted)?;
			NextModelId::<T>::put(model_id.checked_add(1).ok_or(Error::<T>::IdsExhausted)?);

			let record = Self::new_record(line, version, &owner, spec);
			Self::hold(&owner, record.deposit)?;
			let deposit = record.deposit;
			Models::<T>::insert(model_id, record);
			Lines::<T>::insert(line, model_line);

			Self::deposit_event(Event::VersionPublished {
				line,
				model: model_id,
				version,
				deposit,
			});
			Ok(())
		}

		/// Sets a version's price. Requests already made keep the price they
		/// were made at. The terms move to a new revision: executors are
		/// assigned new requests only once they accept it.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::set_price())]
		pub fn set_price(
			origin: OriginFor<T>,
			model: ModelId,
			pricing: Pricing<BalanceOf<T>>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::mutate_live_model(&who, model, |record| {
				ensure!(
					record.task.is_generation() || pricing.per_output_token.is_zero(),
					Error::<T>::TokenPriceWithoutGeneration
				);
				ensure!(record.pricing != pricing, Error::<T>::TermsUnchanged);
				record.pricing = pricing;
				Ok(())
			})?;
			let terms = Self::revise_terms(model);
			Self::deposit_event(Event::PriceSet { model, pricing, terms });
			Ok(())
		}

		/// Sets a version's verification policy. It applies to requests made
		/// from now on; requests already made keep theirs. The terms move to
		/// a new revision, as with [`Pallet::set_price`].
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::set_policy())]
		pub fn set_policy(
			origin: OriginFor<T>,
			model: ModelId,
			policy: ModelPolicyOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::mutate_live_model(&who, model, |record| {
				policy.validate(&record.task, &T::PolicyBounds::get()).map_err(Error::<T>::from)?;
				ensure!(record.policy != policy, Error::<T>::TermsUnchanged);
				record.policy = policy;
				Ok(())
			})?;
			let terms = Self::revise_terms(model);
			Self::deposit_event(Event::PolicySet { model, policy, terms });
			Ok(())
		}

		/// Changes a version's status, as its owner: `Active` and
		/// `Deprecated` either way, or `Retired` (final; only with no open
		/// requests; releases the deposit).
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::set_status(T::MaxVersions::get()))]
		pub fn set_status(
			origin: OriginFor<T>,
			model: ModelId,
			status: ModelStatus,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let record = Models::<T>::get(model).ok_or(Error::<T>::UnknownModel)?;
			ensure!(record.owner == who, Error::<T>::NotOwner);
			Self::do_set_status(model, record, status, false)
		}

		/// Offers `line` to `new_owner`, who takes it with
		/// [`Pallet::accept_ownership`]. Offering it to oneself withdraws the
		/// offer.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::transfer_ownership())]
		pub fn transfer_ownership(
			origin: OriginFor<T>,
			line: ModelLineId,
			new_owner: T::AccountId,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Lines::<T>::try_mutate(line, |maybe_line| -> DispatchResult {
				let model_line = maybe_line.as_mut().ok_or(Error::<T>::UnknownLine)?;
				ensure!(model_line.owner == who, Error::<T>::NotOwner);
				model_line.pending_owner = (new_owner != who).then(|| new_owner.clone());
				Ok(())
			})?;
			Self::deposit_event(Event::OwnershipOffered { line, from: who, to: new_owner });
			Ok(())
		}

		/// Takes a line offered to the caller: its live versions become the
		/// caller's, the caller's deposit is held for them and the previous
		/// owner's is released.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::accept_ownership(T::MaxVersions::get()))]
		pub fn accept_ownership(origin: OriginFor<T>, line: ModelLineId) -> DispatchResult {
			let new_owner = ensure_signed(origin)?;
			let mut model_line = Lines::<T>::get(line).ok_or(Error::<T>::UnknownLine)?;
			ensure!(
				model_line.pending_owner.as_ref() == Some(&new_owner),
				Error::<T>::NotPendingOwner
			);
			ensure!(
				!LineByName::<T>::contains_key(&new_owner, &model_line.name),
				Error::<T>::NameTaken
			);
			let previous_owner = model_line.owner.clone();

			let mut records = alloc::vec::Vec::with_capacity(model_line.versions.len());
			let mut total = model_line.deposit;
			for id in model_line.versions.iter() {
				let record = Models::<T>::get(id).ok_or(Error::<T>::UnknownModel)?;
				total = total.saturating_add(record.deposit);
				records.push((*id, record));
			}
			// Hold first: if the new owner cannot pay, nothing has changed.
			Self::hold(&new_owner, total)?;
			Self::release(&previous_owner, total);

			for (id, mut record) in records {
				record.owner = new_owner.clone();
				Models::<T>::insert(id, record);
			}
			LineByName::<T>::remove(&previous_owner, &model_line.name);
			LineByName::<T>::insert(&new_owner, &model_line.name, line);
			model_line.owner = new_owner.clone();
			model_line.pending_owner = None;
			Lines::<T>::insert(line, model_line);

			Self::deposit_event(Event::OwnershipTransferred {
				line,
				from: previous_owner,
				to: new_owner,
			});
			Ok(())
		}

		/// Changes any version's status, for root or governance: for example
		/// `Deprecated` at once to stop a malicious model taking requests.
		/// Retiring still waits for open requests to finish.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::force_set_status(T::MaxVersions::get()))]
		pub fn force_set_status(
			origin: OriginFor<T>,
			model: ModelId,
			status: ModelStatus,
		) -> DispatchResult {
			T::ForceOrigin::ensure_origin(origin)?;
			let record = Models::<T>::get(model).ok_or(Error::<T>::UnknownModel)?;
			Self::do_set_status(model, record, status, true)
		}

		/// Removes a retired version's record once its tombstone period
		/// ([`Config::TombstonePeriod`]) is over, and returns its deposit to
		/// its owner. Anyone may call it: the deposit goes to the owner
		/// whoever does.
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::remove_retired())]
		pub fn remove_retired(origin: OriginFor<T>, model: ModelId) -> DispatchResult {
			ensure_signed(origin)?;
			let record = Models::<T>::get(model).ok_or(Error::<T>::UnknownModel)?;
			let retired_at = RetiredAt::<T>::get(model).ok_or(Error::<T>::NotRetired)?;
			let removable_at = retired_at.saturating_add(T::TombstonePeriod::get());
			ensure!(
				frame_system::Pallet::<T>::block_number() >= removable_at,
				Error::<T>::TombstoneKept
			);
			Self::release(&record.owner, record.deposit);
			Models::<T>::remove(model);
			RetiredAt::<T>::remove(model);
			Terms::<T>::remove(model);
			TermsBefore::<T>::remove(model);
			Self::deposit_event(Event::RetiredRemoved { model, deposit_released: record.deposit });
			Ok(())
		}
	}
}

impl<T: Config> Pallet<T> {
	/// The deposit for storing `item`: the base plus a price per byte.
	pub fn deposit_for(item: &impl Encode) -> BalanceOf<T> {
		let bytes = BalanceOf::<T>::from(item.encoded_size() as u32);
		T::DepositBase::get().saturating_add(T::DepositPerByte::get().saturating_mul(bytes))
	}

	fn hold(who: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		T::Currency::hold(&HoldReason::ModelDeposit.into(), who, amount)
			.map_err(|_| Error::<T>::InsufficientBalance.into())
	}

	fn release(who: &T::AccountId, amount: BalanceOf<T>) {
		let released = T::Currency::release(
			&HoldReason::ModelDeposit.into(),
			who,
			amount,
			Precision::BestEffort,
		);
		if released.ok() != Some(amount) {
			// The pallet's own accounting says this much is held; anything else
			// is a bug worth seeing in the logs, not a reason to fail the call.
			log::error!(
				target: "runtime::models",
				"released {released:?} of a {amount:?} deposit",
			);
		}
	}

	/// Applies `change` to a live version that `who` owns.
	/// Moves `model`'s terms to their next revision, and returns it.
	fn revise_terms(model: ModelId) -> TermsRevision {
		let now = frame_system::Pallet::<T>::block_number();
		if TermsBefore::<T>::get(model).map(|(at, _)| at) != Some(now) {
			TermsBefore::<T>::insert(model, (now, Terms::<T>::get(model)));
		}
		Terms::<T>::mutate(model, |terms| {
			terms.saturating_inc();
			*terms
		})
	}

	fn mutate_live_model(
		who: &T::AccountId,
		model: ModelId,
		change: impl FnOnce(&mut ModelRecordOf<T>) -> DispatchResult,
	) -> DispatchResult {
		Models::<T>::try_mutate(model, |maybe_record| {
			let record = maybe_record.as_mut().ok_or(Error::<T>::UnknownModel)?;
			ensure!(record.owner == *who, Error::<T>::NotOwner);
			ensure!(record.status != ModelStatus::Retired, Error::<T>::ModelRetired);
			change(record)
		})
	}

	fn do_set_status(
		model: ModelId,
		mut record: ModelRecordOf<T>,
		status: ModelStatus,
		forced: bool,
	) -> DispatchResult {
		ensure!(record.status != ModelStatus::Retired, Error::<T>::ModelRetired);
		ensure!(record.status != status, Error::<T>::StatusUnchanged);
		if status == ModelStatus::Retired {
			return Self::retire(model, record, forced);
		}
		record.status = status;
		Models::<T>::insert(model, record);
		Self::deposit_event(Event::StatusChanged { model, status, forced });
		Ok(())
	}

	/// Retires a live version: releases its deposit, takes it out of its
	/// line, and removes the line when it was the last live version.
	fn retire(model: ModelId, mut record: ModelRecordOf<T>, forced: bool) -> DispatchResult {
		ensure!(T::Usage::open_requests(model) == 0, Error::<T>::ModelInUse);
		let mut line = Lines::<T>::get(record.line).ok_or(Error::<T>::UnknownLine)?;

		line.versions.retain(|id| *id != model);
		if line.versions.is_empty() {
			Self::release(&line.owner, line.deposit);
			LineByName::<T>::remove(&line.owner, &line.name);
			Lines::<T>::remove(record.line);
			Self::deposit_event(Event::LineRemoved {
				line: record.line,
				deposit_released: line.deposit,
			});
		} else {
			Lines::<T>::insert(record.line, line);
		}
		record.status = ModelStatus::Retired;
		Models::<T>::insert(model, record);
		let now = frame_system::Pallet::<T>::block_number();
		RetiredAt::<T>::insert(model, now);

		Self::deposit_event(Event::StatusChanged { model, status: ModelStatus::Retired, forced });
		let removable_at = now.saturating_add(T::TombstonePeriod::get());
		Self::deposit_event(Event::ModelRetired { model, removable_at });
		Ok(())
	}
}

impl<T: Config> ModelInspect<T::AccountId, BalanceOf<T>, BlockNumberFor<T>> for Pallet<T> {
	fn model(id: ModelId) -> Option<ModelRecordOf<T>> {
		Models::<T>::get(id)
	}

	fn terms(id: ModelId) -> TermsRevision {
		Terms::<T>::get(id)
	}

	fn terms_before_this_block(id: ModelId) -> TermsRevision {
		match TermsBefore::<T>::get(id) {
			Some((at, before)) if at == frame_system::Pallet::<T>::block_number() => before,
			_ => Terms::<T>::get(id),
		}
	}

	fn latest_active(line: ModelLineId) -> Option<ModelId> {
		let line = Lines::<T>::get(line)?;
		line.versions.iter().rev().copied().find(|id| {
			Models::<T>::get(id).is_some_and(|record| record.status == ModelStatus::Active)
		})
	}
}
