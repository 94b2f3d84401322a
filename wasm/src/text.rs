//! Strings from JavaScript, copied with `TextEncoder.encodeInto`.
//!
//! For a `&str` parameter the glue wasm-bindgen generates copies the string
//! into the module one UTF-16 unit at a time in a JavaScript loop (and only
//! falls back to `encodeInto` at the first non-ASCII character). The engine's
//! inputs are JSON documents and policies of kilobytes: measured in Node,
//! the loop takes 4 µs for a 2 KB `docker inspect` record, a third of a
//! whole `checkJson`, where `encodeInto` takes 0.14 µs. The functions that
//! take documents therefore take the string as a `JsValue` (typed `string`
//! in TypeScript) and copy it here.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen]
extern "C" {
    /// `TextEncoder`.
    type TextEncoder;
    #[wasm_bindgen(constructor)]
    fn new() -> TextEncoder;
    #[wasm_bindgen(method, js_name = encodeInto)]
    fn encode_into(this: &TextEncoder, text: &JsValue, into: &Bytes) -> Encoded;

    /// What `encodeInto` reports.
    type Encoded;
    #[wasm_bindgen(method, getter)]
    fn read(this: &Encoded) -> u32;
    #[wasm_bindgen(method, getter)]
    fn written(this: &Encoded) -> u32;

    /// A `Uint8Array`.
    #[wasm_bindgen(js_name = Uint8Array)]
    type Bytes;
    #[wasm_bindgen(constructor, js_class = Uint8Array)]
    fn view(buffer: &JsValue, offset: u32, length: u32) -> Bytes;

    /// The module's `WebAssembly.Memory`.
    type Memory;
    #[wasm_bindgen(method, getter)]
    fn buffer(this: &Memory) -> JsValue;

    /// A JavaScript string, for its length in UTF-16 units.
    type Utf16;
    #[wasm_bindgen(method, getter)]
    fn length(this: &Utf16) -> u32;
}

thread_local! {
    static ENCODER: TextEncoder = TextEncoder::new();
}

/// `value` as a Rust string, or `None` when it is not a string. Lone
/// surrogates become U+FFFD, as wasm-bindgen's own copy does.
pub(crate) fn string(value: &JsValue) -> Option<String> {
    if !value.is_string() {
        return None;
    }
    let units = value.unchecked_ref::<Utf16>().length();
    // ASCII (nearly every input) takes one byte per unit; otherwise copy
    // again with room for the worst case, three bytes per unit.
    encode(value, units, units as usize)
        .or_else(|| encode(value, units, (units as usize).saturating_mul(3)))
}

/// Copies `value`, a string of `units` UTF-16 units, into a buffer of
/// `capacity` bytes; `None` when it does not fit.
fn encode(value: &JsValue, units: u32, capacity: usize) -> Option<String> {
    let mut buf = vec![0u8; capacity];
    let len = u32::try_from(buf.len()).ok()?;
    // wasm32 addresses are 32-bit.
    let at = buf.as_mut_ptr() as usize as u32;
    let done = ENCODER.with(|encoder| {
        // The module's memory as JavaScript sees it now (a grown memory has
        // a new buffer): nothing allocates in it between here and the copy.
        let memory = wasm_bindgen::memory().unchecked_into::<Memory>();
        encoder.encode_into(value, &Bytes::view(&memory.buffer(), at, len))
    });
    if done.read() != units {
        return None;
    }
    buf.truncate(done.written() as usize);
    String::from_utf8(buf).ok()
}
