//! User files and `file` fields: uploads (multipart, by URL through the outbound guard,
//! to shared forms), thumbnails, how files are served (never as a page of ours), quotas,
//! and file values written by name, read with URLs, filtered, searched and exported.

use crate::helpers::*;
use serde_json::{Value, json};
use std::io::Cursor;
use tessera::test_support::{HttpReceiver, Reply};

fn png(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_pixel(width, height, image::Rgb([20, 120, 200]));
    let mut out = Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut out, image::ImageFormat::Png)
        .unwrap();
    out.into_inner()
}

fn multipart(name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "tessera-test-boundary-77aa";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload_to(
    app: &TestApp,
    path: &str,
    auth: Option<String>,
    name: &str,
    bytes: &[u8],
) -> Resp {
    let (content_type, body) = multipart(name, bytes);
    let mut req = app
        .client()
        .post(format!("{}{path}", app.url))
        .header("Content-Type", content_type)
        .body(body);
    if let Some(auth) = auth {
        req = req.header("Authorization", auth);
    }
    app.raw(req).await
}

async fn upload(app: &TestApp, user: &Session, name: &str, bytes: &[u8]) -> Value {
    let r = upload_to(
        app,
        "/api/user-files/upload-file/",
        Some(format!("JWT {}", user.access)),
        name,
        bytes,
    )
    .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.body
}

/// The path part of a URL the API gave out (tests share one process, whose public
/// address is the first test app's).
fn path_of(url: &Value) -> String {
    let url = url.as_str().unwrap();
    let start = url.find("/media/").unwrap();
    url[start..].to_owned()
}

async fn download(app: &TestApp, url: &Value) -> reqwest::Response {
    app.client()
        .get(format!("{}{}", app.url, path_of(url)))
        .send()
        .await
        .unwrap()
}

fn header<'a>(r: &'a reqwest::Response, name: &str) -> &'a str {
    r.headers()
        .get(name)
        .map(|v| v.to_str().unwrap())
        .unwrap_or_default()
}

#[tokio::test]
async fn an_uploaded_image_answers_in_baserows_shape_with_thumbnails() {
    let app = TestApp::spawn().await;
    let user = app.sign_up("Ann", "ann@x.io").await;
    let bytes = png(420, 210);
    let file = upload(&app, &user, "Holiday photo.png", &bytes).await;
    for key in [
        "size",
        "mime_type",
        "is_image",
        "image_width",
        "image_height",
        "uploaded_at",
        "url",
        "thumbnails",
        "name",
        "original_name",
    ] {
        assert!(file.get(key).is_some(), "{key} missing from {file}");
    }
    assert_eq!(file["size"], bytes.len());
    assert_eq!(file["mime_type"], "image/png");
    assert_eq!(file["is_image"], true);
    assert_eq!(
        (file["image_width"].clone(), file["image_height"].clone()),
        (json!(420), json!(210))
    );
    assert_eq!(file["original_name"], "Holiday photo.png");
    let name = file["name"].as_str().unwrap();
    let (unique, rest) = name.split_once('_').unwrap();
    assert_eq!(unique.len(), 32, "{name}");
    assert!(rest.ends_with(".png") && rest.len() == 64 + 4, "{name}");
    assert!(path_of(&file["url"]).ends_with(&format!("/media/user_files/{name}")));

    let served = download(&app, &file["url"]).await;
    assert_eq!(served.status(), 200);
    assert_eq!(header(&served, "content-type"), "image/png");
    assert_eq!(header(&served, "x-content-type-options"), "nosniff");
    assert!(header(&served, "content-security-policy").contains("sandbox"));
    assert_eq!(served.bytes().await.unwrap().as_ref(), bytes.as_slice());

    for (size, w, h) in [
        ("tiny", 42, 21),
        ("small", 48, 48),
        ("card_cover", 300, 160),
    ] {
        let thumb = &file["thumbnails"][size];
        // Baserow gives `tiny` no width: it keeps the image's aspect ratio.
        let api_width = if size == "tiny" {
            Value::Null
        } else {
            json!(w)
        };
        assert_eq!(
            (&thumb["width"], &thumb["height"]),
            (&api_width, &json!(h)),
            "{size}"
        );
        let r = download(&app, &thumb["url"]).await;
        assert_eq!(r.status(), 200, "{size}");
        assert_eq!(header(&r, "x-content-type-options"), "nosniff");
        let img = image::load_from_memory(&r.bytes().await.unwrap()).unwrap();
        assert_eq!((img.width(), img.height()), (w, h), "{size}");
    }

    // The same content under the same name is stored once.
    let again = upload(&app, &user, "Holiday photo.png", &bytes).await;
    assert_eq!(again["name"], file["name"]);
    let other = upload(&app, &user, "copy.png", &bytes).await;
    assert_ne!(other["name"], file["name"]);

    // Anything not shaped like a stored name is not found, and never read from disk.
    for path in [
        "/media/user_files/..%2F..%2Fetc%2Fpasswd".to_owned(),
        format!("/media/user_files/{}", name.replace(".png", ".txt")),
        format!("/media/thumbnails/huge/{name}"),
    ] {
        let r = app.get(&path, None).await;
        assert_eq!(r.status, 404, "{path}");
    }
}

