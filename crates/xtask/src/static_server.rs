//! A tiny, std-only static file server for the built site (`web/dist`).
//!
//! Used by `cargo xtask serve` and by the end-to-end browser tests. It serves one
//! directory tree under one URL prefix: `/`, or a sub-path such as `/synack/` so
//! the tests can prove the site works when deployed below a domain's root (as on
//! GitHub Pages). Outside the prefix everything is 404, except that `/` and the
//! prefix without its trailing slash redirect to the prefix.
//!
//! It speaks just enough HTTP/1.1: `GET` and `HEAD`, one request per connection
//! (`Connection: close`), a whitelist of file types, and no way out of the root
//! (`..` segments, encoded or not, and symlinks pointing outside are refused).
//!
//! Like GitHub Pages, it sends a file gzip-compressed (`Content-Encoding: gzip`, `Vary:
//! Accept-Encoding`) to a client that accepts gzip, when the build wrote a compressed copy beside
//! it (`app.js.gz` beside `app.js`), so that what is measured locally is what readers get.

use std::fmt::Write as _;
use std::fs;
use std::io::{self, BufRead, BufReader, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// Longest request head (request line plus headers) accepted, in bytes.
const MAX_HEAD: usize = 16 * 1024;
/// How long a connection may stay silent before it is dropped.
const IO_TIMEOUT: Duration = Duration::from_secs(10);

/// What to serve, and where.
#[derive(Debug, Clone)]
pub struct Config {
    root: PathBuf,
    base: String,
    log: bool,
    headers: Vec<(String, String)>,
}

impl Config {
    /// Serves the directory `root` under the URL prefix `base` (`"/"`, `"/synack/"`;
    /// slashes around it are optional).
    ///
    /// # Errors
    /// If `root` is not an existing directory.
    pub fn new(root: impl AsRef<Path>, base: &str) -> io::Result<Self> {
        let root = fs::canonicalize(root.as_ref())
            .map_err(|e| io::Error::new(e.kind(), format!("cannot serve {}: {e}", root.as_ref().display())))?;
        if !root.is_dir() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("cannot serve {}: not a directory", root.display()),
            ));
        }
        Ok(Self { root, base: normalize_base(base), log: false, headers: Vec::new() })
    }

    /// Adds a header to every file served (e.g. `Content-Security-Policy`, or
    /// `Access-Control-Allow-Origin`, which sandboxed iframes need to load module scripts).
    #[must_use]
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Prints one line per request to stderr.
    #[must_use]
    pub fn with_logging(mut self, log: bool) -> Self {
        self.log = log;
        self
    }

    /// The URL prefix, starting and ending with `/`.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The canonical directory served.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Decides what a request gets, without doing any I/O but looking at the file tree.
    ///
    /// `target` is the request-target as sent (`/synack/app.js?x=1`).
    pub fn resolve(&self, method: &str, target: &str) -> Resolved {
        if method != "GET" && method != "HEAD" {
            return Resolved::MethodNotAllowed;
        }
        if !target.starts_with('/') {
            return Resolved::BadRequest;
        }
        let raw_path = target.split(['?', '#']).next().unwrap_or_default();
        let Some(path) = percent_decode(raw_path) else {
            return Resolved::BadRequest;
        };
        if path.contains(['\0', '\\']) {
            return Resolved::NotFound;
        }
        if self.base != "/" && (path == "/" || path == self.base.trim_end_matches('/')) {
            return Resolved::Redirect(self.base.clone());
        }
        let Some(rest) = path.strip_prefix(self.base.as_str()) else {
            return Resolved::NotFound;
        };

        let mut file = self.root.clone();
        for segment in rest.split('/').filter(|s| !s.is_empty()) {
            if segment == "." || segment == ".." {
                return Resolved::NotFound;
            }
            file.push(segment);
        }
        if file.is_dir() {
            if !raw_path.ends_with('/') {
                return Resolved::Redirect(format!("{raw_path}/"));
            }
            file.push("index.html");
        }
        // Canonicalising resolves symlinks; whatever they point to must stay inside the root.
        let Ok(file) = fs::canonicalize(&file) else {
            return Resolved::NotFound;
        };
        if !file.starts_with(&self.root) || !file.is_file() {
            return Resolved::NotFound;
        }
        match content_type(&file) {
            Some(content_type) => Resolved::File { file, content_type },
            None => Resolved::NotFound,
        }
    }
}

