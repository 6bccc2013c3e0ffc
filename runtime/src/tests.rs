//! Runtime tests: genesis presets build, and transactions go through the real
//! `Executive` with every transaction extension, as a node would apply them.

use frame_support::{assert_ok, dispatch::GetDispatchInfo};
use sp_genesis_builder::{DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET};
use sp_keyring::Sr25519Keyring;
use sp_runtime::{
	traits::{Hash as HashT, Header as HeaderT},
	BuildStorage,
};

mod subscriptions;

use crate::{
	genesis_config_presets::{self, ENDOWMENT},
	Balances, Executive, Header, Runtime, RuntimeCall, RuntimeGenesisConfig, System,
	UncheckedExtrinsic,
};

/// Genesis storage built from a named preset, the same way the node does it:
/// the preset's JSON patch over the default config.
fn storage_from_preset(name: &str) -> sp_runtime::Storage {
	let patch = genesis_config_presets::get_preset(&name.into()).expect("preset exists");
	let mut config = serde_json::to_value(RuntimeGenesisConfig::default()).expect("serializes");
	json_merge(&mut config, serde_json::from_slice(&patch).expect("preset is JSON"));
	let config: RuntimeGenesisConfig =
		serde_json::from_value(config).expect("preset matches the genesis config");
	config.build_storage().expect("genesis builds")
}

/// RFC 7386 merge, as the node applies a preset patch.
fn json_merge(base: &mut serde_json::Value, patch: serde_json::Value) {
	match (base, patch) {
		(serde_json::Value::Object(base), serde_json::Value::Object(patch)) => {
			for (key, value) in patch {
				json_merge(base.entry(key).or_insert(serde_json::Value::Null), value);
			}
		},
		(base, patch) => *base = patch,
	}
}

fn new_test_ext(preset: &str) -> sp_io::TestExternalities {
	sp_io::TestExternalities::new(storage_from_preset(preset))
}

/// Starts block `number` on top of the current one.
fn initialize_block(number: u32) {
	let header = Header::new(
		number,
		Default::default(),
		Default::default(),
		System::parent_hash(),
		Default::default(),
	);
	Executive::initialize_block(&header);
}

/// Applies the timestamp inherent every block must carry. Without a BABE
/// pre-digest the current slot is 0, so the time falls in slot 0.
fn set_timestamp() -> u64 {
	let now = crate::time::SLOT_DURATION / 2;
	let inherent =
		UncheckedExtrinsic::new_bare(RuntimeCall::Timestamp(pallet_timestamp::Call::set { now }));
	assert_ok!(Executive::apply_extrinsic(inherent).expect("inherent is valid"));
	now
}

/// The verifiers, of the four the presets register, whose VRFs select them
/// for `request`'s open round, each with its proof.
fn selected_verifiers(
	request: u64,
) -> Vec<(Sr25519Keyring, veritas_primitives::sortition::SortitionProof)> {
	use veritas_primitives::sortition;
	let record = pallet_verification::Verifications::<Runtime>::get(request).expect("verifying");
	let round = record.sortition.expect("a round is open");
	let input =
		sortition::SortitionInput { seed: round.seed, request, round: record.round_number() };
	genesis_config_presets::DEV_VERIFIERS
		.into_iter()
		.filter(|verifier| verifier.to_account_id() != record.executor)
		.filter_map(|verifier| {
			let proof = sortition::prove(&verifier.pair(), &input);
			let output = sortition::verify(&verifier.public(), &input, &proof)?;
			let stake = genesis_config_presets::DEV_VERIFIER_STAKE;
			let threshold = sortition::threshold(stake, round.total_stake, round.expected);
			sortition::is_selected(output, threshold).then_some((verifier, proof))
		})
		.collect()
}

/// A transaction signed by `signer`, with the runtime's full extension tuple.
fn signed(call: RuntimeCall, signer: Sr25519Keyring, nonce: u32) -> UncheckedExtrinsic {
	crate::signing::signed_transaction(call, &signer.pair(), nonce, System::block_hash(0))
}

#[test]
fn development_preset_builds_with_alice_as_sole_authority() {
	new_test_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		let babe = pallet_babe::Authorities::<Runtime>::get();
		assert_eq!(babe.len(), 1);
		assert_eq!(babe[0], (Sr25519Keyring::Alice.public().into(), 1));
		assert_eq!(
			pallet_babe::EpochConfig::<Runtime>::get(),
			Some(crate::BABE_GENESIS_EPOCH_CONFIG)
		);
		assert_eq!(pallet_grandpa::Pallet::<Runtime>::grandpa_authorities().len(), 1);
		assert_eq!(pallet_sudo::Key::<Runtime>::get(), Some(Sr25519Keyring::Alice.to_account_id()));
		assert_eq!(Balances::free_balance(Sr25519Keyring::Bob.to_account_id()), ENDOWMENT);
		let treasury = crate::configs::TreasuryAccount::get();
		assert_eq!(Balances::free_balance(&treasury), crate::configs::EXISTENTIAL_DEPOSIT);
		assert_eq!(
			Balances::total_issuance(),
			ENDOWMENT * 12 + crate::configs::EXISTENTIAL_DEPOSIT,
			"genesis mints nothing beyond the preset's balances"
		);
	});
}