#[tokio::test]
async fn html_svg_and_disguised_files_never_render_as_our_pages() {
    let app = TestApp::spawn().await;
    let user = app.sign_up("Ann", "ann@x.io").await;
    let html = b"<html><body><script>alert(document.cookie)</script></body></html>";
    let svg = b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>";
    for (name, bytes, mime) in [
        ("page.html", &html[..], "text/html"),
        ("logo.svg", &svg[..], "image/svg+xml"),
        // HTML under an image's name is still not an image.
        ("cat.png", &html[..], "image/png"),
    ] {
        let file = upload(&app, &user, name, bytes).await;
        assert_eq!(file["is_image"], false, "{name}");
        assert_eq!(file["thumbnails"], Value::Null, "{name}");
        assert_eq!(file["mime_type"], mime, "{name}");
        let r = download(&app, &file["url"]).await;
        assert_eq!(r.status(), 200);
        assert_eq!(
            header(&r, "content-type"),
            "application/octet-stream",
            "{name}"
        );
        assert!(
            header(&r, "content-disposition").starts_with("attachment;"),
            "{name}"
        );
        assert!(header(&r, "content-disposition").contains(name), "{name}");
        assert_eq!(header(&r, "x-content-type-options"), "nosniff");
        assert!(header(&r, "content-security-policy").contains("sandbox"));
    }
    // An image under an HTML name is stored and served as the image it is.
    let file = upload(&app, &user, "evil.html", &png(4, 4)).await;
    assert_eq!(file["is_image"], true);
    assert!(file["name"].as_str().unwrap().ends_with(".png"));
    let r = download(&app, &file["url"]).await;
    assert_eq!(header(&r, "content-type"), "image/png");
}

#[tokio::test]
async fn uploads_are_refused_without_a_file_past_the_size_limit_and_past_the_quota() {
    let app = TestApp::spawn_with(|s| {
        s.user_files.max_bytes = 1024 * 1024;
        s.user_files.files_per_user = 3;
    })
    .await;
    let user = app.sign_up("Ann", "ann@x.io").await;
    let auth = Some(format!("JWT {}", user.access));
    let r = upload_to(&app, "/api/user-files/upload-file/", None, "a.txt", b"hi").await;
    assert_eq!(r.status, 401, "{:?}", r.body);
    let r = app
        .raw(
            app.client()
                .post(format!("{}/api/user-files/upload-file/", app.url))
                .header("Authorization", auth.clone().unwrap())
                .header("Content-Type", "application/json")
                .body("{}"),
        )
        .await;
    assert_error(&r, 400, "ERROR_INVALID_FILE");
    let big = vec![b'x'; 1024 * 1024 + 10];
    let r = upload_to(
        &app,
        "/api/user-files/upload-file/",
        auth.clone(),
        "big.txt",
        &big,
    )
    .await;
    assert_error(&r, 413, "ERROR_FILE_SIZE_TOO_LARGE");
    for i in 0..3 {
        upload(
            &app,
            &user,
            &format!("{i}.txt"),
            format!("file {i}").as_bytes(),
        )
        .await;
    }
    let r = upload_to(&app, "/api/user-files/upload-file/", auth, "4.txt", b"four").await;
    assert_error(&r, 413, "ERROR_USER_FILE_QUOTA_EXCEEDED");
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM user_files")
        .fetch_one(&app.ctx.db)
        .await
        .unwrap();
    assert_eq!(stored, 3, "refused uploads stored nothing");
    let partial = app.ctx.settings.media_dir.join("user_files/.partial");
    assert_eq!(
        std::fs::read_dir(partial).unwrap().count(),
        0,
        "no partial file is left"
    );
}

