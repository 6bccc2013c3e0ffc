//! Each pallet's `Config` for the Veritas runtime.

use frame_support::{
	derive_impl,
	dispatch::DispatchClass,
	parameter_types,
	traits::Randomness,
	traits::{ConstU128, ConstU32, ConstU64, ConstU8, VariantCountOf},
	weights::{
		constants::{RocksDbWeight, WEIGHT_REF_TIME_PER_SECOND},
		ConstantMultiplier, Weight,
	},
	PalletId,
};
use frame_system::limits::{BlockLength, BlockWeights};
use pallet_transaction_payment::{FungibleAdapter, Multiplier, TargetedFeeAdjustment};
use sp_runtime::{
	traits::{AccountIdConversion, BlakeTwo256, Hash as HashT, One},
	FixedPointNumber, Perbill, Perquintill,
};

// `derive_impl` injects `RuntimeOrigin`, `RuntimeCall`, `PalletInfo` and
// `RuntimeTask` by name, so they must be in scope here.
use super::{
	currency::{MICRO_VRT, MILLI_VRT, VRT},
	time::{DAYS, EPOCH_DURATION_IN_SLOTS, HOURS, MILLISECS_PER_BLOCK, MINUTES, SLOT_DURATION},
	AccountId, Babe, Balance, Balances, Block, BlockNumber, Hash, Inference, Models, Nonce, Oracle,
	PalletInfo, Runtime, RuntimeCall, RuntimeEvent, RuntimeFreezeReason, RuntimeHoldReason,
	RuntimeOrigin, RuntimeTask, Settlement, System, Verification, VERSION,
};
use veritas_primitives::model::{PolicyBounds, MAX_COMMITTEE_SIZE};

/// Operational transactions (for example GRANDPA equivocation reports) may use
/// the block space that normal transactions leave.
const NORMAL_DISPATCH_RATIO: Perbill = Perbill::from_percent(75);

/// The largest block in bytes.
const MAX_BLOCK_LENGTH: u32 = 5 * 1024 * 1024;

/// How long a settled request stays in storage, and with it the record of
/// the model version it ran.
const REQUEST_RETENTION: BlockNumber = DAYS;

/// The least an account may hold; below it the account is reaped.
pub const EXISTENTIAL_DEPOSIT: Balance = MILLI_VRT;

parameter_types! {
	pub const BlockHashCount: BlockNumber = 2400;
	pub const Version: sp_version::RuntimeVersion = VERSION;

	/// Two seconds of compute per block: two thirds of a 3 s slot, leaving the
	/// rest for propagation and import.
	pub RuntimeBlockWeights: BlockWeights = BlockWeights::with_sensible_defaults(
		Weight::from_parts(2u64 * WEIGHT_REF_TIME_PER_SECOND, u64::MAX),
		NORMAL_DISPATCH_RATIO,
	);
	pub RuntimeBlockLength: BlockLength = BlockLength::builder()
		.max_length(MAX_BLOCK_LENGTH)
		.modify_max_length_for_class(DispatchClass::Normal, |max| {
			*max = NORMAL_DISPATCH_RATIO * MAX_BLOCK_LENGTH
		})
		.build();
	/// The generic Substrate prefix, so that addresses look familiar to tools.
	pub const SS58Prefix: u16 = 42;
}

#[derive_impl(frame_system::config_preludes::SolochainDefaultConfig)]
impl frame_system::Config for Runtime {
	type Block = Block;
	type BlockWeights = RuntimeBlockWeights;
	type BlockLength = RuntimeBlockLength;
	type AccountId = AccountId;
	type Nonce = Nonce;
	type Hash = Hash;
	type BlockHashCount = BlockHashCount;
	type DbWeight = RocksDbWeight;
	type Version = Version;
	type AccountData = pallet_balances::AccountData<Balance>;
	type SS58Prefix = SS58Prefix;
	type MaxConsumers = ConstU32<16>;
}

