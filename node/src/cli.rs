//! The node's command line.

/// The subcommands besides running the node.
#[derive(Debug, clap::Subcommand)]
#[allow(clippy::large_enum_variant)]
pub enum Subcommand {
	/// Key management: generate, inspect and insert keys.
	#[command(subcommand)]
	Key(sc_cli::KeySubcommand),

	/// Print a chain specification (JSON) to stdout, to edit and pass back with `--chain FILE`.
	BuildSpec(sc_cli::BuildSpecCmd),

	/// Export a chain specification, in JSON, to a file.
	ExportChainSpec(sc_cli::ExportChainSpecCmd),

	/// Validate blocks.
	CheckBlock(sc_cli::CheckBlockCmd),

	/// Export blocks.
	ExportBlocks(sc_cli::ExportBlocksCmd),

	/// Export the state of a given block into a chain spec.
	ExportState(sc_cli::ExportStateCmd),

	/// Import blocks.
	ImportBlocks(sc_cli::ImportBlocksCmd),

	/// Remove the whole chain database.
	PurgeChain(sc_cli::PurgeChainCmd),

	/// Revert the chain to a previous state.
	Revert(sc_cli::RevertCmd),

	/// Print the database's meta information.
	ChainInfo(sc_cli::ChainInfoCmd),

	/// The engine worker process the node runs jobs in. The node starts it
	/// itself; it is not for running by hand.
	#[command(hide = true)]
	EngineWorker(crate::engine_host::child::EngineWorkerCmd),

	/// Measure the runtime's pallets (`benchmark pallet`) to generate their
	/// weights. Only in a node built with `--features runtime-benchmarks`.
	#[cfg(feature = "runtime-benchmarks")]
	#[command(subcommand)]
	Benchmark(frame_benchmarking_cli::BenchmarkCmd),
}

/// `veritas-node`: a Veritas blockchain node.
#[derive(Debug, clap::Parser)]
#[command(
	propagate_version = true,
	args_conflicts_with_subcommands = true,
	subcommand_negates_reqs = true
)]
pub struct Cli {
	#[command(subcommand)]
	pub subcommand: Option<Subcommand>,

	#[clap(flatten)]
	pub run: sc_cli::RunCmd,

	#[clap(flatten)]
	pub inference: InferenceArgs,

	/// Keep the runtime's compiled machine code in DIR, so that a restart
	/// (or another node on this machine given the same DIR) loads it instead
	/// of compiling the runtime again: several seconds of CPU at every start
	/// and runtime upgrade. A built-in chain's (`dev`, `local`) genesis state
	/// is kept there too, so it is built once per runtime. Entries are keyed
	/// by the runtime's digest (and the compiler's settings, or the chain's
	/// specification), so DIR may be shared; it holds machine code the node
	/// runs, so only the node's user may write to it.
	#[arg(long, value_name = "DIR")]
	pub runtime_cache_dir: Option<std::path::PathBuf>,
}

/// The inference node's roles and its engine.
#[derive(Debug, Clone, clap::Args)]
pub struct InferenceArgs {
	/// Run requests assigned to this node's executor key (key type `vrex`,
	/// inserted with `key insert --key-type vrex --scheme sr25519`) and post
	/// their results. The account must be registered as an executor on-chain.
	/// `--dev` turns this on, with Alice's key.
	#[arg(long)]
	pub inference: bool,

	/// Check the results whose committees this node's verifier keys (key
	/// type `vrvf`) sit in, and attest. The accounts must be registered as
	/// verifiers on-chain. `--dev` turns this on, with the keys of Charlie,
	/// Dave, Eve and Ferdie.
	#[arg(long)]
	pub verifier: bool,

	/// Fetch every data feed's source over HTTP and report its value, with
	/// this node's data node keys (key type `vrdn`). The accounts must be
	/// registered as data nodes on-chain. `--dev` turns this on, with the
	/// keys of Alice and Bob.
	#[arg(long)]
	pub data_node: bool,

