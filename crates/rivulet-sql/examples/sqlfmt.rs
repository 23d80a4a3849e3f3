//! Prints the canonical form of each statement of a script read from stdin, or the error:
//! `cargo run -p rivulet-sql --example sqlfmt < script.sql`.
use std::io::Read;

fn main() {
    let mut sql = String::new();
    if std::io::stdin().read_to_string(&mut sql).is_err() {
        eprintln!("cannot read stdin");
        std::process::exit(2);
    }
    match rivulet_sql::parse_statements(&sql) {
        Ok(statements) => {
            for s in statements {
                println!("{};", s.statement);
            }
        }
        Err(e) => {
            println!("error: {e}");
            std::process::exit(1);
        }
    }
}