impl pallet_babe::Config for Runtime {
	type EpochDuration = ConstU64<EPOCH_DURATION_IN_SLOTS>;
	type ExpectedBlockTime = ConstU64<MILLISECS_PER_BLOCK>;
	// Validators are fixed at genesis (there is no session or staking
	// pallet): each epoch keeps the same authorities, with fresh randomness.
	type EpochChangeTrigger = pallet_babe::SameAuthoritiesForever;
	type DisabledValidators = ();
	type WeightInfo = ();
	type MaxAuthorities = ConstU32<32>;
	type MaxNominators = ConstU32<0>;
	// No key-ownership proofs without a session pallet, so equivocations
	// cannot be reported yet (as for GRANDPA below).
	type KeyOwnerProof = sp_core::Void;
	type EquivocationReportSystem = ();
}

impl pallet_grandpa::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = ();
	type MaxAuthorities = ConstU32<32>;
	type MaxNominators = ConstU32<0>;
	type MaxSetIdSessionEntries = ConstU64<0>;
	// No session pallet and no equivocation reports yet: authorities are fixed
	// at genesis, so there is no key-ownership proof to give.
	type KeyOwnerProof = sp_core::Void;
	type EquivocationReportSystem = ();
}

impl pallet_timestamp::Config for Runtime {
	type Moment = u64;
	type OnTimestampSet = Babe;
	// A BABE slot is twice the minimum period.
	type MinimumPeriod = ConstU64<{ SLOT_DURATION / 2 }>;
	type WeightInfo = ();
}

impl pallet_balances::Config for Runtime {
	type MaxLocks = ConstU32<50>;
	type MaxReserves = ();
	type ReserveIdentifier = [u8; 8];
	type Balance = Balance;
	type RuntimeEvent = RuntimeEvent;
	type DustRemoval = ();
	type ExistentialDeposit = ConstU128<EXISTENTIAL_DEPOSIT>;
	type AccountStore = System;
	type WeightInfo = pallet_balances::weights::SubstrateWeight<Runtime>;
	type FreezeIdentifier = RuntimeFreezeReason;
	type MaxFreezes = VariantCountOf<RuntimeFreezeReason>;
	type RuntimeHoldReason = RuntimeHoldReason;
	type RuntimeFreezeReason = RuntimeFreezeReason;
	type DoneSlashHandler = ();
}

/// What one picosecond of a block's compute costs, in planck (10⁻¹² VRT):
/// a full block's normal share (1.5 s) costs 15 VRT at the lowest
/// multiplier.
pub const FEE_PER_PICOSECOND: Balance = 10;

/// What one byte of a transaction costs, in planck: 10 µVRT, so that filling
/// a block's normal share (3.75 MiB) with bytes costs about 39 VRT, more
/// than filling it with compute.
pub const FEE_PER_BYTE: Balance = 10 * MICRO_VRT;

parameter_types! {
	/// Blocks more than a quarter full (of their normal share) make the
	/// next one dearer, emptier ones cheaper, as polkadot-sdk's relay chains
	/// do.
	pub const TargetBlockFullness: Perquintill = Perquintill::from_percent(25);
	/// How fast: about 2.4% an hour of full blocks.
	pub AdjustmentVariable: Multiplier = Multiplier::saturating_from_rational(3, 100_000);
	/// Fees never fall below the base: censoring a window always costs at
	/// least what `FEE_PER_PICOSECOND` says.
	pub MinimumMultiplier: Multiplier = Multiplier::one();
	pub MaximumMultiplier: Multiplier = Multiplier::saturating_from_integer(1_000_000);
}

/// The fee multiplier's update after each block.
pub type FeeAdjustment = TargetedFeeAdjustment<
	Runtime,
	TargetBlockFullness,
	AdjustmentVariable,
	MinimumMultiplier,
	MaximumMultiplier,
>;

impl pallet_transaction_payment::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	// Fees are burned until the settlement pallet gives them a treasury.
	type OnChargeTransaction = FungibleAdapter<Balances, ()>;
	type OperationalFeeMultiplier = ConstU8<5>;
	type WeightToFee = ConstantMultiplier<Balance, ConstU128<FEE_PER_PICOSECOND>>;
	type LengthToFee = ConstantMultiplier<Balance, ConstU128<FEE_PER_BYTE>>;
	type FeeMultiplierUpdate = FeeAdjustment;
	type WeightInfo = pallet_transaction_payment::weights::SubstrateWeight<Runtime>;
}

