//! Kubernetes YAML as kubectl reads it: merge keys (`<<`) resolved, with
//! explicit keys winning and earlier maps of a list winning (issue 11 #8),
//! and artifacts located in big lists in linear time with the right lines
//! (issue 11 #10).

use crate::common;

use common::{tempdir, write, Imprint};
use imprint_core::Artifact;
use imprint_host::check_inputs::{read_inputs, InputKind};
use serde_json::Value;
use std::path::Path;
use std::time::{Duration, Instant};

/// The hostile tests' bound: the quadratic behaviour took 14 to 30 s.
const BOUND: Duration = Duration::from_secs(10);

/// Reads `path` on a thread; fails the test when that takes over `BOUND`.
fn read_within(path: &Path) -> (Vec<Artifact>, Duration) {
    let p = path.to_str().unwrap().to_owned();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let start = Instant::now();
        let r = read_inputs(&[p], InputKind::Auto);
        let _ = tx.send((r, start.elapsed()));
    });
    let (r, took) = rx
        .recv_timeout(BOUND)
        .unwrap_or_else(|_| panic!("reading {} took more than {BOUND:?}", path.display()));
    (r.unwrap(), took)
}

fn field<'a>(a: &'a Artifact, k: &str) -> &'a str {
    a.fields.get(k).map_or("", String::as_str)
}

// --- #8: merge keys ------------------------------------------------------

const MERGED: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: buyer
  namespace: x402
spec:
  template:
    spec:
      initContainers:
      - &base
        name: init
        image: ghcr.io/obolnetwork/x402-buyer:dev-0123456789ab
        env: [{name: A, value: '1'}]
      containers:
      - <<: *base
        name: buyer
        image: ghcr.io/obolnetwork/x402-buyer:latest
      - name: verifier
        <<: {image: 'ghcr.io/obolnetwork/x402-verifier:latest'}
      - <<: [{name: first, image: 'ghcr.io/obolnetwork/a:latest'}, {name: second, image: 'ghcr.io/obolnetwork/b:dev-0123456789ab', env: [{name: B, value: '2'}]}]
      - <<: *base
        name: again
      - \"<<\": {image: 'ghcr.io/obolnetwork/q:latest'}
        name: quoted
";

#[test]
fn merge_keys_are_resolved_as_kubectl_does() {
    let dir = tempdir();
    let f = write(dir.path(), "deploy.yaml", MERGED);
    let (artifacts, _) = read_within(&f);
    let got: Vec<(&str, &str, String, u32)> = artifacts
        .iter()
        .map(|a| {
            let env: Vec<String> = a.env.iter().map(|(k, v)| format!("{k}={v}")).collect();
            (
                field(a, "container.name"),
                a.reference.as_deref().unwrap_or(""),
                env.join(","),
                a.line.unwrap(),
            )
        })
        .collect();
    let buyer = "ghcr.io/obolnetwork/x402-buyer";
    assert_eq!(
        got,
        [
            (
                "init",
                &*format!("{buyer}:dev-0123456789ab"),
                "A=1".into(),
                12
            ),
            // An explicit key wins over the merged one; the rest is merged.
            ("buyer", &*format!("{buyer}:latest"), "A=1".into(), 17),
            // A merged image: its own line.
            (
                "verifier",
                "ghcr.io/obolnetwork/x402-verifier:latest",
                String::new(),
                19
            ),
            // In a list of maps the earlier map wins, key by key.
            ("first", "ghcr.io/obolnetwork/a:latest", "B=2".into(), 20),
            // An image merged from an anchor elsewhere: the container's line.
            (
                "again",
                &*format!("{buyer}:dev-0123456789ab"),
                "A=1".into(),
                21
            ),
            // A quoted `"<<"` is a plain key to kubectl (checked with
            // `kubectl label --local -o json`): no image, so the object's line.
            ("quoted", "", String::new(), 1),
        ]
    );
}

#[test]
fn check_reports_latest_set_through_a_merge_key() {
    let dir = tempdir();
    // kubectl deploys `buyer` with the init container's `:latest` image
    // (checked with `kubectl label --local -o json`).
    let manifest = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: buyer
  namespace: x402
spec:
  template:
    spec:
      initContainers:
      - &defaults
        name: migrate
        image: ghcr.io/obolnetwork/x402-buyer:latest
      containers:
      - <<: *defaults
        name: buyer
";
    write(dir.path(), "deploy.yaml", manifest);
    let r = Imprint::new(dir.path())
        .args(["check", "-p", "obol-stack", "-f", "json", "deploy.yaml"])
        .run()
        .expect_code(1);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["errors"], 2, "{v:#}");
    let a = &v["artifacts"][1];
    assert_eq!(a["name"], "Deployment/x402/buyer container buyer", "{v:#}");
    assert_eq!(
        a["reference"], "ghcr.io/obolnetwork/x402-buyer:latest",
        "{v:#}"
    );
    assert_eq!(a["findings"][0]["rule"], "obol-no-shared-latest", "{v:#}");
    // The container's own line: its image text is in the anchor.
    assert_eq!(a["line"], 14, "{v:#}");
}

