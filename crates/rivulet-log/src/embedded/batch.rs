//! The on-disk batch frame: how one appended batch of records is laid out, checksummed, encoded
//! and decoded.
//!
//! This module owns the byte format only. It must not touch files, offsets bookkeeping or
//! locking; segments and readers call it with byte slices.
//!
//! A frame is `[length u32 LE][crc32c u32 LE][rest]`: `length` counts the bytes of `rest` and
//! the CRC32C covers `rest`. `rest` is the batch header followed by the records:
//!
//! | field | type |
//! | --- | --- |
//! | version | u8 (1, or 2 for a tagged batch) |
//! | base offset | i64 LE |
//! | record count | u32 LE |
//! | first timestamp | i64 LE |
//! | max timestamp | i64 LE |
//! | producer (version 2 only) | u64 LE |
//! | producer sequence (version 2 only) | i64 LE |
//! | records | see below, `record count` times |
//!
//! A version 2 frame carries a [`ProducerTag`]: who appended the batch and how far its input
//! went. Readers of records never see it; a producer that restarts asks the partition for its
//! last tag to learn which of its batches are already written (exactly-once appends).
//!
//! Each record is, as in Kafka's record format (zigzag varints): timestamp delta from the first
//! timestamp, key length (-1 = null), key, value length (-1 = null, a tombstone), value, header
//! count, then per header key length, key (UTF-8), value length (-1 = null), value. Offsets are
//! implicit: record *i* has offset `base offset + i`.

use bytes::Bytes;
use rivulet_core::{Header, Record};

use crate::{LogError, LogResult, ProducerTag};

/// Bytes of the frame prefix: length and CRC.
pub const FRAME_PREFIX_LEN: usize = 8;
/// Bytes of the batch header inside `rest`.
pub const BATCH_HEADER_LEN: usize = 1 + 8 + 4 + 8 + 8;
/// Bytes before the first record of a frame.
pub const FRAME_OVERHEAD: usize = FRAME_PREFIX_LEN + BATCH_HEADER_LEN;
/// The format version of an untagged batch.
pub const FORMAT_VERSION: u8 = 1;
/// The format version of a batch carrying a [`ProducerTag`].
pub const TAGGED_FORMAT_VERSION: u8 = 2;
/// Bytes a producer tag adds to the batch header.
pub const TAG_LEN: usize = 8 + 8;
/// The largest `rest` a frame may have (1 GiB); larger batches are refused at append.
pub const MAX_FRAME_BODY: usize = 1 << 30;

/// The fixed header of one batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchHeader {
    pub base_offset: i64,
    pub record_count: u32,
    pub first_timestamp: i64,
    pub max_timestamp: i64,
    /// The producer tag of a version 2 batch.
    pub tag: Option<ProducerTag>,
}

impl BatchHeader {
    /// The offset after the last record of the batch.
    pub fn end_offset(&self) -> i64 {
        self.base_offset + i64::from(self.record_count)
    }

    /// Bytes of the batch header inside the frame body (the tag included).
    pub fn header_len(&self) -> usize {
        header_len(self.tag.is_some())
    }
}

/// Bytes of the batch header with or without a tag.
fn header_len(tagged: bool) -> usize {
    BATCH_HEADER_LEN + if tagged { TAG_LEN } else { 0 }
}

/// Why bytes are not a valid frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrameError {
    /// Fewer bytes than the frame needs (`needed` in total, from the frame start).
    Truncated { needed: usize, available: usize },
    /// The length field is impossible.
    BadLength(u64),
    /// The checksum does not match.
    CrcMismatch { stored: u32, computed: u32 },
    /// Unknown format version.
    BadVersion(u8),
    /// The header or a record is inconsistent.
    Malformed(&'static str),
}

impl std::fmt::Display for FrameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FrameError::Truncated { needed, available } => {
                write!(f, "torn frame: needs {needed} bytes, {available} present")
            }
            FrameError::BadLength(len) => write!(f, "impossible frame length {len}"),
            FrameError::CrcMismatch { stored, computed } => {
                write!(
                    f,
                    "crc32c mismatch: stored {stored:#010x}, computed {computed:#010x}"
                )
            }
            FrameError::BadVersion(v) => write!(f, "unknown batch format version {v}"),
            FrameError::Malformed(what) => write!(f, "malformed batch: {what}"),
        }
    }
}

