//! Sessions a referral or an insurer did not authorise. A session pack may
//! stand for N sessions between two dates; a draft that asks for a session
//! of what it covers past its end date, before its start, or beyond N is
//! refused in words, unless a manager overrides it with a note; then the
//! authorisation covers them anyway, counted beyond it. The desk shows the
//! same words live, before anyone presses Finalize.

use chrono::NaiveDate;

use super::benefit::{GroupId, ItemId, Limit};
use super::coverage_types::LineCoverage;
use super::pack_view::pack_covers;
use super::packs::{Authorisation, PackBalance};
use super::quantity::Quantity;
use super::subscription::{CoverageSubscription, PatientId, SubscriptionStatus};

/// Days after an authorisation ends during which what it covered is still
/// checked: a referral that ended last week should stop a session being
/// charged as if nobody had authorised it; one that ended two years ago is
/// history.
pub const WATCH_DAYS: i64 = 60;

/// A pack that stands for an authorisation, as the check needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthorisedPack {
    /// The subscription, with its balance before the draft.
    pub subscription: CoverageSubscription,
    /// Its counting state before the draft.
    pub balance: PackBalance,
    /// Who authorised it.
    pub authorisation: Authorisation,
    /// What one unit is called ("session").
    pub unit: String,
}

/// One line of a draft as the check reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AskedLine {
    /// The pet.
    pub patient: PatientId,
    /// The item.
    pub item: ItemId,
    /// Its group.
    pub group: Option<GroupId>,
}

/// Why each line of a draft may not be finalized without a manager's
/// override: "Line 2: Physio 6-session pack (authorised by …) ended on …".
/// `lines` are the draft's lines in order, each with its coverage (none for
/// a line that does not parse yet).
pub fn beyond_authorisation(
    packs: &[AuthorisedPack],
    lines: &[(AskedLine, Option<&LineCoverage>)],
    on: NaiveDate,
) -> Vec<String> {
    let mut refusals = Vec::new();
    for (index, (line, covered)) in lines.iter().enumerate() {
        let Some(covered) = covered.filter(|c| c.excess.0 > 0) else { continue };
        let watched = packs.iter().filter(|p| {
            p.subscription.status != SubscriptionStatus::Cancelled
                && p.subscription.applies_to(line.patient)
                && pack_covers(&p.subscription, line.item, line.group)
                && p.balance.ends_on.is_none_or(|end| (on - end).num_days() <= WATCH_DAYS)
        });
        // The authorisation that runs longest speaks for the others.
        let Some(pack) = watched.max_by_key(|p| (p.balance.ends_on.is_none(), p.balance.ends_on, p.subscription.id))
        else {
            continue;
        };
        let drawn: i64 = lines
            .iter()
            .filter_map(|(_, c)| *c)
            .flat_map(|c| &c.allocations)
            .filter(|a| a.subscription_id == pack.subscription.id)
            .map(|a| a.quantity.0)
            .sum();
        let now = PackBalance { used: Quantity(pack.balance.used.0 + drawn), ..pack.balance.clone() };
        if let Err(refusal) = now.check_use(on, covered.excess, Quantity(0)) {
            let words = refusal.words(&pack.subscription.plan_name, &pack.unit, Some(&pack.authorisation));
            refusals.push(format!("Line {}: {words}", index + 1));
        }
    }
    refusals
}

/// What a manager's override lets a draft do: each authorised pack that
/// the check watches on `on` may be drawn that day as if it were in date
/// and had room, so the sessions go on the authorisation (and show as used
/// beyond it) instead of being charged as if nobody had authorised them.
pub fn stretch_for_override(subscriptions: &mut [CoverageSubscription], packs: &[AuthorisedPack], on: NaiveDate) {
    for sub in subscriptions.iter_mut() {
        let watched = packs.iter().any(|p| {
            p.subscription.id == sub.id && p.balance.ends_on.is_none_or(|end| (on - end).num_days() <= WATCH_DAYS)
        });
        if !watched || sub.status == SubscriptionStatus::Cancelled {
            continue;
        }
        sub.starts_on = sub.starts_on.min(on);
        sub.ends_on = sub.ends_on.map(|end| end.max(on));
        if sub.status == SubscriptionStatus::Expired {
            sub.status = SubscriptionStatus::Active;
        }
        for benefit in sub.benefits.iter_mut().filter(|b| matches!(b.limit, Limit::Counted(_))) {
            benefit.limit = Limit::Unlimited;
        }
    }
}