/// Files stored under the media directory's user-file folder (finished uploads only).
fn stored_files(app: &TestApp) -> usize {
    std::fs::read_dir(app.ctx.settings.media_dir.join("user_files"))
        .map(|d| {
            d.filter_map(Result::ok)
                .filter(|e| e.path().is_file())
                .count()
        })
        .unwrap_or(0)
}

/// Left-over partial uploads.
fn partial_files(app: &TestApp) -> usize {
    std::fs::read_dir(app.ctx.settings.media_dir.join("user_files/.partial"))
        .map(|d| d.count())
        .unwrap_or(0)
}

#[tokio::test]
async fn an_upload_past_the_users_byte_quota_is_refused_and_leaves_no_file() {
    let app = TestApp::spawn_with(|s| s.user_files.bytes_per_user = 1000).await;
    let ann = app.sign_up("Ann", "ann@x.io").await;
    let auth = Some(format!("JWT {}", ann.access));
    upload(&app, &ann, "a.txt", &[b'a'; 600]).await;
    assert_eq!(stored_files(&app), 1);
    // 600 + 500 passes the 1000 bytes Ann may store.
    let r = upload_to(
        &app,
        "/api/user-files/upload-file/",
        auth.clone(),
        "b.txt",
        &[b'b'; 500],
    )
    .await;
    assert_error(&r, 413, "ERROR_USER_FILE_QUOTA_EXCEEDED");
    assert_eq!(stored_files(&app), 1, "the refused upload left no file");
    assert_eq!(partial_files(&app), 0, "nor a partial one");
    let mine: i64 = sqlx::query_scalar("SELECT count(*) FROM user_files")
        .fetch_one(&app.ctx.db)
        .await
        .unwrap();
    assert_eq!(mine, 1, "nor a row");
    // What is left still fits, to the byte; then nothing more does.
    upload(&app, &ann, "c.txt", &[b'c'; 400]).await;
    let r = upload_to(&app, "/api/user-files/upload-file/", auth, "d.txt", b"d").await;
    assert_error(&r, 413, "ERROR_USER_FILE_QUOTA_EXCEEDED");
    assert_eq!(stored_files(&app), 2);
    // The quota is Ann's: another user uploads as much again.
    let bob = app.sign_up("Bob", "bob@x.io").await;
    upload(&app, &bob, "e.txt", &[b'e'; 900]).await;
    assert_eq!(stored_files(&app), 3);
}

#[tokio::test]
async fn an_upload_past_the_servers_total_cap_is_refused_whoever_uploads_and_leaves_no_file() {
    let app = TestApp::spawn_with(|s| s.user_files.bytes_total = 1500).await;
    let ann = app.sign_up("Ann", "ann@x.io").await;
    let bob = app.sign_up("Bob", "bob@x.io").await;
    upload(&app, &ann, "a.txt", &[b'a'; 1000]).await;
    // Bob has stored nothing, but only 500 bytes are left on the server.
    let r = upload_to(
        &app,
        "/api/user-files/upload-file/",
        Some(format!("JWT {}", bob.access)),
        "b.txt",
        &[b'b'; 600],
    )
    .await;
    assert_error(&r, 413, "ERROR_USER_FILE_QUOTA_EXCEEDED");
    assert_eq!(stored_files(&app), 1, "the refused upload left no file");
    assert_eq!(partial_files(&app), 0, "nor a partial one");
    upload(&app, &bob, "c.txt", &[b'c'; 500]).await;
    let r = upload_to(
        &app,
        "/api/user-files/upload-file/",
        Some(format!("JWT {}", ann.access)),
        "d.txt",
        b"d",
    )
    .await;
    assert_error(&r, 413, "ERROR_USER_FILE_QUOTA_EXCEEDED");
    assert_eq!(stored_files(&app), 2);
    let total: i64 = sqlx::query_scalar("SELECT COALESCE(sum(size), 0)::bigint FROM user_files")
        .fetch_one(&app.ctx.db)
        .await
        .unwrap();
    assert_eq!(total, 1500);
}

