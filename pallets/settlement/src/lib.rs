//! # pallet-settlement: where the money goes
//!
//! Every VRT that moves because of an inference moves here, and only here:
//! the inference and verification pallets call the [`Settlement`] trait,
//! which this pallet implements; they never touch balances themselves. That
//! keeps one place to audit, and one invariant to check: settlement never
//! creates or destroys funds, it only moves them between accounts (the
//! treasury is one) and in and out of holds.
//!
//! ## Holds
//!
//! Funds are never transferred to a pallet account while they wait; they
//! stay in their owner's account under a `fungible` hold with a reason:
//!
//! - [`HoldReason::RequestEscrow`]: a requester's `max_fee`, from the request
//!   until it settles. Each request's escrow is recorded in [`Escrows`].
//! - [`HoldReason::ExecutorStake`], [`HoldReason::VerifierStake`]: what an
//!   executor or verifier risks.
//! - [`HoldReason::ChallengeBond`]: what a challenger of an optimistic result
//!   risks.
//! - [`HoldReason::DataNodeStake`], [`HoldReason::FeedDeposit`]: what a data
//!   node risks, and what a feed's creator leaves until the feed is retired.
//! - [`HoldReason::SubscriptionBudget`]: the `max_fee` of each run a
//!   subscription has still to make; each run's share moves into its
//!   request's escrow as the run is made.
//!
//! ## Settling a request
//!
//! Let `c` be the model's cost for the request (its price per request plus
//! per generated token). A requester's fee must cover
//! `c + n × VerifierFeeRate × c + ProtocolFeeRate × c` for a committee of
//! `n` verifiers ([`Settlement::quote`]).
//!
//! - **Accepted** ([`Settlement::pay_accepted`]): from the escrow, the
//!   publisher gets `PublisherRoyalty × c`, the executor the rest of `c`,
//!   each attesting verifier `VerifierFeeRate × c`, the treasury
//!   `ProtocolFeeRate × c`; whatever is left returns to the requester.
//! - **Refunded** ([`Settlement::refund`]): expired requests get their whole
//!   escrow back.
//! - **Unrunnable** ([`Settlement::pay_unrunnable`]): the verifiers who found
//!   the request could not be run get their fees; an executor that reported
//!   so itself gets the model's per-request price for its attempt; the rest
//!   goes back to the payer. The publisher gets nothing.
//! - **Fraud** ([`Settlement::punish_fraud`]): the requester gets the whole
//!   escrow back; the executor loses part of its stake, of which the
//!   challenger gets `ChallengerReward`, the verifiers share
//!   `VerifierReward`, and the treasury takes the rest.
//!
//! Rounding always favours the requester (refund) or the treasury (slashes),
//! never creates value. A payout its recipient cannot receive (below the
//! existential deposit, to an account that was reaped) goes to the treasury,
//! so no settlement ever fails for it.
//!
//! This pallet has no calls of its own: its work is weighed in the calls of
//! the pallets that use it.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

use frame_support::{
	pallet_prelude::*,
	traits::{
		fungible::{Inspect, InspectHold, Mutate, MutateHold},
		tokens::{DepositConsequence, Fortitude, Precision, Provenance, Restriction},
	},
};
use sp_runtime::{
	traits::{Saturating, Zero},
	DispatchError, Perbill,
};
use veritas_primitives::settlement::{
	Beneficiary, Bond, FeeQuote, FraudPayouts, Payouts, RequestId, Settlement,
};

/// The balance type of the settlement currency.
pub type BalanceOf<T> =
	<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;