#[test]
fn a_merge_key_that_is_not_a_mapping_is_an_error_naming_the_line() {
    let dir = tempdir();
    write(
        dir.path(),
        "bad.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n    <<: just-a-string\n",
    );
    let r = Imprint::new(dir.path())
        .args(["check", "-p", "obol-stack", "bad.yaml"])
        .run()
        .expect_code(2);
    assert!(
        r.stderr.contains("bad.yaml:7:") && r.stderr.contains("merge key"),
        "{}",
        r.stderr
    );
}

// --- #10: linear-time location -------------------------------------------

const IMAGE: &str = "ghcr.io/obolnetwork/x402-buyer:dev-0123456789ab";

/// A YAML `List` of `n` Pods, 7 lines each from line 4, the image on the
/// 6th line of each; `metadata(i)` is inserted after `kind` (one line).
fn pod_list(n: usize, metadata: impl Fn(usize) -> Option<String>) -> String {
    let mut s = String::from("apiVersion: v1\nkind: List\nitems:\n");
    for i in 0..n {
        s.push_str("- apiVersion: v1\n  kind: Pod\n");
        match metadata(i) {
            Some(m) => s.push_str(&format!("  metadata: {m}\n")),
            None => s.push_str("  status: {phase: Pending}\n"),
        }
        s.push_str(&format!(
            "  spec:\n    containers:\n    - name: app\n      image: {IMAGE}\n"
        ));
    }
    s
}

/// Pod `i`'s image line in [`pod_list`].
fn image_line(i: usize) -> u32 {
    u32::try_from(4 + 7 * i + 6).unwrap()
}

fn assert_located(artifacts: &[Artifact], n: usize) {
    assert_eq!(artifacts.len(), n);
    for i in [0, 1, 2, n / 2, n - 2, n - 1] {
        assert_eq!(artifacts[i].line, Some(image_line(i)), "pod {i}");
    }
}

#[test]
fn ten_thousand_unnamed_pods_are_located_in_linear_time() {
    let dir = tempdir();
    let n = 10_000;
    let f = write(dir.path(), "pods.yaml", &pod_list(n, |_| None));
    assert!(std::fs::metadata(&f).unwrap().len() > 1 << 20);
    let (artifacts, took) = read_within(&f);
    eprintln!("{n} unnamed pods: {took:?}");
    assert_located(&artifacts, n);
}

#[test]
fn ten_thousand_pods_of_one_name_in_different_namespaces_are_located_in_linear_time() {
    let dir = tempdir();
    let n = 10_000;
    let f = write(
        dir.path(),
        "pods.yaml",
        &pod_list(n, |i| Some(format!("{{name: web, namespace: ns-{i}}}"))),
    );
    let (artifacts, took) = read_within(&f);
    eprintln!("{n} pods named web: {took:?}");
    assert_located(&artifacts, n);
    assert_eq!(field(&artifacts[n - 1], "k8s.namespace"), "ns-9999");
}

#[test]
fn ten_thousand_pods_of_one_generate_name_are_located_in_linear_time() {
    let dir = tempdir();
    let n = 10_000;
    let f = write(
        dir.path(),
        "pods.json",
        &serde_json::to_string_pretty(&serde_json::json!({
            "apiVersion": "v1",
            "kind": "List",
            "items": (0..n).map(|_| serde_json::json!({
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"generateName": "web-", "namespace": "x"},
                "spec": {"containers": [{"name": "app", "image": IMAGE}]}
            })).collect::<Vec<_>>()
        }))
        .unwrap(),
    );
    let (artifacts, took) = read_within(&f);
    eprintln!("{n} pods generated as web-: {took:?}");
    assert_eq!(artifacts.len(), n);
    // serde_json's pretty layout: 17 lines per item from line 4; the
    // image is the 13th line of an item.
    let text = std::fs::read_to_string(&f).unwrap();
    let image_lines: Vec<u32> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains("\"image\""))
        .map(|(i, _)| u32::try_from(i + 1).unwrap())
        .collect();
    for i in [0, 1, n / 2, n - 1] {
        assert_eq!(artifacts[i].line, Some(image_lines[i]), "pod {i}");
    }
}
