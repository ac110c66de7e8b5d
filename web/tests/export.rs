//! The export buttons, mounted alone in headless Chromium (`cargo xtask test` sets the runner
//! up). Downloads are caught by a capturing click listener on the document, which records the
//! temporary `<a download>` and cancels the real download.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;
use synack_web::state::Shared;

use bilingual::Lang;
use synack_web::components::export::{Export, ExportProps};
use synack_web::experiment::Experiment;
use tcp_sim::catalogue;
use wasm_bindgen::JsCast as _;
use wasm_bindgen::closure::Closure;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Element, HtmlAnchorElement, HtmlElement, MouseEvent};
use yew::AppHandle;

wasm_bindgen_test_configure!(run_in_browser);

/// A download the component started: the file name and the URL.
type Download = (String, String);

/// A mounted export bar and the downloads it started.
struct Mounted {
    root: Element,
    app: AppHandle<Export>,
    downloads: Rc<RefCell<Vec<Download>>>,
    listener: Closure<dyn FnMut(MouseEvent)>,
}

impl Mounted {
    async fn new(lang: Lang) -> Mounted {
        Mounted::comparing(lang, None).await
    }

    /// The export bar, comparing the handshake with `other` if given.
    async fn comparing(lang: Lang, other: Option<Experiment>) -> Mounted {
        let document = web_sys::window().and_then(|w| w.document()).expect("a browser document");
        let root = document.create_element("div").expect("a div");
        document.body().expect("a body").append_child(&root).expect("attach the root");
        let downloads = Rc::new(RefCell::new(Vec::new()));
        let listener = {
            let downloads = downloads.clone();
            Closure::<dyn FnMut(MouseEvent)>::new(move |e: MouseEvent| {
                let anchor = e.target().and_then(|t| t.dyn_into::<HtmlAnchorElement>().ok());
                if let Some(a) = anchor.filter(|a| !a.download().is_empty()) {
                    e.prevent_default();
                    downloads.borrow_mut().push((a.download(), a.href()));
                }
            })
        };
        document
            .add_event_listener_with_callback_and_bool("click", listener.as_ref().unchecked_ref(), true)
            .expect("listen");
        let experiment = Experiment::default();
        let scenario = catalogue::get(&experiment.entry).expect("the entry").scenario().expect("its scenario");
        let trace = tcp_sim::simulate(&scenario);
        let compared = other.map(|other| {
            let trace = tcp_sim::simulate(&other.scenario().expect("the other run's scenario"));
            (Shared::new(trace), other)
        });
        let props = ExportProps { trace: Shared::new(trace), experiment, lang, relative: true, compared };
        let app = yew::Renderer::<Export>::with_root_and_props(root.clone(), props).render();
        settle().await;
        Mounted { root, app, downloads, listener }
    }

    fn find(&self, selector: &str) -> Option<Element> {
        self.root.query_selector(selector).expect("a valid selector")
    }

    fn text(&self, selector: &str) -> String {
        self.find(selector).and_then(|e| e.text_content()).unwrap_or_default()
    }

