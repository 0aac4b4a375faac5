//! The lists at a group's size: searched and paged by the server, in order,
//! with counts that agree with the rows a person pages through; the
//! downloads still hold every row.

mod support;

use carecount::server::store::demo::group::GroupSize;
use carecount::wire::lists::Lists;
use carecount::wire::patients::PatientList;
use support::TestApp;

/// A small group: enough patients for four pages, and owners with plans.
const SMALL_GROUP: GroupSize = GroupSize { clinics: 3, clients: 110, patients: 160, plans: 90, ledger: 900 };

async fn list(app: &TestApp, search: &str, page: u32) -> PatientList {
    let form = format!("search={}&page={page}", search.replace('%', "%25").replace(' ', "+"));
    let (status, body) = app.call("patients", &form).await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).expect("a patient list")
}

/// Every page of a search, one after the other, as a person clicks "Next".
async fn every_page(app: &TestApp, search: &str) -> Vec<PatientList> {
    let first = list(app, search, 1).await;
    let mut pages = vec![first.clone()];
    for page in 2..=first.paging.pages() {
        pages.push(list(app, search, page).await);
    }
    pages
}

#[test]
fn a_group_pages_through_every_patient_once_in_name_order_with_counts_that_add_up() {
    support::run(async {
        let app = TestApp::start().await;
        let today = carecount::server::store::demo::demo_today(chrono::Utc::now());
        let grown = app.store.grow_demo_to_group(today, SMALL_GROUP).await.expect("grow");
        assert_eq!(grown.patients, 30 + 160);
        assert_eq!(grown.clinics, 3);

        let pages = every_page(&app, "").await;
        assert_eq!(pages.len(), 4, "190 patients fill four pages of 50");
        let rows: Vec<_> = pages.iter().flat_map(|p| p.patients.clone()).collect();
        assert_eq!(rows.len(), 190, "each patient once");
        let mut ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 190, "no patient on two pages");
        let names: Vec<String> = rows.iter().map(|r| r.name.to_lowercase()).collect();
        assert!(names.windows(2).all(|w| w[0] <= w[1]), "by name, in any case");
        let first = &pages[0];
        assert_eq!((first.total, first.paging.matching), (190, 190));
        let tagged = rows.iter().filter(|r| r.is_member(&first.clinic)).count() as u64;
        assert_eq!(first.members, tagged, "the heading counts the member tags on every page");
        assert!(tagged >= 90 * 19 / 20, "the group's plans are in force: {tagged}");
        assert_eq!(pages[3].paging.shown_range(pages[3].patients.len()), Some((151, 190)));

        // A page past the end shows the last one.
        let beyond = list(&app, "", 9).await;
        assert_eq!((beyond.paging.page, beyond.patients.len()), (4, 40));
    })
}

#[test]
fn a_search_finds_by_pet_owner_breed_or_plan_in_any_case_and_nothing_else() {
    support::run(async {
        let app = TestApp::start().await;
        let today = carecount::server::store::demo::demo_today(chrono::Utc::now());
        app.store.grow_demo_to_group(today, SMALL_GROUP).await.expect("grow");
        let everyone: Vec<_> = every_page(&app, "").await.into_iter().flat_map(|p| p.patients).collect();
        for search in ["LUNA", "de vries", "maine coon", "senior cat", "jansen", "Lu"] {
            let pages = every_page(&app, search).await;
            let found: Vec<i64> = pages.iter().flat_map(|p| p.patients.iter().map(|r| r.id)).collect();
            let words = search.to_lowercase();
            let expected: Vec<i64> = everyone
                .iter()
                .filter(|r| {
                    r.name.to_lowercase().contains(&words)
                        || r.client_name.to_lowercase().contains(&words)
                        || r.breed.as_deref().unwrap_or("").to_lowercase().contains(&words)
                        || r.plans.iter().any(|p| p.plan_name.to_lowercase().contains(&words))
                })
                .map(|r| r.id)
                .collect();
            assert!(!expected.is_empty(), "the group has a {search:?}");
            assert_eq!(found, expected, "{search:?} finds exactly these, in the same order");
            assert_eq!(pages[0].paging.matching, expected.len() as u64);
            assert_eq!(pages[0].total, 190, "the heading still counts everyone");
        }
        // What is typed is searched for as it is: a percent sign is no wildcard.
        let none = list(&app, "100%", 1).await;
        assert_eq!((none.paging.matching, none.patients.len(), none.paging.page), (0, 0, 1));
        assert_eq!(none.search, "100%");
    })
}

#[test]
fn the_list_page_is_served_with_the_search_and_page_from_its_address() {
    support::run(async {
        let app = TestApp::start().await;
        let today = carecount::server::store::demo::demo_today(chrono::Utc::now());
        app.store.grow_demo_to_group(today, SMALL_GROUP).await.expect("grow");
        let (status, html) = app.get("/?page=2").await;
        assert_eq!(status, 200);
        assert_eq!(html.matches("data-test=\"patient-row\"").count(), 50);
        assert!(html.contains("51–100 of 190"), "the place on the list is shown");
        let (_, html) = app.get("/?q=maine+coon").await;
        let rows = html.matches("data-test=\"patient-row\"").count();
        assert!(rows > 0 && rows <= 50);
        assert!(html.contains("Maine Coon"));
        assert!(!html.contains("Labrador"), "only the breed searched for");
    })
}