#[test]
fn local_testnet_preset_has_four_authorities() {
	new_test_ext(LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		let babe = pallet_babe::Authorities::<Runtime>::get();
		let expected: Vec<_> = [
			Sr25519Keyring::Alice,
			Sr25519Keyring::Bob,
			Sr25519Keyring::Charlie,
			Sr25519Keyring::Dave,
		]
		.iter()
		.map(|k| (k.public().into(), 1))
		.collect();
		assert_eq!(babe.into_inner(), expected);
		assert_eq!(pallet_grandpa::Pallet::<Runtime>::grandpa_authorities().len(), 4);
	});
}

#[test]
fn unknown_preset_is_refused() {
	assert!(genesis_config_presets::get_preset(&"mainnet".into()).is_none());
	assert_eq!(genesis_config_presets::preset_names().len(), 2);
}

#[test]
fn transfer_through_executive_moves_funds_and_charges_a_fee() {
	new_test_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		initialize_block(1);
		let alice = Sr25519Keyring::Alice.to_account_id();
		let bob = Sr25519Keyring::Bob.to_account_id();
		let amount = 5 * crate::currency::VRT;
		let issuance_before = Balances::total_issuance();

		let call = RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive {
			dest: bob.clone().into(),
			value: amount,
		});
		assert!(call.get_dispatch_info().call_weight.ref_time() > 0);
		let xt = signed(call, Sr25519Keyring::Alice, 0);
		assert_ok!(Executive::apply_extrinsic(xt).expect("transaction is valid"));

		assert_eq!(Balances::free_balance(&bob), ENDOWMENT + amount);
		let fee = ENDOWMENT - amount - Balances::free_balance(&alice);
		assert!(fee > 0, "a fee was charged");
		// The fee has no recipient yet, so it is burned: issuance drops by it.
		assert_eq!(Balances::total_issuance(), issuance_before - fee);
		assert_eq!(System::account_nonce(&alice), 1);
	});
}

#[test]
fn transaction_with_wrong_nonce_is_refused_and_costs_nothing() {
	new_test_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		initialize_block(1);
		let alice = Sr25519Keyring::Alice.to_account_id();
		let call = RuntimeCall::System(frame_system::Call::remark { remark: vec![1, 2, 3] });
		let xt = signed(call, Sr25519Keyring::Alice, 7);
		assert!(Executive::apply_extrinsic(xt).is_err());
		assert_eq!(Balances::free_balance(&alice), ENDOWMENT);
	});
}

#[test]
fn a_block_with_a_transfer_finalizes_to_a_header() {
	new_test_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		initialize_block(1);
		let now = set_timestamp();
		let call = RuntimeCall::System(frame_system::Call::remark { remark: vec![0; 8] });
		assert_ok!(Executive::apply_extrinsic(signed(call, Sr25519Keyring::Bob, 0)).expect("valid"));
		let header = Executive::finalize_block();
		assert_eq!(*header.number(), 1);
		assert_ne!(
			*header.extrinsics_root(),
			<Runtime as frame_system::Config>::Hashing::hash(&[]),
		);
		assert_eq!(pallet_timestamp::Now::<Runtime>::get(), now);
	});
}

/// A MiniLM-like embedding model: 1 milli-VRT per request, Quorum(2, 3).
fn minilm_spec() -> pallet_models::ModelSpecOf<Runtime> {
	use veritas_primitives::model::{
		Architecture, Cid, ComparisonRule, FileRef, ModelFiles, ModelFormat, ModelPolicy, Pricing,
		TaskKind, Tolerance, VerificationPolicy,
	};
	let file = |cid: &str, seed: u8, size: u64| FileRef {
		cid: Cid::truncate_from(cid.as_bytes().to_vec()),
		digest: [seed; 32],
		size,
	};
	pallet_models::ModelSpec {
		files: ModelFiles {
			weights: file("bafkreiweights", 1, 90_868_376),
			config: Some(file("bafkreiconfig", 2, 612)),
			tokenizer: Some(file("bafkreitokenizer", 3, 466_247)),
		},
		format: ModelFormat::Safetensors,
		architecture: Architecture::Bert,
		task: TaskKind::TextEmbedding { dim: 384 },
		pricing: Pricing { per_request: crate::currency::MILLI_VRT, per_output_token: 0 },
		policy: ModelPolicy {
			verification: VerificationPolicy::Quorum { k: 2, n: 3 },
			comparison: ComparisonRule::Cosine(Tolerance(1_000)),
			min_deadline: 10,
		},
	}
}

