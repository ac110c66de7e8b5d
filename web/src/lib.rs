//! The synack web app: a TCP handshake visualizer.
//!
//! For now a placeholder page: a title, an empty sequence-diagram canvas and a
//! button that toggles a short explanation. `boot.js` loads the module and calls
//! [`run`], which mounts [`App`] into `<body>`.

use wasm_bindgen::prelude::wasm_bindgen;
use yew::prelude::*;

/// The whole page.
#[component]
pub fn App() -> Html {
    let details = use_state(|| false);
    let toggle = {
        let details = details.clone();
        Callback::from(move |_: MouseEvent| details.set(!*details))
    };
    html! {
        <main id="app">
            <h1>{ "synack" }</h1>
            <p class="tagline">{ "Watch a TCP connection shake hands." }</p>
            <svg data-testid="diagram" viewBox="0 0 100 100" role="img"
                aria-label="TCP sequence diagram">
                <line x1="20" y1="10" x2="20" y2="90" class="lifeline" />
                <line x1="80" y1="10" x2="80" y2="90" class="lifeline" />
            </svg>
            <button type="button" data-testid="toggle" aria-expanded={ details.to_string() }
                onclick={ toggle }>
                { if *details { "Hide the handshake" } else { "Show the handshake" } }
            </button>
            if *details {
                <p data-testid="details">{ "SYN → SYN-ACK → ACK" }</p>
            }
        </main>
    }
}

/// Mounts the app into `<body>`; called once by `boot.js` after the module is initialised.
#[wasm_bindgen]
pub fn run() {
    yew::Renderer::<App>::new().render();
}