/// What [`encode_batch`] learned about the records; needed to seal the frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EncodedBatch {
    pub record_count: u32,
    pub first_timestamp: i64,
    pub max_timestamp: i64,
    /// The producer tag written into the header.
    pub tag: Option<ProducerTag>,
    /// CRC32C of the record bytes (everything after the batch header).
    pub body_crc: u32,
    /// Total frame length in bytes.
    pub frame_len: usize,
}

/// Encodes `records` into `buf` (cleared first) as a frame whose base offset and checksum are
/// still blank; [`seal_frame`] fills them in. Splitting the two lets the costly part run before
/// the partition's append lock is taken.
pub fn encode_batch(records: &[Record], buf: &mut Vec<u8>) -> LogResult<EncodedBatch> {
    encode_tagged_batch(records, None, buf)
}

/// [`encode_batch`] for a batch that carries `tag` (a version 2 frame when it is some).
pub fn encode_tagged_batch(
    records: &[Record],
    tag: Option<ProducerTag>,
    buf: &mut Vec<u8>,
) -> LogResult<EncodedBatch> {
    let overhead = FRAME_PREFIX_LEN + header_len(tag.is_some());
    let record_count = u32::try_from(records.len()).map_err(|_| {
        LogError::InvalidArgument(format!("too many records in one batch: {}", records.len()))
    })?;
    let first_timestamp = records.first().map_or(0, |r| r.timestamp);
    let max_timestamp = records
        .iter()
        .map(|r| r.timestamp)
        .max()
        .unwrap_or(first_timestamp);
    let estimate: usize = records.iter().map(encoded_len_estimate).sum();
    buf.clear();
    buf.reserve(overhead + estimate);
    buf.resize(overhead, 0);
    for record in records {
        put_varlong(buf, record.timestamp.wrapping_sub(first_timestamp));
        put_nullable(buf, record.key.as_deref());
        put_nullable(buf, record.value.as_deref());
        put_varlong(buf, record.headers.len() as i64);
        for header in &record.headers {
            put_nullable(buf, Some(header.key.as_bytes()));
            put_nullable(buf, header.value.as_deref());
        }
        if buf.len() - FRAME_PREFIX_LEN > MAX_FRAME_BODY {
            return Err(LogError::RecordTooLarge {
                size: buf.len() - FRAME_PREFIX_LEN,
                limit: MAX_FRAME_BODY,
            });
        }
    }
    let body_crc = crc32c::crc32c(&buf[overhead..]);
    Ok(EncodedBatch {
        record_count,
        first_timestamp,
        max_timestamp,
        tag,
        body_crc,
        frame_len: buf.len(),
    })
}

/// Writes the length, the batch header with `base_offset` and the checksum into a frame made by
/// [`encode_batch`]. Cheap: the body checksum is combined, not recomputed.
pub fn seal_frame(frame: &mut [u8], base_offset: i64, batch: &EncodedBatch) -> BatchHeader {
    let header = BatchHeader {
        base_offset,
        record_count: batch.record_count,
        first_timestamp: batch.first_timestamp,
        max_timestamp: batch.max_timestamp,
        tag: batch.tag,
    };
    let overhead = FRAME_PREFIX_LEN + header.header_len();
    let body_len = frame.len() - overhead;
    let rest_len = (frame.len() - FRAME_PREFIX_LEN) as u32;
    frame[0..4].copy_from_slice(&rest_len.to_le_bytes());
    let h = &mut frame[FRAME_PREFIX_LEN..overhead];
    h[0] = if header.tag.is_some() {
        TAGGED_FORMAT_VERSION
    } else {
        FORMAT_VERSION
    };
    h[1..9].copy_from_slice(&header.base_offset.to_le_bytes());
    h[9..13].copy_from_slice(&header.record_count.to_le_bytes());
    h[13..21].copy_from_slice(&header.first_timestamp.to_le_bytes());
    h[21..29].copy_from_slice(&header.max_timestamp.to_le_bytes());
    if let Some(tag) = header.tag {
        h[29..37].copy_from_slice(&tag.producer.to_le_bytes());
        h[37..45].copy_from_slice(&tag.sequence.to_le_bytes());
    }
    let header_crc = crc32c::crc32c(&frame[FRAME_PREFIX_LEN..overhead]);
    let crc = crc32c_combine(header_crc, batch.body_crc, body_len as u64);
    frame[4..8].copy_from_slice(&crc.to_le_bytes());
    header
}