fn register_minilm(owner: Sr25519Keyring, nonce: u32) {
	let call = RuntimeCall::Models(pallet_models::Call::register_model {
		name: veritas_primitives::model::ModelName::truncate_from(b"all-MiniLM-L6-v2".to_vec()),
		spec: minilm_spec(),
	});
	assert_ok!(Executive::apply_extrinsic(signed(call, owner, nonce)).expect("valid transaction"));
}

/// The most a test's request pays: 10 mVRT, enough for MiniLM's price and
/// fees.
const MAX_FEE: crate::Balance = 10 * crate::currency::MILLI_VRT;

/// `executor`'s first transaction: it serves model 0, with 1,000 VRT at
/// stake and room for four requests.
fn serve_model_zero(executor: Sr25519Keyring) {
	let call = RuntimeCall::Inference(pallet_inference::Call::register_executor {
		stake: 1_000 * crate::currency::VRT,
		models: vec![0].try_into().expect("fits"),
		capacity: 4,
	});
	assert_ok!(Executive::apply_extrinsic(signed(call, executor, 0)).expect("valid"));
}

/// `requester`'s transaction `nonce`: asks model 0 to embed `text`, paying
/// at most [`MAX_FEE`], with a result due by block `deadline`.
fn request_embedding(requester: Sr25519Keyring, nonce: u32, text: &[u8], deadline: u32) {
	use veritas_primitives::inference::{InferenceParams, RequestInput};
	let call = RuntimeCall::Inference(pallet_inference::Call::request_inference {
		model: 0,
		input: RequestInput::Inline(text.to_vec().try_into().expect("fits")),
		params: InferenceParams::default(),
		max_fee: MAX_FEE,
		deadline,
	});
	assert_ok!(Executive::apply_extrinsic(signed(call, requester, nonce)).expect("valid"));
}

#[test]
fn registering_a_model_through_the_executive_holds_its_deposit() {
	use veritas_primitives::model::ModelStatus;

	new_test_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		initialize_block(1);
		let bob = Sr25519Keyring::Bob.to_account_id();
		register_minilm(Sr25519Keyring::Bob, 0);

		let record = pallet_models::Models::<Runtime>::get(0).expect("model 0 is registered");
		assert_eq!(record.owner, bob);
		assert_eq!(record.status, ModelStatus::Active);
		let line = pallet_models::Lines::<Runtime>::get(0).expect("line 0 is registered");
		let deposit = record.deposit + line.deposit;
		assert!(deposit > crate::currency::VRT, "base deposit for both, plus bytes");
		assert_eq!(Balances::reserved_balance(&bob), deposit);
		assert!(Balances::free_balance(&bob) < ENDOWMENT - deposit, "and a fee was paid");
		assert_ok!(pallet_models::Pallet::<Runtime>::do_try_state());
	});
}

