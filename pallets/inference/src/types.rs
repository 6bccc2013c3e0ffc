//! The records pallet-inference keeps: executors, and requests (whose types
//! live in `veritas_primitives::request`, so that the runtime API can return
//! them).

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{traits::Get, BoundedVec};
use scale_info::TypeInfo;
use veritas_primitives::model::ModelId;
pub use veritas_primitives::{
	inference::RequestStatus,
	request::{Request, ResultCommitment, Settled},
};

/// Whether an executor takes new requests.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
pub enum ExecutorStatus<BlockNumber> {
	/// Takes requests for its models.
	Active,
	/// Takes no new requests; its stake can be withdrawn from `until` on,
	/// once its open requests are done.
	Unbonding { until: BlockNumber },
}

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
	pub status: ExecutorStatus<BlockNumber>,
}
