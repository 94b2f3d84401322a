//! `imprint_host::check_inputs::read_inputs` on the hand-written inputs in
//! `tests/data/` (see its README): the exact artifacts each gives, with
//! their lines; directory walking; the modes; and errors that name the file.

// Helpers outside `#[test]` functions fail the test by panicking, as the
// tests themselves do.

use imprint_host::check_inputs::{read_inputs, InputKind, INPUT_LIMIT};
use imprint_host::HostError;
use serde_json::{json, Value};
use std::path::Path;

/// The path of a file in `tests/data/`.
fn data(name: &str) -> String {
    format!("{}/../tests/data/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// The artifacts of one input, as JSON.
fn read(path: &str, kind: InputKind) -> Value {
    let artifacts =
        read_inputs(&[path.to_owned()], kind).unwrap_or_else(|e| panic!("reading {path}: {e}"));
    serde_json::to_value(artifacts).unwrap()
}

fn read_err(path: &str, kind: InputKind) -> String {
    match read_inputs(&[path.to_owned()], kind) {
        Ok(a) => panic!("reading {path} should fail, got {a:?}"),
        Err(e) => e.to_string(),
    }
}

const VLLM_COMMIT: &str = "3f1a4bb639a9b65e2634a6529c90da36944d6472";
const ESCROW: &str = "ghcr.io/obolnetwork/x402-escrow:b13254e@sha256:8f2d6a4c0e9b7f5d3a1c8e6b4f2d0a9c7e5b3f1d8a6c4e2b0f9d7a5c3e1b8f6d";

#[test]
fn docker_inspect_of_a_vllm_release_image() {
    let f = data("docker-inspect-vllm.json");
    assert_eq!(
        read(&f, InputKind::Auto),
        json!([{
            "kind": "image",
            "name": "vllm/vllm-openai:v0.20.0",
            "reference": "vllm/vllm-openai:v0.20.0",
            "labels": {
                "ai.vllm.build.commit": VLLM_COMMIT,
                "ai.vllm.build.pipeline": "0190f3c4-8d2e-4a8f-9b1c-5e6d7f8a9b0c",
                "ai.vllm.build.url": "https://buildkite.com/vllm/release/builds/4321",
                "ai.vllm.image.tag": "vllm/vllm-openai:v0.20.0",
                "maintainer": "NVIDIA CORPORATION <cudatools@nvidia.com>",
                "org.opencontainers.image.ref.name": "ubuntu",
                "org.opencontainers.image.revision": VLLM_COMMIT,
                "org.opencontainers.image.source": "https://github.com/vllm-project/vllm",
                "org.opencontainers.image.url": "https://buildkite.com/vllm/release/builds/4321",
                "org.opencontainers.image.version": "vllm/vllm-openai:v0.20.0"
            },
            "env": {
                "CUDA_VERSION": "13.0.1",
                "DEBIAN_FRONTEND": "noninteractive",
                "LD_LIBRARY_PATH": "/usr/local/nvidia/lib:/usr/local/nvidia/lib64",
                "NVARCH": "x86_64",
                "NVIDIA_DRIVER_CAPABILITIES": "compute,utility",
                "NVIDIA_REQUIRE_CUDA": "cuda>=13.0 brand=unknown,driver>=535,driver<536",
                "NVIDIA_VISIBLE_DEVICES": "all",
                "NV_CUDA_CUDART_VERSION": "13.0.96-1",
                "PATH": "/usr/local/nvidia/bin:/usr/local/cuda/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "UV_HTTP_TIMEOUT": "500",
                "UV_INDEX_STRATEGY": "unsafe-best-match",
                "UV_LINK_MODE": "copy",
                "VLLM_BUILD_COMMIT": VLLM_COMMIT,
                "VLLM_BUILD_PIPELINE": "0190f3c4-8d2e-4a8f-9b1c-5e6d7f8a9b0c",
                "VLLM_BUILD_URL": "https://buildkite.com/vllm/release/builds/4321",
                "VLLM_IMAGE_TAG": "vllm/vllm-openai:v0.20.0",
                "VLLM_USAGE_SOURCE": "production-docker-image"
            },
            "fields": {
                "created": "2026-04-29T18:42:07.513284861Z",
                "id": "sha256:9c2b7e4f0a61d3c85e7f1b24a6d90c3e8f5b7a1d2c4e6f8091a3b5c7d9e1f203",
                "platform": "linux/amd64",
                "repo_digests": "vllm/vllm-openai@sha256:5d41f3a0c2b9e8d7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3\npublic.ecr.aws/q9t5s3a7/vllm-release-repo@sha256:5d41f3a0c2b9e8d7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3",
                "repo_tags": format!("vllm/vllm-openai:v0.20.0\npublic.ecr.aws/q9t5s3a7/vllm-release-repo:{VLLM_COMMIT}-x86_64")
            },
            "file": f,
            "line": 2
        }])
    );
    // The same through the inspect-only mode.
    assert_eq!(read(&f, InputKind::Inspect), read(&f, InputKind::Auto));
}

#[test]
fn podman_inspect_of_an_image_and_a_container() {
    let f = data("podman-inspect.json");
    let buyer = "ghcr.io/obolnetwork/x402-buyer:dev-0123456789ab";
    let image_id = "7e1f3c5a9b2d4e6f8a0c1e3b5d7f9a1c3e5b7d9f1a3c5e7b9d1f3a5c7e9b1d3f";
    let source = "https://github.com/ObolNetwork/obol-stack";
    assert_eq!(
        read(&f, InputKind::Auto),
        json!([
            {
                "kind": "image",
                "name": buyer,
                "reference": buyer,
                "labels": {
                    "org.opencontainers.image.base.name": "gcr.io/distroless/static-debian12:nonroot",
                    "org.opencontainers.image.source": source
                },
                "env": {
                    "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                    "SSL_CERT_FILE": "/etc/ssl/certs/ca-certificates.crt"
                },
                "fields": {
                    "created": "2026-06-03T11:20:45.123456789Z",
                    "id": image_id,
                    "platform": "linux/amd64",
                    "repo_digests": "ghcr.io/obolnetwork/x402-buyer@sha256:a4c6e8b0d2f4a6c8e0b2d4f6a8c0e2b4d6f8a0c2e4b6d8f0a2c4e6b8d0f2a4c6",
                    "repo_tags": buyer
                },
                "file": f,
                "line": 2
            },
            {
                "kind": "container",
                "name": "x402-buyer",
                "reference": buyer,
                "labels": { "org.opencontainers.image.source": source },
                "env": {
                    "HOME": "/home/nonroot",
                    "HOSTNAME": "d3f5a7c9e1b3",
                    "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                    "SSL_CERT_FILE": "/etc/ssl/certs/ca-certificates.crt",
                    "X402_FACILITATOR_URL": "http://localhost:8080",
                    "container": "podman"
                },
                "fields": {
                    "created": "2026-06-03T11:24:02.481516234Z",
                    "id": "d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a3c5e7b9d1f3a5c7e9b1d3f5",
                    "image_id": image_id,
                    "name": "x402-buyer"
                },
                "file": f,
                "line": 73
            }
        ])
    );
}

#[test]
fn oci_index_and_its_annotated_entries() {
    let f = data("oci-index.json");
    let created = "2026-04-29T18:42:07Z";
    let index = "application/vnd.oci.image.index.v1+json";
    let manifest = "application/vnd.oci.image.manifest.v1+json";
    let amd64 = "sha256:5d41f3a0c2b9e8d7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3";
    let attestation = "sha256:7f63b5c2e4d1a0f9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5";
    let expected = json!([
        {
            "kind": "image",
            "name": f,
            "labels": {
                "org.opencontainers.image.created": created,
                "org.opencontainers.image.revision": VLLM_COMMIT,
                "org.opencontainers.image.source": "https://github.com/vllm-project/vllm",
                "org.opencontainers.image.version": "vllm/vllm-openai:v0.20.0"
            },
            "fields": { "media_type": index },
            "file": f,
            "line": 1
        },
        {
            "kind": "image",
            "name": "docker.io/vllm/vllm-openai:v0.20.0",
            "reference": "docker.io/vllm/vllm-openai:v0.20.0",
            "labels": {
                "io.containerd.image.name": "docker.io/vllm/vllm-openai:v0.20.0",
                "org.opencontainers.image.created": created,
                "org.opencontainers.image.ref.name": "v0.20.0",
                "org.opencontainers.image.revision": VLLM_COMMIT
            },
            "fields": { "digest": amd64, "media_type": manifest, "platform": "linux/amd64" },
            "file": f,
            "line": 5
        },
        {
            "kind": "image",
            "name": format!("{f} {attestation}"),
            "labels": {
                "vnd.docker.reference.digest": amd64,
                "vnd.docker.reference.type": "attestation-manifest"
            },
            "fields": { "digest": attestation, "media_type": manifest, "platform": "unknown/unknown" },
            "file": f,
            "line": 29
        }
    ]);
    assert_eq!(read(&f, InputKind::Auto), expected);
    assert_eq!(read(&f, InputKind::Oci), expected);
}

#[test]
fn oci_config_of_a_local_vllm_build() {
    let f = data("oci-config.json");
    assert_eq!(
        read(&f, InputKind::Oci),
        json!([{
            "kind": "image",
            "name": f,
            "labels": {
                "ai.vllm.build.commit": "unknown",
                "ai.vllm.build.pipeline": "local",
                "ai.vllm.build.url": "",
                "ai.vllm.image.tag": "local/vllm-openai:dev",
                "maintainer": "NVIDIA CORPORATION <cudatools@nvidia.com>",
                "org.opencontainers.image.ref.name": "ubuntu",
                "org.opencontainers.image.revision": "unknown",
                "org.opencontainers.image.source": "https://github.com/vllm-project/vllm",
                "org.opencontainers.image.url": "",
                "org.opencontainers.image.version": "local/vllm-openai:dev"
            },
            "env": {
                "CUDA_VERSION": "13.0.1",
                "DEBIAN_FRONTEND": "noninteractive",
                "NVARCH": "sbsa",
                "NVIDIA_DRIVER_CAPABILITIES": "compute,utility",
                "NVIDIA_VISIBLE_DEVICES": "all",
                "PATH": "/usr/local/nvidia/bin:/usr/local/cuda/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "UV_HTTP_TIMEOUT": "500",
                "VLLM_BUILD_COMMIT": "unknown",
                "VLLM_BUILD_PIPELINE": "local",
                "VLLM_BUILD_URL": "",
                "VLLM_IMAGE_TAG": "local/vllm-openai:dev",
                "VLLM_USAGE_SOURCE": "production-docker-image"
            },
            "fields": { "created": "2026-05-18T09:13:55.204117823Z", "platform": "linux/arm64/v8" },
            "file": f,
            "line": 1
        }])
    );
}

/// `(name, reference, line)` of each artifact.
fn summary(v: &Value) -> Vec<(String, String, u64)> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["name"].as_str().unwrap().to_owned(),
                a["reference"].as_str().unwrap_or("").to_owned(),
                a["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn s(name: &str, reference: &str, line: u64) -> (String, String, u64) {
    (name.to_owned(), reference.to_owned(), line)
}

#[test]
fn obol_manifests_multi_document_yaml() {
    let f = data("manifests-obol.yaml");
    let got = read(&f, InputKind::Auto);
    assert_eq!(
        summary(&got),
        [
            s(
                "Deployment/x402/x402-buyer init container wait-for-verifier",
                "ghcr.io/obolnetwork/x402-verifier:dev-0123456789ab",
                26
            ),
            s(
                "Deployment/x402/x402-buyer container buyer",
                "ghcr.io/obolnetwork/x402-buyer:dev-0123456789ab",
                30
            ),
            // Same image in both: each gets its own `image:` line.
            s(
                "StatefulSet/x402/x402-escrow init container migrate",
                ESCROW,
                74
            ),
            s("StatefulSet/x402/x402-escrow container escrow", ESCROW, 78),
            s(
                "CronJob/storefront-catalog-sync container sync",
                "ghcr.io/obolnetwork/obol-stack-public-storefront:dev-0123456789ab",
                110
            ),
        ]
    );
    // The ConfigMap (whose data mentions an image) gives nothing.
    assert_eq!(
        got[1],
        json!({
            "kind": "container",
            "name": "Deployment/x402/x402-buyer container buyer",
            "reference": "ghcr.io/obolnetwork/x402-buyer:dev-0123456789ab",
            "env": {
                "LOG_LEVEL": "debug",
                "X402_FACILITATOR_URL": "http://x402-verifier.x402.svc:8080"
            },
            "fields": {
                "container.init": "false",
                "container.name": "buyer",
                "k8s.kind": "Deployment",
                "k8s.label.app.kubernetes.io/name": "x402-buyer",
                "k8s.label.app.kubernetes.io/part-of": "obol-stack",
                "k8s.name": "x402-buyer",
                "k8s.namespace": "x402"
            },
            "file": f,
            "line": 30
        })
    );
    assert_eq!(got[0]["fields"]["container.init"], "true");
    assert_eq!(
        got[3]["env"],
        json!({"CHAIN_ID": "84532", "ESCROW_DB": "/data/escrow.db"})
    );
    assert_eq!(
        got[4]["fields"],
        json!({
            "container.init": "false",
            "container.name": "sync",
            "k8s.kind": "CronJob",
            "k8s.name": "storefront-catalog-sync"
        })
    );
    assert_eq!(read(&f, InputKind::Kube), got);
}

#[test]
fn kubectl_pods_list_with_image_ids() {
    let f = data("kubectl-pods.json");
    let got = read(&f, InputKind::Kube);
    let buyer = "Pod/x402/x402-buyer-6c9d8f7b5-q2w7x";
    assert_eq!(
        summary(&got),
        [
            s(
                &format!("{buyer} init container wait-for-verifier"),
                "ghcr.io/obolnetwork/x402-verifier:dev-0123456789ab",
                86
            ),
            s(
                &format!("{buyer} container buyer"),
                "ghcr.io/obolnetwork/x402-buyer:dev-0123456789ab",
                54
            ),
            s("Pod/x402/x402-escrow-0 init container migrate", ESCROW, 337),
            s("Pod/x402/x402-escrow-0 container escrow", ESCROW, 309),
        ]
    );
    let image_ids: Vec<&str> = got
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["fields"]["image_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        image_ids,
        [
            "sha256:2b4d6f8a0c2e4b6d8f0a2c4e6b8d0f2a4c6e8b0d2f4a6c8e0b2d4f6a8c0e2b4d",
            "sha256:7e1f3c5a9b2d4e6f8a0c1e3b5d7f9a1c3e5b7d9f1a3c5e7b9d1f3a5c7e9b1d3f",
            "ghcr.io/obolnetwork/x402-escrow@sha256:8f2d6a4c0e9b7f5d3a1c8e6b4f2d0a9c7e5b3f1d8a6c4e2b0f9d7a5c3e1b8f6d",
            "ghcr.io/obolnetwork/x402-escrow@sha256:8f2d6a4c0e9b7f5d3a1c8e6b4f2d0a9c7e5b3f1d8a6c4e2b0f9d7a5c3e1b8f6d",
        ]
    );
    // `valueFrom` entries are not literal values.
    assert_eq!(
        got[1]["env"],
        json!({"LOG_LEVEL": "debug", "X402_FACILITATOR_URL": "http://x402-verifier.x402.svc:8080"})
    );
    assert_eq!(got[1]["fields"]["k8s.label.pod-template-hash"], "6c9d8f7b5");
    assert_eq!(read(&f, InputKind::Auto), got);
}

#[test]
fn airunway_inference_provider_config() {
    let f = data("inference-provider-config.yaml");
    assert_eq!(
        read(&f, InputKind::Auto),
        json!([{
            "kind": "object",
            "name": "InferenceProviderConfig/vllm",
            "fields": {
                "k8s.kind": "InferenceProviderConfig",
                "k8s.name": "vllm",
                "spec.capabilities.cpuSupport": "false",
                "spec.capabilities.engines": "vllm",
                "spec.capabilities.gpuSupport": "true",
                "spec.capabilities.loraSupport": "true",
                "spec.capabilities.servingModes": "aggregated",
                "spec.selectionRules[0].condition": "spec.engine.type == 'vllm'",
                "spec.selectionRules[0].priority": "50",
                "status.conditions[0].lastTransitionTime": "2026-06-28T14:02:12Z",
                "status.conditions[0].message": "Provider controller is running",
                "status.conditions[0].observedGeneration": "1",
                "status.conditions[0].reason": "ControllerReady",
                "status.conditions[0].status": "True",
                "status.conditions[0].type": "Ready",
                "status.lastHeartbeat": "2026-06-28T14:07:12Z",
                "status.ready": "true",
                "status.version": "vllm-provider:v0.3.0"
            },
            "file": f,
            "line": 1
        }])
    );
}

#[test]
fn go_version_m_text_is_detected() {
    let f = data("go-version-m-vllm-provider.txt");
    let got = read(&f, InputKind::Auto);
    assert_eq!(got, read(&f, InputKind::GoVersion));
    let a = &got[0];
    assert_eq!(got.as_array().unwrap().len(), 1);
    assert_eq!(a["kind"], "binary");
    assert_eq!(a["name"], "providers/vllm/bin/provider");
    assert_eq!(a["file"], f.as_str());
    assert_eq!(a["line"], 1);
    assert_eq!(
        a["xflags"],
        json!({
            "github.com/kaito-project/airunway/providers/vllm.VLLMVersion": "cu130-nightly",
            "github.com/kaito-project/airunway/providers/vllm.shimVersion": "v0.3.0"
        })
    );
}

#[test]
fn go_version_m_text_for_several_binaries() {
    let dir = tempfile::tempdir().unwrap();
    let one = std::fs::read_to_string(data("go-version-m-vllm-provider.txt")).unwrap();
    let two = one
        .replace(
            "providers/vllm/bin/provider",
            "providers/dynamo/bin/provider",
        )
        .replace("/vllm.", "/dynamo.")
        .replace("VLLMVersion=cu130-nightly", "DynamoVersion=1.1.1");
    let path = dir.path().join("all.txt");
    std::fs::write(&path, format!("{one}{two}")).unwrap();
    let p = path.display().to_string();
    let got = read(&p, InputKind::Auto);
    let names: Vec<(&str, u64)> = got
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["name"].as_str().unwrap(), a["line"].as_u64().unwrap()))
        .collect();
    let second = u64::try_from(one.lines().count() + 1).unwrap();
    assert_eq!(
        names,
        [
            ("providers/vllm/bin/provider", 1),
            ("providers/dynamo/bin/provider", second)
        ]
    );
    assert_eq!(
        got[1]["xflags"]["github.com/kaito-project/airunway/providers/dynamo.DynamoVersion"],
        "1.1.1"
    );
}