/// The whole paid and verified path through the Executive, with every
/// transaction extension: a publisher registers a model (Quorum(2, 3)), an
/// executor registers, a dApp requests, the executor submits, the round
/// opens on the next block, the genesis verifiers its VRFs select attest
/// with their proofs, and everyone is paid and the rest refunded.
#[test]
fn a_request_is_served_verified_and_paid_end_to_end() {
	use codec::Encode;
	use veritas_primitives::{
		inference::{Attestation, F32Bits, InferenceOutput},
		model::Cid,
	};

	new_test_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		initialize_block(1);
		let (publisher, executor, requester) =
			(Sr25519Keyring::Bob, Sr25519Keyring::Alice, Sr25519Keyring::Ferdie);
		let issuance = Balances::total_issuance();
		register_minilm(publisher, 0);

		serve_model_zero(executor);
		request_embedding(requester, 0, b"A man is eating food.", 20);
		let max_fee = MAX_FEE;
		let request = pallet_inference::Requests::<Runtime>::get(0).expect("request 0");
		assert_eq!(request.executor, Some(executor.to_account_id()));

		let publisher_before = Balances::free_balance(publisher.to_account_id());
		let executor_before = Balances::free_balance(executor.to_account_id());
		let requester_before = Balances::free_balance(requester.to_account_id());
		let treasury_before = Balances::free_balance(crate::configs::TreasuryAccount::get());

		let output = InferenceOutput::Embedding(vec![F32Bits::from(0.5); 384]).encode();
		let output_digest = sp_io::hashing::blake2_256(&output);
		let call = RuntimeCall::Inference(pallet_inference::Call::submit_result {
			request: 0,
			output: output.try_into().expect("fits"),
			output_digest,
			proof_cid: Cid::truncate_from(b"bafkreiproof".to_vec()),
			proof_digest: [7; 32],
		});
		let fee_info = call.get_dispatch_info();
		assert_ok!(Executive::apply_extrinsic(signed(call, executor, 1)).expect("valid"));
		let request = pallet_inference::Requests::<Runtime>::get(0).expect("kept");
		assert_eq!(request.status, pallet_inference::RequestStatus::Submitted);

		// The round opens on the next block; two of those selected attest.
		set_timestamp();
		Executive::finalize_block();
		initialize_block(2);
		let selected = selected_verifiers(0);
		assert!(selected.len() >= 2, "{} selected of 3 expected", selected.len());
		for (verifier, proof) in selected.into_iter().take(2) {
			let call = RuntimeCall::Verification(pallet_verification::Call::attest {
				request: 0,
				attestation: Attestation::Match,
				output_digest,
				proof,
			});
			let nonce = System::account_nonce(verifier.to_account_id());
			assert_ok!(Executive::apply_extrinsic(signed(call, verifier, nonce)).expect("valid"));
		}

		let request = pallet_inference::Requests::<Runtime>::get(0).expect("kept");
		assert_eq!(request.status, pallet_inference::RequestStatus::Accepted);
		let price = crate::currency::MILLI_VRT;
		let royalty = price / 10;
		// Two verifiers attested: 20% of the price each; 5% to the treasury.
		let per_verifier = price / 5;
		let protocol = price * 5 / 100;
		assert_eq!(Balances::free_balance(publisher.to_account_id()), publisher_before + royalty);
		assert_eq!(
			Balances::free_balance(requester.to_account_id()),
			requester_before + max_fee - price - 2 * per_verifier - protocol
		);
		assert_eq!(
			Balances::free_balance(crate::configs::TreasuryAccount::get()),
			treasury_before + protocol
		);
		match request.settled {
			Some(pallet_inference::Settled::Paid(payouts)) => {
				assert_eq!((payouts.per_verifier, payouts.verifiers), (per_verifier, 2));
				assert_eq!(payouts.executor, price - royalty);
			},
			other => panic!("paid, not {other:?}"),
		}
		// The executor earned the price less the royalty, and paid the
		// submission's transaction fee.
		let executor_after = Balances::free_balance(executor.to_account_id());
		assert!(executor_after < executor_before + price - royalty);
		assert!(fee_info.call_weight.ref_time() > 0);
		// Transaction fees are burned; everything else only moved.
		assert!(Balances::total_issuance() < issuance);
		assert_ok!(pallet_inference::Pallet::<Runtime>::do_try_state());
		assert_ok!(pallet_settlement::Pallet::<Runtime>::do_try_state());
		assert_ok!(pallet_verification::Pallet::<Runtime>::do_try_state());
	});
}

/// Every pallet's `try_state` invariants, run the way the try-runtime tool
/// runs them, after the whole paid path.
#[cfg(feature = "try-runtime")]
#[test]
fn every_pallet_invariant_holds_after_a_served_request() {
	use frame_support::traits::{TryState, TryStateSelect};

	new_test_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		initialize_block(1);
		register_minilm(Sr25519Keyring::Bob, 0);
		let call = RuntimeCall::Inference(pallet_inference::Call::register_executor {
			stake: 1_000 * crate::currency::VRT,
			models: vec![0].try_into().expect("fits"),
			capacity: 1,
		});
		assert_ok!(
			Executive::apply_extrinsic(signed(call, Sr25519Keyring::Charlie, 0)).expect("valid")
		);
		assert_ok!(crate::AllPalletsWithSystem::try_state(1, TryStateSelect::All));
	});
}

/// pallet-verification's benchmarks start from a real submitted result: the
/// helper must make one through the registry and pallet-inference.
#[cfg(feature = "runtime-benchmarks")]
#[test]
fn the_verification_benchmark_helper_submits_a_real_result() {
	use pallet_verification::BenchmarkHelper;
	use veritas_primitives::model::{ComparisonRule, ModelPolicy, VerificationPolicy};

	new_test_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		initialize_block(1);
		let executor = Sr25519Keyring::Charlie.to_account_id();
		let policy = ModelPolicy {
			verification: VerificationPolicy::Quorum { k: 32, n: 32 },
			comparison: ComparisonRule::Exact,
			min_deadline: 10,
		};
		let request =
			crate::configs::VerificationBenchmarkResults::submitted_result(&executor, policy);
		assert!(pallet_verification::Verifications::<Runtime>::contains_key(request));
	});
}

#[test]
fn every_pallet_passes_its_integrity_test() {
	use frame_support::traits::IntegrityTest;
	new_test_ext(DEV_RUNTIME_PRESET).execute_with(crate::AllPalletsWithSystem::integrity_test);
}

