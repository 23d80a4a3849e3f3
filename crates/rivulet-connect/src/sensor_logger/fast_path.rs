//! The ingest hot path: one pass over the body that validates the JSON and writes every reading's
//! flattened record value straight into one output buffer, which is then split into `Bytes`.
//!
//! It owns speed only, not semantics: whenever anything is unusual (an invalid field, a duplicate
//! or colliding flattened key, an escaped id or key at the top level, an object inside an array,
//! deep nesting, a non-integer top-level number) it returns `None` and the careful path decides.
//! Whatever it does return must be byte-identical to the careful path's answer; it must never
//! accept text that is not JSON.

use bytes::Bytes;
use rivulet_core::Record;

use super::catalogue::{
    is_triaxial, DEVICE_ID, MESSAGE_ID, NAME, PAYLOAD, SESSION_ID, TIME, VALUES,
};
use super::json_text::{
    copy_run, digits, literal, parse_i64, push_i64, scan_integer, scan_number, skip_bom, skip_ws,
    transcode_string,
};
use super::python_str;
use super::PhoneBatch;

/// Deeper documents are left to the careful path (which allows 128 levels).
const MAX_DEPTH: usize = 64;

/// Decodes `body`, or `None` to defer to the careful path.
pub(crate) fn decode(body: &[u8]) -> Option<PhoneBatch> {
    Transcoder {
        b: body,
        i: 0,
        out: Vec::with_capacity(1024),
        spans: Vec::new(),
        fps: Vec::with_capacity(16),
        path: Vec::with_capacity(32),
        trailer: None,
        junk: Vec::new(),
        shapes: Vec::new(),
    }
    .batch()
}

/// A record value inside the output buffer.
struct Span {
    start: usize,
    end: usize,
    timestamp: i64,
}

/// A batch-level id string: its ASCII JSON encoding and its text.
struct IdText {
    enc: Vec<u8>,
    text: String,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Name,
    Time,
    Values,
    Other,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Scalar {
    Number,
    Null,
    Other,
}

struct Transcoder<'a> {
    b: &'a [u8],
    i: usize,
    out: Vec<u8>,
    spans: Vec<Span>,
    /// Fingerprints of the current reading's flattened keys and object prefixes.
    fps: Vec<u64>,
    /// The flattened key prefix of the object being walked (ASCII JSON encoding).
    path: Vec<u8>,
    /// `,"messageId":…,"sessionId":"…","deviceId":"…"}` once all three are known.
    trailer: Option<Vec<u8>>,
    /// Scratch for validating strings that are not written.
    junk: Vec<u8>,
    /// Key fingerprint sequences already found distinct (readings of a batch share a few).
    shapes: Vec<Vec<u64>>,
}

/// A 64-bit fingerprint of a key. Equal keys have equal fingerprints; an accidental collision
/// only sends the batch to the careful path. Keys up to 16 bytes (nearly all) are read as at most
/// two overlapping words, so this costs a few instructions.
#[inline(always)]
fn fingerprint(key: &[u8]) -> u64 {
    let len = key.len();
    let (a, b) = if len >= 8 {
        if len > 16 {
            return fingerprint_long(key);
        }
        (load8(key, 0), load8(key, len - 8))
    } else if len >= 4 {
        (load4(key, 0), load4(key, len - 4))
    } else if len > 0 {
        let a =
            (u64::from(key[0]) << 16) | (u64::from(key[len / 2]) << 8) | u64::from(key[len - 1]);
        (a, 0)
    } else {
        (0, 0)
    };
    mix(
        a ^ 0x9E37_79B9_7F4A_7C15,
        b ^ 0xD6E8_FEB8_6659_FD93 ^ len as u64,
    )
}

#[inline(always)]
fn load8(key: &[u8], i: usize) -> u64 {
    key.get(i..i + 8)
        .and_then(|s| <[u8; 8]>::try_from(s).ok())
        .map_or(0, u64::from_le_bytes)
}

#[inline(always)]
fn load4(key: &[u8], i: usize) -> u64 {
    key.get(i..i + 4)
        .and_then(|s| <[u8; 4]>::try_from(s).ok())
        .map_or(0, |w| u64::from(u32::from_le_bytes(w)))
}

