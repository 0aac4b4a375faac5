//! The lines of a draft: quantity, unit, live badge, price and explanation.

use leptos::prelude::*;

use super::state::{DeskState, LineState};
use crate::api::desk::PatientBrief;
use crate::domain::{BadgeState, Currency, LineCoverage, Tracker, UnitChoice, left_text, plural};
use crate::ui::badges::BenefitBadge;

/// Which columns a page shows.
#[derive(Clone, Debug, PartialEq)]
pub struct LineColumns {
    /// Pets to pick from (an invoice for several pets); empty hides the column.
    pub patients: Vec<PatientBrief>,
    /// Show the manual discount column (invoices).
    pub discount: bool,
}

/// The editable lines of a draft.
#[component]
pub fn LineTable(state: DeskState, currency: Currency, columns: LineColumns) -> impl IntoView {
    let columns = StoredValue::new(columns);
    let currency = StoredValue::new(currency);
    view! {
        <table class="table lines" data-test="lines">
            <thead>
                <tr>
                    <th>"Item"</th>
                    {columns.with_value(|c| !c.patients.is_empty()).then(|| view! { <th>"Pet"</th> })}
                    <th class="qty-col">"Quantity"</th>
                    {columns.with_value(|c| c.discount).then(|| view! { <th class="disc-col">"Disc. %"</th> })}
                    <th>"Plan"</th>
                    <th class="right">"Price"</th>
                    // The cell keeps its place in the header row; only its word is hidden.
                    <th><span class="sr-only">"Remove"</span></th>
                </tr>
            </thead>
            <For each=move || state.lines.get() key=|line| line.key let:line>
                <LineRow state line columns=columns.get_value() currency=currency.get_value()/>
            </For>
        </table>
        <Show when=move || state.lines.with(Vec::is_empty)>
            <p class="empty">"No lines yet. Search the catalog above to add a service or product."</p>
        </Show>
    }
}

#[component]
fn LineRow(state: DeskState, line: LineState, columns: LineColumns, currency: Currency) -> impl IntoView {
    let key = line.key;
    // A keystroke counts the whole draft again, but through these memos only
    // the rows whose outcome or badge changed touch the page.
    let outcome = Memo::new(move |_| {
        let index = state.lines.with(|lines| lines.iter().position(|l| l.key == key));
        state.computed.with(|c| index.and_then(|i| c.lines.get(i).cloned()))
    });
    let units = line.item.units.clone();
    let has_subunit = units.subunit.is_some();
    let unit_names = (plural(&units.unit, 2), units.subunit.as_ref().map(|s| plural(&s.name, 2)).unwrap_or_default());
    let LineState { item, patient_id, quantity, unit, discount, .. } = line;
    let code = item.code.clone();
    let patients = columns.patients.clone();
    let badge_units = units.clone();
    let badge = Memo::new(move |_| {
        outcome.with(|outcome| state.tracker.with(|tracker| line_badge(outcome.as_ref(), tracker, &badge_units)))
    });
    let price_currency = currency.clone();
    let price = move || outcome.get().and_then(Result::ok).map(|c| (c.gross, c.net, c.discount));
    let note = move || match outcome.get() {
        Some(Ok(c)) => (c.explanation.clone(), false),
        Some(Err(message)) => (message, true),
        None => (String::new(), false),
    };
    view! {
        <tbody class="line" data-test="line" data-code=code.clone()>
            <tr>
                <td class="item-cell">
                    <span class="item-name">{item.name.clone()}</span>
                    <span class="muted small">{format!(" {code} · {} per {}", item.regular_price.format(&currency), units.unit)}</span>
                </td>
                {(!patients.is_empty()).then(|| view! {
                    <td>
                        <select
                            class="pet-select"
                            aria-label="Pet"
                            data-test="line-pet"
                            on:change=move |ev| {
                                if let Ok(id) = event_target_value(&ev).parse() { patient_id.set(id) }
                            }
                        >
                            {patients.iter().map(|p| {
                                let id = p.id;
                                view! { <option value=id.to_string() selected=move || patient_id.get() == id>{p.name.clone()}</option> }
                            }).collect_view()}
                        </select>
                    </td>
                })}
                <td class="qty-cell">
                    <input
                        class="qty"
                        type="text"
                        inputmode="decimal"
                        aria-label="Quantity"
                        data-test="line-qty"
                        prop:value=move || quantity.get()
                        on:input=move |ev| quantity.set(event_target_value(&ev))
                    />
                    {if has_subunit {
                        let (unit_label, sub_label) = unit_names.clone();
                        view! {
                            <select
                                class="unit-select"
                                aria-label="Unit"
                                data-test="line-unit"
                                on:change=move |ev| unit.set(if event_target_value(&ev) == "subunit" { UnitChoice::Subunit } else { UnitChoice::Unit })
                            >
                                <option value="unit" selected=move || unit.get() == UnitChoice::Unit>{unit_label}</option>
                                <option value="subunit" selected=move || unit.get() == UnitChoice::Subunit>{sub_label}</option>
                            </select>
                        }.into_any()
                    } else {
                        view! { <span class="unit-label">{unit_names.0.clone()}</span> }.into_any()
                    }}
                </td>
                {columns.discount.then(|| view! {
                    <td class="disc-cell">
                        <input
                            class="disc"
                            type="text"
                            inputmode="decimal"
                            aria-label="Line discount percent"
                            data-test="line-discount"
                            placeholder="–"
                            prop:value=move || discount.get()
                            on:input=move |ev| discount.set(event_target_value(&ev))
                        />
                    </td>
                })}
                <td class="badge-cell" data-test="line-badge">{move || badge_view(badge.get())}</td>
                <td class="right price-cell" data-test="line-price">
                    {move || price().map(|(gross, net, off)| {
                        let show_gross = off.0 != rust_decimal::Decimal::ZERO;
                        view! {
                            {show_gross.then(|| view! { <s class="muted small">{gross.format(&price_currency)}</s><br/> })}
                            <strong>{net.format(&price_currency)}</strong>
                        }
                    })}
                </td>
                <td class="right">
                    <button class="icon-button" title="Remove line" aria-label="Remove line" data-test="line-remove"
                        on:click=move |_| state.remove(key)>"×"</button>
                </td>
            </tr>
            <tr class="note-row">
                <td colspan="7" class=move || if note().1 { "line-note error-text" } else { "line-note" } data-test="line-note">
                    {move || note().0}
                </td>
            </tr>
        </tbody>
    }
}