/// One complete frame for `records` at `base_offset` (for tools and tests; the append path
/// reuses its buffers instead).
pub fn encode_frame(base_offset: i64, records: &[Record]) -> LogResult<Vec<u8>> {
    let mut buf = Vec::new();
    let batch = encode_batch(records, &mut buf)?;
    seal_frame(&mut buf, base_offset, &batch);
    Ok(buf)
}

/// The total length of the frame starting at `bytes` (prefix included), from its length field,
/// or `None` if fewer than 4 bytes are present. Does not check the value.
pub fn frame_len(bytes: &[u8]) -> Option<u64> {
    let len: [u8; 4] = bytes.get(..4)?.try_into().ok()?;
    Some(u64::from(u32::from_le_bytes(len)) + FRAME_PREFIX_LEN as u64)
}

/// Checks that a frame length read from disk is possible.
pub fn check_frame_len(total: u64) -> Result<usize, FrameError> {
    let body = total.saturating_sub(FRAME_PREFIX_LEN as u64);
    if body < BATCH_HEADER_LEN as u64 || body > MAX_FRAME_BODY as u64 {
        return Err(FrameError::BadLength(body));
    }
    Ok(total as usize)
}

/// Validates one whole frame (exactly its bytes): length, checksum, version and header sanity.
pub fn check_frame(frame: &[u8]) -> Result<BatchHeader, FrameError> {
    let total = frame_len(frame).ok_or(FrameError::Truncated {
        needed: FRAME_PREFIX_LEN,
        available: frame.len(),
    })?;
    let total = check_frame_len(total)?;
    if frame.len() < total {
        return Err(FrameError::Truncated {
            needed: total,
            available: frame.len(),
        });
    }
    let frame = &frame[..total];
    let stored = u32::from_le_bytes([frame[4], frame[5], frame[6], frame[7]]);
    let computed = crc32c::crc32c(&frame[FRAME_PREFIX_LEN..]);
    if stored != computed {
        return Err(FrameError::CrcMismatch { stored, computed });
    }
    parse_header(frame)
}

/// Reads the batch header of a frame whose checksum was already verified.
fn parse_header(frame: &[u8]) -> Result<BatchHeader, FrameError> {
    let version = *frame
        .get(FRAME_PREFIX_LEN)
        .ok_or(FrameError::Malformed("short header"))?;
    let tagged = match version {
        FORMAT_VERSION => false,
        TAGGED_FORMAT_VERSION => true,
        other => return Err(FrameError::BadVersion(other)),
    };
    let overhead = FRAME_PREFIX_LEN + header_len(tagged);
    let h = frame
        .get(FRAME_PREFIX_LEN..overhead)
        .ok_or(FrameError::Malformed("short header"))?;
    let i64_at = |at: usize| {
        let mut b = [0u8; 8];
        b.copy_from_slice(&h[at..at + 8]);
        i64::from_le_bytes(b)
    };
    let header = BatchHeader {
        base_offset: i64_at(1),
        record_count: u32::from_le_bytes([h[9], h[10], h[11], h[12]]),
        first_timestamp: i64_at(13),
        max_timestamp: i64_at(21),
        tag: tagged.then(|| ProducerTag {
            producer: i64_at(29) as u64,
            sequence: i64_at(37),
        }),
    };
    if header.base_offset < 0 || header.record_count == 0 {
        return Err(FrameError::Malformed("negative base offset or empty batch"));
    }
    if header.max_timestamp < header.first_timestamp {
        return Err(FrameError::Malformed("max timestamp below first timestamp"));
    }
    // Every record takes at least 4 bytes.
    if (frame.len() - overhead) / 4 < header.record_count as usize {
        return Err(FrameError::Malformed("record count larger than the frame"));
    }
    Ok(header)
}

/// Decodes the records of one verified frame held in `chunk` at `frame_start`, handing out
/// zero-copy slices of `chunk`.
pub struct RecordDecoder<'a> {
    chunk: &'a Bytes,
    pos: usize,
    end: usize,
    remaining: u32,
    next_offset: i64,
    first_timestamp: i64,
}

impl<'a> RecordDecoder<'a> {
    /// A decoder over the frame at `chunk[frame_start..frame_start + header frame length]`.
    pub fn new(
        chunk: &'a Bytes,
        frame_start: usize,
        frame_len: usize,
        header: &BatchHeader,
    ) -> Self {
        RecordDecoder {
            chunk,
            pos: frame_start + FRAME_PREFIX_LEN + header.header_len(),
            end: frame_start + frame_len,
            remaining: header.record_count,
            next_offset: header.base_offset,
            first_timestamp: header.first_timestamp,
        }
    }

