//! A runtime for pallet-verification's tests: real Balances and Settlement
//! (so that stakes, bonds and slashes really move funds), an inference
//! stand-in that records the verdicts it gets, and randomness the test
//! controls.

use core::cell::RefCell;

use frame_support::{
	assert_ok, derive_impl, parameter_types,
	traits::{ConstU128, ConstU32, ConstU64, ConstU8, Hooks, Randomness},
};
use sp_core::H256;
use sp_runtime::{BuildStorage, DispatchError, DispatchResult, Perbill, Permill};
use veritas_primitives::{
	inference::{Attestation, InferenceHooks, SubmittedResult, Verdict, VerificationHooks},
	model::{
		Architecture, Cid, ComparisonRule, FileRef, ModelFiles, ModelFormat, ModelId, ModelInspect,
		ModelLineId, ModelPolicy, ModelRecord, ModelStatus, Pricing, TaskKind, VerificationPolicy,
	},
	settlement::RequestId,
};

use crate as pallet_verification;
use crate::{ActiveVerifiers, Event, Stage, Verifications, Verifiers};

type Block = frame_system::mocking::MockBlock<Test>;
pub type AccountId = u64;
pub type Balance = u128;
pub type BlockNumber = u64;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Settlement: pallet_settlement,
		Verification: pallet_verification,
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

parameter_types! {
	pub const Treasury: AccountId = TREASURY;
	pub const Share: Perbill = Perbill::from_percent(10);
	pub const NoShowSlash: Perbill = Perbill::from_percent(1);
	pub const WrongAttestationSlash: Perbill = Perbill::from_percent(10);
}

impl pallet_settlement::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Treasury = Treasury;
	type PublisherRoyalty = Share;
	type VerifierFeeRate = Share;
	type ProtocolFeeRate = Share;
	type ChallengerReward = Share;
	type VerifierReward = Share;
}

thread_local! {
	static VERDICTS: RefCell<Vec<(RequestId, Verdict<AccountId>)>> = const { RefCell::new(Vec::new()) };
	static REFUSE_VERDICTS: RefCell<bool> = const { RefCell::new(false) };
	static SEED: RefCell<u8> = const { RefCell::new(0) };
	static REQUESTS: RefCell<std::collections::BTreeMap<RequestId, veritas_primitives::inference::RequestToCheck>> =
		const { RefCell::new(std::collections::BTreeMap::new()) };
}

/// Records verdicts (or refuses them, after `refuse_verdicts()`).
pub struct TestInference;

impl TestInference {
	pub fn verdicts() -> Vec<(RequestId, Verdict<AccountId>)> {
		VERDICTS.with(|verdicts| verdicts.borrow().clone())
	}

	pub fn refuse_verdicts() {
		REFUSE_VERDICTS.with(|refuse| *refuse.borrow_mut() = true);
	}
}

impl InferenceHooks<AccountId> for TestInference {
	fn on_verdict(request: RequestId, verdict: Verdict<AccountId>) -> DispatchResult {
		if REFUSE_VERDICTS.with(|refuse| *refuse.borrow()) {
			return Err(DispatchError::Other("not waiting for a verdict"));
		}
		VERDICTS.with(|verdicts| verdicts.borrow_mut().push((request, verdict)));
		Ok(())
	}
}

impl veritas_primitives::inference::RequestInspect for TestInference {
	fn request_to_check(
		request: RequestId,
	) -> Option<veritas_primitives::inference::RequestToCheck> {
		REQUESTS.with(|requests| requests.borrow().get(&request).cloned())
	}
}

impl TestInference {
	/// What the stand-in says of `request` to the verifier's worker.
	pub fn insert_request(
		request: RequestId,
		submitted: veritas_primitives::inference::RequestToCheck,
	) {
		REQUESTS.with(|requests| requests.borrow_mut().insert(request, submitted));
	}
}

/// A registry of one model, 0.
pub struct TestModels;

pub fn model_record() -> ModelRecord<AccountId, Balance, BlockNumber> {
	let file =
		FileRef { cid: Cid::truncate_from(b"bafkreimodel".to_vec()), digest: [1; 32], size: 10 };
	ModelRecord {
		line: 0,
		version: 1,
		owner: 0,
		files: ModelFiles { weights: file, config: None, tokenizer: None },
		format: ModelFormat::Safetensors,
		architecture: Architecture::Mlp,
		task: TaskKind::TabularRegression { inputs: 1 },
		pricing: Pricing { per_request: 1, per_output_token: 0 },
		policy: quorum(2, 3),
		status: ModelStatus::Active,
		deposit: 0,
		published_at: 0,
	}
}

