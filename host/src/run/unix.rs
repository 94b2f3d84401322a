//! The Unix runner: one thread starts a batch of programs and waits for
//! all of them with `poll`, reading their output as it comes.
//!
//! A program is done when its stdout has ended and it has exited. Its exit
//! is only polled for after its output ended (a program exits within
//! microseconds of that), so a batch costs no thread per program and no
//! sleeping while output is still on its way.

use super::{Bounded, OUTPUT_LIMIT, STDERR_LIMIT};
use rustix::event::{poll, PollFd, PollFlags, Timespec};
use std::io::Read;
use std::process::{Child, ChildStderr, ChildStdout, Command, ExitStatus};
use std::time::{Duration, Instant};

/// One program of a batch, while it runs.
struct Running {
    child: Child,
    /// Its stdout, until the end of it has been read.
    stdout: Option<ChildStdout>,
    /// Its stderr (when kept), until the end of it has been read.
    stderr: Option<ChildStderr>,
    out: Vec<u8>,
    err: Vec<u8>,
    /// How it exited, once it has.
    status: Option<ExitStatus>,
    /// Its process group was killed after it exited, so that a process it
    /// left behind cannot keep its stderr open.
    group_killed: bool,
}

impl Running {
    /// Its output has ended and it has not exited yet.
    fn exiting(&self) -> bool {
        self.stdout.is_none() && self.status.is_none()
    }
}

/// A program of a batch: running, or how it ended.
enum Slot {
    Running(Box<Running>),
    Ended(Bounded),
}

/// Which output of a program a `poll` found ready.
#[derive(Clone, Copy)]
enum Pipe {
    Out,
    Err,
}

/// Runs `commands` (their stdio and process group already set) at once
/// until each has ended or `timeout` has passed.
pub(super) fn run_all(commands: Vec<Command>, timeout: Duration) -> Vec<Bounded> {
    become_subreaper();
    let deadline = Instant::now() + timeout;
    let mut slots: Vec<Slot> = commands.into_iter().map(start).collect();
    let mut buf = [0u8; 16 << 10];
    // Once a program's output has ended: look for its exit soon, then less
    // often (from the start again for each program whose output ends).
    const FIRST_PAUSE: Duration = Duration::from_micros(20);
    let mut pause = FIRST_PAUSE;
    loop {
        for slot in &mut slots {
            settle(slot);
        }
        let running = || {
            slots.iter().filter_map(|s| match s {
                Slot::Running(r) => Some(r),
                Slot::Ended(_) => None,
            })
        };
        if running().next().is_none() {
            break;
        }
        let now = Instant::now();
        if now >= deadline {
            time_out(&mut slots);
            break;
        }
        let mut wait = deadline - now;
        if running().any(|r| r.exiting()) {
            wait = wait.min(pause);
            pause = (pause * 2).min(Duration::from_millis(2));
        }
        for (i, pipe) in ready_outputs(&slots, wait) {
            if let Some(Slot::Running(r)) = slots.get_mut(i) {
                read_some(r, pipe, &mut buf);
                if r.exiting() {
                    pause = FIRST_PAUSE;
                }
            }
        }
    }
    slots
        .into_iter()
        .map(|s| match s {
            Slot::Ended(b) => b,
            Slot::Running(_) => Bounded::Failed("the program was left running".into()),
        })
        .collect()
}

