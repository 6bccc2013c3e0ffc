//! Parses the command line and runs the node or one of its subcommands.

use std::sync::Arc;

use sc_cli::SubstrateCli;
use sc_service::PartialComponents;
use veritas_runtime::opaque::Block;

use crate::{
	chain_spec,
	cli::{Cli, Subcommand},
	service,
};

impl SubstrateCli for Cli {
	fn impl_name() -> String {
		"Veritas Node".into()
	}

	fn impl_version() -> String {
		env!("SUBSTRATE_CLI_IMPL_VERSION").into()
	}

	fn description() -> String {
		"A blockchain node that makes AI inference callable, payable and verifiable.\n\n\
		 Run `veritas-node --dev` for a one-node development chain, or \
		 `veritas-node --chain local --alice` (with --bob, --charlie, --dave on other \
		 base paths) for a four-validator network."
			.into()
	}

	fn author() -> String {
		env!("CARGO_PKG_AUTHORS").into()
	}

	fn support_url() -> String {
		"https://github.com/veritas-chain/veritas/issues".into()
	}

	fn copyright_start_year() -> i32 {
		2026
	}

	fn load_spec(&self, id: &str) -> Result<Box<dyn sc_service::ChainSpec>, String> {
		// Only the node itself takes --runtime-cache-dir (its subcommands
		// refuse it), so `build-spec` and `export-chain-spec` still print the
		// plain specification.
		chain_spec::load(id, self.runtime_cache_dir.as_deref())
	}
}

/// The node's entry point.
pub fn run() -> sc_cli::Result<()> {
	let cli = Cli::from_args();

	match &cli.subcommand {
		// Before anything else: the worker process serves jobs and nothing more.
		Some(Subcommand::EngineWorker(cmd)) => cmd.run().map_err(sc_cli::Error::Input),
		Some(Subcommand::Key(cmd)) => cmd.run(&cli),
		#[allow(deprecated)]
		Some(Subcommand::BuildSpec(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|config| cmd.run(config.chain_spec, config.network))
		},
		Some(Subcommand::ExportChainSpec(cmd)) => {
			let chain_spec = cli.load_spec(&cmd.chain)?;
			cmd.run(chain_spec)
		},
		Some(Subcommand::CheckBlock(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, import_queue, other, .. } =
					service::new_partial(&config)?;
				Ok((while_babe_answers(other, cmd.run(client, import_queue)), task_manager))
			})
		},
		Some(Subcommand::ExportBlocks(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, other, .. } =
					service::new_partial(&config)?;
				Ok((while_babe_answers(other, cmd.run(client, config.database)), task_manager))
			})
		},
		Some(Subcommand::ExportState(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, other, .. } =
					service::new_partial(&config)?;
				Ok((while_babe_answers(other, cmd.run(client, config.chain_spec)), task_manager))
			})
		},
		Some(Subcommand::ImportBlocks(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, import_queue, other, .. } =
					service::new_partial(&config)?;
				Ok((while_babe_answers(other, cmd.run(client, import_queue)), task_manager))
			})
		},
		Some(Subcommand::PurgeChain(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|config| cmd.run(config.database))
		},
		Some(Subcommand::Revert(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, backend, other, .. } =
					service::new_partial(&config)?;
				// BABE keeps its own record of epochs and GRANDPA of the
				// authority set and votes, which must be reverted with the
				// blocks.
				let aux_revert = Box::new(|client: Arc<service::FullClient>, backend, blocks| {
					sc_consensus_babe::revert(client.clone(), backend, blocks)?;
					sc_consensus_grandpa::revert(client, blocks)?;
					Ok(())
				});
				Ok((
					while_babe_answers(other, cmd.run(client, backend, Some(aux_revert))),
					task_manager,
				))
			})
		},
		Some(Subcommand::ChainInfo(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|config| cmd.run::<Block>(&config))
		},
		#[cfg(feature = "runtime-benchmarks")]
		Some(Subcommand::Benchmark(cmd)) => {
			use frame_benchmarking_cli::BenchmarkCmd;
			use sp_runtime::traits::HashingFor;

			let runner = cli.create_runner(cmd)?;
			match cmd {
				BenchmarkCmd::Pallet(cmd) => runner.sync_run(|config| {
					cmd.run_with_spec::<HashingFor<Block>, service::VeritasHostFunctions>(Some(
						config.chain_spec,
					))
				}),
				BenchmarkCmd::Machine(cmd) => runner.sync_run(|config| {
					cmd.run(&config, frame_benchmarking_cli::SUBSTRATE_REFERENCE_HARDWARE.clone())
				}),
				_ => Err("Veritas supports `benchmark pallet` and `benchmark machine`.".into()),
			}
		},
		None => {
			let inference = cli.inference.clone();
			let dev = cli.run.shared_params.dev;
			let offchain_workers = cli.run.offchain_worker_params.enabled.clone();
			if let Some(threads) = inference.inference_threads {
				// candle and its matrix kernels size their thread pools from
				// this, read when they first run: set before any thread starts.
				std::env::set_var("RAYON_NUM_THREADS", threads.max(1).to_string());
			}
			let runner = cli.create_runner(&cli.run)?;
			runner.run_node_until_exit(|mut config| async move {
				// Veritas's off-chain workers read what the runtime indexes
				// for them (offchain indexing), so it is always on.
				config.offchain_worker.indexing_enabled = true;
				let store = model_store(&inference, &config)?;
				let role = match inference.inference || inference.verifier || dev {
					true => Some(inference_role(&inference, &config, dev)?),
					false => None,
				};
				let data_node = (inference.data_node || dev).then(|| {
					log::info!(
						"📡 Data node: reporting feeds{}",
						if dev { " with keys //Alice //Bob" } else { "" }
					);
					service::DataNodeRole {
						dev_keys: dev,
						allow_private: inference.data_node_allow_private,
					}
				});
				// A role runs in the off-chain workers, which by default run
				// only on authorities: an executor, verifier or data node on a
				// machine that does not author blocks would silently do
				// nothing. A role turns them on unless told `never`.
				let has_role = role.is_some() || data_node.is_some();
				if has_role
					&& matches!(offchain_workers, sc_cli::OffchainWorkerEnabled::WhenAuthority)
				{
					config.offchain_worker.enabled = true;
				}
				let parts = service::FullNodeParts {
					store: Some(store),
					inference: role,
					data_node,
					runtime_cache: cli.runtime_cache_dir.clone(),
				};
				service::new_full(config, parts).map_err(sc_cli::Error::Service)
			})
		},
	}
}

