//! Arbitrary bytes through the CLI's reader, `imprint_host::check_inputs::read_inputs`:
//! multi-document YAML (saphyr) converted to JSON values, JSON, `go
//! version -m` text and Go binaries, as each input kind. The host reads
//! files only, so the input is written to a file in a private directory
//! (on /dev/shm when there is one). The first byte picks the file name's
//! extension and the input kind. Errors are usage errors naming the file;
//! artifacts name the file and, when they have one, a 1-based line.
#![no_main]

use imprint_host::check_inputs::{read_inputs, InputKind};
use imprint_host::HostError;
use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;
use std::sync::OnceLock;

fn dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let base = if std::path::Path::new("/dev/shm").is_dir() {
            PathBuf::from("/dev/shm")
        } else {
            std::env::temp_dir()
        };
        let dir = base.join(format!("imprint-fuzz-yaml-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("scratch directory");
        dir
    })
}

const EXTS: [&str; 4] = ["yaml", "yml", "json", "txt"];
const KINDS: [InputKind; 6] = [
    InputKind::Auto,
    InputKind::Kube,
    InputKind::Inspect,
    InputKind::Oci,
    InputKind::GoVersion,
    InputKind::GoBinary,
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let ext = EXTS[usize::from(selector & 3)];
    // Mostly Auto and Kube: the YAML paths.
    let kind = KINDS[usize::from(selector >> 2) % 8 % KINDS.len()];
    let path = dir().join(format!("input.{ext}"));
    std::fs::write(&path, body).expect("write the input");
    let name = path.display().to_string();
    match read_inputs(std::slice::from_ref(&name), kind) {
        Ok(artifacts) => {
            for a in &artifacts {
                assert_eq!(a.file.as_deref(), Some(name.as_str()), "{a:?}");
                assert!(a.line.is_none_or(|l| l >= 1), "line 0: {a:?}");
                assert!(!a.kind.is_empty(), "{a:?}");
            }
        }
        Err(HostError::Usage(message)) => {
            assert!(message.starts_with(&name), "error does not name the file: {message}");
        }
        Err(e) => panic!("unexpected error kind: {e:?}"),
    }
});