impl pallet_sudo::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type WeightInfo = pallet_sudo::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	/// Held for every stored model record or line, whatever its size.
	pub const ModelDepositBase: Balance = VRT;
	/// Held for each byte of a stored model record or line: a typical
	/// version (three files) costs about 5 VRT in all.
	pub const ModelDepositPerByte: Balance = 10 * MILLI_VRT;
}

parameter_types! {
	/// What a publisher may set in a model's policy. A request's deadline
	/// runs from 5 blocks (15 s, enough for a result to land) to a day, and a
	/// model's own minimum falls in that range; an optimistic window holds an
	/// executor's result (and its capacity) for at most a day; a challenge
	/// bond is at least 1 VRT (a zero bond cannot be held) and at most
	/// 10,000 VRT.
	pub const ModelPolicyBounds: PolicyBounds<Balance, BlockNumber> = PolicyBounds {
		max_committee: MAX_COMMITTEE_SIZE,
		max_window: DAYS,
		challenge_bond: (VRT, 10_000 * VRT),
		min_deadline: (MIN_REQUEST_DEADLINE, MAX_REQUEST_DEADLINE),
	};
}

/// The shortest and the longest deadline a request may have, in blocks.
const MIN_REQUEST_DEADLINE: BlockNumber = 5;
const MAX_REQUEST_DEADLINE: BlockNumber = DAYS;

impl pallet_models::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type DepositBase = ModelDepositBase;
	type DepositPerByte = ModelDepositPerByte;
	type MaxVersions = ConstU32<32>;
	type PolicyBounds = ModelPolicyBounds;
	type ForceOrigin = frame_system::EnsureRoot<AccountId>;
	// A model with open requests cannot retire.
	type Usage = Inference;
	// A retired model's record stays as long as the requests that ran it.
	type TombstonePeriod = ConstU32<REQUEST_RETENTION>;
	type WeightInfo = pallet_models::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	/// The treasury's account, derived from this id: nobody holds its key.
	pub const TreasuryPalletId: PalletId = PalletId(*b"vrt/trsy");
	pub TreasuryAccount: AccountId = TreasuryPalletId::get().into_account_truncating();
	/// The model's publisher gets this share of what a request pays for the
	/// model; the executor gets the rest.
	pub const PublisherRoyalty: Perbill = Perbill::from_percent(10);
	/// Each verifier is paid this share of the model's cost: it re-runs (or
	/// cheaply checks) the same model.
	pub const VerifierFeeRate: Perbill = Perbill::from_percent(20);
	/// The treasury's fee on every request.
	pub const ProtocolFeeRate: Perbill = Perbill::from_percent(5);
	/// Of a fraudulent executor's slash, the challenger gets this share...
	pub const ChallengerReward: Perbill = Perbill::from_percent(30);
	/// ...the verifiers who proved it share this...
	pub const VerifierReward: Perbill = Perbill::from_percent(20);
	// ...and the treasury keeps the rest.
}

impl pallet_settlement::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Treasury = TreasuryAccount;
	type PublisherRoyalty = PublisherRoyalty;
	type VerifierFeeRate = VerifierFeeRate;
	type ProtocolFeeRate = ProtocolFeeRate;
	type ChallengerReward = ChallengerReward;
	type VerifierReward = VerifierReward;
}

/// The VRF output the parent block's author signed with its BABE claim
/// (BABE's `ParentBlockRandomness`), mixed with the subject.
///
/// That output is fixed by the author's key and the slot, so the author
/// cannot grind it by choosing what its block holds, as it could a block
/// hash; its only choice is to withhold its block (docs/security.md). Every
/// block carries one (primary and secondary VRF slots). The first block's
/// parent is genesis, which has none: it uses the epoch's randomness.
pub struct BabeBlockRandomness;

