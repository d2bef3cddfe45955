//! Faults: the database going away and coming back, and a graceful shutdown under load.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::common::{test_config, Backend, TestApp};

fn pg_bin() -> Option<PathBuf> {
    let root = Path::new("/usr/lib/postgresql");
    let mut versions: Vec<PathBuf> = std::fs::read_dir(root)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    versions.sort();
    versions
        .pop()
        .map(|v| v.join("bin"))
        .filter(|b| b.join("initdb").exists())
}

/// A throwaway PostgreSQL cluster in a temporary folder, on its own port, run as the postgres
/// user (initdb refuses root).
struct Cluster {
    bin: PathBuf,
    dir: PathBuf,
    port: u16,
    _tmp: tempfile::TempDir,
}

impl Cluster {
    fn as_postgres(&self, program: &str, args: &[&str]) -> std::process::Output {
        let mut cmd = if unsafe_is_root() {
            Command::new("runuser")
        } else {
            Command::new(self.bin.join(program))
        };
        if unsafe_is_root() {
            cmd.args(["-u", "postgres", "--"])
                .arg(self.bin.join(program));
        }
        cmd.args(args).output().expect("running a PostgreSQL tool")
    }

    fn create() -> Option<Cluster> {
        let bin = pg_bin()?;
        let tmp = tempfile::tempdir().ok()?;
        let dir = tmp.path().join("data");
        std::fs::create_dir_all(&dir).ok()?;
        if unsafe_is_root() {
            Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(tmp.path())
                .status()
                .ok()?;
        }
        let port = crate::smtp::free_port();
        let cluster = Cluster {
            bin,
            dir,
            port,
            _tmp: tmp,
        };
        let out = cluster.as_postgres(
            "initdb",
            &["-D", cluster.dir.to_str()?, "-A", "trust", "-U", "postgres"],
        );
        assert!(
            out.status.success(),
            "initdb: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        cluster.start();
        Some(cluster)
    }

    fn start(&self) {
        let opts = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1",
            self.port,
            self.dir.display()
        );
        let log = self.dir.join("log");
        let out = self.as_postgres(
            "pg_ctl",
            &[
                "-D",
                self.dir.to_str().unwrap(),
                "-o",
                &opts,
                "-l",
                log.to_str().unwrap(),
                "-w",
                "start",
            ],
        );
        assert!(
            out.status.success(),
            "pg_ctl start: {}",
            String::from_utf8_lossy(&out.stdout)
        );
    }

    fn stop(&self) {
        let out = self.as_postgres(
            "pg_ctl",
            &["-D", self.dir.to_str().unwrap(), "-m", "fast", "-w", "stop"],
        );
        assert!(
            out.status.success(),
            "pg_ctl stop: {}",
            String::from_utf8_lossy(&out.stdout)
        );
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self.as_postgres(
            "pg_ctl",
            &[
                "-D",
                self.dir.to_str().unwrap_or(""),
                "-m",
                "immediate",
                "stop",
            ],
        );
    }
}

