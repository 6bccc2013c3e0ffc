//! Assembles the node: client and database, transaction pool, networking,
//! BABE block authoring, GRANDPA finality, off-chain workers and JSON-RPC.

use std::{sync::Arc, time::Duration};

use futures::FutureExt;
use sc_client_api::{Backend, BlockBackend};
use sc_consensus_babe::{BabeLink, BabeParams, ImportQueueParams, SlotProportion};
use sc_consensus_grandpa::SharedVoterState;
use sc_service::{error::Error as ServiceError, Configuration, TaskManager, WarpSyncConfig};
use sc_telemetry::{Telemetry, TelemetryWorker};
use sc_transaction_pool_api::OffchainTransactionPoolFactory;
use sp_runtime::traits::Block as BlockT;
use veritas_runtime::{apis::RuntimeApi, opaque::Block};

/// Veritas's own host functions, for off-chain workers: the engine's and
/// the verifier's VRF.
pub type VeritasHostFunctions = (
	veritas_primitives::host::veritas_engine::HostFunctions,
	veritas_primitives::host::veritas_sortition::HostFunctions,
);

/// The host functions the runtime's WASM may import: Substrate's and
/// Veritas's.
pub type HostFunctions = (sp_io::SubstrateHostFunctions, VeritasHostFunctions);

/// What the node runs besides the chain: the engine, for `--inference` and
/// `--verifier`.
pub struct InferenceRole {
	pub engine: crate::engine_host::EngineSettings,
	/// Insert the development keys (development chains only): see
	/// [`DEV_VERIFIERS`].
	pub dev_keys: bool,
}

/// The data node role, for `--data-node`.
pub struct DataNodeRole {
	/// Insert the development keys (development chains only): see
	/// [`DEV_DATA_NODES`].
	pub dev_keys: bool,
	/// Fetch sources on private, loopback and link-local addresses too.
	pub allow_private: bool,
}

/// The accounts whose verifier keys `--dev` puts in the keystore, beside
/// Alice's executor key. They serve once registered as verifiers.
pub const DEV_VERIFIERS: [&str; 4] = ["//Charlie", "//Dave", "//Eve", "//Ferdie"];

/// The accounts whose data node keys `--dev` puts in the keystore. They
/// report once registered as data nodes.
pub const DEV_DATA_NODES: [&str; 2] = ["//Alice", "//Bob"];

/// Tells the data node's off-chain worker whether to run and whether it may
/// fetch private addresses: it reads these flags from the node's persistent
/// off-chain storage, where the runtime cannot be told otherwise.
fn set_data_node_flags(
	backend: &FullBackend,
	role: Option<&DataNodeRole>,
) -> Result<(), ServiceError> {
	use codec::Encode;
	use sp_core::offchain::OffchainStorage;
	let mut storage = backend
		.offchain_storage()
		.ok_or_else(|| ServiceError::Other("the database keeps no off-chain storage".into()))?;
	let flags = [
		(veritas_primitives::oracle::DATA_NODE_ENABLED_KEY, role.is_some()),
		(
			veritas_primitives::oracle::DATA_NODE_ALLOW_PRIVATE_KEY,
			role.is_some_and(|role| role.allow_private),
		),
	];
	for (key, value) in flags {
		storage.set(sc_offchain::STORAGE_PREFIX, key, &value.encode());
	}
	Ok(())
}

/// Puts the sr25519 keys of these development seeds in the keystore.
fn insert_dev_keys<'a>(
	keystore: &sp_keystore::KeystorePtr,
	keys: impl IntoIterator<Item = (sp_core::crypto::KeyTypeId, &'a str)>,
) -> Result<(), ServiceError> {
	use sp_keystore::Keystore;
	for (key_type, seed) in keys {
		keystore
			.sr25519_generate_new(key_type, Some(seed))
			.map_err(|error| ServiceError::Other(format!("dev key {seed}: {error}")))?;
	}
	Ok(())
}

/// The client: database-backed, executing the runtime's WASM.
pub type FullClient =
	sc_service::TFullClient<Block, RuntimeApi, sc_executor::WasmExecutor<HostFunctions>>;
type FullBackend = sc_service::TFullBackend<Block>;
type FullSelectChain = sc_consensus::LongestChain<FullBackend, Block>;
type BlockHash = <Block as BlockT>::Hash;

