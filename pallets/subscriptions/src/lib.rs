//! # pallet-subscriptions: recurring inference
//!
//! A dApp that wants the same inference again and again ("score this loan
//! every 10 blocks with the current rate") opens a subscription instead of
//! sending a request each time.
//!
//! ## Opening
//!
//! [`Pallet::subscribe`] names what each run asks for (a
//! [`RequestSpec`]: model, input, parameters, the most one run pays and its
//! deadline), a `period` in blocks and a number of `runs`. The request is
//! checked once, as the inference pallet would check it if made now
//! ([`InferenceRequests::check`]): a subscription that could not make its
//! first run is refused with the same error. Then the whole budget,
//! `max_fee × runs`, is held from the subscriber's balance
//! ([`Bond::SubscriptionBudget`]). The first run is due in the next block.
//!
//! ## Runs
//!
//! At the start of each block the runtime makes the runs that are due
//! ([`Config::MaxRunsPerBlock`] at most): each moves its `max_fee` out of the
//! budget and becomes an ordinary request of the subscriber's, made through
//! [`Config::Requests`], then assigned, executed, verified and settled like
//! any other, with whatever it does not spend refunded to the subscriber. A
//! data feed input is read at the run's own block, so each run records the
//! feed's value it scored. Runs due beyond the bound spill into the next
//! blocks, oldest block first: a run may be late, never lost. The run after
//! it is due `period` blocks after the one before was due (or in the next
//! block, if a spill made it later than that).
//!
//! A run the chain cannot make is recorded with the reason and its `max_fee`
//! returned at once. Some reasons pass (every executor busy, no executor
//! right now, a feed without a recent value) and the next run tries again.
//! Others last (the model retired, its price risen above `max_fee`, the feed
//! retired, the request no longer fitting the model) and end the
//! subscription, with the rest of its budget returned.
//!
//! ## Ending
//!
//! A subscription completes when its last run is made. Its subscriber may
//! [`Pallet::cancel`] it at any time: every run not yet made is refunded;
//! runs already made are ordinary requests, each with its own cancel.
//! Finished subscriptions stay readable, with their runs, for
//! [`Config::RetentionPeriod`] blocks, and are then removed in `on_idle`.
//!
//! ## Money
//!
//! The budget is held, never moved: at every moment a subscriber's
//! `SubscriptionBudget` hold is the sum of `max_fee` over the runs its
//! active subscriptions still have to make (`try_state`).

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
mod schedule;
#[cfg(test)]
mod tests;
pub mod weights;

use frame_support::{pallet_prelude::*, traits::fungible::Inspect};
use frame_system::pallet_prelude::*;
use sp_runtime::traits::{CheckedMul, One, Saturating, Zero};
use veritas_primitives::{
	settlement::{Bond, RequestId, Settlement},
	subscription::{
		InferenceRequests, RequestRefused, RequestSpec, Run, Subscription, SubscriptionId,
		SubscriptionStatus, SubscriptionView,
	},
};

/// The balance type.
pub type BalanceOf<T> =
	<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;

/// A subscription with this runtime's types.
pub type SubscriptionOf<T> =
	Subscription<<T as frame_system::Config>::AccountId, BalanceOf<T>, BlockNumberFor<T>>;

