//! # pallet-oracle: data feeds that inference requests can take as input
//!
//! Data nodes bring outside numbers on-chain (prices, rates, any numeric
//! series) so that many parties can trust them, and so that a request can
//! score, say, a loan at the current rate.
//!
//! ## Feeds
//!
//! A feed names a JSON source ([`Pallet::create_feed`]): its `source_url`,
//! the `json_path` of the number in the answer, the `decimals` the number is
//! scaled to (the chain keeps integers: 64123.45 with 2 decimals is 6412345),
//! a `heartbeat_blocks` and a `min_reporters`.
//!
//! Anyone may create a feed by leaving [`Config::FeedDeposit`], which comes
//! back when the feed is retired; [`Config::AdminOrigin`] (root, on Veritas)
//! may create feeds without a deposit. The creator or the admin retires a
//! feed with [`Pallet::retire_feed`]; requests that already read it keep
//! the value they recorded.
//!
//! ## Data nodes
//!
//! A data node registers with a stake ([`Pallet::register_data_node`]), held
//! through [`Config::Settlement`], and chooses the feeds it serves
//! ([`Pallet::serve_feeds`]): a feed is anyone's to create, so no data node
//! is answerable for a source it did not choose. Its node fetches those
//! feeds' sources and reports with the same account's key (type `vrdn`). It leaves with
//! [`Pallet::unregister_data_node`] and gets its stake back with
//! [`Pallet::withdraw_stake`] after [`Config::UnbondingPeriod`], which is
//! longer than any round, so that its last reports are judged first.
//!
//! ## Rounds
//!
//! Each feed has one open round at a time. Every data node serving the feed
//! [`Pallet::report`]s once per round. A report that lands is free: the
//! data node pays fees only for refused ones.
//! - As soon as `min_reporters` have reported, the round **closes**: the
//!   stake-weighted median of their values ([`aggregation`]) becomes the
//!   feed's latest value.
//! - When the heartbeat ends, the round **ends**. If it had not closed, it
//!   closes then with the median of whatever was reported (the reading says
//!   how many reporters it rests on); with no reports the feed keeps its old
//!   value, which ages. Then every report, early or late, is judged against
//!   the round's value: within [`Config::OutlierBand`] a node gains a point
//!   of reputation, outside it loses one and earns a strike. Nodes that
//!   served the feed since before the round opened and did not report earn
//!   a strike too, unless nobody reported (a source down for everyone says
//!   nothing of any one node). [`Config::StrikeLimit`] strikes
//!   in a row cost [`Config::StrikeSlash`] of the stake; a good report
//!   clears them. Then the next round opens.
//!
//! Rounds are paced by the heartbeat: a feed gets at most one new value per
//! heartbeat, however fast its nodes are.
//!
//! ## Reading a feed
//!
//! Other pallets read a feed's latest value through [`DataFeeds`], which
//! pallet-inference uses to resolve feed inputs; dApps read it through the
//! `OracleApi` runtime API.
//!
//! ## The data node's off-chain worker
//!
//! See [`offchain`]: it fetches each feed's source over HTTP, reads the
//! number at the feed's path exactly ([`source`]), and reports.
//!
//! ## Bounded work
//!
//! At most [`Config::MaxFeeds`] feeds and [`Config::MaxDataNodes`] active
//! data nodes exist. Each feed's round ends in exactly one block, so
//! `on_initialize` never handles more than every feed once, and its measured
//! weight is charged.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

pub mod address;
pub mod aggregation;
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
mod rounds;
mod serving;
pub mod source;
#[cfg(test)]
mod tests;
mod types;
pub mod weights;

pub use types::*;
pub use weights::WeightInfo;

use frame_support::{
	pallet_prelude::*,
	traits::fungible::{Inspect, Mutate},
};
use frame_system::pallet_prelude::*;
use sp_runtime::{traits::Zero, Perbill, Permill};
use veritas_primitives::{
	oracle::{
		DataFeeds, DataNode, Feed, FeedError, FeedId, FeedName, FeedReading, FeedValue, FeedView,
		JsonPath, RoundId, RoundSummary, SourceUrl, MAX_FEEDS_PER_PAGE, MAX_FEED_DECIMALS,
	},
	settlement::{Bond, Settlement},
	stake::{StakeStatus, StakeStepError},
};

