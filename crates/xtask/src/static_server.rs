//! A static file server for the built site (`web/dist`), used by `cargo xtask serve` and by the
//! end-to-end browser tests.
//!
//! It serves one directory tree under one URL prefix: `/`, or a sub-path such as `/synack/` so
//! the tests can prove the site works when deployed below a domain's root (as on GitHub Pages).
//! Outside the prefix everything is 404, except that `/` and the prefix without its trailing slash
//! redirect to the prefix.
//!
//! Below the prefix, tower-http's [`ServeDir`] does the work (`GET` and `HEAD`, a directory's
//! `index.html`, no `..` out of the root), served by hyper (HTTP/1.1) on a tokio runtime on a
//! background thread. Like GitHub Pages, it sends the gzip copy the build wrote beside a file
//! (`app.js.gz` beside `app.js`) to a client that accepts gzip, so that what is measured locally is
//! what readers get.

use std::convert::Infallible;
use std::io;
use std::net::{SocketAddr, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread::{self, JoinHandle};

use http_body_util::{Either, Empty};
use hyper::body::{Bytes, Incoming};
use hyper::header::{self, HeaderMap, HeaderName, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode, Uri};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::sync::oneshot;
use tower_http::services::ServeDir;
use tower_http::services::fs::ServeFileSystemResponseBody;
use tower_service::Service as _;

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
        let root = root.as_ref();
        let error =
            |kind, why: &dyn std::fmt::Display| io::Error::new(kind, format!("cannot serve {}: {why}", root.display()));
        let root = root.canonicalize().map_err(|e| error(e.kind(), &e))?;
        if !root.is_dir() {
            return Err(error(io::ErrorKind::InvalidInput, &"not a directory"));
        }
        let base = base.trim_matches('/');
        let base = if base.is_empty() { "/".to_owned() } else { format!("/{base}/") };
        Ok(Self { root, base, log: false, headers: Vec::new() })
    }

    /// Adds a header to every response (e.g. `Content-Security-Policy`, or
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
}

