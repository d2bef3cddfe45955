//! The one way rightsdesk fetches a web page: http(s) only, every address checked after DNS
//! resolution (and again after every redirect), connections pinned to the checked addresses,
//! robots.txt honoured, time and size bounded, a User-Agent that says who we are.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use url::{Host, Url};

use super::robots::Rules;
use super::safety::{check_addrs, AllowList};

pub const USER_AGENT: &str = concat!(
    "rightsdesk-verifier/",
    env!("CARGO_PKG_VERSION"),
    " (reprint credit check; +https://github.com/rightsdesk/rightsdesk)"
);

/// Why a page could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    /// Not fetched at all: scheme or address not allowed (no request was made)
    #[error("{0}")]
    Refused(String),
    /// robots.txt asks us not to fetch it
    #[error("robots.txt of {0} disallows this page")]
    Robots(String),
    #[error("more than {0} redirects")]
    TooManyRedirects(usize),
    /// The network, the server or a limit
    #[error("{0}")]
    Failed(String),
}

/// A page as fetched.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub status: u16,
    /// The address after redirects
    pub url: Url,
    pub body: String,
}

/// The fetcher, shared by the verification endpoint and the worker (`web::Data<Fetcher>`).
#[derive(Debug, Clone)]
pub struct Fetcher {
    allow: AllowList,
    timeout: Duration,
    max_bytes: usize,
    max_redirects: usize,
}

impl Fetcher {
    pub fn new(allow: AllowList) -> Fetcher {
        Fetcher {
            allow,
            timeout: Duration::from_secs(10),
            max_bytes: 2 * 1024 * 1024,
            max_redirects: 5,
        }
    }

    /// Fetches `url`, following at most five redirects, each checked like the first address.
    #[tracing::instrument(skip(self), fields(url = %url))]
    pub async fn get(&self, url: &Url) -> Result<Fetched, FetchError> {
        let mut current = url.clone();
        let mut robots: HashMap<String, Rules> = HashMap::new();
        for _ in 0..=self.max_redirects {
            let client = self.client_for(&current).await?;
            let origin = current.origin().ascii_serialization();
            if !robots.contains_key(&origin) {
                let rules = self.robots(&client, &current).await;
                robots.insert(origin.clone(), rules);
            }
            let path = match current.query() {
                Some(q) => format!("{}?{q}", current.path()),
                None => current.path().to_string(),
            };
            if !robots.get(&origin).is_none_or(|r| r.allows(&path)) {
                return Err(FetchError::Robots(origin));
            }
            let response = client
                .get(current.clone())
                .send()
                .await
                .map_err(|e| FetchError::Failed(describe(&e)))?;
            let status = response.status();
            if status.is_redirection() {
                let location = response
                    .headers()
                    .get(reqwest::header::LOCATION)
                    .and_then(|l| l.to_str().ok())
                    .ok_or_else(|| {
                        FetchError::Failed(format!("{status} without a Location header"))
                    })?;
                current = current
                    .join(location)
                    .map_err(|e| FetchError::Failed(format!("bad redirect '{location}': {e}")))?;
                continue;
            }
            let body = self.read_body(response).await?;
            return Ok(Fetched {
                status: status.as_u16(),
                url: current,
                body,
            });
        }
        Err(FetchError::TooManyRedirects(self.max_redirects))
    }

    /// Checks the scheme and every address of the host, and builds a client that connects to
    /// exactly those addresses (no second DNS answer can slip in), never following redirects.
    async fn client_for(&self, url: &Url) -> Result<reqwest::Client, FetchError> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(FetchError::Refused(format!(
                "refused: only http and https are fetched, not {}",
                url.scheme()
            )));
        }
        let port = url.port_or_known_default().unwrap_or(80);
        let builder = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .timeout(self.timeout)
            .connect_timeout(Duration::from_secs(5))
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy();
        let builder = match url.host() {
            None => {
                return Err(FetchError::Refused(
                    "refused: the address has no host".into(),
                ))
            }
            Some(Host::Ipv4(v4)) => {
                check_addrs(&v4.to_string(), &[IpAddr::V4(v4)], &self.allow)
                    .map_err(FetchError::Refused)?;
                builder
            }
            Some(Host::Ipv6(v6)) => {
                check_addrs(&v6.to_string(), &[IpAddr::V6(v6)], &self.allow)
                    .map_err(FetchError::Refused)?;
                builder
            }
            Some(Host::Domain(domain)) => {
                let addrs: Vec<SocketAddr> = tokio::time::timeout(
                    Duration::from_secs(5),
                    tokio::net::lookup_host((domain, port)),
                )
                .await
                .map_err(|_| FetchError::Failed(format!("resolving {domain} timed out")))?
                .map_err(|e| FetchError::Failed(format!("resolving {domain}: {e}")))?
                .collect();
                let ips: Vec<IpAddr> = addrs.iter().map(SocketAddr::ip).collect();
                check_addrs(domain, &ips, &self.allow).map_err(FetchError::Refused)?;
                builder.resolve_to_addrs(domain, &addrs)
            }
        };
        builder
            .build()
            .map_err(|e| FetchError::Failed(format!("building the HTTP client: {e}")))
    }

    /// The robots.txt rules of the URL's origin: 4xx (or a redirect) allows everything, 5xx and
    /// an unreachable server allow nothing (RFC 9309).
    async fn robots(&self, client: &reqwest::Client, url: &Url) -> Rules {
        let Ok(robots_url) = url.join("/robots.txt") else {
            return Rules::allow_all();
        };
        match client.get(robots_url).send().await {
            Ok(r) if r.status().is_success() => match self.read_body(r).await {
                Ok(text) => Rules::parse(&text, USER_AGENT),
                Err(_) => Rules::disallow_all(),
            },
            Ok(r) if r.status().is_server_error() => Rules::disallow_all(),
            Ok(_) => Rules::allow_all(),
            Err(_) => Rules::disallow_all(),
        }
    }

    /// Reads at most `max_bytes` of the body (a longer page is an error, not a partial read).
    async fn read_body(&self, mut response: reqwest::Response) -> Result<String, FetchError> {
        let mut body: Vec<u8> = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| FetchError::Failed(describe(&e)))?
        {
            if body.len() + chunk.len() > self.max_bytes {
                return Err(FetchError::Failed(format!(
                    "the page is larger than {} bytes",
                    self.max_bytes
                )));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(String::from_utf8_lossy(&body).into_owned())
    }
}

fn describe(err: &reqwest::Error) -> String {
    if err.is_timeout() {
        "the page did not answer in time".into()
    } else if err.is_connect() {
        "could not connect".into()
    } else {
        let mut text = err.to_string();
        let mut source = std::error::Error::source(err);
        while let Some(s) = source {
            text = format!("{text}: {s}");
            source = s.source();
        }
        text
    }
}