/// Signs a data node's reports with its sr25519 `vrdn` key, for runtimes
/// whose accounts are `MultiSigner`s (as Veritas's are).
pub struct DataNodeAuthority;

impl frame_system::offchain::AppCrypto<sp_runtime::MultiSigner, sp_runtime::MultiSignature>
	for DataNodeAuthority
{
	type RuntimeAppPublic = veritas_primitives::keys::data_node::Public;
	type GenericPublic = sp_core::sr25519::Public;
	type GenericSignature = sp_core::sr25519::Signature;
}

/// The balance type.
pub type BalanceOf<T> =
	<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;

/// A feed with this runtime's types.
pub type FeedOf<T> = Feed<<T as frame_system::Config>::AccountId, BalanceOf<T>, BlockNumberFor<T>>;

/// A data node with this runtime's types.
pub type DataNodeOf<T> = DataNode<BalanceOf<T>, BlockNumberFor<T>>;

/// A round with this runtime's types.
pub type RoundOf<T> = Round<
	<T as frame_system::Config>::AccountId,
	BalanceOf<T>,
	BlockNumberFor<T>,
	<T as Config>::MaxDataNodes,
>;

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

		/// Stakes, deposits and slashes.
		type Settlement: Settlement<Self::AccountId, BalanceOf<Self>>;

		/// May create feeds without a deposit, and retire any feed.
		type AdminOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The key a data node's node signs its reports with (key type
		/// `vrdn` in the keystore).
		type DataNodeAuthority: frame_system::offchain::AppCrypto<Self::Public, Self::Signature>;

		/// What an account leaves to create a feed.
		#[pallet::constant]
		type FeedDeposit: Get<BalanceOf<Self>>;

		/// The most feeds that may exist at once.
		#[pallet::constant]
		type MaxFeeds: Get<u32>;

		/// The shortest heartbeat a feed may have.
		#[pallet::constant]
		type MinHeartbeat: Get<BlockNumberFor<Self>>;

		/// The longest heartbeat a feed may have.
		#[pallet::constant]
		type MaxHeartbeat: Get<BlockNumberFor<Self>>;

		/// The least stake a data node may have.
		#[pallet::constant]
		type MinDataNodeStake: Get<BalanceOf<Self>>;

		/// The most active data nodes, and so the most reports in a round.
		#[pallet::constant]
		type MaxDataNodes: Get<u32>;

		/// How long a stake stays held after unregistering; longer than
		/// [`Config::MaxHeartbeat`].
		#[pallet::constant]
		type UnbondingPeriod: Get<BlockNumberFor<Self>>;

		/// How far from a round's value a report may be, as a share of the
		/// value, and still count as agreeing.
		#[pallet::constant]
		type OutlierBand: Get<Permill>;

		/// Rounds in a row out of band or silent that cost a slash.
		#[pallet::constant]
		type StrikeLimit: Get<u32>;

		/// The share of its stake a data node loses at the strike limit.
		#[pallet::constant]
		type StrikeSlash: Get<Perbill>;

		/// Weights of this pallet's calls and hook, from its benchmarks.
		type WeightInfo: WeightInfo;
	}

	/// Feeds, by id.
	#[pallet::storage]
	pub type Feeds<T: Config> = StorageMap<_, Twox64Concat, FeedId, FeedOf<T>>;

	/// How many feeds exist.
	#[pallet::storage]
	pub type FeedCount<T> = StorageValue<_, u32, ValueQuery>;

	/// The id the next feed gets.
	#[pallet::storage]
	pub type NextFeedId<T> = StorageValue<_, FeedId, ValueQuery>;

	/// Each feed's open round.
	#[pallet::storage]
	pub type Rounds<T: Config> = StorageMap<_, Twox64Concat, FeedId, RoundOf<T>>;

	/// Each feed's latest value.
	#[pallet::storage]
	pub type Latest<T: Config> =
		StorageMap<_, Twox64Concat, FeedId, FeedReading<BlockNumberFor<T>>>;

	/// Registered data nodes.
	#[pallet::storage]
	pub type DataNodes<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, DataNodeOf<T>>;

	/// The data nodes expected to report.
	#[pallet::storage]
	pub type ActiveDataNodes<T: Config> =
		StorageValue<_, BoundedVec<T::AccountId, T::MaxDataNodes>, ValueQuery>;

	/// The data nodes serving each feed, each with the block it joined: they
	/// alone report in its rounds, and are struck for staying silent in a
	/// round that opened after they joined.
	#[pallet::storage]
	pub type FeedNodes<T: Config> = StorageMap<
		_,
		Twox64Concat,
		FeedId,
		BoundedVec<(T::AccountId, BlockNumberFor<T>), T::MaxDataNodes>,
		ValueQuery,
	>;

	/// The feeds each active data node serves, as it chose them
	/// ([`Pallet::serve_feeds`]).
	#[pallet::storage]
	pub type ServedFeeds<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, BoundedVec<FeedId, T::MaxFeeds>, ValueQuery>;

	/// The feeds whose round ends in a given block.
	#[pallet::storage]
	pub type RoundEnds<T: Config> =
		StorageMap<_, Twox64Concat, BlockNumberFor<T>, BoundedVec<FeedId, T::MaxFeeds>, ValueQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		FeedCreated {
			feed: FeedId,
			owner: Option<T::AccountId>,
			name: FeedName,
		},
		/// The feed was retired; its creator got `refunded` back.
		FeedRetired {
			feed: FeedId,
			refunded: BalanceOf<T>,
		},
		DataNodeRegistered {
			data_node: T::AccountId,
			stake: BalanceOf<T>,
		},
		/// The data node now serves these feeds, and only these.
		FeedsServed {
			data_node: T::AccountId,
			feeds: alloc::vec::Vec<FeedId>,
		},
		DataNodeUnbonding {
			data_node: T::AccountId,
			until: BlockNumberFor<T>,
		},
		DataNodeWithdrawn {
			data_node: T::AccountId,
			stake: BalanceOf<T>,
		},
		Reported {
			feed: FeedId,
			round: RoundId,
			data_node: T::AccountId,
			value: FeedValue,
		},
		/// The round's value is the feed's latest: early (enough reports),
		/// or at the heartbeat.
		RoundClosed {
			feed: FeedId,
			round: RoundId,
			value: FeedValue,
			reporters: u32,
			early: bool,
		},
		/// The round ended without a single report; the feed's value ages.
		RoundMissed {
			feed: FeedId,
			round: RoundId,
		},
		/// The round's reports were judged: these nodes were out of band,
		/// and these (active ones) did not report.
		RoundJudged {
			feed: FeedId,
			round: RoundId,
			outliers: alloc::vec::Vec<T::AccountId>,
			silent: alloc::vec::Vec<T::AccountId>,
		},
		/// A data node reached the strike limit.
		DataNodeSlashed {
			data_node: T::AccountId,
			amount: BalanceOf<T>,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The feed's name is empty.
		EmptyName,
		/// The source URL is not an `http://` or `https://` URL.
		BadSourceUrl,
		/// The JSON path does not parse.
		BadJsonPath,
		/// More decimals than a feed value can hold.
		TooManyDecimals,
		/// The heartbeat is shorter or longer than the runtime allows.
		BadHeartbeat,
		/// `min_reporters` is zero or above the most data nodes there may be.
		BadMinReporters,
		/// As many feeds exist as the runtime allows.
		TooManyFeeds,
		/// No feed has this id.
		UnknownFeed,
		/// Only the feed's creator or the admin may do this.
		NotFeedOwner,
		/// The account cannot afford the deposit or the stake.
		InsufficientBalance,
		/// The account is a data node already.
		AlreadyDataNode,
		/// The account is not a data node.
		NotDataNode,
		/// The stake is below the minimum.
		StakeTooLow,
		/// As many data nodes are active as the runtime allows.
		TooManyDataNodes,
		/// The data node is unbonding: it reports no more.
		DataNodeUnbonding,
		/// The data node has not unregistered.
		NotUnbonding,
		/// The unbonding period has not passed.
		StillUnbonding,
		/// The report is for a round that is not the feed's open one.
		WrongRound,
		/// The data node has reported in this round already.
		AlreadyReported,
		/// The round holds as many reports as it can.
		TooManyReports,
		/// No more feed ids.
		IdsExhausted,
		/// The data node does not serve this feed.
		NotServingFeed,
		/// A feed is listed twice.
		DuplicateFeed,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			let ending = RoundEnds::<T>::take(now);
			let count = ending.len() as u32;
			for feed in ending {
				Self::end_round(feed, now);
			}
			T::WeightInfo::on_initialize(count)
		}

		fn offchain_worker(now: BlockNumberFor<T>) {
			offchain::run_data_node::<T>(now);
		}

		fn integrity_test() {
			assert!(
				T::UnbondingPeriod::get() > T::MaxHeartbeat::get(),
				"a data node must stay bonded until its last round is judged"
			);
			assert!(T::MinHeartbeat::get() > Zero::zero(), "a round lasts at least a block");
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Creates a feed and opens its first round. Signed callers leave
		/// [`Config::FeedDeposit`]; [`Config::AdminOrigin`] leaves nothing.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::create_feed())]
		pub fn create_feed(
			origin: OriginFor<T>,
			name: FeedName,
			source_url: SourceUrl,
			json_path: JsonPath,
			decimals: u8,
			heartbeat_blocks: BlockNumberFor<T>,
			min_reporters: u32,
		) -> DispatchResult {
			let owner = match T::AdminOrigin::try_origin(origin) {
				Ok(_) => None,
				Err(origin) => Some(ensure_signed(origin)?),
			};
			ensure!(!name.is_empty(), Error::<T>::EmptyName);
			let url_has_host = core::str::from_utf8(&source_url).is_ok_and(|url| {
				let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
				rest.is_some_and(|rest| !rest.is_empty())
			});
			ensure!(url_has_host, Error::<T>::BadSourceUrl);
			source::parse_path(&json_path).map_err(|_| Error::<T>::BadJsonPath)?;
			ensure!(decimals <= MAX_FEED_DECIMALS, Error::<T>::TooManyDecimals);
			ensure!(
				heartbeat_blocks >= T::MinHeartbeat::get()
					&& heartbeat_blocks <= T::MaxHeartbeat::get(),
				Error::<T>::BadHeartbeat
			);
			ensure!(
				min_reporters > 0 && min_reporters <= T::MaxDataNodes::get(),
				Error::<T>::BadMinReporters
			);
			ensure!(FeedCount::<T>::get() < T::MaxFeeds::get(), Error::<T>::TooManyFeeds);

			let feed = NextFeedId::<T>::get();
			NextFeedId::<T>::put(feed.checked_add(1).ok_or(Error::<T>::IdsExhausted)?);
			let deposit = match &owner {
				Some(owner) => {
					let deposit = T::FeedDeposit::get();
					T::Settlement::hold(owner, Bond::FeedDeposit, deposit)
						.map_err(|_| Error::<T>::InsufficientBalance)?;
					deposit
				},
				None => Zero::zero(),
			};
			let now = frame_system::Pallet::<T>::block_number();
			let record = Feed {
				name: name.clone(),
				source_url,
				json_path,
				decimals,
				heartbeat_blocks,
				min_reporters,
				owner: owner.clone(),
				deposit,
				created_at: now,
			};
			Self::open_round(feed, &record, 0, now)?;
			Feeds::<T>::insert(feed, record);
			FeedCount::<T>::mutate(|count| *count = count.saturating_add(1));
			Self::deposit_event(Event::FeedCreated { feed, owner, name });
			Ok(())
		}

		/// Retires a feed: its round is dropped unjudged, its value is gone,
		/// and its creator gets the deposit back.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::retire_feed())]
		pub fn retire_feed(origin: OriginFor<T>, feed: FeedId) -> DispatchResult {
			let caller = match T::AdminOrigin::try_origin(origin) {
				Ok(_) => None,
				Err(origin) => Some(ensure_signed(origin)?),
			};
			let record = Feeds::<T>::get(feed).ok_or(Error::<T>::UnknownFeed)?;
			if let Some(caller) = &caller {
				ensure!(record.owner.as_ref() == Some(caller), Error::<T>::NotFeedOwner);
			}
			if let Some(round) = Rounds::<T>::take(feed) {
				RoundEnds::<T>::mutate_exists(round.ends_at, |ending| {
					if let Some(feeds) = ending {
						feeds.retain(|other| *other != feed);
						if feeds.is_empty() {
							*ending = None;
						}
					}
				});
			}
			Self::drop_servers(feed);
			Latest::<T>::remove(feed);
			Feeds::<T>::remove(feed);
			FeedCount::<T>::mutate(|count| *count = count.saturating_sub(1));
			let refunded = match &record.owner {
				Some(owner) => T::Settlement::release(owner, Bond::FeedDeposit, record.deposit),
				None => Zero::zero(),
			};
			Self::deposit_event(Event::FeedRetired { feed, refunded });
			Ok(())
		}

		/// Registers the caller as a data node with `stake` held. It serves
		/// no feed until it chooses some with [`Pallet::serve_feeds`].
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::register_data_node())]
		pub fn register_data_node(origin: OriginFor<T>, stake: BalanceOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(!DataNodes::<T>::contains_key(&who), Error::<T>::AlreadyDataNode);
			ensure!(stake >= T::MinDataNodeStake::get(), Error::<T>::StakeTooLow);
			ActiveDataNodes::<T>::try_mutate(|active| active.try_push(who.clone()))
				.map_err(|_| Error::<T>::TooManyDataNodes)?;
			T::Settlement::hold(&who, Bond::DataNodeStake, stake)
				.map_err(|_| Error::<T>::InsufficientBalance)?;
			DataNodes::<T>::insert(
				&who,
				DataNode {
					stake,
					reputation: 0,
					strikes: 0,
					registered_at: frame_system::Pallet::<T>::block_number(),
					status: StakeStatus::Active,
				},
			);
			Self::deposit_event(Event::DataNodeRegistered { data_node: who, stake });
			Ok(())
		}

		/// Stops the caller reporting; its stake can be withdrawn after the
		/// unbonding period, once its last reports have been judged.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::unregister_data_node())]
		pub fn unregister_data_node(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let until = Self::start_unbonding(&who)?;
			Self::deposit_event(Event::DataNodeUnbonding { data_node: who, until });
			Ok(())
		}

		/// Returns an unbonded data node's stake and removes its record.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::withdraw_stake())]
		pub fn withdraw_stake(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let node = DataNodes::<T>::get(&who).ok_or(Error::<T>::NotDataNode)?;
			node.status
				.ensure_withdrawable(frame_system::Pallet::<T>::block_number())
				.map_err(Error::<T>::from)?;
			let stake = T::Settlement::release(&who, Bond::DataNodeStake, node.stake);
			DataNodes::<T>::remove(&who);
			Self::deposit_event(Event::DataNodeWithdrawn { data_node: who, stake });
			Ok(())
		}

		/// A data node's value for `feed` in `round` (the feed's open one).
		/// Free when it lands.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::report(T::MaxDataNodes::get()))]
		pub fn report(
			origin: OriginFor<T>,
			feed: FeedId,
			round: RoundId,
			value: FeedValue,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let node = DataNodes::<T>::get(&who).ok_or(Error::<T>::NotDataNode)?;
			ensure!(node.status.is_active(), Error::<T>::DataNodeUnbonding);
			let record = Feeds::<T>::get(feed).ok_or(Error::<T>::UnknownFeed)?;
			let mut open = Rounds::<T>::get(feed).ok_or(Error::<T>::UnknownFeed)?;
			ensure!(open.id == round, Error::<T>::WrongRound);
			ensure!(Self::serves(&who, feed), Error::<T>::NotServingFeed);
			ensure!(
				!open.reports.iter().any(|report| report.reporter == who),
				Error::<T>::AlreadyReported
			);
			open.reports
				.try_push(Report { reporter: who.clone(), value, stake: node.stake })
				.map_err(|_| Error::<T>::TooManyReports)?;
			Self::deposit_event(Event::Reported { feed, round, data_node: who, value });
			let reports = open.reports.len() as u32;
			if open.closed_with.is_none() && reports >= record.min_reporters {
				open.closed_with = Self::close_round(feed, &record, &open, true);
			}
			Rounds::<T>::insert(feed, open);
			Ok(frame_support::dispatch::PostDispatchInfo {
				actual_weight: Some(T::WeightInfo::report(reports)),
				pays_fee: Pays::No,
			})
		}

		/// Sets the feeds the calling data node serves: it reports in their
		/// rounds, and is judged for silence in those that open after it
		/// joined. Feeds it served before and does not list are left at once.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::serve_feeds(T::MaxFeeds::get()))]
		pub fn serve_feeds(
			origin: OriginFor<T>,
			feeds: BoundedVec<FeedId, T::MaxFeeds>,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let node = DataNodes::<T>::get(&who).ok_or(Error::<T>::NotDataNode)?;
			ensure!(node.status.is_active(), Error::<T>::DataNodeUnbonding);
			for (index, feed) in feeds.iter().enumerate() {
				ensure!(!feeds[..index].contains(feed), Error::<T>::DuplicateFeed);
				ensure!(Feeds::<T>::contains_key(feed), Error::<T>::UnknownFeed);
			}
			let changes = Self::set_served(&who, feeds.clone())?;
			Self::deposit_event(Event::FeedsServed { data_node: who, feeds: feeds.into_inner() });
			Ok(Some(T::WeightInfo::serve_feeds(changes)).into())
		}
	}
}

