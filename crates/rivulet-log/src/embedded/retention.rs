//! Retention: which whole segments of a partition may go (by the age of their newest record and
//! by the partition's size), and deleting them oldest first so the log start moves up.
//!
//! This module owns the retention decision and its application. It must never delete the active
//! segment, a segment holding records not yet acknowledged, or anything but a prefix of the
//! segments.

use std::sync::Arc;

use tracing::info;

use super::{partition::Partition, segment::Segment};
use crate::{LogResult, TopicSpec};

/// What retention needs to know of one segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SegmentStats {
    pub end_offset: i64,
    pub size: u64,
    /// Newest record timestamp (`i64::MIN` when empty).
    pub max_timestamp: i64,
}

/// How many of the oldest segments to delete. The last segment (the active one) and segments
/// reaching past the high watermark `hw` are kept; time retention removes segments whose newest
/// record is older than `now_ms - retention_ms`; size retention removes the oldest while the
/// partition is larger than `retention_bytes`.
pub fn segments_to_delete(
    stats: &[SegmentStats],
    hw: i64,
    now_ms: i64,
    retention_ms: Option<i64>,
    retention_bytes: Option<u64>,
) -> usize {
    let deletable = stats
        .iter()
        .take(stats.len().saturating_sub(1))
        .take_while(|s| s.end_offset <= hw)
        .count();
    let mut n = 0;
    if let Some(ms) = retention_ms {
        let cutoff = now_ms.saturating_sub(ms);
        while n < deletable && stats[n].max_timestamp < cutoff {
            n += 1;
        }
    }
    if let Some(limit) = retention_bytes {
        let mut total: u64 = stats[n..].iter().map(|s| s.size).sum();
        while n < deletable && total > limit {
            total -= stats[n].size;
            n += 1;
        }
    }
    n
}

impl Partition {
    /// Deletes the segments `spec`'s retention no longer keeps; returns how many.
    pub(super) fn enforce_retention(&self, spec: &TopicSpec, now_ms: i64) -> LogResult<usize> {
        if spec.retention_ms.is_none() && spec.retention_bytes.is_none() {
            return Ok(0);
        }
        let _maintenance = self.maintenance.lock();
        if self.writer.lock().closed {
            return Ok(0);
        }
        let hw = self.high_watermark();
        let snapshot: Vec<Arc<Segment>> = self.segments.read().clone();
        let stats: Vec<SegmentStats> = snapshot
            .iter()
            .map(|s| SegmentStats {
                end_offset: s.end_offset(),
                size: s.size(),
                max_timestamp: s.max_timestamp(),
            })
            .collect();
        let n = segments_to_delete(&stats, hw, now_ms, spec.retention_ms, spec.retention_bytes);
        if n == 0 {
            return Ok(0);
        }
        // Appends only push at the end and retention is serialized, so the prefix is unchanged.
        let removed: Vec<Arc<Segment>> = self.segments.write().drain(..n).collect();
        for segment in &removed {
            segment.delete_files()?;
        }
        info!(
            topic = %self.topic,
            partition = self.id,
            segments = n,
            log_start = self.log_start(),
            "retention deleted old segments"
        );
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(end: i64, size: u64, ts: i64) -> SegmentStats {
        SegmentStats {
            end_offset: end,
            size,
            max_timestamp: ts,
        }
    }

    #[test]
    fn time_retention_deletes_an_old_prefix_but_never_the_active_segment() {
        let stats = [
            seg(10, 100, 1_000),
            seg(20, 100, 2_000),
            seg(30, 100, 1_500),
            seg(40, 100, 1_000),
        ];
        assert_eq!(segments_to_delete(&stats, 40, 10_000, Some(100), None), 3);
        // Stops at the first segment still young.
        assert_eq!(segments_to_delete(&stats, 40, 2_050, Some(100), None), 1);
        assert_eq!(segments_to_delete(&stats, 40, 2_050, None, None), 0);
    }

    #[test]
    fn size_retention_deletes_oldest_while_too_large() {
        let stats = [
            seg(10, 100, 0),
            seg(20, 100, 0),
            seg(30, 100, 0),
            seg(40, 50, 0),
        ];
        assert_eq!(segments_to_delete(&stats, 40, 0, None, Some(250)), 1);
        assert_eq!(segments_to_delete(&stats, 40, 0, None, Some(150)), 2);
        assert_eq!(segments_to_delete(&stats, 40, 0, None, Some(0)), 3);
        assert_eq!(segments_to_delete(&stats, 40, 0, None, Some(350)), 0);
    }

    #[test]
    fn unacknowledged_segments_are_kept() {
        let stats = [seg(10, 100, 0), seg(20, 100, 0), seg(30, 100, 0)];
        assert_eq!(segments_to_delete(&stats, 15, 10_000, Some(1), Some(0)), 1);
        assert_eq!(
            segments_to_delete(&[seg(10, 100, 0)], 10, 10_000, Some(1), Some(0)),
            0
        );
    }
}