/// GRANDPA stores a justification at least every this many blocks, so that a
/// syncing node can prove finality without replaying every vote.
const GRANDPA_JUSTIFICATION_PERIOD: u32 = 512;

/// The inherent data every block carries: the BABE slot it belongs to and
/// the time.
type SlotAndTimestamp =
	(sp_consensus_babe::inherents::InherentDataProvider, sp_timestamp::InherentDataProvider);

/// Makes a block's inherent data; BABE's import checks each block's against
/// it.
type InherentData = Arc<
	dyn sp_inherents::CreateInherentDataProviders<
		Block,
		(),
		InherentDataProviders = SlotAndTimestamp,
	>,
>;

/// BABE's block import (slot claims, epochs) wrapping GRANDPA's (finality).
type BlockImport = sc_consensus_babe::BabeBlockImport<
	Block,
	FullClient,
	sc_consensus_grandpa::GrandpaBlockImport<FullBackend, Block, FullClient, FullSelectChain>,
	InherentData,
	FullSelectChain,
>;

/// What consensus hands from the import pipeline to authoring and finality.
pub struct Consensus {
	block_import: BlockImport,
	babe_link: BabeLink<Block>,
	grandpa_link: sc_consensus_grandpa::LinkHalf<Block, FullClient, FullSelectChain>,
	/// Answers queries about BABE's epochs. BABE's worker ends, and as an
	/// essential task takes the node down with it, once its last handle is
	/// dropped: whoever runs the import queue keeps this.
	pub babe_worker: sc_consensus_babe::BabeWorkerHandle<Block>,
	telemetry: Option<Telemetry>,
}

/// The parts of a node that every subcommand needs, before networking.
pub type Service = sc_service::PartialComponents<
	FullClient,
	FullBackend,
	FullSelectChain,
	sc_consensus::DefaultImportQueue<Block>,
	sc_transaction_pool::TransactionPoolHandle<Block, FullClient>,
	Consensus,
>;

/// The inherent data of a block made now: the time, and the slot it falls in.
fn slot_and_timestamp(slot_duration: sp_consensus_babe::SlotDuration) -> SlotAndTimestamp {
	let timestamp = sp_timestamp::InherentDataProvider::from_system_time();
	let slot = sp_consensus_babe::inherents::InherentDataProvider::from_timestamp_and_slot_duration(
		*timestamp,
		slot_duration,
	);
	(slot, timestamp)
}

/// Builds the client, the database, the transaction pool and the block import
/// pipeline (BABE verification feeding GRANDPA's import).
pub fn new_partial(config: &Configuration) -> Result<Service, ServiceError> {
	new_partial_with(config, None)
}

/// [`new_partial`], with wasmtime's cache of compiled runtimes in
/// `runtime_cache` (`--runtime-cache-dir`).
fn new_partial_with(
	config: &Configuration,
	runtime_cache: Option<&std::path::Path>,
) -> Result<Service, ServiceError> {
	let telemetry = config
		.telemetry_endpoints
		.clone()
		.filter(|endpoints| !endpoints.is_empty())
		.map(|endpoints| -> Result<_, sc_telemetry::Error> {
			let worker = TelemetryWorker::new(16)?;
			let telemetry = worker.handle().new_telemetry(endpoints);
			Ok((worker, telemetry))
		})
		.transpose()?;

	let executor = wasm_executor(&config.executor, runtime_cache);
	let (client, backend, keystore_container, task_manager) =
		sc_service::new_full_parts::<Block, RuntimeApi, _>(
			config,
			telemetry.as_ref().map(|(_, telemetry)| telemetry.handle()),
			executor,
			Vec::new(),
		)?;
	let client = Arc::new(client);

	let telemetry = telemetry.map(|(worker, telemetry)| {
		task_manager.spawn_handle().spawn("telemetry", None, worker.run());
		telemetry
	});

	let select_chain = sc_consensus::LongestChain::new(backend.clone());

	let transaction_pool = Arc::from(
		sc_transaction_pool::Builder::new(
			task_manager.spawn_essential_handle(),
			client.clone(),
			config.role.is_authority().into(),
		)
		.with_options(config.transaction_pool.clone())
		.with_prometheus(config.prometheus_registry())
		.build(),
	);

	let (grandpa_block_import, grandpa_link) = sc_consensus_grandpa::block_import(
		client.clone(),
		GRANDPA_JUSTIFICATION_PERIOD,
		&client,
		select_chain.clone(),
		telemetry.as_ref().map(|x| x.handle()),
	)?;

	let babe_config = sc_consensus_babe::configuration(&*client)?;
	let slot_duration = babe_config.slot_duration();
	let inherent_data: InherentData =
		Arc::new(move |_, ()| async move { Ok(slot_and_timestamp(slot_duration)) });
	let (block_import, babe_link) = sc_consensus_babe::block_import(
		babe_config,
		grandpa_block_import.clone(),
		client.clone(),
		inherent_data,
		select_chain.clone(),
		OffchainTransactionPoolFactory::new(transaction_pool.clone()),
	)?;

	let (import_queue, babe_worker) = sc_consensus_babe::import_queue(ImportQueueParams {
		link: babe_link.clone(),
		block_import: block_import.clone(),
		justification_import: Some(Box::new(grandpa_block_import)),
		client: client.clone(),
		slot_duration,
		spawner: &task_manager.spawn_essential_handle(),
		registry: config.prometheus_registry(),
		telemetry: telemetry.as_ref().map(|x| x.handle()),
	})?;

	Ok(sc_service::PartialComponents {
		client,
		backend,
		task_manager,
		import_queue,
		keystore_container,
		select_chain,
		transaction_pool,
		other: Consensus { block_import, babe_link, grandpa_link, babe_worker, telemetry },
	})
}