/// Starts one program.
fn start(mut command: Command) -> Slot {
    match command.spawn() {
        Ok(mut child) => {
            let stdout = child.stdout.take();
            if stdout.is_none() {
                kill_tree(&mut child);
                let _ = child.wait();
                return Slot::Ended(Bounded::Failed("no stdout".into()));
            }
            Slot::Running(Box::new(Running {
                stderr: child.stderr.take(),
                child,
                stdout,
                out: Vec::new(),
                err: Vec::new(),
                status: None,
                group_killed: false,
            }))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Slot::Ended(Bounded::NotFound),
        Err(e) => Slot::Ended(Bounded::Failed(e.to_string())),
    }
}

/// Ends `slot` when its program is done, printed too much, or can no
/// longer be waited for.
fn settle(slot: &mut Slot) {
    let Slot::Running(r) = slot else {
        return;
    };
    if r.out.len() as u64 > OUTPUT_LIMIT {
        kill_tree(&mut r.child);
        let _ = r.child.wait();
        let mut out = std::mem::take(&mut r.out);
        out.truncate(usize::try_from(OUTPUT_LIMIT).unwrap_or(usize::MAX));
        *slot = Slot::Ended(Bounded::TooLarge(out));
        return;
    }
    if r.exiting() {
        match r.child.try_wait() {
            Ok(status) => r.status = status,
            Err(e) => {
                kill_tree(&mut r.child);
                let _ = r.child.wait();
                *slot = Slot::Ended(Bounded::Failed(e.to_string()));
                return;
            }
        }
    }
    if r.stdout.is_some() || r.status.is_none() {
        return;
    }
    // It exited and its stdout ended; its stderr ends with it unless a
    // process it left in its group still holds it.
    if r.stderr.is_some() && !r.group_killed {
        kill_tree(&mut r.child);
        r.group_killed = true;
    }
    if r.stderr.is_none() {
        *slot = Slot::Ended(done(r));
    }
}

/// How a program that exited after its stdout ended is reported.
fn done(r: &mut Running) -> Bounded {
    Bounded::Done {
        stdout: std::mem::take(&mut r.out),
        stderr: std::mem::take(&mut r.err),
        code: r.status.and_then(|s| s.code()),
    }
}

/// At the deadline: a program that exited after its stdout ended is done
/// (a process that escaped its group holds its stderr); every other one is
/// killed with its group, and so is every process that escaped.
fn time_out(slots: &mut [Slot]) {
    let mut killed = false;
    for slot in slots.iter_mut() {
        let Slot::Running(r) = slot else {
            continue;
        };
        if r.stdout.is_none() && r.status.is_some() {
            *slot = Slot::Ended(done(r));
            continue;
        }
        kill_tree(&mut r.child);
        let _ = r.child.wait();
        *slot = Slot::Ended(Bounded::TimedOut);
        killed = true;
    }
    if killed {
        kill_orphans();
    }
}

/// The outputs that have something to read (or have ended), waiting at
/// most `wait` for one; none when only exits are awaited.
fn ready_outputs(slots: &[Slot], wait: Duration) -> Vec<(usize, Pipe)> {
    let mut fds = Vec::new();
    let mut owners = Vec::new();
    for (i, slot) in slots.iter().enumerate() {
        let Slot::Running(r) = slot else {
            continue;
        };
        if let Some(out) = &r.stdout {
            fds.push(PollFd::new(out, PollFlags::IN));
            owners.push((i, Pipe::Out));
        }
        if let Some(err) = &r.stderr {
            fds.push(PollFd::new(err, PollFlags::IN));
            owners.push((i, Pipe::Err));
        }
    }
    if fds.is_empty() {
        std::thread::sleep(wait);
        return Vec::new();
    }
    let timeout = Timespec::try_from(wait).unwrap_or(Timespec {
        tv_sec: 1,
        tv_nsec: 0,
    });
    match poll(&mut fds, Some(&timeout)) {
        Ok(_) => {}
        // An interrupted poll is just looked at again.
        Err(rustix::io::Errno::INTR) => return Vec::new(),
        // Any other failure: wait a little rather than spin.
        Err(_) => {
            std::thread::sleep(wait.min(Duration::from_millis(1)));
            return Vec::new();
        }
    }
    fds.iter()
        .zip(owners)
        .filter(|(fd, _)| !fd.revents().is_empty())
        .map(|(_, owner)| owner)
        .collect()
}

/// Reads what one ready output holds (one `read`, which does not block
/// after `poll` said it is ready); at its end, the output is closed.
fn read_some(r: &mut Running, pipe: Pipe, buf: &mut [u8]) {
    let read = match pipe {
        Pipe::Out => r.stdout.as_mut().map(|p| p.read(buf)),
        Pipe::Err => r.stderr.as_mut().map(|p| p.read(buf)),
    };
    match read {
        Some(Ok(n)) if n > 0 => {
            let got = buf.get(..n).unwrap_or_default();
            match pipe {
                Pipe::Out => r.out.extend_from_slice(got),
                Pipe::Err => {
                    // Only the start is kept; the rest is drained so the
                    // program never blocks on a full pipe.
                    let room = usize::try_from(STDERR_LIMIT)
                        .unwrap_or(usize::MAX)
                        .saturating_sub(r.err.len());
                    r.err
                        .extend_from_slice(got.get(..room.min(n)).unwrap_or_default());
                }
            }
        }
        Some(Err(e)) if e.kind() == std::io::ErrorKind::Interrupted => {}
        // The end of the output, or an error reading it.
        _ => match pipe {
            Pipe::Out => r.stdout = None,
            Pipe::Err => r.stderr = None,
        },
    }
}

/// Makes imprint the reaper of its descendants (Linux), so a process that
/// left the command's process group (`setsid`) is re-parented to imprint
/// when its parent dies, and a timeout can find and kill it.
fn become_subreaper() {
    #[cfg(target_os = "linux")]
    {
        use rustix::process::{getpid, set_child_subreaper};
        let _ = set_child_subreaper(Some(getpid()));
    }
}

/// After a timeout: kills every process re-parented to imprint (the
/// descendants that escaped their process group), until none is left, and
/// reaps them. A timeout ends imprint's run, so every such process is one
/// to stop.
fn kill_orphans() {
    #[cfg(target_os = "linux")]
    {
        use rustix::process::{getpid, kill_process, Pid, Signal, WaitOptions};
        let me = getpid().as_raw_nonzero().get();
        // Killing one re-parents its children to imprint: look again.
        for _ in 0..64 {
            let orphans = children_of(me);
            if orphans.is_empty() {
                break;
            }
            for pid in orphans {
                if let Some(pid) = Pid::from_raw(pid) {
                    let _ = kill_process(pid, Signal::KILL);
                }
            }
            while let Ok(Some(_)) = rustix::process::wait(WaitOptions::NOHANG) {}
            std::thread::sleep(Duration::from_millis(1));
        }
        while let Ok(Some(_)) = rustix::process::wait(WaitOptions::NOHANG) {}
    }
}

/// The processes whose parent is `parent` (from `/proc/*/stat`), zombies
/// left out.
#[cfg(target_os = "linux")]
fn children_of(parent: i32) -> Vec<i32> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str()?.parse::<i32>().ok())
        .filter(|pid| {
            let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
                return false;
            };
            // `pid (comm) state ppid …`; comm may hold spaces and parens.
            let mut rest = stat
                .rsplit_once(')')
                .map_or("", |(_, r)| r)
                .split_whitespace();
            let state = rest.next();
            let ppid = rest.next().and_then(|p| p.parse::<i32>().ok());
            ppid == Some(parent) && state != Some("Z")
        })
        .collect()
}

/// Kills a started program and every process in its process group.
fn kill_tree(child: &mut Child) {
    use rustix::process::{kill_process_group, Pid, Signal};
    let _ = kill_process_group(Pid::from_child(child), Signal::KILL);
    let _ = child.kill();
}
