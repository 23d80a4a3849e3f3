//! A borrowed JSON document for the careful path: every value with its byte span, numbers as
//! their source text, strings with their ASCII JSON encoding, and objects with Python `json.loads`
//! semantics for repeated keys. Syntax errors carry the byte where parsing stopped.
//!
//! Owns JSON structure only; it must not know the batch rules (see `careful_path`) and must never
//! panic or recurse without bound.

use std::borrow::Cow;

use super::json_text::{
    literal, scan_number, skip_bom, skip_ws, transcode_string, TokenError, EOF,
};
use super::python_dict::PyDict;

/// Documents nested deeper than this are refused (as Python's and serde_json's parsers do).
pub(crate) const MAX_DEPTH: usize = 128;

pub(crate) struct Node<'a> {
    /// Byte offset of the value's first byte.
    pub at: usize,
    /// Byte offset just past the value.
    pub end: usize,
    pub kind: Kind<'a>,
}

pub(crate) enum Kind<'a> {
    Null,
    Bool(bool),
    Number {
        text: &'a [u8],
        integer: bool,
    },
    String {
        /// The text between the quotes, as sent (escapes not decoded).
        raw: &'a [u8],
        /// Python's `ensure_ascii` encoding of the decoded text, without quotes.
        enc: Cow<'a, [u8]>,
    },
    Array(Vec<Node<'a>>),
    /// Keys as their ASCII JSON encoding (which is one-to-one with the decoded text).
    Object(PyDict<Cow<'a, [u8]>, Node<'a>>),
}

/// Parses a whole body (an optional UTF-8 byte order mark, one value, whitespace).
pub(crate) fn parse(b: &[u8]) -> Result<Node<'_>, TokenError> {
    let mut p = Parser { b, i: skip_bom(b) };
    p.ws();
    let node = p.value(0)?;
    p.ws();
    if p.i < b.len() {
        return Err(TokenError {
            at: p.i,
            message: "trailing characters after the JSON value",
        });
    }
    Ok(node)
}

struct Parser<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Parser<'a> {
    fn ws(&mut self) {
        self.i = skip_ws(self.b, self.i);
    }

    fn error(&self, message: &'static str) -> TokenError {
        if self.i >= self.b.len() {
            TokenError {
                at: self.b.len(),
                message: EOF,
            }
        } else {
            TokenError {
                at: self.i,
                message,
            }
        }
    }

    fn value(&mut self, depth: usize) -> Result<Node<'a>, TokenError> {
        let at = self.i;
        let kind = match self.b.get(at) {
            None => return Err(self.error(EOF)),
            Some(b'"') => self.string()?,
            Some(b'-' | b'0'..=b'9') => {
                let n = scan_number(self.b, at)?;
                self.i = n.end;
                Kind::Number {
                    text: &self.b[at..n.end],
                    integer: n.integer,
                }
            }
            Some(b't') => {
                self.i = literal(self.b, at, b"true")?;
                Kind::Bool(true)
            }
            Some(b'f') => {
                self.i = literal(self.b, at, b"false")?;
                Kind::Bool(false)
            }
            Some(b'n') => {
                self.i = literal(self.b, at, b"null")?;
                Kind::Null
            }
            Some(b'[') => {
                if depth >= MAX_DEPTH {
                    return Err(self.error("nesting deeper than 128 levels"));
                }
                self.array(depth)?
            }
            Some(b'{') => {
                if depth >= MAX_DEPTH {
                    return Err(self.error("nesting deeper than 128 levels"));
                }
                self.object(depth)?
            }
            Some(_) => return Err(self.error("expected a JSON value")),
        };
        Ok(Node {
            at,
            end: self.i,
            kind,
        })
    }

    fn string(&mut self) -> Result<Kind<'a>, TokenError> {
        let start = self.i + 1;
        let mut enc = Vec::new();
        let tok = transcode_string(self.b, start, &mut enc)?;
        self.i = tok.end;
        let raw = &self.b[start..tok.end - 1];
        let enc = if tok.plain {
            Cow::Borrowed(raw)
        } else {
            Cow::Owned(enc)
        };
        Ok(Kind::String { raw, enc })
    }

    fn array(&mut self, depth: usize) -> Result<Kind<'a>, TokenError> {
        self.i += 1;
        self.ws();
        let mut items = Vec::new();
        if self.b.get(self.i) == Some(&b']') {
            self.i += 1;
            return Ok(Kind::Array(items));
        }
        loop {
            items.push(self.value(depth + 1)?);
            self.ws();
            match self.b.get(self.i) {
                Some(b',') => {
                    self.i += 1;
                    self.ws();
                }
                Some(b']') => {
                    self.i += 1;
                    return Ok(Kind::Array(items));
                }
                _ => return Err(self.error("expected `,` or `]`")),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Kind<'a>, TokenError> {
        self.i += 1;
        self.ws();
        let mut members = PyDict::new();
        if self.b.get(self.i) == Some(&b'}') {
            self.i += 1;
            return Ok(Kind::Object(members));
        }
        loop {
            if self.b.get(self.i) != Some(&b'"') {
                return Err(self.error("expected a string key"));
            }
            let Kind::String { enc, .. } = self.string()? else {
                return Err(self.error("expected a string key"));
            };
            self.ws();
            if self.b.get(self.i) != Some(&b':') {
                return Err(self.error("expected `:`"));
            }
            self.i += 1;
            self.ws();
            let value = self.value(depth + 1)?;
            members.insert(enc, value);
            self.ws();
            match self.b.get(self.i) {
                Some(b',') => {
                    self.i += 1;
                    self.ws();
                }
                Some(b'}') => {
                    self.i += 1;
                    return Ok(Kind::Object(members));
                }
                _ => return Err(self.error("expected `,` or `}`")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> TokenError {
        match parse(text.as_bytes()) {
            Ok(_) => panic!("{text:?} parsed"),
            Err(e) => e,
        }
    }

    #[test]
    fn syntax_errors_say_where() {
        assert_eq!(err("{\"a\": ").at, 6);
        assert_eq!(err("{\"a\": ").message, EOF);
        assert_eq!(err("{\"a\" 1}").message, "expected `:`");
        assert_eq!(err("{\"a\":1,}").message, "expected a string key");
        assert_eq!(err("[1 2]").message, "expected `,` or `]`");
        assert_eq!(
            err("{} x").message,
            "trailing characters after the JSON value"
        );
        assert_eq!(err("nul").message, EOF);
        assert_eq!(err("nulx").at, 3);
        assert_eq!(
            err(&"[".repeat(200)).message,
            "nesting deeper than 128 levels"
        );
    }

    #[test]
    fn duplicate_keys_keep_first_position_last_value() {
        let doc = parse(br#"{"a":1,"b":2,"a":3}"#).unwrap();
        let Kind::Object(members) = doc.kind else {
            panic!("not an object")
        };
        let keys: Vec<&[u8]> = members.entries().iter().map(|(k, _)| k.as_ref()).collect();
        assert_eq!(keys, [b"a".as_slice(), b"b"]);
        let Some(Node {
            kind: Kind::Number { text, .. },
            ..
        }) = members.get(b"a")
        else {
            panic!("a is not a number")
        };
        assert_eq!(*text, b"3");
    }
}
