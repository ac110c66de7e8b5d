//! Any bytes, fed in chunks whose size the first byte picks: the reader returns a listing or an
//! error, never panics, and holds at most one record between chunks; each listed connection
//! (the first three) is collected and imported.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&chunk, bytes)) = data.split_first() else { return };
    let chunk = usize::from(chunk) + 1;
    let mut scanner = capture::Scanner::new();
    for piece in bytes.chunks(chunk) {
        if scanner.feed(piece).is_err() {
            return;
        }
    }
    let Ok(listing) = scanner.finish() else { return };
    for c in listing.connections.iter().take(3) {
        if let Ok(collected) = capture::collect(bytes, &listing, c.number) {
            let _ = capture::import(&collected);
        }
    }
});
