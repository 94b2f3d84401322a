//! The raw ABI for hosts without wasm-bindgen (the `imprint` CLI runs it
//! under wasmtime): JSON request bytes in linear memory, JSON answer bytes
//! back.
//!
//! 1. `imprint_alloc(len) -> ptr` reserves `len` bytes; the host writes the request there.
//! 2. `imprint_run(ptr, len) -> u64` consumes the request and returns the
//!    answer as `ptr << 32 | len`.
//! 3. `imprint_free(ptr, len)` releases the answer.
//!
//! The functions only call into `imprint_core::api`, which imports
//! nothing: no clock, no randomness, no I/O.

#![allow(
    unsafe_code,
    reason = "an ABI of raw pointers into linear memory; each use has a SAFETY note"
)]

/// Reserves `len` bytes and returns their address.
#[no_mangle]
pub extern "C" fn imprint_alloc(len: u32) -> *mut u8 {
    let mut buf = Vec::<u8>::with_capacity(len as usize);
    let ptr = buf.as_mut_ptr();
    std::mem::forget(buf);
    ptr
}

/// Releases `len` bytes at `ptr` obtained from [`imprint_alloc`] or [`imprint_run`].
///
/// # Safety
/// `ptr` and `len` must come from one call of `imprint_alloc(len)` or from
/// the answer of one `imprint_run`, and must not be used afterwards.
#[no_mangle]
pub unsafe extern "C" fn imprint_free(ptr: *mut u8, len: u32) {
    // SAFETY: the caller guarantees ptr/len describe an allocation made by
    // a Vec<u8> of capacity `len` (imprint_alloc) or a Box<[u8]> of that
    // length (imprint_run), which has the same layout.
    drop(unsafe { Vec::from_raw_parts(ptr, 0, len as usize) });
}

/// Answers the JSON request of `len` bytes at `ptr` (then freed) and returns
/// the answer as `ptr << 32 | len`.
///
/// # Safety
/// `ptr` and `len` must come from one `imprint_alloc(len)` whose bytes the
/// host filled; ownership passes to this function.
#[no_mangle]
pub unsafe extern "C" fn imprint_run(ptr: *mut u8, len: u32) -> u64 {
    // SAFETY: per the contract, ptr is an allocation of capacity `len`
    // fully written by the host; we take ownership and free it.
    let request = unsafe { Vec::from_raw_parts(ptr, len as usize, len as usize) };
    let answer = match std::str::from_utf8(&request) {
        Ok(text) => imprint_core::api::run_json(text),
        Err(_) => r#"{"type":"bad_request","message":"request is not UTF-8"}"#.to_owned(),
    };
    let out = answer.into_bytes().into_boxed_slice();
    let n = out.len() as u64;
    let p = Box::into_raw(out) as *mut u8 as usize as u64;
    (p << 32) | n
}
