//! The JSON format through the public API: the seed's records, every type both ways, ksqlDB's
//! coercions and wrapping rules, and error texts.

use bytes::Bytes;
use rivulet_core::{Column, ColumnKind, DataType, Decimal, StructField, Value};
use rivulet_format::{Decoded, Encoded, Format, FormatError, Serde};

fn columns(cols: &[(&str, DataType)], kind: ColumnKind) -> Vec<Column> {
    cols.iter()
        .map(|(n, t)| Column::new(*n, t.clone(), kind))
        .collect()
}

fn value_serde(cols: &[(&str, DataType)]) -> Serde {
    Serde::new(Format::Json, columns(cols, ColumnKind::Value), true).unwrap()
}

fn decode(serde: &Serde, json: &str) -> Result<Vec<Value>, FormatError> {
    let mut out = Vec::new();
    serde.decode(Some(json.as_bytes()), &mut out).map(|_| out)
}

fn encode(serde: &Serde, values: &[Value]) -> Option<String> {
    let mut out = Vec::new();
    match serde.encode(values, &mut out).unwrap() {
        Encoded::Bytes => Some(String::from_utf8(out).unwrap()),
        Encoded::Null => {
            assert!(out.is_empty());
            None
        }
    }
}

fn phone_serde() -> Serde {
    value_serde(&[
        ("NAME", DataType::String),
        ("TIME", DataType::Bigint),
        ("VALUES_X", DataType::Double),
        ("VALUES_Y", DataType::Double),
        ("VALUES_Z", DataType::Double),
        ("MESSAGEID", DataType::Bigint),
        ("SESSIONID", DataType::String),
        ("DEVICEID", DataType::String),
    ])
}

const PHONE_RECORD: &str = r#"{"name":"accelerometeruncalibrated","time":"1717000002133456600","values_z":1.06,"values_y":0.62,"values_x":-0.58,"messageId":20,"sessionId":"4c0a2b8e-3d4f-4b6a-9a51-2f7d8c1e0b93","deviceId":"86a5b0e3-6e06-40e2-b226-5a72bd39b326"}"#;

#[test]
fn seed_phone_record_decodes_exactly() {
    let row = decode(&phone_serde(), PHONE_RECORD).unwrap();
    assert_eq!(
        row,
        vec![
            Value::from("accelerometeruncalibrated"),
            Value::Bigint(1_717_000_002_133_456_600),
            Value::Double(-0.58),
            Value::Double(0.62),
            Value::Double(1.06),
            Value::Bigint(20),
            Value::from("4c0a2b8e-3d4f-4b6a-9a51-2f7d8c1e0b93"),
            Value::from("86a5b0e3-6e06-40e2-b226-5a72bd39b326"),
        ]
    );
    // TIME is the exact i64, not a double's approximation of it.
    assert_eq!(row[1].as_i64(), Some(1_717_000_002_133_456_600));
    assert_ne!(
        1_717_000_002_133_456_600_f64 as i64,
        1_717_000_002_133_456_601
    );
}

