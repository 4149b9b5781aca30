//! Keeping items across ticks: `persist::<'static>()` and the `defer_tick()` buffer.
//!
//! [`Persist`] stores every item forever and re-emits the whole history every tick (the
//! established `'static` replay): new items pass straight through when pushed, and
//! [`Persist::replay`] emits, once per tick, the items stored in earlier ticks.
//!
//! [`DeferBuffer`] is the double buffer behind `defer_tick()`: items pushed in one tick come
//! out in the next. Both sides keep their allocations, so a steady state allocates nothing.

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

/// The double buffer behind `defer_tick()`: items pushed this tick are drained next tick.
#[derive(Debug, Clone)]
pub struct DeferBuffer<T> {
    current: Vec<T>,
    next: Vec<T>,
}

impl<T> Default for DeferBuffer<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> DeferBuffer<T> {
    /// Two empty sides.
    pub fn new() -> Self {
        Self {
            current: Vec::new(),
            next: Vec::new(),
        }
    }

    /// Queues `item` for the next tick.
    #[inline]
    pub fn push(&mut self, item: T) {
        self.next.push(item);
    }

    /// Takes this tick's items (pushed in the previous tick), in arrival order.
    pub fn drain_current(&mut self) -> std::vec::Drain<'_, T> {
        self.current.drain(..)
    }

    /// How many items this tick has left to drain.
    pub fn current_len(&self) -> usize {
        self.current.len()
    }

    /// Whether items wait for the next tick (a non-lazy `defer_tick` then asks for one).
    pub fn has_next(&self) -> bool {
        !self.next.is_empty()
    }

    /// End of tick: the next tick's items become current. Current items not drained (there
    /// should be none) are dropped; both allocations are kept.
    pub fn end_tick(&mut self) {
        self.current.clear();
        std::mem::swap(&mut self.current, &mut self.next);
    }
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
    fn defer_buffer_moves_items_one_tick() {
        let mut d = DeferBuffer::default();
        d.push(1);
        d.push(2);
        assert_eq!(d.current_len(), 0);
        assert!(d.has_next());
        assert_eq!(d.drain_current().collect::<Vec<_>>(), Vec::<i32>::new());
        d.end_tick();
        assert!(!d.has_next());
        assert_eq!(d.current_len(), 2);
        d.push(3);
        assert_eq!(d.drain_current().collect::<Vec<_>>(), [1, 2]);
        d.end_tick();
        assert_eq!(d.drain_current().collect::<Vec<_>>(), [3]);
        d.end_tick();
        assert_eq!(d.current_len(), 0);
        assert!(!d.has_next());
    }

    #[test]
    fn defer_buffer_drops_undrained_items() {
        let mut d = DeferBuffer::new();
        d.push('x');
        d.end_tick();
        d.push('y');
        d.end_tick();
        assert_eq!(d.drain_current().collect::<String>(), "y");
    }
}
