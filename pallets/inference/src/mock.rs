//! A runtime for pallet-inference's tests: real Balances and Settlement (so
//! that every payout and slash really moves funds), a model registry and a
//! verifier stand-in whose behaviour each test sets.

use core::cell::RefCell;
use std::collections::BTreeMap;

use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU128, ConstU32, ConstU64, Randomness},
};
use sp_core::H256;
use sp_runtime::{BuildStorage, DispatchError, Perbill};
use veritas_primitives::{
	inference::{SubmittedResult, VerificationHooks, VerificationStart},
	model::{
		Architecture, Cid, ComparisonRule, FileRef, ModelFiles, ModelFormat, ModelId, ModelInspect,
		ModelLineId, ModelPolicy, ModelRecord, ModelStatus, Pricing, TaskKind, TermsRevision,
		Tolerance, VerificationPolicy,
	},
	oracle::{DataFeeds, FeedError, FeedId, FeedReading},
};

use crate as pallet_inference;

type Block = frame_system::mocking::MockBlock<Test>;
pub type AccountId = u64;
pub type Balance = u128;
pub type BlockNumber = u64;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Settlement: pallet_settlement,
		Inference: pallet_inference,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<Balance>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = Balance;
	type AccountStore = System;
	type RuntimeHoldReason = RuntimeHoldReason;
	type ExistentialDeposit = ConstU128<1>;
}

pub const TREASURY: AccountId = 99;

pallet_settlement::impl_test_config!(Test, TREASURY);

thread_local! {
	static MODELS: RefCell<BTreeMap<ModelId, ModelRecord<AccountId, Balance, BlockNumber>>> =
		const { RefCell::new(BTreeMap::new()) };
	static VERIFY_LATER: RefCell<bool> = const { RefCell::new(false) };
	static SUBMITTED: RefCell<Vec<SubmittedResult<AccountId, Balance, BlockNumber>>> =
		const { RefCell::new(Vec::new()) };
	static RANDOM_NONCE: RefCell<u64> = const { RefCell::new(0) };
	static TERMS: RefCell<BTreeMap<ModelId, TermsRevision>> = const { RefCell::new(BTreeMap::new()) };
	static TERMS_BEFORE: RefCell<BTreeMap<ModelId, (BlockNumber, TermsRevision)>> =
		const { RefCell::new(BTreeMap::new()) };
	static FEEDS: RefCell<BTreeMap<FeedId, Result<FeedReading<BlockNumber>, FeedError>>> =
		const { RefCell::new(BTreeMap::new()) };
}

/// Data feeds the test sets: each id answers what `set` gave it, and unset
/// ids are unknown.
pub struct TestFeeds;

impl TestFeeds {
	pub fn set(feed: FeedId, answer: Result<FeedReading<BlockNumber>, FeedError>) {
		FEEDS.with(|feeds| feeds.borrow_mut().insert(feed, answer));
	}
}

impl DataFeeds<BlockNumber> for TestFeeds {
	fn latest(feed: FeedId) -> Result<FeedReading<BlockNumber>, FeedError> {
		FEEDS.with(|feeds| feeds.borrow().get(&feed).copied().unwrap_or(Err(FeedError::Unknown)))
	}
}

/// A model registry holding whatever the test puts in it.
pub struct TestModels;

impl TestModels {
	pub fn insert(id: ModelId, record: ModelRecord<AccountId, Balance, BlockNumber>) {
		MODELS.with(|models| models.borrow_mut().insert(id, record));
	}

	/// The publisher changes `id`'s price: its terms move to a new revision.
	pub fn change_terms(id: ModelId, pricing: Pricing<Balance>) {
		MODELS.with(|models| {
			if let Some(record) = models.borrow_mut().get_mut(&id) {
				record.pricing = pricing;
			}
		});
		let (now, current) = (System::block_number(), Self::terms(id));
		TERMS_BEFORE.with(|before| {
			let mut before = before.borrow_mut();
			if before.get(&id).map(|(at, _)| *at) != Some(now) {
				before.insert(id, (now, current));
			}
		});
		TERMS.with(|terms| *terms.borrow_mut().entry(id).or_default() += 1);
	}

	pub fn set_status(id: ModelId, status: ModelStatus) {
		MODELS.with(|models| {
			if let Some(record) = models.borrow_mut().get_mut(&id) {
				record.status = status;
			}
		});
	}
}