    /// Records not yet decoded or skipped.
    pub fn remaining(&self) -> u32 {
        self.remaining
    }

    /// The offset of the next record.
    pub fn next_offset(&self) -> i64 {
        self.next_offset
    }

    /// Checks that every record was consumed and no bytes are left over.
    pub fn finish(&self) -> Result<(), FrameError> {
        if self.remaining == 0 && self.pos != self.end {
            return Err(FrameError::Malformed(
                "trailing bytes after the last record",
            ));
        }
        Ok(())
    }

    /// Decodes the next record; returns it with its offset and its encoded size.
    pub fn next_record(&mut self) -> Result<Option<(i64, Record, usize)>, FrameError> {
        if self.remaining == 0 {
            return Ok(None);
        }
        let start = self.pos;
        let bytes: &[u8] = self.chunk;
        let mut cur = Cursor {
            bytes: &bytes[..self.end],
            pos: self.pos,
        };
        let delta = cur.varlong()?;
        let key = cur.nullable()?;
        let value = cur.nullable()?;
        let header_count = cur.varlong()?;
        if header_count < 0 || header_count as u64 > ((self.end - cur.pos) / 2) as u64 {
            return Err(FrameError::Malformed("bad header count"));
        }
        let mut headers = Vec::with_capacity(header_count as usize);
        for _ in 0..header_count {
            let key = cur
                .nullable()?
                .ok_or(FrameError::Malformed("null header key"))?;
            let key = std::str::from_utf8(&bytes[key.0..key.1])
                .map_err(|_| FrameError::Malformed("header key is not UTF-8"))?
                .to_owned();
            let value = cur.nullable()?.map(|(a, b)| self.chunk.slice(a..b));
            headers.push(Header { key, value });
        }
        self.pos = cur.pos;
        let record = Record {
            key: key.map(|(a, b)| self.chunk.slice(a..b)),
            value: value.map(|(a, b)| self.chunk.slice(a..b)),
            timestamp: self.first_timestamp.wrapping_add(delta),
            headers,
        };
        let offset = self.next_offset;
        self.next_offset += 1;
        self.remaining -= 1;
        Ok(Some((offset, record, self.pos - start)))
    }

    /// Skips the next record without building it; returns its timestamp.
    pub fn skip_record(&mut self) -> Result<Option<i64>, FrameError> {
        if self.remaining == 0 {
            return Ok(None);
        }
        let mut cur = Cursor {
            bytes: &self.chunk[..self.end],
            pos: self.pos,
        };
        let delta = cur.varlong()?;
        cur.nullable()?;
        cur.nullable()?;
        let header_count = cur.varlong()?;
        if header_count < 0 {
            return Err(FrameError::Malformed("bad header count"));
        }
        for _ in 0..header_count {
            cur.nullable()?;
            cur.nullable()?;
        }
        self.pos = cur.pos;
        self.next_offset += 1;
        self.remaining -= 1;
        Ok(Some(self.first_timestamp.wrapping_add(delta)))
    }
}

/// Reads varints and length-prefixed fields with bounds checks.
struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    #[inline]
    fn varlong(&mut self) -> Result<i64, FrameError> {
        let mut value: u64 = 0;
        let mut shift = 0u32;
        loop {
            let byte = *self
                .bytes
                .get(self.pos)
                .ok_or(FrameError::Malformed("varint runs past the frame"))?;
            self.pos += 1;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(((value >> 1) as i64) ^ -((value & 1) as i64));
            }
            shift += 7;
            if shift > 63 {
                return Err(FrameError::Malformed("varint too long"));
            }
        }
    }

    /// A length-prefixed field: `None` for length -1, else its byte range.
    #[inline]
    fn nullable(&mut self) -> Result<Option<(usize, usize)>, FrameError> {
        let len = self.varlong()?;
        if len == -1 {
            return Ok(None);
        }
        if len < 0 || len as u64 > (self.bytes.len() - self.pos) as u64 {
            return Err(FrameError::Malformed("field length out of range"));
        }
        let start = self.pos;
        self.pos += len as usize;
        Ok(Some((start, self.pos)))
    }
}

#[inline]
fn put_varlong(buf: &mut Vec<u8>, v: i64) {
    let mut z = ((v << 1) ^ (v >> 63)) as u64;
    while z >= 0x80 {
        buf.push((z as u8) | 0x80);
        z >>= 7;
    }
    buf.push(z as u8);
}

