//! Choosing the executor of a request, and the waiting line a request joins
//! when every executor of its model is busy.
//!
//! ## The draw
//!
//! An executor is drawn among those serving the model under its current
//! terms with spare capacity, with probability proportional to its stake,
//! never the requester itself. The draw comes from [`Config::Randomness`]
//! mixed with the request id: the requester cannot choose it. Veritas's
//! runtime gives it the VRF output of the block that includes the request,
//! which did not exist (for anyone but that block's author) when the request
//! was signed, so that a requester cannot time its request to land on an
//! executor of its choosing; `docs/security.md` says what remains.
//!
//! ## The waiting line
//!
//! A request that finds every executor busy is not refused: it takes the
//! last place in its model's waiting line ([`WaitingLines`]), with its
//! escrow held and its deadline unchanged, and is `Waiting`, with no
//! executor. At the start of each block ([`Pallet::assign_waiting`]), each
//! line is served from its head, first come first served, while executors
//! have spare capacity, up to [`Config::MaxAssignedPerBlock`] places a
//! block. While a line is not empty, new requests for the model join it
//! rather than draw, so that capacity freed during a block goes to the
//! request that waited longest, not to whoever was quickest to ask.
//!
//! A request leaves the line unassigned, refunded in full and with nobody
//! slashed, when its deadline no longer leaves the model's shortest
//! deadline for an executor to run it, when the model's terms changed since
//! it was made (its `max_fee` was checked against the old price, and
//! executors accepted the new one), when the model stopped taking requests,
//! or when the requester cancels it (free: no executor has seen it). A
//! request no executor serves at all (under the current terms) is still
//! refused at once: nothing would ever free up for it.

use alloc::vec::Vec;
use codec::Encode;
use frame_support::{pallet_prelude::*, traits::Randomness};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::traits::{Saturating, UniqueSaturatedInto};
use veritas_primitives::{
	model::{ModelId, ModelInspect, TermsRevision},
	settlement::{RequestId, Settlement},
};

use crate::{
	Config, Error, Event, Executors, ModelExecutors, Pallet, PendingWork, RequestOf, RequestStatus,
	Requests, Settled, WaitingLines, WaitingModels, WeightInfo,
};

/// The executors a model's requests may be assigned to: those serving it
/// under its current terms, each with its stake and spare capacity (which
/// may be none).
pub(crate) struct Candidates<AccountId> {
	eligible: Vec<(AccountId, u128, u32)>,
	/// How many executors the model lists (what reading them cost).
	pub listed: u32,
}

impl<AccountId: PartialEq + Clone> Candidates<AccountId> {
	/// Whether anyone but `requester` serves the model, busy or not.
	pub fn anyone_but(&self, requester: &AccountId) -> bool {
		self.eligible.iter().any(|(who, _, _)| who != requester)
	}

	/// Draws among those with spare capacity, other than `requester`, with
	/// probability proportional to stake, from `seed`; the one drawn has
	/// one place less.
	fn draw(&mut self, seed: u128, requester: &AccountId) -> Option<AccountId> {
		let open = |(who, _, spare): &(AccountId, u128, u32)| who != requester && *spare > 0;
		let total = self
			.eligible
			.iter()
			.filter(|candidate| open(candidate))
			.fold(0u128, |sum, (_, stake, _)| sum.saturating_add(*stake));
		if total == 0 {
			return None;
		}
		let mut draw = seed % total;
		for candidate in self.eligible.iter_mut().filter(|candidate| open(candidate)) {
			if draw < candidate.1 {
				candidate.2 -= 1;
				return Some(candidate.0.clone());
			}
			draw -= candidate.1;
		}
		None
	}
}

/// Why a request left the waiting line without an executor.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
pub enum LeftUnassigned {
	/// Its deadline no longer left an executor the model's shortest
	/// deadline (or it passed).
	DeadlineTooNear,
	/// The model's terms changed since it was made.
	TermsChanged,
	/// The model no longer takes requests.
	ModelNotActive,
}

