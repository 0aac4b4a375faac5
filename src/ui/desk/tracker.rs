//! The benefits tracker under a draft or invoice.

use leptos::prelude::*;

use crate::api::patients::PlanCard;
use crate::domain::{Currency, Tracker, TrackerRow, UnitSpec, left_text};
use crate::ui::badges::BenefitBadge;

/// Per benefit: plan, ordered, covered, what is left, savings; then totals.
#[component]
pub fn TrackerTable(#[prop(into)] tracker: Signal<Tracker>, currency: Currency, plans: Vec<PlanCard>) -> impl IntoView {
    let plans = StoredValue::new(plans);
    let units_of = move |subscription_id: i64, benefit_id: i64| -> UnitSpec {
        plans.with_value(|plans| {
            plans
                .iter()
                .filter(|p| p.subscription.id == subscription_id)
                .flat_map(|p| p.benefits.iter())
                .find(|b| b.benefit_id == benefit_id)
                .map(|b| b.units.clone())
                .unwrap_or_else(|| UnitSpec::single("unit"))
        })
    };
    let currency = StoredValue::new(currency);
    view! {
        <section class="panel tracker" data-test="tracker">
            <h3 class="panel-title">"Benefits tracker"</h3>
            <Show
                when=move || !tracker.with(|t| t.rows.is_empty())
                fallback=|| view! { <p class="empty">"No plan benefit is used on this draft."</p> }
            >
                <table class="table">
                    <thead>
                        <tr>
                            <th>"Benefit"</th><th>"Plan"</th><th class="right">"Ordered"</th>
                            <th class="right">"Covered"</th><th class="right">"Left after"</th><th class="right">"Saved"</th>
                        </tr>
                    </thead>
                    <tbody>
                        // Keyed by the whole row: a keystroke redraws only the
                        // rows whose figures it changed, not the whole table.
                        <For each=move || tracker.with(|t| t.rows.clone()) key=TrackerRow::clone let:row>
                            {
                                let units = units_of(row.subscription_id, row.benefit_id);
                                let text = left_text(row.limit, row.remaining_after, &units);
                                view! {
                                    <tr data-test="tracker-row">
                                        <td class="benefit-label">{row.benefit_label.clone()}</td>
                                        <td class="muted">{row.plan_name.clone()}</td>
                                        <td class="right">{row.ordered.0}</td>
                                        <td class="right">{row.covered.0}</td>
                                        <td class="right"><BenefitBadge state=row.badge text=text/></td>
                                        <td class="right">{currency.with_value(|c| row.savings.format(c))}</td>
                                    </tr>
                                }
                            }
                        </For>
                    </tbody>
                </table>
            </Show>
            <dl class="totals">
                <div><dt>"Saved through plans"</dt><dd data-test="plan-savings">{move || tracker.with(|t| currency.with_value(|c| t.plan_savings.format(c)))}</dd></div>
                <div><dt>"Other discounts"</dt><dd>{move || tracker.with(|t| currency.with_value(|c| t.other_discounts.format(c)))}</dd></div>
                <div class="grand"><dt>"Total discount"</dt><dd data-test="total-discount">{move || tracker.with(|t| currency.with_value(|c| t.total_discount.format(c)))}</dd></div>
            </dl>
        </section>
    }
}
