//! A runtime for pallet-verification's tests: real Balances and Settlement
//! (so that stakes, bonds and slashes really move funds), an inference
//! stand-in that records the verdicts it gets, randomness the test
//! controls, and real sr25519 VRFs (each account's key derived from its
//! number).

use core::cell::RefCell;

use frame_support::{
	assert_ok, derive_impl, parameter_types,
	traits::{ConstU128, ConstU32, ConstU64, ConstU8, Hooks, Randomness},
};
use sp_core::{sr25519, Pair, H256};
use sp_runtime::{BuildStorage, DispatchError, DispatchResult, Perbill, Permill};
use veritas_primitives::{
	inference::{Attestation, InferenceHooks, SubmittedResult, Verdict, VerificationHooks},
	model::{
		Architecture, Cid, ComparisonRule, FileRef, ModelFiles, ModelFormat, ModelId, ModelInspect,
		ModelLineId, ModelPolicy, ModelRecord, ModelStatus, Pricing, TaskKind, VerificationPolicy,
	},
	settlement::RequestId,
	sortition::{self, SortitionInput, SortitionKey, SortitionProof},
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

/// The sr25519 key of account `who`.
pub fn key_of(who: AccountId) -> sr25519::Pair {
	sr25519::Pair::from_seed(&sp_io::hashing::blake2_256(&who.to_le_bytes()))
}

/// Accounts' VRFs with [`key_of`]. The off-chain worker asks only for the
/// accounts of its mock keystore (`UintAuthorityId::set_all_keys`).
pub struct TestSortitionKeys;

impl SortitionKey<AccountId> for TestSortitionKeys {
	fn verify(who: &AccountId, input: &SortitionInput, proof: &SortitionProof) -> Option<u128> {
		sortition::verify(&key_of(*who).public(), input, proof)
	}

	fn prove(who: &AccountId, input: &SortitionInput) -> Option<SortitionProof> {
		Some(sortition::prove(&key_of(*who), input))
	}
}

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
/// Verifiers registered in a test sit in rounds opened this many blocks
/// later; those of `run_test` are registered at genesis, eligible at once.
pub const ELIGIBILITY_DELAY: BlockNumber = 3;

impl pallet_verification::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type Settlement = Settlement;
	type Inference = TestInference;
	type Requests = TestInference;
	type Models = TestModels;
	type VerifierAuthority = TestVerifierAuthority;
	type Randomness = TestRandomness;
	type SortitionKey = TestSortitionKeys;
	type EligibilityDelay = ConstU64<ELIGIBILITY_DELAY>;
	type MinVerifierStake = ConstU128<MIN_STAKE>;
	type MaxVerifiers = ConstU32<7>;
	type UnbondingPeriod = ConstU64<10>;
	type AttestationPeriod = ConstU64<ATTESTATION_PERIOD>;
	type ChallengeCommitteeSize = ConstU8<3>;
	type DisputeCommitteeSize = ConstU8<3>;
	type SampledWindow = ConstU64<SAMPLED_WINDOW>;
	type SampledChallengeBond = ConstU128<SAMPLED_BOND>;
	type WrongAttestationSlash = WrongAttestationSlash;
	type MaxDuePerBlock = ConstU32<4>;
	// More than a batch: a test opens more rounds in a block than a key
	// attests in one transaction.
	type MaxOpeningPerBlock = ConstU32<8>;
	type MaxAttestationsPerBatch = ConstU32<4>;
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

	fn verifier_with_key(index: u32) -> AccountId {
		1_000 + u64::from(index)
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

/// A chain with funded accounts and no verifier: the benchmarks'.
#[cfg_attr(not(feature = "runtime-benchmarks"), allow(dead_code))]
pub fn new_test_ext() -> sp_io::TestExternalities {
	test_ext_with(&[])
}

/// A chain with every account in [`VERIFIERS`] registered at genesis with
/// [`MIN_STAKE`] × 10: eligible from the first block.
pub fn new_test_ext_with_verifiers() -> sp_io::TestExternalities {
	test_ext_with(&VERIFIERS)
}

fn test_ext_with(verifiers: &[AccountId]) -> sp_io::TestExternalities {
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
	pallet_verification::GenesisConfig::<Test> {
		verifiers: verifiers.iter().map(|who| (*who, MIN_STAKE * 10)).collect(),
	}
	.assimilate_storage(&mut storage)
	.expect("verification genesis builds");
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

/// Runs `test` with every verifier in [`VERIFIERS`] registered at genesis
/// with [`MIN_STAKE`] × 10, then checks the invariants and that no funds
/// were created or destroyed.
pub fn run_test(test: impl FnOnce()) {
	new_test_ext_with_verifiers().execute_with(|| {
		let issuance = Balances::total_issuance();
		test();
		Verification::do_try_state().expect("verification invariants hold");
		Settlement::do_try_state().expect("settlement invariants hold");
		assert_eq!(Balances::total_issuance(), issuance, "no funds created or destroyed");
	});
}

// --- Helpers the tests share ------------------------------------------------

/// The digest a verifier that got another output attests with.
pub const OTHER_OUTPUT: [u8; 32] = [8; 32];

/// `who`'s VRF proof for `request`'s open round (whether or not it is
/// selected).
pub fn proof(who: AccountId, request: RequestId) -> SortitionProof {
	let record = Verifications::<Test>::get(request).expect("under verification");
	let round = record.sortition.expect("a round is open");
	let input = SortitionInput { seed: round.seed, request, round: record.round_number() };
	sortition::prove(&key_of(who), &input)
}

/// The registered verifiers who may attest in `request`'s open round: their
/// VRFs select them, and they have not voted in this verification yet. In
/// account order.
pub fn selected(request: RequestId) -> Vec<AccountId> {
	let record = Verifications::<Test>::get(request).expect("under verification");
	let mut verifiers: Vec<AccountId> = Verifiers::<Test>::iter_keys().collect();
	verifiers.sort();
	verifiers
		.into_iter()
		.filter(|who| !record.has_voted(who) && !record.sat_in_first_round(who))
		.filter(|who| {
			Verification::check_selected(who, request, &record, &proof(*who, request)).is_ok()
		})
		.collect()
}

/// The registered verifiers the VRFs do not select for `request`'s round.
pub fn not_selected(request: RequestId) -> Vec<AccountId> {
	let chosen = selected(request);
	let mut verifiers: Vec<AccountId> =
		Verifiers::<Test>::iter_keys().filter(|who| !chosen.contains(who)).collect();
	verifiers.sort();
	verifiers
}

/// Moves to the next block, where `request`'s round opens, with a seed
/// under which exactly `members` verifiers may attest (the test's
/// committee), which it returns.
pub fn open_round_with(request: RequestId, members: usize) -> Vec<AccountId> {
	open_round_where(request, || selected(request).len() == members);
	selected(request)
}

/// Moves to the next block, where `request`'s round opens, with the first
/// seed under which `holds` (asked once the round is open).
pub fn open_round_where(request: RequestId, holds: impl Fn() -> bool) {
	use frame_support::storage::{with_transaction, TransactionOutcome};
	let found = (0..=u8::MAX).find(|&seed| {
		TestRandomness::set_seed(seed);
		with_transaction(|| {
			next_block();
			TransactionOutcome::Rollback(Ok::<_, DispatchError>(holds()))
		}) == Ok(true)
	});
	assert!(found.is_some(), "no seed opens request {request}'s round as the test needs");
	next_block();
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
	assert_ok!(Verification::attest(
		RuntimeOrigin::signed(who),
		request,
		attestation,
		digest,
		proof(who, request)
	));
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
	ActiveVerifiers::<Test>::get().iter().any(|listed| listed.verifier == who)
}

/// Moves to the next block, where a round asked for in this one opens.
pub fn next_block() {
	run_to(System::block_number() + 1);
}

/// Request 1's optimistic result (window 5, bond 50), challenged by
/// [`CHALLENGER`] in block 2; returns in block 3, with the challenge's
/// round open and three verifiers selected, which it gives.
pub fn challenged_and_opened() -> Vec<AccountId> {
	submit(1, EXECUTOR, optimistic(5, 50));
	run_to(2);
	assert_ok!(Verification::challenge(RuntimeOrigin::signed(CHALLENGER), 1));
	open_round_with(1, 3)
}

/// Request 1's result under `quorum(k, n)`, submitted in block 1; returns in
/// block 2 with its round open and `n` verifiers selected, which it gives.
pub fn opened_quorum(k: u8, n: u8) -> Vec<AccountId> {
	submit(1, EXECUTOR, quorum(k, n));
	open_round_with(1, n.into())
}