	/// Let the data node fetch sources on private, loopback and link-local
	/// addresses (127.0.0.1, 10.0.0.0/8, 169.254.169.254, localhost, …),
	/// which it refuses otherwise: anyone can create a feed, and a feed's
	/// URL must not reach into the node's own network. For a source on the
	/// same machine, as in tests and demos.
	#[arg(long)]
	pub data_node_allow_private: bool,

	/// Fetch models and store proof documents through this Kubo RPC API
	/// (for example http://127.0.0.1:5001) instead of the embedded store,
	/// which is a directory under the base path.
	#[arg(long, value_name = "URL")]
	pub ipfs_api: Option<String>,

	/// The memory, in MiB, that loaded models may hold. The least recently
	/// used model is dropped to make room; a model larger than this is refused.
	#[arg(long, value_name = "MIB", default_value_t = 2048)]
	pub model_cache_mb: usize,

	/// Threads one engine job computes with (default: every core).
	#[arg(long, value_name = "N")]
	pub inference_threads: Option<usize>,

	/// Engine jobs run side by side, each in its own worker process with its
	/// own model cache (so memory grows with it). Default: the cores divided
	/// by --inference-threads, at least 1. Many small jobs (a tabular model,
	/// short embeddings) go faster with more workers of one thread each;
	/// one large model with all the threads in one worker.
	#[arg(long, value_name = "N")]
	pub engine_workers: Option<usize>,

	/// The most queued jobs of one MLP or embedding model (same kind,
	/// model and parameters) that an engine worker runs together: one run
	/// of the model for all, each job's output what it would be alone, and a
	/// batch that fails as a whole run again job by job. 1 runs every job
	/// alone.
	#[arg(long, value_name = "N", default_value_t = 32, value_parser = clap::value_parser!(u16).range(1..=256))]
	pub engine_batch: u16,

	/// The largest model file, in MiB, that this node will fetch.
	#[arg(long, value_name = "MIB", default_value_t = 4096)]
	pub max_model_file_mb: u64,

	/// The memory, in MiB, that the engine worker process may allocate in
	/// all: models run in a process of their own, and a model that needs more
	/// ends that process (and fails its one job), never the node. Default:
	/// twice --model-cache-mb, plus --max-model-file-mb, plus 1024.
	#[arg(long, value_name = "MIB")]
	pub engine_memory_mb: Option<u64>,

	/// How long, in seconds, one job may load and run its model once its
	/// files are fetched. A job past it is stopped and fails as a model that
	/// cannot be run.
	#[arg(long, value_name = "SECONDS", default_value_t = 600)]
	pub engine_job_timeout_secs: u64,
}

impl InferenceArgs {
	/// The engine worker's memory limit, in MiB.
	pub fn engine_memory_mb(&self) -> u64 {
		self.engine_memory_mb.unwrap_or(
			(self.model_cache_mb as u64)
				.saturating_mul(2)
				.saturating_add(self.max_model_file_mb)
				.saturating_add(1024),
		)
	}
}

#[cfg(test)]
mod tests {
	use sc_cli::SubstrateCli;

	use super::*;

	#[test]
	fn engine_batches_are_bounded_and_one_runs_each_job_alone() {
		let parse = |extra: &[&str]| Cli::try_from_iter([&["veritas-node"], extra].concat());
		assert_eq!(parse(&[]).expect("the defaults").inference.engine_batch, 32);
		assert_eq!(parse(&["--engine-batch", "1"]).expect("alone").inference.engine_batch, 1);
		assert_eq!(
			parse(&["--engine-batch", "256"]).expect("the most").inference.engine_batch,
			256
		);
		for refused in ["0", "257", "-1", "many"] {
			assert!(parse(&["--engine-batch", refused]).is_err(), "{refused}");
		}
	}
}