impl ModelInspect<AccountId, Balance, BlockNumber> for TestModels {
	fn model(id: ModelId) -> Option<ModelRecord<AccountId, Balance, BlockNumber>> {
		(id == 0).then(model_record)
	}

	fn latest_active(_: ModelLineId) -> Option<ModelId> {
		Some(0)
	}

	fn terms(_: ModelId) -> veritas_primitives::model::TermsRevision {
		0
	}

	fn terms_before_this_block(_: ModelId) -> veritas_primitives::model::TermsRevision {
		0
	}
}

veritas_primitives::impl_mock_signing!(Test, RuntimeCall, AccountId, TestVerifierAuthority);

/// The same seed until the test changes it with `set_seed`.
pub struct TestRandomness;

impl TestRandomness {
	pub fn set_seed(seed: u8) {
		SEED.with(|current| *current.borrow_mut() = seed);
	}
}

impl Randomness<H256, BlockNumber> for TestRandomness {
	fn random(subject: &[u8]) -> (H256, BlockNumber) {
		let seed = SEED.with(|seed| *seed.borrow());
		(
			H256(sp_io::hashing::blake2_256(&codec::Encode::encode(&(subject, seed)))),
			System::block_number(),
		)
	}
}

pub const MIN_STAKE: Balance = 1_000;
pub const ATTESTATION_PERIOD: BlockNumber = 4;
pub const SAMPLED_WINDOW: BlockNumber = 6;
pub const SAMPLED_BOND: Balance = 70;

impl pallet_verification::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type Settlement = Settlement;
	type Inference = TestInference;
	type Requests = TestInference;
	type Models = TestModels;
	type VerifierAuthority = TestVerifierAuthority;
	type Randomness = TestRandomness;
	type MinVerifierStake = ConstU128<MIN_STAKE>;
	type MaxVerifiers = ConstU32<7>;
	type UnbondingPeriod = ConstU64<10>;
	type AttestationPeriod = ConstU64<ATTESTATION_PERIOD>;
	type ChallengeCommitteeSize = ConstU8<3>;
	type DisputeCommitteeSize = ConstU8<3>;
	type SampledWindow = ConstU64<SAMPLED_WINDOW>;
	type SampledChallengeBond = ConstU128<SAMPLED_BOND>;
	type NoShowSlash = NoShowSlash;
	type WrongAttestationSlash = WrongAttestationSlash;
	type MaxDuePerBlock = ConstU32<4>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = TestBenchmarkHelper;
}

/// Submits results straight through the hook, as pallet-inference would.
#[cfg(feature = "runtime-benchmarks")]
pub struct TestBenchmarkHelper;

#[cfg(feature = "runtime-benchmarks")]
impl pallet_verification::BenchmarkHelper<AccountId, Balance, BlockNumber> for TestBenchmarkHelper {
	fn submitted_result(
		executor: &AccountId,
		policy: ModelPolicy<Balance, BlockNumber>,
	) -> RequestId {
		let request =
			pallet_verification::Verifications::<Test>::iter_keys().max().map_or(0, |max| max + 1);
		submit(request, *executor, policy);
		request
	}
}

pub const EXECUTOR: AccountId = 1;
pub const CHALLENGER: AccountId = 2;
/// Registered verifiers in `run_test`.
pub const VERIFIERS: [AccountId; 5] = [11, 12, 13, 14, 15];
/// Funded, not registered.
pub const SPARE: AccountId = 16;
pub const POOR: AccountId = 17;
/// Funded, not registered.
pub const EXTRA: AccountId = 18;
pub const ENDOWMENT: Balance = 1_000_000;
pub const OUTPUT: [u8; 32] = [7; 32];

pub fn policy(
	verification: VerificationPolicy<Balance, BlockNumber>,
	comparison: ComparisonRule,
) -> ModelPolicy<Balance, BlockNumber> {
	ModelPolicy { verification, comparison, min_deadline: 2 }
}

pub fn quorum(k: u8, n: u8) -> ModelPolicy<Balance, BlockNumber> {
	policy(
		VerificationPolicy::Quorum { k, n },
		ComparisonRule::Cosine(veritas_primitives::model::Tolerance(1_000)),
	)
}

pub fn optimistic(
	window_blocks: BlockNumber,
	challenge_bond: Balance,
) -> ModelPolicy<Balance, BlockNumber> {
	policy(VerificationPolicy::Optimistic { window_blocks, challenge_bond }, ComparisonRule::Exact)
}

