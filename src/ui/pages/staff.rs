//! Route `/staff` (managers): who works here, with which role; invite
//! someone new by email.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;

use crate::api::staff::{InviteStaff, StaffMember, staff_list, update_staff};
use crate::domain::Role;
use crate::ui::format::stamp;
use crate::ui::post_form::{Fields, PostForm};
use crate::ui::route::loaded;

/// Route `/staff`.
#[component]
pub fn StaffPage() -> impl IntoView {
    let invite = ServerAction::<InviteStaff>::new();
    let changed = RwSignal::new(0u32);
    let invited = RwSignal::new(0u32);
    Effect::new(move |_| {
        if let Some(Ok(_)) = invite.value().get() {
            invited.update(|n| *n += 1);
        }
    });
    let list = Resource::new(move || (changed.get(), invited.get()), |_| staff_list());
    view! {
        <Title text="Staff"/>
        <section class="page-head"><div><p class="eyebrow">"Manager"</p><h1>"Staff"</h1>
            <p class="lede">"Managers set up templates and settings and may waive settlements; vets and receptionists work the desk."</p></div></section>
        <Suspense fallback=|| view! { <p class="loading">"Loading staff…"</p> }>
            {move || Suspend::new(async move {
                loaded(list.await, move |rows| view! {
                    <section class="panel">
                        <table class="table staff" data-test="staff">
                            <thead><tr><th>"Name"</th><th>"Role"</th><th>"Status"</th><th>"Last sign-in"</th><th></th></tr></thead>
                            <tbody>{rows.into_iter().map(|m| view! { <StaffRow member=m changed/> }).collect_view()}</tbody>
                        </table>
                    </section>
                })
            })}
        </Suspense>
        <section class="panel form-panel">
            <h3 class="panel-title">"Invite a colleague"</h3>
            <PostForm action=invite read=read_invitation class="form-grid">
                <label class="field"><span>"Name"</span><input name="name" required maxlength="80" data-test="invite-name"/></label>
                <label class="field"><span>"Email"</span><input name="email" type="email" required maxlength="254" data-test="invite-email"/></label>
                <label class="field"><span>"Role"</span><select name="role" data-test="invite-role">
                    <option value="receptionist">"Receptionist"</option><option value="vet">"Vet"</option><option value="manager">"Manager"</option>
                </select></label>
                <div class="actions"><button class="button" type="submit" data-test="invite">"Send invitation"</button></div>
                {move || match invite.value().get() {
                    Some(Ok(_)) => Some(view! { <p class="banner success" role="status">"Invitation sent. The link works for 7 days."</p> }.into_any()),
                    Some(Err(e)) => Some(view! { <p class="banner error" role="alert">{e.to_string()}</p> }.into_any()),
                    None => None,
                }}
            </PostForm>
        </section>
    }
}

#[component]
fn StaffRow(member: StaffMember, changed: RwSignal<u32>) -> impl IntoView {
    let problem = RwSignal::new(None::<String>);
    let id = member.id;
    let role = member.role;
    let active = member.active;
    let change = move |role: Role, active: bool| {
        spawn_local(async move {
            match update_staff(id, role.code().to_string(), active).await {
                Ok(()) => changed.update(|n| *n += 1),
                Err(e) => problem.set(Some(e.to_string())),
            }
        })
    };
    let status = match (member.active, member.invited) {
        (false, _) => view! { <span class="pill pill-muted">"Switched off"</span> }.into_any(),
        (true, true) => view! { <span class="pill pill-warn">"Invited"</span> }.into_any(),
        (true, false) => view! { <span class="pill pill-good">"Active"</span> }.into_any(),
    };
    view! {
        <tr data-test="staff-row">
            <td><strong>{member.name.clone()}</strong>{member.is_me.then_some(" (you)")}<div class="muted small">{member.email.clone()}</div>
                {move || problem.get().map(|p| view! { <p class="small error-text" role="alert">{p}</p> })}</td>
            <td>{if member.is_me { view! { <span>{role.label()}</span> }.into_any() } else { view! {
                <select on:change=move |ev| if let Some(r) = Role::from_code(&event_target_value(&ev)) { change(r, active) }>
                    {[Role::Manager, Role::Vet, Role::Receptionist].into_iter().map(|r| view! {
                        <option value=r.code() selected=r == role>{r.label()}</option>
                    }).collect_view()}
                </select>
            }.into_any() }}</td>
            <td>{status}</td>
            <td class="muted small">{member.last_sign_in_at.as_deref().map(stamp).unwrap_or_else(|| "Never".into())}</td>
            <td>{(!member.is_me).then(|| view! {
                <button class="button secondary small" on:click=move |_| change(role, !active)>
                    {if active { "Switch off" } else { "Switch on" }}</button>
            })}</td>
        </tr>
    }
}

fn read_invitation(form: &Fields) -> Option<InviteStaff> {
    Some(InviteStaff { email: form.text("email"), name: form.text("name"), role: form.text("role") })
}
