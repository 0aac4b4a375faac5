//! The maps and sets a sync batch keeps, keyed by the texts and ids of a
//! practice system's export. A large import looks each of them up hundreds
//! of thousands of times, and with the standard library's SipHash the
//! hashing alone was an eighth of counting's time. foldhash is several
//! times quicker on short keys and still seeds every map at random, so a
//! file cannot be written to collide in a map it does not know the seed of.

use std::collections::{HashMap, HashSet};

/// How a batch's maps hash their keys.
pub(crate) type Hashing = foldhash::fast::RandomState;

/// A map of a sync batch; `SyncMap::default()` makes one.
pub(crate) type SyncMap<K, V> = HashMap<K, V, Hashing>;

/// A set of a sync batch; `SyncSet::default()` makes one.
pub(crate) type SyncSet<K> = HashSet<K, Hashing>;
