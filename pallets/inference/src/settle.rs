//! Settling a request: paying an accepted result, slashing a proven fraud,
//! refunding what nobody could run, and closing the request's books.

use frame_support::pallet_prelude::*;
use sp_runtime::traits::Saturating;
use veritas_primitives::{
	inference::{InferenceHooks, Verdict},
	settlement::{Bond, RequestId, Settlement},
};

use crate::{
	BalanceOf, Config, Error, Event, Executors, OpenRequests, Pallet, PendingWork, Queue,
	RequestOf, RequestStatus, Requests, Settled,
};

impl<T: Config> Pallet<T> {
	/// Settles an accepted result: pays everyone and closes the request. An
	/// accepted report that the request could not be run settles as
	/// unrunnable, with the executor paid for its attempt.
	pub(crate) fn accept(
		request: RequestId,
		mut record: RequestOf<T>,
		verifiers: alloc::vec::Vec<T::AccountId>,
	) -> DispatchResult {
		if record.result.as_ref().is_some_and(|result| result.reported.is_some()) {
			return Self::settle_unrunnable(request, record, verifiers, true);
		}
		let executor = Self::assigned_executor(&record)?;
		let (model_cost, covered) = Self::result_cost(&record, &verifiers);
		let payouts = T::Settlement::pay_accepted(
			request,
			&executor,
			&record.publisher,
			model_cost,
			&verifiers[..covered],
		)?;
		Executors::<T>::mutate(&executor, |maybe| {
			if let Some(executor) = maybe {
				executor.reputation = executor.reputation.saturating_add(1);
			}
		});
		Self::close(request, &mut record, RequestStatus::Accepted, Some(Settled::Paid(payouts)));
		Self::deposit_event(Event::RequestAccepted { request });
		Ok(())
	}

	/// What the model charges for the result's tokens, and how many of
	/// `verifiers` the fee paid for: the policy's committee and no more
	/// (verifiers beyond it, an optimistic policy's say, are paid from
	/// slashes, not escrow).
	pub(crate) fn result_cost(
		record: &RequestOf<T>,
		verifiers: &[T::AccountId],
	) -> (BalanceOf<T>, usize) {
		let tokens = record.result.as_ref().map_or(0, |result| result.generated_tokens);
		let covered = verifiers.len().min(Self::committee_size(&record.policy) as usize);
		(Self::model_cost(&record.pricing, tokens), covered)
	}

	/// Settles a request nobody could run: the verifiers get their fees (as
	/// many as the policy's committee paid for), the requester the rest.
	/// Nobody is slashed. When the executor reported it (`reported`), and the
	/// verifiers agreed, it is paid the model's per-request price for its
	/// attempt, which the requester's input or model choice cost it;
	/// otherwise (it posted an output nobody could check) it gets nothing.
	pub(crate) fn settle_unrunnable(
		request: RequestId,
		record: RequestOf<T>,
		verifiers: alloc::vec::Vec<T::AccountId>,
		reported: bool,
	) -> DispatchResult {
		Self::refund_less_checks(request, record, verifiers, reported, RequestStatus::Unrunnable)?;
		Self::deposit_event(Event::RequestUnrunnable { request });
		Ok(())
	}

	/// Settles a result too few verifiers answered for: as an unrunnable
	/// request the executor did not report, since nothing was proven either
	/// way and the requester paid for a verified result it did not get.
	pub(crate) fn settle_unverified(
		request: RequestId,
		record: RequestOf<T>,
		verifiers: alloc::vec::Vec<T::AccountId>,
	) -> DispatchResult {
		Self::refund_less_checks(request, record, verifiers, false, RequestStatus::Unverified)?;
		Self::deposit_event(Event::RequestUnverified { request });
		Ok(())
	}

	/// Pays `verifiers` their fees (as many as the policy paid for) and, when
	/// `reported`, the executor its per-request price; refunds the rest and
	/// closes the request as `status`.
	fn refund_less_checks(
		request: RequestId,
		mut record: RequestOf<T>,
		verifiers: alloc::vec::Vec<T::AccountId>,
		reported: bool,
		status: RequestStatus,
	) -> DispatchResult {
		let executor = Self::assigned_executor(&record)?;
		let (model_cost, covered) = Self::result_cost(&record, &verifiers);
		let time = reported.then_some((&executor, record.pricing.per_request));
		let payouts =
			T::Settlement::pay_unrunnable(request, model_cost, &verifiers[..covered], time)?;
		Self::close(request, &mut record, status, Some(Settled::Paid(payouts)));
		Ok(())
	}

