//! The segment inspector, mounted alone in headless Chromium (`cargo xtask test` sets the runner
//! up): the field table, the hex dump linked both ways, the fault buttons, the delay field.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;
use synack_web::state::Shared;

use bilingual::Lang;
use synack_web::components::inspector::{Inspector, InspectorProps};
use synack_web::experiment::FaultRequest;
use tcp_sim::catalogue;
use tcp_sim::scenario::FaultAction;
use tcp_sim::trace::{SegId, Trace};
use wasm_bindgen::JsCast as _;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Element, Event, EventInit, HtmlElement, HtmlInputElement};
use yew::{AppHandle, Callback};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(
    inline_js = "export function key_down(key) { return new KeyboardEvent('keydown', { key, bubbles: true }); }"
)]
extern "C" {
    /// A bubbling `keydown` of `key` (web-sys' `KeyboardEventInit` is not a feature we build).
    fn key_down(key: &str) -> Event;
}

/// The SYN-ACK of the handshake entry.
const SYN_ACK: usize = 1;

fn handshake() -> Shared<Trace> {
    let scenario = catalogue::get("handshake").expect("the handshake entry").scenario().expect("its scenario");
    Shared::new(tcp_sim::simulate(&scenario))
}

/// A mounted inspector and what its callbacks received.
struct Mounted {
    root: Element,
    app: AppHandle<Inspector>,
    faults: Rc<RefCell<Vec<FaultRequest>>>,
    closed: Rc<RefCell<u32>>,
}

impl Mounted {
    async fn new(trace: Shared<Trace>, segment: usize, lang: Lang) -> Mounted {
        let document = web_sys::window().and_then(|w| w.document()).expect("a browser document");
        let root = document.create_element("div").expect("a div");
        document.body().expect("a body").append_child(&root).expect("attach the root");
        let faults = Rc::new(RefCell::new(Vec::new()));
        let closed = Rc::new(RefCell::new(0));
        let props = InspectorProps {
            trace,
            segment,
            lang,
            relative: true,
            on_fault: {
                let faults = faults.clone();
                Callback::from(move |r| faults.borrow_mut().push(r))
            },
            on_close: {
                let closed = closed.clone();
                Callback::from(move |()| *closed.borrow_mut() += 1)
            },
        };
        let app = yew::Renderer::<Inspector>::with_root_and_props(root.clone(), props).render();
        settle().await;
        Mounted { root, app, faults, closed }
    }

    #[track_caller]
    fn get(&self, selector: &str) -> Element {
        self.root
            .query_selector(selector)
            .expect("a valid selector")
            .unwrap_or_else(|| panic!("nothing matches {selector}"))
    }

    fn all(&self, selector: &str) -> Vec<Element> {
        let list = self.root.query_selector_all(selector).expect("a valid selector");
        (0..list.length()).filter_map(|i| list.item(i)).filter_map(|n| n.dyn_into().ok()).collect()
    }