    fn click(&self, test_id: &str) {
        let button = self.find(&format!(r#"[data-testid="{test_id}"]"#)).unwrap_or_else(|| panic!("no {test_id}"));
        button.dyn_into::<HtmlElement>().expect("a button").click();
    }

    fn error(&self) -> Option<String> {
        self.find(r#"[data-testid="export-error"]"#).and_then(|e| e.text_content())
    }

    fn names(&self) -> Vec<String> {
        self.downloads.borrow().iter().map(|(name, _)| name.clone()).collect()
    }

    fn destroy(self) {
        let document = web_sys::window().and_then(|w| w.document()).expect("a browser document");
        let _ = document.remove_event_listener_with_callback_and_bool(
            "click",
            self.listener.as_ref().unchecked_ref(),
            true,
        );
        self.app.destroy();
        self.root.remove();
    }
}

/// Lets Yew's scheduler render.
async fn settle() {
    yew::platform::time::sleep(Duration::from_millis(20)).await;
}

const BUTTONS: [&str; 7] = [
    "export-svg",
    "export-png",
    "export-mermaid",
    "export-pcap",
    "export-json",
    "export-scenario",
    "export-mermaid-copy",
];

#[wasm_bindgen_test]
async fn every_button_is_there_in_both_languages() {
    let m = Mounted::new(Lang::En).await;
    assert!(m.find(r#"[data-testid="export"]"#).is_some());
    for id in BUTTONS {
        assert!(m.find(&format!(r#"button[data-testid="{id}"]"#)).is_some(), "no {id}");
    }
    assert_eq!(m.text(r#"[data-testid="export-json"]"#), "JSON trace");
    // The player's buttons first, in its order (the copy button last of them), then those only
    // the full module offers: a takeover adds buttons and moves none.
    let drawn = m.root.query_selector_all(".export-buttons button").expect("a valid selector");
    let order: Vec<String> = (0..drawn.length())
        .filter_map(|k| drawn.item(k)?.dyn_into::<Element>().ok()?.get_attribute("data-testid"))
        .collect();
    assert_eq!(order[..BUTTONS.len()], BUTTONS, "{order:?}");
    assert_eq!(
        order[BUTTONS.len()..],
        ["export-plantuml", "export-msc", "export-sequencediagram", "export-tikz"],
        "{order:?}"
    );
    assert!(m.error().is_none());
    assert!(m.downloads.borrow().is_empty(), "nothing is downloaded before a click");
    m.destroy();

    let m = Mounted::new(Lang::Zh).await;
    assert_eq!(m.text(r#"[data-testid="export-json"]"#), "JSON 轨迹");
    assert_eq!(m.text(r#"[data-testid="export-scenario"]"#), "场景（JSON）");
    m.destroy();
}

#[wasm_bindgen_test]
async fn svg_downloads_through_an_object_url() {
    let m = Mounted::new(Lang::En).await;
    m.click("export-svg");
    settle().await;
    assert_eq!(m.error(), None);
    let downloads = m.downloads.borrow().clone();
    assert_eq!(downloads.len(), 1, "{downloads:?}");
    assert_eq!(downloads[0].0, "synack-handshake.svg");
    assert!(downloads[0].1.starts_with("blob:"), "{}", downloads[0].1);
    assert!(m.find("a[download]").is_none(), "the temporary link is gone");
    m.destroy();
}

#[wasm_bindgen_test]
async fn every_file_export_downloads_its_file() {
    let m = Mounted::new(Lang::En).await;
    for id in ["export-mermaid", "export-pcap", "export-json", "export-scenario"] {
        m.click(id);
    }
    settle().await;
    assert_eq!(m.error(), None);
    assert_eq!(
        m.names(),
        [
            "synack-handshake.mmd",
            "synack-handshake.pcap",
            "synack-handshake.trace.json",
            "synack-handshake.scenario.json"
        ]
    );
    m.destroy();
}

#[wasm_bindgen_test]
async fn png_is_drawn_and_downloaded_asynchronously() {
    let m = Mounted::new(Lang::En).await;
    m.click("export-png");
    for _ in 0..100 {
        if !m.downloads.borrow().is_empty() || m.error().is_some() {
            break;
        }
        yew::platform::time::sleep(Duration::from_millis(50)).await;
    }
    settle().await;
    assert_eq!(m.error(), None);
    assert_eq!(m.names(), ["synack-handshake.png"]);
    assert!(m.downloads.borrow()[0].1.starts_with("blob:"));
    let png = m.find(r#"[data-testid="export-png"]"#).expect("the PNG button");
    assert!(!png.has_attribute("disabled"), "the PNG button is enabled again");
    m.destroy();
}

/// Comparing two runs, the SVG and the PNG are of both, named so.
#[wasm_bindgen_test]
async fn a_comparison_exports_both_runs() {
    let mut other = Experiment::default();
    other.settings.profile = Some(tcp_core::config::Profile::Freebsd);
    let m = Mounted::comparing(Lang::En, Some(other)).await;
    m.click("export-svg");
    m.click("export-png");
    for _ in 0..100 {
        if m.downloads.borrow().len() == 2 || m.error().is_some() {
            break;
        }
        yew::platform::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(m.error(), None);
    assert_eq!(m.names(), ["synack-handshake-compared.svg", "synack-handshake-compared.png"]);
    m.destroy();
}