/// The wasm executor, with wasmtime's cache of compiled runtimes in `cache`
/// when given: sc-service's own, plus the cache.
fn wasm_executor(
	config: &sc_service::config::ExecutorConfiguration,
	cache: Option<&std::path::Path>,
) -> sc_executor::WasmExecutor<HostFunctions> {
	let heap =
		config.default_heap_pages.map_or(sc_executor::DEFAULT_HEAP_ALLOC_STRATEGY, |pages| {
			sc_executor::HeapAllocStrategy::Static { extra_pages: pages as _ }
		});
	let builder = sc_executor::WasmExecutor::<HostFunctions>::builder()
		.with_execution_method(config.wasm_method)
		.with_onchain_heap_alloc_strategy(heap)
		.with_offchain_heap_alloc_strategy(heap)
		.with_max_runtime_instances(config.max_runtime_instances)
		.with_runtime_cache_size(config.runtime_cache_size);
	match cache {
		Some(dir) => builder.with_cache_path(dir),
		None => builder,
	}
	.build()
}

/// What a full node runs beside the chain.
pub struct FullNodeParts {
	/// The model store (the engine's, and `inference_getProof`'s).
	pub store: Option<Arc<dyn veritas_engine::ModelStore>>,
	/// The executor and verifier roles, and the engine.
	pub inference: Option<InferenceRole>,
	/// The data-node role.
	pub data_node: Option<DataNodeRole>,
	/// Where wasmtime keeps compiled runtimes (`--runtime-cache-dir`).
	pub runtime_cache: Option<std::path::PathBuf>,
}

/// Builds and starts a full node with the network backend chosen by
/// `--network-backend`.
pub fn new_full(config: Configuration, parts: FullNodeParts) -> Result<TaskManager, ServiceError> {
	match config.network.network_backend {
		sc_network::config::NetworkBackendType::Libp2p => {
			new_full_with::<sc_network::NetworkWorker<Block, BlockHash>>(config, parts)
		},
		sc_network::config::NetworkBackendType::Litep2p => {
			new_full_with::<sc_network::Litep2pNetworkBackend>(config, parts)
		},
	}
}

