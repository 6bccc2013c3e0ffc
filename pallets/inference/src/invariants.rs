//! The invariants `try_state` checks: the indexes and counters agree with the
//! requests, and every executor's recorded stake is what settlement holds.

use alloc::collections::btree_map::BTreeMap;
use frame_support::ensure;
use veritas_primitives::{
	inference::{ResultOutput, MAX_OUTPUT_LENGTH, MAX_STORED_OUTPUT_LENGTH},
	model::ModelInspect,
	settlement::{Bond, Settlement},
};

use crate::{
	Config, Executors, ModelExecutors, NextRequestId, OpenRequests, Pallet, PendingWork, Pruning,
	PruningRange, RequestStatus, Requests, WaitingLines, WaitingModels,
};

impl<T: Config> Pallet<T> {
	/// - request ids are below the next id;
	/// - a request waiting for a result is in its executor's pending work,
	///   and pending work names only such requests;
	/// - each model's open count and each executor's open count equal the
	///   unsettled requests they have;
	/// - a request has an executor unless it is waiting (or left the line
	///   unassigned or cancelled from it), and every waiting request has a
	///   place in its model's line; the models with a line are listed once
	///   each, and only they;
	/// - a model's executor list names only active executors serving it;
	/// - every active executor is listed by each model it serves, with terms
	///   at a revision the model has reached;
	/// - each executor's recorded stake is held by settlement;
	/// - every settled request is queued for pruning, within the queue's
	///   range, so that none stays in storage for good;
	/// - a result stored by reference was asked for, or is longer than the
	///   chain takes inline, and within what it takes by reference; a report
	///   carries no output.
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		let (first, end) = PruningRange::<T>::get();
		let mut to_prune = alloc::collections::btree_set::BTreeSet::new();
		for (index, (request, _)) in Pruning::<T>::iter() {
			ensure!(first <= index && index < end, "a pruning entry outside the queue's range");
			to_prune.insert(request);
		}
		let next = NextRequestId::<T>::get();
		let mut open_by_model: BTreeMap<u64, u32> = BTreeMap::new();
		let mut open_by_executor: BTreeMap<T::AccountId, u32> = BTreeMap::new();
		for (id, request) in Requests::<T>::iter() {
			ensure!(id < next, "request id at or above NextRequestId");
			let in_line = request.status == RequestStatus::Waiting;
			ensure!(
				in_line == request.executor.is_none() || request.status.is_final(),
				"a request under way without an executor, or a waiting one with one"
			);
			if in_line {
				ensure!(
					WaitingLines::<T>::get(request.model).iter().any(|(queued, _)| *queued == id),
					"a waiting request has no place in its model's line"
				);
			}
			if let Some(result) = &request.result {
				match &result.output {
					ResultOutput::Stored { size, .. } => ensure!(
						(request.params.output_by_reference || *size > MAX_OUTPUT_LENGTH as u64)
							&& *size <= MAX_STORED_OUTPUT_LENGTH
							&& result.reported.is_none(),
						"a result stored by reference that the chain does not take"
					),
					ResultOutput::Inline(output) => ensure!(
						result.reported.is_none() || output.is_empty(),
						"a report that carries an output"
					),
				}
			}
			let awaiting_result = request.status == RequestStatus::Assigned;
			let pending = request
				.executor
				.as_ref()
				.is_some_and(|executor| PendingWork::<T>::contains_key(executor, id));
			ensure!(pending == awaiting_result, "pending work disagrees with a request's status");
			if request.status.is_final() {
				ensure!(to_prune.contains(&id), "a settled request is not queued for pruning");
			} else {
				*open_by_model.entry(request.model).or_default() += 1;
				if let Some(executor) = request.executor {
					*open_by_executor.entry(executor).or_default() += 1;
				}
			}
		}
		for (executor, id, ()) in PendingWork::<T>::iter() {
			let request = Requests::<T>::get(id).ok_or("pending work names a missing request")?;
			ensure!(request.executor == Some(executor), "pending work under the wrong executor");
		}
		let with_lines = WaitingModels::<T>::get();
		for (index, model) in with_lines.iter().enumerate() {
			ensure!(!with_lines[..index].contains(model), "a model's line is listed twice");
			ensure!(WaitingLines::<T>::decode_len(model).unwrap_or(0) > 0, "an empty line listed");
		}
		for (model, _) in WaitingLines::<T>::iter() {
			ensure!(with_lines.contains(&model), "a model's waiting line is not listed");
		}
		for (model, count) in OpenRequests::<T>::iter() {
			ensure!(
				open_by_model.remove(&model) == Some(count),
				"a model's open count differs from its unsettled requests"
			);
		}
		ensure!(open_by_model.is_empty(), "a model with unsettled requests has no open count");
		let mut listed = alloc::collections::btree_set::BTreeSet::new();
		for (model, executors) in ModelExecutors::<T>::iter() {
			for (who, terms) in executors {
				listed.insert((who.clone(), model));
				ensure!(terms <= T::Models::terms(model), "terms accepted ahead of the model's");
				let executor =
					Executors::<T>::get(&who).ok_or("a model lists a missing executor")?;
				ensure!(executor.status.is_active(), "a model lists an inactive executor");
				ensure!(
					executor.models.contains(&model),
					"a model lists an executor not serving it"
				);
			}
		}
		for (who, executor) in Executors::<T>::iter() {
			let listed_by_all =
				executor.models.iter().all(|model| listed.contains(&(who.clone(), *model)));
			ensure!(
				!executor.status.is_active() || listed_by_all,
				"a model served by an active executor does not list it"
			);
			ensure!(
				open_by_executor.remove(&who).unwrap_or(0) == executor.open,
				"an executor's open count differs from its unsettled requests"
			);
			ensure!(
				T::Settlement::held(&who, Bond::ExecutorStake) == executor.stake,
				"an executor's stake differs from what settlement holds"
			);
		}
		ensure!(open_by_executor.is_empty(), "unsettled requests of an unknown executor");
		Ok(())
	}
}