#[inline(always)]
fn mix(a: u64, b: u64) -> u64 {
    let m = u128::from(a) * u128::from(b);
    (m as u64) ^ ((m >> 64) as u64)
}

#[inline(never)]
fn fingerprint_long(key: &[u8]) -> u64 {
    let mut h = 0x243F_6A88_85A3_08D3 ^ key.len() as u64;
    let mut chunks = key.chunks_exact(8);
    for c in &mut chunks {
        h = mix(h ^ load8(c, 0), 0xFF51_AFD7_ED55_8CCD);
    }
    let rest = chunks.remainder();
    let mut tail = [0u8; 8];
    tail[..rest.len()].copy_from_slice(rest);
    mix(h ^ u64::from_le_bytes(tail), 0xC4CE_B9FE_1A85_EC53)
}

fn trailer(message_id: i64, session: &IdText, device: &IdText) -> Vec<u8> {
    let mut t = Vec::with_capacity(48 + session.enc.len() + device.enc.len());
    t.extend_from_slice(b",\"messageId\":");
    push_i64(&mut t, message_id);
    t.extend_from_slice(b",\"sessionId\":\"");
    t.extend_from_slice(&session.enc);
    t.extend_from_slice(b"\",\"deviceId\":\"");
    t.extend_from_slice(&device.enc);
    t.extend_from_slice(b"\"}");
    t
}