/// A request's escrow: who paid, and how much is held.
#[derive(Clone, PartialEq, Eq, Debug)]
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct Escrow<AccountId, Balance> {
	pub payer: AccountId,
	pub amount: Balance,
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
	pub trait Config: frame_system::Config {
		/// The overarching event type.
		#[allow(deprecated)]
		type RuntimeEvent: From<Event<Self>> + IsType<<Self as frame_system::Config>::RuntimeEvent>;

		/// The currency everything is paid in.
		type Currency: Mutate<Self::AccountId>
			+ MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;

		/// The runtime's hold reasons, which include this pallet's.
		type RuntimeHoldReason: From<HoldReason>;

		/// The treasury's account: it receives protocol fees and slashes.
		type Treasury: Get<Self::AccountId>;

		/// The publisher's share of the model's cost.
		#[pallet::constant]
		type PublisherRoyalty: Get<Perbill>;

		/// Each verifier's fee, as a share of the model's cost.
		#[pallet::constant]
		type VerifierFeeRate: Get<Perbill>;

		/// The treasury's fee, as a share of the model's cost.
		#[pallet::constant]
		type ProtocolFeeRate: Get<Perbill>;

		/// The challenger's share of a fraudulent executor's slash.
		#[pallet::constant]
		type ChallengerReward: Get<Perbill>;

		/// The verifiers' share (split evenly) of a fraudulent executor's slash.
		#[pallet::constant]
		type VerifierReward: Get<Perbill>;
	}

	/// Why funds are held.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A requester's fee, until the request settles.
		#[codec(index = 0)]
		RequestEscrow,
		/// An executor's stake.
		#[codec(index = 1)]
		ExecutorStake,
		/// A verifier's stake.
		#[codec(index = 2)]
		VerifierStake,
		/// A challenger's bond.
		#[codec(index = 3)]
		ChallengeBond,
		/// A data node's stake.
		#[codec(index = 4)]
		DataNodeStake,
		/// A feed creator's deposit.
		#[codec(index = 5)]
		FeedDeposit,
		/// A subscription's budget for its runs still to come.
		#[codec(index = 6)]
		SubscriptionBudget,
	}

	/// The escrow of every request that has not settled.
	#[pallet::storage]
	pub type Escrows<T: Config> =
		StorageMap<_, Twox64Concat, RequestId, Escrow<T::AccountId, BalanceOf<T>>>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		#[serde(skip)]
		pub _config: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		/// The treasury must exist to receive amounts below the existential
		/// deposit, so it starts with exactly that.
		fn build(&self) {
			let treasury = T::Treasury::get();
			let minimum = T::Currency::minimum_balance();
			let balance = T::Currency::balance(&treasury);
			if balance < minimum {
				let _ = T::Currency::mint_into(&treasury, minimum.saturating_sub(balance));
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A request's fee went into escrow.
		Escrowed { request: RequestId, payer: T::AccountId, amount: BalanceOf<T> },
		/// A request's whole escrow went back to its payer.
		Refunded { request: RequestId, payer: T::AccountId, amount: BalanceOf<T> },
		/// An accepted request was paid out.
		Paid { request: RequestId, payouts: Payouts<BalanceOf<T>> },
		/// A fraudulent request was settled against its executor.
		FraudSettled {
			request: RequestId,
			executor: T::AccountId,
			payouts: FraudPayouts<BalanceOf<T>>,
		},
		/// Funds were held as a stake or bond.
		Held { who: T::AccountId, bond: Bond, amount: BalanceOf<T> },
		/// A stake or bond was released.
		Released { who: T::AccountId, bond: Bond, amount: BalanceOf<T> },
		/// A payout `intended` could not receive (it would stay below the
		/// existential deposit) went to the treasury instead.
		PaidToTreasury { intended: T::AccountId, amount: BalanceOf<T> },
		/// A stake or bond was slashed; `to` is `None` for the treasury.
		Slashed { who: T::AccountId, bond: Bond, amount: BalanceOf<T>, to: Option<T::AccountId> },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The request already has an escrow.
		EscrowExists,
		/// The request has no escrow.
		UnknownEscrow,
		/// The escrow does not cover what the request costs.
		EscrowTooSmall,
		/// The account cannot afford to hold that much.
		InsufficientBalance,
		/// Nothing to hold.
		ZeroAmount,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<frame_system::pallet_prelude::BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			let slash_shares = T::ChallengerReward::get().deconstruct() as u64
				+ T::VerifierReward::get().deconstruct() as u64;
			assert!(
				slash_shares <= Perbill::one().deconstruct() as u64,
				"a slash cannot pay out more than itself"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(
			_: frame_system::pallet_prelude::BlockNumberFor<T>,
		) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}
}

impl From<Bond> for HoldReason {
	fn from(bond: Bond) -> Self {
		match bond {
			Bond::ExecutorStake => HoldReason::ExecutorStake,
			Bond::VerifierStake => HoldReason::VerifierStake,
			Bond::ChallengeBond => HoldReason::ChallengeBond,
			Bond::DataNodeStake => HoldReason::DataNodeStake,
			Bond::FeedDeposit => HoldReason::FeedDeposit,
			Bond::SubscriptionBudget => HoldReason::SubscriptionBudget,
		}
	}
}

/// Who, besides the verifiers, a request's escrow pays.
#[derive(Clone, Copy)]
enum Payees<'a, AccountId, Balance> {
	/// The model ran: its executor and its publisher share the model's cost.
	Ran { executor: &'a AccountId, publisher: &'a AccountId },
	/// Nobody could run it: the executor is paid for its time when it said
	/// so itself.
	Unrunnable { time: Option<(&'a AccountId, Balance)> },
}

impl<T: Config> Pallet<T> {
	fn reason(reason: HoldReason) -> T::RuntimeHoldReason {
		reason.into()
	}

	/// Moves `amount` from `from`'s hold to `to`'s free balance. Amounts of
	/// zero are skipped. An amount `to` cannot receive (below the
	/// existential deposit of an account that no longer exists, say) goes
	/// to the treasury instead: a payout that cannot land must never stop a
	/// settlement, or a verdict would stay unsettled and its funds held.
	fn pay_from_hold(
		reason: HoldReason,
		from: &T::AccountId,
		to: &T::AccountId,
		amount: BalanceOf<T>,
	) -> Result<BalanceOf<T>, DispatchError> {
		if amount.is_zero() {
			return Ok(amount);
		}
		let treasury = T::Treasury::get();
		let to = if to != &treasury
			&& T::Currency::can_deposit(to, amount, Provenance::Extant)
				!= DepositConsequence::Success
		{
			Self::deposit_event(Event::PaidToTreasury { intended: to.clone(), amount });
			&treasury
		} else {
			to
		};
		T::Currency::transfer_on_hold(
			&Self::reason(reason),
			from,
			to,
			amount,
			Precision::Exact,
			Restriction::Free,
			Fortitude::Force,
		)
	}

	/// Pays a request out of its escrow: each verifier its fee and, when the
	/// model ran ([`Payees::Ran`]), the model's cost and the protocol fee, or
	/// when it could not, the executor's time if it reported so; the rest
	/// goes back to the payer. All of it or none of it, also when called
	/// outside a transaction (from a hook).
	fn pay_out(
		request: RequestId,
		payees: Payees<'_, T::AccountId, BalanceOf<T>>,
		model_cost: BalanceOf<T>,
		verifiers: &[T::AccountId],
	) -> Result<Payouts<BalanceOf<T>>, DispatchError> {
		frame_support::storage::with_storage_layer(|| {
			let escrow = Escrows::<T>::get(request).ok_or(Error::<T>::UnknownEscrow)?;
			let quote = Self::split(model_cost, verifiers.len() as u32);
			let per_verifier = T::VerifierFeeRate::get() * model_cost;
			let (executor, royalty, treasury, total) = match payees {
				Payees::Ran { .. } => {
					let royalty = T::PublisherRoyalty::get() * model_cost;
					(model_cost.saturating_sub(royalty), royalty, quote.protocol, quote.total)
				},
				Payees::Unrunnable { time } => {
					let time = time.map_or(Zero::zero(), |(_, amount)| amount);
					(time, Zero::zero(), Zero::zero(), quote.verification.saturating_add(time))
				},
			};
			ensure!(total <= escrow.amount, Error::<T>::EscrowTooSmall);
			let payouts = Payouts {
				executor,
				royalty,
				per_verifier,
				verifiers: verifiers.len() as u32,
				treasury,
				refund: escrow.amount.saturating_sub(total),
			};

			let escrow_reason = HoldReason::RequestEscrow;
			match payees {
				Payees::Ran { executor, publisher } => {
					Self::pay_from_hold(escrow_reason, &escrow.payer, executor, payouts.executor)?;
					Self::pay_from_hold(escrow_reason, &escrow.payer, publisher, payouts.royalty)?;
				},
				Payees::Unrunnable { time: Some((executor, _)) } => {
					Self::pay_from_hold(escrow_reason, &escrow.payer, executor, payouts.executor)?;
				},
				Payees::Unrunnable { time: None } => {},
			}
			for verifier in verifiers {
				Self::pay_from_hold(escrow_reason, &escrow.payer, verifier, per_verifier)?;
			}
			Self::pay_from_hold(
				escrow_reason,
				&escrow.payer,
				&T::Treasury::get(),
				payouts.treasury,
			)?;
			T::Currency::release(
				&Self::reason(escrow_reason),
				&escrow.payer,
				payouts.refund,
				Precision::Exact,
			)?;
			Escrows::<T>::remove(request);

			Self::deposit_event(Event::Paid { request, payouts });
			Ok(payouts)
		})
	}

	/// The model cost's parts for `committee_size` verifiers.
	fn split(model_cost: BalanceOf<T>, committee_size: u32) -> FeeQuote<BalanceOf<T>> {
		let per_verifier = T::VerifierFeeRate::get() * model_cost;
		let verification = per_verifier.saturating_mul(committee_size.into());
		let protocol = T::ProtocolFeeRate::get() * model_cost;
		FeeQuote {
			model: model_cost,
			verification,
			protocol,
			total: model_cost.saturating_add(verification).saturating_add(protocol),
		}
	}

	/// Checks that every payer's escrow hold equals the sum of its recorded
	/// escrows, and that the treasury exists.
	#[cfg(any(feature = "try-runtime", feature = "std"))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		use alloc::collections::btree_map::BTreeMap;

		let mut escrowed: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		for (_, escrow) in Escrows::<T>::iter() {
			let total = escrowed.entry(escrow.payer).or_insert_with(Zero::zero);
			*total = total.saturating_add(escrow.amount);
		}
		for (payer, total) in escrowed {
			let held =
				T::Currency::balance_on_hold(&Self::reason(HoldReason::RequestEscrow), &payer);
			ensure!(held == total, "escrow hold differs from the recorded escrows");
		}
		ensure!(
			!T::Currency::balance(&T::Treasury::get()).is_zero(),
			"the treasury account does not exist"
		);
		Ok(())
	}
}

impl<T: Config> Settlement<T::AccountId, BalanceOf<T>> for Pallet<T> {
	fn quote(model_cost: BalanceOf<T>, committee_size: u32) -> FeeQuote<BalanceOf<T>> {
		Self::split(model_cost, committee_size)
	}

	fn escrow(request: RequestId, payer: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		ensure!(!Escrows::<T>::contains_key(request), Error::<T>::EscrowExists);
		ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
		T::Currency::hold(&Self::reason(HoldReason::RequestEscrow), payer, amount)
			.map_err(|_| Error::<T>::InsufficientBalance)?;
		Escrows::<T>::insert(request, Escrow { payer: payer.clone(), amount });
		Self::deposit_event(Event::Escrowed { request, payer: payer.clone(), amount });
		Ok(())
	}

	fn refund(request: RequestId) -> Result<BalanceOf<T>, DispatchError> {
		let escrow = Escrows::<T>::take(request).ok_or(Error::<T>::UnknownEscrow)?;
		let refunded = T::Currency::release(
			&Self::reason(HoldReason::RequestEscrow),
			&escrow.payer,
			escrow.amount,
			Precision::Exact,
		)?;
		Self::deposit_event(Event::Refunded { request, payer: escrow.payer, amount: refunded });
		Ok(refunded)
	}

	fn pay_accepted(
		request: RequestId,
		executor: &T::AccountId,
		publisher: &T::AccountId,
		model_cost: BalanceOf<T>,
		verifiers: &[T::AccountId],
	) -> Result<Payouts<BalanceOf<T>>, DispatchError> {
		Self::pay_out(request, Payees::Ran { executor, publisher }, model_cost, verifiers)
	}

	fn pay_unrunnable(
		request: RequestId,
		model_cost: BalanceOf<T>,
		verifiers: &[T::AccountId],
		time: Option<(&T::AccountId, BalanceOf<T>)>,
	) -> Result<Payouts<BalanceOf<T>>, DispatchError> {
		Self::pay_out(request, Payees::Unrunnable { time }, model_cost, verifiers)
	}

	fn punish_fraud(
		request: RequestId,
		executor: &T::AccountId,
		slash: BalanceOf<T>,
		challenger: Option<&T::AccountId>,
		verifiers: &[T::AccountId],
	) -> Result<FraudPayouts<BalanceOf<T>>, DispatchError> {
		frame_support::storage::with_storage_layer(|| {
			let refund = Self::refund(request)?;

			let stake = HoldReason::ExecutorStake;
			let slashed = slash.min(Self::held(executor, Bond::ExecutorStake));
			let challenger_cut = match challenger {
				Some(_) => T::ChallengerReward::get() * slashed,
				None => Zero::zero(),
			};
			let (per_verifier, verifier_total) = if verifiers.is_empty() {
				(Zero::zero(), Zero::zero())
			} else {
				let count = BalanceOf::<T>::from(verifiers.len() as u32);
				let pool = T::VerifierReward::get() * slashed;
				let per_verifier = pool / count;
				(per_verifier, per_verifier.saturating_mul(count))
			};
			let treasury = slashed.saturating_sub(challenger_cut).saturating_sub(verifier_total);

			if let Some(challenger) = challenger {
				Self::pay_from_hold(stake, executor, challenger, challenger_cut)?;
			}
			for verifier in verifiers {
				Self::pay_from_hold(stake, executor, verifier, per_verifier)?;
			}
			Self::pay_from_hold(stake, executor, &T::Treasury::get(), treasury)?;

			let payouts = FraudPayouts {
				slashed,
				refund,
				challenger: challenger_cut,
				per_verifier,
				verifiers: verifiers.len() as u32,
				treasury,
			};
			Self::deposit_event(Event::FraudSettled {
				request,
				executor: executor.clone(),
				payouts,
			});
			Ok(payouts)
		})
	}

	fn hold(who: &T::AccountId, bond: Bond, amount: BalanceOf<T>) -> DispatchResult {
		ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
		T::Currency::hold(&Self::reason(bond.into()), who, amount)
			.map_err(|_| Error::<T>::InsufficientBalance)?;
		Self::deposit_event(Event::Held { who: who.clone(), bond, amount });
		Ok(())
	}

	fn release(who: &T::AccountId, bond: Bond, amount: BalanceOf<T>) -> BalanceOf<T> {
		let released =
			T::Currency::release(&Self::reason(bond.into()), who, amount, Precision::BestEffort)
				.unwrap_or_else(|_| Zero::zero());
		if !released.is_zero() {
			Self::deposit_event(Event::Released { who: who.clone(), bond, amount: released });
		}
		released
	}

	fn slash(
		who: &T::AccountId,
		bond: Bond,
		amount: BalanceOf<T>,
		to: Beneficiary<T::AccountId>,
	) -> BalanceOf<T> {
		let amount = amount.min(Self::held(who, bond));
		let destination = match &to {
			Beneficiary::Treasury => T::Treasury::get(),
			Beneficiary::Account(account) => account.clone(),
		};
		let slashed = Self::pay_from_hold(bond.into(), who, &destination, amount)
			.unwrap_or_else(|_| Zero::zero());
		if !slashed.is_zero() {
			let to = match to {
				Beneficiary::Treasury => None,
				Beneficiary::Account(account) => Some(account),
			};
			Self::deposit_event(Event::Slashed { who: who.clone(), bond, amount: slashed, to });
		}
		slashed
	}

	fn held(who: &T::AccountId, bond: Bond) -> BalanceOf<T> {
		T::Currency::balance_on_hold(&Self::reason(bond.into()), who)
	}
}

/// Settlement in a pallet's test runtime `$runtime`, whose `Balances`,
/// `RuntimeEvent`, `RuntimeHoldReason` and `AccountId` are in scope: the
/// shares every pallet's tests reckon with (royalty 10%, 20% of the price
/// to each verifier, 5% to the protocol; 30% of a slash to the challenger
/// and 30% to the verifiers), and `$treasury` as the treasury.
#[macro_export]
macro_rules! impl_test_config {
	($runtime:ty, $treasury:expr) => {
		frame_support::parameter_types! {
			pub const Treasury: AccountId = $treasury;
			pub const PublisherRoyalty: sp_runtime::Perbill = sp_runtime::Perbill::from_percent(10);
			pub const VerifierFeeRate: sp_runtime::Perbill = sp_runtime::Perbill::from_percent(20);
			pub const ProtocolFeeRate: sp_runtime::Perbill = sp_runtime::Perbill::from_percent(5);
			pub const ChallengerReward: sp_runtime::Perbill = sp_runtime::Perbill::from_percent(30);
			pub const VerifierReward: sp_runtime::Perbill = sp_runtime::Perbill::from_percent(30);
		}

		impl $crate::Config for $runtime {
			type RuntimeEvent = RuntimeEvent;
			type Currency = Balances;
			type RuntimeHoldReason = RuntimeHoldReason;
			type Treasury = Treasury;
			type PublisherRoyalty = PublisherRoyalty;
			type VerifierFeeRate = VerifierFeeRate;
			type ProtocolFeeRate = ProtocolFeeRate;
			type ChallengerReward = ChallengerReward;
			type VerifierReward = VerifierReward;
		}
	};
}
