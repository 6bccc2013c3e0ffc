//! `veritas feed …` and `veritas data-node …`: data feeds and the data nodes
//! that report them.

use serde_json::json;
use sp_core::{sr25519, Pair};
use veritas_primitives::oracle::{FeedId, FeedName, JsonPath, SourceUrl};
use veritas_rpc_api::oracle::OracleApiClient;
use veritas_runtime::{RuntimeCall, RuntimeEvent};

use crate::{chain::Chain, output::Report, parse};

#[derive(Debug, clap::Subcommand)]
pub enum FeedCommand {
	/// Create a feed (leaving its deposit) and print its id.
	Create(CreateFeedArgs),
	/// List feeds with their latest values.
	List,
	/// Show a feed: its source, its open round and its latest value.
	Show {
		/// The feed id.
		feed: FeedId,
	},
	/// Retire a feed you created; its deposit comes back.
	Retire {
		/// The feed id.
		feed: FeedId,
	},
}

#[derive(Debug, clap::Args)]
pub struct CreateFeedArgs {
	/// For people: "BTC/USD".
	#[arg(long)]
	pub name: String,
	/// The JSON source data nodes fetch (http:// or https://).
	#[arg(long, value_name = "URL")]
	pub source: String,
	/// Where the number is in the answer: $.data.price, rates[0].value.
	#[arg(long)]
	pub path: String,
	/// The chain keeps the number times 10^DECIMALS, as an integer.
	#[arg(long)]
	pub decimals: u8,
	/// Blocks a round lasts at most.
	#[arg(long, default_value_t = 20)]
	pub heartbeat: u32,
	/// Reports that close a round early.
	#[arg(long, default_value_t = 1)]
	pub min_reporters: u32,
}

#[derive(Debug, clap::Subcommand)]
pub enum DataNodeCommand {
	/// Register the signing account as a data node. It serves no feed
	/// until it chooses some with `serve`.
	Register {
		/// The stake, in VRT.
		#[arg(long, default_value = "100")]
		stake: String,
	},
	/// Choose the feeds the signing data node serves: it reports in their
	/// rounds, and answers for silence in them only. Replaces the list it
	/// had; none leaves them all.
	Serve {
		/// Feed ids.
		feeds: Vec<u32>,
	},
	/// Stop reporting; the stake unbonds.
	Unregister,
	/// Take the stake back after unbonding.
	Withdraw,
	/// Show a data node's stake, reputation, strikes and status.
	Status {
		/// The account (SS58); the signing account by default.
		account: Option<String>,
	},
}

pub async fn feed(
	chain: &Chain,
	signer: impl Fn() -> Result<sr25519::Pair, String>,
	command: FeedCommand,
) -> Result<Report, String> {
	match command {
		FeedCommand::Create(args) => {
			let call = RuntimeCall::Oracle(pallet_oracle::Call::create_feed {
				name: bounded::<FeedName>(&args.name, "--name")?,
				source_url: bounded::<SourceUrl>(&args.source, "--source")?,
				json_path: bounded::<JsonPath>(&args.path, "--path")?,
				decimals: args.decimals,
				heartbeat_blocks: args.heartbeat,
				min_reporters: args.min_reporters,
			});
			let included = chain.submit(call, &signer()?).await?;
			let feed = included
				.events
				.iter()
				.find_map(|event| match event {
					RuntimeEvent::Oracle(pallet_oracle::Event::FeedCreated { feed, .. }) => {
						Some(*feed)
					},
					_ => None,
				})
				.ok_or("created, but the chain reported no feed id")?;
			Ok(Report::new(json!({ "feed": feed }), feed.to_string()))
		},
		FeedCommand::List => {
			let feeds = chain.ask(chain.rpc().list_feeds(None, None)).await?;
			let mut lines = Vec::new();
			for feed in &feeds {
				let value = match &feed.latest {
					Some(latest) => format!("{} (round {})", latest.display, latest.round),
					None => "no value yet".into(),
				};
				lines.push(format!("{:>4}  {:<32} {value}", feed.id, feed.name));
			}
			if lines.is_empty() {
				lines.push("no feeds".to_string());
			}
			Ok(Report::new(json!({ "feeds": feeds }), lines.join("\n")))
		},
		FeedCommand::Show { feed } => {
			let record = chain.ask(chain.rpc().get_feed(feed)).await?;
			Ok(Report::document(serde_json::to_value(record).map_err(|e| e.to_string())?))
		},
		FeedCommand::Retire { feed } => {
			let call = RuntimeCall::Oracle(pallet_oracle::Call::retire_feed { feed });
			chain.submit(call, &signer()?).await?;
			Ok(Report::new(
				json!({ "feed": feed, "retired": true }),
				format!("feed {feed} retired"),
			))
		},
	}
}

pub async fn data_node(
	chain: &Chain,
	signer: impl Fn() -> Result<sr25519::Pair, String>,
	command: DataNodeCommand,
) -> Result<Report, String> {
	// The call, what it did in a word (for scripts), and in a sentence.
	let (call, action, done) = match command {
		DataNodeCommand::Register { stake } => (
			pallet_oracle::Call::register_data_node { stake: parse::amount(&stake)? },
			"registered",
			"registered as a data node",
		),
		DataNodeCommand::Serve { feeds } => (
			pallet_oracle::Call::serve_feeds {
				feeds: feeds.try_into().map_err(|_| "more feeds than exist".to_string())?,
			},
			"serving",
			"serving the feeds listed, and no other",
		),
		DataNodeCommand::Unregister => (
			pallet_oracle::Call::unregister_data_node {},
			"unbonding",
			"unbonding: no more reports",
		),
		DataNodeCommand::Withdraw => {
			(pallet_oracle::Call::withdraw_stake {}, "withdrawn", "stake withdrawn")
		},
		DataNodeCommand::Status { account } => {
			let account = parse::account_or_signer(account.as_deref(), signer)?;
			let node = chain
				.ask(chain.rpc().get_data_node(account.to_string()))
				.await?
				.ok_or_else(|| format!("{account} is not a data node"))?;
			return Ok(Report::document(serde_json::to_value(node).map_err(|e| e.to_string())?));
		},
	};
	let signer = signer()?;
	chain.submit(RuntimeCall::Oracle(call), &signer).await?;
	let account = veritas_primitives::AccountId::from(signer.public()).to_string();
	Ok(Report::new(json!({ "dataNode": account, "action": action }), done))
}

/// `text` as a bounded on-chain string, or which flag is too long.
fn bounded<B: TryFrom<Vec<u8>>>(text: &str, flag: &str) -> Result<B, String> {
	B::try_from(text.as_bytes().to_vec()).map_err(|_| format!("{flag} is too long"))
}
