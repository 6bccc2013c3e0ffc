//! What a registered model is: its files, task, price and verification
//! policy, and the [`ModelInspect`] trait through which pallets read the
//! registry.
//!
//! These types live here rather than in pallet-models because the inference,
//! verification and settlement pallets read them too, and pallets never read
//! each other's storage.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_core::ConstU32;
use sp_runtime::{BoundedVec, Permill};

/// Identifies one version of one model. Every published version gets its own
/// id, so a request can pin the exact weights it pays for.
pub type ModelId = u64;

/// How many times a version's terms (its price and policy) have changed
/// since it was published. Executors accept a revision: one they have not
/// accepted never binds them.
pub type TermsRevision = u32;

/// Identifies a model's line of versions (all versions of "all-MiniLM-L6-v2",
/// say). A line has one owner and one name.
pub type ModelLineId = u64;

/// A model's version number within its line: 1, 2, 3…
pub type ModelVersion = u32;

/// The longest storage locator accepted. A CIDv1 in base32 with a sha2-256
/// multihash is 59 characters, a CIDv0 is 46; 96 leaves room for other hashes.
pub const MAX_CID_LENGTH: u32 = 96;

/// A content identifier (an IPFS CID as UTF-8 text, e.g. `bafy…` or `Qm…`).
pub type Cid = BoundedVec<u8, ConstU32<MAX_CID_LENGTH>>;

/// A blake2-256 digest.
pub type Digest = [u8; 32];

/// The longest model name accepted, in bytes of UTF-8.
pub const MAX_MODEL_NAME_LENGTH: u32 = 64;

/// A model line's human-readable name (UTF-8).
pub type ModelName = BoundedVec<u8, ConstU32<MAX_MODEL_NAME_LENGTH>>;

/// One file of a model, as stored in content-addressed storage.
#[derive(Clone, PartialEq, Eq, Debug)]
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub struct FileRef {
	/// Where to fetch the bytes.
	pub cid: Cid,
	/// blake2-256 of the bytes: whatever the locator returns must hash to this.
	pub digest: Digest,
	/// The file's length in bytes, so a node can refuse an oversized download
	/// before it starts.
	pub size: u64,
}

/// A model's files. Only the weights are always present: a GGUF file carries
/// its own configuration and vocabulary, and a tabular MLP has no tokenizer.
#[derive(Clone, PartialEq, Eq, Debug)]
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub struct ModelFiles {
	pub weights: FileRef,
	pub config: Option<FileRef>,
	pub tokenizer: Option<FileRef>,
}

impl ModelFiles {
	/// Every file present, weights first.
	pub fn iter(&self) -> impl Iterator<Item = &FileRef> {
		core::iter::once(&self.weights).chain(self.config.iter()).chain(self.tokenizer.iter())
	}

	/// The sum of the files' sizes in bytes.
	pub fn total_size(&self) -> u64 {
		self.iter().fold(0u64, |total, file| total.saturating_add(file.size))
	}
}

/// How the weights are serialized.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub enum ModelFormat {
	Safetensors,
	Gguf,
	/// One ONNX file: the graph with its weights inside.
	Onnx,
}

/// The most dimensions an ONNX graph's input may have.
pub const MAX_INPUT_RANK: u32 = 6;

/// The shape of the one tensor an ONNX graph takes (`[1, 13]`, or
/// `[1, 1, 8, 8]` for an 8x8 image): the request's numbers fill it in
/// row-major order.
pub type InputShape = BoundedVec<u32, ConstU32<MAX_INPUT_RANK>>;

/// The network family the engine builds from the weights.
#[derive(Clone, PartialEq, Eq, Debug)]
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub enum Architecture {
	/// BERT-family encoders (text embedding).
	Bert,
	/// Llama-family decoders (text generation).
	Llama,
	/// A multi-layer perceptron over a fixed number of numeric inputs.
	Mlp,
	/// Any network its publisher wrote as an ONNX graph (run by tract),
	/// taking one f32 tensor of `input_shape`.
	OnnxGraph { input_shape: InputShape },
}

