//! Component tests of the web app, run in headless Chromium by `wasm-bindgen-test`
//! (`cargo xtask test` sets the runner up).
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use synack_web::App;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Document, Element};

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

fn mount() -> (Element, yew::AppHandle<App>) {
    mount_at("")
}

/// Mounts the app on a page whose address holds `fragment`, as a reader opening a link does.
/// (Setting the link after mounting would race the app's own first write of its address.)
fn mount_at(fragment: &str) -> (Element, yew::AppHandle<App>) {
    // The app keeps its permalink in the URL fragment: start each test from a known address.
    let window = web_sys::window().expect("a window");
    let path = window.location().pathname().expect("a path");
    let url = if fragment.is_empty() { path } else { format!("{path}#{fragment}") };
    window.history().expect("history").replace_state_with_url(&JsValue::NULL, "", Some(&url)).expect("set the URL");
    // A big diagram of an earlier test may have scrolled the page; the diagram draws only the
    // rows in view.
    window.scroll_to_with_x_and_y(0.0, 0.0);
    let document = document();
    let root = document.create_element("div").expect("a div");
    document.body().expect("a body").append_child(&root).expect("attach the root");
    let app = yew::Renderer::<App>::with_root(root.clone()).render();
    (root, app)
}

/// Clicks any element, SVG ones included (they have no `click()`): a bubbling mouse event.
fn click(root: &Element, selector: &str) {
    let el = find(root, selector).unwrap_or_else(|| panic!("no {selector}"));
    let init = web_sys::MouseEventInit::new();
    init.set_bubbles(true);
    let event = web_sys::MouseEvent::new_with_mouse_event_init_dict("click", &init).expect("a click event");
    el.dispatch_event(&event).expect("dispatch");
}

