//! Single-node transducers over files (the `single-node` binary): the nodes of a graph
//! reachable from a start node, and word counts.
//!
//! Both read their file up front (a missing or unreadable file is an error message, not a
//! panic) and run their flow for one tick over `source_iter`: reachability is a recursive flow
//! (`join` and `unique` in a cycle) that reaches its fixpoint within that tick.

use std::path::Path;

use tideflow::Flow;

/// Reads the lines of the text file at `path`.
///
/// ```
/// use tideflow_example_services::single_node::read_lines;
///
/// let error = read_lines("no/such/file.txt".as_ref()).unwrap_err();
/// assert!(error.starts_with("cannot read `no/such/file.txt`: "), "{error}");
/// ```
pub fn read_lines(path: &Path) -> Result<Vec<String>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|error| format!("cannot read `{}`: {error}", path.display()))?;
    Ok(text.lines().map(str::to_owned).collect())
}

/// Reads an edge list: one edge `FROM TO` per line (nodes are words); blank lines and `#`
/// comments are skipped. A malformed line is an error naming the file and line.
pub fn read_edges(path: &Path) -> Result<Vec<(String, String)>, String> {
    parse_edges(&read_lines(path)?, &path.display().to_string())
}

/// Parses edge-list lines (see [`read_edges`]); `source` names them in errors.
///
/// ```
/// use tideflow_example_services::single_node::parse_edges;
///
/// let lines = ["# a cycle", "a b", "b a", "", "b c"].map(String::from);
/// assert_eq!(parse_edges(&lines, "edges").unwrap().len(), 3);
/// let error = parse_edges(&["a b c".to_string()], "edges").unwrap_err();
/// assert_eq!(error, "edges:1: expected an edge `FROM TO`, found `a b c`");
/// ```
pub fn parse_edges(lines: &[String], source: &str) -> Result<Vec<(String, String)>, String> {
    let mut edges = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        let content = line.split('#').next().unwrap_or_default().trim();
        match content.split_whitespace().collect::<Vec<_>>().as_slice() {
            [] => {}
            [from, to] => edges.push(((*from).to_owned(), (*to).to_owned())),
            _ => {
                return Err(format!(
                    "{source}:{}: expected an edge `FROM TO`, found `{content}`",
                    index + 1
                ))
            }
        }
    }
    Ok(edges)
}

/// The flow that emits, in sorted order, every node reachable from `from` over `edges`
/// (`from` included), in one tick.
///
/// ```
/// let edges = [("a", "b"), ("b", "c"), ("c", "a"), ("x", "y")]
///     .map(|(from, to)| (from.to_string(), to.to_string()));
/// let mut reached = Vec::new();
/// {
///     let mut flow = tideflow_example_services::single_node::reachability_flow(
///         edges.to_vec(),
///         "b".to_string(),
///         |node| reached.push(node),
///     );
///     flow.run_available_sync();
/// }
/// assert_eq!(reached, ["a", "b", "c"]);
/// ```
pub fn reachability_flow<'a>(
    edges: Vec<(String, String)>,
    from: String,
    emit: impl FnMut(String) + 'a,
) -> Flow<'a> {
    tideflow::flow! {
        reached = union() -> unique() -> tee();
        source_iter([from]) -> reached;
        reached -> map(|node| (node, ())) -> [0]step;
        source_iter(edges) -> [1]step;
        step = join() -> map(|(_from, ((), to))| to) -> reached;
        reached -> sort() -> for_each(emit);
    }
}

/// The words of a line: runs of letters, digits and apostrophes, lowercased (apostrophes at
/// either end are dropped).
///
/// ```
/// use tideflow_example_services::single_node::words;
///
/// assert_eq!(words("The cat's hat -- the 'best' hat!"), ["the", "cat's", "hat", "the", "best", "hat"]);
/// ```
pub fn words(line: &str) -> Vec<String> {
    line.split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .map(|word| word.trim_matches('\''))
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The flow that emits `word count` for every word of `lines`, sorted by word, in one tick.
///
/// ```
/// let lines = vec!["the cat".to_string(), "The hat".to_string()];
/// let mut counts = Vec::new();
/// {
///     let mut flow =
///         tideflow_example_services::single_node::word_count_flow(lines, |line| counts.push(line));
///     flow.run_available_sync();
/// }
/// assert_eq!(counts, ["cat 1", "hat 1", "the 2"]);
/// ```
pub fn word_count_flow<'a>(lines: Vec<String>, mut emit: impl FnMut(String) + 'a) -> Flow<'a> {
    tideflow::flow! {
        source_iter(lines)
            -> flat_map(|line: String| words(&line))
            -> map(|word| (word, 1usize))
            -> fold_keyed(|| 0usize, |count: &mut usize, one| *count += one)
            -> sort()
            -> for_each(move |(word, count)| emit(format!("{word} {count}")));
    }
}