/// Genesis records every Veritas pallet's storage layout version, so that
/// the next change to a stored record can be migrated from it.
#[test]
fn genesis_records_every_pallets_storage_version() {
	use crate::{Inference, Models, Oracle, Settlement, Subscriptions, Verification};
	use frame_support::traits::{GetStorageVersion, StorageVersion};
	new_test_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		// Models and Inference changed their records twice (policies with a
		// minimum deadline and results that may be reports; then dated
		// tombstones and the terms executors accepted).
		let versions = [
			(Models::on_chain_storage_version(), Models::in_code_storage_version(), 3),
			// And twice more: a request may wait without an executor; a
			// result's output may be stored by reference.
			(Inference::on_chain_storage_version(), Inference::in_code_storage_version(), 5),
			// Private sortition instead of drawn committees.
			(Verification::on_chain_storage_version(), Verification::in_code_storage_version(), 2),
			(Settlement::on_chain_storage_version(), Settlement::in_code_storage_version(), 1),
			// Data nodes choose their feeds.
			(Oracle::on_chain_storage_version(), Oracle::in_code_storage_version(), 2),
			// A request's parameters say whether its output is stored by
			// reference.
			(
				Subscriptions::on_chain_storage_version(),
				Subscriptions::in_code_storage_version(),
				2,
			),
		];
		for (on_chain, in_code, version) in versions {
			assert_eq!(on_chain, in_code);
			assert_eq!(in_code, StorageVersion::new(version));
		}
	});
}

#[test]
fn data_node_reports_through_the_executive_are_free_and_close_a_round() {
	use veritas_primitives::oracle::{DataFeeds, FeedName, JsonPath, SourceUrl};

	new_test_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		initialize_block(1);
		let apply = |call: RuntimeCall, signer: Sr25519Keyring, nonce: u32| {
			assert_ok!(Executive::apply_extrinsic(signed(call, signer, nonce)).expect("valid"));
		};
		let create = RuntimeCall::Oracle(pallet_oracle::Call::create_feed {
			name: FeedName::truncate_from(b"BTC/USD".to_vec()),
			source_url: SourceUrl::truncate_from(b"https://prices.example/btc".to_vec()),
			json_path: JsonPath::truncate_from(b"$.price".to_vec()),
			decimals: 2,
			heartbeat_blocks: 10,
			min_reporters: 2,
		});
		apply(create, Sr25519Keyring::Alice, 0);
		let nodes = [Sr25519Keyring::Bob, Sr25519Keyring::Charlie];
		for node in nodes {
			let stake = 100 * crate::currency::VRT;
			apply(RuntimeCall::Oracle(pallet_oracle::Call::register_data_node { stake }), node, 0);
			let feeds = vec![0].try_into().expect("one feed");
			apply(RuntimeCall::Oracle(pallet_oracle::Call::serve_feeds { feeds }), node, 1);
		}
		for (node, value) in nodes.into_iter().zip([6_412_345, 6_412_355]) {
			let before = Balances::free_balance(node.to_account_id());
			apply(
				RuntimeCall::Oracle(pallet_oracle::Call::report { feed: 0, round: 0, value }),
				node,
				2,
			);
			assert_eq!(Balances::free_balance(node.to_account_id()), before, "a report is free");
		}
		let reading = <crate::Oracle as DataFeeds<_>>::latest(0).expect("the round closed");
		// Equal stakes: the median of two is their mean.
		assert_eq!((reading.value, reading.reporters, reading.round), (6_412_350, 2, 0));
	});
}