impl<T: Config> Pallet<T> {
	/// The executors `model`'s requests may be assigned to now.
	pub(crate) fn candidates(model: ModelId) -> Candidates<T::AccountId> {
		let current = T::Models::terms(model);
		let serving = ModelExecutors::<T>::get(model);
		let listed = serving.len() as u32;
		let eligible = serving
			.into_iter()
			.filter(|(_, accepted)| *accepted == current)
			.filter_map(|(who, _)| {
				let executor = Executors::<T>::get(&who)?;
				(executor.status.is_active()).then(|| {
					let spare = executor.capacity.saturating_sub(executor.open);
					(who, executor.stake.unique_saturated_into(), spare)
				})
			})
			.collect();
		Candidates { eligible, listed }
	}

	/// Draws `request`'s executor among `candidates`, from
	/// [`Config::Randomness`] mixed with the request id.
	pub(crate) fn draw(
		candidates: &mut Candidates<T::AccountId>,
		request: RequestId,
		requester: &T::AccountId,
	) -> Option<T::AccountId> {
		let (seed, _) = T::Randomness::random(&(b"veritas/assign", request).encode());
		let seed = u128::from_le_bytes(
			seed.as_ref().get(..16).and_then(|bytes| bytes.try_into().ok()).unwrap_or([0; 16]),
		);
		candidates.draw(seed, requester)
	}

	/// Puts `request` (made under `model`'s terms at revision `terms`) last
	/// in the model's waiting line, and returns its place (how many are
	/// ahead of it).
	pub(crate) fn join_line(
		model: ModelId,
		request: RequestId,
		terms: TermsRevision,
	) -> Result<u32, DispatchError> {
		let place = WaitingLines::<T>::try_mutate(model, |line| {
			line.try_push((request, terms)).map(|_| line.len() as u32 - 1)
		})
		.map_err(|_| Error::<T>::WaitingLineFull)?;
		if place == 0 {
			WaitingModels::<T>::try_mutate(|models| models.try_push(model))
				.map_err(|_| Error::<T>::WaitingLineFull)?;
		}
		Ok(place)
	}

	/// Gives `request` to `executor`: it is `Assigned` and in the
	/// executor's pending work.
	pub(crate) fn assign(request: RequestId, record: &mut RequestOf<T>, executor: T::AccountId) {
		Executors::<T>::mutate(&executor, |maybe| {
			if let Some(executor) = maybe {
				executor.open = executor.open.saturating_add(1);
			}
		});
		PendingWork::<T>::insert(&executor, request, ());
		record.executor = Some(executor);
		record.status = RequestStatus::Assigned;
	}

	/// Serves the waiting lines from their heads, at most
	/// [`Config::MaxAssignedPerBlock`] places in all. Returns the weight
	/// used.
	pub(crate) fn assign_waiting(now: BlockNumberFor<T>) -> Weight {
		let models = WaitingModels::<T>::get();
		let mut used = T::DbWeight::get().reads(1);
		if models.is_empty() {
			return used;
		}
		let mut budget = T::MaxAssignedPerBlock::get();
		let per_place = Self::weight_per_place();
		let mut still_waiting = Vec::with_capacity(models.len());
		for model in models.iter().copied() {
			if budget == 0 {
				still_waiting.push(model);
				continue;
			}
			let (served, listed, empty) = Self::serve_line(model, now, &mut budget);
			used.saturating_accrue(T::WeightInfo::assign_waiting(listed, 0));
			used.saturating_accrue(per_place.saturating_mul(served.into()));
			if !empty {
				still_waiting.push(model);
			}
		}
		if still_waiting.len() != models.len() {
			WaitingModels::<T>::put(BoundedVec::truncate_from(still_waiting));
			used.saturating_accrue(T::DbWeight::get().writes(1));
		}
		used
	}

	/// What one place served costs: the dearer of assigning it and of
	/// refunding it.
	fn weight_per_place() -> Weight {
		T::WeightInfo::assign_waiting(0, 1)
			.saturating_sub(T::WeightInfo::assign_waiting(0, 0))
			.max(T::WeightInfo::drop_waiting(1).saturating_sub(T::WeightInfo::drop_waiting(0)))
	}