#[wasm_bindgen_test]
async fn the_default_experiment_is_drawn_complete() {
    let (root, app) = mount();
    settle().await;
    assert_eq!(text(&root, "header h1"), "synack");
    let arrows = root.query_selector_all(r#"svg[data-testid="diagram"] .arrows g[data-segment]"#).expect("selector");
    assert_eq!(arrows.length(), 11, "handshake, data both ways, four-way close");
    assert!(!text(&root, r#"[data-testid="headline"]"#).is_empty());
    let count = text(&root, r#"[data-testid="step-count"]"#);
    let (shown, total) = count.rsplit_once(' ').and_then(|(_, n)| n.split_once('/')).expect("Step n/m");
    assert_eq!(shown, total, "the last step is shown first: {count}");
    app.destroy();
    root.remove();
}

#[wasm_bindgen_test]
async fn stepping_hides_what_has_not_happened_yet() {
    let (root, app) = mount();
    settle().await;
    let visible =
        |root: &Element| root.query_selector_all(".arrows g[data-segment]:not(.future)").expect("selector").length();
    assert_eq!(visible(&root), 11);
    click(&root, r#"[data-testid="playback"] button"#); // to the start
    settle().await;
    assert_eq!(visible(&root), 1, "at the first step only the SYN has left");
    click(&root, r#"[data-testid="step-forward"]"#);
    settle().await;
    assert!(visible(&root) >= 1);
    assert!(text(&root, r#"[data-testid="step-count"]"#).contains(" 2/"));
    app.destroy();
    root.remove();
}

#[wasm_bindgen_test]
async fn choosing_a_segment_opens_the_inspector_and_dropping_it_resimulates() {
    let (root, app) = mount();
    settle().await;
    assert!(find(&root, r#"[data-testid="inspector"]"#).is_none());
    let before = root.query_selector_all(".arrows g[data-segment]").expect("selector").length();
    let settings = find(&root, "form.controls").expect("the settings");
    let hash = web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
    let steps = text(&root, r#"[data-testid="step-count"]"#);
    assert!(before > 0, "the default experiment is drawn: {steps}, at {hash}");
    click(&root, r#".arrows g[data-segment="0"]"#);
    settle().await;
    assert!(find(&root, r#"[data-testid="inspector"]"#).is_some());
    click(&root, r#"[data-testid="inspector-drop"]"#);
    settle().await;
    // The list of faults appears below the settings: they stay as they were (not built anew).
    assert!(find(&root, r#"[data-testid="faults"]"#).is_some());
    assert!(settings.is_connected(), "the settings were built anew when the faults appeared");
    let after = root.query_selector_all(".arrows g[data-segment]").expect("selector").length();
    assert!(after > before, "a lost SYN is retransmitted: {before} -> {after} segments");
    assert!(find(&root, ".arrows g.seg.syn.lost").is_some());
    assert!(text(&root, r#"[data-testid="faults"]"#).contains("client syn #1"));
    app.destroy();
    root.remove();
}

/// The diagram's drawing goes into the page as markup (`seqdiag::svg::page_body`): names from a
/// reader's scenario must stay text, in the diagram and everywhere else.
#[wasm_bindgen_test]
async fn names_from_a_scenario_stay_text() {
    let hostile = r#"<img src=x onerror=__pwned=1>&'"#;
    let json = format!(
        r#"{{"hosts": [
            {{"name": {hostile:?}, "addr": "192.0.2.1", "app": [{{"at_ms": 0, "do": "connect", "to": "server"}}]}},
            {{"name": "server", "addr": "198.51.100.1", "app": [{{"at_ms": 0, "do": "listen"}}]}}
        ]}}"#
    );
    let experiment = synack_web::experiment::Experiment::from_scenario_file(&json).expect("the page reads it");
    let fragment = synack_web::permalink::encode(&experiment, &synack_web::view::View::default()).expect("a link");
    let (root, app) = mount_at(&fragment);
    settle().await;
    let diagram = find(&root, r#"svg[data-testid="diagram"]"#).expect("the diagram is drawn");
    assert!(find(&root, "img").is_none(), "a host's name became an element");
    let names: Vec<String> = (0..diagram.query_selector_all(".head-name").expect("selector").length())
        .filter_map(|k| diagram.query_selector_all(".head-name").ok()?.item(k)?.text_content())
        .collect();
    // (A long name may be wrapped or shortened to fit its lane.)
    assert!(names.iter().any(|n| n.starts_with("<img")), "the name is drawn as text: {names:?}");
    assert!(
        js_sys::Reflect::get(&web_sys::window().expect("a window"), &"__pwned".into()).expect("get").is_undefined()
    );
    app.destroy();
    root.remove();
}

/// A handshake, then silence: a connection that stays idle.
const IDLE: &str = r#"{"hosts": [
    {"name": "client", "addr": "192.0.2.1", "app": [{"at_ms": 0, "do": "connect", "to": "server"}]},
    {"name": "server", "addr": "198.51.100.1", "app": [{"at_ms": 0, "do": "listen"}]}
]}"#;

/// Keep-alive from the settings (and the link): an idle connection gets probes, and the
/// settings show what was asked for.
#[wasm_bindgen_test]
async fn keep_alive_probes_an_idle_connection() {
    let mut experiment = synack_web::experiment::Experiment::from_scenario_file(IDLE).expect("the page reads it");
    let link = |e: &synack_web::experiment::Experiment| {
        synack_web::permalink::encode(e, &synack_web::view::View::default()).expect("a link")
    };
    let (root, app) = mount_at(&link(&experiment));
    settle().await;
    let arrows = |root: &Element| root.query_selector_all(".arrows g[data-segment]").expect("selector").length();
    assert_eq!(arrows(&root), 3, "the handshake, then silence");
    let ms = |v: f64| tcp_sim::scenario::Millis::new(v).expect("a duration");
    let tcp = &mut experiment.settings.tcp;
    (tcp.keepalive, tcp.keepalive_idle_ms, tcp.keepalive_interval_ms) =
        (Some(true), Some(ms(30_000.0)), Some(ms(5_000.0)));
    tcp.keepalive_probes = Some(3);
    let with_keepalive = link(&experiment);
    assert!(with_keepalive.contains("ka=on&kaidle=30&kaintvl=5&kacnt=3"), "{with_keepalive}");
    web_sys::window().expect("a window").location().set_hash(&with_keepalive).expect("set the link");
    // (A run this long may go on in slices.)
    assert!(until(30, || arrows(&root) > 3).await, "probes after 30 s of silence: {} segments", arrows(&root));
    let checkbox = find(&root, r#"[data-testid="set-keepalive"]"#).expect("the keep-alive setting");
    assert!(checkbox.unchecked_into::<web_sys::HtmlInputElement>().checked());
    let idle_field = find(&root, r#"[data-testid="set-keepalive-idle"]"#).expect("the idle time field");
    assert_eq!(idle_field.unchecked_into::<web_sys::HtmlInputElement>().value(), "30");
    // Let the app's queued work end before it goes: a task still queued once it was destroyed
    // left the next test's page at this link (seen once the run took longer on the timer wheel).
    settle().await;
    app.destroy();
    root.remove();
}

/// A link the reader follows while the page is about to write its own address (a change just
/// drawn) is opened, not written over.
#[wasm_bindgen_test]
async fn a_link_followed_during_a_change_wins() {
    let experiment = synack_web::experiment::Experiment::from_scenario_file(IDLE).expect("the page reads it");
    let link = synack_web::permalink::encode(&experiment, &synack_web::view::View::default()).expect("a link");
    let (root, app) = mount();
    let arrows = |root: &Element| root.query_selector_all(".arrows g[data-segment]").expect("selector").length();
    let steps = || text(&root, r#"[data-testid="step-count"]"#);
    assert!(until(10, || arrows(&root) > 3).await, "the default experiment is drawn: {}", steps());
    click(&root, r#"[data-testid="lang"]"#);
    // Yew draws the change in a microtask, which queues its task writing the address. The link
    // changes the address now, and its `hashchange` comes only after that task has run (the
    // order of the two is the browser's to choose; this is the order that overwrote links).
    wasm_bindgen_futures::JsFuture::from(js_sys::Promise::resolve(&JsValue::NULL)).await.expect("a microtask");
    let window = web_sys::window().expect("a window");
    let path = window.location().pathname().expect("a path");
    let history = window.history().expect("history");
    history.push_state_with_url(&JsValue::NULL, "", Some(&format!("{path}#{link}"))).expect("follow the link");
    settle().await;
    window.dispatch_event(&web_sys::Event::new("hashchange").expect("an event")).expect("dispatch");
    assert!(
        until(10, || arrows(&root) == 3).await,
        "the link's experiment: {} segments, {}, address {:?}",
        arrows(&root),
        steps(),
        web_sys::window().expect("a window").location().hash()
    );
    settle().await;
    let hash = web_sys::window().expect("a window").location().hash().unwrap_or_default();
    // (Once in CI, on a loaded machine, the address held the previous test's echo link in
    // Chinese at step 5: the step count says which experiment was on screen then.)
    assert_eq!(hash, format!("#{link}"), "the address is the link's; on screen: {}", steps());
    app.destroy();
    root.remove();
}

/// Gives the page's file picker a file, as a reader choosing one does.
fn choose_file(root: &Element, name: &str, text: &str) {
    let input: web_sys::HtmlInputElement =
        find(root, r#"[data-testid="load-scenario"]"#).expect("the file picker").dyn_into().expect("an input");
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let file = web_sys::File::new_with_str_sequence(&parts, name).expect("a file");
    let transfer = web_sys::DataTransfer::new().expect("a DataTransfer");
    let items = js_sys::Reflect::get(&transfer, &"items".into()).expect("its items");
    let add: js_sys::Function =
        js_sys::Reflect::get(&items, &"add".into()).expect("items.add").dyn_into().expect("a function");
    add.call1(&items, &file).expect("add the file");
    input.set_files(transfer.files().as_ref());
    input.dispatch_event(&web_sys::Event::new("change").expect("a change event")).expect("dispatch");
}

/// Waits (up to `seconds`) until `ready` holds.
async fn until(seconds: u64, ready: impl Fn() -> bool) -> bool {
    for _ in 0..seconds * 200 {
        if ready() {
            return true;
        }
        yew::platform::time::sleep(Duration::from_millis(5)).await;
    }
    ready()
}

/// A big scenario of the reader's (issue #10's 16-host mesh, 2,000 segments) is simulated and
/// laid out in slices: the page says how far it has got and can cancel it, and the diagram
/// changes only once the work is over. So is every later change to it (another language, a
/// dropped segment).
#[wasm_bindgen_test]
async fn a_big_scenario_of_the_readers_is_simulated_in_slices() {
    let mesh = include_str!("../../../shared/adversarial/05_mesh16_memory.json");
    let (root, app) = mount();
    settle().await;
    let hosts = |root: &Element| {
        root.query_selector_all(r#"svg[data-testid="diagram"] .head-name"#).expect("selector").length()
    };
    assert_eq!(hosts(&root), 2);
    let settings = find(&root, "form.controls").expect("the settings");

    choose_file(&root, "mesh.json", mesh);
    assert!(
        until(5, || find(&root, r#"[data-testid="simulating"]"#).is_some()).await,
        "the page says it is simulating"
    );
    assert!(settings.is_connected(), "the settings were built anew when the progress appeared");
    assert_eq!(hosts(&root), 2, "the diagram stays as it was while the run goes on");
    click(&root, r#"[data-testid="cancel-simulation"]"#);
    assert!(until(30, || find(&root, r#"[data-testid="simulating"]"#).is_none()).await, "cancelled");
    settle().await;
    assert_eq!(hosts(&root), 2, "a cancelled run changes nothing");
    assert!(find(&root, r#"[data-testid="error"]"#).is_none());

    choose_file(&root, "mesh.json", mesh);
    assert!(until(120, || find(&root, r#"[data-testid="simulating"]"#).is_none() && hosts(&root) == 16).await);
    assert!(text(&root, r#"[data-testid="simulating"]"#).is_empty());

    // Drawn again in the other language: the same trace, laid out in slices.
    let title = || find(&root, "#diagram").and_then(|d| d.get_attribute("aria-label")).unwrap_or_default();
    let english = title();
    click(&root, r#"[data-testid="lang"]"#);
    assert!(
        until(5, || text(&root, r#"[data-testid="simulating"]"#).contains("正在绘制")).await,
        "the page says it is drawing: {:?}",
        text(&root, r#"[data-testid="simulating"]"#)
    );
    assert_eq!(title(), english, "the diagram stays as it was until it is drawn again");
    assert!(
        until(60, || find(&root, r#"[data-testid="simulating"]"#).is_none() && title() != english).await,
        "drawn again: busy {:?}, title {:?}",
        text(&root, r#"[data-testid="simulating"]"#),
        title()
    );
    // A big drawing goes in a frame's worth at a time, after the page has taken the new run.
    assert!(until(5, || hosts(&root) == 16).await, "the hosts are drawn: {}", hosts(&root));

    // A fault re-runs the whole scenario, in slices too; the fault is listed once its run is
    // shown. (Only the rows near the view are drawn: the first one drawn is dropped.)
    let faults = || text(&root, r#"[data-testid="faults"]"#);
    assert!(faults().is_empty());
    assert!(until(5, || find(&root, ".arrows g.seg[data-segment]").is_some()).await, "the arrows are drawn");
    click(&root, ".arrows g.seg[data-segment]");
    settle().await;
    click(&root, r#"[data-testid="inspector-drop"]"#);
    assert!(
        until(5, || find(&root, r#"[data-testid="simulating"]"#).is_some()).await,
        "the page says it is simulating the change"
    );
    assert!(faults().is_empty(), "the fault shows with its run");
    assert!(until(120, || find(&root, r#"[data-testid="simulating"]"#).is_none() && !faults().is_empty()).await);
    assert!(find(&root, r#"[data-testid="error"]"#).is_none());
    app.destroy();
    root.remove();
}

/// A link to a big scenario of the reader's (the 16-host mesh) at a step: the run and the
/// layout go in slices, and the page then shows that step.
#[wasm_bindgen_test]
async fn a_link_to_a_big_scenario_opens_at_its_step() {
    // (The mesh is too big for a link; this echo is not.)
    let echo = include_str!("../../crates/tcp-sim/tests/adversarial/echo_data_on_data.toml");
    let experiment = synack_web::experiment::Experiment::from_scenario_file(echo).expect("the page reads it");
    let view = synack_web::view::View { step: Some(4), ..synack_web::view::View::default() };
    let fragment = synack_web::permalink::encode(&experiment, &view).expect("a link");
    let (root, app) = mount_at(&fragment);
    let busy = || find(&root, r#"[data-testid="simulating"]"#).is_some();
    assert!(
        until(5, busy).await,
        "the link's scenario goes in slices: error {:?}, steps {:?}, hash {}",
        text(&root, r#"[data-testid="error"]"#),
        text(&root, r#"[data-testid="step-count"]"#),
        web_sys::window().expect("a window").location().hash().unwrap_or_default().len(),
    );
    assert!(until(120, || !busy()).await);
    let count = text(&root, r#"[data-testid="step-count"]"#);
    assert!(count.contains(" 5/"), "the link's step (the fifth): {count}");
    let last: usize = count.rsplit('/').next().and_then(|n| n.trim().parse().ok()).expect("the step count");
    assert!(last > 1000, "the echo's steps: {count}");
    app.destroy();
    root.remove();
}

/// The odds: the page counts the runs with the library call `synack odds` makes, for the same
/// seeds, and shows the same figures; a bar opens one of its runs as an ordinary experiment.
#[wasm_bindgen_test]
async fn the_odds_count_runs_as_the_cli_does_and_open_one() {
    use tcp_sim::odds::{Odds, Verdict, percentile};
    let (root, app) = mount();
    settle().await;
    assert!(until(30, || find(&root, r#"[data-testid="odds-run"]"#).is_some()).await, "the odds panel");
    let disabled = || find(&root, r#"[data-testid="odds-run"]"#).is_some_and(|b| b.has_attribute("disabled"));
    assert!(disabled(), "no loss, nothing to count");
    // The loss is set in the panel, as in the settings; a value that cannot be used is said at
    // its field, which keeps what was typed.
    let type_into = |id: &str, value: &str| {
        let field = find(&root, &format!(r#"[data-testid="{id}"]"#)).expect("the field");
        let field = field.unchecked_into::<web_sys::HtmlInputElement>();
        field.set_value(value);
        field.dispatch_event(&web_sys::Event::new("change").expect("an event")).expect("dispatch");
    };
    type_into("odds-loss", "150");
    settle().await;
    let said = text(&root, r#"[data-testid="odds-loss-error"]"#);
    assert!(said.contains("between 0 and 100") && said.contains("150"), "{said}");
    type_into("odds-runs", "ten");
    settle().await;
    assert!(text(&root, r#"[data-testid="odds-runs-error"]"#).contains("`ten` is not a whole number"));
    type_into("odds-loss", "20");
    let hash = || web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
    assert!(until(30, || hash().contains("loss=20") && !disabled()).await, "{}", hash());
    type_into("odds-runs", "300");
    settle().await;
    assert!(find(&root, r#"[data-testid="odds-runs-error"]"#).is_none(), "a good value clears the message");
    click(&root, r#"[data-testid="odds-run"]"#);
    assert!(until(30, || find(&root, r#"[data-testid="odds-result"]"#).is_some()).await, "the runs end");

    let experiment = synack_web::permalink::decode("loss=20").expect("the link").0;
    let expected = Odds::run(&experiment.scenario().expect("runs"), tcp_sim::Limits::DEFAULT, 0..300);
    let outcomes = text(&root, r#"[data-testid="odds-outcomes"]"#);
    for verdict in Verdict::ALL.into_iter().filter(|v| expected.count_of(*v) > 0) {
        let count = format!("({})", expected.count_of(verdict));
        assert!(outcomes.contains(&count), "{verdict:?} {count} in {outcomes}");
    }
    assert_eq!(text(&root, r#"[data-testid="odds-result"] .hint code"#), "synack odds", "the command set as code");
    let established = expected.sorted(|r| r.established);
    let median = percentile(&established, 50.0).expect("some runs connect");
    let shown = text(&root, r#"[data-testid="odds-established"] .odds-stats"#);
    let median_text = bilingual::duration(bilingual::Lang::En, median.micros);
    assert!(shown.contains(&format!("median {median_text}")), "{shown}");

    // The first outcome's button opens the first run that ended so, with its seed.
    let first = Verdict::ALL.into_iter().find(|v| expected.count_of(*v) > 0).expect("an outcome");
    let seed = expected.seeds_of(first).next().expect("a seed");
    click(&root, r#"[data-testid="odds-outcomes"] button"#);
    assert!(until(30, || hash().contains(&format!("seed={seed}"))).await, "the run's link: {}", hash());
    // The counts stay on screen for the next bar.
    assert!(find(&root, r#"[data-testid="odds-result"]"#).is_some());
    app.destroy();
    root.remove();
}

/// Exercises asked while two runs are compared: the other run's diagram is cut where the first
/// is (one time axis), so neither shows the question's answer.
#[wasm_bindgen_test]
async fn a_question_hides_its_answer_in_both_compared_runs() {
    let (root, app) = mount_at("lost-final-ack");
    settle().await;
    click(&root, r#"[data-testid="compare-no-faults"]"#);
    settle().await;
    let height = |svg: &str| {
        let el = find(&root, &format!(r#"svg[data-testid="{svg}"]"#)).unwrap_or_else(|| panic!("no {svg}"));
        let view_box = el.get_attribute("viewBox").unwrap_or_default();
        view_box.rsplit(' ').next().and_then(tcp_sim::decimal::parse_f64).unwrap_or_else(|| panic!("{view_box}"))
    };
    let whole = (height("diagram"), height("diagram-compared"));
    click(&root, r#"[data-testid="exercise-start"]"#);
    settle().await;
    if find(&root, r#"[data-testid="exercise-question"]"#).is_none() {
        click(&root, r#"[data-testid="exercise-skip"]"#);
        settle().await;
    }
    assert!(find(&root, r#"[data-testid="exercise-question"]"#).is_some(), "a question is open");
    let cut = (height("diagram"), height("diagram-compared"));
    assert!(cut.0 < whole.0, "the first run is cut above the question: {cut:?} of {whole:?}");
    assert_eq!(cut.1, cut.0, "the other run is cut at the same moment: {cut:?} of {whole:?}");
    app.destroy();
    root.remove();
}

/// Compare: lost-final-ack against the same without its faults. Both diagrams, the sentence, the
/// dropped ACK marked in the first and the ACK that arrives in the second, playback stepping
/// both, and the link reopening the comparison.
#[wasm_bindgen_test]
async fn two_runs_compared_part_at_the_dropped_ack() {
    let (root, app) = mount_at("lost-final-ack");
    settle().await;
    click(&root, r#"[data-testid="compare-no-faults"]"#);
    settle().await;
    assert!(find(&root, r#"[data-testid="compare"] svg[data-testid="diagram"]"#).is_some(), "the first run");
    assert!(find(&root, r#"[data-testid="compare"] svg[data-testid="diagram-compared"]"#).is_some(), "the second");
    assert_eq!(document().query_selector_all("#diagram").expect("selector").length(), 1, "one #diagram");
    let sentence = text(&root, r#"[data-testid="compare-sentence"]"#);
    assert!(sentence.contains("part") && sentence.contains("lost"), "{sentence}");
    assert!(text(&root, r#"[data-testid="compare-second"]"#).contains("faults=off"));

    // Where they part: the client's last ACK, dropped in the first run, delivered in the second.
    let scenario = tcp_sim::catalogue::get("lost-final-ack").expect("entry").scenario().expect("scenario");
    let first = tcp_sim::simulate(&scenario);
    let mut without = scenario.clone();
    without.faults.clear();
    let second = tcp_sim::simulate(&without);
    let parting = tcp_sim::compare::divergence(&first, &second).expect("they part");
    let (a, b) = (parting.a.expect("a segment in the first"), parting.b.expect("and in the second"));
    assert!(matches!(first.segments[a].fate, tcp_sim::trace::Fate::Lost { .. }));
    for (svg, seg) in [("diagram", a), ("diagram-compared", b)] {
        let glow = format!(r#"svg[data-testid="{svg}"] .divergence .div-seg[data-segment="{}"]"#, seg.index());
        assert!(find(&root, &glow).is_some(), "{glow}");
    }
    // The link carries the comparison.
    let address = || web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
    assert!(until(10, || address().contains("vs=")).await, "{}", address());
    let hash = address();

    // Playback steps both: from the start, the second run shows more as the first goes on.
    let shown = |svg: &str| {
        root.query_selector_all(&format!(r#"svg[data-testid="{svg}"] .arrows g[data-segment]:not(.future)"#))
            .expect("selector")
            .length()
    };
    click(&root, r#"[data-testid="playback"] button"#); // to the start
    settle().await;
    let (a0, b0) = (shown("diagram"), shown("diagram-compared"));
    assert_eq!((a0, b0), (1, 1), "at the first step only each SYN has left");
    click(&root, r#"[data-testid="compare-go"]"#);
    settle().await;
    let (a1, b1) = (shown("diagram"), shown("diagram-compared"));
    assert!(a1 > a0 && b1 > b0 && a1 == b1, "both runs at the moment they part: {a1} {b1}");
    app.destroy();
    root.remove();

    // The link reopens it.
    let (root, app) = mount_at(hash.trim_start_matches('#'));
    settle().await;
    assert!(find(&root, r#"svg[data-testid="diagram-compared"]"#).is_some(), "reopened from {hash}");
    app.destroy();
    root.remove();
}