fn unsafe_is_root() -> bool {
    std::env::var("USER").map(|u| u == "root").unwrap_or(false)
        || Command::new("id")
            .arg("-u")
            .output()
            .map(|o| o.stdout.starts_with(b"0"))
            .unwrap_or(false)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_database_goes_away_and_comes_back() {
    let Some(cluster) = Cluster::create() else {
        assert!(
            std::env::var("CI").is_err(),
            "CI needs PostgreSQL's initdb and pg_ctl for the outage test"
        );
        eprintln!("!!! SKIPPED: no PostgreSQL server binaries for the outage test");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut config = test_config(&cluster.url(), dir.path());
    config.db_timeout_ms = 500;
    let app = TestApp::spawn_with(Backend::Postgres, config, dir, None).await;
    let mut created = 0;
    let mut ids = Vec::new();
    for i in 0..5 {
        ids.push(
            app.post("/v1/outlets", json!({"name": format!("Before {i}")}))
                .await
                .expect(201)
                .id(),
        );
        created += 1;
    }

    cluster.stop();
    // Ids in a body are looked up: an outage must answer 503, never "there is no outlet" (422).
    let license = json!({"grantor_outlet_id": ids[0], "licensee_outlet_id": ids[1], "scope": "feed",
        "actions": ["republish"], "media": ["web"], "territories": ["US"], "valid_from": "2025-01-01"});
    let answer = app.post("/v1/licenses", license).await;
    assert_eq!(
        answer.status.as_u16(),
        503,
        "license creation: {}",
        answer.text
    );
    let article = json!({"title": "During the outage", "source_outlet_id": ids[0]});
    let answer = app.post("/v1/articles", article).await;
    assert_eq!(
        answer.status.as_u16(),
        503,
        "article creation: {}",
        answer.text
    );
    let reprint = json!({"article_id": 1, "outlet_id": ids[1], "reprinted_on": "2025-03-01", "medium": "web"});
    let answer = app.post("/v1/reprints", reprint).await;
    assert_eq!(
        answer.status.as_u16(),
        503,
        "reprint creation: {}",
        answer.text
    );
    for i in 0..5 {
        let started = Instant::now();
        let answer = app
            .post("/v1/outlets", json!({"name": format!("During {i}")}))
            .await;
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "a request hung while the database was down"
        );
        assert_eq!(answer.status.as_u16(), 503, "{}", answer.text);
        assert!(answer.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/problem+json"));
    }
    app.send(reqwest::Method::GET, "/readyz", None, None)
        .await
        .expect_problem(503);
    app.send(reqwest::Method::GET, "/healthz", None, None)
        .await
        .expect(200);

    cluster.start();
    // It recovers by itself, without a restart.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let ready = app.send(reqwest::Method::GET, "/readyz", None, None).await;
        if ready.status.as_u16() == 200 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the service did not recover: {}",
            ready.text
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    for i in 0..5 {
        app.post("/v1/outlets", json!({"name": format!("After {i}")}))
            .await
            .expect(201);
        created += 1;
    }
    // No write lost, none doubled: exactly the 201s are there.
    assert_eq!(app.count_rows("outlets"), created);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_lets_requests_finish_and_writes_nothing_half() {
    let dir = tempfile::tempdir().unwrap();
    let port = crate::smtp::free_port();
    let url = format!("sqlite://{}", dir.path().join("rightsdesk.db").display());
    let mut child = Command::new(env!("CARGO_BIN_EXE_rightsdesk"))
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .env("RIGHTSDESK_DATABASE_URL", &url)
        .env("RIGHTSDESK_DATA_DIR", dir.path())
        .env("RIGHTSDESK_ADMIN_EMAIL", "admin@rightsdesk.test")
        .env("RIGHTSDESK_ADMIN_PASSWORD", "correct horse battery staple")
        .env("RIGHTSDESK_ARGON2_MEMORY_KIB", "1024")
        .env("RIGHTSDESK_ARGON2_ITERATIONS", "1")
        .env("RIGHTSDESK_NOTIFY_INTERVAL", "1s")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let mut token = String::new();
    for _ in 0..100 {
        if let Ok(r) = client.post(format!("{base}/v1/auth/login"))
            .json(&json!({"email": "admin@rightsdesk.test", "password": "correct horse battery staple"})).send().await
        {
            let body: serde_json::Value = r.json().await.unwrap();
            token = body["access_token"].as_str().unwrap().to_string();
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(!token.is_empty(), "the server did not start");

    // Writers in a loop; SIGTERM in the middle.
    let mut writers = Vec::new();
    for w in 0..8 {
        let (client, base, token) = (client.clone(), base.clone(), token.clone());
        writers.push(tokio::spawn(async move {
            let mut created = 0;
            for i in 0..10_000 {
                match client
                    .post(format!("{base}/v1/outlets"))
                    .bearer_auth(&token)
                    .json(&json!({"name": format!("Writer {w} #{i}")}))
                    .send()
                    .await
                {
                    Ok(r) if r.status().as_u16() == 201 => created += 1,
                    Ok(r) => panic!(
                        "unexpected {}: {}",
                        r.status(),
                        r.text().await.unwrap_or_default()
                    ),
                    Err(_) => break, // the server has stopped accepting
                }
            }
            created
        }));
    }
    tokio::time::sleep(Duration::from_millis(700)).await;
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let mut created = 0i64;
    for w in writers {
        created += w.await.unwrap();
    }
    let status = child.wait().unwrap();
    assert!(
        status.success(),
        "the server did not exit cleanly: {status}"
    );
    assert!(created > 0);

    // Every 201 is in the database, and nothing else.
    let dir2 = tempfile::tempdir().unwrap();
    let after =
        TestApp::spawn_with(Backend::Sqlite, test_config(&url, dir2.path()), dir2, None).await;
    assert_eq!(after.count_rows("outlets"), created);
}