/// What stuffing blocks to censor a challenge or an attestation costs. The
/// cheapest way to fill a block's normal share is with compute (15 VRT a
/// block at the lowest multiplier; with bytes it is about 39 VRT), and
/// every full block makes the next dearer. Censoring a 40-block optimistic
/// window costs over 600 VRT, more than the fraud slash on ten minimum
/// executor stakes.
#[test]
fn stuffing_blocks_raises_fees_and_censoring_a_window_has_a_price() {
	use frame_support::{
		dispatch::DispatchClass,
		traits::{Get, Hooks},
	};
	use pallet_transaction_payment::NextFeeMultiplier;
	use sp_runtime::{traits::One, FixedPointNumber};

	use crate::{currency::VRT, Balance, TransactionPayment};
	new_test_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		let weights = <Runtime as frame_system::Config>::BlockWeights::get();
		let normal = weights.get(DispatchClass::Normal).max_total.expect("a normal share");
		let lengths = <Runtime as frame_system::Config>::BlockLength::get();
		let normal_bytes = *lengths.max.get(DispatchClass::Normal);
		let by_compute = TransactionPayment::weight_to_fee(normal);
		let by_bytes = TransactionPayment::length_to_fee(normal_bytes);
		assert_eq!(by_compute, 15 * VRT);
		assert!(by_bytes > by_compute, "{by_bytes}");
		assert_eq!(NextFeeMultiplier::<Runtime>::get(), sp_runtime::FixedU128::one());

		// An attacker fills 40 blocks in a row.
		let window = 40;
		let mut cost = 0;
		for number in 1..=window {
			System::set_block_number(number);
			let multiplier = NextFeeMultiplier::<Runtime>::get();
			cost += multiplier.saturating_mul_int(by_compute);
			System::register_extra_weight_unchecked(normal, DispatchClass::Normal);
			TransactionPayment::on_finalize(number);
			System::reset_events();
			frame_system::BlockWeight::<Runtime>::kill();
		}
		let rose = NextFeeMultiplier::<Runtime>::get();
		assert!(rose > sp_runtime::FixedU128::one(), "full blocks raise fees: {rose:?}");
		assert!(cost >= window as Balance * 15 * VRT, "{cost}");
		let fraud: sp_runtime::Perbill = <Runtime as pallet_inference::Config>::FraudSlash::get();
		let minimum: Balance = <Runtime as pallet_inference::Config>::MinExecutorStake::get();
		let slash = fraud * minimum;
		assert!(cost > 10 * slash, "censoring costs {cost}, a fraud slash {slash}");

		// Empty blocks bring fees back down, never below the base.
		for number in window + 1..=window + 2_000 {
			System::set_block_number(number);
			TransactionPayment::on_finalize(number);
		}
		assert_eq!(NextFeeMultiplier::<Runtime>::get(), sp_runtime::FixedU128::one());
	});
}

/// The hooks that run before any transaction, each at its worst and all in
/// one block, leave the normal transactions their share: a block whose
/// verifications all end at their dearest stage (every member of the
/// largest committees slashed, then a verdict paying them), whose feeds'
/// rounds all end slashing every data node, whose waiting lines are all
/// served as far as a block allows, and whose subscriptions make as many
/// runs as a block allows is charged for all of it, and still fits
/// in what operational and mandatory work may use.
#[test]
fn every_hook_at_its_worst_fits_beside_the_normal_transactions() {
	use frame_support::{dispatch::DispatchClass, traits::Get};
	use pallet_oracle::WeightInfo as _;
	use pallet_verification::WeightInfo as _;

	let weights = <Runtime as frame_system::Config>::BlockWeights::get();
	let normal = weights.get(DispatchClass::Normal).max_total.expect("a normal share");
	let left_for_hooks = weights.max_block.saturating_sub(normal);

	let due: u32 = <Runtime as pallet_verification::Config>::MaxDuePerBlock::get();
	let opening: u32 = <Runtime as pallet_verification::Config>::MaxOpeningPerBlock::get();
	let open = pallet_verification::Pallet::<Runtime>::weight_to_advance(
		pallet_verification::Stage::Selecting,
	);
	let verifications = <Runtime as pallet_verification::Config>::WeightInfo::on_initialize(0)
		.saturating_add(
			pallet_verification::Pallet::<Runtime>::most_to_advance().saturating_mul(due.into()),
		)
		.saturating_add(open.saturating_mul(opening.into()));
	let feeds: u32 = <Runtime as pallet_oracle::Config>::MaxFeeds::get();
	let oracle = <Runtime as pallet_oracle::Config>::WeightInfo::on_initialize(feeds);
	let waiting_lines = pallet_inference::Pallet::<Runtime>::most_to_assign();
	let subscriptions = pallet_subscriptions::Pallet::<Runtime>::most_to_run();
	let hooks = verifications
		.saturating_add(oracle)
		.saturating_add(waiting_lines)
		.saturating_add(subscriptions)
		.saturating_add(weights.base_block);
	assert!(
		hooks.all_lte(left_for_hooks),
		"the hooks may take {hooks:?}, the block leaves them {left_for_hooks:?}"
	);
}

