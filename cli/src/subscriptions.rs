//! `veritas subscribe` and `veritas subscription …`: recurring inference,
//! one request every few blocks with the whole budget held up front.

use serde_json::json;
use sp_core::sr25519;
use veritas_primitives::subscription::{RequestSpec, SubscriptionId, SubscriptionStatus};
use veritas_rpc_api::inference::{InferenceApiClient, Output, SubscriptionInfo};
use veritas_runtime::{RuntimeCall, RuntimeEvent};

use crate::{
	chain::Chain,
	commands::{request_terms, RequestArgs, RequestTerms},
	output::{amount, Report},
	parse::vrt,
};

#[derive(Debug, clap::Args)]
pub struct SubscribeArgs {
	#[command(flatten)]
	pub request: RequestArgs,
	/// Blocks between runs (a block is 3 s).
	#[arg(long, value_name = "BLOCKS")]
	pub every: u32,
	/// How many runs to pay for: the budget held now is --max-fee times
	/// this.
	#[arg(long)]
	pub runs: u32,
	/// Each run's deadline, in blocks after the block that makes it.
	#[arg(long, default_value_t = 100)]
	pub deadline_blocks: u32,
}

#[derive(Debug, clap::Subcommand)]
pub enum SubscriptionCommand {
	/// Show a subscription: its budget and status, and every run so far
	/// with its request's status, result and the feed value it scored.
	Show {
		/// The subscription id.
		subscription: SubscriptionId,
	},
	/// Cancel a subscription of yours: every run not yet made is refunded.
	/// Runs already made are requests like any other.
	Cancel {
		/// The subscription id.
		subscription: SubscriptionId,
	},
}

pub async fn subscribe(
	chain: &Chain,
	signer: &sr25519::Pair,
	args: SubscribeArgs,
) -> Result<Report, String> {
	let RequestTerms { model, input, params, max_fee } =
		request_terms(chain, &args.request).await?;
	let spec = RequestSpec { model, input, params, max_fee, deadline_after: args.deadline_blocks };
	let call = RuntimeCall::Subscriptions(pallet_subscriptions::Call::subscribe {
		spec,
		period: args.every,
		runs: args.runs,
	});
	let included = chain.submit(call, signer).await?;
	let (subscription, budget, first_run) = included
		.events
		.iter()
		.find_map(|event| match event {
			RuntimeEvent::Subscriptions(pallet_subscriptions::Event::Subscribed {
				subscription,
				budget,
				first_run,
				..
			}) => Some((*subscription, *budget, *first_run)),
			_ => None,
		})
		.ok_or("subscribed, but the chain reported no subscription id")?;
	Ok(Report::new(
		json!({
			"subscription": subscription,
			"budget": amount(budget),
			"firstRun": first_run,
			"every": args.every,
			"runs": args.runs,
		}),
		format!(
			"subscription {subscription}: {} runs of model {model}, every {} blocks from block \
			 {first_run}; {} held",
			args.runs,
			args.every,
			vrt(budget)
		),
	))
}

pub async fn run(
	chain: &Chain,
	signer: impl FnOnce() -> Result<sr25519::Pair, String>,
	command: SubscriptionCommand,
) -> Result<Report, String> {
	match command {
		SubscriptionCommand::Show { subscription } => {
			let info = chain.ask(chain.rpc().get_subscription(subscription)).await?;
			let text = describe(&info);
			Ok(Report::new(serde_json::to_value(&info).map_err(|e| e.to_string())?, text))
		},
		SubscriptionCommand::Cancel { subscription } => {
			let call =
				RuntimeCall::Subscriptions(pallet_subscriptions::Call::cancel { subscription });
			let included = chain.submit(call, &signer()?).await?;
			let refund = included
				.events
				.iter()
				.find_map(|event| match event {
					RuntimeEvent::Subscriptions(
						pallet_subscriptions::Event::SubscriptionFinished { refund, .. },
					) => Some(*refund),
					_ => None,
				})
				.ok_or("cancelled, but the chain reported no refund")?;
			Ok(Report::new(
				json!({ "subscription": subscription, "refund": amount(refund) }),
				format!("subscription {subscription} cancelled: {} refunded", vrt(refund)),
			))
		},
	}
}

/// A subscription as lines for people.
fn describe(info: &SubscriptionInfo) -> String {
	let status = match info.status {
		SubscriptionStatus::Active => match info.next_run {
			Some(block) => format!("active, next run at block {block}"),
			None => "active".to_string(),
		},
		SubscriptionStatus::Completed { at } => format!("completed at block {at}"),
		SubscriptionStatus::Cancelled { at } => format!("cancelled at block {at}"),
		SubscriptionStatus::Ended { at, reason } => format!("ended at block {at}: {reason:?}"),
	};
	let mut lines = vec![
		format!(
			"subscription {}: model {}, every {} blocks, {} of {} runs made; {}",
			info.id,
			info.model,
			info.period,
			info.runs.len(),
			info.total_runs,
			status
		),
		format!(
			"budget held: {} (up to {} a run)",
			vrt(info.budget.0),
			vrt(info.max_fee_per_run.0)
		),
	];
	for run in &info.runs {
		let outcome = match (&run.request_id, &run.request, &run.refused) {
			(_, _, Some(reason)) => format!("refused: {reason:?}"),
			(Some(id), Some(request), _) => {
				let feed = request
					.feed
					.as_ref()
					.map(|feed| format!(", feed {} = {}", feed.feed, feed.reading.display))
					.unwrap_or_default();
				let result = match request.result.as_ref().map(|result| &result.output) {
					Some(Output::Regression(value)) => format!(", result {value}"),
					Some(Output::Classification(probabilities)) => {
						format!(", result {probabilities:?}")
					},
					Some(Output::Embedding(vector)) => format!(", {} numbers", vector.len()),
					Some(Output::Generation { text, .. }) => format!(", {text:?}"),
					Some(Output::Raw(hex)) => format!(", raw {hex}"),
					Some(Output::NotFetched) => ", output stored by reference".to_string(),
					Some(Output::Unavailable(_)) => ", output unavailable".to_string(),
					None => String::new(),
				};
				format!("request {id} {:?}{feed}{result}", request.status)
			},
			(Some(id), None, _) => format!("request {id} (pruned)"),
			(None, _, None) => "not made".to_string(),
		};
		lines.push(format!("  run {} due {} made {}: {outcome}", run.run, run.due, run.made_at));
	}
	lines.join("\n")
}