/// The VRF output the author of the block being built signed with its BABE
/// claim (the pre-output in its pre-digest, which the node verified on
/// import), mixed with the subject: randomness that did not exist, for
/// anyone but that author, when the block's transactions were signed.
///
/// A request's executor is drawn from it, so that a requester cannot time
/// its request to land on an executor of its choosing (docs/security.md).
/// Outside a block BABE authored (genesis-built test states, benchmarks) it
/// is [`BabeBlockRandomness`].
pub struct BabeCurrentBlockRandomness;

impl Randomness<Hash, BlockNumber> for BabeCurrentBlockRandomness {
	fn random(subject: &[u8]) -> (Hash, BlockNumber) {
		let pre_output = pallet_babe::Initialized::<Runtime>::get().flatten().and_then(|digest| {
			digest.vrf_signature().map(|signature| codec::Encode::encode(&signature.pre_output))
		});
		match pre_output {
			Some(pre_output) => (
				BlakeTwo256::hash_of(&(b"veritas/block-vrf", pre_output, subject)),
				System::block_number(),
			),
			None => BabeBlockRandomness::random(subject),
		}
	}
}

impl Randomness<Hash, BlockNumber> for BabeBlockRandomness {
	fn random(subject: &[u8]) -> (Hash, BlockNumber) {
		match pallet_babe::ParentBlockRandomness::<Runtime>::random(subject) {
			(Some(seed), block) => (seed, block),
			(None, block) => {
				let epoch = pallet_babe::Randomness::<Runtime>::get();
				(BlakeTwo256::hash_of(&(epoch, subject)), block)
			},
		}
	}
}

parameter_types! {
	pub const ExpirySlash: Perbill = Perbill::from_percent(1);
	pub const FraudSlash: Perbill = Perbill::from_percent(50);
}

impl pallet_inference::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type Models = Models;
	type Settlement = Settlement;
	type Verification = Verification;
	type Feeds = Oracle;
	// The output of the block that includes the request, which its
	// requester cannot know when it signs.
	type Randomness = BabeCurrentBlockRandomness;
	type MinExecutorStake = ConstU128<{ 100 * VRT }>;
	type MaxModelsPerExecutor = ConstU32<16>;
	type MaxExecutorsPerModel = ConstU32<64>;
	type MaxCapacity = ConstU32<64>;
	type UnbondingPeriod = ConstU32<HOURS>;
	type MinDeadline = ConstU32<MIN_REQUEST_DEADLINE>;
	type MaxDeadline = ConstU32<MAX_REQUEST_DEADLINE>;
	// A burst of requests made in one block shares its deadline block: 512
	// (4 KiB a block's list) takes three blocks of a 50-a-second load.
	type MaxRequestsPerBlock = ConstU32<512>;
	// Twenty seconds of a 50-a-second load per model may wait for capacity
	// (12 KiB a line); the runtime's hook-budget test holds the start of a
	// block serving 256 places among 16 lines to its share of the block.
	type MaxWaitingPerModel = ConstU32<1024>;
	type MaxWaitingModels = ConstU32<16>;
	type MaxAssignedPerBlock = ConstU32<256>;
	// An executor never holds more open requests than its capacity, so one
	// batch a block answers all of them; at the longest outputs (16 KiB) a
	// full batch is 27% of a block's length
	// (`a_full_batch_fits_in_a_third_of_a_block`).
	type MaxAnswersPerBatch = ConstU32<64>;
	type ExpirySlash = ExpirySlash;
	type FraudSlash = FraudSlash;
	type RetentionPeriod = ConstU32<REQUEST_RETENTION>;
	type ExecutorAuthority = pallet_inference::ExecutorAuthority;
	type WeightInfo = pallet_inference::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = InferenceBenchmarkModels;
}

parameter_types! {
	pub const WrongAttestationSlash: Perbill = Perbill::from_percent(10);
}

