//! Arbitrary bytes as a Go binary (`read::go::parse_buildinfo`) and, when
//! they are UTF-8, as `go version -m` text (`read::go::parse_version_m`).
//! Errors carry a line inside the text; results become artifacts.
#![no_main]

use imprint_core::read::go;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(info) = go::parse_buildinfo(data) {
        let a = info.into_artifact("fuzz");
        assert_eq!(a.kind, "binary");
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match go::parse_version_m(text) {
        Ok(info) => {
            let _ = info.into_artifact("fuzz");
        }
        Err(e) => {
            assert!(!e.message.is_empty());
            if let Some(line) = e.line {
                let lines = text.split('\n').count();
                assert!(
                    line >= 1 && line as usize <= lines,
                    "error line {line} outside the text's {lines} lines: {e:?}"
                );
            }
        }
    }
});