#[inline]
fn put_nullable(buf: &mut Vec<u8>, field: Option<&[u8]>) {
    match field {
        None => put_varlong(buf, -1),
        Some(bytes) => {
            put_varlong(buf, bytes.len() as i64);
            buf.extend_from_slice(bytes);
        }
    }
}

/// CRC32C (reflected polynomial).
const POLY: u32 = 0x82f6_3b78;

/// `a * b mod p(x)` over GF(2), reflected bit order (zlib's `multmodp`).
const fn multmodp(a: u32, mut b: u32) -> u32 {
    let mut m: u32 = 1 << 31;
    let mut p: u32 = 0;
    loop {
        if a & m != 0 {
            p ^= b;
            if a & (m - 1) == 0 {
                break;
            }
        }
        m >>= 1;
        b = if b & 1 != 0 { (b >> 1) ^ POLY } else { b >> 1 };
    }
    p
}

/// `x^(2^k) mod p(x)` for k in 0..32.
const X2N_TABLE: [u32; 32] = {
    let mut table = [0u32; 32];
    let mut p: u32 = 1 << 30; // x^1
    table[0] = p;
    let mut n = 1;
    while n < 32 {
        p = multmodp(p, p);
        table[n] = p;
        n += 1;
    }
    table
};

/// `x^(n * 2^k) mod p(x)`.
fn x2nmodp(mut n: u64, mut k: usize) -> u32 {
    let mut p: u32 = 1 << 31; // x^0
    while n != 0 {
        if n & 1 != 0 {
            p = multmodp(X2N_TABLE[k & 31], p);
        }
        n >>= 1;
        k += 1;
    }
    p
}

/// The CRC32C of `A ‖ B` from `crc(A)`, `crc(B)` and `len(B)`, in O(log len) (zlib's method;
/// the `crc32c` crate's own combine is far slower).
fn crc32c_combine(crc_a: u32, crc_b: u32, len_b: u64) -> u32 {
    multmodp(x2nmodp(len_b, 3), crc_a) ^ crc_b
}