/// A minimal Go binary: an ELF-looking prefix, then the 16-byte aligned
/// build info header with the version and module info inline (Go 1.18+).
fn fake_go_binary() -> Vec<u8> {
    let mut b = b"\x7fELF\x02\x01\x01\0".to_vec();
    b.resize(64, 0);
    b.extend_from_slice(b"\xff Go buildinf:");
    b.push(8); // pointer size
    b.push(2); // flags: strings inline
    b.resize(64 + 32, 0);
    let version = b"go1.24.4";
    let modinfo = "path\tgithub.com/kaito-project/airunway/providers/kaito/cmd\n\
                   mod\tgithub.com/kaito-project/airunway/providers/kaito\t(devel)\t\n\
                   build\t-ldflags=\"-X github.com/kaito-project/airunway/providers/kaito.shimVersion=dev-c393ae4\"\n\
                   build\tvcs.revision=c393ae4f2b1d\n";
    b.push(u8::try_from(version.len()).unwrap());
    b.extend_from_slice(version);
    let len = modinfo.len();
    assert!(len < 16384);
    b.push(u8::try_from(len & 0x7f).unwrap() | 0x80);
    b.push(u8::try_from(len >> 7).unwrap());
    b.extend_from_slice(modinfo.as_bytes());
    b.extend_from_slice(&[0; 64]);
    b
}