/// The node's model store: IPFS through `--ipfs-api`, or the embedded
/// directory under the base path. The engine fetches from it, and
/// `inference_getProof` reads proof documents from it.
fn model_store(
	args: &crate::cli::InferenceArgs,
	config: &sc_service::Configuration,
) -> sc_cli::Result<std::sync::Arc<dyn veritas_engine::ModelStore>> {
	use veritas_engine::store::{embedded::EmbeddedStore, ipfs::IpfsStore};

	Ok(match &args.ipfs_api {
		Some(url) => {
			let store = IpfsStore::new(url, crate::engine_host::IPFS_TIMEOUT);
			let version = store.version().map_err(|error| {
				format!("--ipfs-api {url}: the daemon does not answer: {error}")
			})?;
			log::info!("🗄️  Model store: IPFS at {url} ({version})");
			std::sync::Arc::new(store)
		},
		None => {
			let dir = embedded_store_dir(config);
			let store = EmbeddedStore::open(&dir)
				.map_err(|error| format!("model store at {}: {error}", dir.display()))?;
			log::info!("🗄️  Model store: {}", dir.display());
			std::sync::Arc::new(store)
		},
	})
}

/// The embedded store's directory, under the base path.
fn embedded_store_dir(config: &sc_service::Configuration) -> std::path::PathBuf {
	config.base_path.path().join("model-store")
}

/// The engine's settings from the command line: the worker process (this
/// binary, over the node's store) and its limits.
fn inference_role(
	args: &crate::cli::InferenceArgs,
	config: &sc_service::Configuration,
	dev: bool,
) -> sc_cli::Result<service::InferenceRole> {
	let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
	let threads = args.inference_threads.unwrap_or(cores).max(1);
	let workers = args.engine_workers.unwrap_or(cores / threads).max(1);
	let memory_mb = args.engine_memory_mb();
	log::info!(
		"🧠 Inference: {workers} engine worker(s) of {threads} thread(s), batches of up to {} \
		 jobs, model cache {} MiB, each worker limited to {memory_mb} MiB and {} s a job{}",
		args.engine_batch,
		args.model_cache_mb,
		args.engine_job_timeout_secs,
		if dev {
			", executor key //Alice, verifier keys //Charlie //Dave //Eve //Ferdie"
		} else {
			""
		}
	);
	let program = std::env::current_exe()
		.map_err(|error| format!("finding this binary to run the engine worker: {error}"))?;
	Ok(service::InferenceRole {
		engine: crate::engine_host::EngineSettings {
			worker: crate::engine_host::process::WorkerSettings {
				program,
				command: crate::engine_host::child::EngineWorkerCmd {
					store_dir: args.ipfs_api.is_none().then(|| embedded_store_dir(config)),
					ipfs_api: args.ipfs_api.clone(),
					cache_mb: args.model_cache_mb as u64,
					threads,
					max_file_mb: args.max_model_file_mb,
					memory_mb,
				},
				// Every file of a model, each within the store's own timeout.
				fetch_time_limit: crate::engine_host::IPFS_TIMEOUT * 4,
				job_time_limit: std::time::Duration::from_secs(args.engine_job_timeout_secs),
			},
			// A busy dev node's block: a few hundred executions and checks
			// of small models. Beyond it, workers hand jobs over a block
			// later.
			queue_length: 1024,
			workers,
			batch: usize::from(args.engine_batch),
		},
		dev_keys: dev,
	})
}

/// Runs a subcommand's work while keeping BABE's worker answering: the
/// import pipeline asks it about epochs, and it stops once nobody holds it.
async fn while_babe_answers<T>(
	consensus: service::Consensus,
	work: impl std::future::Future<Output = T>,
) -> T {
	let _babe_worker = consensus.babe_worker;
	work.await
}