impl Architecture {
	/// Whether the architecture takes `task`'s input as it is: an ONNX
	/// graph's input shape must hold exactly the task's numbers, with no
	/// zero dimension.
	pub fn fits_inputs(&self, task: &TaskKind) -> bool {
		match self {
			Architecture::OnnxGraph { input_shape } => {
				let volume = input_shape.iter().try_fold(1u32, |volume, dim| {
					if *dim == 0 {
						None
					} else {
						volume.checked_mul(*dim)
					}
				});
				!input_shape.is_empty() && volume.is_some() && volume == task.numeric_inputs()
			},
			_ => true,
		}
	}
}

/// What the model computes, with the shape of its output.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub enum TaskKind {
	/// Text in, one vector of `dim` floats out.
	TextEmbedding { dim: u32 },
	/// A prompt in, up to `max_new_tokens` tokens out, within a window of
	/// `max_context` tokens.
	TextGeneration { max_context: u32, max_new_tokens: u32 },
	/// `inputs` numbers in, a probability for each of `classes` out.
	TabularClassification { inputs: u32, classes: u32 },
	/// `inputs` numbers in, one number out.
	TabularRegression { inputs: u32 },
	/// `inputs` numbers in, one vector of `dim` floats out.
	TabularEmbedding { inputs: u32, dim: u32 },
}

impl TaskKind {
	/// Whether every dimension is non-zero and, for generation, the output
	/// fits the context.
	pub fn is_well_formed(&self) -> bool {
		match *self {
			TaskKind::TextEmbedding { dim } => dim > 0,
			TaskKind::TextGeneration { max_context, max_new_tokens } => {
				max_context > 0 && max_new_tokens > 0 && max_new_tokens <= max_context
			},
			TaskKind::TabularClassification { inputs, classes } => inputs > 0 && classes >= 2,
			TaskKind::TabularRegression { inputs } => inputs > 0,
			TaskKind::TabularEmbedding { inputs, dim } => inputs > 0 && dim > 0,
		}
	}

	/// Whether the task produces tokens (and so is priced per output token).
	pub fn is_generation(&self) -> bool {
		matches!(self, TaskKind::TextGeneration { .. })
	}

	/// The architectures that can serve this task.
	pub fn accepts(&self, architecture: &Architecture) -> bool {
		matches!(
			(self, architecture),
			(TaskKind::TextEmbedding { .. }, Architecture::Bert)
				| (TaskKind::TextGeneration { .. }, Architecture::Llama)
				| (
					TaskKind::TabularClassification { .. } | TaskKind::TabularRegression { .. },
					Architecture::Mlp | Architecture::OnnxGraph { .. }
				) | (TaskKind::TabularEmbedding { .. }, Architecture::OnnxGraph { .. })
		)
	}

	/// How many numbers an input holds, for tasks whose input is numbers.
	pub fn numeric_inputs(&self) -> Option<u32> {
		match *self {
			TaskKind::TabularClassification { inputs, .. }
			| TaskKind::TabularRegression { inputs }
			| TaskKind::TabularEmbedding { inputs, .. } => Some(inputs),
			TaskKind::TextEmbedding { .. } | TaskKind::TextGeneration { .. } => None,
		}
	}
}

/// What a request to the model costs the requester, before verification and
/// protocol fees.
#[derive(Clone, Copy, PartialEq, Eq, Default, Debug)]
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub struct Pricing<Balance> {
	/// Paid for every request.
	pub per_request: Balance,
	/// Paid for each generated token (text generation only).
	pub per_output_token: Balance,
}

/// The most verifiers a committee may have.
pub const MAX_COMMITTEE_SIZE: u8 = 32;

/// How results of the model are verified before they are final.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub enum VerificationPolicy<Balance, BlockNumber> {
	/// A committee of `n` verifiers re-executes every request; `k` agreeing
	/// attestations make the result final.
	Quorum { k: u8, n: u8 },
	/// The result is final after `window_blocks` unless someone posts
	/// `challenge_bond` to challenge it, which opens a quorum.
	Optimistic { window_blocks: BlockNumber, challenge_bond: Balance },
	/// A quorum with probability `permill`, otherwise optimistic.
	Sampled { permill: Permill, k: u8, n: u8 },
}

/// How a verifier's own output is compared with the executor's.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub enum ComparisonRule {
	/// The canonical encodings must be byte-identical (equal digests).
	Exact,
	/// Every number may differ by at most this much.
	MaxAbs(Tolerance),
	/// The cosine similarity must be at least `1 - tolerance`.
	Cosine(Tolerance),
	/// The tokens must be what the request's sampler picks (its seed,
	/// temperature, top-k and top-p replayed by the verifier, within a
	/// measured tolerance), and a generation must stop only where the
	/// sampler picks a stop token. A greedy token must also be among the
	/// verifier's own top `k` (a bound on how near a tie may be).
	TokenTopK(u32),
}