fn write(path: &Path, content: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
}

#[cfg(unix)]
fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn go_binaries_are_read_without_a_toolchain() {
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("provider");
    write(&bin, &fake_go_binary());
    let p = bin.display().to_string();
    let got = read(&p, InputKind::Auto);
    assert_eq!(got, read(&p, InputKind::GoBinary));
    assert_eq!(got[0]["kind"], "binary");
    assert_eq!(got[0]["name"], p.as_str());
    assert_eq!(got[0]["file"], p.as_str());
    assert_eq!(
        got[0]["xflags"]["github.com/kaito-project/airunway/providers/kaito.shimVersion"],
        "dev-c393ae4"
    );
}

#[cfg(unix)]
#[test]
fn directories_are_walked_in_name_order() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let copy = |from: &str, to: &str| {
        write(&root.join(to), &std::fs::read(data(from)).unwrap());
    };
    copy("inference-provider-config.yaml", "b/provider.YML");
    copy("docker-inspect-vllm.json", "a/inspect.json");
    copy("manifests-obol.yaml", "c/deep/manifests.yaml");
    copy("go-version-m-vllm-provider.txt", "d/buildinfo.txt");
    // A Go binary (executable, build info) counts; an executable script,
    // a Go binary that is not executable, notes and JSON of another kind
    // do not.
    write(&root.join("bin/provider"), &fake_go_binary());
    make_executable(&root.join("bin/provider"));
    write(&root.join("bin/run.sh"), b"#!/bin/sh\necho hi\n");
    make_executable(&root.join("bin/run.sh"));
    write(&root.join("bin/not-executable"), &fake_go_binary());
    write(&root.join("notes.txt"), b"kind: Pod\n");
    write(
        &root.join("package.json"),
        br#"{"name": "web", "version": "1.0.0"}"#,
    );
    write(
        &root.join("values.yaml"),
        b"replicaCount: 1\nimage:\n  tag: v1\n",
    );

    let arts = read_inputs(&[root.display().to_string()], InputKind::Auto).unwrap();
    let got: Vec<(String, &str)> = arts
        .iter()
        .map(|a| {
            let file = a.file.as_deref().unwrap();
            let rel = Path::new(file).strip_prefix(root).unwrap();
            (rel.display().to_string(), a.name.as_str())
        })
        .collect();
    let bin = root.join("bin/provider").display().to_string();
    assert_eq!(
        got,
        [
            ("a/inspect.json".to_owned(), "vllm/vllm-openai:v0.20.0"),
            ("b/provider.YML".to_owned(), "InferenceProviderConfig/vllm"),
            ("bin/provider".to_owned(), bin.as_str()),
            (
                "c/deep/manifests.yaml".to_owned(),
                "Deployment/x402/x402-buyer init container wait-for-verifier"
            ),
            (
                "c/deep/manifests.yaml".to_owned(),
                "Deployment/x402/x402-buyer container buyer"
            ),
            (
                "c/deep/manifests.yaml".to_owned(),
                "StatefulSet/x402/x402-escrow init container migrate"
            ),
            (
                "c/deep/manifests.yaml".to_owned(),
                "StatefulSet/x402/x402-escrow container escrow"
            ),
            (
                "c/deep/manifests.yaml".to_owned(),
                "CronJob/storefront-catalog-sync container sync"
            ),
            ("d/buildinfo.txt".to_owned(), "providers/vllm/bin/provider"),
        ]
    );
    // A mode reads only its own kind of file from a directory.
    let kube = read_inputs(&[root.display().to_string()], InputKind::Kube).unwrap();
    assert_eq!(kube.len(), 6);
    let go = read_inputs(&[root.display().to_string()], InputKind::GoBinary).unwrap();
    assert_eq!(go.len(), 1);
    assert_eq!(go[0].name, bin);
    let text = read_inputs(&[root.display().to_string()], InputKind::GoVersion).unwrap();
    assert_eq!(text.len(), 1);
    assert_eq!(text[0].name, "providers/vllm/bin/provider");
    // Several inputs are read in order.
    let both = read_inputs(
        &[
            data("oci-config.json"),
            data("inference-provider-config.yaml"),
        ],
        InputKind::Auto,
    )
    .unwrap();
    assert_eq!(both.len(), 2);
    assert_eq!(both[1].name, "InferenceProviderConfig/vllm");
}

