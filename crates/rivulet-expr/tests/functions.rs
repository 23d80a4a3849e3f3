//! Every built-in scalar function, table-driven: typed through `call` (overload resolution and
//! implicit casts included) and evaluated. Expected values come from ksqlDB's functional tests
//! where they exist.

mod common;

use std::collections::BTreeSet;

use common::*;
use rivulet_core::{DataType, Value};
use rivulet_expr::{
    arithmetic, call, cast, comparison, lambda, lambda_parameter_types, lambda_variable, registry,
    typing, ArithmeticOp, ComparisonOp, Expr,
};

enum Expect {
    Is(Value),
    Near(f64),
    Check(fn(&Value) -> bool),
    /// The evaluation fails with a message containing this text.
    Fails(&'static str),
    /// Typing fails with a message containing this text.
    Rejected(&'static str),
}

struct Case {
    name: &'static str,
    args: Vec<Expr>,
    expect: Expect,
}

fn is(name: &'static str, args: Vec<Expr>, v: impl Into<Value>) -> Case {
    Case {
        name,
        args,
        expect: Expect::Is(v.into()),
    }
}

fn near(name: &'static str, args: Vec<Expr>, v: f64) -> Case {
    Case {
        name,
        args,
        expect: Expect::Near(v),
    }
}

fn check(name: &'static str, args: Vec<Expr>, f: fn(&Value) -> bool) -> Case {
    Case {
        name,
        args,
        expect: Expect::Check(f),
    }
}

fn fails(name: &'static str, args: Vec<Expr>, msg: &'static str) -> Case {
    Case {
        name,
        args,
        expect: Expect::Fails(msg),
    }
}

fn rejected(name: &'static str, args: Vec<Expr>, msg: &'static str) -> Case {
    Case {
        name,
        args,
        expect: Expect::Rejected(msg),
    }
}

fn nul() -> Value {
    Value::Null
}

fn ts(ms: i64) -> Expr {
    typed(Value::Timestamp(ms), DataType::Timestamp)
}

fn date(days: i32) -> Expr {
    typed(Value::Date(days), DataType::Date)
}

fn time(ms: i32) -> Expr {
    typed(Value::Time(ms), DataType::Time)
}

fn bytes(b: &[u8]) -> Expr {
    typed(Value::Bytes(b.to_vec().into()), DataType::Bytes)
}

fn vbytes(b: &[u8]) -> Value {
    Value::Bytes(b.to_vec().into())
}

fn typed_null(t: DataType) -> Expr {
    cast(Expr::null(), t).expect("cast null")
}

fn ints(values: &[i32]) -> Expr {
    typing::array(values.iter().map(|v| lit(*v)).collect()).expect("array")
}

fn strings(values: &[&str]) -> Expr {
    typing::array(values.iter().map(|v| s(v)).collect()).expect("array")
}

fn vints(values: &[i32]) -> Value {
    arr(values.iter().map(|v| Value::Int(*v)).collect())
}

fn vstrings(values: &[&str]) -> Value {
    arr(values.iter().map(|v| vs(v)).collect())
}

fn string_map(entries: &[(&str, i32)]) -> Expr {
    typing::map(entries.iter().map(|(k, v)| (s(k), lit(*v))).collect()).expect("map")
}

fn vmap(entries: Vec<(Value, Value)>) -> Value {
    Value::Map(entries)
}

fn math() -> Vec<Case> {
    vec![
        is("ABS", vec![lit(-3)], 3),
        is("ABS", vec![lit(-3i64)], 3i64),
        is("ABS", vec![lit(-2.5)], 2.5),
        is("ABS", vec![dec("-1.50")], vd("1.50")),
        is("ABS", vec![null()], nul()),
        is("CEIL", vec![dec("1.2")], vd("2.0")),
        is("CEIL", vec![dec("-1.5")], vd("-1.0")),
        is("CEIL", vec![lit(1.2)], 2.0),
        is("CEIL", vec![lit(5)], 5),
        is("FLOOR", vec![dec("-1.2")], vd("-2.0")),
        is("FLOOR", vec![lit(1.7)], 1.0),
        is("FLOOR", vec![lit(7i64)], 7i64),
        is("ROUND", vec![lit(2.5)], 3i64),
        is("ROUND", vec![lit(-2.5)], -2i64),
        is("ROUND", vec![lit(0.49999999999999994)], 0i64),
        is("ROUND", vec![lit(5)], 5i64),
        is("ROUND", vec![dec("2.5")], vd("3")),
        is("ROUND", vec![dec("-2.5")], vd("-2")),
        is("ROUND", vec![dec("-2.51")], vd("-3")),
        is("ROUND", vec![lit(1234.5), lit(-2)], 1200.0),
        is("ROUND", vec![lit(1.005), lit(2)], 1.01),
        is("ROUND", vec![lit(-1.005), lit(2)], -1.0),
        is("ROUND", vec![dec("1.2345"), lit(2)], vd("1.2300")),
        is("ROUND", vec![dec("1.2355"), lit(3)], vd("1.2360")),
        is("TRUNC", vec![lit(1.7)], 1i64),
        is("TRUNC", vec![lit(-1.7)], -1i64),
        is("TRUNC", vec![lit(12345.67), lit(-3)], 12000.0),
        is("TRUNC", vec![lit(1.239), lit(2)], 1.23),
        is("TRUNC", vec![dec("1.239"), lit(2)], vd("1.230")),
        is("TRUNC", vec![dec("-1.5")], vd("-1")),
        is("SIGN", vec![lit(-3)], -1),
        is("SIGN", vec![lit(0.0)], 0),
        is("SIGN", vec![lit(5i64)], 1),
        is("SIGN", vec![lit(f64::NAN)], 0),
        is("SQRT", vec![lit(4)], 2.0),
        check("SQRT", vec![lit(-1.0)], |v| {
            v.as_f64().is_some_and(f64::is_nan)
        }),
        near("CBRT", vec![lit(27.0)], 3.0),
        is("EXP", vec![lit(0)], 1.0),
        is("EXP", vec![lit(1)], std::f64::consts::E),
        is("EXP", vec![lit(-3.0)], 0.049787068367863944),
        is("LN", vec![lit(1)], 0.0),
        is("LN", vec![lit(0)], f64::NEG_INFINITY),
        is("LN", vec![lit(3.0)], 1.0986122886681098),
        is("LOG", vec![lit(13)], 2.5649493574615367),
        is("LOG", vec![lit(15), lit(13)], 0.9471572411831843),
        is("LOG", vec![lit(0.0)], f64::NEG_INFINITY),
        check("LOG", vec![lit(1.0), lit(5.0)], |v| {
            v.as_f64().is_some_and(f64::is_nan)
        }),
        is("POWER", vec![lit(2), lit(10)], 1024.0),
        is("POWER", vec![lit(10), lit(400)], f64::INFINITY),
        is("PI", vec![], std::f64::consts::PI),
        check(
            "RANDOM",
            vec![],
            |v| matches!(v, Value::Double(x) if (0.0..1.0).contains(x)),
        ),
        is("SIN", vec![lit(0)], 0.0),
        is("COS", vec![lit(0)], 1.0),
        is("TAN", vec![lit(0)], 0.0),
        near("COT", vec![lit(1.0)], 1.0 / 1f64.tan()),
        check("ASIN", vec![lit(2.0)], |v| {
            v.as_f64().is_some_and(f64::is_nan)
        }),
        is("ACOS", vec![lit(1.0)], 0.0),
        is("ATAN", vec![lit(0.0)], 0.0),
        is("SINH", vec![lit(0.0)], 0.0),
        is("COSH", vec![lit(0.0)], 1.0),
        is("TANH", vec![lit(0.0)], 0.0),
        near(
            "ATAN2",
            vec![lit(1.0), lit(1.0)],
            std::f64::consts::FRAC_PI_4,
        ),
        near("DEGREES", vec![lit(std::f64::consts::PI)], 180.0),
        near("RADIANS", vec![lit(180)], std::f64::consts::PI),
        is("GREATEST", vec![lit(1), lit(5), null(), lit(3)], 5),
        is(
            "GREATEST",
            vec![s("apple"), s("zebra"), null(), s("hello")],
            vs("zebra"),
        ),
        is(
            "GREATEST",
            vec![typed_null(DataType::Int), typed_null(DataType::Int)],
            nul(),
        ),
        is(
            "GREATEST",
            vec![dec("1234567.89"), dec("0.123456")],
            vd("1234567.890000"),
        ),
        is(
            "GREATEST",
            vec![
                lit(-1),
                lit(1_000_000_000_000i64),
                dec("99999.99999"),
                lit(1.5),
            ],
            1e12,
        ),
        is("GREATEST", vec![date(5), date(3)], Value::Date(5)),
        is("LEAST", vec![lit(5), lit(2), null()], 2),
        is("LEAST", vec![lit(i32::MAX), lit(i32::MIN)], i32::MIN),
        is("LEAST", vec![s("!"), s("Zebra"), s("aardvark")], vs("!")),
        rejected(
            "LEAST",
            vec![lit(true), lit(false)],
            "does not accept parameters",
        ),
    ]
}

fn geo() -> Vec<Case> {
    vec![
        is(
            "GEO_DISTANCE",
            vec![lit(37.4439), lit(-122.1663), lit(51.5257), lit(-0.1122)],
            8634.659796579544,
        ),
        is(
            "GEO_DISTANCE",
            vec![
                lit(37.4439),
                lit(-122.1663),
                lit(51.5257),
                lit(-0.1122),
                s("KM"),
            ],
            8634.659796579544,
        ),
        is(
            "GEO_DISTANCE",
            vec![
                lit(37.4439),
                lit(-122.1663),
                lit(51.5257),
                lit(-0.1122),
                s("MI"),
            ],
            5365.659729188262,
        ),
        is(
            "GEO_DISTANCE",
            vec![
                lit(-33.9323),
                lit(18.4197),
                lit(-33.8666),
                lit(151.1),
                s(" Miles "),
            ],
            6838.756491533589,
        ),
        is(
            "GEO_DISTANCE",
            vec![
                lit(39.18660374),
                lit(-76.73262144),
                lit(39.18660374),
                lit(-76.73222145),
            ],
            0.03447366811448324,
        ),
        // The fleet query: GEO_DISTANCE(lat, lon, 9.0, 107.0) with integer-valued literals too.
        is(
            "GEO_DISTANCE",
            vec![lit(9), lit(107), lit(9.0), lit(107.0)],
            0.0,
        ),
        is(
            "GEO_DISTANCE",
            vec![lit(1.0), lit(1.0), lit(1.0), lit(1.0), null()],
            0.0,
        ),
        fails(
            "GEO_DISTANCE",
            vec![lit(91.0), lit(0.0), lit(0.0), lit(0.0)],
            "latitude",
        ),
        fails(
            "GEO_DISTANCE",
            vec![lit(0.0), lit(181.0), lit(0.0), lit(0.0)],
            "longitude",
        ),
        fails(
            "GEO_DISTANCE",
            vec![lit(0.0), lit(0.0), lit(0.0), lit(0.0), s("parsecs")],
            "units parameter",
        ),
        fails(
            "GEO_DISTANCE",
            vec![typed_null(DataType::Double), lit(0.0), lit(0.0), lit(0.0)],
            "NULL",
        ),
    ]
}

fn strings_family() -> Vec<Case> {
    vec![
        is("CONCAT", vec![s("a"), null(), s("b")], vs("ab")),
        is("CONCAT", vec![s("a")], vs("a")),
        is(
            "CONCAT",
            vec![bytes(b"a"), typed_null(DataType::Bytes), bytes(b"b")],
            vbytes(b"ab"),
        ),
        is(
            "CONCAT_WS",
            vec![s(", "), s("apple"), s("banana"), null(), s("date")],
            vs("apple, banana, date"),
        ),
        is(
            "CONCAT_WS",
            vec![typed_null(DataType::String), s("a"), s("b")],
            nul(),
        ),
        is(
            "CONCAT_WS",
            vec![
                bytes(b"a"),
                bytes(b"b"),
                bytes(b"yes"),
                typed_null(DataType::Bytes),
                bytes(b"no"),
            ],
            vbytes(b"bayesano"),
        ),
        rejected("CONCAT_WS", vec![s(",")], "does not accept parameters"),
        is("LEN", vec![s("héllo")], 5),
        is("LEN", vec![bytes(&[1, 2, 3])], 3),
        is("LEN", vec![null()], nul()),
        is("LCASE", vec![s("FoO")], vs("foo")),
        is("UCASE", vec![s("FoO")], vs("FOO")),
        is(
            "INITCAP",
            vec![s("the   Quick br0wn fOx")],
            vs("The   Quick Br0wn Fox"),
        ),
        is("INITCAP", vec![s("some_string")], vs("Some_string")),
        is("TRIM", vec![s("  a b \t\n")], vs("a b")),
        is("LTRIM", vec![s("  a b  ")], vs("a b  ")),
        is("RTRIM", vec![s("  a b  ")], vs("  a b")),
        is("SUBSTRING", vec![s("stream"), lit(1), lit(4)], vs("stre")),
        is("SUBSTRING", vec![s("some_string"), lit(6)], vs("string")),
        is("SUBSTRING", vec![s("another"), lit(6), lit(3)], vs("er")),
        is("SUBSTRING", vec![s("short"), lit(6)], vs("")),
        is("SUBSTRING", vec![s("stream"), lit(-2)], vs("am")),
        is("SUBSTRING", vec![s("stream"), lit(0), lit(2)], vs("st")),
        is(
            "SUBSTRING",
            vec![s("stream"), typed_null(DataType::Int)],
            nul(),
        ),
        is(
            "SUBSTRING",
            vec![bytes(b"some_string"), lit(6), lit(3)],
            vbytes(b"str"),
        ),
        is("REPLACE", vec![s("aXbXc"), s("X"), s("--")], vs("a--b--c")),
        is("REPLACE", vec![s("abc"), s(""), s("-")], vs("-a-b-c-")),
        is(
            "SPLIT",
            vec![s("a.b.c"), s(".")],
            vstrings(&["a", "b", "c"]),
        ),
        is(
            "SPLIT",
            vec![s("..a.."), s(".")],
            vstrings(&["", "", "a", "", ""]),
        ),
        is("SPLIT", vec![s("abc"), s("")], vstrings(&["a", "b", "c"])),
        is("SPLIT", vec![s(""), s(",")], vstrings(&[""])),
        is(
            "SPLIT",
            vec![bytes(b".abc."), bytes(b".")],
            arr(vec![vbytes(b""), vbytes(b"abc"), vbytes(b"")]),
        ),
        is(
            "SPLIT_TO_MAP",
            vec![
                s("apple:green/banana:yellow//cherry:red/apple:red"),
                s("/"),
                s(":"),
            ],
            vmap(vec![
                (vs("apple"), vs("red")),
                (vs("banana"), vs("yellow")),
                (vs("cherry"), vs("red")),
            ]),
        ),
        is("SPLIT_TO_MAP", vec![s("a=1"), s(""), s("=")], nul()),
        is("INSTR", vec![s("corporate floor"), s("or")], 2),
        is(
            "INSTR",
            vec![s("should I stay or should I go"), s("or")],
            15,
        ),
        is("INSTR", vec![s("no substring"), s("or")], 0),
        is("INSTR", vec![s("corporate floor"), s("or"), lit(4)], 5),
        is(
            "INSTR",
            vec![s("corporate floor"), s("or"), lit(4), lit(2)],
            14,
        ),
        is("INSTR", vec![s("corporate floor"), s("or"), lit(-4)], 5),
        is(
            "INSTR",
            vec![s("corporate floor"), s("or"), lit(-4), lit(2)],
            2,
        ),
        is("INSTR", vec![s("short"), s("or"), lit(-4), lit(2)], 0),
        is("INSTR", vec![null(), s("or")], 0),
        is("LPAD", vec![s("foo"), lit(7), s("Bar")], vs("BarBfoo")),
        is("LPAD", vec![s("foo"), lit(2), s("Bar")], vs("fo")),
        is("LPAD", vec![s("123"), lit(5), s("0")], vs("00123")),
        is("LPAD", vec![s("foo"), lit(-1), s("Bar")], nul()),
        is("LPAD", vec![s("foo"), lit(7), s("")], nul()),
        is("LPAD", vec![s(""), lit(7), s("Bar")], vs("BarBarB")),
        is(
            "LPAD",
            vec![bytes(b"ab"), lit(4), bytes(b"x")],
            vbytes(b"xxab"),
        ),
        is("RPAD", vec![s("Foo"), lit(7), s("Bar")], vs("FooBarB")),
        is("RPAD", vec![s("foo"), lit(5), s("Bar")], vs("fooBa")),
        is("RPAD", vec![s("foo"), null(), s("Bar")], nul()),
        is("MASK", vec![s("AbC-12 x")], vs("XxX-nn-x")),
        is(
            "MASK",
            vec![s("AbC-12"), s("U"), null(), s("#"), s("*")],
            vs("UbU*##"),
        ),
        fails(
            "MASK",
            vec![s("AbC"), s("UU"), s("l"), s("d"), s("o")],
            "single character",
        ),
        is("MASK_KEEP_LEFT", vec![s("AbC-12"), lit(2)], vs("AbX-nn")),
        is("MASK_KEEP_RIGHT", vec![s("AbC-12"), lit(2)], vs("XxX-12")),
        is("MASK_LEFT", vec![s("AbC-12"), lit(2)], vs("XxC-12")),
        is("MASK_RIGHT", vec![s("AbC-12"), lit(10)], vs("XxX-nn")),
        is(
            "MASK_LEFT",
            vec![s("AbC-12"), lit(3), s("*"), s("*"), s("*"), s("*")],
            vs("***-12"),
        ),
        fails("MASK_LEFT", vec![s("AbC"), lit(-1)], "non-negative"),
        is("MASK_RIGHT", vec![null(), lit(1)], nul()),
        is("CHR", vec![lit(75)], vs("K")),
        is("CHR", vec![lit(22909)], vs("好")),
        is("CHR", vec![lit(99000)], vs("\u{182b8}")),
        is("CHR", vec![lit(-1)], nul()),
        is("CHR", vec![s("\\u004b")], vs("K")),
        is("CHR", vec![s("\\ud820\\udeb8")], vs("\u{182b8}")),
        is("CHR", vec![s("75")], nul()),
        is("ELT", vec![lit(2), s("a"), s("b"), s("c")], vs("b")),
        is("ELT", vec![lit(0), s("a")], nul()),
        is("ELT", vec![lit(4), s("a")], nul()),
        is("FIELD", vec![s("b"), s("a"), s("b")], 2),
        is("FIELD", vec![s("z"), s("a"), s("b")], 0),
        is("FIELD", vec![null(), s("a")], 0),
        check("UUID", vec![], |v| {
            v.as_str().is_some_and(|u| {
                u.len() == 36
                    && u.as_bytes()[14] == b'4'
                    && u.chars().filter(|c| *c == '-').count() == 4
            })
        }),
        is(
            "UUID",
            vec![bytes(&[
                0x12, 0x3e, 0x45, 0x67, 0xe8, 0x9b, 0x12, 0xd3, 0xa4, 0x56, 0x42, 0x66, 0x14, 0x17,
                0x40, 0x00,
            ])],
            vs("123e4567-e89b-12d3-a456-426614174000"),
        ),
        is("UUID", vec![bytes(&[1, 2])], nul()),
    ]
}

fn regexps() -> Vec<Case> {
    vec![
        is(
            "REGEXP_EXTRACT",
            vec![s("test."), s("some_test_string")],
            vs("test_"),
        ),
        is("REGEXP_EXTRACT", vec![s("test."), s("anothertest")], nul()),
        is(
            "REGEXP_EXTRACT",
            vec![s("(.*) (.*)"), s("steven zhang"), lit(2)],
            vs("zhang"),
        ),
        is(
            "REGEXP_EXTRACT",
            vec![s("(.*) (.*)"), s("agavra"), lit(2)],
            nul(),
        ),
        is("REGEXP_EXTRACT", vec![s("(a)"), s("a"), lit(5)], nul()),
        fails(
            "REGEXP_EXTRACT",
            vec![s("(unclosed"), s("x")],
            "Invalid regular expression",
        ),
        is(
            "REGEXP_EXTRACT_ALL",
            vec![s("test."), s("some_test_string_testabab")],
            vstrings(&["test_", "testa"]),
        ),
        is(
            "REGEXP_EXTRACT_ALL",
            vec![s("test."), s("anothertest")],
            arr(vec![]),
        ),
        is(
            "REGEXP_EXTRACT_ALL",
            vec![s("(\\w+)@(\\w+)"), s("a@b, c@d"), lit(2)],
            vstrings(&["b", "d"]),
        ),
        is(
            "REGEXP_REPLACE",
            vec![s("foobar"), s("o+"), s("0")],
            vs("f0bar"),
        ),
        is(
            "REGEXP_REPLACE",
            vec![s("john smith"), s("(\\w+) (\\w+)"), s("$2, $1")],
            vs("smith, john"),
        ),
        is(
            "REGEXP_SPLIT_TO_ARRAY",
            vec![s("a.b-c"), s("[.-]")],
            vstrings(&["a", "b", "c"]),
        ),
        is(
            "REGEXP_SPLIT_TO_ARRAY",
            vec![s("-a--b-"), s("-")],
            vstrings(&["", "a", "", "b", ""]),
        ),
        is(
            "REGEXP_SPLIT_TO_ARRAY",
            vec![s("abc"), s("")],
            vstrings(&["a", "b", "c"]),
        ),
        is(
            "REGEXP_SPLIT_TO_ARRAY",
            vec![s("a1b22c"), s("\\d*")],
            vstrings(&["a", "b", "c"]),
        ),
    ]
}

fn encodings() -> Vec<Case> {
    vec![
        is(
            "ENCODE",
            vec![s("4578616d706C6521"), s("hex"), s("ascii")],
            vs("Example!"),
        ),
        is(
            "ENCODE",
            vec![s("0x4578616d706C6521"), s("hex"), s("base64")],
            vs("RXhhbXBsZSE="),
        ),
        is(
            "ENCODE",
            vec![s("X'4578616d706C6521'"), s("hex"), s("utf8")],
            vs("Example!"),
        ),
        is(
            "ENCODE",
            vec![s("c39c6265726d656e736368"), s("hex"), s("utf8")],
            vs("Übermensch"),
        ),
        is(
            "ENCODE",
            vec![s("c39c6265726d656e736368"), s("hex"), s("ascii")],
            vs("\u{FFFD}\u{FFFD}bermensch"),
        ),
        is(
            "ENCODE",
            vec![s("0x578616d706C6521"), s("hex"), s("base64")],
            vs("BXhhbXBsZSE="),
        ),
        is(
            "ENCODE",
            vec![s("Example!"), s("utf8"), s("hex")],
            vs("4578616d706c6521"),
        ),
        is(
            "ENCODE",
            vec![s("RXhhbXBsZSE="), s("base64"), s("ascii")],
            vs("Example!"),
        ),
        fails("ENCODE", vec![s("0x0x"), s("hex"), s("ascii")], ""),
        fails(
            "ENCODE",
            vec![s("abc"), s("utf8"), s("ebcdic")],
            "Supported input and output",
        ),
        is("TO_BYTES", vec![s("4578"), s("hex")], vbytes(&[0x45, 0x78])),
        is("TO_BYTES", vec![s("AQI="), s("BASE64")], vbytes(&[1, 2])),
        is("TO_BYTES", vec![s("hé"), s("ascii")], vbytes(b"h?")),
        fails("TO_BYTES", vec![s("x"), s("morse")], "Unknown encoding"),
        is(
            "FROM_BYTES",
            vec![bytes(&[0x45, 0x78]), s("hex")],
            vs("4578"),
        ),
        is("FROM_BYTES", vec![bytes(b"hi"), s("utf8")], vs("hi")),
        is("FROM_BYTES", vec![bytes(&[1, 2]), s("base64")], vs("AQI=")),
        is("INT_FROM_BYTES", vec![bytes(&[0, 0, 1, 0])], 256),
        is(
            "INT_FROM_BYTES",
            vec![bytes(&[0, 1, 0, 0]), s("LITTLE_ENDIAN")],
            256,
        ),
        fails("INT_FROM_BYTES", vec![bytes(&[0, 1])], "equal to 4"),
        is(
            "BIGINT_FROM_BYTES",
            vec![bytes(&[0, 0, 0, 0, 0, 0, 1, 0])],
            256i64,
        ),
        is("DOUBLE_FROM_BYTES", vec![bytes(&1.5f64.to_be_bytes())], 1.5),
        is(
            "MD5",
            vec![s("abc")],
            vs("900150983cd24fb0d6963f7d28e17f72"),
        ),
    ]
}

fn datetimes() -> Vec<Case> {
    vec![
        check(
            "UNIX_TIMESTAMP",
            vec![],
            |v| matches!(v, Value::Bigint(ms) if *ms > 1_600_000_000_000),
        ),
        is(
            "UNIX_TIMESTAMP",
            vec![ts(1_526_075_913_000)],
            1_526_075_913_000i64,
        ),
        check(
            "UNIX_DATE",
            vec![],
            |v| matches!(v, Value::Int(d) if *d > 18_000),
        ),
        is("UNIX_DATE", vec![date(17_662)], 17_662),
        is(
            "FROM_UNIXTIME",
            vec![lit(1_526_075_913_000i64)],
            Value::Timestamp(1_526_075_913_000),
        ),
        is("FROM_UNIXTIME", vec![lit(100)], Value::Timestamp(100)),
        is("FROM_DAYS", vec![lit(17_662)], Value::Date(17_662)),
        is(
            "FORMAT_TIMESTAMP",
            vec![
                ts(1_526_075_913_000),
                s("yyyy-MM-dd HH:mm:ss zzz"),
                s("America/Los_Angeles"),
            ],
            vs("2018-05-11 14:58:33 PDT"),
        ),
        is(
            "FORMAT_TIMESTAMP",
            vec![ts(1_526_075_913_000), s("yyyy-MM-dd HH:mm:ss")],
            vs("2018-05-11 21:58:33"),
        ),
        is(
            "FORMAT_TIMESTAMP",
            vec![
                ts(1_526_075_913_123),
                s("yyyy-MM-dd'T'HH:mm:ss.SSSXXX"),
                s("+05:30"),
            ],
            vs("2018-05-12T03:28:33.123+05:30"),
        ),
        fails(
            "FORMAT_TIMESTAMP",
            vec![ts(0), s("yyyy"), s("Mars/Base")],
            "Unknown time-zone",
        ),
        is(
            "PARSE_TIMESTAMP",
            vec![s("2018-05-11T21:58:33"), s("yyyy-MM-dd'T'HH:mm:ss")],
            Value::Timestamp(1_526_075_913_000),
        ),
        is(
            "PARSE_TIMESTAMP",
            vec![s("2018-05-11T21:58:33 PST"), s("yyyy-MM-dd'T'HH:mm:ss zzz")],
            Value::Timestamp(1_526_101_113_000),
        ),
        is(
            "PARSE_TIMESTAMP",
            vec![
                s("2018-05-11 14:58:33"),
                s("yyyy-MM-dd HH:mm:ss"),
                s("America/Los_Angeles"),
            ],
            Value::Timestamp(1_526_075_913_000),
        ),
        fails(
            "PARSE_TIMESTAMP",
            vec![s("not a time"), s("yyyy-MM-dd")],
            "Failed to parse timestamp",
        ),
        is(
            "TIMESTAMPTOSTRING",
            vec![
                lit(1_526_075_913_000i64),
                s("yyyy-MM-dd HH:mm:ss zzz"),
                s("America/Los_Angeles"),
            ],
            vs("2018-05-11 14:58:33 PDT"),
        ),
        is(
            "TIMESTAMPTOSTRING",
            vec![
                lit(1_526_075_913_000i64),
                s("yyyy-MM-dd HH:mm:ss zzz"),
                s("Europe/London"),
            ],
            vs("2018-05-11 22:58:33 BST"),
        ),
        is(
            "TIMESTAMPTOSTRING",
            vec![lit(1_717_000_002_133i64), s("yyyy-MM-dd HH:mm:ss.SSS")],
            vs("2024-05-29 16:26:42.133"),
        ),
        is(
            "TIMESTAMPTOSTRING",
            vec![lit(0i64), typed_null(DataType::String)],
            nul(),
        ),
        fails(
            "TIMESTAMPTOSTRING",
            vec![typed_null(DataType::Bigint), s("yyyy")],
            "must not be NULL",
        ),
        is(
            "STRINGTOTIMESTAMP",
            vec![s("2018-05-11T21:58:33Z"), s("yyyy-MM-dd'T'HH:mm:ssX")],
            1_526_075_913_000i64,
        ),
        is(
            "STRINGTOTIMESTAMP",
            vec![s("2020-05-11T21:58:33z"), s("yyyy-MM-dd'T'HH:mm:ssX")],
            1_589_234_313_000i64,
        ),
        is(
            "STRINGTOTIMESTAMP",
            vec![
                s("2019-08-27T13:31:09.2+0000"),
                s("yyyy-MM-dd'T'HH:mm:ss.SX"),
            ],
            1_566_912_669_200i64,
        ),
        fails(
            "STRINGTOTIMESTAMP",
            vec![typed_null(DataType::String), s("yyyy")],
            "must not be NULL",
        ),
        is(
            "FORMAT_DATE",
            vec![date(17_662), s("yyyy-MM-dd")],
            vs("2018-05-11"),
        ),
        is(
            "FORMAT_DATE",
            vec![date(18_993), s("dd-MMM-yyyy")],
            vs("01-Jan-2022"),
        ),
        is(
            "FORMAT_DATE",
            vec![date(-1), s("dd-MM-yyyy'Sophia'")],
            vs("31-12-1969Sophia"),
        ),
        fails(
            "FORMAT_DATE",
            vec![date(0), s("HH:mm")],
            "Unsupported field",
        ),
        is(
            "PARSE_DATE",
            vec![s("2018-05-11Lit"), s("yyyy-MM-dd'Lit'")],
            Value::Date(17_662),
        ),
        is(
            "PARSE_DATE",
            vec![s("01-JAN-2022"), s("dd-MMM-yyyy")],
            Value::Date(18_993),
        ),
        is(
            "PARSE_DATE",
            vec![s("JAN-2022"), s("MMM-yyyy")],
            Value::Date(18_993),
        ),
        is(
            "PARSE_DATE",
            vec![s("2004-01-01"), s("yyyy-MM-dd")],
            Value::Date(12_418),
        ),
        fails(
            "PARSE_DATE",
            vec![s("2004"), s("yyyy-MM-dd")],
            "Failed to parse date",
        ),
        is(
            "DATETOSTRING",
            vec![lit(18_027), s("dd/MM/yyyy")],
            vs("11/05/2019"),
        ),
        is(
            "STRINGTODATE",
            vec![s("11/05/2019"), s("dd/MM/yyyy")],
            18_027,
        ),
        is(
            "FORMAT_TIME",
            vec![time(65_000), s("HH_mm_ss_SSS")],
            vs("00_01_05_000"),
        ),
        is(
            "FORMAT_TIME",
            vec![time(1_234_567), s("HHmmss'AAAAA'")],
            vs("002034AAAAA"),
        ),
        is(
            "FORMAT_TIME",
            vec![time(46_800_000), s("hh:mm a")],
            vs("01:00 PM"),
        ),
        fails("FORMAT_TIME", vec![time(0), s("yyyy")], "Unsupported field"),
        is(
            "PARSE_TIME",
            vec![s("00:01:05Lit"), s("HH:mm:ss'Lit'")],
            Value::Time(65_000),
        ),
        is(
            "PARSE_TIME",
            vec![s("11/05/19"), s("HH/mm/ss")],
            Value::Time(39_919_000),
        ),
        is(
            "PARSE_TIME",
            vec![s("01:00:00 Pm"), s("hh:mm:ss a")],
            Value::Time(46_800_000),
        ),
        fails(
            "PARSE_TIME",
            vec![s("2020-01-01"), s("yyyy-MM-dd")],
            "contains date field",
        ),
        is(
            "CONVERT_TZ",
            vec![ts(100), s("+0200"), s("+0500")],
            Value::Timestamp(10_800_100),
        ),
        is(
            "CONVERT_TZ",
            vec![
                ts(1_589_234_313_000),
                s("America/Los_Angeles"),
                s("America/New_York"),
            ],
            Value::Timestamp(1_589_245_113_000),
        ),
        fails(
            "CONVERT_TZ",
            vec![ts(0), s("Nowhere"), s("UTC")],
            "Invalid time zone",
        ),
        is(
            "TIMESTAMPADD",
            vec![s("SECONDS"), lit(10), ts(1_000)],
            Value::Timestamp(11_000),
        ),
        is(
            "TIMESTAMPADD",
            vec![s("millisecond"), lit(-5i64), ts(1_000)],
            Value::Timestamp(995),
        ),
        is(
            "TIMESTAMPADD",
            vec![s("DAYS"), lit(1), ts(0)],
            Value::Timestamp(86_400_000),
        ),
        fails(
            "TIMESTAMPADD",
            vec![s("FORTNIGHTS"), lit(1), ts(0)],
            "Unknown time unit",
        ),
        is(
            "TIMESTAMPSUB",
            vec![s("MINUTES"), lit(1), ts(60_000)],
            Value::Timestamp(0),
        ),
        is(
            "DATEADD",
            vec![s("DAYS"), lit(3), date(10)],
            Value::Date(13),
        ),
        is(
            "DATEADD",
            vec![s("HOURS"), lit(25), date(0)],
            Value::Date(1),
        ),
        is("DATESUB", vec![s("DAYS"), lit(3), date(10)], Value::Date(7)),
        is(
            "TIMEADD",
            vec![s("HOURS"), lit(2), time(23 * 3_600_000)],
            Value::Time(3_600_000),
        ),
        is(
            "TIMESUB",
            vec![s("SECONDS"), lit(1), time(0)],
            Value::Time(86_399_000),
        ),
    ]
}

fn null_handling() -> Vec<Case> {
    vec![
        is("COALESCE", vec![null(), lit(2), lit(3)], 2),
        is(
            "COALESCE",
            vec![typed_null(DataType::String), s("x")],
            vs("x"),
        ),
        is("COALESCE", vec![lit(1), lit(2i64)], 1i64),
        is(
            "COALESCE",
            vec![typed_null(array_of(DataType::Int)), ints(&[10, 20])],
            vints(&[10, 20]),
        ),
        rejected("COALESCE", vec![], "does not accept parameters ()"),
        rejected(
            "COALESCE",
            vec![lit(1), s("x")],
            "does not accept parameters",
        ),
        is("IFNULL", vec![typed_null(DataType::Int), lit(10)], 10),
        is("IFNULL", vec![lit(1), lit(10)], 1),
        is("NULLIF", vec![lit(1), lit(1)], nul()),
        is("NULLIF", vec![lit(1), lit(2)], 1),
        is(
            "NULLIF",
            vec![s("a"), typed_null(DataType::String)],
            vs("a"),
        ),
    ]
}

fn collections() -> Vec<Case> {
    let entries_struct =
        |k: &str, v: i32| Value::Struct(vec![("K".into(), vs(k)), ("V".into(), Value::Int(v))]);
    vec![
        is("ARRAY_LENGTH", vec![ints(&[1, 2, 3])], 3),
        is(
            "ARRAY_LENGTH",
            vec![typed_null(array_of(DataType::Int))],
            nul(),
        ),
        is("ARRAY_CONTAINS", vec![ints(&[1, 2, 3]), lit(2)], true),
        is("ARRAY_CONTAINS", vec![ints(&[1, 2, 3]), lit(5)], false),
        is(
            "ARRAY_CONTAINS",
            vec![typed_null(array_of(DataType::Int)), lit(5)],
            false,
        ),
        is("ARRAY_CONTAINS", vec![strings(&["a", "b"]), s("b")], true),
        is(
            "ARRAY_DISTINCT",
            vec![ints(&[1, 2, 1, 3, 2])],
            vints(&[1, 2, 3]),
        ),
        is(
            "ARRAY_EXCEPT",
            vec![ints(&[1, 2, 2, 3]), ints(&[2])],
            vints(&[1, 3]),
        ),
        is(
            "ARRAY_INTERSECT",
            vec![ints(&[3, 1, 2, 1]), ints(&[1, 3])],
            vints(&[3, 1]),
        ),
        is(
            "ARRAY_UNION",
            vec![ints(&[1, 2]), ints(&[2, 3])],
            vints(&[1, 2, 3]),
        ),
        is(
            "ARRAY_CONCAT",
            vec![ints(&[1, 2]), ints(&[2, 3])],
            vints(&[1, 2, 2, 3]),
        ),
        is(
            "ARRAY_CONCAT",
            vec![typed_null(array_of(DataType::Int)), ints(&[3])],
            vints(&[3]),
        ),
        is("ARRAY_REMOVE", vec![ints(&[1, 2, 1]), lit(1)], vints(&[2])),
        is("ARRAY_JOIN", vec![ints(&[1, 23, -42, 0])], vs("1,23,-42,0")),
        is(
            "ARRAY_JOIN",
            vec![
                typing::array(vec![lit(true), null(), lit(false)]).expect("array"),
                s("|"),
            ],
            vs("true|null|false"),
        ),
        is(
            "ARRAY_JOIN",
            vec![
                typing::array(vec![lit(1.23), lit(-23.42), lit(0.0)]).expect("array"),
                typed_null(DataType::String),
            ],
            vs("1.23-23.420.0"),
        ),
        is("ARRAY_MAX", vec![ints(&[0, 0, 1, 0, -1])], 1),
        is(
            "ARRAY_MAX",
            vec![typing::array(vec![s("foo"), s("Food"), null(), s("food")]).expect("array")],
            vs("food"),
        ),
        is(
            "ARRAY_MAX",
            vec![typed(arr(vec![]), array_of(DataType::Int))],
            nul(),
        ),
        is("ARRAY_MIN", vec![ints(&[0, 0, 1, 0, -1])], -1),
        is(
            "ARRAY_MIN",
            vec![typing::array(vec![dec("1.0"), dec("-0.2"), null()]).expect("array")],
            vd("-0.2"),
        ),
        is(
            "ARRAY_SORT",
            vec![typing::array(vec![lit(0), null(), lit(1), lit(-1)]).expect("array")],
            arr(vec![
                Value::Int(-1),
                Value::Int(0),
                Value::Int(1),
                Value::Null,
            ]),
        ),
        is(
            "ARRAY_SORT",
            vec![
                typing::array(vec![lit(0), null(), lit(1), lit(-1)]).expect("array"),
                s("desc"),
            ],
            arr(vec![
                Value::Int(1),
                Value::Int(0),
                Value::Int(-1),
                Value::Null,
            ]),
        ),
        is("ARRAY_SORT", vec![ints(&[2, 1]), s("sideways")], nul()),
        is(
            "SLICE",
            vec![strings(&["a", "b", "c", "d"]), lit(2), lit(3)],
            vstrings(&["b", "c"]),
        ),
        is(
            "SLICE",
            vec![ints(&[1, 2, 3]), typed_null(DataType::Int), lit(2)],
            vints(&[1, 2]),
        ),
        is("SLICE", vec![ints(&[1, 2, 3]), lit(2), lit(9)], nul()),
        is("GENERATE_SERIES", vec![lit(1), lit(3)], vints(&[1, 2, 3])),
        is("GENERATE_SERIES", vec![lit(3), lit(1)], vints(&[3, 2, 1])),
        is(
            "GENERATE_SERIES",
            vec![lit(0), lit(9), lit(4)],
            vints(&[0, 4, 8]),
        ),
        is(
            "GENERATE_SERIES",
            vec![lit(1i64), lit(3i64)],
            arr(vec![Value::Bigint(1), Value::Bigint(2), Value::Bigint(3)]),
        ),
        fails(
            "GENERATE_SERIES",
            vec![lit(1), lit(3), lit(0)],
            "cannot be zero",
        ),
        fails(
            "GENERATE_SERIES",
            vec![lit(1), lit(3), lit(-1)],
            "wrong sign",
        ),
        is(
            "AS_MAP",
            vec![strings(&["a", "b", "c"]), ints(&[1, 2])],
            vmap(vec![
                (vs("a"), Value::Int(1)),
                (vs("b"), Value::Int(2)),
                (vs("c"), Value::Null),
            ]),
        ),
        is(
            "MAP_KEYS",
            vec![string_map(&[("a", 1), ("b", 2)])],
            vstrings(&["a", "b"]),
        ),
        is(
            "MAP_VALUES",
            vec![string_map(&[("a", 1), ("b", 2)])],
            vints(&[1, 2]),
        ),
        is(
            "MAP_UNION",
            vec![
                string_map(&[("a", 1), ("b", 2)]),
                string_map(&[("b", 3), ("c", 4)]),
            ],
            vmap(vec![
                (vs("a"), Value::Int(1)),
                (vs("b"), Value::Int(3)),
                (vs("c"), Value::Int(4)),
            ]),
        ),
        is(
            "ENTRIES",
            vec![string_map(&[("b", 2), ("a", 1)]), lit(true)],
            arr(vec![entries_struct("a", 1), entries_struct("b", 2)]),
        ),
        is(
            "ENTRIES",
            vec![string_map(&[("b", 2), ("a", 1)]), lit(false)],
            arr(vec![entries_struct("b", 2), entries_struct("a", 1)]),
        ),
        is("AS_VALUE", vec![s("dev-1")], vs("dev-1")),
        is("AS_VALUE", vec![typed_null(DataType::Int)], nul()),
    ]
}

/// `name(array_or_map, lambda)` with the lambda built from its parameter types.
fn with_lambda(
    name: &'static str,
    mut args: Vec<Expr>,
    params: &[&str],
    body: fn(&[DataType]) -> Expr,
) -> Vec<Expr> {
    let preceding: Vec<DataType> = args.iter().map(Expr::data_type).collect();
    let types = lambda_parameter_types(name, &preceding, params.len()).expect("lambda types");
    args.push(lambda(
        params.iter().map(|p| p.to_string()).collect(),
        body(&types),
    ));
    args
}

fn lambdas() -> Vec<Case> {
    let double_it = |t: &[DataType]| {
        arithmetic(
            ArithmeticOp::Multiply,
            lambda_variable(0, t[0].clone()),
            lit(2),
        )
        .expect("body")
    };
    let positive = |t: &[DataType]| {
        comparison(ComparisonOp::Gt, lambda_variable(0, t[0].clone()), lit(0)).expect("body")
    };
    let sum = |t: &[DataType]| {
        arithmetic(
            ArithmeticOp::Add,
            lambda_variable(0, t[0].clone()),
            lambda_variable(1, t[1].clone()),
        )
        .expect("body")
    };
    let map_key_upper =
        |t: &[DataType]| call("UCASE", vec![lambda_variable(0, t[0].clone())]).expect("body");
    let map_value_plus_one = |t: &[DataType]| {
        arithmetic(ArithmeticOp::Add, lambda_variable(1, t[1].clone()), lit(1)).expect("body")
    };
    let value_even = |t: &[DataType]| {
        comparison(
            ComparisonOp::Eq,
            arithmetic(
                ArithmeticOp::Modulus,
                lambda_variable(1, t[1].clone()),
                lit(2),
            )
            .expect("mod"),
            lit(0),
        )
        .expect("body")
    };
    let add_value = |t: &[DataType]| {
        arithmetic(
            ArithmeticOp::Add,
            lambda_variable(0, t[0].clone()),
            lambda_variable(2, t[2].clone()),
        )
        .expect("body")
    };
    let transform_map = {
        let m = string_map(&[("a", 1), ("b", 2)]);
        let mut args = with_lambda("TRANSFORM", vec![m], &["K", "V"], map_key_upper);
        let preceding: Vec<DataType> = args.iter().map(Expr::data_type).collect();
        let types = lambda_parameter_types("TRANSFORM", &preceding, 2).expect("types");
        args.push(lambda(
            vec!["K".into(), "V".into()],
            map_value_plus_one(&types),
        ));
        args
    };
    vec![
        is(
            "TRANSFORM",
            with_lambda("TRANSFORM", vec![ints(&[1, 2, 3])], &["X"], double_it),
            vints(&[2, 4, 6]),
        ),
        is(
            "TRANSFORM",
            with_lambda(
                "TRANSFORM",
                vec![typed_null(array_of(DataType::Int))],
                &["X"],
                double_it,
            ),
            nul(),
        ),
        is(
            "TRANSFORM",
            transform_map,
            vmap(vec![(vs("A"), Value::Int(2)), (vs("B"), Value::Int(3))]),
        ),
        is(
            "FILTER",
            with_lambda("FILTER", vec![ints(&[-1, 2, 0, 3])], &["X"], positive),
            vints(&[2, 3]),
        ),
        is(
            "FILTER",
            with_lambda(
                "FILTER",
                vec![string_map(&[("a", 1), ("b", 2)])],
                &["K", "V"],
                value_even,
            ),
            vmap(vec![(vs("b"), Value::Int(2))]),
        ),
        is(
            "REDUCE",
            with_lambda("REDUCE", vec![ints(&[1, 2, 3]), lit(10)], &["S", "X"], sum),
            16,
        ),
        is(
            "REDUCE",
            with_lambda(
                "REDUCE",
                vec![typed_null(array_of(DataType::Int)), lit(10)],
                &["S", "X"],
                sum,
            ),
            10,
        ),
        is(
            "REDUCE",
            with_lambda(
                "REDUCE",
                vec![string_map(&[("a", 1), ("b", 2)]), lit(0)],
                &["S", "K", "V"],
                add_value,
            ),
            3,
        ),
    ]
}

fn json() -> Vec<Case> {
    let doc = r#"{"name": "cdc", "version": "1", "@type": "UDF", "log": {"cloud": "gcp", "n": 1.23450, "list": [1, {"b": true}]}}"#;
    vec![
        is("EXTRACTJSONFIELD", vec![s(doc), s("$.name")], vs("cdc")),
        is("EXTRACTJSONFIELD", vec![s(doc), s("$.@type")], vs("UDF")),
        is(
            "EXTRACTJSONFIELD",
            vec![s(doc), s("$.log.cloud")],
            vs("gcp"),
        ),
        is(
            "EXTRACTJSONFIELD",
            vec![s(doc), s("$.log.n")],
            vs("1.23450"),
        ),
        is(
            "EXTRACTJSONFIELD",
            vec![s(doc), s("$.log.list[1].b")],
            vs("true"),
        ),
        is(
            "EXTRACTJSONFIELD",
            vec![s(doc), s("$.log.list[1]")],
            vs(r#"{"b":true}"#),
        ),
        is("EXTRACTJSONFIELD", vec![s(doc), s("$.log.list[-1]")], nul()),
        is(
            "EXTRACTJSONFIELD",
            vec![s(doc), s("$.missing.deeper")],
            nul(),
        ),
        is(
            "EXTRACTJSONFIELD",
            vec![s(r#"{"a": 1}}"#), s("$.a")],
            vs("1"),
        ),
        fails(
            "EXTRACTJSONFIELD",
            vec![s("{not json"), s("$.a")],
            "Invalid JSON",
        ),
        is("IS_JSON_STRING", vec![s(r#"{"a": 1}"#)], true),
        is("IS_JSON_STRING", vec![s("abc")], false),
        is("IS_JSON_STRING", vec![s("")], false),
        is("IS_JSON_STRING", vec![typed_null(DataType::String)], false),
        is("JSON_ARRAY_LENGTH", vec![s("[1, [2], 3]")], 3),
        is("JSON_ARRAY_LENGTH", vec![s(r#"{"a": 1}"#)], nul()),
        is("JSON_ARRAY_CONTAINS", vec![s("[1, 2, 3]"), lit(3)], true),
        is("JSON_ARRAY_CONTAINS", vec![s("[1, 2, 3]"), lit(3.0)], false),
        is(
            "JSON_ARRAY_CONTAINS",
            vec![s(r#"["a", null]"#), s("a")],
            true,
        ),
        is("JSON_ARRAY_CONTAINS", vec![s("[true]"), lit(false)], false),
        is("JSON_ARRAY_CONTAINS", vec![s("not json"), lit(1)], false),
        is(
            "JSON_KEYS",
            vec![s(r#"{"a": 1, "b": {"c": 2}}"#)],
            vstrings(&["a", "b"]),
        ),
        is("JSON_KEYS", vec![s("[1]")], nul()),
        is(
            "JSON_RECORDS",
            vec![s(r#"{"a": "x", "b": {"c": 2}}"#)],
            vmap(vec![(vs("a"), vs("x")), (vs("b"), vs(r#"{"c":2}"#))]),
        ),
        is(
            "JSON_ITEMS",
            vec![s(r#"[{"a": 1}, "s", 2]"#)],
            vstrings(&[r#"{"a":1}"#, r#""s""#, "2"]),
        ),
        is(
            "JSON_CONCAT",
            vec![s(r#"{"a": 1}"#), s(r#"{"b": 2, "a": 3}"#)],
            vs(r#"{"a":3,"b":2}"#),
        ),
        is("JSON_CONCAT", vec![s("[1, 2]"), s("3")], vs("[1,2,3]")),
        is(
            "JSON_CONCAT",
            vec![s("[1]"), typed_null(DataType::String)],
            nul(),
        ),
        is("TO_JSON_STRING", vec![lit(1.0)], vs("1.0")),
        is("TO_JSON_STRING", vec![s("a\"b")], vs(r#""a\"b""#)),
        is(
            "TO_JSON_STRING",
            vec![typed_null(DataType::Int)],
            vs("null"),
        ),
        is(
            "TO_JSON_STRING",
            vec![ts(1)],
            vs(r#""1970-01-01T00:00:00.001""#),
        ),
        is(
            "TO_JSON_STRING",
            vec![
                typing::structure(vec![("A".into(), lit(1)), ("B".into(), ints(&[1, 2]))])
                    .expect("struct"),
            ],
            vs(r#"{"A":1,"B":[1,2]}"#),
        ),
        is(
            "TO_JSON_STRING",
            vec![string_map(&[("k", 1)])],
            vs(r#"{"k":1}"#),
        ),
    ]
}

fn all_cases() -> Vec<(&'static str, Vec<Case>)> {
    vec![
        ("math", math()),
        ("geo", geo()),
        ("strings", strings_family()),
        ("regexps", regexps()),
        ("encodings", encodings()),
        ("datetimes", datetimes()),
        ("nulls", null_handling()),
        ("collections", collections()),
        ("lambdas", lambdas()),
        ("json", json()),
    ]
}

fn run_family(family: &str) {
    let cases = all_cases()
        .into_iter()
        .find(|(f, _)| *f == family)
        .map(|(_, c)| c)
        .expect("family");
    let mut failures = Vec::new();
    for case in cases {
        let shown: Vec<String> = case.args.iter().map(ToString::to_string).collect();
        let label = format!("{}({})", case.name, shown.join(", "));
        let typed = call(case.name, case.args);
        match (&case.expect, typed) {
            (Expect::Rejected(msg), Err(e)) => {
                if !e.to_string().contains(msg) {
                    failures.push(format!("{label}: rejected with {e}, expected {msg:?}"));
                }
            }
            (Expect::Rejected(_), Ok(e)) => {
                failures.push(format!("{label}: typed as {}", e.data_type()))
            }
            (_, Err(e)) => failures.push(format!("{label}: type error {e}")),
            (expect, Ok(expr)) => {
                let declared = expr.data_type();
                let result = run(&expr);
                let ok = match (expect, &result) {
                    (Expect::Is(v), Ok(got)) => same(got, v),
                    (Expect::Near(x), Ok(got)) => {
                        got.as_f64().is_some_and(|g| (g - x).abs() < 1e-9)
                    }
                    (Expect::Check(f), Ok(got)) => f(got),
                    (Expect::Fails(msg), Err(e)) => e.to_string().contains(msg),
                    _ => false,
                };
                if !ok {
                    failures.push(format!("{label} -> {result:?} (declared {declared})"));
                }
                if let Ok(v) = &result {
                    if let (Value::Decimal(d), rivulet_core::DataType::Decimal { scale, .. }) =
                        (v, &declared)
                    {
                        if d.scale != *scale {
                            failures.push(format!(
                                "{label}: scale {} but declared {declared}",
                                d.scale
                            ));
                        }
                    }
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn math_functions() {
    run_family("math");
}

#[test]
fn geo_distance() {
    run_family("geo");
}

#[test]
fn string_functions() {
    run_family("strings");
}

#[test]
fn regexp_functions() {
    run_family("regexps");
}

#[test]
fn encoding_functions() {
    run_family("encodings");
}

#[test]
fn datetime_functions() {
    run_family("datetimes");
}

#[test]
fn null_functions() {
    run_family("nulls");
}

#[test]
fn collection_functions() {
    run_family("collections");
}

#[test]
fn lambda_functions() {
    run_family("lambdas");
}

#[test]
fn json_functions() {
    run_family("json");
}

#[test]
fn every_registered_function_has_cases_and_docs() {
    let tested: BTreeSet<&str> = all_cases()
        .iter()
        .flat_map(|(_, cases)| cases.iter().map(|c| c.name))
        .collect();
    let mut missing = Vec::new();
    for f in registry().list() {
        assert!(!f.description.is_empty(), "{} has no description", f.name);
        assert!(!f.signatures.is_empty(), "{} has no signature", f.name);
        if !tested.contains(f.name) {
            missing.push(f.name);
        }
    }
    assert!(
        missing.is_empty(),
        "functions without a test case: {missing:?}"
    );
    assert!(
        registry().list().len() >= 100,
        "{}",
        registry().list().len()
    );
}

#[test]
fn lookup_is_case_insensitive_and_lists_signatures() {
    let f = registry().get("geo_distance").expect("found");
    assert_eq!(f.name, "GEO_DISTANCE");
    let sigs: Vec<String> = f.signatures.iter().map(ToString::to_string).collect();
    assert_eq!(
        sigs,
        [
            "(DOUBLE, DOUBLE, DOUBLE, DOUBLE) -> DOUBLE",
            "(DOUBLE, DOUBLE, DOUBLE, DOUBLE, STRING) -> DOUBLE"
        ]
    );
    let err = call("NO_SUCH_FN", vec![]).expect_err("unknown");
    assert_eq!(
        err.to_string(),
        "Can't find any functions with the name 'NO_SUCH_FN'"
    );
}