impl pallet_verification::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type Settlement = Settlement;
	type Inference = Inference;
	type Requests = Inference;
	type Models = Models;
	type VerifierAuthority = pallet_verification::VerifierAuthority;
	// The VRF output of the block before: for a round opened on the block
	// after a result, that of the block that carried it (docs/security.md).
	type Randomness = BabeBlockRandomness;
	type SortitionKey = veritas_primitives::sortition::Sr25519Accounts;
	// A BABE epoch's randomness is known from the start of the epoch before,
	// so an author knows its own slots' VRF outputs (the seeds of rounds
	// opened after its blocks) up to two epochs ahead. A verifier sits in
	// rounds opened two epochs after it registered, when no seed it could
	// have ground its key against is left.
	type EligibilityDelay = ConstU32<{ 2 * EPOCH_DURATION_IN_SLOTS as u32 }>;
	type MinVerifierStake = ConstU128<{ 100 * VRT }>;
	// Chances go by stake and a larger stake displaces the smallest, so the
	// list's length is not what keeps squatters out; it bounds the work of
	// opening a round (summing the eligible stake). 1,024 (56 KiB) keeps
	// opening a block's worth of rounds a small share of it
	// (pallet_verification's weights).
	type MaxVerifiers = ConstU32<1024>;
	type UnbondingPeriod = ConstU32<HOURS>;
	// A minute to re-run a request and attest.
	type AttestationPeriod = ConstU32<{ MINUTES }>;
	type ChallengeCommitteeSize = ConstU8<3>;
	type DisputeCommitteeSize = ConstU8<5>;
	type SampledWindow = ConstU32<{ 10 * MINUTES }>;
	type SampledChallengeBond = ConstU128<{ 10 * VRT }>;
	type WrongAttestationSlash = WrongAttestationSlash;
	// At its worst a due verification settles a dispute, releasing and
	// judging the 36 votes of both rounds (about 6.4 ms with the database's
	// costs): 24 of them fit beside the normal transactions
	// (`runtime/src/tests.rs`,
	// `every_hook_at_its_worst_fits_beside_the_normal_transactions`); more
	// spill over to the next blocks.
	type MaxDuePerBlock = ConstU32<24>;
	// Opening a round sums the eligible stake (about 0.16 ms with the
	// database's costs): 512 a block, three blocks of a 50-a-second load,
	// take 80 ms of the hooks' share.
	type MaxOpeningPerBlock = ConstU32<512>;
	// A verifier's attestations of a block in one transaction: 128 on
	// quorum(2, 3) rounds take less than a third of a block's normal weight
	// (`a_full_batch_fits_in_a_third_of_a_block`); the worker sends fewer
	// when they would be charged more than a quarter.
	type MaxAttestationsPerBatch = ConstU32<128>;
	type WeightInfo = pallet_verification::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = VerificationBenchmarkResults;
}

parameter_types! {
	/// A report within 1% of its round's value agrees.
	pub const OutlierBand: sp_runtime::Permill = sp_runtime::Permill::from_percent(1);
	pub const StrikeSlash: Perbill = Perbill::from_percent(1);
}

impl pallet_oracle::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type Settlement = Settlement;
	type AdminOrigin = frame_system::EnsureRoot<AccountId>;
	type DataNodeAuthority = pallet_oracle::DataNodeAuthority;
	type FeedDeposit = ConstU128<{ 10 * VRT }>;
	type MaxFeeds = ConstU32<64>;
	// Two blocks (6 s) at the fastest: a data node must fetch and its report
	// land within a round.
	type MinHeartbeat = ConstU32<2>;
	type MaxHeartbeat = ConstU32<HOURS>;
	type MinDataNodeStake = ConstU128<{ 100 * VRT }>;
	type MaxDataNodes = ConstU32<32>;
	type UnbondingPeriod = ConstU32<{ 2 * HOURS }>;
	type OutlierBand = OutlierBand;
	type StrikeLimit = ConstU32<3>;
	type StrikeSlash = StrikeSlash;
	type WeightInfo = pallet_oracle::weights::SubstrateWeight<Runtime>;
}

