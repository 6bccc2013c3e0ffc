//! What the assigned executor commits to, a result or a report that it could
//! not run the request, and handing it to verification.

use frame_support::pallet_prelude::*;
use frame_system::pallet_prelude::BlockNumberFor;
use veritas_primitives::{
	inference::{SubmittedResult, VerificationHooks, VerificationStart},
	settlement::RequestId,
};

use crate::{
	Config, Error, Pallet, PendingWork, RequestOf, RequestStatus, Requests, ResultCommitment,
};

impl<T: Config> Pallet<T> {
	/// `request`, if `who` is its executor and it still waits for a result.
	pub(crate) fn awaiting_result(
		who: &T::AccountId,
		request: RequestId,
	) -> Result<RequestOf<T>, DispatchError> {
		let record = Requests::<T>::get(request).ok_or(Error::<T>::UnknownRequest)?;
		ensure!(&record.executor == who, Error::<T>::NotAssignedExecutor);
		ensure!(record.status == RequestStatus::Assigned, Error::<T>::NotAwaitingResult);
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(now <= record.deadline, Error::<T>::DeadlinePassed);
		Ok(record)
	}

	/// Records the executor's `commitment` and hands it to verification,
	/// which may accept it at once.
	pub(crate) fn verify(
		request: RequestId,
		mut record: RequestOf<T>,
		commitment: ResultCommitment<BlockNumberFor<T>>,
	) -> DispatchResult {
		let output_digest = commitment.output_digest;
		PendingWork::<T>::remove(&record.executor, request);
		record.status = RequestStatus::Submitted;
		record.result = Some(commitment);
		Requests::<T>::insert(request, &record);
		let submitted = SubmittedResult {
			request,
			model: record.model,
			executor: record.executor.clone(),
			policy: record.policy,
			output_digest,
		};
		match T::Verification::on_result_submitted(submitted)? {
			VerificationStart::AcceptedAtOnce => {
				Self::accept(request, record, alloc::vec::Vec::new())
			},
			VerificationStart::Pending => Ok(()),
		}
	}
}
