//! The records pallet-inference keeps: executors, and requests (whose types
//! live in `veritas_primitives::request`, so that the runtime API can return
//! them).

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{traits::Get, BoundedVec};
use scale_info::TypeInfo;
pub use veritas_primitives::{
	inference::RequestStatus,
	request::{Request, ResultCommitment, Settled},
	stake::StakeStatus,
};
use veritas_primitives::{
	inference::{OutputBytes, UnrunnableReason},
	model::{Cid, Digest, ModelId},
	settlement::RequestId,
};

/// A registered executor.
#[derive(Clone, PartialEq, Eq, Debug)]
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo)]
#[scale_info(skip_type_params(MaxModels))]
pub struct Executor<Balance, BlockNumber, MaxModels: Get<u32>> {
	/// What it has at stake (held by settlement).
	pub stake: Balance,
	/// The models it serves.
	pub models: BoundedVec<ModelId, MaxModels>,
	/// How many requests it takes at once.
	pub capacity: u32,
	/// Requests assigned to it that have not settled.
	pub open: u32,
	/// Accepted results count up; missed deadlines and frauds count down.
	pub reputation: i32,
	pub status: StakeStatus<BlockNumber>,
}

/// One answer of an executor in [`crate::Pallet::submit_answers`]: its
/// result for a request, or its report that the request cannot be run.
#[derive(Clone, PartialEq, Eq, Debug)]
#[derive(Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub enum Answer {
	/// As [`crate::Pallet::submit_result`].
	Result {
		request: RequestId,
		output: OutputBytes,
		output_digest: Digest,
		proof_cid: Cid,
		proof_digest: Digest,
	},
	/// As [`crate::Pallet::report_unrunnable`].
	Unrunnable { request: RequestId, reason: UnrunnableReason },
	/// As [`crate::Pallet::submit_stored_result`].
	StoredResult { request: RequestId, output: StoredOutput, proof_cid: Cid, proof_digest: Digest },
}

/// An output delivered by reference: where its canonical encoding is
/// stored, its length and digest, and how many tokens the executor says it
/// holds (the chain pays generation by this count, and verifiers check it).
#[derive(Clone, PartialEq, Eq, Debug)]
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
pub struct StoredOutput {
	pub cid: Cid,
	pub size: u64,
	pub digest: Digest,
	pub generated_tokens: u32,
}

impl Answer {
	/// The request it answers.
	pub fn request(&self) -> RequestId {
		match self {
			Self::Result { request, .. }
			| Self::Unrunnable { request, .. }
			| Self::StoredResult { request, .. } => *request,
		}
	}
}
