//! What a command prints: lines for people, or one JSON document for
//! scripts (`--output json`). Each command says what it found or did once,
//! as a [`Report`], and [`Report::print`] writes it in the chosen format.
//!
//! Amounts are in VRT in text, and in the chain's smallest unit, as decimal
//! strings, in JSON (a `u128` does not fit a JSON number), as the node's RPC
//! answers them. Progress and warnings go to stderr in both formats, so
//! that stdout holds only the answer.

use serde_json::Value;

/// How a command prints its answer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
	/// Lines for people.
	#[default]
	Text,
	/// One JSON document on stdout; an error is `{"error": "…"}` on stderr.
	Json,
}

/// A command's answer, in both formats.
#[derive(Debug, PartialEq)]
pub struct Report {
	json: Value,
	text: String,
	/// The process's exit status once the answer is printed.
	pub exit_status: i32,
}

impl Report {
	/// An answer: `json` for scripts, `text` for people.
	pub fn new(json: Value, text: impl Into<String>) -> Self {
		Self { json, text: text.into(), exit_status: 0 }
	}

	/// The same answer, ending the process with `status` (a verdict that
	/// scripts test, like `veritas verify`'s mismatch).
	pub fn with_exit_status(self, status: i32) -> Self {
		Self { exit_status: status, ..self }
	}

	/// An answer that is a JSON document already (an RPC record): printed
	/// pretty in text too.
	pub fn document(json: Value) -> Self {
		let text = serde_json::to_string_pretty(&json).unwrap_or_default();
		Self::new(json, text)
	}

	/// The answer, as `format` prints it (without the final newline).
	pub fn render(&self, format: Format) -> String {
		match format {
			Format::Text => self.text.trim_end().to_string(),
			Format::Json => self.json.to_string(),
		}
	}

	pub fn print(&self, format: Format) {
		println!("{}", self.render(format));
	}
}

/// An error, as `format` prints it on stderr.
pub fn render_error(error: &str, format: Format) -> String {
	match format {
		Format::Text => format!("error: {error}"),
		Format::Json => serde_json::json!({ "error": error }).to_string(),
	}
}

/// An amount in the chain's smallest unit, as the RPC writes one.
pub fn amount(value: u128) -> Value {
	Value::String(value.to_string())
}

#[cfg(test)]
mod tests {
	use serde_json::json;

	use super::*;

	#[test]
	fn a_report_prints_its_text_or_its_json() {
		let report = Report::new(json!({ "model": 7 }), "7\n");
		assert_eq!(report.render(Format::Text), "7");
		assert_eq!(report.render(Format::Json), r#"{"model":7}"#);
	}

	#[test]
	fn a_document_is_pretty_in_text_and_compact_in_json() {
		let report = Report::document(json!({ "id": 1, "name": "feed" }));
		assert_eq!(report.render(Format::Text), "{\n  \"id\": 1,\n  \"name\": \"feed\"\n}");
		assert_eq!(report.render(Format::Json), r#"{"id":1,"name":"feed"}"#);
	}

	#[test]
	fn errors_are_a_line_or_a_json_object() {
		assert_eq!(render_error("fee too low", Format::Text), "error: fee too low");
		assert_eq!(render_error("say \"no\"", Format::Json), r#"{"error":"say \"no\""}"#);
	}

	#[test]
	fn amounts_are_decimal_strings() {
		assert_eq!(amount(u128::MAX), json!("340282366920938463463374607431768211455"));
	}
}