/// What each run of a subscription asks for, with this runtime's types.
pub type RequestSpecOf<T> = RequestSpec<BalanceOf<T>, BlockNumberFor<T>>;

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
	pub trait Config: frame_system::Config {
		/// The overarching event type.
		#[allow(deprecated)]
		type RuntimeEvent: From<Event<Self>> + IsType<<Self as frame_system::Config>::RuntimeEvent>;

		/// The currency: named for its balance type (and to fund accounts in
		/// benchmarks); settlement holds and releases the budget.
		type Currency: frame_support::traits::fungible::Mutate<Self::AccountId>;

		/// Holds and releases the budgets.
		type Settlement: Settlement<Self::AccountId, BalanceOf<Self>>;

		/// Makes each run's request.
		type Requests: InferenceRequests<Self::AccountId, BalanceOf<Self>, BlockNumberFor<Self>>;

		/// The most runs one subscription may have.
		#[pallet::constant]
		type MaxRuns: Get<u32>;

		/// The most runs made at the start of one block; the rest spill
		/// into the next.
		#[pallet::constant]
		type MaxRunsPerBlock: Get<u32>;

		/// The shortest period between two runs, in blocks.
		#[pallet::constant]
		type MinPeriod: Get<BlockNumberFor<Self>>;

		/// How long a finished subscription stays readable.
		#[pallet::constant]
		type RetentionPeriod: Get<BlockNumberFor<Self>>;

		/// Weights of this pallet's calls and hooks, from its benchmarks.
		type WeightInfo: WeightInfo;

		/// Prepares requests the benchmarks can make.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<
			Self::AccountId,
			BalanceOf<Self>,
			BlockNumberFor<Self>,
		>;
	}

	/// Subscriptions, until pruned.
	#[pallet::storage]
	pub type Subscriptions<T: Config> =
		StorageMap<_, Twox64Concat, SubscriptionId, SubscriptionOf<T>>;

	/// The id the next subscription gets.
	#[pallet::storage]
	pub type NextSubscriptionId<T> = StorageValue<_, SubscriptionId, ValueQuery>;

	/// Each subscription's runs so far, by their number (from 0).
	#[pallet::storage]
	pub type Runs<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		SubscriptionId,
		Twox64Concat,
		u32,
		Run<BlockNumberFor<T>>,
	>;

	/// The next run of every active subscription, by the block it is due
	/// in. A block's runs have no bound: those beyond
	/// [`Config::MaxRunsPerBlock`] wait here for the next block.
	#[pallet::storage]
	pub type Schedule<T: Config> =
		StorageDoubleMap<_, Twox64Concat, BlockNumberFor<T>, Twox64Concat, SubscriptionId, ()>;

	/// How many runs [`Schedule`] holds: one per active subscription.
	#[pallet::storage]
	pub type ScheduledRuns<T> = StorageValue<_, u32, ValueQuery>;

	/// The first block of [`Schedule`] that may still hold runs.
	#[pallet::storage]
	pub type ScheduleCursor<T: Config> = StorageValue<_, BlockNumberFor<T>, ValueQuery>;

	/// Finished subscriptions in the order their retention ends, each with
	/// the block it ends at.
	#[pallet::storage]
	pub type Pruning<T: Config> =
		StorageMap<_, Twox64Concat, u64, (SubscriptionId, BlockNumberFor<T>)>;

	/// The next index of [`Pruning`] to prune, and the next free one.
	#[pallet::storage]
	pub type PruningRange<T: Config> = StorageValue<_, (u64, u64), ValueQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A subscription was opened, `budget` held; its first run is due at
		/// `first_run`.
		Subscribed {
			subscription: SubscriptionId,
			subscriber: T::AccountId,
			model: veritas_primitives::model::ModelId,
			runs: u32,
			period: BlockNumberFor<T>,
			budget: BalanceOf<T>,
			first_run: BlockNumberFor<T>,
		},
		/// Run `run` (from 0) was made: it is request `request`.
		RunRequested { subscription: SubscriptionId, run: u32, request: RequestId },
		/// Run `run` could not be made, for `reason`; its `max_fee` went back
		/// to the subscriber.
		RunRefused { subscription: SubscriptionId, run: u32, reason: RequestRefused },
		/// The subscription finished (completed, cancelled or ended) and
		/// `refund` of its budget went back to the subscriber.
		SubscriptionFinished {
			subscription: SubscriptionId,
			status: SubscriptionStatus<BlockNumberFor<T>>,
			refund: BalanceOf<T>,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// `runs` is zero or above [`Config::MaxRuns`].
		BadRunCount,
		/// `period` is below [`Config::MinPeriod`].
		PeriodTooShort,
		/// `max_fee × runs` does not fit a balance.
		BudgetOverflow,
		/// The subscriber cannot afford the budget.
		InsufficientBalance,
		/// No subscription has this id (or it was pruned).
		UnknownSubscription,
		/// Only the subscriber may do this.
		NotSubscriber,
		/// The subscription has finished.
		NotActive,
		/// No more subscription ids.
		IdsExhausted,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			Self::make_due_runs(now)
		}

		fn on_idle(now: BlockNumberFor<T>, remaining: Weight) -> Weight {
			Self::prune(now, remaining)
		}

		fn integrity_test() {
			assert!(T::MaxRuns::get() > 0, "a subscription must be able to run");
			assert!(T::MaxRunsPerBlock::get() > 0, "due runs must be made");
			assert!(T::MinPeriod::get() > Zero::zero(), "runs must be at least a block apart");
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Opens a subscription: `runs` requests as `spec` describes, one
		/// every `period` blocks from the next block on, with
		/// `spec.max_fee × runs` held until they are made. Refused with the
		/// inference pallet's own error if `spec` could not be requested now.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::subscribe().saturating_add(T::Requests::request_weight()))]
		pub fn subscribe(
			origin: OriginFor<T>,
			spec: RequestSpecOf<T>,
			period: BlockNumberFor<T>,
			runs: u32,
		) -> DispatchResult {
			let subscriber = ensure_signed(origin)?;
			ensure!(runs > 0 && runs <= T::MaxRuns::get(), Error::<T>::BadRunCount);
			ensure!(period >= T::MinPeriod::get(), Error::<T>::PeriodTooShort);
			let budget =
				spec.max_fee.checked_mul(&runs.into()).ok_or(Error::<T>::BudgetOverflow)?;
			T::Requests::check(&subscriber, &spec)?;
			T::Settlement::hold(&subscriber, Bond::SubscriptionBudget, budget)
				.map_err(|_| Error::<T>::InsufficientBalance)?;

			let subscription = NextSubscriptionId::<T>::get();
			NextSubscriptionId::<T>::put(
				subscription.checked_add(1).ok_or(Error::<T>::IdsExhausted)?,
			);
			let now = frame_system::Pallet::<T>::block_number();
			let first_run = now.saturating_add(One::one());
			let model = spec.model;
			Subscriptions::<T>::insert(
				subscription,
				Subscription {
					subscriber: subscriber.clone(),
					spec,
					period,
					runs,
					runs_made: 0,
					next_run: first_run,
					budget,
					created: now,
					status: SubscriptionStatus::Active,
				},
			);
			Self::schedule(first_run, subscription);
			Self::deposit_event(Event::Subscribed {
				subscription,
				subscriber,
				model,
				runs,
				period,
				budget,
				first_run,
			});
			Ok(())
		}

		/// Cancels the caller's subscription: its runs not yet made are
		/// refunded. Runs already made are requests like any other, each
		/// with its own `cancel_request`.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::cancel())]
		pub fn cancel(origin: OriginFor<T>, subscription: SubscriptionId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut record =
				Subscriptions::<T>::get(subscription).ok_or(Error::<T>::UnknownSubscription)?;
			ensure!(record.subscriber == who, Error::<T>::NotSubscriber);
			ensure!(record.status == SubscriptionStatus::Active, Error::<T>::NotActive);
			Self::unschedule(record.next_run, subscription);
			let now = frame_system::Pallet::<T>::block_number();
			Self::finish(subscription, &mut record, SubscriptionStatus::Cancelled { at: now });
			Ok(())
		}
	}
}

