//! `GET /api/v1`: the API's reference, readable in a browser, written from
//! the same OpenAPI document the machine reads.

use axum::response::Html;
use utoipa::OpenApi;

use super::ApiDoc;

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The reference page.
pub async fn page() -> Html<String> {
    let doc = ApiDoc::openapi();
    let mut body = String::new();
    body.push_str(&format!(
        "<h1>{}</h1><p>{}</p><p>The machine-readable document: <a href=\"/api/v1/openapi.json\">/api/v1/openapi.json</a> (OpenAPI 3.1).</p>",
        escape(&doc.info.title),
        escape(doc.info.description.as_deref().unwrap_or_default())
    ));
    for (path, item) in &doc.paths.paths {
        let operations = [("GET", &item.get), ("POST", &item.post), ("PUT", &item.put), ("DELETE", &item.delete)];
        for (method, operation) in operations {
            let Some(operation) = operation else { continue };
            body.push_str(&format!("<section><h2><code>{method} {}</code></h2>", escape(path)));
            if let Some(summary) = &operation.summary {
                body.push_str(&format!("<p>{}</p>", escape(summary)));
            }
            if let Some(description) = &operation.description {
                body.push_str(&format!("<p>{}</p>", escape(description)));
            }
            body.push_str("<ul>");
            for (status, response) in &operation.responses.responses {
                let words = match response {
                    utoipa::openapi::RefOr::T(r) => r.description.clone(),
                    utoipa::openapi::RefOr::Ref(r) => r.ref_location.clone(),
                };
                body.push_str(&format!("<li><strong>{}</strong> {}</li>", escape(status), escape(&words)));
            }
            body.push_str("</ul></section>");
        }
    }
    Html(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">\
         <title>CareCount integration API</title></head><body>{body}</body></html>"
    ))
}