    #[track_caller]
    fn button(&self, testid: &str) -> HtmlElement {
        self.get(&format!(r#"[data-testid="{testid}"]"#)).dyn_into().expect("a button")
    }

    /// Offsets of the highlighted bytes in the hex column.
    fn lit_bytes(&self) -> Vec<usize> {
        self.all(r#"[data-testid="hexdump"] .dump-hex .hl"#)
            .iter()
            .map(|b| b.get_attribute("data-offset").and_then(|o| o.parse().ok()).expect("a byte offset"))
            .collect()
    }

    fn destroy(self) {
        self.app.destroy();
        self.root.remove();
    }
}

/// Lets Yew's scheduler render.
async fn settle() {
    yew::platform::time::sleep(Duration::from_millis(20)).await;
}

fn dispatch(target: &Element, kind: &str, bubbles: bool) {
    let init = EventInit::new();
    init.set_bubbles(bubbles);
    let event = Event::new_with_event_init_dict(kind, &init).expect("an event");
    target.dispatch_event(&event).expect("dispatch");
}

fn has_class(e: &Element, class: &str) -> bool {
    e.get_attribute("class").unwrap_or_default().split_whitespace().any(|c| c == class)
}

#[wasm_bindgen_test]
async fn shows_every_field_of_the_syn_ack() {
    let trace = handshake();
    let seg = trace.segments[SYN_ACK].clone();
    let m = Mounted::new(trace.clone(), SYN_ACK, Lang::En).await;

    let inspector = m.get(r#"[data-testid="inspector"]"#);
    assert_eq!(inspector.get_attribute("role").as_deref(), Some("dialog"));
    let heading = m.get("h2").text_content().unwrap_or_default();
    assert!(heading.contains(&trace.label(SegId(SYN_ACK), true)), "{heading}");
    let head = m.get(".inspector-head").text_content().unwrap_or_default();
    assert!(head.contains("server → client"), "{head}");

    for flag in ["syn", "ack"] {
        let chip = m.get(&format!(r#"[data-testid="field-flags"] [data-testid="flag-{flag}"]"#));
        assert!(has_class(&chip, "on"), "{flag} should be on");
    }
    for flag in ["fin", "rst", "psh", "urg", "ece", "cwr"] {
        let chip = m.get(&format!(r#"[data-testid="flag-{flag}"]"#));
        assert!(has_class(&chip, "off"), "{flag} should be off");
    }

    let seq = m.get(r#"[data-testid="field-sequence-number"]"#).text_content().unwrap_or_default();
    assert!(seq.contains(&seg.repr.seq.0.to_string()), "absolute seq in {seq}");
    assert!(seq.contains("relative 0"), "relative seq in {seq}");
    let ack = m.get(r#"[data-testid="field-acknowledgment-number"]"#);
    assert!(!has_class(&ack, "off"), "the SYN-ACK's ACK number is meaningful");
    assert!(ack.text_content().unwrap_or_default().contains("relative 1"));

    for slug in [
        "source-port",
        "destination-port",
        "data-offset",
        "reserved",
        "window",
        "checksum",
        "urgent-pointer",
        "payload",
    ] {
        m.get(&format!(r#"[data-testid="field-{slug}"]"#));
    }
    assert!(m.get(r#"[data-testid="checksum-status"]"#).text_content().unwrap_or_default().contains("verified"));
    let header_len = seg.repr.header_len();
    let offset = m.get(r#"[data-testid="field-data-offset"]"#).text_content().unwrap_or_default();
    assert!(offset.contains(&format!("{} words = {header_len} bytes", header_len / 4)), "{offset}");
    // One row per option the SYN-ACK carries.
    let options = m.all(r#"tr[data-testid^="field-option-"]"#).len();
    assert_eq!(options, seg.repr.field_spans().filter(|s| s.name.starts_with("Option:")).count());
    if seg.repr.options.mss().is_some() {
        m.get(r#"[data-testid="field-option-mss"]"#);
    }

    // The dump holds the header (a SYN-ACK has no payload), 16 bytes a line.
    assert_eq!(m.all(r#"[data-testid="hexdump"] .dump-hex .byte"#).len(), header_len + seg.payload.len());
    assert_eq!(m.all(r#"[data-testid="hexdump"] .dump-line"#).len(), header_len.div_ceil(16));
    m.destroy();
}

#[wasm_bindgen_test]
async fn fields_and_bytes_highlight_each_other() {
    let m = Mounted::new(handshake(), SYN_ACK, Lang::En).await;
    assert!(m.lit_bytes().is_empty());

    let seq = m.get(r#"[data-testid="field-sequence-number"]"#);
    dispatch(&seq, "mouseenter", false);
    settle().await;
    assert_eq!(m.lit_bytes(), vec![4, 5, 6, 7]);
    assert!(has_class(&seq, "hl"));
    assert!(
        m.get(r#"[data-testid="inspector-explain"]"#).text_content().unwrap_or_default().contains("Sequence Number")
    );

    // Focus (the keyboard's way) does the same.
    let window = m.get(r#"[data-testid="field-window"]"#);
    dispatch(&window, "focus", false);
    settle().await;
    assert_eq!(m.lit_bytes(), vec![14, 15]);
    assert!(!has_class(&seq, "hl"));

    // A byte lights up its field; byte 12 holds two fields, byte 13 the flags.
    let byte = |i: usize| m.get(&format!(r#"[data-testid="hexdump"] .dump-hex [data-offset="{i}"]"#));
    dispatch(&byte(13), "mouseover", true);
    settle().await;
    assert!(has_class(&m.get(r#"[data-testid="field-flags"]"#), "hl"));
    assert_eq!(m.lit_bytes(), vec![13]);
    dispatch(&byte(12), "mouseover", true);
    settle().await;
    assert!(has_class(&m.get(r#"[data-testid="field-data-offset"]"#), "hl"));
    assert!(has_class(&m.get(r#"[data-testid="field-reserved"]"#), "hl"));
    dispatch(&byte(5), "mouseover", true);
    settle().await;
    assert!(has_class(&seq, "hl"));
    assert_eq!(m.lit_bytes(), vec![4, 5, 6, 7]);

    dispatch(&m.get(r#"[data-testid="hexdump"]"#), "mouseleave", false);
    settle().await;
    assert!(m.lit_bytes().is_empty());
    m.destroy();
}

#[wasm_bindgen_test]
async fn fault_buttons_report_the_segment() {
    let m = Mounted::new(handshake(), SYN_ACK, Lang::En).await;
    m.button("inspector-drop").click();
    settle().await;
    assert_eq!(*m.faults.borrow(), vec![FaultRequest { segment: SYN_ACK, action: FaultAction::Drop, delay_ms: 0.0 }]);

    m.button("inspector-delay").click();
    m.button("inspector-duplicate").click();
    settle().await;
    let faults = m.faults.borrow().clone();
    assert_eq!(faults[1], FaultRequest { segment: SYN_ACK, action: FaultAction::Delay, delay_ms: 500.0 });
    assert_eq!(faults[2], FaultRequest { segment: SYN_ACK, action: FaultAction::Duplicate, delay_ms: 100.0 });

    m.button("inspector-close").click();
    settle().await;
    assert_eq!(*m.closed.borrow(), 1);
    m.get(r#"[data-testid="field-window"]"#).dispatch_event(&key_down("Escape")).expect("dispatch");
    settle().await;
    assert_eq!(*m.closed.borrow(), 2);
    m.destroy();
}

#[wasm_bindgen_test]
async fn a_bad_delay_disables_the_delay_button() {
    let m = Mounted::new(handshake(), SYN_ACK, Lang::En).await;
    let input: HtmlInputElement = m.get(r#"[data-testid="inspector-delay-ms"]"#).dyn_into().expect("an input");
    assert_eq!(input.value(), "500");
    let error = || m.get(r#"[data-testid="inspector-delay-error"]"#).text_content().unwrap_or_default();
    assert_eq!(error(), "");

    for bad in ["-5", "", "600001", "abc", "1e400"] {
        input.set_value(bad);
        dispatch(&input, "input", true);
        settle().await;
        assert!(m.button("inspector-delay").has_attribute("disabled"), "{bad:?} should disable Delay");
        assert!(error().contains("0 to 600000"), "{bad:?}: {}", error());
        assert_eq!(input.get_attribute("aria-invalid").as_deref(), Some("true"));
        // Drop and Duplicate do not depend on it.
        assert!(!m.button("inspector-drop").has_attribute("disabled"));
    }

    input.set_value("250");
    dispatch(&input, "input", true);
    settle().await;
    let delay = m.button("inspector-delay");
    assert!(!delay.has_attribute("disabled"));
    assert_eq!(error(), "");
    delay.click();
    settle().await;
    assert_eq!(
        *m.faults.borrow(),
        vec![FaultRequest { segment: SYN_ACK, action: FaultAction::Delay, delay_ms: 250.0 }]
    );
    m.destroy();
}

#[wasm_bindgen_test]
async fn a_network_duplicate_cannot_be_faulted() {
    let mut trace = (*handshake()).clone();
    trace.segments[2].duplicate_of = Some(SegId(0));
    let m = Mounted::new(Shared::new(trace), 2, Lang::Zh).await;
    for id in ["inspector-drop", "inspector-delay", "inspector-duplicate"] {
        assert!(m.button(id).has_attribute("disabled"), "{id} should be disabled");
    }
    let why = m.get(r#"[data-testid="inspector-fault-why"]"#).text_content().unwrap_or_default();
    assert!(why.contains("#1"), "{why}");
    // Chinese labels.
    assert_eq!(m.button("inspector-drop").text_content().as_deref(), Some("丢弃"));
    assert!(m.get(".inspector-head").text_content().unwrap_or_default().contains("网络重复"));
    m.destroy();
}

#[wasm_bindgen_test]
async fn a_missing_segment_does_not_panic() {
    let m = Mounted::new(handshake(), 999, Lang::En).await;
    assert!(m.get(r#"[data-testid="inspector"]"#).text_content().unwrap_or_default().contains("no such segment"));
    m.destroy();
}
