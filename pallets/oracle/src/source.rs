//! Reading a feed's number out of a source's JSON answer, exactly.
//!
//! A data node's off-chain worker fetches a feed's `source_url` and gets
//! JSON such as `{"data": {"price": "64123.45"}}`. The feed's JSON path
//! (`$.data.price`) says where the number is, and its decimals say how to
//! turn it into the integer that goes on-chain (`6412345000` with 5
//! decimals). The number is read from its text, never through a float, so
//! that every data node reading the same answer reports the same integer.
//!
//! Paths are a small subset of JSONPath: an optional `$`, then keys
//! (`.price`, or `["odd.key"]` for keys with dots or brackets) and array
//! indexes (`[0]`). The number may be a JSON number or a string holding one
//! (many APIs quote prices to keep their precision).
//!
//! Digits beyond the feed's decimals are rounded half away from zero.

use alloc::vec::Vec;
use veritas_primitives::oracle::{FeedValue, MAX_FEED_DECIMALS};

/// Why an answer gave no number.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum SourceError {
	/// The answer is not a JSON document.
	NotJson,
	/// Nothing sits at the feed's path.
	MissingPath,
	/// What sits at the path is not a number, nor a string holding one.
	NotNumeric,
	/// The number does not fit a feed value at the feed's decimals.
	Overflow,
	/// The path itself is malformed.
	BadPath,
}

impl SourceError {
	pub fn describe(&self) -> &'static str {
		match self {
			SourceError::NotJson => "the answer is not JSON",
			SourceError::MissingPath => "nothing at the feed's JSON path",
			SourceError::NotNumeric => "the value at the feed's JSON path is not a number",
			SourceError::Overflow => "the number is too large for the feed's decimals",
			SourceError::BadPath => "the feed's JSON path is malformed",
		}
	}
}

/// One step of a path.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum PathStep {
	Key(Vec<u8>),
	Index(usize),
}

/// Parses a path such as `$.data.prices[0]["usd.value"]`.
pub fn parse_path(path: &[u8]) -> Result<Vec<PathStep>, SourceError> {
	let mut steps = Vec::new();
	let mut rest = path.strip_prefix(b"$").unwrap_or(path);
	let mut first = true;
	while !rest.is_empty() {
		match rest[0] {
			b'[' => {
				let close =
					rest.iter().position(|&byte| byte == b']').ok_or(SourceError::BadPath)?;
				let inside = &rest[1..close];
				let step = match inside {
					[quote @ (b'"' | b'\''), key @ .., end] if end == quote => {
						PathStep::Key(key.to_vec())
					},
					digits if !digits.is_empty() && digits.iter().all(u8::is_ascii_digit) => {
						let index = core::str::from_utf8(digits)
							.ok()
							.and_then(|text| text.parse().ok())
							.ok_or(SourceError::BadPath)?;
						PathStep::Index(index)
					},
					_ => return Err(SourceError::BadPath),
				};
				steps.push(step);
				rest = &rest[close + 1..];
			},
			byte => {
				let key_start = if byte == b'.' {
					1
				} else if first && !path.starts_with(b"$") {
					// `data.price` means `$.data.price`.
					0
				} else {
					return Err(SourceError::BadPath);
				};
				let key = &rest[key_start..];
				let end =
					key.iter().position(|&byte| byte == b'.' || byte == b'[').unwrap_or(key.len());
				if end == 0 {
					return Err(SourceError::BadPath);
				}
				steps.push(PathStep::Key(key[..end].to_vec()));
				rest = &key[end..];
			},
		}
		first = false;
	}
	Ok(steps)
}

/// The feed value at `path` in `json`, at `decimals`.
pub fn read_value(json: &[u8], path: &[PathStep], decimals: u8) -> Result<FeedValue, SourceError> {
	let mut parser = Parser { text: json, at: 0 };
	// The whole answer must be JSON, not just the part before the number.
	parser.skip_value(0)?;
	parser.skip_whitespace();
	if parser.at != json.len() {
		return Err(SourceError::NotJson);
	}
	parser.at = 0;
	let number = parser.find(path)?;
	scale(&number, decimals)
}

