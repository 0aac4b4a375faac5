//! A package or session pack read off its subscription: the one counted
//! benefit is the pack, its limit the size, its ledger sum what was used.
//! Pickers, warnings and refusals all start here, in the browser and on the
//! server alike.

use chrono::NaiveDate;

use super::badge::BadgeState;
use super::benefit::{BenefitBalance, GroupId, ItemId, Limit};
use super::packs::{Authorisation, PackBalance, PackState};
use super::quantity::Quantity;
use super::subscription::{CoverageSubscription, PatientId, PlanKind};

/// The benefit a pack counts on: a package's or session pack's only
/// counted benefit. `None` for a wellness plan, or a pack whose template
/// counts more than one thing (it is then shown as a plan).
pub fn pack_benefit(sub: &CoverageSubscription) -> Option<&BenefitBalance> {
    if sub.kind == PlanKind::WellnessPlan {
        return None;
    }
    let mut counted = sub.benefits.iter().filter(|b| matches!(b.limit, Limit::Counted(_)));
    match (counted.next(), counted.next()) {
        (Some(only), None) => Some(only),
        _ => None,
    }
}

/// The pack a subscription stands for, with the units booked but not yet
/// drawn (`held`) and the authorisation it stands for, if any.
pub fn pack_of(
    sub: &CoverageSubscription,
    held: Quantity,
    authorisation: Option<Authorisation>,
) -> Option<PackBalance> {
    let benefit = pack_benefit(sub)?;
    let Limit::Counted(size) = benefit.limit else { return None };
    Some(PackBalance { size, used: benefit.used, held, starts_on: sub.starts_on, ends_on: sub.ends_on, authorisation })
}

/// Whether the desk lists this pack for a pet on a day: the subscription
/// may be drawn (paid, not on hold, in its term), it covers the pet, and
/// something is left. Expired and used-up packs are hidden.
pub fn listed_for(
    sub: &CoverageSubscription,
    pack: &PackBalance,
    patient: PatientId,
    on: NaiveDate,
    past_due_usable: bool,
) -> bool {
    sub.usable_on(on, past_due_usable) && sub.applies_to(patient) && pack.is_open(on)
}

/// Whether the pack's benefit covers an item.
pub fn pack_covers(sub: &CoverageSubscription, item: ItemId, group: Option<GroupId>) -> bool {
    pack_benefit(sub).is_some_and(|b| b.covers.matches(item, group))
}

/// The badge a pack shows on a day: green while open with more than a few
/// left, amber when few are left or it ends soon, red when used up or
/// expired, neutral before it starts.
pub fn pack_badge(pack: &PackBalance, on: NaiveDate) -> BadgeState {
    match pack.state(on) {
        PackState::Open(_) if pack.warnings(on).is_empty() => BadgeState::Available,
        PackState::Open(_) => BadgeState::LastOne,
        PackState::UsedUp | PackState::Expired => BadgeState::UsedUp,
        PackState::Upcoming => BadgeState::Unlimited,
    }
}

/// The subscription as coverage must count it while `held` of its pack's
/// units are booked on the schedule: held units count as used, so a walk-in
/// at the desk never takes a session someone else booked. A visit being
/// billed now is not in `held` (its own hold is what it draws).
pub fn reserve_held(sub: &CoverageSubscription, held: Quantity) -> CoverageSubscription {
    let mut counted = sub.clone();
    if held.0 <= 0 {
        return counted;
    }
    let Some(benefit_id) = pack_benefit(sub).map(|b| b.id) else { return counted };
    if let Some(benefit) = counted.benefits.iter_mut().find(|b| b.id == benefit_id) {
        benefit.used = Quantity(benefit.used.0 + held.0);
    }
    counted
}