/// A full batch of answers (every answer at the longest output) or of
/// attestations on quorum(2, 3) rounds takes at most a third of a block's
/// normal weight and length, so that one executor's or verifier's batch
/// fits beside the requests and the other batches. (A verifier's worker
/// sends less when its bound is dearer: see pallet-verification's
/// `offchain`.)
#[test]
fn a_full_batch_fits_in_a_third_of_a_block() {
	use codec::Encode;
	use frame_support::{
		dispatch::{DispatchClass, GetDispatchInfo},
		traits::Get,
	};
	use veritas_primitives::inference::{Attestation, MAX_OUTPUT_LENGTH};

	let weights = <Runtime as frame_system::Config>::BlockWeights::get();
	let normal = weights.get(DispatchClass::Normal).max_total.expect("a normal share");
	let length =
		*<Runtime as frame_system::Config>::BlockLength::get().max.get(DispatchClass::Normal);
	let third = |what: &str, call: RuntimeCall| {
		let (weight, bytes) = (call.get_dispatch_info().call_weight, call.encoded_size() as u32);
		assert!(weight.ref_time() <= normal.ref_time() / 3, "{what}: {weight:?} of {normal:?}");
		assert!(bytes <= length / 3, "{what}: {bytes} bytes of {length}");
	};

	let answers: u32 = <Runtime as pallet_inference::Config>::MaxAnswersPerBatch::get();
	let answer = pallet_inference::Answer::Result {
		request: u64::MAX,
		output: vec![0; MAX_OUTPUT_LENGTH as usize].try_into().expect("the longest"),
		output_digest: [0; 32],
		proof_cid: vec![0; veritas_primitives::model::MAX_CID_LENGTH as usize]
			.try_into()
			.expect("the longest"),
		proof_digest: [0; 32],
	};
	let answers = vec![answer; answers as usize].try_into().expect("a full batch");
	third("answers", RuntimeCall::Inference(pallet_inference::Call::submit_answers { answers }));

	let findings: u32 = <Runtime as pallet_verification::Config>::MaxAttestationsPerBatch::get();
	let finding = pallet_verification::Finding {
		request: u64::MAX,
		attestation: Attestation::Match,
		output_digest: [0; 32],
		proof: veritas_primitives::sortition::SortitionProof {
			pre_output: [0; 32],
			proof: [0; 64],
		},
	};
	let findings = vec![finding; findings as usize].try_into().expect("a full batch");
	let bound = pallet_verification::BatchBound { largest_round: 3, disputes: 0 };
	third(
		"attestations",
		RuntimeCall::Verification(pallet_verification::Call::attest_many { findings, bound }),
	);
}

/// A retired model's record stays as long as any request that ran it: a
/// result still stored can always be checked against its files.
#[test]
fn retired_models_outlast_the_requests_that_ran_them() {
	use frame_support::traits::Get;
	let tombstone: u32 = <Runtime as pallet_models::Config>::TombstonePeriod::get();
	let retention: u32 = <Runtime as pallet_inference::Config>::RetentionPeriod::get();
	assert!(tombstone >= retention, "tombstones {tombstone} blocks, requests {retention}");
}

/// Starts block `number` on `parent` as the dev chain's validator would
/// author it in `slot`: with a BABE pre-digest carrying Alice's VRF output
/// for the slot (a secondary VRF claim), which the runtime checks.
fn initialize_babe_block(number: u32, parent: crate::Hash, slot: u64) {
	use codec::Encode;
	use sp_consensus_babe::digests::{PreDigest, SecondaryVRFPreDigest};
	use sp_core::crypto::VrfSecret;
	thread_local! {
		// A VRF proof is randomised: the same claim signed twice makes two
		// headers. One signature per claim keeps a test's chains identical.
		static SIGNED: std::cell::RefCell<std::collections::BTreeMap<Vec<u8>, sp_core::sr25519::vrf::VrfSignature>> =
			Default::default();
	}
	let randomness = pallet_babe::Randomness::<Runtime>::get();
	let epoch = pallet_babe::EpochIndex::<Runtime>::get();
	let claim = (randomness, slot, epoch).encode();
	let vrf_signature = SIGNED.with(|signed| {
		signed
			.borrow_mut()
			.entry(claim)
			.or_insert_with(|| {
				let data = sp_consensus_babe::make_vrf_sign_data(&randomness, slot.into(), epoch);
				Sr25519Keyring::Alice.pair().vrf_sign(&data)
			})
			.clone()
	});
	let pre_digest = PreDigest::SecondaryVRF(SecondaryVRFPreDigest {
		authority_index: 0,
		slot: slot.into(),
		vrf_signature,
	});
	let digest = sp_runtime::generic::Digest {
		logs: vec![sp_runtime::DigestItem::PreRuntime(
			sp_consensus_babe::BABE_ENGINE_ID,
			pre_digest.encode(),
		)],
	};
	let header = Header::new(number, Default::default(), Default::default(), parent, digest);
	Executive::initialize_block(&header);
	let now = slot * crate::time::SLOT_DURATION;
	let inherent =
		UncheckedExtrinsic::new_bare(RuntimeCall::Timestamp(pallet_timestamp::Call::set { now }));
	assert_ok!(Executive::apply_extrinsic(inherent).expect("inherent is valid"));
}