/// A floating-point tolerance in millionths: `Tolerance(1_000)` is 0.001.
/// Fixed point, because the runtime has no floats in its state.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub struct Tolerance(pub u32);

impl Tolerance {
	/// The largest tolerance accepted: 1.0.
	pub const MAX: Tolerance = Tolerance(1_000_000);

	/// The tolerance as a float, for the engine.
	pub fn as_f32(self) -> f32 {
		self.0 as f32 / 1_000_000.0
	}

	/// Whether it is above zero and at most [`Tolerance::MAX`].
	pub fn is_valid(self) -> bool {
		self.0 > 0 && self <= Self::MAX
	}
}

/// The most `k` a `TokenTopK` rule may ask for.
pub const MAX_TOP_K: u32 = 1_000;

/// The verification half of a model's record.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub struct ModelPolicy<Balance, BlockNumber> {
	pub verification: VerificationPolicy<Balance, BlockNumber>,
	pub comparison: ComparisonRule,
	/// The shortest deadline, in blocks after the request, its requests may
	/// set: long enough to fetch the model and run it. Shorter deadlines
	/// would let a requester have any executor slashed for missing them.
	pub min_deadline: BlockNumber,
}

/// A policy as records stored it before models had a minimum deadline
/// (storage version 1 of pallet-models and pallet-inference), for their
/// migrations.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode)]
pub struct ModelPolicyV1<Balance, BlockNumber> {
	pub verification: VerificationPolicy<Balance, BlockNumber>,
	pub comparison: ComparisonRule,
}

impl<Balance, BlockNumber> ModelPolicyV1<Balance, BlockNumber> {
	/// The policy with a minimum deadline.
	pub fn with_min_deadline(self, min_deadline: BlockNumber) -> ModelPolicy<Balance, BlockNumber> {
		ModelPolicy { verification: self.verification, comparison: self.comparison, min_deadline }
	}
}

/// What the runtime lets a publisher set in a policy. Every field that ties
/// up someone else's stake or money has a bound.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct PolicyBounds<Balance, BlockNumber> {
	/// The largest committee (never above [`MAX_COMMITTEE_SIZE`]).
	pub max_committee: u8,
	/// The longest optimistic window: how long an executor's result (and
	/// its capacity) may wait for a challenge.
	pub max_window: BlockNumber,
	/// The smallest and the largest challenge bond. A zero bond cannot be
	/// held, which would make results unchallengeable; a huge one would
	/// price every challenger out.
	pub challenge_bond: (Balance, Balance),
	/// The range a model's `min_deadline` must fall in.
	pub min_deadline: (BlockNumber, BlockNumber),
}

/// Why a policy is refused.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum PolicyError {
	/// `n` is zero, or larger than [`MAX_COMMITTEE_SIZE`].
	BadCommitteeSize,
	/// `k` is larger than `n`, or not more than half of it: a minority of
	/// the committee would decide.
	BadThreshold,
	/// An optimistic window of zero blocks, or longer than the runtime allows.
	BadWindow,
	/// A challenge bond outside the runtime's range.
	BadChallengeBond,
	/// A minimum deadline outside the runtime's range.
	BadMinDeadline,
	/// A tolerance of zero or above 1.0, or `k` of zero or above [`MAX_TOP_K`].
	BadTolerance,
	/// The comparison rule does not fit the task (top-k of an embedding, say).
	RuleDoesNotFitTask,
}

