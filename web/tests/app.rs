//! Component tests of the web app, run in headless Chromium by `wasm-bindgen-test`
//! (`cargo xtask test` sets the runner up).
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use synack_web::App;
use wasm_bindgen::JsCast as _;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Document, Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> Document {
    web_sys::window().and_then(|w| w.document()).expect("a browser document")
}

fn find(root: &Element, selector: &str) -> Option<Element> {
    root.query_selector(selector).expect("a valid selector")
}

fn text(root: &Element, selector: &str) -> String {
    find(root, selector).and_then(|e| e.text_content()).unwrap_or_default()
}

/// Lets Yew's scheduler render.
async fn settle() {
    yew::platform::time::sleep(Duration::from_millis(20)).await;
}

#[wasm_bindgen_test]
async fn app_renders_and_toggles_the_details() {
    let document = document();
    let root = document.create_element("div").expect("a div");
    document.body().expect("a body").append_child(&root).expect("attach the root");

    let app = yew::Renderer::<App>::with_root(root.clone()).render();
    settle().await;

    assert_eq!(text(&root, "main#app > h1"), "synack");
    assert!(find(&root, r#"svg[data-testid="diagram"]"#).is_some());
    assert!(find(&root, r#"[data-testid="details"]"#).is_none());

    let button: HtmlElement =
        find(&root, r#"button[data-testid="toggle"]"#).expect("the toggle button").dyn_into().expect("an HTML element");
    assert_eq!(button.text_content().as_deref(), Some("Show the handshake"));
    button.click();
    settle().await;

    assert_eq!(text(&root, r#"[data-testid="details"]"#), "SYN → SYN-ACK → ACK");
    assert_eq!(button.text_content().as_deref(), Some("Hide the handshake"));
    assert_eq!(button.get_attribute("aria-expanded").as_deref(), Some("true"));

    button.click();
    settle().await;
    assert!(find(&root, r#"[data-testid="details"]"#).is_none());

    app.destroy();
    root.remove();
}
