//! Badges and tags: the colours a receptionist reads at a glance.

use leptos::prelude::*;

use crate::domain::{BadgeState, SubscriptionStatus};

/// "N of M left" in green, amber or red.
#[component]
pub fn BenefitBadge(#[prop(into)] state: Signal<BadgeState>, #[prop(into)] text: Signal<String>) -> impl IntoView {
    view! {
        <span class=move || format!("badge badge-{}", state.get().code()) data-state=move || state.get().code()>
            <span class="badge-dot" aria-hidden="true"></span>
            {move || text.get()}
        </span>
    }
}

/// A plan's state as a coloured pill.
#[component]
pub fn StatusPill(status: SubscriptionStatus) -> impl IntoView {
    let tone = match status {
        SubscriptionStatus::Active => "good",
        SubscriptionStatus::Pending | SubscriptionStatus::OnHold => "warn",
        SubscriptionStatus::PastDue => "bad",
        SubscriptionStatus::Expired | SubscriptionStatus::Cancelled => "muted",
    };
    view! { <span class=format!("pill pill-{tone}") data-status=status.code()>{status.label()}</span> }
}

/// The member tag with a heart, shown on patients with a plan in force.
#[component]
pub fn MemberTag(#[prop(into)] label: String) -> impl IntoView {
    view! {
        <span class="member-tag" title="Has an active plan">
            <span class="heart" aria-hidden="true">"♥"</span>
            {label}
        </span>
    }
}

/// A round avatar with the pet's initial, coloured by species (no emoji
/// font needed).
#[component]
pub fn PetAvatar(
    #[prop(into)] name: String,
    #[prop(into)] species: String,
    #[prop(optional)] large: bool,
) -> impl IntoView {
    let size = if large { " avatar-large" } else { "" };
    view! {
        <span class=format!("avatar avatar-{species}{size}") title=species.clone() aria-hidden="true">
            {crate::ui::format::initial(&name)}
        </span>
    }
}
