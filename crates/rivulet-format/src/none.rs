//! The `NONE` format: no data. It marks a keyless stream's key (`KEY_FORMAT='NONE'`); ksqlDB's
//! `KsqlVoidSerde` ignores whatever bytes a record carries and writes none. Rivulet also treats
//! any format bound to no columns this way (a keyless stream keyed `KAFKA` or `JSON`).
//!
//! This module owns only that behaviour. It must not check schemas (`serde` rejects NONE with
//! columns) and never looks at the bytes.

use crate::serde::{Decoded, Encoded};

/// Reads nothing: the record's key or value is null to ksqlDB, whatever its bytes.
pub(crate) fn decode(_bytes: &[u8]) -> Decoded {
    Decoded::Null
}

/// Writes nothing: the caller writes a null key or value.
pub(crate) fn encode() -> Encoded {
    Encoded::Null
}

#[cfg(test)]
mod tests {
    use rivulet_core::{Column, ColumnKind, DataType};

    use crate::{Decoded, Encoded, Format, Serde};

    #[test]
    fn ignores_bytes_and_writes_nothing() {
        let serde = Serde::new(Format::None, vec![], false).unwrap();
        let mut out = Vec::new();
        for bytes in [None, Some(&b""[..]), Some(b"data that should be ignored")] {
            assert_eq!(serde.decode(bytes, &mut out).unwrap(), Decoded::Null);
        }
        assert!(out.is_empty());
        let mut buf = b"kept".to_vec();
        assert_eq!(serde.encode(&[], &mut buf).unwrap(), Encoded::Null);
        assert_eq!(buf, b"kept");
    }

    #[test]
    fn rejects_columns() {
        let columns = vec![Column::new("FOO", DataType::Int, ColumnKind::Value)];
        assert_eq!(
            Serde::new(Format::None, columns, false)
                .unwrap_err()
                .to_string(),
            "The 'NONE' format can only be used when no columns are defined. Got: [`FOO` INTEGER]"
        );
    }
}
