//! Route `/sync` (managers): import a practice system's export, review the
//! over-usage it found, map what it could not place, and read the history.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use super::sync_exceptions::ExceptionsPanel;
use super::sync_folder::FolderPanel;
use super::sync_mappings::{MappingsPanel, MappingsQuery};
use super::sync_tokens::TokensPanel;
use crate::api::sync::{
    Choice, OverUsageFilter, OverUsageRow, RetryOutcome, SyncPage, SyncRun, decide_over_usage, load_sync_page,
};
use crate::ui::format::{date, stamp};
use crate::ui::pager::{pager, with_query};
use crate::ui::route::loaded;
use crate::ui::typed_notes::TypedNotes;
use crate::wire::paging::Paging;

/// Route `/sync`.
#[component]
pub fn SyncPage() -> impl IntoView {
    let query = use_query_map();
    let changed = RwSignal::new(0u32);
    let page = Resource::new(
        move || (query.get(), changed.get()),
        |(q, _)| {
            let run = q.get("run").and_then(|r| r.parse().ok());
            let filter = OverUsageFilter {
                from: q.get("from"),
                until: q.get("until"),
                plan: q.get("plan").and_then(|p| p.parse().ok()),
                all: q.get("all").is_some_and(|a| a == "on"),
                page: q.get("page").and_then(|p| p.parse().ok()).unwrap_or(1),
            };
            let exceptions_page = q.get("exceptions_page").and_then(|p| p.parse().ok()).unwrap_or(1);
            load_sync_page(run, filter, exceptions_page)
        },
    );
    let problem = move || query.get().get("problem");
    // What a panel reports after reloading the page's data lives out here:
    // the panels are made anew by the reload.
    let folder_notice = RwSignal::new(None::<Result<String, String>>);
    let retry_notice = RwSignal::new(None::<Result<RetryOutcome, String>>);
    let token_notice = RwSignal::new(None::<Result<String, String>>);
    let mappings = MappingsQuery::new();
    // Notes typed in rows outlive the reloads another row's decision makes.
    let notes = TypedNotes::new();
    view! {
        <Title text="Practice system sync"/>
        <Suspense fallback=|| view! { <p class="loading">"Loading sync…"</p> }>
            {move || Suspend::new(async move {
                loaded(page.await, move |data: SyncPage| view! {
                    <section class="page-head"><div><p class="eyebrow">"Manager · " {data.clinic_name.clone()}</p>
                        <h1>"Practice system sync"</h1>
                        <p class="lede">"Invoice lines from your practice system count toward plans when their code starts with "
                            <strong>{data.prefix.clone()}</strong>". Each line counts once however often it arrives; a changed line posts the difference, and voids and corrections give uses back."</p></div></section>
                    <section class="panel form-panel">
                        <h3 class="panel-title">"Import an export"</h3>
                        <form method="post" action="/sync/upload" enctype="multipart/form-data" class="form-grid upload">
                            <label class="field"><span>"CSV file"</span>
                                <input type="file" name="file" accept=".csv,text/csv" required data-test="sync-file"/></label>
                            <div class="actions"><button class="button" type="submit" data-test="sync-import">"Import"</button></div>
                        </form>
                        <p class="muted small">"Columns: invoice_id, line_id, invoice_date (2026-11-23), patient_id, code, quantity; status (final, deleted or void) and description may follow. Up to "
                            {data.max_file_mib}" MiB. A file with a mistake applies nothing and says which line to fix."</p>
                        {problem().map(|p| view! { <p class="banner error" role="alert">{p}</p> })}
                        {data.shown_run.clone().map(|run| view! { <RunBanner run/> })}
                    </section>
                    <FolderPanel folder=data.folder.clone() changed message=folder_notice/>
                    <OverUsagePanel rows=data.over_usage.clone() paging=data.over_usage_paging plans=data.plans.clone() changed notes/>
                    <ExceptionsPanel rows=data.exceptions.clone() paging=data.exceptions_paging items=data.items.clone() changed outcome=retry_notice notes/>
                    <MappingsPanel items=data.items.clone() query=mappings/>
                    <HistoryPanel runs=data.runs.clone()/>
                    <TokensPanel tokens=data.tokens.clone() changed made=token_notice/>
                })
            })}
        </Suspense>
    }
}

/// The outcome of the run just made, in one banner.
#[component]
fn RunBanner(run: SyncRun) -> impl IntoView {
    if !run.problem.is_empty() {
        return view! { <div class="banner error" role="alert" data-test="sync-result"><strong>{format!("{} was refused. ", run.file_name)}</strong>{run.problem}</div> }.into_any();
    }
    let needs = run.over_usage + run.exceptions;
    let class = if needs > 0 { "banner warn" } else { "banner success" };
    view! {
        <div class=class role="status" data-test="sync-result">
            <strong>{format!("{}: {} lines read. ", run.file_name, run.lines_read)}</strong>
            {format!("{} applied, {} unchanged, {} reversed, {} not plan codes.", run.applied, run.unchanged, run.reversed, run.skipped)}
            {(needs > 0).then(|| format!(" {} over-usage and {} exceptions need a look below.", run.over_usage, run.exceptions))}
        </div>
    }
    .into_any()
}

