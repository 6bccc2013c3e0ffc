//! The runtime APIs: what the node and clients may ask the runtime, outside of
//! executing blocks.

use alloc::vec::Vec;
use frame_support::{
	genesis_builder_helper::{build_state, get_preset},
	weights::Weight,
};
use sp_api::impl_runtime_apis;
use sp_core::{crypto::KeyTypeId, OpaqueMetadata};
use sp_runtime::{
	traits::{Block as BlockT, NumberFor},
	transaction_validity::{TransactionSource, TransactionValidity},
	ApplyExtrinsicResult,
};
use sp_version::RuntimeVersion;

use super::{
	opaque::SessionKeys, AccountId, Babe, Balance, Block, BlockNumber, Executive, Grandpa,
	Inference, InherentDataExt, Models, Nonce, Oracle, Runtime, RuntimeCall, RuntimeGenesisConfig,
	Subscriptions, System, TransactionPayment, Verification, VERSION,
};

impl_runtime_apis! {
	impl sp_api::Core<Block> for Runtime {
		fn version() -> RuntimeVersion {
			VERSION
		}

		fn execute_block(block: <Block as BlockT>::LazyBlock) {
			Executive::execute_block(block);
		}

		fn initialize_block(header: &<Block as BlockT>::Header) -> sp_runtime::ExtrinsicInclusionMode {
			Executive::initialize_block(header)
		}
	}

	impl sp_api::Metadata<Block> for Runtime {
		fn metadata() -> OpaqueMetadata {
			OpaqueMetadata::new(Runtime::metadata().into())
		}

		fn metadata_at_version(version: u32) -> Option<OpaqueMetadata> {
			Runtime::metadata_at_version(version)
		}

		fn metadata_versions() -> Vec<u32> {
			Runtime::metadata_versions()
		}
	}

	impl sp_block_builder::BlockBuilder<Block> for Runtime {
		fn apply_extrinsic(extrinsic: <Block as BlockT>::Extrinsic) -> ApplyExtrinsicResult {
			Executive::apply_extrinsic(extrinsic)
		}

		fn finalize_block() -> <Block as BlockT>::Header {
			Executive::finalize_block()
		}

		fn inherent_extrinsics(data: sp_inherents::InherentData) -> Vec<<Block as BlockT>::Extrinsic> {
			data.create_extrinsics()
		}

		fn check_inherents(
			block: <Block as BlockT>::LazyBlock,
			data: sp_inherents::InherentData,
		) -> sp_inherents::CheckInherentsResult {
			data.check_extrinsics(&block)
		}
	}

	impl sp_transaction_pool::runtime_api::TaggedTransactionQueue<Block> for Runtime {
		fn validate_transaction(
			source: TransactionSource,
			tx: <Block as BlockT>::Extrinsic,
			block_hash: <Block as BlockT>::Hash,
		) -> TransactionValidity {
			Executive::validate_transaction(source, tx, block_hash)
		}
	}

	impl sp_offchain::OffchainWorkerApi<Block> for Runtime {
		fn offchain_worker(header: &<Block as BlockT>::Header) {
			Executive::offchain_worker(header)
		}
	}

	impl sp_consensus_babe::BabeApi<Block> for Runtime {
		fn configuration() -> sp_consensus_babe::BabeConfiguration {
			let epoch = Babe::epoch_config().unwrap_or(crate::BABE_GENESIS_EPOCH_CONFIG);
			sp_consensus_babe::BabeConfiguration {
				slot_duration: Babe::slot_duration(),
				epoch_length: crate::time::EPOCH_DURATION_IN_SLOTS,
				c: epoch.c,
				authorities: Babe::authorities().to_vec(),
				randomness: Babe::randomness(),
				allowed_slots: epoch.allowed_slots,
			}
		}

		fn current_epoch_start() -> sp_consensus_babe::Slot {
			Babe::current_epoch_start()
		}

		fn current_epoch() -> sp_consensus_babe::Epoch {
			Babe::current_epoch()
		}

		fn next_epoch() -> sp_consensus_babe::Epoch {
			Babe::next_epoch()
		}

		// As for GRANDPA: no session pallet to prove key ownership against,
		// so equivocations cannot be reported yet.
		fn generate_key_ownership_proof(
			_slot: sp_consensus_babe::Slot,
			_authority_id: sp_consensus_babe::AuthorityId,
		) -> Option<sp_consensus_babe::OpaqueKeyOwnershipProof> {
			None
		}

		fn submit_report_equivocation_unsigned_extrinsic(
			_equivocation_proof: sp_consensus_babe::EquivocationProof<<Block as BlockT>::Header>,
			_key_owner_proof: sp_consensus_babe::OpaqueKeyOwnershipProof,
		) -> Option<()> {
			None
		}
	}

	impl sp_session::SessionKeys<Block> for Runtime {
		fn generate_session_keys(
			owner: Vec<u8>,
			seed: Option<Vec<u8>>,
		) -> sp_session::OpaqueGeneratedSessionKeys {
			SessionKeys::generate(&owner, seed).into()
		}

		fn decode_session_keys(encoded: Vec<u8>) -> Option<Vec<(Vec<u8>, KeyTypeId)>> {
			SessionKeys::decode_into_raw_public_keys(&encoded)
		}
	}

	impl sp_consensus_grandpa::GrandpaApi<Block> for Runtime {
		fn grandpa_authorities() -> sp_consensus_grandpa::AuthorityList {
			Grandpa::grandpa_authorities()
		}

		fn current_set_id() -> sp_consensus_grandpa::SetId {
			Grandpa::current_set_id()
		}

		// Authorities are fixed at genesis and there is no session pallet to
		// prove key ownership against, so equivocations cannot be reported yet.
		fn submit_report_equivocation_unsigned_extrinsic(
			_equivocation_proof: sp_consensus_grandpa::EquivocationProof<
				<Block as BlockT>::Hash,
				NumberFor<Block>,
			>,
			_key_owner_proof: sp_consensus_grandpa::OpaqueKeyOwnershipProof,
		) -> Option<()> {
			None
		}

		fn generate_key_ownership_proof(
			_set_id: sp_consensus_grandpa::SetId,
			_authority_id: sp_consensus_grandpa::AuthorityId,
		) -> Option<sp_consensus_grandpa::OpaqueKeyOwnershipProof> {
			None
		}
	}

	impl frame_system_rpc_runtime_api::AccountNonceApi<Block, AccountId, Nonce> for Runtime {
		fn account_nonce(account: AccountId) -> Nonce {
			System::account_nonce(account)
		}
	}

	impl pallet_transaction_payment_rpc_runtime_api::TransactionPaymentApi<Block, Balance> for Runtime {
		fn query_info(
			uxt: <Block as BlockT>::Extrinsic,
			len: u32,
		) -> pallet_transaction_payment_rpc_runtime_api::RuntimeDispatchInfo<Balance> {
			TransactionPayment::query_info(uxt, len)
		}

		fn query_fee_details(
			uxt: <Block as BlockT>::Extrinsic,
			len: u32,
		) -> pallet_transaction_payment::FeeDetails<Balance> {
			TransactionPayment::query_fee_details(uxt, len)
		}

		fn query_weight_to_fee(weight: Weight) -> Balance {
			TransactionPayment::weight_to_fee(weight)
		}

		fn query_length_to_fee(length: u32) -> Balance {
			TransactionPayment::length_to_fee(length)
		}
	}

	impl pallet_transaction_payment_rpc_runtime_api::TransactionPaymentCallApi<Block, Balance, RuntimeCall>
		for Runtime
	{
		fn query_call_info(
			call: RuntimeCall,
			len: u32,
		) -> pallet_transaction_payment::RuntimeDispatchInfo<Balance> {
			TransactionPayment::query_call_info(call, len)
		}

		fn query_call_fee_details(
			call: RuntimeCall,
			len: u32,
		) -> pallet_transaction_payment::FeeDetails<Balance> {
			TransactionPayment::query_call_fee_details(call, len)
		}

		fn query_weight_to_fee(weight: Weight) -> Balance {
			TransactionPayment::weight_to_fee(weight)
		}

		fn query_length_to_fee(length: u32) -> Balance {
			TransactionPayment::length_to_fee(length)
		}
	}

	#[cfg(feature = "runtime-benchmarks")]
	impl frame_benchmarking::Benchmark<Block> for Runtime {
		fn benchmark_metadata(extra: bool) -> (
			Vec<frame_benchmarking::BenchmarkList>,
			Vec<frame_support::traits::StorageInfo>,
		) {
			use frame_benchmarking::BenchmarkList;
			use frame_support::traits::StorageInfoTrait;
			use frame_system_benchmarking::Pallet as SystemBench;

			let mut list = Vec::<BenchmarkList>::new();
			list_benchmarks!(list, extra);
			(list, crate::AllPalletsWithSystem::storage_info())
		}

		#[allow(non_local_definitions)]
		fn dispatch_benchmark(
			config: frame_benchmarking::BenchmarkConfig,
		) -> Result<Vec<frame_benchmarking::BenchmarkBatch>, alloc::string::String> {
			use frame_benchmarking::BenchmarkBatch;
			use frame_support::traits::WhitelistedStorageKeys;
			use frame_system_benchmarking::Pallet as SystemBench;

			impl frame_system_benchmarking::Config for Runtime {}

			let whitelist: Vec<sp_storage::TrackedStorageKey> =
				crate::AllPalletsWithSystem::whitelisted_storage_keys();
			let mut batches = Vec::<BenchmarkBatch>::new();
			let params = (&config, &whitelist);
			add_benchmarks!(params, batches);
			Ok(batches)
		}
	}

	impl veritas_primitives::inference::InferenceApi<Block, AccountId, Balance, BlockNumber> for Runtime {
		fn estimate_fee(
			model: veritas_primitives::model::ModelId,
			params: veritas_primitives::inference::InferenceParams,
		) -> Result<
			veritas_primitives::settlement::FeeQuote<Balance>,
			veritas_primitives::inference::FeeEstimateError,
		> {
			use veritas_primitives::{inference::FeeEstimateError, model::ModelInspect};
			let record = Models::model(model).ok_or(FeeEstimateError::UnknownModel)?;
			Inference::quote_for(&record, &params).map_err(|error| match error {
				pallet_inference::Error::<Runtime>::ModelNotActive => FeeEstimateError::ModelNotActive,
				_ => FeeEstimateError::BadParams,
			})
		}

		fn requests_by_status(
			status: veritas_primitives::inference::RequestStatus,
			start: veritas_primitives::settlement::RequestId,
			limit: u32,
		) -> veritas_primitives::inference::RequestPage {
			Inference::requests_by_status(status, start, limit)
		}

		fn model(
			model: veritas_primitives::model::ModelId,
		) -> Option<veritas_primitives::model::ModelRecord<AccountId, Balance, BlockNumber>> {
			pallet_models::Models::<Runtime>::get(model)
		}

		fn models(
			start: veritas_primitives::model::ModelId,
			limit: u32,
		) -> veritas_primitives::inference::ModelPage<AccountId, Balance, BlockNumber> {
			// Ids are dense: a page reads ids in order, skipping removed ones.
			let end = pallet_models::NextModelId::<Runtime>::get();
			let limit = limit.min(veritas_primitives::inference::MAX_MODELS_PER_PAGE) as u64;
			let last = start.saturating_add(limit).min(end);
			let page = (start..last)
				.filter_map(|id| pallet_models::Models::<Runtime>::get(id).map(|record| (id, record)))
				.collect();
			(page, (last < end).then_some(last))
		}

		fn request(
			request: veritas_primitives::settlement::RequestId,
		) -> Option<veritas_primitives::request::Request<AccountId, Balance, BlockNumber>> {
			pallet_inference::Requests::<Runtime>::get(request)
		}

		fn verification(
			request: veritas_primitives::settlement::RequestId,
		) -> Option<veritas_primitives::verification::VerificationView<AccountId, BlockNumber>> {
			Verification::view(request)
		}

		fn waiting_place(request: veritas_primitives::settlement::RequestId) -> Option<u32> {
			pallet_inference::Pallet::<Runtime>::waiting_place(request)
		}
	}

	impl veritas_primitives::subscription::SubscriptionApi<Block, AccountId, Balance, BlockNumber> for Runtime {
		fn subscription(
			id: veritas_primitives::subscription::SubscriptionId,
		) -> Option<veritas_primitives::subscription::SubscriptionView<AccountId, Balance, BlockNumber>> {
			Subscriptions::subscription_view(id)
		}
	}

	impl veritas_primitives::oracle::OracleApi<Block, AccountId, Balance, BlockNumber> for Runtime {
		fn latest(
			feed: veritas_primitives::oracle::FeedId,
		) -> Option<veritas_primitives::oracle::FeedReading<BlockNumber>> {
			<Oracle as veritas_primitives::oracle::DataFeeds<BlockNumber>>::latest(feed).ok()
		}

		fn feed(
			feed: veritas_primitives::oracle::FeedId,
		) -> Option<veritas_primitives::oracle::FeedView<AccountId, Balance, BlockNumber>> {
			Oracle::feed_view(feed)
		}

		fn feeds(start: veritas_primitives::oracle::FeedId, limit: u32) -> Vec<veritas_primitives::oracle::FeedId> {
			Oracle::feed_ids(start, limit)
		}

		fn data_node(who: AccountId) -> Option<veritas_primitives::oracle::DataNode<Balance, BlockNumber>> {
			pallet_oracle::DataNodes::<Runtime>::get(who)
		}
	}

	#[cfg(feature = "try-runtime")]
	impl frame_try_runtime::TryRuntime<Block> for Runtime {
		// try-runtime reports a failed check by panicking: these run only
		// in the try-runtime tool, never on-chain.
		fn on_runtime_upgrade(checks: frame_try_runtime::UpgradeCheckSelect) -> (Weight, Weight) {
			match Executive::try_runtime_upgrade(checks) {
				Ok(weight) => (weight, crate::configs::RuntimeBlockWeights::get().max_block),
				Err(error) => panic!("runtime upgrade checks failed: {error:?}"),
			}
		}

		fn execute_block(
			block: <Block as BlockT>::LazyBlock,
			state_root_check: bool,
			signature_check: bool,
			select: frame_try_runtime::TryStateSelect,
		) -> Weight {
			match Executive::try_execute_block(block, state_root_check, signature_check, select) {
				Ok(weight) => weight,
				Err(error) => panic!("block execution checks failed: {error:?}"),
			}
		}
	}

	impl sp_genesis_builder::GenesisBuilder<Block> for Runtime {
		fn build_state(config: Vec<u8>) -> sp_genesis_builder::Result {
			build_state::<RuntimeGenesisConfig>(config)
		}

		fn get_preset(id: &Option<sp_genesis_builder::PresetId>) -> Option<Vec<u8>> {
			get_preset::<RuntimeGenesisConfig>(id, crate::genesis_config_presets::get_preset)
		}

		fn preset_names() -> Vec<sp_genesis_builder::PresetId> {
			crate::genesis_config_presets::preset_names()
		}
	}
}