impl Transcoder<'_> {
    #[inline]
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    #[inline]
    fn ws(&mut self) {
        self.i = skip_ws(self.b, self.i);
    }

    #[inline]
    fn eat(&mut self, c: u8) -> Option<()> {
        if self.peek()? == c {
            self.i += 1;
            Some(())
        } else {
            None
        }
    }

    /// After a member: `,` (then whitespace) or the closing `close`. Returns true when closed.
    #[inline]
    fn next_member(&mut self, close: u8) -> Option<bool> {
        self.ws();
        match self.peek()? {
            b',' => {
                self.i += 1;
                self.ws();
                Some(false)
            }
            c if c == close => {
                self.i += 1;
                Some(true)
            }
            _ => None,
        }
    }

    fn batch(mut self) -> Option<PhoneBatch> {
        self.i = skip_bom(self.b);
        self.ws();
        self.eat(b'{')?;
        self.ws();
        let mut message_id = None;
        let mut session: Option<IdText> = None;
        let mut device: Option<IdText> = None;
        let mut payload_seen = false;
        loop {
            self.eat(b'"')?;
            let key_start = self.i;
            let tok = transcode_string(self.b, self.i, &mut self.junk).ok()?;
            self.junk.clear();
            if !tok.plain {
                return None;
            }
            self.i = tok.end;
            let key = &self.b[key_start..tok.end - 1];
            self.ws();
            self.eat(b':')?;
            self.ws();
            match key {
                MESSAGE_ID if message_id.is_none() => message_id = Some(self.integer()?.0),
                SESSION_ID if session.is_none() => session = Some(self.id_text()?),
                DEVICE_ID if device.is_none() => device = Some(self.id_text()?),
                PAYLOAD if !payload_seen => {
                    payload_seen = true;
                    if let (Some(m), Some(s), Some(d)) = (message_id, &session, &device) {
                        self.trailer = Some(trailer(m, s, d));
                    }
                    self.payload()?;
                }
                MESSAGE_ID | SESSION_ID | DEVICE_ID | PAYLOAD => return None,
                _ => self.skip_value(1)?,
            }
            if self.next_member(b'}')? {
                break;
            }
        }
        self.ws();
        if self.i != self.b.len() || !payload_seen {
            return None;
        }
        let (message_id, session, device) = (message_id?, session?, device?);
        let out = match self.trailer {
            Some(_) => self.out,
            None => {
                let tr = trailer(message_id, &session, &device);
                let mut buf = Vec::with_capacity(self.out.len() + self.spans.len() * tr.len());
                for s in &mut self.spans {
                    let start = buf.len();
                    buf.extend_from_slice(&self.out[s.start..s.end]);
                    buf.extend_from_slice(&tr);
                    s.start = start;
                    s.end = buf.len();
                }
                buf
            }
        };
        let bytes = Bytes::from(out);
        let key = Bytes::copy_from_slice(device.text.as_bytes());
        let records = self
            .spans
            .iter()
            .map(|s| Record {
                key: Some(key.clone()),
                value: Some(bytes.slice(s.start..s.end)),
                timestamp: s.timestamp,
                headers: Vec::new(),
            })
            .collect();
        Some(PhoneBatch {
            message_id,
            session_id: session.text,
            device_id: device.text,
            records,
        })
    }

    /// A JSON integer or a plain string of digits: the value and its digits' span.
    #[inline]
    fn integer(&mut self) -> Option<(i64, usize, usize, bool)> {
        match self.peek()? {
            b'"' => {
                let start = self.i + 1;
                let j = digits(self.b, start);
                if self.b.get(j) != Some(&b'"') {
                    return None;
                }
                let v = parse_i64(&self.b[start..j])?;
                self.i = j + 1;
                Some((v, start, j, true))
            }
            b'-' | b'0'..=b'9' => {
                let start = self.i;
                let (n, v) = scan_integer(self.b, start).ok()?;
                self.i = n.end;
                Some((v?, start, n.end, false))
            }
            _ => None,
        }
    }

    fn id_text(&mut self) -> Option<IdText> {
        self.eat(b'"')?;
        let start = self.i;
        let mut enc = Vec::with_capacity(40);
        let tok = transcode_string(self.b, start, &mut enc).ok()?;
        if tok.escaped {
            return None;
        }
        self.i = tok.end;
        let text = std::str::from_utf8(&self.b[start..tok.end - 1]).ok()?;
        Some(IdText {
            enc,
            text: text.to_owned(),
        })
    }

    fn payload(&mut self) -> Option<()> {
        self.eat(b'[')?;
        self.ws();
        if self.peek()? == b']' {
            self.i += 1;
            return Some(());
        }
        let first_in = self.i;
        let first_out = self.out.len();
        self.reading()?;
        // Size the buffer once from what the first reading took.
        let consumed = (self.i - first_in).max(1);
        let produced = self.out.len() - first_out + self.trailer.as_ref().map_or(96, |_| 0);
        let rest = self.b.len() - self.i;
        let need = rest.saturating_mul(produced) / consumed + produced;
        self.out.reserve(need + need / 8);
        while !self.next_member(b']')? {
            self.reading()?;
        }
        Some(())
    }

    /// Writes one reading (flattened, without the trailer unless known) and records its span.
    fn reading(&mut self) -> Option<()> {
        self.eat(b'{')?;
        self.ws();
        let start = self.out.len();
        self.out.push(b'{');
        self.fps.clear();
        let mut name: Option<(usize, usize)> = None;
        let mut time: Option<i64> = None;
        let mut values_seen = false;
        let mut axes_ok = true;
        loop {
            self.eat(b'"')?;
            let field_start = self.out.len();
            if field_start > start + 1 {
                self.out.push(b',');
            }
            self.out.push(b'"');
            let ks = self.out.len();
            let tok = transcode_string(self.b, self.i, &mut self.out).ok()?;
            self.i = tok.end;
            let ke = self.out.len();
            let key = &self.out[ks..ke];
            let key_fp = fingerprint(key);
            let role = match key {
                NAME => Role::Name,
                TIME => Role::Time,
                VALUES => Role::Values,
                _ => Role::Other,
            };
            self.ws();
            self.eat(b':')?;
            self.ws();
            let c = self.peek()?;
            if c != b'{' {
                // An object's key is fingerprinted by `flatten`, as a prefix.
                self.fps.push(key_fp);
            }
            match role {
                Role::Name => {
                    if c != b'"' {
                        return None;
                    }
                    self.out.extend_from_slice(b"\":\"");
                    let vs = self.out.len();
                    let tok = transcode_string(self.b, self.i + 1, &mut self.out).ok()?;
                    self.i = tok.end;
                    name = Some((vs, self.out.len()));
                    self.out.push(b'"');
                }
                Role::Time => {
                    let (v, s, e, is_string) = self.integer()?;
                    let digits = &self.b[s..e];
                    let digits = if is_string {
                        digits
                    } else {
                        python_str::int_str(digits)
                    };
                    self.out.extend_from_slice(b"\":\"");
                    self.out.extend_from_slice(digits);
                    self.out.push(b'"');
                    time = Some(v);
                }
                Role::Values | Role::Other if c == b'{' => {
                    values_seen |= role == Role::Values;
                    self.path.clear();
                    self.path.extend_from_slice(&self.out[ks..ke]);
                    self.out.truncate(field_start);
                    self.flatten(start, 1, role == Role::Values, &mut axes_ok)?;
                }
                Role::Values => return None,
                Role::Other => {
                    // pydantic's `Union[str, int, Dict]` made top-level scalars strings.
                    self.out.extend_from_slice(b"\":");
                    match c {
                        b'"' => {
                            self.out.push(b'"');
                            let tok = transcode_string(self.b, self.i + 1, &mut self.out).ok()?;
                            self.i = tok.end;
                            self.out.push(b'"');
                        }
                        b'-' | b'0'..=b'9' => {
                            let n = scan_number(self.b, self.i).ok()?;
                            if !n.integer {
                                return None;
                            }
                            self.out.push(b'"');
                            self.out
                                .extend_from_slice(python_str::int_str(&self.b[self.i..n.end]));
                            self.out.push(b'"');
                            self.i = n.end;
                        }
                        b't' => {
                            self.i = literal(self.b, self.i, b"true").ok()?;
                            self.out.extend_from_slice(b"\"True\"");
                        }
                        b'f' => {
                            self.i = literal(self.b, self.i, b"false").ok()?;
                            self.out.extend_from_slice(b"\"False\"");
                        }
                        b'n' => {
                            self.i = literal(self.b, self.i, b"null").ok()?;
                            self.out.extend_from_slice(b"null");
                        }
                        b'[' => self.array(1)?,
                        _ => return None,
                    }
                }
            }
            if self.next_member(b'}')? {
                break;
            }
        }
        let (name, time) = (name?, time?);
        if !values_seen || (!axes_ok && is_triaxial(&self.out[name.0..name.1])) {
            return None;
        }
        if !self.keys_distinct() {
            return None;
        }
        if let Some(tr) = &self.trailer {
            self.out.extend_from_slice(tr);
        }
        self.spans.push(Span {
            start,
            end: self.out.len(),
            timestamp: time.div_euclid(1_000_000),
        });
        Some(())
    }

    /// Writes the members of the object at `self.i` as `path_key` fields (nested objects
    /// recursively), keeping scalars and arrays as they are.
    fn flatten(
        &mut self,
        reading_start: usize,
        depth: usize,
        is_values: bool,
        axes_ok: &mut bool,
    ) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        // The prefix itself is a fingerprinted entry: a repeated object key then collides.
        self.fps.push(fingerprint(&self.path));
        self.eat(b'{')?;
        self.ws();
        if self.peek()? == b'}' {
            self.i += 1;
            return Some(());
        }
        let prefix_len = self.path.len();
        loop {
            self.eat(b'"')?;
            let field_start = self.out.len();
            if field_start > reading_start + 1 {
                self.out.push(b',');
            }
            self.out.push(b'"');
            let ks = self.out.len();
            self.out.extend_from_slice(&self.path);
            if prefix_len > 0 {
                self.out.push(b'_');
            }
            let sub = self.out.len();
            let tok = transcode_string(self.b, self.i, &mut self.out).ok()?;
            self.i = tok.end;
            let ke = self.out.len();
            self.ws();
            self.eat(b':')?;
            self.ws();
            let axis = is_values && matches!(&self.out[sub..ke], b"x" | b"y" | b"z");
            if self.peek()? == b'{' {
                // An object is not a number: fine for other sensors, an error for tri-axial ones.
                if axis {
                    *axes_ok = false;
                }
                self.path.clear();
                self.path.extend_from_slice(&self.out[ks..ke]);
                self.out.truncate(field_start);
                self.flatten(reading_start, depth + 1, false, axes_ok)?;
                self.path.truncate(prefix_len);
            } else {
                self.fps.push(fingerprint(&self.out[ks..ke]));
                self.out.extend_from_slice(b"\":");
                let kind = self.plain_value(depth)?;
                if axis && kind == Scalar::Other {
                    *axes_ok = false;
                }
            }
            if self.next_member(b'}')? {
                return Some(());
            }
        }
    }

    /// Writes a non-object value as JSON (integers as Python prints them, other numbers as
    /// their source text).
    #[inline]
    fn plain_value(&mut self, depth: usize) -> Option<Scalar> {
        match self.peek()? {
            b'"' => {
                self.out.push(b'"');
                let tok = transcode_string(self.b, self.i + 1, &mut self.out).ok()?;
                self.i = tok.end;
                self.out.push(b'"');
                Some(Scalar::Other)
            }
            b'-' | b'0'..=b'9' => {
                let n = scan_number(self.b, self.i).ok()?;
                let text = &self.b[self.i..n.end];
                if n.integer && text == b"-0" {
                    self.out.push(b'0');
                } else {
                    copy_run(&mut self.out, self.b, self.i, n.end);
                }
                self.i = n.end;
                Some(Scalar::Number)
            }
            b't' => {
                self.i = literal(self.b, self.i, b"true").ok()?;
                self.out.extend_from_slice(b"true");
                Some(Scalar::Other)
            }
            b'f' => {
                self.i = literal(self.b, self.i, b"false").ok()?;
                self.out.extend_from_slice(b"false");
                Some(Scalar::Other)
            }
            b'n' => {
                self.i = literal(self.b, self.i, b"null").ok()?;
                self.out.extend_from_slice(b"null");
                Some(Scalar::Null)
            }
            b'[' => {
                self.array(depth + 1)?;
                Some(Scalar::Other)
            }
            _ => None,
        }
    }

    fn array(&mut self, depth: usize) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.eat(b'[')?;
        self.out.push(b'[');
        self.ws();
        if self.peek()? == b']' {
            self.i += 1;
            self.out.push(b']');
            return Some(());
        }
        loop {
            self.plain_value(depth)?;
            if self.next_member(b']')? {
                self.out.push(b']');
                return Some(());
            }
            self.out.push(b',');
        }
    }

    /// Validates and skips any value (ignored top-level fields such as `userId`).
    fn skip_value(&mut self, depth: usize) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        match self.peek()? {
            b'"' => {
                let tok = transcode_string(self.b, self.i + 1, &mut self.junk).ok()?;
                self.junk.clear();
                self.i = tok.end;
            }
            b'-' | b'0'..=b'9' => self.i = scan_number(self.b, self.i).ok()?.end,
            b't' => self.i = literal(self.b, self.i, b"true").ok()?,
            b'f' => self.i = literal(self.b, self.i, b"false").ok()?,
            b'n' => self.i = literal(self.b, self.i, b"null").ok()?,
            b'[' => {
                self.i += 1;
                self.ws();
                if self.peek()? == b']' {
                    self.i += 1;
                    return Some(());
                }
                loop {
                    self.skip_value(depth + 1)?;
                    if self.next_member(b']')? {
                        break;
                    }
                }
            }
            b'{' => {
                self.i += 1;
                self.ws();
                if self.peek()? == b'}' {
                    self.i += 1;
                    return Some(());
                }
                loop {
                    self.eat(b'"')?;
                    let tok = transcode_string(self.b, self.i, &mut self.junk).ok()?;
                    self.junk.clear();
                    self.i = tok.end;
                    self.ws();
                    self.eat(b':')?;
                    self.ws();
                    self.skip_value(depth + 1)?;
                    if self.next_member(b'}')? {
                        break;
                    }
                }
            }
            _ => return None,
        }
        Some(())
    }

    /// No two flattened keys or object prefixes of the reading are equal, and none is one of the
    /// appended id fields (so no Python dict merge could move or drop anything).
    fn keys_distinct(&mut self) -> bool {
        if self.shapes.contains(&self.fps) {
            return true;
        }
        let trailer_fps = [
            fingerprint(MESSAGE_ID),
            fingerprint(SESSION_ID),
            fingerprint(DEVICE_ID),
        ];
        let distinct = Self::all_distinct(&self.fps, &trailer_fps);
        if distinct && self.shapes.len() < 4 {
            self.shapes.push(self.fps.clone());
        }
        distinct
    }

    fn all_distinct(fps: &[u64], trailer_fps: &[u64; 3]) -> bool {
        if fps.len() <= 24 {
            for (i, a) in fps.iter().enumerate() {
                if trailer_fps.contains(a) || fps[i + 1..].contains(a) {
                    return false;
                }
            }
            true
        } else {
            let mut all: Vec<u64> = fps.iter().chain(trailer_fps.iter()).copied().collect();
            all.sort_unstable();
            all.windows(2).all(|w| w[0] != w[1])
        }
    }
}