#[test]
fn yaml_lists_aliases_and_empty_documents() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pods.yaml");
    let text = [
        "# kubectl get pods -o yaml, trimmed",
        "---",
        "---",
        "apiVersion: v1",
        "kind: List",
        "items:",
        "- apiVersion: v1",
        "  kind: Pod",
        "  metadata: {name: a, namespace: one}",
        "  spec:",
        "    containers:",
        "    - name: app",
        "      image: nginx:1.27",
        "      env: &env",
        "      - {name: MODE, value: prod}",
        "- apiVersion: v1",
        "  kind: Pod",
        "  metadata: {name: a, namespace: two}",
        "  spec:",
        "    containers:",
        "    - name: app",
        "      image: nginx:1.27",
        "      env: *env",
        "...",
    ]
    .join("\n");
    write(&path, text.as_bytes());
    let p = path.display().to_string();
    let got = read(&p, InputKind::Auto);
    assert_eq!(
        summary(&got),
        [
            s("Pod/one/a container app", "nginx:1.27", 13),
            s("Pod/two/a container app", "nginx:1.27", 22),
        ]
    );
    assert_eq!(got[1]["env"], json!({"MODE": "prod"}));
}

#[test]
fn json_that_is_yaml_by_extension_and_yaml_without_one() {
    let dir = tempfile::tempdir().unwrap();
    // JSON in a .yaml file is YAML (1.2) too.
    let a = dir.path().join("a.yaml");
    write(&a, &std::fs::read(data("kubectl-pods.json")).unwrap());
    assert_eq!(
        summary(&read(&a.display().to_string(), InputKind::Auto)),
        summary(&read(&data("kubectl-pods.json"), InputKind::Auto))
    );
    // Text that is not JSON is read as YAML whatever its name.
    let b = dir.path().join("manifests");
    write(&b, &std::fs::read(data("manifests-obol.yaml")).unwrap());
    assert_eq!(
        read(&b.display().to_string(), InputKind::Auto)
            .as_array()
            .unwrap()
            .len(),
        5
    );
}