async fn plans_page(app: &TestApp, form: &str) -> Lists {
    let (status, body) = app.call("lists", form).await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).expect("the lists")
}

#[test]
fn the_plans_list_pages_through_every_plan_once_and_the_download_holds_them_all() {
    support::run(async {
        let app = TestApp::start().await;
        let today = carecount::server::store::demo::demo_today(chrono::Utc::now());
        let grown = app.store.grow_demo_to_group(today, SMALL_GROUP).await.expect("grow");
        let first = plans_page(&app, "").await;
        assert_eq!(first.plans_paging.matching, grown.plans as u64);
        let mut ids: Vec<i64> = first.plans.iter().map(|p| p.id).collect();
        for page in 2..=first.plans_paging.pages() {
            let next = plans_page(&app, &format!("page={page}")).await;
            assert_eq!(next.plans_paging.page, page);
            ids.extend(next.plans.iter().map(|p| p.id));
        }
        assert_eq!(ids.len() as i64, grown.plans, "every plan once");
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len() as i64, grown.plans, "no plan on two pages");

        // A filter counts and pages what it matches.
        let late = plans_page(&app, "status=past_due").await;
        assert!(late.plans_paging.matching > 0);
        assert!(late.plans.iter().all(|p| p.status == "past_due"));
        let stored = app
            .scalar("SELECT count(*) FROM subscriptions WHERE status = 'past_due' AND organisation_id = $1", 1)
            .await;
        assert_eq!(late.plans_paging.matching as i64, stored);

        // Payments due: the first page's worth on the page, all in the download.
        assert!(first.payments_due_total > 50, "the group has many instalments due: {}", first.payments_due_total);
        assert_eq!(first.payments_due.len(), 50);
        let dates: Vec<_> = first.payments_due.iter().map(|p| p.due_on).collect();
        assert!(dates.windows(2).all(|w| w[0] <= w[1]), "soonest first");
        let (status, csv) = app.get("/exports/payments-due.csv").await;
        assert_eq!(status, 200);
        assert_eq!(csv.lines().count() as u64, first.payments_due_total + 1, "a header and every instalment");
        let (_, csv) = app.get("/exports/plans.csv").await;
        assert_eq!(csv.lines().count() as i64, grown.plans + 1, "a header and every plan");
    })
}

#[test]
fn the_clinic_filter_covers_payments_due_renewals_and_their_downloads_in_that_clinics_currency() {
    support::run(async {
        let app = TestApp::start().await;
        let today = carecount::server::store::demo::demo_today(chrono::Utc::now());
        app.store.grow_demo_to_group(today, SMALL_GROUP).await.expect("grow");
        let clinic = app.scalar("SELECT max(id) FROM clinics WHERE organisation_id = $1", 1).await;
        let mut tx = app.store.begin_write().await.unwrap();
        sqlx::query("UPDATE clinics SET currency = 'GBP' WHERE id = $1").bind(clinic).execute(&mut *tx).await.unwrap();
        tx.commit().await.unwrap();

        let all = plans_page(&app, "").await;
        let here = plans_page(&app, &format!("clinic_id={clinic}")).await;
        let sold_at = |plan: i64| app.scalar("SELECT clinic_id FROM subscriptions WHERE id = $1", plan);
        assert!(!here.payments_due.is_empty(), "the clinic has instalments due");
        for payment in &here.payments_due {
            assert_eq!(sold_at(payment.subscription_id).await, clinic, "only this clinic's plans' instalments");
            assert_eq!(payment.currency, "GBP", "in the currency of the clinic that sold the plan");
        }
        for renewal in &here.renewals {
            assert_eq!(sold_at(renewal.id).await, clinic, "only this clinic's renewals");
        }
        let elsewhere = |p: &&carecount::wire::lists::PaymentDueRow| p.currency != "GBP";
        assert!(all.payments_due.iter().any(|p| elsewhere(&p)), "the whole group still lists the others");
        assert!(here.payments_due_total < all.payments_due_total);
        assert!(here.renewals_total <= all.renewals_total);

        // The downloads follow the page's filter.
        let (status, csv) = app.get(&format!("/exports/payments-due.csv?clinic_id={clinic}")).await;
        assert_eq!(status, 200);
        assert_eq!(csv.lines().count() as u64, here.payments_due_total + 1, "a header and every instalment here");
        assert!(csv.lines().skip(1).all(|l| l.contains(",GBP,")), "{csv}");
        let (_, csv) = app.get(&format!("/exports/renewals.csv?clinic_id={clinic}")).await;
        assert_eq!(csv.lines().count() as u64, here.renewals_total + 1);
    })
}
