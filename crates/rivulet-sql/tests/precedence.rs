//! Operator precedence and associativity, checked on the tree itself: an independent renderer
//! here puts parentheses around every operator, so the expected strings spell out the structure
//! the parser must build (the canonical printer drops redundant parentheses and so cannot show
//! a mistake it shares with the parser).

use rivulet_sql::{parse_expression, Expression};

fn tree(e: &Expression) -> String {
    match e {
        Expression::Arithmetic { op, left, right } => {
            format!("({} {} {})", tree(left), op.as_str(), tree(right))
        }
        Expression::Concat { left, right } => format!("({} || {})", tree(left), tree(right)),
        Expression::Comparison { op, left, right } => {
            format!("({} {} {})", tree(left), op.as_str(), tree(right))
        }
        Expression::Logical { op, left, right } => {
            format!("({} {} {})", tree(left), op.as_str(), tree(right))
        }
        Expression::Not(x) => format!("(NOT {})", tree(x)),
        Expression::Unary { op, operand } => format!("({}{})", op.as_str(), tree(operand)),
        Expression::Between {
            operand,
            low,
            high,
            negated,
        } => format!(
            "({} {}BETWEEN {} AND {})",
            tree(operand),
            if *negated { "NOT " } else { "" },
            tree(low),
            tree(high)
        ),
        Expression::InList { operand, list, .. } => format!(
            "({} IN [{}])",
            tree(operand),
            list.iter().map(tree).collect::<Vec<_>>().join(", ")
        ),
        Expression::Like {
            operand, pattern, ..
        } => format!("({} LIKE {})", tree(operand), tree(pattern)),
        Expression::IsNull { operand, negated } => format!(
            "({} IS {}NULL)",
            tree(operand),
            if *negated { "NOT " } else { "" }
        ),
        Expression::IsDistinctFrom { left, right, .. } => {
            format!("({} DISTINCT {})", tree(left), tree(right))
        }
        Expression::Subscript { base, index } => format!("({}[{}])", tree(base), tree(index)),
        Expression::Dereference { base, field } => format!("({}->{})", tree(base), field),
        Expression::AtTimeZone { operand, zone } => format!("({} AT '{zone}')", tree(operand)),
        other => other.to_string(),
    }
}

#[track_caller]
fn check(sql: &str, expected: &str) {
    let e = parse_expression(sql).unwrap_or_else(|err| panic!("{sql}: {err}"));
    assert_eq!(tree(&e), expected, "{sql}");
}

#[test]
fn arithmetic() {
    check("a + b * c", "(A + (B * C))");
    check("a * b + c", "((A * B) + C)");
    check("a - b - c", "((A - B) - C)");
    check("a / b % c * d", "(((A / B) % C) * D)");
    check("a - (b - c)", "(A - (B - C))");
    check("(a + b) * c", "((A + B) * C)");
}

#[test]
fn concatenation_is_looser_than_addition() {
    check("a || b + c", "(A || (B + C))");
    check("a + b || c", "((A + B) || C)");
    check("a || b || c", "((A || B) || C)");
}

#[test]
fn signs() {
    check("-a * b", "((-A) * B)");
    check("-a->b", "(-(A->B))");
    check("- -a", "(-(-A))");
    check("-1", "-1");
    check("- 1 - 1", "(-1 - 1)");
    check("a - -1", "(A - -1)");
    check("-(1)", "(-1)");
    check("-1[2]", "(-1[2])");
    check("-a AT TIME ZONE 'z'", "(-(A AT 'z'))");
}

#[test]
fn predicates_bind_tighter_than_not_and_or() {
    check(
        "a = 1 OR b = 2 AND c = 3",
        "((A = 1) OR ((B = 2) AND (C = 3)))",
    );
    check("NOT a = 1 AND b", "((NOT (A = 1)) AND B)");
    check("NOT NOT a", "(NOT (NOT A))");
    check("a OR b OR c", "((A OR B) OR C)");
    check("a AND b AND c", "((A AND B) AND C)");
    check("a + 1 > b * 2", "((A + 1) > (B * 2))");
    check("a || b = 'x'", "((A || B) = 'x')");
    check("a BETWEEN 1 AND 2 AND c", "((A BETWEEN 1 AND 2) AND C)");
    check(
        "a NOT BETWEEN b - 1 AND b + 1",
        "(A NOT BETWEEN (B - 1) AND (B + 1))",
    );
    check("a IN (1, b = c) OR d", "((A IN [1, (B = C)]) OR D)");
    check("a LIKE '%' || b", "(A LIKE ('%' || B))");
    check(
        "a IS NOT NULL AND b IS NULL",
        "((A IS NOT NULL) AND (B IS NULL))",
    );
    check("a + 1 IS DISTINCT FROM b", "((A + 1) DISTINCT B)");
    check("(a = b) = c", "((A = B) = C)");
}

#[test]
fn postfix_operators() {
    check("a->b->c", "((A->B)->C)");
    check("a[1]->b[2]", "(((A[1])->B)[2])");
    check("a[b + 1]", "(A[(B + 1)])");
    check("a AT TIME ZONE 'x' AT TIME ZONE 'y'", "((A AT 'x') AT 'y')");
    check("(a AT TIME ZONE 'x')[1]", "((A AT 'x')[1])");
}

#[test]
fn canonical_text_keeps_only_needed_parentheses() {
    let cases = [
        ("a - (b - c)", "A - (B - C)"),
        ("(a - b) - c", "A - B - C"),
        ("a * (b + c)", "A * (B + C)"),
        ("(a * b) + c", "A * B + C"),
        ("-(a * b)", "-(A * B)"),
        ("(-a) * b", "-A * B"),
        ("NOT (a AND b)", "NOT (A AND B)"),
        ("(NOT a) AND b", "NOT A AND B"),
        ("a OR (b OR c)", "A OR (B OR C)"),
        ("(a = b) = c", "(A = B) = C"),
        ("(-a)[1]", "(-A)[1]"),
        ("- (-1)", "- -1"),
        ("-(1)", "-(1)"),
        ("(a || b) || c", "A || B || C"),
    ];
    for (sql, canonical) in cases {
        let e = parse_expression(sql).unwrap();
        assert_eq!(e.to_string(), canonical, "{sql}");
        assert_eq!(parse_expression(canonical).unwrap(), e, "{canonical}");
    }
}