pub fn sampled(percent: u32) -> ModelPolicy<Balance, BlockNumber> {
	policy(
		VerificationPolicy::Sampled { permill: Permill::from_percent(percent), k: 2, n: 3 },
		ComparisonRule::MaxAbs(veritas_primitives::model::Tolerance(1_000)),
	)
}

/// pallet-inference's side: a result lands for `request`.
pub fn submit(request: RequestId, executor: AccountId, policy: ModelPolicy<Balance, BlockNumber>) {
	<Verification as VerificationHooks<_, _, _>>::on_result_submitted(SubmittedResult {
		request,
		model: 0,
		executor,
		policy,
		output_digest: OUTPUT,
	})
	.expect("the verification starts");
}

/// Moves to block `n`, running the hooks of every block on the way.
pub fn run_to(n: BlockNumber) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		Verification::on_initialize(next);
	}
}

pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default()
		.build_storage()
		.expect("system genesis builds");
	let accounts = [EXECUTOR, CHALLENGER, SPARE, EXTRA]
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
		VERDICTS.with(|verdicts| verdicts.borrow_mut().clear());
		REFUSE_VERDICTS.with(|refuse| *refuse.borrow_mut() = false);
		REQUESTS.with(|requests| requests.borrow_mut().clear());
		TestRandomness::set_seed(0);
	});
	ext
}

/// Runs `test` with every verifier in [`VERIFIERS`] registered at
/// [`MIN_STAKE`] × 10, then checks the invariants and that no funds were
/// created or destroyed.
pub fn run_test(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		let issuance = Balances::total_issuance();
		for verifier in VERIFIERS {
			Verification::register_verifier(RuntimeOrigin::signed(verifier), MIN_STAKE * 10)
				.expect("registers");
		}
		test();
		Verification::do_try_state().expect("verification invariants hold");
		Settlement::do_try_state().expect("settlement invariants hold");
		assert_eq!(Balances::total_issuance(), issuance, "no funds created or destroyed");
	});
}

// --- Helpers the tests share ------------------------------------------------

/// The digest a verifier that got another output attests with.
pub const OTHER_OUTPUT: [u8; 32] = [8; 32];

pub fn committee(request: RequestId) -> Vec<AccountId> {
	Verifications::<Test>::get(request).expect("under verification").committee.into_inner()
}

pub fn stage(request: RequestId) -> Stage {
	Verifications::<Test>::get(request).expect("under verification").stage
}

pub fn attest(who: AccountId, request: RequestId, attestation: Attestation) {
	let digest = match attestation {
		Attestation::Match => OUTPUT,
		Attestation::Mismatch => OTHER_OUTPUT,
		Attestation::Unrunnable(_) => [0; 32],
	};
	assert_ok!(Verification::attest(RuntimeOrigin::signed(who), request, attestation, digest));
}

pub fn stake(who: AccountId) -> Balance {
	Verifiers::<Test>::get(who).expect("registered").stake
}

pub fn reputation(who: AccountId) -> i32 {
	Verifiers::<Test>::get(who).expect("registered").reputation
}

pub fn events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::Verification(event) => Some(event),
			_ => None,
		})
		.collect()
}

pub fn verdict(request: RequestId) -> Option<Verdict<AccountId>> {
	TestInference::verdicts().into_iter().find(|(id, _)| *id == request).map(|(_, v)| v)
}

pub fn is_active(who: AccountId) -> bool {
	ActiveVerifiers::<Test>::get().iter().any(|(member, _)| *member == who)
}

/// Moves to the next block, where a committee asked for in this one is
/// drawn.
pub fn next_block() {
	run_to(System::block_number() + 1);
}

/// Request 1's optimistic result (window 5, bond 50), challenged by
/// [`CHALLENGER`] in block 2; returns in block 3, with the challenge's
/// committee drawn.
pub fn challenged_and_drawn() {
	submit(1, EXECUTOR, optimistic(5, 50));
	run_to(2);
	assert_ok!(Verification::challenge(RuntimeOrigin::signed(CHALLENGER), 1));
	next_block();
}

/// Request 1's result under `quorum(k, n)`, submitted in block 1; returns in
/// block 2 with its committee, which it gives.
pub fn drawn_quorum(k: u8, n: u8) -> Vec<AccountId> {
	submit(1, EXECUTOR, quorum(k, n));
	run_to(2);
	committee(1)
}
