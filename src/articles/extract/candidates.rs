//! The candidates the readers produce and the scorer weighs.

use std::ops::Range;

use super::text::YearTo;
use super::PermissionKind;

#[derive(Debug, Clone)]
pub(super) struct CopyrightSpans {
    pub(super) line: Range<usize>,
    pub(super) holders: Vec<Range<usize>>,
    pub(super) years: Option<(Range<usize>, YearTo)>,
    /// The line carries a reservation or a prohibition.
    pub(super) reserved: bool,
    pub(super) score: f64,
}

#[derive(Debug, Clone)]
pub(super) struct Permission {
    pub(super) kind: PermissionKind,
    /// The words that decided the kind.
    pub(super) phrase: Range<usize>,
    pub(super) statement: Option<Range<usize>>,
    pub(super) publisher: Option<Range<usize>>,
    /// "Distributed by X": the original publisher is the copyright holder.
    pub(super) publisher_is_holder: bool,
    pub(super) license: Option<(String, Range<usize>)>,
    pub(super) confidence: f64,
}