#[test]
fn seed_time_as_json_integer_and_as_string_both_exact() {
    let serde = value_serde(&[("TIME", DataType::Bigint)]);
    for json in [
        r#"{"time":1698501144401773000}"#,
        r#"{"time":"1698501144401773000"}"#,
    ] {
        assert_eq!(
            decode(&serde, json).unwrap(),
            vec![Value::Bigint(1_698_501_144_401_773_000)]
        );
    }
    assert_eq!(
        decode(&serde, r#"{"TIME":"1671406719721160400"}"#).unwrap(),
        vec![Value::Bigint(1_671_406_719_721_160_400)]
    );
}

#[test]
fn seed_ready_record_is_a_row_of_nulls() {
    let mut out = Vec::new();
    let decoded = phone_serde()
        .decode(Some(br#"{"status":"ready"}"#), &mut out)
        .unwrap();
    assert_eq!(decoded, Decoded::Row);
    assert_eq!(out, vec![Value::Null; 8]);
}

#[test]
fn non_numeric_string_in_bigint_names_the_column() {
    let err = decode(&phone_serde(), r#"{"time":"abc"}"#).unwrap_err();
    let FormatError::Column(e) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(e.column.as_deref(), Some("TIME"));
    assert_eq!(e.path.as_deref(), Some("$.TIME"));
    assert_eq!(e.value.as_deref(), Some("abc"));
    assert_eq!(
        err.to_string(),
        "Can't coerce string to type. targetType: BIGINT, path: $.TIME (column TIME, value: abc)"
    );
    // The output row is left as it was.
    let mut out = vec![Value::Int(1)];
    assert!(phone_serde()
        .decode(Some(br#"{"time":"abc"}"#), &mut out)
        .is_err());
    assert_eq!(out, vec![Value::Int(1)]);
}

#[test]
fn column_names_match_exactly_then_case_insensitively() {
    let serde = value_serde(&[
        ("DEVICEID", DataType::String),
        ("deviceId", DataType::String),
    ]);
    // `deviceId` is quoted (mixed case): only the exact key fills it; DEVICEID takes either.
    assert_eq!(
        decode(&serde, r#"{"deviceId":"a"}"#).unwrap(),
        vec![Value::from("a"), Value::from("a")]
    );
    assert_eq!(
        decode(&serde, r#"{"DeviceID":"b"}"#).unwrap(),
        vec![Value::from("b"), Value::Null]
    );
    // An exact match wins over a case-insensitive one, in either order.
    assert_eq!(
        decode(&serde, r#"{"DEVICEID":"x","deviceid":"y"}"#).unwrap(),
        vec![Value::from("x"), Value::Null]
    );
    assert_eq!(
        decode(&serde, r#"{"deviceid":"y","DEVICEID":"x"}"#).unwrap(),
        vec![Value::from("x"), Value::Null]
    );
    // Among case-insensitive matches and among duplicates, the last wins (Jackson).
    assert_eq!(
        decode(&serde, r#"{"Deviceid":"1","deviceID":"2"}"#).unwrap(),
        vec![Value::from("2"), Value::Null]
    );
    assert_eq!(
        decode(&serde, r#"{"DEVICEID":"1","DEVICEID":"2"}"#).unwrap(),
        vec![Value::from("2"), Value::Null]
    );
    // Reserved words and odd names (elements.json "with invalid or reserved words in schema").
    let odd = value_serde(&[("@TIMESTAMP", DataType::Int), ("FROM", DataType::Int)]);
    assert_eq!(
        decode(&odd, r#"{"@timestamp":4,"from":5}"#).unwrap(),
        vec![Value::Int(4), Value::Int(5)]
    );
}

#[test]
fn missing_null_and_extra_keys() {
    let serde = value_serde(&[("A", DataType::Int), ("B", DataType::String)]);
    assert_eq!(
        decode(&serde, r#"{"a":null,"c":[1,{"d":2}],"e":"x"}"#).unwrap(),
        vec![Value::Null, Value::Null]
    );
    assert_eq!(
        decode(&serde, "{}").unwrap(),
        vec![Value::Null, Value::Null]
    );
    // The JSON literal null is a null row (a tombstone to a table), as in ksqlDB.
    let mut out = Vec::new();
    assert_eq!(
        serde.decode(Some(b"null"), &mut out).unwrap(),
        Decoded::Null
    );
    assert_eq!(out, vec![Value::Null, Value::Null]);
    // Absent bytes too.
    out.clear();
    assert_eq!(serde.decode(None, &mut out).unwrap(), Decoded::Null);
    assert_eq!(out, vec![Value::Null, Value::Null]);
}

#[test]
fn numeric_coercions() {
    let one = |t: DataType, json: &str| {
        decode(&value_serde(&[("V", t)]), &format!(r#"{{"V":{json}}}"#)).map(|mut v| v.remove(0))
    };
    assert_eq!(one(DataType::Int, "7").unwrap(), Value::Int(7));
    assert_eq!(one(DataType::Int, "\"-7\"").unwrap(), Value::Int(-7));
    assert_eq!(one(DataType::Int, "\"+7\"").unwrap(), Value::Int(7));
    // Floats truncate toward zero, as Jackson's intValue()/asLong() do.
    assert_eq!(one(DataType::Int, "7.9").unwrap(), Value::Int(7));
    assert_eq!(one(DataType::Bigint, "-7.9").unwrap(), Value::Bigint(-7));
    assert_eq!(one(DataType::Bigint, "1e3").unwrap(), Value::Bigint(1000));
    // Out of range is an error (Java would wrap silently).
    assert!(one(DataType::Int, "2147483648").is_err());
    assert!(one(DataType::Bigint, "9223372036854775808").is_err());
    assert!(one(DataType::Bigint, "1e19").is_err());
    assert_eq!(
        one(DataType::Bigint, "9223372036854775807").unwrap(),
        Value::Bigint(i64::MAX)
    );
    // Strings go through Long.parseLong: no decimals, no spaces.
    assert!(one(DataType::Bigint, "\"1.5\"").is_err());
    assert!(one(DataType::Bigint, "\" 1\"").is_err());
    assert!(one(DataType::Int, "\"3000000000\"").is_err());
    // DOUBLE takes any number or Double.parseDouble text.
    assert_eq!(one(DataType::Double, "10").unwrap(), Value::Double(10.0));
    assert_eq!(
        one(DataType::Double, "\"1e-3\"").unwrap(),
        Value::Double(0.001)
    );
    assert_eq!(
        one(DataType::Double, "\" 2.5 \"").unwrap(),
        Value::Double(2.5)
    );
    assert!(matches!(one(DataType::Double, "\"NaN\"").unwrap(), Value::Double(d) if d.is_nan()));
    assert_eq!(
        one(DataType::Double, "\"-Infinity\"").unwrap(),
        Value::Double(f64::NEG_INFINITY)
    );
    assert_eq!(
        one(DataType::Double, "1e400").unwrap(),
        Value::Double(f64::INFINITY)
    );
    assert!(one(DataType::Double, "\"abc\"").is_err());
    assert_eq!(
        one(DataType::Double, "true").unwrap_err().to_string(),
        "Can't convert type. sourceType: BooleanNode, requiredType: DOUBLE, path: $.V \
         (column V, value: true)"
    );
}

#[test]
fn decimals_are_exact() {
    let dec = |p, s| DataType::Decimal {
        precision: p,
        scale: s,
    };
    let serde = value_serde(&[("D", dec(38, 18)), ("E", dec(4, 2)), ("F", dec(6, 4))]);
    let row = decode(
        &serde,
        r#"{"D":12345678901234567890.123456789012345678,"E":"10.1","F":1.5e1}"#,
    )
    .unwrap();
    assert_eq!(
        row[0],
        Value::Decimal(Decimal::new(
            12_345_678_901_234_567_890_123_456_789_012_345_678,
            18
        ))
    );
    assert_eq!(row[1], Value::Decimal(Decimal::new(1010, 2)));
    assert_eq!(row[2], Value::Decimal(Decimal::new(150_000, 4)));
    if let Value::Decimal(d) = &row[1] {
        assert_eq!(d.scale, 2);
    }
    assert_eq!(
        encode(&serde, &row).unwrap(),
        r#"{"D":12345678901234567890.123456789012345678,"E":10.10,"F":15.0000}"#
    );
    // decimal.json "JSON scale in data less than scale in type".
    let s64 = value_serde(&[("DEC", dec(6, 4))]);
    for (input, output) in [
        ("10", "10.0000"),
        ("1", "1.0000"),
        ("0.1", "0.1000"),
        ("0.0001", "0.0001"),
    ] {
        let row = decode(&s64, &format!(r#"{{"DEC":{input}}}"#)).unwrap();
        assert_eq!(
            encode(&s64, &row).unwrap(),
            format!(r#"{{"DEC":{output}}}"#)
        );
    }
    // Too many digits or needing rounding: errors, as DecimalUtil.ensureFit.
    let e = decode(&value_serde(&[("E", dec(4, 2))]), r#"{"E":123.4}"#)
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("Numeric field overflow"), "{e}");
    let e = decode(&value_serde(&[("E", dec(4, 2))]), r#"{"E":1.234}"#)
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("Cannot fit decimal '1.234' into DECIMAL(4, 2)"),
        "{e}"
    );
    assert!(decode(&value_serde(&[("E", dec(4, 2))]), r#"{"E":"x"}"#).is_err());
    // Tiny values are written as Java's BigDecimal.toString does.
    let tiny = value_serde(&[("T", dec(10, 9))]);
    assert_eq!(
        encode(&tiny, &[Value::Decimal(Decimal::new(1, 9))]).unwrap(),
        r#"{"T":1E-9}"#
    );
    assert_eq!(
        decode(&tiny, r#"{"T":1E-9}"#).unwrap(),
        vec![Value::Decimal(Decimal::new(1, 9))]
    );
}

#[test]
fn booleans_strings_bytes() {
    let serde = value_serde(&[
        ("B", DataType::Boolean),
        ("S", DataType::String),
        ("Y", DataType::Bytes),
    ]);
    assert_eq!(
        decode(&serde, r#"{"B":true,"S":"hé\"llo","Y":"dmFyaWF0aW9ucw=="}"#).unwrap(),
        vec![
            Value::Boolean(true),
            Value::from("hé\"llo"),
            Value::Bytes(Bytes::from_static(b"variations")),
        ]
    );
    // BOOLEAN also reads "true"/"false" strings (ksqlDB does not; Rivulet accepts them).
    assert_eq!(
        decode(&serde, r#"{"B":"FALSE"}"#).unwrap()[0],
        Value::Boolean(false)
    );
    assert!(decode(&serde, r#"{"B":"yes"}"#).is_err());
    assert!(decode(&serde, r#"{"B":1}"#).is_err());
    // STRING reads other JSON as text.
    let text = |json: &str| {
        decode(&serde, &format!(r#"{{"S":{json}}}"#))
            .unwrap()
            .remove(1)
    };
    assert_eq!(text("12"), Value::from("12"));
    assert_eq!(text("1.50"), Value::from("1.50"));
    assert_eq!(text("false"), Value::from("false"));
    assert_eq!(
        text(r#"{"a": 1, "b": [true, null]}"#),
        Value::from(r#"{"a":1,"b":[true,null]}"#)
    );
    assert_eq!(text(r#"["x", 2]"#), Value::from("[x, 2]"));
    // json.json "deserialize anonymous array - value - with coercion".
    let arr = Serde::new(
        Format::Json,
        columns(
            &[("FOO", DataType::Array(Box::new(DataType::String)))],
            ColumnKind::Value,
        ),
        false,
    )
    .unwrap();
    assert_eq!(
        decode(&arr, "[1, 2, 3]").unwrap(),
        vec![Value::Array(vec![
            Value::from("1"),
            Value::from("2"),
            Value::from("3")
        ])]
    );
    // BYTES must be base64.
    let e = decode(&serde, r#"{"Y":"not base64!"}"#).unwrap_err();
    assert!(e.to_string().contains("not a valid Base64"), "{e}");
}

fn all_types_schema() -> Vec<(&'static str, DataType)> {
    vec![
        ("BOOL", DataType::Boolean),
        ("I", DataType::Int),
        ("BI", DataType::Bigint),
        ("D", DataType::Double),
        (
            "DEC",
            DataType::Decimal {
                precision: 10,
                scale: 3,
            },
        ),
        ("S", DataType::String),
        ("BY", DataType::Bytes),
        ("TS", DataType::Timestamp),
        ("DT", DataType::Date),
        ("TM", DataType::Time),
        ("ARR", DataType::Array(Box::new(DataType::Bigint))),
        (
            "M",
            DataType::Map(Box::new(DataType::String), Box::new(DataType::Double)),
        ),
        (
            "ST",
            DataType::Struct(vec![
                StructField {
                    name: "F1".into(),
                    data_type: DataType::String,
                },
                StructField {
                    name: "f2".into(),
                    data_type: DataType::Array(Box::new(DataType::Int)),
                },
            ]),
        ),
    ]
}

#[test]
fn every_type_both_ways() {
    let serde = value_serde(&all_types_schema());
    let row = vec![
        Value::Boolean(false),
        Value::Int(-5),
        Value::Bigint(1_234_567_890_123),
        Value::Double(1.5e10),
        Value::Decimal(Decimal::new(-123_450, 3)),
        Value::from("line\nbreak \u{1} é 😀"),
        Value::Bytes(Bytes::from_static(&[0, 1, 254, 255])),
        Value::Timestamp(1_717_000_002_133),
        Value::Date(19_872),
        Value::Time(61_000),
        Value::Array(vec![Value::Bigint(1), Value::Null, Value::Bigint(-3)]),
        Value::Map(vec![
            (Value::from("a"), Value::Double(1.0)),
            (Value::from("b"), Value::Null),
        ]),
        Value::Struct(vec![
            ("F1".into(), Value::from("x")),
            ("f2".into(), Value::Array(vec![Value::Int(1)])),
        ]),
    ];
    let json = encode(&serde, &row).unwrap();
    assert_eq!(
        json,
        r#"{"BOOL":false,"I":-5,"BI":1234567890123,"D":1.5E10,"DEC":-123.450,"S":"line\nbreak \u0001 é 😀","BY":"AAH+/w==","TS":1717000002133,"DT":19872,"TM":61000,"ARR":[1,null,-3],"M":{"a":1.0,"b":null},"ST":{"F1":"x","f2":[1]}}"#
    );
    assert_eq!(decode(&serde, &json).unwrap(), row);
    let nulls = vec![Value::Null; row.len()];
    let json = encode(&serde, &nulls).unwrap();
    assert!(json.starts_with(r#"{"BOOL":null,"I":null,"#), "{json}");
    assert_eq!(decode(&serde, &json).unwrap(), nulls);
}

#[test]
fn time_types_accept_numbers_and_numeric_strings() {
    let serde = value_serde(&[
        ("TS", DataType::Timestamp),
        ("DT", DataType::Date),
        ("TM", DataType::Time),
    ]);
    assert_eq!(
        decode(&serde, r#"{"ts":"1","dt":"-10","tm":"86400000"}"#).unwrap(),
        vec![
            Value::Timestamp(1),
            Value::Date(-10),
            Value::Time(86_400_000)
        ]
    );
    let e = decode(&serde, r#"{"tm":-1}"#).unwrap_err().to_string();
    assert!(
        e.starts_with("Time values must use number of milliseconds"),
        "{e}"
    );
    assert!(decode(&serde, r#"{"dt":3000000000}"#).is_err());
}

#[test]
fn doubles_are_written_as_java_prints_them() {
    let serde = value_serde(&[("D", DataType::Double)]);
    for (d, text) in [
        (1.0, "1.0"),
        (-0.58, "-0.58"),
        (1e7, "1.0E7"),
        (1e-4, "1.0E-4"),
        (1_234_567.0, "1234567.0"),
    ] {
        assert_eq!(
            encode(&serde, &[Value::Double(d)]).unwrap(),
            format!(r#"{{"D":{text}}}"#)
        );
    }
    // Jackson quotes non-finite numbers; reading them back works.
    let json = encode(&serde, &[Value::Double(f64::NAN)]).unwrap();
    assert_eq!(json, r#"{"D":"NaN"}"#);
    assert!(matches!(decode(&serde, &json).unwrap()[0], Value::Double(d) if d.is_nan()));
    assert_eq!(
        encode(&serde, &[Value::Double(f64::INFINITY)]).unwrap(),
        r#"{"D":"Infinity"}"#
    );
}

#[test]
fn single_values_wrap_and_unwrap() {
    let wrapped = value_serde(&[("V", DataType::Int)]);
    let unwrapped = Serde::new(
        Format::Json,
        columns(&[("V", DataType::Int)], ColumnKind::Value),
        false,
    )
    .unwrap();
    assert_eq!(encode(&wrapped, &[Value::Int(10)]).unwrap(), r#"{"V":10}"#);
    assert_eq!(encode(&unwrapped, &[Value::Int(10)]).unwrap(), "10");
    assert_eq!(decode(&unwrapped, "10").unwrap(), vec![Value::Int(10)]);
    // Unwrapped NULL writes a null record part (json.json "serialize anonymous primitive").
    assert_eq!(encode(&unwrapped, &[Value::Null]), None);
    assert_eq!(encode(&wrapped, &[Value::Null]).unwrap(), r#"{"V":null}"#);
    // The unwrapped literal null is a row holding NULL.
    let mut out = Vec::new();
    assert_eq!(
        unwrapped.decode(Some(b"null"), &mut out).unwrap(),
        Decoded::Row
    );
    assert_eq!(out, vec![Value::Null]);
    // A bare value for a single wrapped column is accepted as that column's value.
    assert_eq!(decode(&wrapped, "10").unwrap(), vec![Value::Int(10)]);
    // An unwrapped struct reads and writes the struct's own object.
    let st = DataType::Struct(vec![StructField {
        name: "F1".into(),
        data_type: DataType::String,
    }]);
    let unwrapped_struct = Serde::new(
        Format::Json,
        columns(&[("FOO", st)], ColumnKind::Value),
        false,
    )
    .unwrap();
    let row = decode(&unwrapped_struct, r#"{"f1":"bar"}"#).unwrap();
    assert_eq!(
        row,
        vec![Value::Struct(vec![("F1".into(), Value::from("bar"))])]
    );
    assert_eq!(encode(&unwrapped_struct, &row).unwrap(), r#"{"F1":"bar"}"#);
    // Several columns need an object.
    let two = value_serde(&[("A", DataType::Int), ("B", DataType::Int)]);
    let e = decode(&two, "[1,2]").unwrap_err().to_string();
    assert!(
        e.starts_with(
            "Can't convert type. sourceType: ArrayNode, requiredType: STRUCT<`A` INTEGER, `B` \
             INTEGER>, path: $"
        ),
        "{e}"
    );
}

#[test]
fn keys_single_unwrapped_multiple_as_object() {
    let single = Serde::new(
        Format::Json,
        columns(&[("K", DataType::String)], ColumnKind::Key),
        true,
    )
    .unwrap();
    assert_eq!(encode(&single, &[Value::from("abc")]).unwrap(), r#""abc""#);
    assert_eq!(
        decode(&single, r#""abc""#).unwrap(),
        vec![Value::from("abc")]
    );
    assert_eq!(encode(&single, &[Value::Null]), None);
    let multi = Serde::new(
        Format::Json,
        columns(
            &[("K1", DataType::String), ("K2", DataType::Int)],
            ColumnKind::Key,
        ),
        true,
    )
    .unwrap();
    let row = vec![Value::from("foo"), Value::Int(2)];
    assert_eq!(encode(&multi, &row).unwrap(), r#"{"K1":"foo","K2":2}"#);
    assert_eq!(decode(&multi, r#"{"k1":"foo","k2":2}"#).unwrap(), row);
    // json.json "STRUCT - key": fields matched case-insensitively, written upper-case.
    let st = Serde::new(
        Format::Json,
        columns(
            &[(
                "K",
                DataType::Struct(vec![StructField {
                    name: "F".into(),
                    data_type: DataType::Double,
                }]),
            )],
            ColumnKind::Key,
        ),
        true,
    )
    .unwrap();
    let row = decode(&st, r#"{"f": 45.67}"#).unwrap();
    assert_eq!(encode(&st, &row).unwrap(), r#"{"F":45.67}"#);
}

#[test]
fn empty_input_is_jacksons_missing_node() {
    let key = Serde::new(
        Format::Json,
        columns(&[("K", DataType::String)], ColumnKind::Key),
        true,
    )
    .unwrap();
    assert_eq!(decode(&key, "").unwrap(), vec![Value::from("")]);
    let int_key = Serde::new(
        Format::Json,
        columns(&[("K", DataType::Int)], ColumnKind::Key),
        true,
    )
    .unwrap();
    assert!(decode(&int_key, " ").is_err());
    assert!(decode(&phone_serde(), "").is_err());
}

#[test]
fn encode_rejects_mismatched_values_and_widens_integers() {
    let serde = value_serde(&[
        ("B", DataType::Bigint),
        ("D", DataType::Double),
        (
            "X",
            DataType::Decimal {
                precision: 5,
                scale: 0,
            },
        ),
    ]);
    assert_eq!(
        encode(&serde, &[Value::Int(1), Value::Int(2), Value::Bigint(3)]).unwrap(),
        r#"{"B":1,"D":2.0,"X":3}"#
    );
    let mut out = Vec::new();
    let e = serde
        .encode(&[Value::from("x"), Value::Null, Value::Null], &mut out)
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "Can't serialize a STRING value as BIGINT, path: $.B (column B)"
    );
    assert!(out.is_empty());
}
