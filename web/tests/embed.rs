//! Component tests of embed mode (`App` with `Mode::Embed` and a link), in headless Chromium.
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use synack_web::view::Mode;
use synack_web::{App, AppProps};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Element, KeyboardEvent, KeyboardEventInit};

wasm_bindgen_test_configure!(run_in_browser);

fn text(root: &Element, selector: &str) -> String {
    root.query_selector(selector).ok().flatten().and_then(|e| e.text_content()).unwrap_or_default()
}

fn count(root: &Element, selector: &str) -> u32 {
    root.query_selector_all(selector).map(|l| l.length()).unwrap_or(0)
}

async fn settle() {
    yew::platform::time::sleep(Duration::from_millis(20)).await;
}

/// An embed of `link`, mounted into a fresh element the way `embed.js` mounts one.
fn mount(link: &str) -> (Element, yew::AppHandle<App>) {
    let document = web_sys::window().and_then(|w| w.document()).expect("a document");
    let root = document.create_element("div").expect("a div");
    document.body().expect("a body").append_child(&root).expect("attach");
    let props = AppProps { mode: Mode::Embed, link: Some(link.to_owned()), ..AppProps::default() };
    let app = yew::Renderer::<App>::with_root_and_props(root.clone(), props).render();
    (root, app)
}

fn key(target: &web_sys::EventTarget, key: &str) {
    let init = KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    let event = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).expect("a key event");
    target.dispatch_event(&event).expect("dispatch");
}

