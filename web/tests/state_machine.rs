//! The RFC 9293 state diagram, mounted alone in headless Chromium (`cargo xtask test` sets the
//! runner up): current states, taken transitions, transitions outside Figure 5.
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use bilingual::Lang;
use synack_web::components::state_machine::{Endpoint, StateMachine, StateMachineProps};
use tcp_core::State;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::Element;

wasm_bindgen_test_configure!(run_in_browser);

/// Renders the diagram into a fresh element, runs `check` on it, and removes it.
async fn with_diagram(props: StateMachineProps, check: impl FnOnce(&Element)) {
    let document = web_sys::window().and_then(|w| w.document()).expect("a browser document");
    let root = document.create_element("div").expect("a div");
    document.body().expect("a body").append_child(&root).expect("attach the root");
    let app = yew::Renderer::<StateMachine>::with_root_and_props(root.clone(), props).render();
    yew::platform::time::sleep(Duration::from_millis(20)).await;
    check(&root);
    app.destroy();
    root.remove();
}

#[track_caller]
fn get(root: &Element, selector: &str) -> Element {
    root.query_selector(selector).expect("a valid selector").unwrap_or_else(|| panic!("nothing matches {selector}"))
}

fn count(root: &Element, selector: &str) -> u32 {
    root.query_selector_all(selector).expect("a valid selector").length()
}

fn classes(e: &Element) -> String {
    e.get_attribute("class").unwrap_or_default()
}

fn endpoints(client: Option<State>, server: Option<State>) -> Vec<Endpoint> {
    vec![Endpoint::new("client", 0, client), Endpoint::new("server", 1, server)]
}

#[wasm_bindgen_test]
async fn every_state_has_a_box() {
    let props = StateMachineProps { lang: Lang::En, endpoints: endpoints(None, None), taken: Vec::new() };
    with_diagram(props, |root| {
        get(root, r#"svg[data-testid="state-machine"][viewBox]"#);
        for state in State::ALL {
            let id = format!("sm-{}", state.netstat_name().to_ascii_lowercase());
            let state_box = get(root, &format!(r#"[data-testid="{id}"]"#));
            assert_eq!(state_box.text_content().map(|t| t.contains(state.netstat_name())), Some(true), "{id}");
            let title = get(&state_box, "title").text_content().unwrap_or_default();
            assert!(title.starts_with(state.rfc_name()), "{id}: {title}");
            assert!(!classes(&state_box).contains("current-"), "{id} is nobody's state");
        }
        // Figure 5's twenty arrows, none taken.
        assert_eq!(count(root, ".sm-edge"), 20);
        assert_eq!(count(root, ".taken"), 0);
        assert!(
            get(root, r#"[data-testid="state-machine-explain"]"#)
                .text_content()
                .unwrap_or_default()
                .contains("no connection yet")
        );
    })
    .await;
}

#[wasm_bindgen_test]
async fn current_states_and_the_taken_edge_are_highlighted() {
    let props = StateMachineProps {
        lang: Lang::En,
        endpoints: endpoints(Some(State::SynSent), Some(State::Listen)),
        taken: vec![(0, State::Closed, State::SynSent)],
    };
    with_diagram(props, |root| {
        let syn_sent = classes(&get(root, r#"[data-testid="sm-syn_sent"]"#));
        assert!(syn_sent.contains("current-0") && !syn_sent.contains("current-1"), "{syn_sent}");
        let listen = classes(&get(root, r#"[data-testid="sm-listen"]"#));
        assert!(listen.contains("current-1") && !listen.contains("current-0"), "{listen}");
        assert!(!classes(&get(root, r#"[data-testid="sm-closed"]"#)).contains("current-"));

        let taken = get(root, r#".sm-edge.taken[data-edge="sm-closed-syn_sent"]"#);
        assert!(classes(&taken).contains("ep-0"), "drawn in the client's colour");
        let path = get(&taken, "path.taken");
        assert_eq!(path.get_attribute("marker-end").as_deref(), Some("url(#sm-head-0)"));
        assert_eq!(count(root, ".sm-edge.taken"), 1);

        let legend = get(root, ".sm-legend").text_content().unwrap_or_default();
        assert!(legend.contains("client") && legend.contains("server"), "{legend}");
        let explain = get(root, r#"[data-testid="state-machine-explain"]"#).text_content().unwrap_or_default();
        assert!(explain.contains("SYN_SENT") && explain.contains("LISTEN"), "{explain}");
    })
    .await;
}

#[wasm_bindgen_test]
async fn both_endpoints_in_one_state() {
    let props = StateMachineProps {
        lang: Lang::Zh,
        endpoints: endpoints(Some(State::Established), Some(State::Established)),
        taken: vec![(0, State::SynSent, State::Established), (1, State::SynReceived, State::Established)],
    };
    with_diagram(props, |root| {
        let established = classes(&get(root, r#"[data-testid="sm-established"]"#));
        assert!(established.contains("current-0") && established.contains("current-1"), "{established}");
        assert_eq!(count(root, ".sm-edge.taken"), 2);
        assert!(classes(&get(root, r#"[data-edge="sm-syn_recv-established"]"#)).contains("ep-1"));
        // Chinese edge labels, in the glossary's notation (SYN+ACK).
        assert!(root.text_content().unwrap_or_default().contains("收到 SYN+ACK"));
    })
    .await;
}

#[wasm_bindgen_test]
async fn transitions_outside_figure_5_appear_only_when_taken() {
    let props = StateMachineProps {
        lang: Lang::En,
        endpoints: endpoints(Some(State::Closed), Some(State::Established)),
        taken: vec![(0, State::Established, State::Closed), (1, State::Listen, State::Established)],
    };
    with_diagram(props, |root| {
        let reset = get(root, r#".sm-edge.extra.taken[data-edge="sm-established-closed"]"#);
        assert!(reset.text_content().unwrap_or_default().contains("RST"));
        get(root, r#".sm-edge.extra.taken[data-edge="sm-listen-established"]"#);
        assert_eq!(count(root, ".sm-edge.extra"), 2);
        assert_eq!(count(root, ".sm-edge"), 22);
        // Each dashed edge has a line under the figure that says why it is there.
        let why = root.query_selector_all(r#"[data-testid="state-machine-extra"]"#).expect("a valid selector");
        assert_eq!(why.length(), 2);
        let text = get(root, r#"[data-testid="state-machine-explain"]"#).text_content().unwrap_or_default();
        assert!(text.contains("not in RFC 9293's figure") && text.contains("ESTABLISHED → CLOSED"), "{text}");
        assert!(text.contains("two-way handshake"), "{text}");
    })
    .await;
}