/// The outcome of [`Config::resolve`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// 200 with this file's bytes.
    File {
        /// Canonical path of the file.
        file: PathBuf,
        /// The `Content-Type` header value.
        content_type: &'static str,
    },
    /// 302 to this location.
    Redirect(String),
    /// 400.
    BadRequest,
    /// 404.
    NotFound,
    /// 405.
    MethodNotAllowed,
}

/// The `Content-Type` served for a file, by extension; `None` for types not served.
pub fn content_type(path: &Path) -> Option<&'static str> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "txt" => "text/plain; charset=utf-8",
        "woff2" => "font/woff2",
        _ => return None,
    })
}

fn normalize_base(base: &str) -> String {
    let trimmed = base.trim_matches('/');
    if trimmed.is_empty() { "/".to_owned() } else { format!("/{trimmed}/") }
}

/// Decodes `%XX` escapes; `None` for a malformed escape or a result that is not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// A running server; it stops when dropped.
#[derive(Debug)]
pub struct Server {
    addr: SocketAddr,
    base: String,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    /// Binds `addr` (port 0 picks a free port) and serves on a background thread.
    ///
    /// # Errors
    /// If the address cannot be bound.
    pub fn start(addr: impl ToSocketAddrs, config: Config) -> io::Result<Self> {
        let listener = TcpListener::bind(addr)?;
        let addr = listener.local_addr()?;
        let base = config.base.clone();
        let stop = Arc::new(AtomicBool::new(false));
        let config = Arc::new(config);
        let thread = {
            let stop = Arc::clone(&stop);
            thread::Builder::new()
                .name("static-server".to_owned())
                .spawn(move || accept_loop(&listener, &config, &stop))?
        };
        Ok(Self { addr, base, stop, thread: Some(thread) })
    }

    /// The bound address.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The URL of the site's root page, e.g. `http://127.0.0.1:8080/synack/`.
    pub fn url(&self) -> String {
        format!("http://{}{}", self.addr, self.base)
    }

    /// Blocks for as long as the server runs (that is, until the process ends).
    pub fn wait(mut self) {
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop up so it sees the flag.
        let mut wake = self.addr;
        if wake.ip().is_unspecified() {
            wake.set_ip(match wake.ip() {
                IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::LOCALHOST),
                IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::LOCALHOST),
            });
        }
        let _ = TcpStream::connect_timeout(&wake, Duration::from_secs(1));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn accept_loop(listener: &TcpListener, config: &Arc<Config>, stop: &AtomicBool) {
    for stream in listener.incoming() {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        match stream {
            Ok(stream) => {
                let config = Arc::clone(config);
                let spawned = thread::Builder::new().name("static-server-conn".to_owned()).spawn(move || {
                    if let Err(e) = handle(stream, &config)
                        && config.log
                    {
                        eprintln!("static server: {e}");
                    }
                });
                if let Err(e) = spawned {
                    eprintln!("static server: cannot spawn a thread: {e}");
                }
            }
            Err(e) => eprintln!("static server: accept failed: {e}"),
        }
    }
}

