//! The MASK family (ksqlDB §4.3): MASK, MASK_KEEP_LEFT, MASK_KEEP_RIGHT, MASK_LEFT and
//! MASK_RIGHT, replacing upper-case letters, lower-case letters, digits and other characters
//! with one mask character per class, as ksqlDB's `Masker` does.
//!
//! This module owns masking. It must not know other string functions (see `string`).

use rivulet_core::Value;

use super::{registry::Builder, text, Invocation};
use crate::error::FunctionError;

type R = Result<Value, FunctionError>;

/// ksqlDB's `Masker`: one replacement per character class (`None` keeps the character).
struct Masker {
    upper: Option<char>,
    lower: Option<char>,
    digit: Option<char>,
    other: Option<char>,
}

impl Masker {
    /// Default masks `X`, `x`, `n`, `-`, or the four arguments from `first` on (NULL keeps).
    fn from_args(inv: &Invocation<'_, '_>, first: usize) -> Result<Masker, FunctionError> {
        if inv.len() <= first {
            return Ok(Masker {
                upper: Some('X'),
                lower: Some('x'),
                digit: Some('n'),
                other: Some('-'),
            });
        }
        let get = |i: usize| -> Result<Option<char>, FunctionError> {
            match inv.opt_str(first + i) {
                None => Ok(None),
                Some(m) => {
                    let mut chars = m.chars();
                    match (chars.next(), chars.next()) {
                        (Some(c), None) => Ok(Some(c)),
                        _ => Err(format!(
                            "Invalid mask character. Must be only single character, but was '{m}'"
                        )
                        .into()),
                    }
                }
            }
        };
        Ok(Masker {
            upper: get(0)?,
            lower: get(1)?,
            digit: get(2)?,
            other: get(3)?,
        })
    }

    fn mask_char(&self, c: char) -> char {
        let m = if c.is_uppercase() {
            self.upper
        } else if c.is_lowercase() {
            self.lower
        } else if c.is_numeric() {
            self.digit
        } else {
            self.other
        };
        m.unwrap_or(c)
    }

    fn mask(&self, s: &str) -> String {
        s.chars().map(|c| self.mask_char(c)).collect()
    }
}

/// Which part MASK_* masks.
#[derive(Clone, Copy)]
enum MaskPart {
    All,
    KeepLeft,
    KeepRight,
    Left,
    Right,
}

fn masked(inv: &Invocation<'_, '_>, part: MaskPart, name: &str) -> R {
    let (n, first_mask) = match part {
        MaskPart::All => (0, 1),
        _ => {
            let n = inv.int(1)?;
            if n < 0 {
                return Err(format!(
                    "function {name} requires a non-negative number of characters to mask or skip"
                )
                .into());
            }
            (n as usize, 2)
        }
    };
    let masker = Masker::from_args(inv, first_mask)?;
    let Some(input) = inv.opt_str(0) else {
        return Ok(Value::Null);
    };
    let chars: Vec<char> = input.chars().collect();
    let k = n.min(chars.len());
    let (head, tail): (String, String) = match part {
        MaskPart::All => (masker.mask(input), String::new()),
        MaskPart::KeepLeft => (
            chars[..k].iter().collect(),
            masker.mask(&chars[k..].iter().collect::<String>()),
        ),
        MaskPart::Left => (
            masker.mask(&chars[..k].iter().collect::<String>()),
            chars[k..].iter().collect(),
        ),
        MaskPart::KeepRight => {
            let split = chars.len() - k;
            (
                masker.mask(&chars[..split].iter().collect::<String>()),
                chars[split..].iter().collect(),
            )
        }
        MaskPart::Right => {
            let split = chars.len() - k;
            (
                chars[..split].iter().collect(),
                masker.mask(&chars[split..].iter().collect::<String>()),
            )
        }
    };
    Ok(text(head + &tail))
}

fn mask(inv: &mut Invocation<'_, '_>) -> R {
    masked(inv, MaskPart::All, "mask")
}

fn mask_keep_left(inv: &mut Invocation<'_, '_>) -> R {
    masked(inv, MaskPart::KeepLeft, "mask_keep_left")
}

fn mask_keep_right(inv: &mut Invocation<'_, '_>) -> R {
    masked(inv, MaskPart::KeepRight, "mask_keep_right")
}

fn mask_left(inv: &mut Invocation<'_, '_>) -> R {
    masked(inv, MaskPart::Left, "mask_left")
}

fn mask_right(inv: &mut Invocation<'_, '_>) -> R {
    masked(inv, MaskPart::Right, "mask_right")
}

pub(crate) fn register(b: &mut Builder) {
    b.add(
        "MASK",
        "Masks upper-case letters with 'X', lower-case with 'x', digits with 'n' and others with '-', or with the given characters (NULL keeps).",
        &["STRING -> STRING", "STRING, STRING, STRING, STRING, STRING -> STRING"],
        mask,
    )
    .custom_nulls();
    let mask_n = &[
        "STRING, INT -> STRING",
        "STRING, INT, STRING, STRING, STRING, STRING -> STRING",
    ];
    b.add(
        "MASK_KEEP_LEFT",
        "Masks all but the first n characters.",
        mask_n,
        mask_keep_left,
    )
    .custom_nulls();
    b.add(
        "MASK_KEEP_RIGHT",
        "Masks all but the last n characters.",
        mask_n,
        mask_keep_right,
    )
    .custom_nulls();
    b.add(
        "MASK_LEFT",
        "Masks the first n characters.",
        mask_n,
        mask_left,
    )
    .custom_nulls();
    b.add(
        "MASK_RIGHT",
        "Masks the last n characters.",
        mask_n,
        mask_right,
    )
    .custom_nulls();
}
