//! Files both ways in real browsers: a visitor attaches a photo from the widget and the agent
//! sees it previewed in the console; the agent attaches a PDF and the visitor gets a link; a
//! file of a type the edge refuses is explained under the message box.

use anyhow::Result;
use switchboard_demo_site::BoundSite;
use switchboard_tests::browser::{
    open_widget, send_from_widget, sign_in_to_console, wait_for_message, Browser,
};
use switchboard_tests::test_edge::TestEdge;

#[tokio::test(flavor = "multi_thread")]
async fn a_photo_from_the_visitor_and_a_pdf_from_the_agent() -> Result<()> {
    let site = BoundSite::bind("127.0.0.1:0")?;
    let page_origin = format!("http://localhost:{}", site.port());
    let edge = TestEdge::start(&[&page_origin])?;
    let _site = site.serve(&edge.origin());
    let files = tempfile::tempdir()?;
    let photo = files.path().join("broken lid.png");
    std::fs::write(&photo, switchboard_tests::TINY_PNG)?;
    let label = files.path().join("return label.pdf");
    std::fs::write(&label, b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")?;
    let page = files.path().join("page.html");
    std::fs::write(&page, b"<p>not a picture</p>")?;

    let visitor = Browser::start().await?;
    visitor.client().goto(&format!("{page_origin}/")).await?;
    open_widget(&visitor).await?;
    send_from_widget(&visitor, "The lid arrived broken").await?;
    wait_for_message(&visitor, 1, "arrived broken").await?;
    visitor.find("input.sb-attach-input").await?.send_keys(&photo.display().to_string()).await?;
    wait_for_message(&visitor, 2, "broken lid.png").await?;
    visitor
        .wait_for_js("the photo's preview", "const i = document.querySelector('.sb-file img'); return i && i.complete && i.naturalWidth === 1;")
        .await?;
    // A type the edge does not take is explained, and nothing is sent.
    visitor.find("input.sb-attach-input").await?.send_keys(&page.display().to_string()).await?;
    let problem = visitor
        .wait_for_js(
            "the refusal",
            "const p = document.querySelector('.sb-upload-error'); return p && p.textContent;",
        )
        .await?;
    assert!(problem.as_str().unwrap_or_default().contains("page.html"), "{problem}");

    let agent = Browser::start().await?;
    sign_in_to_console(&agent, &edge).await?;
    agent.find("li.sb-inbox-item button.sb-inbox-open").await?.click().await?;
    wait_for_message(&agent, 2, "broken lid.png").await?;
    agent
        .wait_for_js(
            "the photo in the console",
            "const i = document.querySelector('img.sb-attachment-preview'); return i && i.complete && i.naturalWidth === 1;",
        )
        .await?;
    agent.find("input.sb-attach-input").await?.send_keys(&label.display().to_string()).await?;
    wait_for_message(&agent, 3, "return label.pdf").await?;

    // The visitor gets a link to the PDF (a download, not a page).
    wait_for_message(&visitor, 3, "return label.pdf").await?;
    let link = visitor
        .wait_for_js(
            "the PDF's link",
            "const a = [...document.querySelectorAll('a.sb-file')].find(a => a.textContent.includes('label.pdf'));
             return a && [a.getAttribute('href'), a.rel];",
        )
        .await?;
    assert!(link[0].as_str().unwrap_or_default().starts_with("/api/v1/attachments/"), "{link}");
    assert!(link[1].as_str().unwrap_or_default().contains("noopener"));
    visitor.close().await?;
    agent.close().await?;
    Ok(())
}
