//! Over-usage: lines that asked more of a plan than it had left. The
//! server tells the clinic's chosen recipients about them.

use super::coverage::Coverage;
use super::quantity::Quantity;

impl Coverage {
    /// Lines that wanted more of a plan's benefit than was left: a plan
    /// applies, units were ordered, and some are charged at regular price.
    /// Returns (line index, units over).
    pub fn over_limit(&self) -> Vec<(usize, Quantity)> {
        self.lines
            .iter()
            .enumerate()
            .filter(|(_, l)| l.plan_applies && l.quantity.0 > 0 && l.excess.0 > 0 && !l.asked.is_empty())
            .map(|(i, l)| (i, l.excess))
            .collect()
    }
}