#[component]
fn OverUsagePanel(
    rows: Vec<OverUsageRow>,
    paging: Paging,
    plans: Vec<Choice>,
    changed: RwSignal<u32>,
    notes: TypedNotes,
) -> impl IntoView {
    let query = use_query_map();
    let chosen = move |key: &str| query.with_untracked(|q| q.get(key)).unwrap_or_default();
    let plan = chosen("plan");
    let filtered = ["from", "until", "plan", "all"].iter().any(|key| !chosen(key).is_empty());
    let pages = pager(paging, rows.len(), filtered, move |page| sync_address(&chosen, ("page", page)));
    view! {
        <section class="panel" data-test="over-usage">
            <h3 class="panel-title">"Unaddressed over-usage"</h3>
            <p class="muted small panel-note">"Uses beyond what a plan had left. Approve one the clinic accepts, or remove a use that should not count; both need a note."</p>
            <Form method="GET" action="/sync" attr:class="filters">
                <label class="field"><span>"From"</span><input type="date" name="from" value=chosen("from")/></label>
                <label class="field"><span>"Until"</span><input type="date" name="until" value=chosen("until")/></label>
                <label class="field"><span>"Plan"</span><select name="plan">
                    <option value="">"All plans"</option>
                    {plans.into_iter().map(|p| { let selected = p.id.to_string() == plan; view! { <option value=p.id selected=selected>{p.label}</option> } }).collect_view()}
                </select></label>
                <label class="check"><input type="checkbox" name="all" checked=chosen("all") == "on"/>" Addressed too"</label>
                <button class="button secondary" type="submit">"Filter"</button>
            </Form>
            {if rows.is_empty() {
                view! { <p class="empty">"Nothing over a limit. New over-usage shows here after each sync."</p> }.into_any()
            } else {
                view! {
                    <table class="table">
                        <thead><tr><th>"Date"</th><th>"Patient"</th><th>"Item"</th><th>"Beyond the plan"</th><th>"Invoice"</th><th>"Decision"</th></tr></thead>
                        <tbody>{rows.into_iter().map(|row| view! { <OverUsageLine row changed notes/> }).collect_view()}</tbody>
                    </table>
                }.into_any()
            }}
            {pages}
        </section>
    }
}

/// The sync page's address with its filters and pages as now, one page changed.
pub(super) fn sync_address(chosen: &impl Fn(&str) -> String, (key, page): (&str, u32)) -> String {
    let params: Vec<(&str, String)> = ["from", "until", "plan", "all", "page", "exceptions_page"]
        .into_iter()
        .map(|name| (name, if name == key { page.to_string() } else { chosen(name) }))
        .collect();
    with_query("/sync", &params)
}

#[component]
fn OverUsageLine(row: OverUsageRow, changed: RwSignal<u32>, notes: TypedNotes) -> impl IntoView {
    let id = row.id;
    let note = notes.note(("over-usage", id));
    let problem = RwSignal::new(None::<String>);
    let decide = move |decision: &'static str| {
        spawn_local(async move {
            match decide_over_usage(id, decision.to_string(), note.get_untracked()).await {
                Ok(()) => {
                    notes.forget(("over-usage", id));
                    changed.update(|n| *n += 1)
                }
                Err(e) => problem.set(Some(e.to_string())),
            }
        })
    };
    let decided = row.status != "open";
    view! {
        <tr data-test="over-usage-row">
            <td class="nowrap">{date(row.used_on)}</td>
            <td><a href=format!("/patients/{}", row.patient_id)><strong>{row.patient_name.clone()}</strong></a>
                <div class="muted small">{row.client_name.clone()}</div></td>
            <td>{row.item_name.clone()}<div class="muted small">{row.plan_name.clone().unwrap_or_default()}</div></td>
            <td><span class="pill pill-bad">{row.beyond.clone()}</span></td>
            <td class="muted nowrap">{row.invoice_ref.clone()}</td>
            <td>{if decided {
                view! { <span class="pill pill-muted">{row.status.clone()}</span>
                    <div class="muted small">{format!("{} · {}", row.decided_by.clone().unwrap_or_default(), row.note)}</div> }.into_any()
            } else {
                view! {
                    <div class="decide">
                        <input class="note" placeholder="Note (why)" maxlength="500" data-test="over-usage-note"
                            prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))/>
                        <button class="button small" data-test="approve" on:click=move |_| decide("approve")>"Approve"</button>
                        <button class="button secondary small" data-test="remove" on:click=move |_| decide("remove")>"Remove use"</button>
                    </div>
                    {move || problem.get().map(|p| view! { <p class="small error-text" role="alert">{p}</p> })}
                }.into_any()
            }}</td>
        </tr>
    }
}

#[component]
fn HistoryPanel(runs: Vec<SyncRun>) -> impl IntoView {
    view! {
        <section class="panel" data-test="sync-history">
            <h3 class="panel-title">"Sync history"</h3>
            {if runs.is_empty() {
                view! { <p class="empty">"No sync yet. Import an export above, or run carecount import FILE.csv on the server."</p> }.into_any()
            } else {
                view! {
                    <table class="table numbers">
                        <thead><tr><th>"When"</th><th>"By"</th><th>"Read"</th><th>"Applied"</th><th>"Unchanged"</th><th>"Reversed"</th>
                            <th>"Over-usage"</th><th>"Exceptions"</th><th>"Errors"</th></tr></thead>
                        <tbody>{runs.into_iter().map(|run| view! {
                            <tr data-test="sync-run">
                                <td>{stamp(&run.started_at)}<div class="muted small">{format!("{} {}", run.source, run.file_name)}</div>
                                    {(!run.problem.is_empty()).then(|| view! { <div class="small error-text">{run.problem.clone()}</div> })}
                                    {(!run.digest.is_empty()).then(|| view! { <details class="small"><summary>"Digest sent"</summary><pre>{run.digest.clone()}</pre></details> })}</td>
                                <td>{run.actor_name.clone()}</td><td>{run.lines_read}</td><td>{run.applied}</td><td>{run.unchanged}</td>
                                <td>{run.reversed}</td><td>{run.over_usage}</td><td>{run.exceptions}</td><td>{run.errors}</td>
                            </tr>
                        }).collect_view()}</tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}
