//! Small graph algorithms over adjacency lists (`adjacency[v]` = successors of `v`).

/// Strongly connected components (Tarjan), each listed in discovery order; the list of
/// components is in reverse topological order (a component comes after every component it
/// reaches). Iterative, so deep graphs do not overflow the stack.
pub fn strongly_connected_components(adjacency: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let count = adjacency.len();
    let mut index = vec![usize::MAX; count];
    let mut low = vec![0; count];
    let mut on_stack = vec![false; count];
    let mut stack = Vec::new();
    let mut components = Vec::new();
    let mut next_index = 0;
    for start in 0..count {
        if index[start] != usize::MAX {
            continue;
        }
        let mut call_stack = vec![(start, 0usize)];
        index[start] = next_index;
        low[start] = next_index;
        next_index += 1;
        stack.push(start);
        on_stack[start] = true;
        while let Some(&mut (vertex, ref mut child)) = call_stack.last_mut() {
            if let Some(&next) = adjacency[vertex].get(*child) {
                *child += 1;
                if index[next] == usize::MAX {
                    index[next] = next_index;
                    low[next] = next_index;
                    next_index += 1;
                    stack.push(next);
                    on_stack[next] = true;
                    call_stack.push((next, 0));
                } else if on_stack[next] {
                    low[vertex] = low[vertex].min(index[next]);
                }
                continue;
            }
            call_stack.pop();
            if let Some(&(parent, _)) = call_stack.last() {
                low[parent] = low[parent].min(low[vertex]);
            }
            if low[vertex] == index[vertex] {
                let mut component = Vec::new();
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component.push(member);
                    if member == vertex {
                        break;
                    }
                }
                component.reverse();
                components.push(component);
            }
        }
    }
    components
}

/// Whether the component `members` is a real cycle: more than one vertex, or a self-loop.
pub fn is_cycle(adjacency: &[Vec<usize>], members: &[usize]) -> bool {
    members.len() > 1 || members.iter().any(|&v| adjacency[v].contains(&v))
}

/// A topological order of an acyclic graph, preferring lower-numbered vertices first; `None` if
/// the graph has a cycle.
pub fn topological_order(adjacency: &[Vec<usize>]) -> Option<Vec<usize>> {
    let count = adjacency.len();
    let mut in_degree = vec![0usize; count];
    for successors in adjacency {
        for &next in successors {
            in_degree[next] += 1;
        }
    }
    let mut ready: std::collections::BTreeSet<usize> =
        (0..count).filter(|&v| in_degree[v] == 0).collect();
    let mut order = Vec::with_capacity(count);
    while let Some(vertex) = ready.pop_first() {
        order.push(vertex);
        for &next in &adjacency[vertex] {
            in_degree[next] -= 1;
            if in_degree[next] == 0 {
                ready.insert(next);
            }
        }
    }
    (order.len() == count).then_some(order)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_components_in_reverse_topological_order() {
        // 0 -> 1 <-> 2 -> 3
        let adjacency = vec![vec![1], vec![2], vec![1, 3], vec![]];
        assert_eq!(
            strongly_connected_components(&adjacency),
            vec![vec![3], vec![1, 2], vec![0]]
        );
        assert!(is_cycle(&adjacency, &[1, 2]));
        assert!(!is_cycle(&adjacency, &[0]));
    }

    #[test]
    fn orders_acyclic_graphs_and_rejects_cycles() {
        assert_eq!(
            topological_order(&[vec![2], vec![2], vec![]]),
            Some(vec![0, 1, 2])
        );
        assert_eq!(topological_order(&[vec![1], vec![0]]), None);
    }
}
