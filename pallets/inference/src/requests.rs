//! Making a request: for a requester's own call, and for another pallet
//! making requests on a requester's behalf ([`InferenceRequests`], how each
//! run of a subscription becomes an ordinary request).

use frame_support::{
	ensure,
	pallet_prelude::{Get, Weight},
	storage::{with_storage_layer, with_transaction, TransactionOutcome},
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::{traits::Saturating, DispatchError, DispatchResult};
use veritas_primitives::{
	inference::{InferenceParams, RequestInput},
	model::{ModelId, ModelInspect},
	settlement::{RequestId, Settlement},
	subscription::{InferenceRequests, RequestRefused, RequestSpec},
};

use crate::{
	BalanceOf, Config, Error, Event, NextRequestId, OpenRequests, Pallet, Queue, Request,
	RequestStatus, Requests, WaitingLines, WeightInfo,
};

impl<T: Config> Pallet<T> {
	/// Makes a request of `requester`'s, as [`Pallet::request_inference`]
	/// describes, and returns its id and the weight it took. Writes before
	/// an error are left to the caller's storage layer to undo.
	pub(crate) fn make_request(
		requester: T::AccountId,
		model: ModelId,
		input: RequestInput,
		params: InferenceParams,
		max_fee: BalanceOf<T>,
		deadline: BlockNumberFor<T>,
	) -> Result<(RequestId, Weight), DispatchError> {
		let record = T::Models::model(model).ok_or(Error::<T>::UnknownModel)?;
		let quote = Self::quote_for(&record, &params)?;
		let (input, feed) = Self::resolve_input(input, &record.task)?;
		let now = frame_system::Pallet::<T>::block_number();
		// The model's own minimum: enough to fetch and run it, so that no
		// requester can set a deadline its executor cannot meet.
		let shortest = T::MinDeadline::get().max(record.policy.min_deadline);
		ensure!(
			deadline >= now.saturating_add(shortest)
				&& deadline <= now.saturating_add(T::MaxDeadline::get()),
			Error::<T>::BadDeadline
		);
		ensure!(max_fee >= quote.total, Error::<T>::FeeTooLow);

		let request = NextRequestId::<T>::get();
		NextRequestId::<T>::put(request.checked_add(1).ok_or(Error::<T>::IdsExhausted)?);
		// Nobody overtakes a waiting line: capacity freed during a block
		// goes to its head at the next block's start.
		let (executor, listed) = if WaitingLines::<T>::decode_len(model).unwrap_or(0) > 0 {
			(None, 0)
		} else {
			let mut candidates = Self::candidates(model);
			ensure!(candidates.anyone_but(&requester), Error::<T>::NoExecutorAvailable);
			(Self::draw(&mut candidates, request, &requester), candidates.listed)
		};
		Queue::<T>::try_mutate(deadline, |queue| queue.try_push(request))
			.map_err(|_| Error::<T>::QueueFull)?;
		T::Settlement::escrow(request, &requester, max_fee)
			.map_err(|_| Error::<T>::InsufficientBalance)?;

		OpenRequests::<T>::mutate(model, |open| *open = open.saturating_add(1));
		// Without an executor until one is assigned, here or from the line.
		let mut made = Request {
			requester: requester.clone(),
			model,
			executor: None,
			publisher: record.owner,
			input,
			feed,
			params,
			max_fee,
			pricing: record.pricing,
			policy: record.policy,
			task: record.task,
			created: now,
			deadline,
			status: RequestStatus::Waiting,
			result: None,
			settled: None,
			finished_at: None,
		};
		let Some(executor) = executor else {
			let place = Self::join_line(model, request, T::Models::terms(model))?;
			Requests::<T>::insert(request, made);
			Self::deposit_event(Event::RequestWaiting {
				request,
				requester,
				model,
				max_fee,
				deadline,
				place,
			});
			return Ok((request, T::WeightInfo::request_waiting(listed)));
		};
		Self::assign(request, &mut made, executor.clone());
		Requests::<T>::insert(request, made);
		Self::deposit_event(Event::RequestCreated {
			request,
			requester,
			model,
			executor,
			max_fee,
			deadline,
		});
		Ok((request, T::WeightInfo::request_inference(listed)))
	}

	/// `spec`'s request, due `deadline_after` blocks from now.
	fn make_request_now(
		requester: &T::AccountId,
		spec: &RequestSpec<BalanceOf<T>, BlockNumberFor<T>>,
	) -> Result<RequestId, DispatchError> {
		let deadline =
			frame_system::Pallet::<T>::block_number().saturating_add(spec.deadline_after);
		let (request, _) = Self::make_request(
			requester.clone(),
			spec.model,
			spec.input.clone(),
			spec.params,
			spec.max_fee,
			deadline,
		)?;
		Ok(request)
	}

	/// The most weight [`Pallet::make_request`] takes.
	pub(crate) fn request_weight_bound() -> Weight {
		let most = T::MaxExecutorsPerModel::get();
		T::WeightInfo::request_inference(most).max(T::WeightInfo::request_waiting(most))
	}

	/// Tells a refusal that passes from one that lasts: what a subscription
	/// needs to know of a run the chain could not make.
	fn refusal(error: DispatchError) -> RequestRefused {
		let is = |expected: Error<T>| error == DispatchError::from(expected);
		if is(Error::<T>::NoExecutorAvailable) {
			RequestRefused::NoExecutorAvailable
		} else if is(Error::<T>::WaitingLineFull)
			|| is(Error::<T>::QueueFull)
			|| is(Error::<T>::InsufficientBalance)
			|| is(Error::<T>::IdsExhausted)
		{
			RequestRefused::Busy
		} else if is(Error::<T>::StaleFeed) || is(Error::<T>::FeedHasNoValue) {
			RequestRefused::FeedNotReady
		} else if is(Error::<T>::UnknownModel) || is(Error::<T>::ModelNotActive) {
			RequestRefused::ModelUnavailable
		} else if is(Error::<T>::FeeTooLow) {
			RequestRefused::FeeTooLow
		} else if is(Error::<T>::UnknownFeed) {
			RequestRefused::FeedUnavailable
		} else {
			RequestRefused::NoLongerValid
		}
	}
}

impl<T: Config> InferenceRequests<T::AccountId, BalanceOf<T>, BlockNumberFor<T>> for Pallet<T> {
	fn check(
		requester: &T::AccountId,
		spec: &RequestSpec<BalanceOf<T>, BlockNumberFor<T>>,
	) -> DispatchResult {
		// The very request, made and undone: no rule is written twice.
		with_transaction(|| {
			let made = Self::make_request_now(requester, spec).map(|_| ());
			TransactionOutcome::Rollback(Ok::<_, DispatchError>(made))
		})?
	}

	fn request(
		requester: &T::AccountId,
		spec: &RequestSpec<BalanceOf<T>, BlockNumberFor<T>>,
	) -> Result<RequestId, RequestRefused> {
		with_storage_layer(|| Self::make_request_now(requester, spec)).map_err(Self::refusal)
	}

	fn request_weight() -> Weight {
		Self::request_weight_bound()
	}
}