impl pallet_subscriptions::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type Settlement = Settlement;
	type Requests = Inference;
	// Every 10 minutes for a week, or every block for an hour: a finished
	// subscription's runs (21 bytes each) are removed in one go.
	type MaxRuns = ConstU32<1_024>;
	// Each run is a request drawn among up to 64 executors (about 3.5 ms
	// of weight); 16 of them fit beside every other hook at its worst
	// (`every_hook_at_its_worst_fits_beside_the_normal_transactions`), and
	// a block's worth spills into the next ones.
	type MaxRunsPerBlock = ConstU32<16>;
	type MinPeriod = ConstU32<1>;
	type RetentionPeriod = ConstU32<REQUEST_RETENTION>;
	type WeightInfo = pallet_subscriptions::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = SubscriptionBenchmarkRequests;
}

/// A model and an executor for pallet-subscriptions' benchmarks, so that the
/// subscription they open passes the inference pallet's real check.
#[cfg(feature = "runtime-benchmarks")]
pub struct SubscriptionBenchmarkRequests;

#[cfg(feature = "runtime-benchmarks")]
impl pallet_subscriptions::BenchmarkHelper<AccountId, Balance, BlockNumber>
	for SubscriptionBenchmarkRequests
{
	fn request_spec(
		subscriber: &AccountId,
	) -> veritas_primitives::subscription::RequestSpec<Balance, BlockNumber> {
		use codec::Encode;
		use veritas_primitives::{inference::*, model::*};
		let publisher = AccountId::new([0xb0; 32]);
		let executor = AccountId::new([0xb1; 32]);
		for who in [&publisher, &executor] {
			let _ = <Balances as frame_support::traits::fungible::Mutate<AccountId>>::mint_into(
				who,
				10_000 * VRT,
			);
		}
		debug_assert!(subscriber != &executor, "an executor never serves its own request");
		// Called once per subscriber: the model and its executor are made
		// the first time.
		let model = match pallet_inference::Executors::<Runtime>::get(&executor) {
			Some(serving) => *serving.models.first().expect("it serves the model"),
			None => {
				let policy = ModelPolicy {
					verification: VerificationPolicy::Quorum { k: 2, n: 3 },
					comparison: ComparisonRule::Exact,
					min_deadline: 10,
				};
				let model = benchmark_regression_model(&publisher, policy);
				Inference::register_executor(
					RuntimeOrigin::signed(executor),
					1_000 * VRT,
					pallet_inference::ServedModels::<Runtime>::truncate_from(alloc::vec![model]),
					<<Runtime as pallet_inference::Config>::MaxCapacity as frame_support::traits::Get<u32>>::get(),
				)
				.expect("the benchmark's executor registers");
				model
			},
		};
		let input = alloc::vec![F32Bits::from(1.0f32)].encode();
		veritas_primitives::subscription::RequestSpec {
			model,
			input: RequestInput::Inline(InlineInput::truncate_from(input)),
			params: InferenceParams::default(),
			max_fee: 100 * VRT,
			deadline_after: 100,
		}
	}
}

/// Registers a one-number regression model (an MLP) of `owner`'s with
/// `policy`, for the benchmarks that need requests a real model takes.
#[cfg(feature = "runtime-benchmarks")]
fn benchmark_regression_model(
	owner: &AccountId,
	policy: veritas_primitives::model::ModelPolicy<Balance, BlockNumber>,
) -> veritas_primitives::model::ModelId {
	use veritas_primitives::model::*;
	let model = pallet_models::NextModelId::<Runtime>::get();
	let file = FileRef {
		cid: Cid::truncate_from(alloc::format!("bafkreiregression{model}").into_bytes()),
		digest: [model as u8; 32],
		size: 1_000,
	};
	let spec = pallet_models::ModelSpec {
		files: ModelFiles { weights: file, config: None, tokenizer: None },
		format: ModelFormat::Safetensors,
		architecture: Architecture::Mlp,
		task: TaskKind::TabularRegression { inputs: 1 },
		pricing: Pricing { per_request: VRT, per_output_token: 0 },
		policy,
	};
	let name = ModelName::truncate_from(alloc::format!("regression-{model}").into_bytes());
	// Benchmark set-up: a failure here is a broken benchmark, loudly.
	Models::register_model(RuntimeOrigin::signed(owner.clone()), name, spec)
		.expect("the benchmark's model registers");
	model
}

