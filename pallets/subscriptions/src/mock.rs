//! A runtime for pallet-subscriptions' tests: real Balances and Settlement
//! (so that every hold, release and escrow really moves funds), and an
//! inference stand-in that escrows each request's fee, or refuses it as the
//! test says.

use core::cell::RefCell;

use frame_support::{
	derive_impl,
	traits::{ConstU128, ConstU32, ConstU64, Hooks},
	weights::Weight,
};
use sp_runtime::{BuildStorage, DispatchError, DispatchResult};
use veritas_primitives::{
	inference::{InferenceParams, InlineInput, RequestInput},
	settlement::{RequestId, Settlement as _},
	subscription::{InferenceRequests, RequestRefused, RequestSpec},
};

use crate as pallet_subscriptions;

type Block = frame_system::mocking::MockBlock<Test>;
pub type AccountId = u64;
pub type Balance = u128;
pub type BlockNumber = u64;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Settlement: pallet_settlement,
		Subscriptions: pallet_subscriptions,
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
pub const SUBSCRIBER: AccountId = 1;
pub const OTHER_SUBSCRIBER: AccountId = 2;
pub const EXECUTOR: AccountId = 3;
pub const PUBLISHER: AccountId = 4;
/// Can afford one run's fee, not a budget of several.
pub const POOR: AccountId = 5;
pub const ENDOWMENT: Balance = 1_000_000;
pub const MODEL: u64 = 7;
pub const FEE: Balance = 100;

pallet_settlement::impl_test_config!(Test, TREASURY);

thread_local! {
	static CHECK_ERROR: RefCell<Option<DispatchError>> = const { RefCell::new(None) };
	static REFUSAL: RefCell<Option<RequestRefused>> = const { RefCell::new(None) };
	static NEXT_REQUEST: RefCell<RequestId> = const { RefCell::new(0) };
	static MADE: RefCell<Vec<MadeRequest>> = const { RefCell::new(Vec::new()) };
}

/// A request the stand-in made: who asked, its id, its block and input.
#[derive(Clone, Debug, PartialEq)]
pub struct MadeRequest {
	pub requester: AccountId,
	pub request: RequestId,
	pub block: BlockNumber,
	pub max_fee: Balance,
}

/// Makes requests by escrowing their `max_fee` through the real settlement
/// pallet, unless the test set a refusal.
pub struct TestRequests;

impl TestRequests {
	/// Every later `check` fails with `error` (`None`: passes again).
	pub fn fail_checks(error: Option<DispatchError>) {
		CHECK_ERROR.with(|check| *check.borrow_mut() = error);
	}

	/// Every later request is refused for `reason` (`None`: made again).
	pub fn refuse(reason: Option<RequestRefused>) {
		REFUSAL.with(|refusal| *refusal.borrow_mut() = reason);
	}

	pub fn made() -> Vec<MadeRequest> {
		MADE.with(|made| made.borrow().clone())
	}

	/// Settles a made request as accepted: the executor and publisher are
	/// paid the model's price, the rest refunded.
	pub fn accept(request: RequestId, price: Balance) {
		Settlement::pay_accepted(request, &EXECUTOR, &PUBLISHER, price, &[])
			.expect("the request is in escrow");
	}

	/// Refunds a made request in full, as an expiry would.
	pub fn expire(request: RequestId) {
		Settlement::refund(request).expect("the request is in escrow");
	}
}

impl InferenceRequests<AccountId, Balance, BlockNumber> for TestRequests {
	fn check(_: &AccountId, spec: &RequestSpec<Balance, BlockNumber>) -> DispatchResult {
		if spec.model != MODEL {
			return Err(DispatchError::Other("unknown model"));
		}
		CHECK_ERROR.with(|check| check.borrow().map_or(Ok(()), Err))
	}

	fn request(
		requester: &AccountId,
		spec: &RequestSpec<Balance, BlockNumber>,
	) -> Result<RequestId, RequestRefused> {
		if spec.model != MODEL {
			return Err(RequestRefused::ModelUnavailable);
		}
		if let Some(reason) = REFUSAL.with(|refusal| *refusal.borrow()) {
			return Err(reason);
		}
		let request = NEXT_REQUEST.with(|next| {
			let id = *next.borrow();
			*next.borrow_mut() += 1;
			id
		});
		Settlement::escrow(request, requester, spec.max_fee).map_err(|_| RequestRefused::Busy)?;
		MADE.with(|made| {
			made.borrow_mut().push(MadeRequest {
				requester: *requester,
				request,
				block: System::block_number(),
				max_fee: spec.max_fee,
			})
		});
		Ok(request)
	}

	fn request_weight() -> Weight {
		Weight::from_parts(50_000_000, 4_000)
	}
}

pub const MAX_RUNS: u32 = 20;
pub const MAX_RUNS_PER_BLOCK: u32 = 3;
pub const RETENTION: BlockNumber = 10;

impl pallet_subscriptions::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type Settlement = Settlement;
	type Requests = TestRequests;
	type MaxRuns = ConstU32<MAX_RUNS>;
	type MaxRunsPerBlock = ConstU32<MAX_RUNS_PER_BLOCK>;
	type MinPeriod = ConstU64<1>;
	type RetentionPeriod = ConstU64<RETENTION>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = TestRequests;
}

#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<AccountId, Balance, BlockNumber> for TestRequests {
	fn request_spec(_: &AccountId) -> RequestSpec<Balance, BlockNumber> {
		spec(FEE)
	}
}

/// What each run asks for: the test model, a short text, `max_fee`.
pub fn spec(max_fee: Balance) -> RequestSpec<Balance, BlockNumber> {
	RequestSpec {
		model: MODEL,
		input: RequestInput::Inline(InlineInput::truncate_from(b"a loan".to_vec())),
		params: InferenceParams::default(),
		max_fee,
		deadline_after: 5,
	}
}

pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default()
		.build_storage()
		.expect("system genesis builds");
	let accounts = [SUBSCRIBER, OTHER_SUBSCRIBER, EXECUTOR, PUBLISHER]
		.into_iter()
		.map(|who| (who, ENDOWMENT))
		.chain([(POOR, 2 * FEE)])
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
		CHECK_ERROR.with(|check| *check.borrow_mut() = None);
		REFUSAL.with(|refusal| *refusal.borrow_mut() = None);
		NEXT_REQUEST.with(|next| *next.borrow_mut() = 0);
		MADE.with(|made| made.borrow_mut().clear());
	});
	ext
}

/// Runs `test`, then checks both pallets' invariants and that no funds
/// were created or destroyed.
pub fn run_test(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		let issuance = Balances::total_issuance();
		test();
		Subscriptions::do_try_state().expect("subscription invariants hold");
		Settlement::do_try_state().expect("settlement invariants hold");
		assert_eq!(Balances::total_issuance(), issuance, "no funds created or destroyed");
	});
}

/// Ends the current block (with `on_idle` given plenty of weight) and
/// starts the next, as the executive would.
pub fn next_block() {
	let now = System::block_number();
	Subscriptions::on_idle(now, Weight::MAX);
	System::set_block_number(now + 1);
	Subscriptions::on_initialize(now + 1);
}

/// Moves on to block `target`.
pub fn run_to(target: BlockNumber) {
	while System::block_number() < target {
		next_block();
	}
}