fn new_full_with<N: sc_network::NetworkBackend<Block, BlockHash>>(
	config: Configuration,
	FullNodeParts { store, inference, data_node, runtime_cache }: FullNodeParts,
) -> Result<TaskManager, ServiceError> {
	let sc_service::PartialComponents {
		client,
		backend,
		mut task_manager,
		import_queue,
		keystore_container,
		select_chain,
		transaction_pool,
		other: Consensus { block_import, babe_link, grandpa_link, babe_worker, mut telemetry },
	} = new_partial_with(&config, runtime_cache.as_deref())?;

	let mut net_config = sc_network::config::FullNetworkConfiguration::<Block, BlockHash, N>::new(
		&config.network,
		config.prometheus_registry().cloned(),
	);
	let metrics = N::register_notification_metrics(config.prometheus_registry());

	let genesis_hash = client
		.block_hash(0)?
		.ok_or_else(|| ServiceError::Other("the database has no genesis block".into()))?;
	let grandpa_protocol_name =
		sc_consensus_grandpa::protocol_standard_name(&genesis_hash, &config.chain_spec);
	let (grandpa_protocol_config, grandpa_notification_service) =
		sc_consensus_grandpa::grandpa_peers_set_config::<_, N>(
			grandpa_protocol_name.clone(),
			metrics.clone(),
			net_config.peer_store_handle(),
		);
	net_config.add_notification_protocol(grandpa_protocol_config);

	let warp_sync = Arc::new(sc_consensus_grandpa::warp_proof::NetworkProvider::new(
		backend.clone(),
		grandpa_link.shared_authority_set().clone(),
		Vec::default(),
	));

	let (network, system_rpc_tx, tx_handler_controller, sync_service, _bitswap) =
		sc_service::build_network(sc_service::BuildNetworkParams {
			config: &config,
			net_config,
			client: client.clone(),
			transaction_pool: transaction_pool.clone(),
			spawn_handle: task_manager.spawn_handle(),
			spawn_essential_handle: task_manager.spawn_essential_handle(),
			import_queue,
			block_announce_validator_builder: None,
			warp_sync_config: Some(WarpSyncConfig::WithProvider(warp_sync)),
			block_relay: None,
			metrics,
			gap_sync_body_policy: None,
		})?;

	let engine = match inference {
		Some(role) => {
			if role.dev_keys {
				use veritas_primitives::keys::{EXECUTOR_KEY_TYPE, VERIFIER_KEY_TYPE};
				let keys = DEV_VERIFIERS
					.iter()
					.map(|seed| (VERIFIER_KEY_TYPE, *seed))
					.chain([(EXECUTOR_KEY_TYPE, "//Alice")]);
				insert_dev_keys(&keystore_container.keystore(), keys)?;
			}
			if !config.offchain_worker.enabled {
				log::warn!(
					"--inference and --verifier need off-chain workers; they are disabled, so \
					 no request will run or be checked"
				);
			}
			let metrics = config
				.prometheus_registry()
				.map(crate::engine_host::metrics::EngineMetrics::register)
				.transpose()
				.map_err(|error| ServiceError::Other(format!("the engine's metrics: {error}")))?;
			let engine = crate::engine_host::EngineHost::start(role.engine, metrics)
				.map_err(|error| ServiceError::Other(format!("starting the engine: {error}")))?;
			let engine: Arc<dyn veritas_primitives::host::InferenceHost> = engine;
			Some(engine)
		},
		None => None,
	};

	set_data_node_flags(&backend, data_node.as_ref())?;
	if let Some(role) = data_node {
		if role.dev_keys {
			let keys =
				DEV_DATA_NODES.map(|seed| (veritas_primitives::keys::DATA_NODE_KEY_TYPE, seed));
			insert_dev_keys(&keystore_container.keystore(), keys)?;
		}
		if !config.offchain_worker.enabled {
			log::warn!(
				"--data-node needs off-chain workers; they are disabled, so no feed is reported"
			);
		}
	}

	if config.offchain_worker.enabled {
		let offchain_workers =
			sc_offchain::OffchainWorkers::new(sc_offchain::OffchainWorkerOptions {
				runtime_api_provider: client.clone(),
				is_validator: config.role.is_authority(),
				// The roles' keys sign and prove on every block: derived once.
				keystore: Some(Arc::new(crate::role_keystore::RoleKeystore::new(
					keystore_container.local_keystore(),
				))),
				offchain_db: backend.offchain_storage(),
				transaction_pool: Some(OffchainTransactionPoolFactory::new(
					transaction_pool.clone(),
				)),
				network_provider: Arc::new(network.clone()),
				enable_http_requests: true,
				custom_extensions: move |_| match &engine {
					Some(engine) => {
						vec![Box::new(veritas_primitives::host::InferenceHostExt(engine.clone()))
							as Box<dyn sp_externalities::Extension>]
					},
					None => vec![],
				},
			})?;
		task_manager.spawn_handle().spawn(
			"offchain-workers-runner",
			"offchain-worker",
			offchain_workers.run(client.clone(), task_manager.spawn_handle()).boxed(),
		);
	}

	let role = config.role;
	let force_authoring = config.force_authoring;
	let name = config.network.node_name.clone();
	let enable_grandpa = !config.disable_grandpa;
	let prometheus_registry = config.prometheus_registry().cloned();

	// BABE's worker answers for as long as the node runs.
	task_manager.spawn_handle().spawn("babe-worker-handle", Some("babe"), async move {
		let _handle = babe_worker;
		futures::future::pending::<()>().await
	});

	// The voter and the RPC share the round state the voter reports.
	let shared_voter_state = SharedVoterState::empty();
	let rpc_builder = {
		let client = client.clone();
		let pool = transaction_pool.clone();
		let store = store.clone();
		let shared_voter_state = shared_voter_state.clone();
		let shared_authority_set = grandpa_link.shared_authority_set().clone();
		let justification_stream = grandpa_link.justification_stream();
		let finality_provider = sc_consensus_grandpa::FinalityProofProvider::new_for_service(
			backend.clone(),
			Some(shared_authority_set.clone()),
		);
		Box::new(move |executor| {
			let deps = crate::rpc::FullDeps {
				client: client.clone(),
				pool: pool.clone(),
				store: store.clone(),
				executor,
				grandpa: crate::rpc::GrandpaDeps {
					shared_voter_state: shared_voter_state.clone(),
					shared_authority_set: shared_authority_set.clone(),
					justification_stream: justification_stream.clone(),
					finality_provider: finality_provider.clone(),
				},
			};
			crate::rpc::create_full(deps).map_err(Into::into)
		})
	};

	sc_service::spawn_tasks(sc_service::SpawnTasksParams {
		network: Arc::new(network.clone()),
		client: client.clone(),
		keystore: keystore_container.keystore(),
		task_manager: &mut task_manager,
		transaction_pool: transaction_pool.clone(),
		rpc_builder,
		backend,
		system_rpc_tx,
		tx_handler_controller,
		sync_service: sync_service.clone(),
		config,
		telemetry: telemetry.as_mut(),
		tracing_execute_block: None,
	})?;

	if role.is_authority() {
		let proposer_factory = sc_basic_authorship::ProposerFactory::new(
			task_manager.spawn_handle(),
			client.clone(),
			transaction_pool.clone(),
			prometheus_registry.as_ref(),
			telemetry.as_ref().map(|x| x.handle()),
		);

		let slot_duration = babe_link.config().slot_duration();
		let babe = sc_consensus_babe::start_babe(BabeParams {
			keystore: keystore_container.keystore(),
			client,
			select_chain,
			env: proposer_factory,
			block_import,
			sync_oracle: sync_service.clone(),
			justification_sync_link: sync_service.clone(),
			create_inherent_data_providers: move |_, ()| async move {
				Ok(slot_and_timestamp(slot_duration))
			},
			force_authoring,
			backoff_authoring_blocks: Option::<()>::None,
			babe_link,
			block_proposal_slot_portion: SlotProportion::new(2f32 / 3f32),
			max_block_proposal_slot_portion: None,
			telemetry: telemetry.as_ref().map(|x| x.handle()),
		})?;
		// Authoring is essential: if it fails, the node stops rather than
		// silently not producing blocks.
		task_manager.spawn_essential_handle().spawn_blocking(
			"babe-proposer",
			Some("block-authoring"),
			babe,
		);
	}

	if enable_grandpa {
		// Only an authority votes; others follow finality without a keystore.
		let keystore = role.is_authority().then(|| keystore_container.keystore());
		let grandpa_config = sc_consensus_grandpa::Config {
			gossip_duration: Duration::from_millis(333),
			justification_generation_period: GRANDPA_JUSTIFICATION_PERIOD,
			name: Some(name),
			observer_enabled: false,
			keystore,
			local_role: role,
			telemetry: telemetry.as_ref().map(|x| x.handle()),
			protocol_name: grandpa_protocol_name,
		};
		let voter = sc_consensus_grandpa::run_grandpa_voter(sc_consensus_grandpa::GrandpaParams {
			config: grandpa_config,
			link: grandpa_link,
			network,
			sync: Arc::new(sync_service),
			notification_service: grandpa_notification_service,
			voting_rule: sc_consensus_grandpa::VotingRulesBuilder::default().build(),
			prometheus_registry,
			shared_voter_state,
			telemetry: telemetry.as_ref().map(|x| x.handle()),
			offchain_tx_pool_factory: OffchainTransactionPoolFactory::new(transaction_pool),
		})?;
		task_manager.spawn_essential_handle().spawn_blocking("grandpa-voter", None, voter);
	}

	Ok(task_manager)
}