/// Submits real results through the model registry and pallet-inference for
/// pallet-verification's benchmarks: a model with the given policy, the
/// executor serving it, a request from a funded requester, and its result.
#[cfg(feature = "runtime-benchmarks")]
pub struct VerificationBenchmarkResults;

#[cfg(feature = "runtime-benchmarks")]
impl pallet_verification::BenchmarkHelper<AccountId, Balance, BlockNumber>
	for VerificationBenchmarkResults
{
	fn submitted_result(
		executor: &AccountId,
		policy: veritas_primitives::model::ModelPolicy<Balance, BlockNumber>,
	) -> veritas_primitives::settlement::RequestId {
		use codec::Encode;
		use veritas_primitives::{inference::*, model::Cid};
		let model = benchmark_regression_model(executor, policy);
		let origin = || RuntimeOrigin::signed(executor.clone());
		let serving = Inference::register_executor(
			origin(),
			1_000 * VRT,
			pallet_inference::ServedModels::<Runtime>::truncate_from(alloc::vec![model]),
			1,
		);
		let request = pallet_inference::NextRequestId::<Runtime>::get();
		let input = alloc::vec![F32Bits::from(1.0f32)].encode();
		// The executor may not serve its own request: a requester of its own.
		let requester = AccountId::new(sp_runtime::traits::BlakeTwo256::hash(&executor.encode()).0);
		let _ = <Balances as frame_support::traits::fungible::Mutate<AccountId>>::mint_into(
			&requester,
			10_000 * VRT,
		);
		let requested = Inference::request_inference(
			RuntimeOrigin::signed(requester),
			model,
			RequestInput::Inline(InlineInput::truncate_from(input)),
			InferenceParams::default(),
			1_000 * VRT,
			System::block_number() + 100,
		);
		let output = InferenceOutput::Regression(F32Bits::from(0.5f32)).encode();
		let submitted = Inference::submit_result(
			origin(),
			request,
			OutputBytes::truncate_from(output.clone()),
			sp_runtime::traits::BlakeTwo256::hash(&output).0,
			Cid::truncate_from(b"bafkreiproof".to_vec()),
			[1; 32],
		);
		// Benchmark set-up: a failure here is a broken benchmark, loudly.
		serving.expect("the executor registers");
		requested.expect("the request is made");
		submitted.expect("the result is submitted");
		request
	}

	fn verifier_with_key(_index: u32) -> AccountId {
		use sp_runtime::RuntimeAppPublic;
		// A `vrvf` key in the benchmark's keystore: the account it signs for.
		let public = veritas_primitives::keys::verifier::Public::generate_pair(None);
		AccountId::from(sp_core::sr25519::Public::from(public))
	}
}

/// Registers real models in the registry for pallet-inference's benchmarks.
#[cfg(feature = "runtime-benchmarks")]
pub struct InferenceBenchmarkModels;

#[cfg(feature = "runtime-benchmarks")]
impl pallet_inference::BenchmarkHelper<AccountId> for InferenceBenchmarkModels {
	fn register_model(
		owner: &AccountId,
		task: veritas_primitives::model::TaskKind,
	) -> veritas_primitives::model::ModelId {
		use veritas_primitives::model::*;
		let id = pallet_models::NextModelId::<Runtime>::get();
		let file = FileRef {
			cid: Cid::truncate_from(alloc::format!("bafkreibenchmark{id}").into_bytes()),
			digest: [id as u8; 32],
			size: 1_000,
		};
		let spec = pallet_models::ModelSpec {
			files: ModelFiles { weights: file, config: None, tokenizer: None },
			format: ModelFormat::Gguf,
			architecture: Architecture::Llama,
			task,
			pricing: Pricing { per_request: VRT, per_output_token: MILLI_VRT },
			policy: ModelPolicy {
				verification: VerificationPolicy::Quorum { k: 2, n: 3 },
				comparison: ComparisonRule::TokenTopK(5),
				min_deadline: 10,
			},
		};
		let name = ModelName::truncate_from(alloc::format!("benchmark-{id}").into_bytes());
		let _ = Models::register_model(RuntimeOrigin::signed(owner.clone()), name, spec);
		id
	}
}
