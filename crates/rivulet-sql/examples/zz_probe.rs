fn main() {
    let args: Vec<usize> = std::env::args().skip(1).map(|a| a.parse().unwrap()).collect();
    let (depth, kb, form) = (args[0], args[1], args[2]);
    let sql = match form {
        0 => format!("SELECT {}a{} FROM s;", "(".repeat(depth), ")".repeat(depth)),
        1 => format!("SELECT {}a FROM s;", "NOT ".repeat(depth)),
        2 => format!("SELECT {}a{} FROM s;", "f(".repeat(depth), ")".repeat(depth)),
        3 => format!("CREATE STREAM s (a {}INT{});", "ARRAY<".repeat(depth), ">".repeat(depth)),
        4 => format!("SELECT {}a FROM s;", "- ".repeat(depth)),
        5 => format!("{}SHOW STREAMS;", "EXPLAIN ".repeat(depth)),
        6 => format!("SELECT {}1{} FROM s;", "CASE WHEN a THEN ".repeat(depth), " END".repeat(depth)),
        _ => format!("SELECT {}1{} FROM s;", "MAP(".repeat(depth), " := 1)".repeat(depth)),
    };
    let r = std::thread::Builder::new()
        .stack_size(kb * 1024)
        .spawn(move || {
            let r = rivulet_sql::parse_statement(&sql);
            if let Ok(s) = &r { let _ = s.to_string(); }
            r.is_ok()
        })
        .unwrap()
        .join()
        .unwrap();
    println!("{r}");
}
