//! `veritas`: Veritas from the command line, over a node's JSON-RPC.
//!
//! Publishers put models on-chain (`model publish`), dApps and people run
//! inferences and follow them to their verdict (`infer`) or ask for them
//! every few blocks (`subscribe`), operators
//! register executors, verifiers and data nodes, and anyone creates data
//! feeds (`feed create`). Every failure is one line on stderr
//! and a non-zero exit. Every command prints its answer as lines for people
//! or, with `--output json`, as one JSON document for scripts.

mod chain;
mod commands;
mod light_client;
mod oracle;
mod output;
mod parse;
mod subscriptions;
mod transactions;
mod verify;

use clap::{Parser, Subcommand};

/// Veritas: verifiable AI inference on a Substrate chain.
#[derive(Debug, Parser)]
#[command(version, about)]
pub struct Cli {
	/// The node's JSON-RPC endpoint.
	#[arg(long, global = true, default_value = "http://127.0.0.1:9944", env = "VERITAS_URL")]
	pub url: String,

	/// The signing key: a secret URI (`//Alice` on a dev chain, or a phrase),
	/// or `@FILE` to read one from a file. Commands that sign need it, except
	/// on a development chain, where it is `//Alice` unless given.
	#[arg(long, global = true, env = "VERITAS_SURI")]
	pub suri: Option<String>,

	/// How to print the answer: lines for people, or one JSON document for
	/// scripts (amounts in the chain's smallest unit, as strings).
	#[arg(long, global = true, value_enum, default_value_t, env = "VERITAS_OUTPUT")]
	pub output: output::Format,

	#[command(subcommand)]
	pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
	/// Models: publish, list, show, set-price.
	#[command(subcommand)]
	Model(ModelCommand),

	/// Run an inference: estimate its fee, request it, and (with --wait)
	/// follow it to its verdict.
	Infer(commands::InferArgs),

	/// Open a subscription: the same request every few blocks, a given
	/// number of times, with the whole budget held now. A feed input is
	/// read at each run, so each run scores the feed's value at its block.
	Subscribe(subscriptions::SubscribeArgs),

	/// Subscriptions: show, cancel.
	#[command(subcommand)]
	Subscription(subscriptions::SubscriptionCommand),

	/// Executors: register, status, accept-terms.
	#[command(subcommand)]
	Executor(ExecutorCommand),

	/// Verifiers: register, status.
	#[command(subcommand)]
	Verifier(VerifierCommand),

	/// Data feeds: create, list, show, retire.
	#[command(subcommand)]
	Feed(oracle::FeedCommand),

	/// Data nodes: register, unregister, withdraw, status.
	#[command(subcommand)]
	DataNode(oracle::DataNodeCommand),

	/// Check a request's result without trusting the node: GRANDPA finality
	/// is followed from a trusted block (genesis by default) with the
	/// authorities' signatures checked, the request and its model are read
	/// with storage proofs against the proven block's state root, the proof
	/// document is checked against its on-chain digest, and the request is
	/// re-run here with the engine. Prints Match (exit 0), Mismatch (exit 3)
	/// or NodeLied (exit 3).
	Verify(commands::VerifyArgs),

	/// The process `veritas verify` runs the engine in, under its limits.
	#[command(hide = true)]
	EngineWorker(commands::EngineWorkerArgs),

	/// Free and held balances of accounts: SS58 addresses, dev URIs like
	/// //Bob, or `treasury`.
	Balance {
		#[arg(required = true)]
		accounts: Vec<String>,
	},
}

#[derive(Debug, Subcommand)]
pub enum ModelCommand {
	/// Upload a model's files to a store, register it, and print its id.
	Publish(Box<commands::PublishArgs>),
	/// List model versions.
	List(commands::ListArgs),
	/// Show one model version, with the revision of its terms.
	Show {
		/// The model id.
		model: u64,
	},
	/// Change a version's price, as its owner. Requests already made keep
	/// their price; executors are assigned new ones only once they accept
	/// the new terms.
	SetPrice {
		/// The model id.
		model: u64,
		/// The price per request, in VRT.
		#[arg(long)]
		price: String,
		/// The price per generated token, in VRT.
		#[arg(long, default_value = "0")]
		price_per_token: String,
	},
}

#[derive(Debug, Subcommand)]
pub enum ExecutorCommand {
	/// Register the signing account as an executor.
	Register(commands::ExecutorArgs),
	/// Show an executor's stake, models, capacity and reputation, and for
	/// each model whether it has accepted the model's current terms.
	Status {
		/// The account (SS58); the signing account by default.
		account: Option<String>,
	},
	/// Accept a model's current terms (its price and policy, shown by
	/// `veritas model show`). After a publisher changes them, an executor is
	/// assigned none of the model's new requests until it accepts.
	AcceptTerms {
		/// The model id.
		model: u64,
		/// The terms revision read with `veritas executor status`; refused
		/// if the terms changed since. The current revision by default.
		#[arg(long)]
		terms: Option<u32>,
	},
}

#[derive(Debug, Subcommand)]
pub enum VerifierCommand {
	/// Register the signing account as a verifier. It sits in rounds opened
	/// two BABE epochs (about 20 minutes) later: long enough that no seed it
	/// sits under was known when it registered.
	Register {
		/// The stake, in VRT.
		#[arg(long, default_value = "100")]
		stake: String,
	},
	/// Show a verifier's stake, reputation, status, the block from which it
	/// sits in rounds, and how many verifications it attested in are open.
	Status {
		/// The account (SS58); the signing account by default.
		account: Option<String>,
	},
}

#[tokio::main]
async fn main() {
	let cli = Cli::parse();
	if let Command::EngineWorker(worker) = &cli.command {
		if let Err(error) = worker.serve() {
			eprintln!("engine worker: {error}");
			std::process::exit(1);
		}
		return;
	}
	let format = cli.output;
	match commands::run(cli).await {
		Ok(report) => {
			report.print(format);
			std::process::exit(report.exit_status);
		},
		Err(error) => {
			eprintln!("{}", output::render_error(&error, format));
			std::process::exit(1);
		},
	}
}