impl<Balance: PartialOrd, BlockNumber: PartialOrd + Default> ModelPolicy<Balance, BlockNumber> {
	/// Checks the policy's numbers against `bounds`, and that its comparison
	/// rule fits `task`.
	pub fn validate(
		&self,
		task: &TaskKind,
		bounds: &PolicyBounds<Balance, BlockNumber>,
	) -> Result<(), PolicyError> {
		let (shortest, longest) = &bounds.min_deadline;
		if self.min_deadline < *shortest || self.min_deadline > *longest {
			return Err(PolicyError::BadMinDeadline);
		}
		let committee = |k: u8, n: u8| {
			if n == 0 || n > MAX_COMMITTEE_SIZE.min(bounds.max_committee) {
				Err(PolicyError::BadCommitteeSize)
			} else if k > n || u16::from(k) * 2 <= u16::from(n) {
				// A minority must never decide: k matches accept a result
				// outright, so k must be more than half the committee.
				Err(PolicyError::BadThreshold)
			} else {
				Ok(())
			}
		};
		match &self.verification {
			VerificationPolicy::Quorum { k, n } => committee(*k, *n)?,
			VerificationPolicy::Sampled { k, n, .. } => committee(*k, *n)?,
			VerificationPolicy::Optimistic { window_blocks, challenge_bond } => {
				if *window_blocks == BlockNumber::default() || *window_blocks > bounds.max_window {
					return Err(PolicyError::BadWindow);
				}
				let (smallest, largest) = &bounds.challenge_bond;
				if challenge_bond < smallest || challenge_bond > largest {
					return Err(PolicyError::BadChallengeBond);
				}
			},
		}
		match (self.comparison, task) {
			(ComparisonRule::Exact, _) => Ok(()),
			(ComparisonRule::MaxAbs(tolerance) | ComparisonRule::Cosine(tolerance), task) => {
				if !tolerance.is_valid() {
					Err(PolicyError::BadTolerance)
				} else if task.is_generation() {
					Err(PolicyError::RuleDoesNotFitTask)
				} else {
					Ok(())
				}
			},
			(ComparisonRule::TokenTopK(k), task) => {
				if k == 0 || k > MAX_TOP_K {
					Err(PolicyError::BadTolerance)
				} else if !task.is_generation() {
					Err(PolicyError::RuleDoesNotFitTask)
				} else {
					Ok(())
				}
			},
		}
	}
}

/// Where a model is in its life.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub enum ModelStatus {
	/// Accepts new requests.
	Active,
	/// Accepts no new requests; requests already made finish.
	Deprecated,
	/// Withdrawn: no requests at all. Its deposit has been returned.
	Retired,
}

/// Everything the chain records about one model version.
#[derive(Clone, PartialEq, Eq, Debug)]
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub struct ModelRecord<AccountId, Balance, BlockNumber> {
	/// The line this version belongs to.
	pub line: ModelLineId,
	/// Its number within the line.
	pub version: ModelVersion,
	/// Who may change it (the line's owner).
	pub owner: AccountId,
	pub files: ModelFiles,
	pub format: ModelFormat,
	pub architecture: Architecture,
	pub task: TaskKind,
	pub pricing: Pricing<Balance>,
	pub policy: ModelPolicy<Balance, BlockNumber>,
	pub status: ModelStatus,
	/// The deposit held from the owner for this record's storage.
	pub deposit: Balance,
	/// When it was published.
	pub published_at: BlockNumber,
}

/// How other pallets read the model registry.
pub trait ModelInspect<AccountId, Balance, BlockNumber> {
	/// The record of a model version, if it exists.
	fn model(id: ModelId) -> Option<ModelRecord<AccountId, Balance, BlockNumber>>;

	/// The newest version of `line` that is Active.
	fn latest_active(line: ModelLineId) -> Option<ModelId>;

	/// The revision of a version's terms: 0 as published, one more for each
	/// change of its price or policy.
	fn terms(id: ModelId) -> TermsRevision;

	/// The revision as the current block began: the newest an executor
	/// joining the model in this block can have read. A change in the same
	/// block, perhaps placed just ahead of the join, is not one it accepted.
	fn terms_before_this_block(id: ModelId) -> TermsRevision;

	/// A model's status.
	fn status(id: ModelId) -> Option<ModelStatus> {
		Self::model(id).map(|record| record.status)
	}

	/// Whether a model accepts new requests.
	fn is_active(id: ModelId) -> bool {
		Self::status(id) == Some(ModelStatus::Active)
	}
}

/// How the registry asks whether a model still has requests in flight, so that
/// it never retires a model someone is waiting on.
pub trait ModelUsage {
	/// Requests on this model that are not settled yet.
	fn open_requests(model: ModelId) -> u32;
}

