//! Python `dict` insertion semantics for keyed entries: a repeated key keeps its first position
//! and takes the latest value. That is what `json.loads` does with duplicate object keys and what
//! `dict(items)` / `{**a, **b}` do in the seed producer's flattening.
//!
//! Owns only that ordering rule; it must not know about JSON or readings.

use std::collections::HashMap;

/// Above this many entries, lookups go through a hash index instead of a linear scan.
const LINEAR_LIMIT: usize = 16;

pub(crate) struct PyDict<K, V> {
    entries: Vec<(K, V)>,
    index: Option<HashMap<Vec<u8>, usize>>,
}

impl<K: AsRef<[u8]>, V> PyDict<K, V> {
    pub(crate) fn new() -> Self {
        PyDict {
            entries: Vec::new(),
            index: None,
        }
    }

    fn position(&self, key: &[u8]) -> Option<usize> {
        match &self.index {
            Some(index) => index.get(key).copied(),
            None => self.entries.iter().position(|(k, _)| k.as_ref() == key),
        }
    }

    /// `d[key] = value`.
    pub(crate) fn insert(&mut self, key: K, value: V) {
        if let Some(p) = self.position(key.as_ref()) {
            self.entries[p].1 = value;
            return;
        }
        if let Some(index) = &mut self.index {
            index.insert(key.as_ref().to_vec(), self.entries.len());
        }
        self.entries.push((key, value));
        if self.index.is_none() && self.entries.len() > LINEAR_LIMIT {
            self.index = Some(
                self.entries
                    .iter()
                    .enumerate()
                    .map(|(i, (k, _))| (k.as_ref().to_vec(), i))
                    .collect(),
            );
        }
    }

    pub(crate) fn get(&self, key: &[u8]) -> Option<&V> {
        self.position(key).map(|p| &self.entries[p].1)
    }

    pub(crate) fn entries(&self) -> &[(K, V)] {
        &self.entries
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_position_last_value() {
        for n in [3usize, 40] {
            let mut d: PyDict<Vec<u8>, usize> = PyDict::new();
            for i in 0..n {
                d.insert(format!("k{i}").into_bytes(), i);
            }
            d.insert(b"k1".to_vec(), 100);
            d.insert(b"new".to_vec(), 7);
            assert_eq!(d.entries().len(), n + 1);
            assert_eq!(d.entries()[1], (b"k1".to_vec(), 100));
            assert_eq!(d.entries()[n].0, b"new");
            assert_eq!(d.get(b"k1"), Some(&100));
            assert_eq!(d.get(b"nope"), None);
        }
    }
}
