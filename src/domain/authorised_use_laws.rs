//! Property tests: what an authorisation refuses, through the real coverage
//! rules, for any size, dates, prior use and draft.

use chrono::Days;
use proptest::prelude::*;

use super::authorised_use::{AskedLine, AuthorisedPack, WATCH_DAYS, beyond_authorisation, stretch_for_override};
use super::fixtures::{benefit, day, item, line, plan, rules};
use super::*;

fn authorised(size: i64, used: i64, start: u64, length: u64) -> AuthorisedPack {
    let starts_on = day(2026, 1, 1) + Days::new(start);
    let ends_on = starts_on + Days::new(length);
    let mut subscription = plan(7, None, Some(ends_on), vec![benefit(70, 1, Some(size), 100, used)]);
    subscription.kind = PlanKind::SessionPack;
    subscription.starts_on = starts_on;
    let balance = pack_of(&subscription, Quantity(0), None).expect("a pack");
    let authorisation = Authorisation { by: Authoriser::Insurer, name: "PetCover".into(), reference: "PC-1".into() };
    AuthorisedPack { subscription, balance, authorisation, unit: "session".into() }
}

proptest! {
    /// Within the watch window a line is refused exactly when the pack did
    /// not cover all of it; long after the end nothing is refused; and the
    /// coverage never draws past the sessions authorised.
    #[test]
    fn refused_exactly_when_a_session_goes_beyond(
        size in 0i64..8, used in 0i64..10, start in 0u64..40, length in 0u64..60,
        on in 0u64..200, quantities in prop::collection::vec(1i64..4, 1..5),
    ) {
        let pack = authorised(size, used, start, length);
        let date = day(2026, 1, 1) + Days::new(on);
        let session = item(1, 70, UnitSpec::single("session"));
        let draft: Vec<DraftLine> = quantities.iter().map(|q| line(3, &session, *q)).collect();
        let coverage = cover(&CoverageRules { date, ..rules() }, std::slice::from_ref(&pack.subscription), &[], &draft);
        let asked: Vec<(AskedLine, Option<&LineCoverage>)> = coverage
            .lines
            .iter()
            .map(|c| (AskedLine { patient: 3, item: 1, group: None }, Some(c)))
            .collect();
        let refusals = beyond_authorisation(std::slice::from_ref(&pack), &asked, date);
        let short = coverage.lines.iter().filter(|c| c.excess.0 > 0).count();
        let end = pack.balance.ends_on.expect("dated");
        if (date - end).num_days() <= WATCH_DAYS {
            prop_assert_eq!(refusals.len(), short, "{:?}", refusals);
            // A manager's override puts every session on the authorisation.
            let mut stretched = vec![pack.subscription.clone()];
            stretch_for_override(&mut stretched, std::slice::from_ref(&pack), date);
            let overridden = cover(&CoverageRules { date, ..rules() }, &stretched, &[], &draft);
            prop_assert!(overridden.lines.iter().all(|c| c.excess.0 == 0));
        } else {
            prop_assert!(refusals.is_empty());
        }
        let drawn: i64 = coverage.lines.iter().map(|c| c.covered.0).sum();
        prop_assert!(drawn <= (size - used).max(0));
    }
}

#[test]
fn the_refusal_names_the_line_the_authoriser_and_the_reference() {
    let pack = authorised(2, 2, 0, 30);
    let date = day(2026, 1, 10);
    let session = item(1, 70, UnitSpec::single("session"));
    let coverage = cover(
        &CoverageRules { date, ..rules() },
        std::slice::from_ref(&pack.subscription),
        &[],
        &[line(3, &session, 1)],
    );
    let asked = [(AskedLine { patient: 3, item: 1, group: None }, coverage.lines.first())];
    assert_eq!(
        beyond_authorisation(&[pack], &asked, date),
        vec![
            "Line 1: Plan 7 (authorised by PetCover, ref. PC-1) has 0 sessions available; 1 asked. A manager may \
              override with a note."
                .to_string()
        ]
    );
}
