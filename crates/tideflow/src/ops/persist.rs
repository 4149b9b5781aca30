//! Keeping items across ticks: `persist::<'static>()` and the `defer_tick()` buffer.
//!
//! [`Persist`] stores every item forever and re-emits the whole history every tick (the
//! established `'static` replay): new items pass straight through when pushed, and
//! [`Persist::replay`] emits, once per tick, the items stored in earlier ticks.
//!
//! [`advance_deferred`] moves a `defer_tick()` edge's items into the next tick. Both sides keep
//! their allocations, so a steady state allocates nothing.

use crate::ops::Ty;

/// `persist::<'static>()`: stores every item and replays the whole history every tick.
#[derive(Debug, Clone)]
pub struct Persist<T: Clone> {
    items: Vec<T>,
    /// How many of `items` were stored in earlier ticks.
    old: usize,
    /// The replay of earlier ticks' items is due this tick.
    replay_armed: bool,
}

impl<T: Clone> Persist<T> {
    /// An empty history.
    pub fn new(input: Ty<T>) -> Self {
        let _ = input;
        Self {
            items: Vec::new(),
            old: 0,
            replay_armed: false,
        }
    }

    /// Stores a clone of `item` and emits the item.
    #[inline]
    pub fn push(&mut self, item: T, mut emit: impl FnMut(T)) {
        self.items.push(item.clone());
        emit(item);
    }

    /// Emits, in arrival order, every item stored in earlier ticks; once per tick (later calls
    /// in the same tick do nothing).
    pub fn replay(&mut self, emit: impl FnMut(T)) {
        if std::mem::take(&mut self.replay_armed) {
            self.items.iter().take(self.old).cloned().for_each(emit);
        }
    }

    /// Whether a replay is due this tick and would emit something.
    pub fn needs_run(&self) -> bool {
        self.replay_armed && self.old > 0
    }

    /// End of tick: everything stored so far is history, due for replay next tick.
    pub fn end_tick(&mut self) {
        self.old = self.items.len();
        self.replay_armed = true;
    }
}

/// End of tick for a `defer_tick()` edge: the items pushed this tick (`next`) become the next
/// tick's input (`current`). Returns whether any items moved, i.e. whether a non-lazy
/// `defer_tick()` needs another tick. Items of `current` not drained (there should be none) are
/// dropped; both allocations are kept, so a steady state allocates nothing.
#[inline]
pub fn advance_deferred<T>(current: &mut Vec<T>, next: &mut Vec<T>) -> bool {
    current.clear();
    std::mem::swap(current, next);
    !current.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn persist_tick(p: &mut Persist<char>, items: &[char], replay_first: bool) -> Vec<char> {
        let mut out = Vec::new();
        if replay_first {
            p.replay(|x| out.push(x));
        }
        for &item in items {
            p.push(item, |x| out.push(x));
        }
        p.replay(|x| out.push(x));
        p.replay(|x| out.push(x));
        p.end_tick();
        out
    }

    #[test]
    fn persist_replays_history_in_order() {
        let mut p = Persist::new(Ty::new());
        assert!(!p.needs_run());
        assert_eq!(persist_tick(&mut p, &['a', 'b'], true), ['a', 'b']);
        assert!(p.needs_run());
        assert_eq!(persist_tick(&mut p, &['c'], true), ['a', 'b', 'c']);
        assert_eq!(persist_tick(&mut p, &[], true), ['a', 'b', 'c']);
        // Replay after this tick's pushes: history only, no duplicates.
        assert_eq!(persist_tick(&mut p, &['d'], false), ['d', 'a', 'b', 'c']);
        assert_eq!(persist_tick(&mut p, &[], false), ['a', 'b', 'c', 'd']);
    }

    #[test]
    fn persist_empty_history_needs_no_run() {
        let mut p = Persist::<char>::new(Ty::new());
        assert!(persist_tick(&mut p, &[], true).is_empty());
        assert!(!p.needs_run());
    }

    #[test]
    fn advance_deferred_moves_items_one_tick() {
        let (mut current, mut next) = (Vec::new(), vec![1, 2]);
        assert!(advance_deferred(&mut current, &mut next));
        assert_eq!(
            (current.as_slice(), next.as_slice()),
            (&[1, 2][..], &[][..])
        );
        current.clear();
        assert!(!advance_deferred(&mut current, &mut next));
        assert!(current.is_empty());
    }

    #[test]
    fn advance_deferred_drops_undrained_items() {
        let (mut current, mut next) = (vec!['x'], vec!['y']);
        advance_deferred(&mut current, &mut next);
        assert_eq!(current, ['y']);
    }
}