#[tokio::test]
async fn upload_via_url_fetches_public_files_and_refuses_private_addresses_and_redirects() {
    let source = HttpReceiver::start().await;
    let bytes = png(30, 20);
    source.reply(Reply::Bytes(200, "image/png".into(), bytes.clone()));
    // Tests reach their own servers on 127.0.0.1 through an explicit exception.
    let app = TestApp::spawn_with(|s| {
        s.allow_private_addresses = false;
        s.outbound_allowed = vec!["127.0.0.1".parse().unwrap()];
    })
    .await;
    let user = app.sign_up("Ann", "ann@x.io").await;
    let a = Some(user.access.as_str());
    let r = app
        .post(
            "/api/user-files/upload-via-url/",
            a,
            json!({"url": format!("{}/pictures/sun%20set.png?size=large", source.url())}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["original_name"], "sun set.png");
    assert_eq!(r.body["is_image"], true);
    assert_eq!(r.body["image_width"], 30);
    assert_eq!(r.body["size"], bytes.len());

    let inner = HttpReceiver::start_on("127.0.0.2:0").await;
    let redirecting = HttpReceiver::start().await;
    redirecting.reply(Reply::Redirect(inner.url()));
    let metadata = HttpReceiver::start().await;
    metadata.reply(Reply::Redirect(
        "http://169.254.169.254/latest/meta-data/".into(),
    ));
    for url in [
        inner.url(),
        redirecting.url(),
        metadata.url(),
        "http://localhost:9/x".to_owned(),
        "http://169.254.169.254/latest/meta-data/".to_owned(),
        "http://[::ffff:127.0.0.2]/x".to_owned(),
        "http://10.0.0.1/x".to_owned(),
        "http://0.0.0.0/x".to_owned(),
    ] {
        let r = app
            .post("/api/user-files/upload-via-url/", a, json!({"url": url}))
            .await;
        assert_error(&r, 400, "ERROR_FILE_URL_COULD_NOT_BE_REACHED");
    }
    assert!(
        inner.requests().is_empty(),
        "nothing reached the private address"
    );
    for url in [
        "file:///etc/passwd",
        "gopher://x/",
        "not a url",
        "http://a\u{0}b/",
    ] {
        let r = app
            .post("/api/user-files/upload-via-url/", a, json!({"url": url}))
            .await;
        assert_error(&r, 400, "ERROR_INVALID_FILE_URL");
    }
    let missing = HttpReceiver::start().await;
    missing.reply(Reply::Status(404));
    let r = app
        .post(
            "/api/user-files/upload-via-url/",
            a,
            json!({"url": missing.url()}),
        )
        .await;
    assert_error(&r, 400, "ERROR_FILE_URL_COULD_NOT_BE_REACHED");
    let huge = HttpReceiver::start().await;
    huge.reply(Reply::Bytes(
        200,
        "text/plain".into(),
        vec![b'x'; 5 * 1024 * 1024 + 1],
    ));
    let r = app
        .post(
            "/api/user-files/upload-via-url/",
            a,
            json!({"url": huge.url()}),
        )
        .await;
    assert_error(&r, 413, "ERROR_FILE_SIZE_TOO_LARGE");
}

struct FileTable {
    fx: TableFixture,
    field: i64,
}

async fn file_table(app: &TestApp) -> FileTable {
    let fx = app.table_fixture().await;
    let field = app
        .field(&fx.user, fx.table, json!({"name": "Files", "type": "file"}))
        .await;
    FileTable { fx, field }
}

async fn create_row(app: &TestApp, t: &FileTable, body: Value) -> Resp {
    app.post(
        &format!("/api/database/rows/table/{}/", t.fx.table),
        Some(&t.fx.user.access),
        body,
    )
    .await
}

#[tokio::test]
async fn file_values_are_written_by_uploaded_name_and_read_with_urls() {
    let app = TestApp::spawn().await;
    let t = file_table(&app).await;
    let key = format!("field_{}", t.field);
    let photo = upload(&app, &t.fx.user, "photo.png", &png(60, 30)).await;
    let doc = upload(&app, &t.fx.user, "report.pdf", b"%PDF-1.4 not really").await;
    let r = create_row(
        &app,
        &t,
        json!({key.clone(): [{"name": photo["name"], "visible_name": "Team photo"}, doc["name"]]}),
    )
    .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let row_id = r.body["id"].as_i64().unwrap();
    let files = r.body[&key].as_array().unwrap().clone();
    assert_eq!(files.len(), 2);
    assert_eq!(files[0]["visible_name"], "Team photo");
    assert_eq!(files[1]["visible_name"], "report.pdf");
    for key in [
        "name",
        "visible_name",
        "url",
        "thumbnails",
        "size",
        "mime_type",
        "is_image",
        "image_width",
        "image_height",
        "uploaded_at",
    ] {
        assert!(
            files[0].get(key).is_some(),
            "{key} missing from {}",
            files[0]
        );
    }
    assert_eq!(files[0]["is_image"], true);
    assert_eq!(files[0]["image_width"], 60);
    assert_eq!(files[1]["is_image"], false);
    assert_eq!(files[1]["thumbnails"], Value::Null);
    assert_eq!(files[1]["mime_type"], "application/pdf");
    let served = download(&app, &files[1]["url"]).await;
    assert_eq!(served.status(), 200);
    assert_eq!(
        served.bytes().await.unwrap().as_ref(),
        b"%PDF-1.4 not really"
    );

    // Names must come from the upload API; a refused write changes nothing.
    let fake = format!("{}_{}.png", "a".repeat(32), "0".repeat(64));
    let path = format!("/api/database/rows/table/{}/{row_id}/", t.fx.table);
    let a = Some(t.fx.user.access.as_str());
    let r = app
        .patch(&path, a, json!({key.clone(): [{"name": fake}]}))
        .await;
    assert_error(&r, 400, "ERROR_USER_FILE_DOES_NOT_EXIST");
    let r = app
        .patch(&path, a, json!({key.clone(): ["../../etc/passwd"]}))
        .await;
    assert_error(&r, 400, "ERROR_REQUEST_BODY_VALIDATION");
    let r = app.get(&path, a).await;
    assert_eq!(r.body[&key].as_array().unwrap().len(), 2, "unchanged");

    // A comma-separated list of names, and null to empty the cell.
    let csv = format!(
        "{}, {}",
        doc["name"].as_str().unwrap(),
        photo["name"].as_str().unwrap()
    );
    let r = app.patch(&path, a, json!({key.clone(): csv})).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body[&key][0]["visible_name"], "report.pdf");
    assert_eq!(r.body[&key][1]["visible_name"], "photo.png");
    let r = app.patch(&path, a, json!({key.clone(): null})).await;
    assert_eq!(r.body[&key], json!([]));

    // Database tokens may upload too, as in Baserow.
    let token = app
        .post(
            "/api/database/tokens/",
            a,
            json!({"name": "t", "workspace": t.fx.workspace_id(&app).await}),
        )
        .await;
    assert_eq!(token.status, 200, "{:?}", token.body);
    let r = upload_to(
        &app,
        "/api/user-files/upload-file/",
        Some(format!("Token {}", token.body["key"].as_str().unwrap())),
        "by-token.txt",
        b"token",
    )
    .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
}