impl<T> From<StakeStepError> for Error<T> {
	fn from(error: StakeStepError) -> Self {
		match error {
			StakeStepError::AlreadyUnbonding => Error::DataNodeUnbonding,
			StakeStepError::NotUnbonding => Error::NotUnbonding,
			StakeStepError::StillUnbonding => Error::StillUnbonding,
		}
	}
}

impl<T: Config> Pallet<T> {
	/// Takes a data node out of the rounds and starts its unbonding period.
	fn start_unbonding(who: &T::AccountId) -> Result<BlockNumberFor<T>, DispatchError> {
		let mut node = DataNodes::<T>::get(who).ok_or(Error::<T>::NotDataNode)?;
		let until = node
			.status
			.start_unbonding(frame_system::Pallet::<T>::block_number(), T::UnbondingPeriod::get())
			.map_err(Error::<T>::from)?;
		ActiveDataNodes::<T>::mutate(|active| active.retain(|other| other != who));
		// A node that reports no more serves nothing.
		Self::set_served(who, Default::default())?;
		DataNodes::<T>::insert(who, node);
		Ok(until)
	}

	/// A feed, its open round and its latest value.
	pub fn feed_view(
		feed: FeedId,
	) -> Option<FeedView<T::AccountId, BalanceOf<T>, BlockNumberFor<T>>> {
		let record = Feeds::<T>::get(feed)?;
		let round = Rounds::<T>::get(feed).map(|round| RoundSummary {
			round: round.id,
			opened_at: round.opened_at,
			ends_at: round.ends_at,
			reports: round.reports.len() as u32,
			closed_with: round.closed_with,
		});
		Some(FeedView { feed: record, round, latest: Latest::<T>::get(feed) })
	}

	/// Feed ids from `start` on, at most `limit` (capped at
	/// [`MAX_FEEDS_PER_PAGE`]), in order.
	pub fn feed_ids(start: FeedId, limit: u32) -> alloc::vec::Vec<FeedId> {
		let mut ids: alloc::vec::Vec<FeedId> =
			Feeds::<T>::iter_keys().filter(|id| *id >= start).collect();
		ids.sort_unstable();
		ids.truncate(limit.min(MAX_FEEDS_PER_PAGE) as usize);
		ids
	}
}

impl<T: Config> DataFeeds<BlockNumberFor<T>> for Pallet<T> {
	fn latest(feed: FeedId) -> Result<FeedReading<BlockNumberFor<T>>, FeedError> {
		if !Feeds::<T>::contains_key(feed) {
			return Err(FeedError::Unknown);
		}
		Latest::<T>::get(feed).ok_or(FeedError::NoValue)
	}
}