/// The integer `number × 10^decimals`, rounded half away from zero.
pub fn scale(number: &[u8], decimals: u8) -> Result<FeedValue, SourceError> {
	if decimals > MAX_FEED_DECIMALS {
		return Err(SourceError::Overflow);
	}
	let parts = NumberParts::parse(number).ok_or(SourceError::NotNumeric)?;
	let digits: Vec<u8> =
		parts.integer.iter().chain(parts.fraction).map(|digit| digit - b'0').collect();
	// value = digits × 10^shift.
	let shift = parts
		.exponent
		.checked_sub(parts.fraction.len() as i64)
		.and_then(|shift| shift.checked_add(decimals.into()))
		.ok_or(SourceError::Overflow)?;
	let (kept, round_up) = if shift >= 0 {
		(&digits[..], false)
	} else {
		let dropped = usize::try_from(shift.unsigned_abs()).unwrap_or(usize::MAX);
		let keep = digits.len().saturating_sub(dropped);
		let first_dropped = if dropped > digits.len() { 0 } else { digits[keep] };
		(&digits[..keep], first_dropped >= 5)
	};
	let mut magnitude: u128 = 0;
	for digit in kept {
		magnitude = magnitude
			.checked_mul(10)
			.and_then(|value| value.checked_add((*digit).into()))
			.ok_or(SourceError::Overflow)?;
	}
	if shift > 0 && magnitude != 0 {
		let power = u32::try_from(shift).map_err(|_| SourceError::Overflow)?;
		let factor = 10u128.checked_pow(power).ok_or(SourceError::Overflow)?;
		magnitude = magnitude.checked_mul(factor).ok_or(SourceError::Overflow)?;
	}
	if round_up {
		magnitude = magnitude.checked_add(1).ok_or(SourceError::Overflow)?;
	}
	let value = FeedValue::try_from(magnitude).map_err(|_| SourceError::Overflow)?;
	Ok(if parts.negative { -value } else { value })
}

/// A JSON number's pieces: `-12.50e3` is negative, "12", "50", exponent 3.
struct NumberParts<'a> {
	negative: bool,
	integer: &'a [u8],
	fraction: &'a [u8],
	exponent: i64,
}

impl<'a> NumberParts<'a> {
	/// Parses exactly one number in JSON's grammar, or nothing.
	fn parse(text: &'a [u8]) -> Option<Self> {
		let (negative, text) = match text.strip_prefix(b"-") {
			Some(rest) => (true, rest),
			None => (false, text),
		};
		let integer_end = text.iter().position(|byte| !byte.is_ascii_digit()).unwrap_or(text.len());
		let integer = &text[..integer_end];
		if integer.is_empty() || (integer.len() > 1 && integer[0] == b'0') {
			return None;
		}
		let mut rest = &text[integer_end..];
		let mut fraction: &[u8] = &[];
		if let Some(after_point) = rest.strip_prefix(b".") {
			let end = after_point
				.iter()
				.position(|byte| !byte.is_ascii_digit())
				.unwrap_or(after_point.len());
			if end == 0 {
				return None;
			}
			fraction = &after_point[..end];
			rest = &after_point[end..];
		}
		let mut exponent = 0i64;
		if let [b'e' | b'E', after_e @ ..] = rest {
			let (sign, digits) = match after_e {
				[b'-', digits @ ..] => (-1, digits),
				[b'+', digits @ ..] => (1, digits),
				digits => (1, digits),
			};
			if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
				return None;
			}
			// Anything past 18 digits is out of every feed's range; keep
			// it large rather than failing to parse.
			let magnitude = digits.iter().try_fold(0i64, |value, digit| {
				value.checked_mul(10)?.checked_add(i64::from(digit - b'0'))
			});
			exponent = sign * magnitude.unwrap_or(i64::MAX / 2);
			rest = &[];
		}
		rest.is_empty().then_some(NumberParts { negative, integer, fraction, exponent })
	}
}

/// The deepest nesting accepted, so that a hostile answer cannot exhaust
/// the worker's stack.
const MAX_DEPTH: u32 = 32;

