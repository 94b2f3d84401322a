//! The runner where `poll` on pipes is not available: each program of a
//! batch is waited for on its own thread, its output read on two more.

use super::{Bounded, OUTPUT_LIMIT, STDERR_LIMIT};
use std::io::Read;
use std::process::Command;
use std::time::{Duration, Instant};

/// Runs `commands` (their stdio already set) at once, each until it ends
/// or `timeout` has passed.
pub(super) fn run_all(commands: Vec<Command>, timeout: Duration) -> Vec<Bounded> {
    std::thread::scope(|s| {
        let running: Vec<_> = commands
            .into_iter()
            .map(|c| s.spawn(move || run_one(c, timeout)))
            .collect();
        running
            .into_iter()
            .map(|r| {
                r.join()
                    .unwrap_or_else(|_| Bounded::Failed("the runner stopped".into()))
            })
            .collect()
    })
}

fn run_one(mut command: Command, timeout: Duration) -> Bounded {
    let mut child = match command.spawn() {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Bounded::NotFound,
        Err(e) => return Bounded::Failed(e.to_string()),
    };
    let Some(stdout) = child.stdout.take() else {
        let _ = child.kill();
        return Bounded::Failed("no stdout".into());
    };
    let stderr_reader = child.stderr.take().map(|err| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let mut limited = err.take(STDERR_LIMIT);
            let _ = limited.read_to_end(&mut buf);
            let _ = std::io::copy(&mut limited.into_inner(), &mut std::io::sink());
            buf
        })
    });
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stdout.take(OUTPUT_LIMIT + 1).read_to_end(&mut buf);
        let _ = tx.send(buf);
    });
    let deadline = Instant::now() + timeout;
    let mut output: Option<Vec<u8>> = None;
    loop {
        if output.is_none() {
            output = rx.recv_timeout(Duration::from_millis(2)).ok();
        }
        if let Some(b) = output.as_mut().filter(|b| b.len() as u64 > OUTPUT_LIMIT) {
            let _ = child.kill();
            let _ = child.wait();
            b.truncate(usize::try_from(OUTPUT_LIMIT).unwrap_or(usize::MAX));
            return Bounded::TooLarge(std::mem::take(b));
        }
        match child.try_wait() {
            Ok(Some(status)) if output.is_some() => {
                return Bounded::Done {
                    stdout: output.unwrap_or_default(),
                    stderr: stderr_reader
                        .and_then(|h| h.join().ok())
                        .unwrap_or_default(),
                    code: status.code(),
                }
            }
            Ok(_) => {}
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                return Bounded::Failed(e.to_string());
            }
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Bounded::TimedOut;
        }
        if output.is_some() {
            std::thread::sleep(Duration::from_millis(1));
        }
    }
}