	/// The most [`Pallet::assign_waiting`] may take in a block: every line
	/// read with the most executors a model may have, and every place a
	/// block serves at the dearer of assigning and refunding.
	pub fn most_to_assign() -> Weight {
		let lines = T::WeightInfo::assign_waiting(T::MaxExecutorsPerModel::get(), 0)
			.saturating_mul(T::MaxWaitingModels::get().into());
		let places = Self::weight_per_place().saturating_mul(T::MaxAssignedPerBlock::get().into());
		T::DbWeight::get().reads_writes(1, 1).saturating_add(lines).saturating_add(places)
	}

	/// Serves `model`'s waiting line from its head while executors have
	/// spare capacity and `budget` lasts. Returns how many places it
	/// served, how many executors it read, and whether the line is empty.
	fn serve_line(model: ModelId, now: BlockNumberFor<T>, budget: &mut u32) -> (u32, u32, bool) {
		let line = WaitingLines::<T>::get(model);
		let current = T::Models::terms(model);
		let active = T::Models::is_active(model);
		let mut candidates: Option<Candidates<T::AccountId>> = None;
		let mut served = 0;
		for (request, terms) in line.iter().copied() {
			if *budget == 0 {
				break;
			}
			// Cancelled or expired while waiting: the place is simply given up.
			let Some(mut record) = Requests::<T>::get(request)
				.filter(|record| record.status == RequestStatus::Waiting)
			else {
				served += 1;
				*budget -= 1;
				continue;
			};
			let shortest = T::MinDeadline::get().max(record.policy.min_deadline);
			let left = if record.deadline < now.saturating_add(shortest) {
				Some(LeftUnassigned::DeadlineTooNear)
			} else if terms != current {
				Some(LeftUnassigned::TermsChanged)
			} else if !active {
				Some(LeftUnassigned::ModelNotActive)
			} else {
				None
			};
			if let Some(reason) = left {
				Self::leave_unassigned(request, &mut record, reason);
			} else {
				let candidates = candidates.get_or_insert_with(|| Self::candidates(model));
				let Some(executor) = Self::draw(candidates, request, &record.requester) else {
					break;
				};
				Self::assign(request, &mut record, executor.clone());
				Requests::<T>::insert(request, &record);
				Self::deposit_event(Event::RequestAssigned { request, executor });
			}
			served += 1;
			*budget -= 1;
		}
		let listed = candidates.map_or(0, |candidates| candidates.listed);
		let rest = line.into_inner().split_off(served as usize);
		let empty = rest.is_empty();
		if served > 0 {
			if empty {
				WaitingLines::<T>::remove(model);
			} else {
				WaitingLines::<T>::insert(model, BoundedVec::truncate_from(rest));
			}
		}
		(served, listed, empty)
	}

	/// Refunds a waiting request in full and closes it: no executor saw it.
	pub(crate) fn leave_unassigned(
		request: RequestId,
		record: &mut RequestOf<T>,
		reason: LeftUnassigned,
	) {
		let refund = T::Settlement::refund(request).unwrap_or_default();
		Self::close(request, record, RequestStatus::Expired, Some(Settled::Refunded(refund)));
		Self::deposit_event(Event::RequestLeftLine { request, reason, refund });
	}

	/// How many requests wait ahead of `request` in its model's line, while
	/// it waits.
	pub fn waiting_place(request: RequestId) -> Option<u32> {
		let record = Requests::<T>::get(request)?;
		if record.status != RequestStatus::Waiting {
			return None;
		}
		let mut ahead = 0;
		for (queued, _) in WaitingLines::<T>::get(record.model) {
			if queued == request {
				return Some(ahead);
			}
			// Places given up (cancelled, expired) are not counted.
			let waits = Requests::<T>::get(queued)
				.is_some_and(|record| record.status == RequestStatus::Waiting);
			ahead += u32::from(waits);
		}
		None
	}
}