impl<T: Config> Pallet<T> {
	/// A subscription and its runs so far, for the runtime API.
	pub fn subscription_view(
		subscription: SubscriptionId,
	) -> Option<SubscriptionView<T::AccountId, BalanceOf<T>, BlockNumberFor<T>>> {
		let record = Subscriptions::<T>::get(subscription)?;
		let runs =
			(0..record.runs_made).filter_map(|run| Runs::<T>::get(subscription, run)).collect();
		Some(SubscriptionView { subscription: record, runs })
	}

	/// Ends a subscription with `status`: the rest of its budget goes back,
	/// and it is pruned a retention period from now.
	pub(crate) fn finish(
		subscription: SubscriptionId,
		record: &mut SubscriptionOf<T>,
		status: SubscriptionStatus<BlockNumberFor<T>>,
	) {
		let refund =
			T::Settlement::release(&record.subscriber, Bond::SubscriptionBudget, record.budget);
		record.budget = Zero::zero();
		record.status = status;
		Subscriptions::<T>::insert(subscription, &*record);
		let now = frame_system::Pallet::<T>::block_number();
		let (start, end) = PruningRange::<T>::get();
		Pruning::<T>::insert(end, (subscription, now.saturating_add(T::RetentionPeriod::get())));
		PruningRange::<T>::put((start, end.saturating_add(1)));
		Self::deposit_event(Event::SubscriptionFinished { subscription, status, refund });
	}
}

/// What the benchmarks need from the runtime: a request that can be made.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId, Balance, BlockNumber> {
	/// Makes ready everything a request needs (a model, an executor that is
	/// not `subscriber`) and returns it, with a `max_fee` that covers it.
	fn request_spec(subscriber: &AccountId) -> RequestSpec<Balance, BlockNumber>;
}