struct Parser<'a> {
	text: &'a [u8],
	at: usize,
}

impl Parser<'_> {
	fn peek(&self) -> Option<u8> {
		self.text.get(self.at).copied()
	}

	fn skip_whitespace(&mut self) {
		while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
			self.at += 1;
		}
	}

	fn expect(&mut self, byte: u8) -> Result<(), SourceError> {
		self.skip_whitespace();
		if self.peek() == Some(byte) {
			self.at += 1;
			Ok(())
		} else {
			Err(SourceError::NotJson)
		}
	}

	/// Follows `path` from the value at the cursor and returns the number's
	/// text there.
	fn find(&mut self, path: &[PathStep]) -> Result<Vec<u8>, SourceError> {
		self.skip_whitespace();
		let Some((step, rest)) = path.split_first() else {
			return self.number_text();
		};
		match (step, self.peek()) {
			(PathStep::Key(wanted), Some(b'{')) => {
				self.at += 1;
				self.skip_whitespace();
				if self.peek() == Some(b'}') {
					return Err(SourceError::MissingPath);
				}
				loop {
					self.skip_whitespace();
					let key = self.string()?;
					self.expect(b':')?;
					if key == *wanted {
						return self.find(rest);
					}
					self.skip_value(1)?;
					self.skip_whitespace();
					match self.peek() {
						Some(b',') => self.at += 1,
						_ => return Err(SourceError::MissingPath),
					}
				}
			},
			(PathStep::Index(wanted), Some(b'[')) => {
				self.at += 1;
				self.skip_whitespace();
				if self.peek() == Some(b']') {
					return Err(SourceError::MissingPath);
				}
				for _ in 0..*wanted {
					self.skip_value(1)?;
					self.skip_whitespace();
					match self.peek() {
						Some(b',') => self.at += 1,
						_ => return Err(SourceError::MissingPath),
					}
				}
				self.find(rest)
			},
			_ => Err(SourceError::MissingPath),
		}
	}

	/// The text of the number (or numeric string) at the cursor.
	fn number_text(&mut self) -> Result<Vec<u8>, SourceError> {
		match self.peek() {
			Some(b'"') => self.string(),
			Some(b'-' | b'0'..=b'9') => {
				let start = self.at;
				self.skip_value(0)?;
				Ok(self.text[start..self.at].to_vec())
			},
			_ => Err(SourceError::NotNumeric),
		}
	}

	/// Moves past one value, checking that it is well-formed JSON.
	fn skip_value(&mut self, depth: u32) -> Result<(), SourceError> {
		if depth > MAX_DEPTH {
			return Err(SourceError::NotJson);
		}
		self.skip_whitespace();
		match self.peek().ok_or(SourceError::NotJson)? {
			b'{' => self.skip_container(depth, b'}', true),
			b'[' => self.skip_container(depth, b']', false),
			b'"' => self.string().map(drop),
			b't' => self.literal(b"true"),
			b'f' => self.literal(b"false"),
			b'n' => self.literal(b"null"),
			_ => {
				let start = self.at;
				while matches!(self.peek(), Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')) {
					self.at += 1;
				}
				NumberParts::parse(&self.text[start..self.at]).map(drop).ok_or(SourceError::NotJson)
			},
		}
	}

	fn skip_container(&mut self, depth: u32, close: u8, keyed: bool) -> Result<(), SourceError> {
		self.at += 1;
		self.skip_whitespace();
		if self.peek() == Some(close) {
			self.at += 1;
			return Ok(());
		}
		loop {
			if keyed {
				self.skip_whitespace();
				self.string()?;
				self.expect(b':')?;
			}
			self.skip_value(depth + 1)?;
			self.skip_whitespace();
			match self.peek() {
				Some(b',') => self.at += 1,
				Some(byte) if byte == close => {
					self.at += 1;
					return Ok(());
				},
				_ => return Err(SourceError::NotJson),
			}
		}
	}

	fn literal(&mut self, word: &[u8]) -> Result<(), SourceError> {
		if self.text[self.at..].starts_with(word) {
			self.at += word.len();
			Ok(())
		} else {
			Err(SourceError::NotJson)
		}
	}

	/// Reads a string at the cursor and returns it unescaped, as UTF-8.
	fn string(&mut self) -> Result<Vec<u8>, SourceError> {
		if self.peek() != Some(b'"') {
			return Err(SourceError::NotJson);
		}
		self.at += 1;
		let mut out = Vec::new();
		loop {
			let byte = self.peek().ok_or(SourceError::NotJson)?;
			self.at += 1;
			match byte {
				b'"' => return Ok(out),
				b'\\' => {
					let escaped = self.peek().ok_or(SourceError::NotJson)?;
					self.at += 1;
					let plain = match escaped {
						b'"' => b'"',
						b'\\' => b'\\',
						b'/' => b'/',
						b'b' => 0x08,
						b'f' => 0x0c,
						b'n' => b'\n',
						b'r' => b'\r',
						b't' => b'\t',
						b'u' => {
							let character = self.unicode_escape()?;
							let mut buffer = [0u8; 4];
							out.extend_from_slice(character.encode_utf8(&mut buffer).as_bytes());
							continue;
						},
						_ => return Err(SourceError::NotJson),
					};
					out.push(plain);
				},
				0..=0x1f => return Err(SourceError::NotJson),
				_ => out.push(byte),
			}
		}
	}

	/// The character of a `\uXXXX` escape (the `\u` already read), joining
	/// surrogate pairs.
	fn unicode_escape(&mut self) -> Result<char, SourceError> {
		let high = self.hex4()?;
		let code = if (0xd800..0xdc00).contains(&high) {
			if !self.text[self.at..].starts_with(b"\\u") {
				return Err(SourceError::NotJson);
			}
			self.at += 2;
			let low = self.hex4()?;
			if !(0xdc00..0xe000).contains(&low) {
				return Err(SourceError::NotJson);
			}
			0x10000 + ((high - 0xd800) << 10) + (low - 0xdc00)
		} else {
			high
		};
		char::from_u32(code).ok_or(SourceError::NotJson)
	}

	fn hex4(&mut self) -> Result<u32, SourceError> {
		let digits = self.text.get(self.at..self.at + 4).ok_or(SourceError::NotJson)?;
		let text = core::str::from_utf8(digits).map_err(|_| SourceError::NotJson)?;
		let value = u32::from_str_radix(text, 16).map_err(|_| SourceError::NotJson)?;
		self.at += 4;
		Ok(value)
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn read(json: &str, path: &str, decimals: u8) -> Result<FeedValue, SourceError> {
		read_value(json.as_bytes(), &parse_path(path.as_bytes())?, decimals)
	}

	#[test]
	fn paths_parse_into_keys_and_indexes() {
		let key = |text: &str| PathStep::Key(text.as_bytes().to_vec());
		assert_eq!(parse_path(b"$.data.price"), Ok(vec![key("data"), key("price")]));
		assert_eq!(parse_path(b"data.price"), Ok(vec![key("data"), key("price")]));
		assert_eq!(
			parse_path(b"$.rates[2][\"usd.eur\"]"),
			Ok(vec![key("rates"), PathStep::Index(2), key("usd.eur")])
		);
		assert_eq!(parse_path(b"['a']"), Ok(vec![key("a")]));
		assert_eq!(parse_path(b"$"), Ok(vec![]));
		for bad in ["$..a", "$.a[", "$.a[x]", "$.a[]", "$a", "$.a.", "['a\"]"] {
			assert_eq!(parse_path(bad.as_bytes()), Err(SourceError::BadPath), "{bad}");
		}
	}

	#[test]
	fn numbers_and_numeric_strings_are_read_exactly() {
		let json = r#"{"data": {"price": "64123.45", "volume": 1.5e3, "change": -0.25},
			"rates": [{"v": 1}, {"v": 0.1}], "odd.key": 7, "esc\"aped": 3}"#;
		assert_eq!(read(json, "$.data.price", 5), Ok(6_412_345_000));
		assert_eq!(read(json, "$.data.volume", 0), Ok(1_500));
		assert_eq!(read(json, "$.data.change", 2), Ok(-25));
		assert_eq!(read(json, "$.rates[1].v", 18), Ok(100_000_000_000_000_000));
		assert_eq!(read(json, "$['odd.key']", 1), Ok(70));
		assert_eq!(read(json, "$['esc\"aped']", 0), Ok(3));
		assert_eq!(read("42", "$", 2), Ok(4_200));
		assert_eq!(read(" [ 0 , -0.0 ] ", "[1]", 3), Ok(0));
	}

	#[test]
	fn digits_past_the_decimals_round_half_away_from_zero() {
		assert_eq!(scale(b"1.2345", 3), Ok(1_235));
		assert_eq!(scale(b"1.2344", 3), Ok(1_234));
		assert_eq!(scale(b"-1.2345", 3), Ok(-1_235));
		assert_eq!(scale(b"0.0004", 3), Ok(0));
		assert_eq!(scale(b"0.0005", 3), Ok(1));
		assert_eq!(scale(b"5e-1", 0), Ok(1));
		assert_eq!(scale(b"1e-999999999999999999999", 18), Ok(0));
	}

	#[test]
	fn overflow_is_refused() {
		let max = i128::MAX.to_string();
		assert_eq!(scale(max.as_bytes(), 0), Ok(i128::MAX));
		assert_eq!(scale(format!("-{max}").as_bytes(), 0), Ok(-i128::MAX));
		assert_eq!(scale(max.as_bytes(), 1), Err(SourceError::Overflow));
		assert_eq!(
			scale(b"170141183460469231731687303715884105728", 0),
			Err(SourceError::Overflow)
		);
		assert_eq!(scale(b"1e39", 0), Err(SourceError::Overflow));
		assert_eq!(scale(b"1e99999999999999999999", 0), Err(SourceError::Overflow));
		assert_eq!(scale(b"1", MAX_FEED_DECIMALS + 1), Err(SourceError::Overflow));
		assert_eq!(read(r#"{"p": 1e30}"#, "p", 18), Err(SourceError::Overflow));
	}

	#[test]
	fn what_is_not_a_number_is_refused() {
		let json = r#"{"s": "high", "b": true, "n": null, "o": {}, "a": [], "w": " 1"}"#;
		for path in ["s", "b", "n", "o", "a", "w"] {
			assert_eq!(read(json, path, 2), Err(SourceError::NotNumeric), "{path}");
		}
		for bad in [b"01".as_slice(), b"1.", b".5", b"+1", b"1e", b"--1", b"1 2", b""] {
			assert_eq!(scale(bad, 0), Err(SourceError::NotNumeric));
		}
	}

	#[test]
	fn a_missing_path_is_refused() {
		let json = r#"{"data": {"price": 1}, "list": [1, 2]}"#;
		for path in
			["$.data.cost", "$.nothing", "$.list[2]", "$.data[0]", "$.list.x", "$.data.price.x"]
		{
			assert_eq!(read(json, path, 0), Err(SourceError::MissingPath), "{path}");
		}
		assert_eq!(read("{}", "a", 0), Err(SourceError::MissingPath));
		assert_eq!(read("[]", "[0]", 0), Err(SourceError::MissingPath));
	}

	#[test]
	fn what_is_not_json_is_refused() {
		let deep = "[".repeat(40) + &"]".repeat(40);
		for answer in [
			"<html>rate limited</html>",
			"",
			r#"{"p": 1"#,
			r#"{"p": 1} trailing"#,
			r#"{"p": 1,}"#,
			r#"{"p" 1}"#,
			r#"{"p": tru}"#,
			r#"{"p": "\x"}"#,
			"{\"p\": \"line\nbreak\"}",
			r#"{"p": "\ud800"}"#,
			&deep,
		] {
			assert_eq!(read(answer, "p", 0), Err(SourceError::NotJson), "{answer}");
		}
		// The number comes before the error, and is still refused.
		assert_eq!(read(r#"{"p": 1, "q": }"#, "p", 0), Err(SourceError::NotJson));
		// Escapes decode, including surrogate pairs.
		assert_eq!(read(r#"{"\u00e9\ud83d\ude00": 5}"#, "$['é😀']", 0), Ok(5));
	}
}