/// A running server; it stops when dropped.
#[derive(Debug)]
pub struct Server {
    addr: SocketAddr,
    base: String,
    /// Dropping it ends the runtime, and with it every connection.
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    /// Binds `addr` (port 0 picks a free port) and serves on a background thread.
    ///
    /// # Errors
    /// If the address cannot be bound, or the base or a header given to [`Config::with_header`] is
    /// not valid in HTTP.
    pub fn start(addr: impl ToSocketAddrs, config: Config) -> io::Result<Self> {
        let site = Arc::new(Site::new(&config)?);
        let listener = std::net::TcpListener::bind(addr)?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        let listener = {
            let _context = runtime.enter();
            tokio::net::TcpListener::from_std(listener)?
        };
        let (stop, stopped) = oneshot::channel();
        let thread = thread::Builder::new().name("static-server".to_owned()).spawn(move || {
            runtime.spawn(accept_loop(listener, site));
            let _ = runtime.block_on(stopped);
        })?;
        Ok(Self { addr, base: config.base, stop: Some(stop), thread: Some(thread) })
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
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// What the connections share.
struct Site {
    base: String,
    /// `base`, where `/` and the prefix without its slash redirect to.
    location: HeaderValue,
    files: ServeDir,
    headers: HeaderMap,
    log: bool,
}

type Body = Either<ServeFileSystemResponseBody, Empty<Bytes>>;

impl Site {
    fn new(config: &Config) -> io::Result<Self> {
        let invalid =
            |what: &str, e: &dyn std::fmt::Display| io::Error::new(io::ErrorKind::InvalidInput, format!("{what}: {e}"));
        let location = HeaderValue::try_from(&config.base).map_err(|e| invalid(&config.base, &e))?;
        let mut headers = HeaderMap::new();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
        for (name, value) in &config.headers {
            let header = format!("header {name}: {value}");
            let name = HeaderName::try_from(name).map_err(|e| invalid(&header, &e))?;
            headers.append(name, HeaderValue::try_from(value).map_err(|e| invalid(&header, &e))?);
        }
        let files =
            ServeDir::new(&config.root).precompressed_gzip().redirect_path_prefix(config.base.trim_end_matches('/'));
        Ok(Self { base: config.base.clone(), location, files, headers, log: config.log })
    }

    async fn respond(&self, mut request: Request<Incoming>) -> Response<Body> {
        let path = request.uri().path();
        let status_only = |status| {
            let mut response = Response::new(Either::Right(Empty::new()));
            *response.status_mut() = status;
            response
        };
        if self.base != "/" && (path == "/" || path == self.base.trim_end_matches('/')) {
            let mut response = status_only(StatusCode::FOUND);
            response.headers_mut().insert(header::LOCATION, self.location.clone());
            return response;
        }
        // `ServeDir` serves the root at `/`: cut the prefix off (keeping its last slash).
        let target = request.uri().path_and_query().map_or(path, |target| target.as_str());
        let Some(rest) = target.strip_prefix(self.base.as_str()) else {
            return status_only(StatusCode::NOT_FOUND);
        };
        match Uri::try_from(format!("/{rest}")) {
            Ok(uri) => *request.uri_mut() = uri,
            Err(_) => return status_only(StatusCode::BAD_REQUEST),
        }
        let Ok(mut response) = self.files.clone().call(request).await;
        // Browsers need not guess the encoding of the site's text files: it is UTF-8.
        let headers = response.headers_mut();
        if let Some(text) = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok())
            && text.starts_with("text/")
            && !text.contains("charset")
            && let Ok(with_charset) = HeaderValue::from_str(&format!("{text}; charset=utf-8"))
        {
            headers.insert(header::CONTENT_TYPE, with_charset);
        }
        response.map(Either::Left)
    }
}

/// Turns Nagle's algorithm off on an accepted connection. hyper writes a response's head and its
/// body in separate writes; with Nagle on, the body waits for the ACK of the head, which the
/// browser delays (40 ms on Linux) on a kept-alive connection, so every response after a
/// connection's first took 40 ms more than its bytes need (`curl` of three files on one
/// connection: 0.4 ms, then 43.7 ms each). Web servers and CDNs (GitHub Pages') send at once.
fn send_at_once(stream: &tokio::net::TcpStream) -> io::Result<()> {
    stream.set_nodelay(true)
}

async fn accept_loop(listener: tokio::net::TcpListener, site: Arc<Site>) {
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(e) => {
                eprintln!("static server: accept failed: {e}");
                continue;
            }
        };
        if let Err(e) = send_at_once(&stream) {
            eprintln!("static server: TCP_NODELAY: {e}");
        }
        let site = Arc::clone(&site);
        tokio::spawn(async move {
            let service = service_fn(|request: Request<Incoming>| {
                let site = Arc::clone(&site);
                async move {
                    let (method, path) = (request.method().clone(), request.uri().path().to_owned());
                    let mut response = site.respond(request).await;
                    for (name, value) in &site.headers {
                        response.headers_mut().append(name, value.clone());
                    }
                    if site.log {
                        eprintln!("{method} {path} {}", response.status());
                    }
                    Ok::<_, Infallible>(response)
                }
            });
            let served = http1::Builder::new().timer(TokioTimer::new()).serve_connection(TokioIo::new(stream), service);
            if let Err(e) = served.await
                && site.log
            {
                eprintln!("static server: {e}");
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::net::TcpStream;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A scratch tree: `<tmp>/site/{index.html, app.js, app.js.gz, app_bg.wasm, sub/index.html}`
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
            std::fs::create_dir_all(dir.join("site/sub")).expect("create scratch dirs");
            for (name, body) in [
                ("site/index.html", "<!doctype html><title>t</title>"),
                ("site/app.js", "export default 1;"),
                ("site/app.js.gz", "GZ"),
                ("site/app_bg.wasm", "\0asm\x01\0\0\0"),
                ("site/sub/index.html", "sub"),
                ("secret.txt", "secret"),
            ] {
                std::fs::write(dir.join(name), body).expect("write scratch file");
            }
            Self(dir)
        }

        /// Serves the tree's `site` under `/synack/`, with a CSP header.
        fn serve(&self) -> Server {
            let config = Config::new(self.0.join("site"), "synack")
                .expect("config")
                .with_header("Content-Security-Policy", "default-src 'self'");
            Server::start("127.0.0.1:0", config).expect("start")
        }
    }

    impl Drop for Tree {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    /// Sends `request_line` and `headers` (each ending in `\r\n`) on a fresh connection and
    /// returns the whole response.
    fn send(server: &Server, request_line: &str, headers: &str) -> String {
        let mut stream = TcpStream::connect(server.local_addr()).expect("connect");
        let request = format!("{request_line}\r\nHost: a\r\nConnection: close\r\n{headers}\r\n");
        stream.write_all(request.as_bytes()).expect("send");
        let mut response = Vec::new();
        stream.read_to_end(&mut response).expect("receive");
        String::from_utf8_lossy(&response).into_owned()
    }

    fn get(server: &Server, path: &str) -> String {
        send(server, &format!("GET {path} HTTP/1.1"), "")
    }

    /// The value of the header `name` in `response`, if it has one.
    fn header<'a>(response: &'a str, name: &str) -> Option<&'a str> {
        let head = response.split("\r\n\r\n").next().unwrap_or_default();
        head.lines().skip(1).find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }

    fn status(response: &str) -> &str {
        response.get(9..12).unwrap_or(response)
    }

    #[test]
    fn bases_are_normalised() {
        let tree = Tree::new();
        for (given, base) in
            [("", "/"), ("/", "/"), ("synack", "/synack/"), ("/synack/", "/synack/"), ("/a/b", "/a/b/")]
        {
            assert_eq!(Config::new(&tree.0, given).expect("config").base(), base);
        }
        assert!(Config::new(tree.0.join("secret.txt"), "/").is_err());
        assert!(Config::new(tree.0.join("missing"), "/").is_err());
    }

    #[test]
    fn serves_files_under_the_prefix_with_their_types() {
        let tree = Tree::new();
        let server = tree.serve();
        assert!(server.url().starts_with("http://127.0.0.1:") && server.url().ends_with("/synack/"));

        let page = get(&server, "/synack/");
        assert_eq!(status(&page), "200", "{page}");
        assert_eq!(header(&page, "Content-Type"), Some("text/html; charset=utf-8"), "{page}");
        assert!(page.ends_with("<title>t</title>"), "{page}");
        for (path, content_type) in [
            ("/synack/app.js?v=1", "text/javascript; charset=utf-8"),
            ("/synack/%61pp.js", "text/javascript; charset=utf-8"),
            ("/synack/app_bg.wasm", "application/wasm"),
            ("/synack/sub/", "text/html; charset=utf-8"),
        ] {
            let response = get(&server, path);
            assert_eq!(status(&response), "200", "{path}: {response}");
            assert_eq!(header(&response, "Content-Type"), Some(content_type), "{path}: {response}");
            assert_eq!(header(&response, "Content-Security-Policy"), Some("default-src 'self'"), "{path}");
        }
        let wasm = get(&server, "/synack/app_bg.wasm");
        assert!(header(&wasm, "Content-Length") == Some("8") && wasm.ends_with("\r\n\r\n\0asm\x01\0\0\0"), "{wasm}");

        let head = send(&server, "HEAD /synack/app.js HTTP/1.1", "");
        assert_eq!(status(&head), "200", "{head}");
        assert!(header(&head, "Content-Length") == Some("17") && head.ends_with("\r\n\r\n"), "{head}");
    }