#[test]
fn modes_refuse_other_kinds() {
    let e = read_err(&data("docker-inspect-vllm.json"), InputKind::Kube);
    assert!(
        e.starts_with(&format!(
            "{}:1: the input is not a Kubernetes object",
            data("docker-inspect-vllm.json")
        )),
        "{e}"
    );
    let e = read_err(&data("oci-config.json"), InputKind::Inspect);
    assert!(
        e.contains("not `docker inspect` / `podman inspect` output"),
        "{e}"
    );
    let e = read_err(&data("kubectl-pods.json"), InputKind::Oci);
    assert!(
        e.contains("not an OCI image config, index or manifest"),
        "{e}"
    );
    let e = read_err(&data("oci-config.json"), InputKind::GoBinary);
    assert!(
        e.starts_with(&format!("{}: Go binary: ", data("oci-config.json"))),
        "{e}"
    );
    let e = read_err(&data("oci-config.json"), InputKind::GoVersion);
    assert!(
        e.starts_with(&format!("{}:1: ", data("oci-config.json"))),
        "{e}"
    );
}

#[test]
fn malformed_inputs_name_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let at = |name: &str, content: &[u8]| {
        let p = dir.path().join(name);
        write(&p, content);
        p.display().to_string()
    };

    let p = at("broken.json", b"[\n  {\"Id\": \"x\",\n  }\n]\n");
    let e = read_err(&p, InputKind::Auto);
    assert!(e.starts_with(&format!("{p}:3:3: invalid JSON: ")), "{e}");

    let p = at("broken.yaml", b"apiVersion: v1\nkind: Pod\nspec: [\n");
    let e = read_err(&p, InputKind::Auto);
    assert!(e.starts_with(&format!("{p}:4:1: invalid YAML: ")), "{e}");

    // A wrong type in the second document: the document's line, the field's path.
    let p = at(
        "types.yaml",
        b"apiVersion: v1\nkind: ConfigMap\n---\napiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: a\n    image: 5\n",
    );
    let e = read_err(&p, InputKind::Auto);
    assert_eq!(
        e,
        format!("{p}:4: `spec.containers[0].image` is not a string (it is a number)")
    );

    let p = at(
        "inspect.json",
        br#"[{"Id": "x", "Config": {"Env": ["A=1", "B=2", 3]}}]"#,
    );
    assert_eq!(
        read_err(&p, InputKind::Auto),
        format!("{p}:1: `[0].Config.Env[2]` is not a string (it is a number)")
    );

    // Explicitly named files of no known shape are errors (in a directory
    // they are skipped).
    let p = at("package.json", br#"{"name": "web"}"#);
    let e = read_err(&p, InputKind::Auto);
    assert!(
        e.starts_with(&format!(
            "{p}:1: unsupported input (an object of another shape): expected `docker inspect`"
        )),
        "{e}"
    );

    let p = at("junk.bin", b"\x00\x9f\x92\x96 not text");
    let e = read_err(&p, InputKind::Auto);
    assert!(
        e.starts_with(&format!("{p}: not UTF-8 text, and no Go build info")),
        "{e}"
    );

    let p = at("deep.yaml", "[".repeat(200).as_bytes());
    assert!(read_err(&p, InputKind::Auto).starts_with(&format!("{p}:")));

    let p = at("alias.yaml", b"a: &x [1]\nb: *y\n");
    assert!(read_err(&p, InputKind::Auto).starts_with(&format!("{p}:")));
}

#[test]
fn unreadable_and_oversized_inputs_are_io_errors() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.json").display().to_string();
    match read_inputs(std::slice::from_ref(&missing), InputKind::Auto) {
        Err(HostError::Io { path, .. }) => assert_eq!(path.display().to_string(), missing),
        other => panic!("{other:?}"),
    }
    let big = dir.path().join("big.json");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(INPUT_LIMIT + 1).unwrap();
    let e = read_inputs(&[big.display().to_string()], InputKind::Auto).unwrap_err();
    assert!(matches!(e, HostError::Io { .. }), "{e:?}");
    assert!(e.to_string().contains("64 MiB"), "{e}");
}

#[test]
fn input_kinds_on_the_command_line() {
    use clap::ValueEnum;
    let names: Vec<String> = InputKind::value_variants()
        .iter()
        .map(|k| k.to_possible_value().unwrap().get_name().to_owned())
        .collect();
    assert_eq!(
        names,
        [
            "auto",
            "inspect",
            "oci",
            "kube",
            "provenance",
            "go-binary",
            "go-version"
        ]
    );
    assert_eq!(InputKind::default(), InputKind::Auto);
}