/// What a line's badge shows.
#[derive(Clone, Debug, PartialEq)]
enum LineBadge {
    /// Nothing yet: the line has no outcome, or a problem.
    Nothing,
    /// No plan covers the item.
    RegularPrice,
    /// The first benefit it asked of, as it stands after the whole draft.
    Plan { state: BadgeState, text: String, plan_name: String },
}

/// The line's badge: the first benefit it asked of, as it stands after the
/// whole draft; or "Regular price" when no plan covers the item.
fn line_badge(
    outcome: Option<&Result<LineCoverage, String>>,
    tracker: &Tracker,
    units: &crate::domain::UnitSpec,
) -> LineBadge {
    let Some(Ok(line)) = outcome else { return LineBadge::Nothing };
    let row = line
        .asked
        .first()
        .and_then(|(sub, benefit)| tracker.rows.iter().find(|r| r.subscription_id == *sub && r.benefit_id == *benefit));
    match row {
        Some(row) => LineBadge::Plan {
            state: row.badge,
            text: left_text(row.limit, row.remaining_after, units),
            plan_name: row.plan_name.clone(),
        },
        None => LineBadge::RegularPrice,
    }
}

fn badge_view(badge: LineBadge) -> AnyView {
    match badge {
        LineBadge::Nothing => ().into_any(),
        LineBadge::RegularPrice => view! { <span class="muted small">"Regular price"</span> }.into_any(),
        LineBadge::Plan { state, text, plan_name } => {
            let title = plan_name.clone();
            view! {
                <span class="line-plan" title=title>
                    <BenefitBadge state=state text=text/>
                    <span class="muted small plan-name">{plan_name}</span>
                </span>
            }
            .into_any()
        }
    }
}

/// The promotions running on the draft's date, in one line.
#[component]
pub fn PromotionsNote(promotions: Vec<crate::domain::Promotion>) -> impl IntoView {
    (!promotions.is_empty()).then(|| {
        let words =
            promotions.iter().map(|p| format!("{} ({} off)", p.label, p.percent)).collect::<Vec<_>>().join(" · ");
        view! { <p class="muted small promotions-note" data-test="promotions">{format!("Running now: {words}")}</p> }
    })
}
