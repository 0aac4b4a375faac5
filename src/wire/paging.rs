//! Where a page of a long list is: lists of a group of clinics hold tens of
//! thousands of rows, so the server sends one page and these figures.

use serde::{Deserialize, Serialize};

/// Rows per page of a staff list.
pub const PER_PAGE: u32 = 50;

/// A page's place among the rows that match.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paging {
    /// The page shown, from 1.
    pub page: u32,
    /// Rows per page.
    pub per_page: u32,
    /// Rows that match, on every page.
    pub matching: u64,
}

impl Paging {
    /// The page asked for, or the last there is when asked past the end.
    pub fn new(asked: u32, per_page: u32, matching: u64) -> Paging {
        let page = asked.clamp(1, pages_for(matching, per_page));
        Paging { page, per_page, matching }
    }

    /// How many pages the matching rows fill (at least one).
    pub fn pages(&self) -> u32 {
        pages_for(self.matching, self.per_page)
    }

    /// Rows to skip before this page.
    pub fn offset(&self) -> u64 {
        u64::from(self.page - 1) * u64::from(self.per_page)
    }

    /// The place of this page's first and last row among the matching ones,
    /// from 1, for a page of `shown` rows; `None` on an empty page.
    pub fn shown_range(&self, shown: usize) -> Option<(u64, u64)> {
        let first = self.offset() + 1;
        (shown > 0).then(|| (first, first + shown as u64 - 1))
    }
}

/// Pages needed for `matching` rows at `per_page` a page; at least one, so
/// an empty search still has a page to show its message on.
pub fn pages_for(matching: u64, per_page: u32) -> u32 {
    let per_page = u64::from(per_page.max(1));
    u32::try_from(matching.div_ceil(per_page).max(1)).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_past_the_end_is_the_last_and_an_empty_list_has_one() {
        assert_eq!(Paging::new(9, 50, 190).page, 4);
        assert_eq!(Paging::new(0, 50, 190).page, 1);
        assert_eq!(Paging::new(3, 50, 0).page, 1);
        assert_eq!(Paging::new(1, 50, 0).pages(), 1);
        assert_eq!(Paging::new(2, 50, 100).pages(), 2);
        assert_eq!(Paging::new(2, 50, 101).pages(), 3);
    }

    #[test]
    fn the_range_shown_counts_from_one() {
        let paging = Paging::new(4, 50, 190);
        assert_eq!(paging.offset(), 150);
        assert_eq!(paging.shown_range(40), Some((151, 190)));
        assert_eq!(paging.shown_range(0), None);
    }
}