#[wasm_bindgen_test]
async fn an_embed_shows_only_its_parts_and_its_steps() {
    let (root, app) = mount("lost-syn&ui=play&steps=2-4");
    settle().await;
    assert_eq!(count(&root, "header"), 0, "no page header in an embed");
    assert_eq!(count(&root, r#"[data-testid="narration"]"#), 0);
    assert_eq!(count(&root, r#"[data-testid="controls"]"#), 0);
    assert_eq!(count(&root, r#"[data-testid="lang"]"#), 0, "ui=play has no language switch");
    assert!(text(&root, r#"[data-testid="step-count"]"#).ends_with("4/4"));
    let scrub = root.query_selector(r#"[data-testid="scrub"]"#).ok().flatten().expect("a scrub bar");
    assert_eq!((scrub.get_attribute("min"), scrub.get_attribute("max")), (Some("1".into()), Some("3".into())));
    assert_eq!(count(&root, r#"g[data-segment][role="button"]"#), 0, "no inspector, so segments are no buttons");
    app.destroy();
    root.remove();
}

#[wasm_bindgen_test]
async fn keys_reach_only_the_embed_they_are_pressed_in() {
    let (first, first_app) = mount("handshake");
    let (second, second_app) = mount("refused");
    settle().await;
    let before = (text(&first, r#"[data-testid="step-count"]"#), text(&second, r#"[data-testid="step-count"]"#));
    // Pressed on the page itself (the window): neither embed moves.
    key(&web_sys::window().expect("a window").into(), "ArrowLeft");
    settle().await;
    let after_window = (text(&first, r#"[data-testid="step-count"]"#), text(&second, r#"[data-testid="step-count"]"#));
    assert_eq!(after_window, before);
    // Pressed inside the first embed: only it steps back.
    let app = first.query_selector(r#"[data-testid="app"]"#).ok().flatten().expect("the first embed");
    key(&app.into(), "ArrowLeft");
    settle().await;
    assert_ne!(text(&first, r#"[data-testid="step-count"]"#), before.0, "the first embed did not step");
    assert_eq!(text(&second, r#"[data-testid="step-count"]"#), before.1, "the second embed stepped too");
    for (root, app) in [(first, first_app), (second, second_app)] {
        app.destroy();
        root.remove();
    }
}

#[wasm_bindgen_test]
async fn a_bad_link_in_an_embed_says_so_and_draws_the_default() {
    let (root, app) = mount("steps=9-2&lang=zh");
    settle().await;
    assert!(text(&root, r#"[data-testid="error"]"#).contains("steps=9-2"));
    assert_eq!(count(&root, r#"svg[data-testid="diagram"] .arrows g[data-segment]"#), 11);
    app.destroy();
    root.remove();
}

/// `ui=exercise`: the embed stops before each question's step, asks, takes a wrong and a right
/// answer, and shows the step only once answered; playback cannot go past a question.
#[wasm_bindgen_test]
async fn an_exercise_embed_asks_checks_and_reveals() {
    use narration::exercise;
    use wasm_bindgen::JsCast;
    let scenario = tcp_sim::catalogue::get("four-way-close").expect("entry").scenario().expect("scenario");
    let trace = tcp_sim::simulate(&scenario);
    let questions: Vec<exercise::Question> =
        exercise::questions(&scenario.exercises, &trace).into_iter().map(|q| q.expect("asked")).collect();
    assert!(questions.len() >= 3);

    let (root, app) = mount("four-way-close&ui=play.exercise");
    settle().await;
    let shown_arrows = || count(&root, ".arrows g[data-segment]:not(.future)");
    let step_no = || {
        let t = text(&root, r#"[data-testid="step-count"]"#);
        t.rsplit_once(' ')
            .and_then(|(_, n)| n.split_once('/'))
            .and_then(|(k, _)| k.parse::<usize>().ok())
            .expect("Step k/n")
    };
    let click = |selector: &str| {
        let el = root.query_selector(selector).ok().flatten().unwrap_or_else(|| panic!("no {selector}"));
        el.unchecked_into::<web_sys::HtmlElement>().click();
    };
    assert_eq!(step_no(), 1, "the exercises start at the run's start");
    assert_eq!(count(&root, r#"[data-testid="exercise-question"]"#), 0, "not yet at the first question");
    let mut right = 0;
    for (k, q) in questions.iter().enumerate() {
        // On to the question (at once when it is the very next step).
        if count(&root, r#"[data-testid="exercise-skip"]"#) > 0 {
            click(r#"[data-testid="exercise-skip"]"#);
            settle().await;
        }
        // The diagram shows the steps before the question's, and playback goes no further.
        assert_eq!(step_no(), q.step, "question {k}: shown up to the step before its own");
        let before = shown_arrows();
        click(r#"[data-testid="step-forward"]"#);
        settle().await;
        assert_eq!(step_no(), q.step, "question {k}: playback stops before the question's step");
        let prompt = text(&root, r#"[data-testid="exercise-question"] .prompt"#);
        assert_eq!(prompt, exercise::prompt(q, &trace, bilingual::Lang::En, true));
        // The first question is answered wrong, the others right.
        let pick = if k == 0 { (q.answer + 1) % q.choices.len() } else { q.answer };
        right += usize::from(pick == q.answer);
        let choices = root.query_selector_all(r#"[data-testid="exercise-choice"]"#).expect("choices");
        assert_eq!(choices.length() as usize, q.choices.len());
        choices.get(pick as u32).expect("a choice").unchecked_into::<web_sys::HtmlElement>().click();
        settle().await;
        let verdict = root.query_selector(r#"[data-testid="exercise-verdict"]"#).ok().flatten().expect("a verdict");
        let said = verdict.text_content().unwrap_or_default();
        if pick == q.answer {
            assert!(verdict.class_list().contains("right") && said.contains("Right:"), "{said}");
        } else {
            assert!(verdict.class_list().contains("wrong") && said.contains("Not this time"), "{said}");
        }
        assert!(said.contains(&exercise::choice_text(q, &q.choices[q.answer], &trace, bilingual::Lang::En, true)));
        // Answered, the step is shown (with its narration as the explanation: this embed has no text part).
        assert_eq!(step_no(), q.step + 1, "question {k}: its step is shown once answered");
        assert!(shown_arrows() >= before);
        assert!(count(&root, r#"[data-testid="exercise-verdict"] .why"#) > 0, "the step explained");
    }
    assert_eq!(
        text(&root, r#"[data-testid="exercise-score"]"#),
        format!("Done: {right} of {} right.", questions.len())
    );
    // Done, playback goes anywhere again.
    click(r#"[data-testid="exercise-end"]"#);
    settle().await;
    assert_eq!(count(&root, r#"[data-testid="exercise-question"]"#), 0);
    app.destroy();
    root.remove();
}

/// An embed whose first question is at its second step asks it at once, and leaves the focus
/// where it was: the host page does not jump to the embed as it loads.
#[wasm_bindgen_test]
async fn an_exercise_embed_takes_no_focus_as_it_loads() {
    let (root, app) = mount("handshake&ui=exercise");
    settle().await;
    settle().await;
    assert_eq!(count(&root, r#"[data-testid="exercise-question"]"#), 1, "the first question is asked at once");
    let active = web_sys::window().and_then(|w| w.document()).and_then(|d| d.active_element());
    assert!(active.is_none_or(|a| !root.contains(Some(&a))), "the focus stays outside the embed");
    app.destroy();
    root.remove();
}