    #[test]
    fn redirects_to_the_prefix_and_to_directory_slashes() {
        let tree = Tree::new();
        let server = tree.serve();
        for (path, to) in [("/", "/synack/"), ("/synack", "/synack/"), ("/synack/sub", "/synack/sub/")] {
            let response = get(&server, path);
            assert!(status(&response).starts_with('3'), "{path}: {response}");
            assert_eq!(header(&response, "Location"), Some(to), "{path}: {response}");
        }
    }

    #[test]
    fn nothing_is_served_outside_the_prefix_or_the_root() {
        let tree = Tree::new();
        let server = tree.serve();
        for path in [
            "/app.js",
            "/synackx/app.js",
            "/secret.txt",
            "/synack/../secret.txt",
            "/synack/sub/../../secret.txt",
            "/synack/%2e%2e/secret.txt",
            "/synack/sub/..%2F..%2Fsecret.txt",
            "/synack/sub/%2E%2E/%2E%2E/secret.txt",
            "/synack/..\\secret.txt",
            "/synack/missing.js",
        ] {
            let response = get(&server, path);
            assert_eq!(status(&response), "404", "{path}: {response}");
        }
        assert_eq!(status(&send(&server, "POST /synack/app.js HTTP/1.1", "Content-Length: 0\r\n")), "405");
    }

    #[test]
    fn sends_the_gzip_copy_to_clients_that_accept_it() {
        let tree = Tree::new();
        let server = tree.serve();
        let gz = send(&server, "GET /synack/app.js HTTP/1.1", "Accept-Encoding: br, gzip;q=0.8\r\n");
        assert_eq!(header(&gz, "Content-Encoding"), Some("gzip"), "{gz}");
        assert!(header(&gz, "Vary").is_some_and(|v| v.eq_ignore_ascii_case("accept-encoding")), "{gz}");
        assert_eq!(header(&gz, "Content-Type"), Some("text/javascript; charset=utf-8"), "{gz}");
        assert!(gz.ends_with("\r\n\r\nGZ"), "{gz}");

        for accept in ["", "Accept-Encoding: br\r\n", "Accept-Encoding: gzip;q=0, br\r\n"] {
            let plain = send(&server, "GET /synack/app.js HTTP/1.1", accept);
            assert!(header(&plain, "Content-Encoding").is_none() && plain.ends_with("export default 1;"), "{plain}");
        }
        let no_copy = send(&server, "GET /synack/app_bg.wasm HTTP/1.1", "Accept-Encoding: gzip\r\n");
        assert!(header(&no_copy, "Content-Encoding").is_none() && no_copy.ends_with("\0\0\0"), "{no_copy}");
    }

    /// Responses go out at once, not held back by Nagle's algorithm until the browser's
    /// delayed ACK of the previous write (see [`send_at_once`]).
    #[test]
    fn connections_send_without_nagle() {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        runtime.block_on(async {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
            let client = tokio::net::TcpStream::connect(listener.local_addr().expect("addr")).await.expect("connect");
            let (accepted, _) = listener.accept().await.expect("accept");
            assert!(!accepted.nodelay().expect("read TCP_NODELAY"), "Nagle is on by default");
            send_at_once(&accepted).expect("set TCP_NODELAY");
            assert!(accepted.nodelay().expect("read TCP_NODELAY"));
            drop(client);
        });
    }

    #[test]
    fn survives_garbage() {
        let tree = Tree::new();
        let server = tree.serve();
        for garbage in ["nonsense", "GET", "GET /synack/ HTTP/9.9", "GET /synack/\0 HTTP/1.1", "\u{1}\u{2}\u{3} x y"] {
            let response = send(&server, garbage, "");
            assert!(response.is_empty() || status(&response).starts_with(['4', '5']), "{garbage:?}: {response}");
        }
        let mut stream = TcpStream::connect(server.local_addr()).expect("connect");
        stream.write_all(b"GET /synack/ HTTP/1.1\r\nBad Header\r\n\r\n").expect("send");
        let mut response = Vec::new();
        let _ = stream.read_to_end(&mut response);
        drop(stream);
        assert_eq!(status(&get(&server, "/synack/")), "200");
    }
}
