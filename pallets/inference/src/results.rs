//! What the assigned executor commits to, a result or a report that it could
//! not run the request, and handing it to verification.

use frame_support::pallet_prelude::*;
use frame_system::pallet_prelude::BlockNumberFor;
use veritas_primitives::{
	inference::{
		decode_output, ResultOutput, SubmittedResult, VerificationHooks, VerificationStart,
		MAX_OUTPUT_LENGTH, MAX_STORED_OUTPUT_LENGTH,
	},
	model::{Cid, Digest},
	settlement::RequestId,
};

use crate::{
	Answer, Config, Error, Event, Pallet, PendingWork, RequestOf, RequestStatus, Requests,
	ResultCommitment, WeightInfo,
};

impl<T: Config> Pallet<T> {
	/// Takes `who`'s answer to a request: its result inline, whose digest
	/// and shape are checked here; its result stored by reference, whose
	/// bytes only verifiers fetch and check; or its report that the request
	/// cannot be run. Each goes to verification.
	pub(crate) fn answer(who: &T::AccountId, answer: Answer) -> DispatchResult {
		let now = frame_system::Pallet::<T>::block_number();
		match answer {
			Answer::Result { request, output, output_digest, proof_cid, proof_digest } => {
				let record = Self::awaiting_result(who, request)?;
				ensure!(!record.params.output_by_reference, Error::<T>::OutputWantedByReference);
				ensure!(
					sp_io::hashing::blake2_256(&output) == output_digest,
					Error::<T>::DigestMismatch
				);
				let generated_tokens = decode_output(&output, &record.task, &record.params)
					.map_err(Error::<T>::from)?
					.generated_tokens();
				let output = ResultOutput::Inline(output);
				let result = (output, output_digest, generated_tokens);
				Self::take_result(who, request, record, result, proof_cid, proof_digest, now)
			},
			Answer::StoredResult { request, output, proof_cid, proof_digest } => {
				let record = Self::awaiting_result(who, request)?;
				ensure!(!output.cid.is_empty(), Error::<T>::EmptyOutputCid);
				// An output the chain could hold goes inline, unless the
				// request asked otherwise: whoever reads it on-chain (another
				// pallet, a light client) then needs nothing else.
				ensure!(
					record.params.output_by_reference || output.size > MAX_OUTPUT_LENGTH as u64,
					Error::<T>::OutputFitsInline
				);
				ensure!(output.size <= MAX_STORED_OUTPUT_LENGTH, Error::<T>::StoredOutputTooLarge);
				// The tokens claimed must be ones the request could be paid
				// for; whether the output holds them is the verifiers' check.
				if record.task.is_generation() {
					ensure!(
						output.generated_tokens <= record.params.max_new_tokens,
						Error::<T>::TooManyTokens
					);
				} else {
					ensure!(output.generated_tokens == 0, Error::<T>::WrongOutputShape);
				}
				let stored = ResultOutput::Stored { cid: output.cid, size: output.size };
				let result = (stored, output.digest, output.generated_tokens);
				Self::take_result(who, request, record, result, proof_cid, proof_digest, now)
			},
			Answer::Unrunnable { request, reason } => {
				let record = Self::awaiting_result(who, request)?;
				Self::deposit_event(Event::UnrunnableReported {
					request,
					executor: who.clone(),
					reason,
				});
				let commitment = ResultCommitment {
					output: Default::default(),
					output_digest: reason.digest(),
					proof_cid: Default::default(),
					proof_digest: [0; 32],
					generated_tokens: 0,
					submitted_at: now,
					reported: Some(reason),
				};
				Self::verify(request, who, record, commitment)
			},
		}
	}

	/// Records `who`'s result (its output, the output's digest and the
	/// tokens it holds) for `request` with its proof document, and hands it
	/// to verification.
	fn take_result(
		who: &T::AccountId,
		request: RequestId,
		record: RequestOf<T>,
		(output, output_digest, generated_tokens): (ResultOutput, Digest, u32),
		proof_cid: Cid,
		proof_digest: Digest,
		submitted_at: BlockNumberFor<T>,
	) -> DispatchResult {
		ensure!(!proof_cid.is_empty(), Error::<T>::EmptyProofCid);
		Self::deposit_event(Event::ResultSubmitted {
			request,
			executor: who.clone(),
			output_digest,
			proof_cid: proof_cid.clone(),
		});
		let commitment = ResultCommitment {
			output,
			output_digest,
			proof_cid,
			proof_digest,
			generated_tokens,
			submitted_at,
			reported: None,
		};
		Self::verify(request, who, record, commitment)
	}

	/// What [`Pallet::submit_answers`] weighs: each answer as the call it
	/// stands for, a result by its output's length.
	pub(crate) fn answers_weight(answers: &[Answer]) -> Weight {
		answers.iter().fold(Weight::zero(), |total, answer| {
			total.saturating_add(match answer {
				Answer::Result { output, .. } => T::WeightInfo::submit_result(output.len() as u32),
				Answer::Unrunnable { .. } => T::WeightInfo::report_unrunnable(),
				Answer::StoredResult { .. } => T::WeightInfo::submit_stored_result(),
			})
		})
	}

	/// `request`, if `who` is its executor and it still waits for a result.
	pub(crate) fn awaiting_result(
		who: &T::AccountId,
		request: RequestId,
	) -> Result<RequestOf<T>, DispatchError> {
		let record = Requests::<T>::get(request).ok_or(Error::<T>::UnknownRequest)?;
		ensure!(record.executor.as_ref() == Some(who), Error::<T>::NotAssignedExecutor);
		ensure!(record.status == RequestStatus::Assigned, Error::<T>::NotAwaitingResult);
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(now <= record.deadline, Error::<T>::DeadlinePassed);
		Ok(record)
	}

	/// Records `executor`'s `commitment` and hands it to verification,
	/// which may accept it at once.
	pub(crate) fn verify(
		request: RequestId,
		executor: &T::AccountId,
		mut record: RequestOf<T>,
		commitment: ResultCommitment<BlockNumberFor<T>>,
	) -> DispatchResult {
		let output_digest = commitment.output_digest;
		PendingWork::<T>::remove(executor, request);
		record.status = RequestStatus::Submitted;
		record.result = Some(commitment);
		Requests::<T>::insert(request, &record);
		let submitted = SubmittedResult {
			request,
			model: record.model,
			executor: executor.clone(),
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