fn handle(stream: TcpStream, config: &Config) -> io::Result<()> {
    stream.set_read_timeout(Some(IO_TIMEOUT))?;
    stream.set_write_timeout(Some(IO_TIMEOUT))?;
    let mut reader = BufReader::new(&stream);

    let mut request_line = String::new();
    let mut head_len = reader.read_line(&mut request_line)?;
    let mut gzip_ok = false;
    loop {
        let mut line = String::new();
        let n = reader.read_line(&mut line)?;
        head_len += n;
        if n == 0 || line == "\r\n" || line == "\n" {
            break;
        }
        if head_len > MAX_HEAD {
            return respond_status(&stream, "GET", 431, "Request Header Fields Too Large");
        }
        if let Some((name, value)) = line.split_once(':')
            && name.trim().eq_ignore_ascii_case("accept-encoding")
        {
            gzip_ok = accepts_gzip(value);
        }
    }

    let mut parts = request_line.split_ascii_whitespace();
    let (Some(method), Some(target), Some(version), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return respond_status(&stream, "GET", 400, "Bad Request");
    };
    if !version.starts_with("HTTP/1.") {
        return respond_status(&stream, "GET", 505, "HTTP Version Not Supported");
    }

    let resolved = config.resolve(method, target);
    if config.log {
        let outcome = match &resolved {
            Resolved::File { .. } => "200".to_owned(),
            Resolved::Redirect(to) => format!("302 -> {to}"),
            Resolved::BadRequest => "400".to_owned(),
            Resolved::NotFound => "404".to_owned(),
            Resolved::MethodNotAllowed => "405".to_owned(),
        };
        eprintln!("{method} {target} {outcome}");
    }
    match resolved {
        Resolved::File { file, content_type } => {
            let mut headers: Vec<(&str, &str)> = config.headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
            let compressed = gzip_copy(&file);
            if compressed.is_some() {
                headers.push(("Vary", "Accept-Encoding"));
            }
            let body = match compressed.filter(|_| gzip_ok) {
                Some(gz) => fs::read(gz).inspect(|_| headers.push(("Content-Encoding", "gzip"))),
                None => fs::read(&file),
            };
            match body {
                Ok(body) => respond(&stream, method, 200, "OK", content_type, &headers, &body),
                Err(_) => respond_status(&stream, method, 404, "Not Found"),
            }
        }
        Resolved::Redirect(location) => respond(
            &stream,
            method,
            302,
            "Found",
            "text/plain; charset=utf-8",
            &[("Location", &location)],
            b"302 Found\n",
        ),
        Resolved::BadRequest => respond_status(&stream, method, 400, "Bad Request"),
        Resolved::NotFound => respond_status(&stream, method, 404, "Not Found"),
        Resolved::MethodNotAllowed => respond_status(&stream, method, 405, "Method Not Allowed"),
    }
}

/// Whether an `Accept-Encoding` value accepts gzip (`gzip` or `*`, with a q-value above 0).
fn accepts_gzip(value: &str) -> bool {
    value.split(',').any(|coding| {
        let mut params = coding.split(';').map(str::trim);
        let name = params.next().unwrap_or_default();
        let q = params.find_map(|p| p.strip_prefix("q=")).map_or(1.0, |q| q.trim().parse::<f32>().unwrap_or(0.0));
        (name.eq_ignore_ascii_case("gzip") || name == "*") && q > 0.0
    })
}

/// The compressed copy the build wrote beside `file` (`file.gz`), if there is one.
fn gzip_copy(file: &Path) -> Option<PathBuf> {
    let mut name = file.file_name()?.to_os_string();
    name.push(".gz");
    let gz = file.with_file_name(name);
    gz.is_file().then_some(gz)
}

fn respond_status(stream: &TcpStream, method: &str, code: u16, reason: &str) -> io::Result<()> {
    let body = format!("{code} {reason}\n");
    let allow: &[(&str, &str)] = if code == 405 { &[("Allow", "GET, HEAD")] } else { &[] };
    respond(stream, method, code, reason, "text/plain; charset=utf-8", allow, body.as_bytes())
}