impl ModelInspect<AccountId, Balance, BlockNumber> for TestModels {
	fn model(id: ModelId) -> Option<ModelRecord<AccountId, Balance, BlockNumber>> {
		MODELS.with(|models| models.borrow().get(&id).cloned())
	}

	fn latest_active(_: ModelLineId) -> Option<ModelId> {
		None
	}

	fn terms(id: ModelId) -> TermsRevision {
		TERMS.with(|terms| terms.borrow().get(&id).copied().unwrap_or(0))
	}

	fn terms_before_this_block(id: ModelId) -> TermsRevision {
		let now = System::block_number();
		match TERMS_BEFORE.with(|before| before.borrow().get(&id).copied()) {
			Some((at, before)) if at == now => before,
			_ => Self::terms(id),
		}
	}
}

/// Accepts results at once, or (after `verify_later()`) records them and
/// leaves the verdict to the test.
pub struct TestVerification;

impl TestVerification {
	pub fn verify_later() {
		VERIFY_LATER.with(|later| *later.borrow_mut() = true);
	}

	pub fn submitted() -> Vec<SubmittedResult<AccountId, Balance, BlockNumber>> {
		SUBMITTED.with(|submitted| submitted.borrow().clone())
	}
}

impl VerificationHooks<AccountId, Balance, BlockNumber> for TestVerification {
	fn on_result_submitted(
		result: SubmittedResult<AccountId, Balance, BlockNumber>,
	) -> Result<VerificationStart, DispatchError> {
		SUBMITTED.with(|submitted| submitted.borrow_mut().push(result));
		Ok(if VERIFY_LATER.with(|later| *later.borrow()) {
			VerificationStart::Pending
		} else {
			VerificationStart::AcceptedAtOnce
		})
	}
}

/// A different draw for every call, reproducible across runs.
pub struct TestRandomness;

impl Randomness<H256, BlockNumber> for TestRandomness {
	fn random(subject: &[u8]) -> (H256, BlockNumber) {
		let nonce = RANDOM_NONCE.with(|nonce| {
			*nonce.borrow_mut() += 1;
			*nonce.borrow()
		});
		let seed = sp_io::hashing::blake2_256(&codec::Encode::encode(&(subject, nonce)));
		(H256(seed), System::block_number())
	}
}

pub const MIN_STAKE: Balance = 1_000;

impl pallet_inference::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type Models = TestModels;
	type Settlement = Settlement;
	type Verification = TestVerification;
	type Feeds = TestFeeds;
	type Randomness = TestRandomness;
	type MinExecutorStake = ConstU128<MIN_STAKE>;
	type MaxModelsPerExecutor = ConstU32<4>;
	type MaxExecutorsPerModel = ConstU32<4>;
	type MaxCapacity = ConstU32<8>;
	type UnbondingPeriod = ConstU64<10>;
	type MinDeadline = ConstU64<2>;
	type MaxDeadline = ConstU64<100>;
	type MaxRequestsPerBlock = ConstU32<4>;
	// Below the capacity, so that a test can fill a batch and still request.
	type MaxWaitingPerModel = ConstU32<3>;
	type MaxWaitingModels = ConstU32<2>;
	type MaxAssignedPerBlock = ConstU32<3>;
	type MaxAnswersPerBatch = ConstU32<4>;
	type ExpirySlash = ExpirySlash;
	type FraudSlash = FraudSlash;
	type RetentionPeriod = ConstU64<20>;
	type ExecutorAuthority = TestExecutorAuthority;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = TestModels;
}

veritas_primitives::impl_mock_signing!(Test, RuntimeCall, AccountId, TestExecutorAuthority);

#[cfg(feature = "runtime-benchmarks")]
impl pallet_inference::BenchmarkHelper<AccountId> for TestModels {
	fn register_model(owner: &AccountId, task: TaskKind) -> ModelId {
		let id = MODELS.with(|models| models.borrow().keys().max().map_or(0, |max| max + 1));
		let mut model = record(
			task,
			Architecture::Llama,
			Pricing { per_request: 10, per_output_token: 1 },
			ModelPolicy {
				verification: VerificationPolicy::Quorum { k: 2, n: 3 },
				comparison: ComparisonRule::TokenTopK(5),
				min_deadline: 2,
			},
		);
		model.owner = *owner;
		TestModels::insert(id, model);
		id
	}
}

parameter_types! {
	pub const ExpirySlash: Perbill = Perbill::from_percent(1);
	pub const FraudSlash: Perbill = Perbill::from_percent(50);
}