	/// Settles a proven fraud: slashes the executor, refunds the requester.
	pub(crate) fn reject(
		request: RequestId,
		mut record: RequestOf<T>,
		challenger: Option<T::AccountId>,
		verifiers: alloc::vec::Vec<T::AccountId>,
	) -> DispatchResult {
		let executor = Self::assigned_executor(&record)?;
		let stake = T::Settlement::held(&executor, Bond::ExecutorStake);
		let slash = T::FraudSlash::get() * stake;
		let payouts = T::Settlement::punish_fraud(
			request,
			&executor,
			slash,
			challenger.as_ref(),
			&verifiers,
		)?;
		Self::penalise(&executor, payouts.slashed);
		Self::close(request, &mut record, RequestStatus::Rejected, Some(Settled::Fraud(payouts)));
		Self::deposit_event(Event::RequestRejected { request });
		Ok(())
	}

	/// Lowers an executor's recorded stake and reputation after a slash, and
	/// retires it from assignment if its stake fell below the minimum.
	pub(crate) fn penalise(who: &T::AccountId, slashed: BalanceOf<T>) {
		let below_minimum = Executors::<T>::mutate(who, |maybe| {
			let Some(executor) = maybe else { return false };
			executor.stake = executor.stake.saturating_sub(slashed);
			executor.reputation = executor.reputation.saturating_sub(1);
			executor.status.is_active() && executor.stake < T::MinExecutorStake::get()
		});
		if below_minimum {
			let _ = Self::start_unbonding(who);
		}
	}

	/// The executor a request under way was assigned to.
	pub(crate) fn assigned_executor(record: &RequestOf<T>) -> Result<T::AccountId, DispatchError> {
		record.executor.clone().ok_or_else(|| Error::<T>::NotAssigned.into())
	}

	/// Marks a request final: it no longer counts as open for its executor
	/// (if it had one) and model, and it is queued for pruning.
	pub(crate) fn close(
		request: RequestId,
		record: &mut RequestOf<T>,
		status: RequestStatus,
		settled: Option<Settled<BalanceOf<T>>>,
	) {
		let now = frame_system::Pallet::<T>::block_number();
		if let Some(executor) = &record.executor {
			PendingWork::<T>::remove(executor, request);
			Executors::<T>::mutate(executor, |maybe| {
				if let Some(executor) = maybe {
					executor.open = executor.open.saturating_sub(1);
				}
			});
		}
		OpenRequests::<T>::mutate_exists(record.model, |open| {
			*open = open.map(|count| count.saturating_sub(1)).filter(|count| *count > 0);
		});
		// A request settled before its deadline gives its deadline slot back,
		// so that settled (or cancelled) requests cannot crowd others out of
		// a deadline.
		if record.deadline > now {
			Queue::<T>::mutate(record.deadline, |queue| queue.retain(|queued| *queued != request));
		}
		record.status = status;
		record.settled = settled;
		record.finished_at = Some(now);
		Requests::<T>::insert(request, &*record);
		Self::queue_for_pruning(request, now.saturating_add(T::RetentionPeriod::get()));
	}
}

impl<T: Config> InferenceHooks<T::AccountId> for Pallet<T> {
	fn on_verdict(request: RequestId, verdict: Verdict<T::AccountId>) -> DispatchResult {
		let record = Requests::<T>::get(request).ok_or(Error::<T>::UnknownRequest)?;
		ensure!(record.status == RequestStatus::Submitted, Error::<T>::NotAwaitingVerdict);
		match verdict {
			Verdict::Accepted { verifiers } => Self::accept(request, record, verifiers),
			Verdict::Fraud { challenger, verifiers } => {
				Self::reject(request, record, challenger, verifiers)
			},
			Verdict::Unrunnable { verifiers } => {
				Self::settle_unrunnable(request, record, verifiers, false)
			},
			Verdict::Unverified { verifiers } => {
				Self::settle_unverified(request, record, verifiers)
			},
		}
	}
}
