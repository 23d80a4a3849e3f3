//! A small HTTP/1.1 client for the CLI's talks with a running server (hyper-util).

use anyhow::Context;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{body::Incoming, Method, Request};
use hyper_util::{
    client::legacy::{connect::HttpConnector, Client},
    rt::TokioExecutor,
};

/// A keep-alive client to one server.
#[derive(Clone)]
pub struct HttpClient {
    base: String,
    client: Client<HttpConnector, Full<Bytes>>,
}

/// A response: status and body.
pub struct Answer {
    pub status: u16,
    pub body: Bytes,
}

/// A response whose body is read as it arrives.
pub struct Streaming {
    pub status: u16,
    pub body: Incoming,
}

impl Answer {
    /// The body as JSON, or an error carrying the server's message.
    pub fn json(&self) -> anyhow::Result<serde_json::Value> {
        let value: serde_json::Value = serde_json::from_slice(&self.body).with_context(|| {
            format!(
                "server answered {} with a body that is not JSON",
                self.status
            )
        })?;
        if self.status >= 400 {
            let message = value
                .get("message")
                .and_then(|m| m.as_str())
                .map(str::to_string)
                .unwrap_or_else(|| value.to_string());
            anyhow::bail!("server answered {}: {message}", self.status);
        }
        Ok(value)
    }
}

impl HttpClient {
    pub fn new(base: &str) -> Self {
        HttpClient {
            base: base.trim_end_matches('/').to_string(),
            client: Client::builder(TokioExecutor::new()).build_http(),
        }
    }

    pub async fn request(
        &self,
        method: Method,
        path: &str,
        content_type: &str,
        body: Bytes,
    ) -> anyhow::Result<Answer> {
        let url = format!("{}{}", self.base, path);
        let req = Request::builder()
            .method(method)
            .uri(&url)
            .header("content-type", content_type)
            .body(Full::new(body))
            .context("building request")?;
        let res = self
            .client
            .request(req)
            .await
            .with_context(|| format!("could not reach {url} (is `rivulet server` running?)"))?;
        let status = res.status().as_u16();
        let body = res.into_body().collect().await?.to_bytes();
        Ok(Answer { status, body })
    }

    /// POSTs a JSON `body` and hands back the status and the body unread, for answers that
    /// stream (push queries).
    pub async fn post_streaming(
        &self,
        path: &str,
        accept: &str,
        body: &serde_json::Value,
    ) -> anyhow::Result<Streaming> {
        let url = format!("{}{}", self.base, path);
        let req = Request::builder()
            .method(Method::POST)
            .uri(&url)
            .header("content-type", "application/json")
            .header("accept", accept)
            .body(Full::new(Bytes::from(body.to_string())))
            .context("building request")?;
        let res = self
            .client
            .request(req)
            .await
            .with_context(|| format!("could not reach {url} (is `rivulet server` running?)"))?;
        Ok(Streaming {
            status: res.status().as_u16(),
            body: res.into_body(),
        })
    }

    pub async fn get(&self, path: &str) -> anyhow::Result<Answer> {
        self.request(Method::GET, path, "application/json", Bytes::new())
            .await
    }

    pub async fn post_json(&self, path: &str, body: &serde_json::Value) -> anyhow::Result<Answer> {
        self.request(
            Method::POST,
            path,
            "application/json",
            Bytes::from(body.to_string()),
        )
        .await
    }

    pub async fn delete(&self, path: &str) -> anyhow::Result<Answer> {
        self.request(Method::DELETE, path, "application/json", Bytes::new())
            .await
    }
}