impl ModelUsage for () {
	fn open_requests(_: ModelId) -> u32 {
		0
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	type Policy = ModelPolicy<u128, u32>;
	const EMBEDDING: TaskKind = TaskKind::TextEmbedding { dim: 384 };
	const GENERATION: TaskKind = TaskKind::TextGeneration { max_context: 2048, max_new_tokens: 64 };
	const BOUNDS: PolicyBounds<u128, u32> = PolicyBounds {
		max_committee: MAX_COMMITTEE_SIZE,
		max_window: 1_000,
		challenge_bond: (5, 500),
		min_deadline: (2, 100),
	};

	fn quorum(k: u8, n: u8, comparison: ComparisonRule) -> Policy {
		Policy { verification: VerificationPolicy::Quorum { k, n }, comparison, min_deadline: 10 }
	}

	impl Policy {
		fn check(&self, task: &TaskKind) -> Result<(), PolicyError> {
			self.validate(task, &BOUNDS)
		}
	}

	#[test]
	fn committee_sizes_are_checked() {
		assert_eq!(quorum(2, 3, ComparisonRule::Exact).check(&EMBEDDING), Ok(()));
		assert_eq!(
			quorum(1, 0, ComparisonRule::Exact).check(&EMBEDDING),
			Err(PolicyError::BadCommitteeSize)
		);
		assert_eq!(
			quorum(1, MAX_COMMITTEE_SIZE + 1, ComparisonRule::Exact).check(&EMBEDDING),
			Err(PolicyError::BadCommitteeSize)
		);
		assert_eq!(
			quorum(4, 3, ComparisonRule::Exact).check(&EMBEDDING),
			Err(PolicyError::BadThreshold)
		);
		assert_eq!(
			quorum(0, 3, ComparisonRule::Exact).check(&EMBEDDING),
			Err(PolicyError::BadThreshold)
		);
		// A minority never decides: k must be more than half of n.
		for (k, n) in [(1, 32), (16, 32), (1, 2), (2, 4)] {
			assert_eq!(
				quorum(k, n, ComparisonRule::Exact).check(&EMBEDDING),
				Err(PolicyError::BadThreshold),
				"{k} of {n}"
			);
		}
		for (k, n) in [(17, 32), (1, 1), (2, 2), (3, 4), (3, 5)] {
			assert_eq!(quorum(k, n, ComparisonRule::Exact).check(&EMBEDDING), Ok(()), "{k} of {n}");
		}
		let sampled = Policy {
			verification: VerificationPolicy::Sampled {
				permill: Permill::from_percent(10),
				k: 3,
				n: 2,
			},
			comparison: ComparisonRule::Exact,
			min_deadline: 10,
		};
		assert_eq!(sampled.check(&EMBEDDING), Err(PolicyError::BadThreshold));
		// The runtime may allow smaller committees than the protocol's cap.
		let small = PolicyBounds { max_committee: 5, ..BOUNDS };
		assert_eq!(quorum(3, 5, ComparisonRule::Exact).validate(&EMBEDDING, &small), Ok(()));
		assert_eq!(
			quorum(4, 7, ComparisonRule::Exact).validate(&EMBEDDING, &small),
			Err(PolicyError::BadCommitteeSize)
		);
	}

	/// A publisher cannot make results unchallengeable (a zero bond),
	/// hold executors' capacity for centuries (a huge window), or let
	/// requesters set deadlines nobody can meet.
	#[test]
	fn windows_bonds_and_deadlines_are_bounded() {
		let optimistic = |window_blocks, challenge_bond| Policy {
			verification: VerificationPolicy::Optimistic { window_blocks, challenge_bond },
			comparison: ComparisonRule::Exact,
			min_deadline: 10,
		};
		assert_eq!(optimistic(40, 5).check(&EMBEDDING), Ok(()));
		assert_eq!(optimistic(1_000, 500).check(&EMBEDDING), Ok(()));
		assert_eq!(optimistic(0, 5).check(&EMBEDDING), Err(PolicyError::BadWindow));
		assert_eq!(optimistic(u32::MAX, 5).check(&EMBEDDING), Err(PolicyError::BadWindow));
		assert_eq!(optimistic(40, 0).check(&EMBEDDING), Err(PolicyError::BadChallengeBond));
		assert_eq!(optimistic(40, 501).check(&EMBEDDING), Err(PolicyError::BadChallengeBond));
		for min_deadline in [0, 1, 101, u32::MAX] {
			let policy = Policy { min_deadline, ..quorum(2, 3, ComparisonRule::Exact) };
			assert_eq!(
				policy.check(&EMBEDDING),
				Err(PolicyError::BadMinDeadline),
				"{min_deadline}"
			);
		}
		for min_deadline in [2, 100] {
			let policy = Policy { min_deadline, ..quorum(2, 3, ComparisonRule::Exact) };
			assert_eq!(policy.check(&EMBEDDING), Ok(()));
		}
	}

	#[test]
	fn tolerances_are_range_checked_and_fit_the_task() {
		assert_eq!(
			quorum(1, 1, ComparisonRule::Cosine(Tolerance(1_000))).check(&EMBEDDING),
			Ok(())
		);
		assert_eq!(
			quorum(1, 1, ComparisonRule::MaxAbs(Tolerance(0))).check(&EMBEDDING),
			Err(PolicyError::BadTolerance)
		);
		assert_eq!(
			quorum(1, 1, ComparisonRule::MaxAbs(Tolerance(1_000_001))).check(&EMBEDDING),
			Err(PolicyError::BadTolerance)
		);
		assert_eq!(
			quorum(1, 1, ComparisonRule::Cosine(Tolerance(10))).check(&GENERATION),
			Err(PolicyError::RuleDoesNotFitTask)
		);
		assert_eq!(quorum(1, 1, ComparisonRule::TokenTopK(5)).check(&GENERATION), Ok(()));
		assert_eq!(
			quorum(1, 1, ComparisonRule::TokenTopK(5)).check(&EMBEDDING),
			Err(PolicyError::RuleDoesNotFitTask)
		);
		assert_eq!(
			quorum(1, 1, ComparisonRule::TokenTopK(0)).check(&GENERATION),
			Err(PolicyError::BadTolerance)
		);
		assert!((Tolerance(250_000).as_f32() - 0.25).abs() < f32::EPSILON);
	}

	#[test]
	fn tasks_are_checked_against_architectures_and_shapes() {
		assert!(EMBEDDING.accepts(&Architecture::Bert));
		assert!(!EMBEDDING.accepts(&Architecture::Llama));
		assert!(GENERATION.accepts(&Architecture::Llama));
		assert!(TaskKind::TabularRegression { inputs: 4 }.accepts(&Architecture::Mlp));
		assert!(!TaskKind::TextEmbedding { dim: 0 }.is_well_formed());
		assert!(!TaskKind::TabularEmbedding { inputs: 4, dim: 0 }.is_well_formed());
		// An ONNX graph serves the numeric tasks, and its input shape must
		// hold exactly the task's numbers.
		let graph = |dims: &[u32]| Architecture::OnnxGraph {
			input_shape: InputShape::try_from(dims.to_vec()).expect("within the rank"),
		};
		let image = TaskKind::TabularClassification { inputs: 64, classes: 10 };
		assert!(image.accepts(&graph(&[1, 1, 8, 8])));
		assert!(TaskKind::TabularEmbedding { inputs: 6, dim: 3 }.accepts(&graph(&[2, 3])));
		assert!(!TaskKind::TabularEmbedding { inputs: 6, dim: 3 }.accepts(&Architecture::Mlp));
		assert!(!EMBEDDING.accepts(&graph(&[1, 384])));
		assert!(graph(&[1, 1, 8, 8]).fits_inputs(&image));
		assert!(graph(&[64]).fits_inputs(&image));
		assert!(!graph(&[1, 8, 8, 8]).fits_inputs(&image), "512 numbers, not 64");
		assert!(!graph(&[]).fits_inputs(&image));
		assert!(!graph(&[64, 0]).fits_inputs(&image), "a zero dimension");
		assert!(!graph(&[u32::MAX, u32::MAX, 2]).fits_inputs(&image), "an overflowing volume");
		assert!(!graph(&[1, 64]).fits_inputs(&EMBEDDING), "text is not numbers");
		assert!(Architecture::Mlp.fits_inputs(&image));
		assert!(!TaskKind::TextGeneration { max_context: 8, max_new_tokens: 9 }.is_well_formed());
		assert!(!TaskKind::TabularClassification { inputs: 3, classes: 1 }.is_well_formed());
		assert!(GENERATION.is_well_formed());
	}

	#[test]
	fn files_iterate_and_sum() {
		let file = |size| FileRef { cid: Cid::default(), digest: [0; 32], size };
		let files = ModelFiles { weights: file(10), config: None, tokenizer: Some(file(5)) };
		assert_eq!(files.iter().count(), 2);
		assert_eq!(files.total_size(), 15);
	}
}