pub const REQUESTER: AccountId = 1;
pub const EXECUTOR: AccountId = 2;
pub const OTHER_EXECUTOR: AccountId = 3;
pub const PUBLISHER: AccountId = 4;
pub const VERIFIERS: [AccountId; 2] = [5, 6];
pub const CHALLENGER: AccountId = 7;
pub const POOR: AccountId = 8;
pub const ENDOWMENT: Balance = 1_000_000;

/// Model 0: an embedding model of dimension 2, quorum (2, 3), price 100.
pub const EMBEDDING_MODEL: ModelId = 0;
/// Model 1: a generation model, up to 8 tokens, 10 + 5 per token, optimistic.
pub const GENERATION_MODEL: ModelId = 1;
/// The shortest deadline the generation model's requests may set.
pub const GENERATION_MIN_DEADLINE: BlockNumber = 8;
/// Three numbers in, two classes out.
pub const TABULAR_MODEL: ModelId = 2;

fn file(seed: u8) -> FileRef {
	FileRef { cid: Cid::truncate_from(b"bafkreitest".to_vec()), digest: [seed; 32], size: 1 }
}

fn record(
	task: TaskKind,
	architecture: Architecture,
	pricing: Pricing<Balance>,
	policy: ModelPolicy<Balance, BlockNumber>,
) -> ModelRecord<AccountId, Balance, BlockNumber> {
	ModelRecord {
		line: 0,
		version: 1,
		owner: PUBLISHER,
		files: ModelFiles { weights: file(1), config: None, tokenizer: None },
		format: ModelFormat::Safetensors,
		architecture,
		task,
		pricing,
		policy,
		status: ModelStatus::Active,
		deposit: 0,
		published_at: 0,
	}
}

pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default()
		.build_storage()
		.expect("system genesis builds");
	let accounts = [REQUESTER, EXECUTOR, OTHER_EXECUTOR, PUBLISHER, CHALLENGER]
		.into_iter()
		.chain(VERIFIERS)
		.map(|who| (who, ENDOWMENT))
		.chain([(POOR, 10)])
		.collect();
	pallet_balances::GenesisConfig::<Test> { balances: accounts, ..Default::default() }
		.assimilate_storage(&mut storage)
		.expect("balances genesis builds");
	pallet_settlement::GenesisConfig::<Test>::default()
		.assimilate_storage(&mut storage)
		.expect("settlement genesis builds");
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		System::set_block_number(1);
		MODELS.with(|models| models.borrow_mut().clear());
		VERIFY_LATER.with(|later| *later.borrow_mut() = false);
		SUBMITTED.with(|submitted| submitted.borrow_mut().clear());
		FEEDS.with(|feeds| feeds.borrow_mut().clear());
		TestModels::insert(
			TABULAR_MODEL,
			record(
				TaskKind::TabularClassification { inputs: 3, classes: 2 },
				Architecture::Mlp,
				Pricing { per_request: 100, per_output_token: 0 },
				ModelPolicy {
					verification: VerificationPolicy::Quorum { k: 2, n: 3 },
					comparison: ComparisonRule::MaxAbs(Tolerance(1_000)),
					min_deadline: 2,
				},
			),
		);
		TestModels::insert(
			EMBEDDING_MODEL,
			record(
				TaskKind::TextEmbedding { dim: 2 },
				Architecture::Bert,
				Pricing { per_request: 100, per_output_token: 0 },
				ModelPolicy {
					verification: VerificationPolicy::Quorum { k: 2, n: 3 },
					comparison: ComparisonRule::Cosine(Tolerance(1_000)),
					min_deadline: 2,
				},
			),
		);
		TestModels::insert(
			GENERATION_MODEL,
			record(
				TaskKind::TextGeneration { max_context: 64, max_new_tokens: 8 },
				Architecture::Llama,
				Pricing { per_request: 10, per_output_token: 5 },
				ModelPolicy {
					verification: VerificationPolicy::Optimistic {
						window_blocks: 5,
						challenge_bond: 50,
					},
					comparison: ComparisonRule::TokenTopK(5),
					// A language model needs longer than the chain's floor.
					min_deadline: GENERATION_MIN_DEADLINE,
				},
			),
		);
	});
	ext
}

/// Runs `test`, then checks both pallets' invariants and that no funds were
/// created or destroyed.
pub fn run_test(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		let issuance = Balances::total_issuance();
		test();
		Inference::do_try_state().expect("inference invariants hold");
		Settlement::do_try_state().expect("settlement invariants hold");
		assert_eq!(Balances::total_issuance(), issuance, "no funds created or destroyed");
	});
}
