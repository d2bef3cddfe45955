//! Tells the tests whether a PostgreSQL server is configured for them
//! (`RIGHTSDESK_TEST_POSTGRES_URL`): without one, every PostgreSQL test is compiled as ignored, so
//! the test runner reports it as skipped instead of passed, and `.ci/run` fails on any skip.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(postgres_tests)");
    println!("cargo::rerun-if-env-changed=RIGHTSDESK_TEST_POSTGRES_URL");
    if std::env::var_os("RIGHTSDESK_TEST_POSTGRES_URL").is_some_and(|url| !url.is_empty()) {
        println!("cargo::rustc-cfg=postgres_tests");
    }
}