fn encoded_len_estimate(r: &Record) -> usize {
    let headers: usize = r
        .headers
        .iter()
        .map(|h| h.key.len() + h.value.as_ref().map_or(0, |v| v.len()) + 6)
        .sum();
    r.key.as_ref().map_or(0, |k| k.len()) + r.value.as_ref().map_or(0, |v| v.len()) + headers + 16
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<Record> {
        vec![
            Record::new(
                Some(Bytes::from_static(b"k1")),
                Some(Bytes::from_static(b"v1")),
                1_000,
            ),
            Record::new(None, None, 999),
            Record {
                key: Some(Bytes::new()),
                value: Some(Bytes::from(vec![7u8; 300])),
                timestamp: i64::MAX,
                headers: vec![
                    Header {
                        key: "h".into(),
                        value: None,
                    },
                    Header {
                        key: "ключ".into(),
                        value: Some(Bytes::from_static(b"x")),
                    },
                ],
            },
            Record::new(None, Some(Bytes::from_static(b"")), i64::MIN),
        ]
    }

    fn decode_all(frame: Vec<u8>) -> (BatchHeader, Vec<(i64, Record)>) {
        let header = check_frame(&frame).expect("valid frame");
        let chunk = Bytes::from(frame);
        let mut dec = RecordDecoder::new(&chunk, 0, chunk.len(), &header);
        let mut out = Vec::new();
        while let Some((offset, record, _)) = dec.next_record().expect("decodes") {
            out.push((offset, record));
        }
        dec.finish().expect("no trailing bytes");
        (header, out)
    }

    #[test]
    fn a_tagged_batch_keeps_its_tag_and_records() {
        let records = sample();
        let tag = ProducerTag {
            producer: u64::MAX - 3,
            sequence: 77,
        };
        let mut buf = Vec::new();
        let enc = encode_tagged_batch(&records, Some(tag), &mut buf).unwrap();
        seal_frame(&mut buf, 9, &enc);
        assert_eq!(buf[FRAME_PREFIX_LEN], TAGGED_FORMAT_VERSION);
        let (header, decoded) = decode_all(buf);
        assert_eq!(header.tag, Some(tag));
        assert_eq!(header.base_offset, 9);
        let plain: Vec<Record> = decoded.into_iter().map(|(_, r)| r).collect();
        assert_eq!(plain, records);
        let (untagged, _) = decode_all(encode_frame(9, &records).unwrap());
        assert_eq!(untagged.tag, None);
    }

    #[test]
    fn roundtrip_with_nulls_headers_and_extreme_timestamps() {
        let records = sample();
        let frame = encode_frame(42, &records).unwrap();
        let (header, decoded) = decode_all(frame);
        assert_eq!(header.base_offset, 42);
        assert_eq!(header.record_count, 4);
        assert_eq!(header.first_timestamp, 1_000);
        assert_eq!(header.max_timestamp, i64::MAX);
        assert_eq!(decoded.len(), records.len());
        for (i, ((offset, got), want)) in decoded.iter().zip(&records).enumerate() {
            assert_eq!(*offset, 42 + i as i64);
            assert_eq!(got, want);
        }
        // Null and empty stay distinct.
        assert_eq!(decoded[1].1.key, None);
        assert_eq!(decoded[2].1.key, Some(Bytes::new()));
        assert_eq!(decoded[3].1.value, Some(Bytes::new()));
    }

    #[test]
    fn crc_mismatch_is_detected_for_every_flipped_byte() {
        let frame = encode_frame(7, &sample()).unwrap();
        for i in 4..frame.len() {
            let mut bad = frame.clone();
            bad[i] ^= 0x01;
            assert!(
                check_frame(&bad).is_err(),
                "flip at byte {i} went unnoticed"
            );
        }
        let mut bad = frame.clone();
        bad[frame.len() - 1] ^= 0xff;
        assert!(matches!(
            check_frame(&bad),
            Err(FrameError::CrcMismatch { .. })
        ));
    }

    #[test]
    fn torn_frames_are_reported_not_panicking() {
        let frame = encode_frame(0, &sample()).unwrap();
        for cut in 0..frame.len() {
            assert!(check_frame(&frame[..cut]).is_err(), "cut at {cut}");
        }
        let mut huge = frame.clone();
        huge[0..4].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(matches!(check_frame(&huge), Err(FrameError::BadLength(_))));
    }

    #[test]
    fn skip_matches_decode() {
        let records = sample();
        let frame = encode_frame(0, &records).unwrap();
        let header = check_frame(&frame).unwrap();
        let chunk = Bytes::from(frame);
        let mut dec = RecordDecoder::new(&chunk, 0, chunk.len(), &header);
        assert_eq!(dec.skip_record().unwrap(), Some(1_000));
        assert_eq!(dec.skip_record().unwrap(), Some(999));
        let (offset, record, _) = dec.next_record().unwrap().unwrap();
        assert_eq!(offset, 2);
        assert_eq!(record, records[2]);
        assert_eq!(dec.remaining(), 1);
    }

    #[test]
    fn crc_combine_matches_a_direct_crc() {
        let data: Vec<u8> = (0..5000u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        for split in [0usize, 1, 7, 29, 64, 1000, 4095, 5000] {
            let (a, b) = data.split_at(split);
            let combined = crc32c_combine(crc32c::crc32c(a), crc32c::crc32c(b), b.len() as u64);
            assert_eq!(combined, crc32c::crc32c(&data), "split at {split}");
        }
    }

    #[test]
    fn varints_roundtrip() {
        for v in [
            0i64,
            1,
            -1,
            63,
            -64,
            64,
            300,
            -300,
            i32::MAX as i64,
            i64::MAX,
            i64::MIN,
        ] {
            let mut buf = Vec::new();
            put_varlong(&mut buf, v);
            let mut cur = Cursor {
                bytes: &buf,
                pos: 0,
            };
            assert_eq!(cur.varlong().unwrap(), v);
            assert_eq!(cur.pos, buf.len());
        }
        // -1 is one byte, as Kafka encodes a null length.
        let mut buf = Vec::new();
        put_varlong(&mut buf, -1);
        assert_eq!(buf, vec![1]);
    }

    #[test]
    fn garbage_bodies_do_not_panic() {
        // A frame with a valid checksum but nonsense records must decode to an error.
        let mut frame = encode_frame(0, &sample()).unwrap();
        for b in &mut frame[FRAME_OVERHEAD..] {
            *b = 0xff;
        }
        let body_crc = crc32c::crc32c(&frame[FRAME_PREFIX_LEN..]);
        frame[4..8].copy_from_slice(&body_crc.to_le_bytes());
        let header = check_frame(&frame).unwrap();
        let chunk = Bytes::from(frame);
        let mut dec = RecordDecoder::new(&chunk, 0, chunk.len(), &header);
        assert!(dec.next_record().is_err());
    }
}