#[tokio::test]
async fn file_fields_filter_search_and_export_by_their_files() {
    let app = TestApp::spawn().await;
    let t = file_table(&app).await;
    let key = format!("field_{}", t.field);
    let photo = upload(&app, &t.fx.user, "beach.png", &png(8, 8)).await;
    let doc = upload(&app, &t.fx.user, "invoice-2024.pdf", b"%PDF").await;
    let mut ids = Vec::new();
    for (name, files) in [
        ("both", json!([photo["name"], doc["name"]])),
        ("image", json!([photo["name"]])),
        ("doc", json!([doc["name"]])),
        ("none", json!([])),
    ] {
        let r = create_row(&app, &t, json!({"field_1": name, key.clone(): files})).await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        ids.push((name, r.body["id"].as_i64().unwrap()));
    }
    let named = |found: &Resp| -> Vec<&str> {
        let mut names: Vec<&str> = found.body["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|r| {
                ids.iter()
                    .find(|(_, id)| Some(*id) == r["id"].as_i64())
                    .map(|(n, _)| *n)
            })
            .collect();
        names.sort();
        names
    };
    let f = t.field;
    for (query, expected) in [
        (
            format!("filter__field_{f}__filename_contains=INVOICE"),
            vec!["both", "doc"],
        ),
        (
            format!("filter__field_{f}__has_file_type=image"),
            vec!["both", "image"],
        ),
        (
            format!("filter__field_{f}__has_file_type=document"),
            vec!["both", "doc"],
        ),
        (
            format!("filter__field_{f}__files_lower_than=2"),
            vec!["doc", "image", "none"],
        ),
        (format!("filter__field_{f}__empty="), vec!["none"]),
        (
            format!("filter__field_{f}__not_empty="),
            vec!["both", "doc", "image"],
        ),
        ("search=beach".to_owned(), vec!["both", "image"]),
    ] {
        let r = app.rows(&t.fx.user, t.fx.table, &query).await;
        assert_eq!(r.status, 200, "{query}: {:?}", r.body);
        assert_eq!(named(&r), expected, "{query}");
    }
    // Exports write each file as `visible name (url)`.
    let r = app
        .post(
            &format!("/api/database/export/table/{}/", t.fx.table),
            Some(&t.fx.user.access),
            json!({"exporter_type": "csv"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let job = r.body["id"].as_i64().unwrap();
    let mut url = Value::Null;
    for _ in 0..200 {
        let r = app
            .get(
                &format!("/api/database/export/{job}/"),
                Some(&t.fx.user.access),
            )
            .await;
        if r.body["state"] == "finished" {
            url = r.body["url"].clone();
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let csv = download(&app, &url).await.text().await.unwrap();
    let photo_url = path_of(&photo["url"]);
    assert!(csv.contains("beach.png ("), "{csv}");
    assert!(csv.contains(&photo_url), "{csv}");
}

#[tokio::test]
async fn a_shared_form_with_a_file_field_takes_uploads_from_visitors() {
    let app = TestApp::spawn().await;
    let t = file_table(&app).await;
    let a = Some(t.fx.user.access.as_str());
    let form = app
        .post(
            &format!("/api/database/views/table/{}/", t.fx.table),
            a,
            json!({"name": "Apply", "type": "form", "public": true}),
        )
        .await;
    assert_eq!(form.status, 200, "{:?}", form.body);
    let (view, slug) = (
        form.body["id"].as_i64().unwrap(),
        form.body["slug"].as_str().unwrap().to_owned(),
    );
    let path = format!("/api/database/views/form/{slug}/upload-file/");
    // A form that asks for no file takes none.
    let r = upload_to(&app, &path, None, "cv.pdf", b"%PDF").await;
    assert_eq!(r.status, 404, "{:?}", r.body);
    let r = app
        .patch(
            &format!("/api/database/views/{view}/field-options/"),
            a,
            json!({"field_options": {t.field.to_string(): {"enabled": true}}}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let r = upload_to(&app, &path, None, "cv.pdf", b"%PDF").await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let name = r.body["name"].clone();
    let r = app
        .post(
            &format!("/api/database/views/form/{slug}/submit/"),
            None,
            json!({format!("field_{}", t.field): [{"name": name, "visible_name": "My CV.pdf"}]}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let row = r.body["row_id"].as_i64().unwrap();
    let r = app
        .get(
            &format!("/api/database/rows/table/{}/{row}/", t.fx.table),
            a,
        )
        .await;
    assert_eq!(
        r.body[format!("field_{}", t.field)][0]["visible_name"],
        "My CV.pdf"
    );
    let r = upload_to(
        &app,
        "/api/database/views/form/nope/upload-file/",
        None,
        "x.txt",
        b"x",
    )
    .await;
    assert_eq!(r.status, 404, "{:?}", r.body);
}
