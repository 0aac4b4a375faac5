//! Signing in, and getting back in through an emailed link. The forms are
//! plain HTML forms: they work before (and without) the WASM.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::account::{ForgotPassword, ResetPassword, SignIn, check_link};
use crate::ui::post_form::{Fields, PostForm};

/// Route `/login`.
#[component]
pub fn LoginPage() -> impl IntoView {
    let sign_in = ServerAction::<SignIn>::new();
    let next = move || use_query_map().read().get("next").unwrap_or_default();
    let problem = move || sign_in.value().get().and_then(|r| r.err()).map(|e| e.to_string());
    view! {
        <Title text="Sign in"/>
        <section class="auth-card panel">
            <h1>"Sign in to CareCount"</h1>
            <p class="lede">"Clinic staff and pet owners sign in here."</p>
            <PostForm action=sign_in read=read_sign_in class="auth-form">
                <input type="hidden" name="next" value=next/>
                <label class="field"><span>"Email"</span>
                    <input type="email" name="email" autocomplete="username" required maxlength="254" data-test="email"/>
                </label>
                <label class="field"><span>"Password"</span>
                    <input type="password" name="password" autocomplete="current-password" required maxlength="128" data-test="password"/>
                </label>
                {move || problem().map(|p| view! { <p class="banner error" role="alert" data-test="sign-in-error">{p}</p> })}
                <button class="button wide" type="submit" data-test="sign-in" disabled=move || sign_in.pending().get()>"Sign in"</button>
            </PostForm>
            <p class="small"><a href="/forgot">"Forgot your password?"</a></p>
        </section>
    }
}

fn read_sign_in(form: &Fields) -> Option<SignIn> {
    Some(SignIn { email: form.text("email"), password: form.text("password"), next: form.text("next") })
}

/// Route `/forgot`.
#[component]
pub fn ForgotPage() -> impl IntoView {
    let forgot = ServerAction::<ForgotPassword>::new();
    let problem = move || forgot.value().get().and_then(|r| r.err()).map(|e| e.to_string());
    let sent = move || matches!(forgot.value().get(), Some(Ok(())));
    view! {
        <Title text="Reset your password"/>
        <section class="auth-card panel">
            <h1>"Reset your password"</h1>
            <p class="lede">"We email you a link to choose a new password. It works once, for one hour."</p>
            <Show when=sent fallback=move || view! {
                <PostForm action=forgot read=read_forgot class="auth-form">
                    <label class="field"><span>"Email"</span>
                        <input type="email" name="email" autocomplete="username" required maxlength="254" data-test="email"/>
                    </label>
                    {move || problem().map(|p| view! { <p class="banner error" role="alert">{p}</p> })}
                    <button class="button wide" type="submit" data-test="send-link">"Email me a link"</button>
                </PostForm>
            }>
                <p class="banner success" role="status" data-test="link-sent">
                    "If that address has a CareCount account, a link is on its way. Check your inbox (and spam folder)."
                </p>
            </Show>
            <p class="small"><a href="/login">"Back to sign in"</a></p>
        </section>
    }
}

fn read_forgot(form: &Fields) -> Option<ForgotPassword> {
    Some(ForgotPassword { email: form.text("email") })
}

/// Route `/reset/:token`: choose a password after a reset or invitation.
#[component]
pub fn ResetPage() -> impl IntoView {
    let token = move || use_params_map().read().get("token").unwrap_or_default();
    let info = Resource::new(token, check_link);
    view! {
        <Title text="Choose a password"/>
        <section class="auth-card panel">
            <Suspense fallback=|| view! { <p class="loading">"Checking the link…"</p> }>
                {move || Suspend::new(async move {
                    match info.await {
                        Ok(link) => view! { <ResetForm token=token() invitation=link.invitation email=link.email name=link.name/> }.into_any(),
                        Err(e) => view! {
                            <h1>"This link does not work"</h1>
                            <p class="banner error" role="alert" data-test="link-problem">{e.to_string()}</p>
                            <p><a class="button" href="/forgot">"Ask for a new link"</a></p>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

fn read_reset(form: &Fields) -> Option<ResetPassword> {
    Some(ResetPassword { token: form.text("token"), password: form.text("password"), repeat: form.text("repeat") })
}

#[component]
fn ResetForm(token: String, invitation: bool, email: String, name: String) -> impl IntoView {
    let reset = ServerAction::<ResetPassword>::new();
    let problem = move || reset.value().get().and_then(|r| r.err()).map(|e| e.to_string());
    view! {
        <h1>{if invitation { format!("Welcome, {name}") } else { "Choose a new password".to_string() }}</h1>
        <p class="lede">{format!("For {email}. At least 10 characters; a short sentence works well.")}</p>
        <PostForm action=reset read=read_reset class="auth-form">
            <input type="hidden" name="token" value=token/>
            <label class="field"><span>"New password"</span>
                <input type="password" name="password" autocomplete="new-password" required minlength="10" maxlength="128" data-test="new-password"/>
            </label>
            <label class="field"><span>"The same password again"</span>
                <input type="password" name="repeat" autocomplete="new-password" required maxlength="128" data-test="repeat-password"/>
            </label>
            {move || problem().map(|p| view! { <p class="banner error" role="alert" data-test="reset-error">{p}</p> })}
            <button class="button wide" type="submit" data-test="save-password">"Save password and sign in"</button>
        </PostForm>
    }
}