/// The attack: the author of the block that carries a result reorders (or
/// adds, or drops) the other transactions in it until the committee the
/// next block draws suits it. With the parent block's hash as the seed
/// (before BABE) every order gave another committee. The seed is now the
/// BABE VRF output the author signed for its slot, which no choice of the
/// block's contents changes: every order opens the same round, with the
/// same members selected.
#[test]
fn the_author_of_a_results_block_cannot_grind_its_committee() {
	use codec::Encode;
	use veritas_primitives::{
		inference::{F32Bits, InferenceOutput},
		model::Cid,
	};

	// The block that carries the result, its extra transfers in `order`;
	// what the round opened on the next block came out as.
	let round_after = |order: &[u128]| {
		new_test_ext(DEV_RUNTIME_PRESET).execute_with(|| {
			let (publisher, executor, requester) =
				(Sr25519Keyring::Bob, Sr25519Keyring::Alice, Sr25519Keyring::Ferdie);
			initialize_babe_block(1, System::block_hash(0), 100);
			register_minilm(publisher, 0);
			serve_model_zero(executor);
			request_embedding(requester, 0, b"grind", 20);
			let output = InferenceOutput::Embedding(vec![F32Bits::from(0.5); 384]).encode();
			let call = RuntimeCall::Inference(pallet_inference::Call::submit_result {
				request: 0,
				output: output.clone().try_into().expect("fits"),
				output_digest: sp_io::hashing::blake2_256(&output),
				proof_cid: Cid::truncate_from(b"bafkreiproof".to_vec()),
				proof_digest: [7; 32],
			});
			assert_ok!(Executive::apply_extrinsic(signed(call, executor, 1)).expect("valid"));
			// The author's free choice: which other transactions, in what order.
			for (nonce, amount) in order.iter().enumerate() {
				let call = RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive {
					dest: Sr25519Keyring::Eve.to_account_id().into(),
					value: *amount,
				});
				let signer = Sr25519Keyring::Dave;
				assert_ok!(
					Executive::apply_extrinsic(signed(call, signer, nonce as u32)).expect("valid")
				);
			}
			let carrier = Executive::finalize_block();
			initialize_babe_block(2, carrier.hash(), 101);
			let record = pallet_verification::Verifications::<Runtime>::get(0).expect("verifying");
			let seed = record.sortition.expect("the round opened").seed;
			let members: Vec<_> =
				selected_verifiers(0).into_iter().map(|(verifier, _)| verifier).collect();
			(carrier.hash(), seed, members)
		})
	};
	let orders: [&[u128]; 4] = [&[], &[1, 2, 3], &[3, 2, 1], &[5]];
	let rounds: Vec<_> = orders.iter().map(|order| round_after(order)).collect();
	let (first_hash, first_seed, first_members) = &rounds[0];
	assert!(!first_members.is_empty());
	for (hash, seed, members) in &rounds[1..] {
		assert_ne!(hash, first_hash, "each order makes another block");
		assert_eq!(seed, first_seed, "but the same seed");
		assert_eq!(members, first_members, "and the same members");
	}
}

/// The attack: a requester computes, before signing, which executor its
/// request would be assigned, and sends it only when a colluding executor
/// comes up. The executor is now drawn from the VRF output of the block that
/// includes the request, which exists only once that block is authored.
/// Here every trial starts from the same chain (so everything the requester
/// could see when signing is the same), and only the slot of the block that
/// includes the request differs: the executor changes with it.
#[test]
fn a_requests_executor_cannot_be_known_when_it_is_signed() {
	let executors = [Sr25519Keyring::Alice, Sr25519Keyring::Charlie];
	let assigned_in_slot = |slot: u64| {
		new_test_ext(DEV_RUNTIME_PRESET).execute_with(|| {
			initialize_babe_block(1, System::block_hash(0), 100);
			register_minilm(Sr25519Keyring::Bob, 0);
			for executor in executors {
				serve_model_zero(executor);
			}
			let parent = Executive::finalize_block();
			initialize_babe_block(2, parent.hash(), slot);
			// What the requester could know when it signed: the chain's state
			// after the block before, and that block's VRF output. (The
			// block's hash differs between trials only because sr25519
			// signatures are randomised.)
			let seen =
				(*parent.state_root(), crate::configs::BabeBlockRandomness::random(b"seen").0);
			request_embedding(Sr25519Keyring::Ferdie, 0, b"which executor?", 30);
			let executor = pallet_inference::Requests::<Runtime>::get(0).expect("made").executor;
			(seen, executor)
		})
	};
	use frame_support::traits::Randomness;
	let trials: Vec<_> = (101..117).map(assigned_in_slot).collect();
	let seen = &trials[0].0;
	assert!(trials.iter().all(|(known, _)| known == seen), "the same chain before each request");
	let assigned: std::collections::BTreeSet<_> =
		trials.iter().map(|(_, executor)| executor.clone()).collect();
	assert_eq!(assigned.len(), 2, "the executor follows the including block's VRF output");
}