fn respond(
    mut stream: &TcpStream,
    method: &str,
    code: u16,
    reason: &str,
    content_type: &str,
    extra_headers: &[(&str, &str)],
    body: &[u8],
) -> io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {code} {reason}\r\n\
         Content-Type: {content_type}\r\n\
         Content-Length: {}\r\n\
         Cache-Control: no-cache\r\n\
         X-Content-Type-Options: nosniff\r\n\
         Connection: close\r\n",
        body.len()
    );
    for (name, value) in extra_headers {
        let _ = write!(head, "{name}: {value}\r\n");
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    if method != "HEAD" {
        stream.write_all(body)?;
    }
    stream.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;
    use std::sync::atomic::AtomicUsize;

    /// A scratch tree: `<tmp>/site/{index.html, app.js, app_bg.wasm, notes.xyz, sub/index.html}`
    /// and `<tmp>/secret.txt` outside the served root.
    struct Tree(PathBuf);

    impl Tree {
        fn new() -> Self {
            static COUNTER: AtomicUsize = AtomicUsize::new(0);
            let dir = std::env::temp_dir().join(format!(
                "synack-static-server-{}-{}",
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::SeqCst)
            ));
            let site = dir.join("site");
            fs::create_dir_all(site.join("sub")).expect("create scratch dirs");
            for (name, body) in [
                ("site/index.html", "<!doctype html><title>t</title>"),
                ("site/app.js", "export default 1;"),
                ("site/app_bg.wasm", "\0asm\x01\0\0\0"),
                ("site/notes.xyz", "unknown type"),
                ("site/sub/index.html", "sub"),
                ("secret.txt", "secret"),
            ] {
                fs::write(dir.join(name), body).expect("write scratch file");
            }
            Self(dir)
        }

        fn config(&self, base: &str) -> Config {
            Config::new(self.0.join("site"), base).expect("config")
        }

        fn served(&self, name: &str, content_type: &'static str) -> Resolved {
            let site = fs::canonicalize(self.0.join("site")).expect("canonical root");
            Resolved::File { file: site.join(name), content_type }
        }
    }

    impl Drop for Tree {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn bases_are_normalised() {
        assert_eq!(normalize_base(""), "/");
        assert_eq!(normalize_base("/"), "/");
        assert_eq!(normalize_base("synack"), "/synack/");
        assert_eq!(normalize_base("/synack/"), "/synack/");
        assert_eq!(normalize_base("/a/b"), "/a/b/");
    }

    #[test]
    fn serves_files_under_the_prefix_with_their_types() {
        let tree = Tree::new();
        let config = tree.config("/synack/");
        let html = "text/html; charset=utf-8";
        let js = "text/javascript; charset=utf-8";
        assert_eq!(config.resolve("GET", "/synack/"), tree.served("index.html", html));
        assert_eq!(config.resolve("GET", "/synack/app.js?v=1#x"), tree.served("app.js", js));
        assert_eq!(config.resolve("GET", "/synack/%61pp.js"), tree.served("app.js", js));
        assert_eq!(config.resolve("HEAD", "/synack/app_bg.wasm"), tree.served("app_bg.wasm", "application/wasm"));
        assert_eq!(config.resolve("GET", "/synack/sub/"), tree.served("sub/index.html", html));
    }

    #[test]
    fn redirects_to_the_prefix_and_to_directory_slashes() {
        let tree = Tree::new();
        let config = tree.config("/synack/");
        assert_eq!(config.resolve("GET", "/"), Resolved::Redirect("/synack/".into()));
        assert_eq!(config.resolve("GET", "/synack"), Resolved::Redirect("/synack/".into()));
        assert_eq!(config.resolve("GET", "/synack/sub"), Resolved::Redirect("/synack/sub/".into()));
    }

    #[test]
    fn nothing_is_served_outside_the_prefix() {
        let tree = Tree::new();
        let config = tree.config("/synack/");
        assert_eq!(config.resolve("GET", "/app.js"), Resolved::NotFound);
        assert_eq!(config.resolve("GET", "/synackx/app.js"), Resolved::NotFound);
        let root = tree.config("/");
        assert!(matches!(root.resolve("GET", "/app.js"), Resolved::File { .. }));
    }

    #[test]
    fn refuses_traversal_unknown_types_and_other_methods() {
        let tree = Tree::new();
        let config = tree.config("/");
        for target in [
            "/../secret.txt",
            "/sub/../../secret.txt",
            "/%2e%2e/secret.txt",
            "/sub/..%2F..%2Fsecret.txt",
            "/sub/%2E%2E/%2E%2E/secret.txt",
            "/..\\secret.txt",
            "/app.js%00",
            "/notes.xyz",
            "/missing.js",
        ] {
            assert_eq!(config.resolve("GET", target), Resolved::NotFound, "{target}");
        }
        assert_eq!(config.resolve("GET", "/%zz"), Resolved::BadRequest);
        assert_eq!(config.resolve("GET", "app.js"), Resolved::BadRequest);
        assert_eq!(config.resolve("POST", "/app.js"), Resolved::MethodNotAllowed);
    }

    fn get(server: &Server, request: &str) -> String {
        let mut stream = TcpStream::connect(server.local_addr()).expect("connect");
        stream.write_all(request.as_bytes()).expect("send");
        let mut response = String::new();
        stream.read_to_string(&mut response).expect("receive");
        response
    }

    #[test]
    fn answers_over_http() {
        let tree = Tree::new();
        let server = Server::start("127.0.0.1:0", tree.config("/synack/")).expect("start");
        assert!(server.url().ends_with("/synack/"));

        let ok = get(&server, "GET /synack/app_bg.wasm HTTP/1.1\r\nHost: x\r\n\r\n");
        assert!(ok.starts_with("HTTP/1.1 200 OK\r\n"), "{ok}");
        assert!(ok.contains("\r\nContent-Type: application/wasm\r\n"), "{ok}");
        assert!(ok.contains("\r\nContent-Length: 8\r\n"), "{ok}");
        assert!(ok.ends_with("\r\n\r\n\0asm\x01\0\0\0"), "{ok}");

        let head = get(&server, "HEAD /synack/app.js HTTP/1.1\r\n\r\n");
        assert!(head.starts_with("HTTP/1.1 200 OK\r\n") && head.ends_with("\r\n\r\n"), "{head}");

        let redirect = get(&server, "GET /synack HTTP/1.1\r\n\r\n");
        assert!(redirect.starts_with("HTTP/1.1 302 Found\r\n"), "{redirect}");
        assert!(redirect.contains("\r\nLocation: /synack/\r\n"), "{redirect}");

        let missing = get(&server, "GET /synack/../secret.txt HTTP/1.1\r\n\r\n");
        assert!(missing.starts_with("HTTP/1.1 404 Not Found\r\n"), "{missing}");

        let garbage = get(&server, "nonsense\r\n\r\n");
        assert!(garbage.starts_with("HTTP/1.1 400 Bad Request\r\n"), "{garbage}");
    }

    #[test]
    fn sends_the_gzip_copy_to_clients_that_accept_it() {
        let tree = Tree::new();
        fs::write(tree.0.join("site/app.js.gz"), "GZ").expect("write the compressed copy");
        let server = Server::start("127.0.0.1:0", tree.config("/")).expect("start");
        let gz = get(&server, "GET /app.js HTTP/1.1\r\nAccept-Encoding: br, gzip;q=0.8\r\n\r\n");
        assert!(gz.contains("\r\nContent-Encoding: gzip\r\n") && gz.contains("\r\nVary: Accept-Encoding\r\n"), "{gz}");
        assert!(
            gz.contains("\r\nContent-Type: text/javascript; charset=utf-8\r\n") && gz.ends_with("\r\n\r\nGZ"),
            "{gz}"
        );
        let plain = get(&server, "GET /app.js HTTP/1.1\r\nAccept-Encoding: gzip;q=0, br\r\n\r\n");
        assert!(!plain.contains("Content-Encoding") && plain.contains("\r\nVary: Accept-Encoding\r\n"), "{plain}");
        assert!(plain.ends_with("export default 1;"), "{plain}");
        let other = get(&server, "GET /app_bg.wasm HTTP/1.1\r\nAccept-Encoding: gzip\r\n\r\n");
        assert!(!other.contains("Content-Encoding") && !other.contains("Vary"), "{other}");
        assert!(get(&server, "GET /app.js.gz HTTP/1.1\r\n\r\n").starts_with("HTTP/1.1 404"));
        assert!(accepts_gzip(" deflate, GZIP ") && accepts_gzip("*") && !accepts_gzip("br") && !accepts_gzip(""));
    }
}
