//! Parsing a command line into a [`Cli`], or into what to print and the
//! exit code (help, version, a usage error), as clap words them.

use super::Cli;
use clap::{ColorChoice, CommandFactory, FromArgMatches};
use serde::Serialize;

/// What a command line asks for.
#[derive(Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Parsed {
    /// A command to run.
    Run(Box<Cli>),
    /// Print and exit: `--help` and `--version` on stdout with code 0, a
    /// usage error on stderr with code 2.
    Exit {
        /// The exit code.
        code: i32,
        /// What goes to stdout.
        stdout: String,
        /// What goes to stderr.
        stderr: String,
    },
}

/// Parses `argv` (the program's name first). `width`: the terminal's
/// columns for help text (`None`: clap's default for output that is not a
/// terminal, 100); `ansi`: whether help and errors carry ANSI styles.
pub fn parse<I, T>(argv: I, width: Option<usize>, ansi: bool) -> Parsed
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let mut cmd = Cli::command().color(if ansi {
        ColorChoice::Always
    } else {
        ColorChoice::Never
    });
    if let Some(w) = width {
        cmd = cmd.term_width(w);
    }
    let parsed = cmd
        .try_get_matches_from_mut(argv)
        .and_then(|m| Cli::from_arg_matches(&m));
    match parsed {
        Ok(cli) => Parsed::Run(Box::new(cli)),
        Err(e) => {
            let e = e.format(&mut cmd);
            let styled = e.render();
            let text = if ansi {
                styled.ansi().to_string()
            } else {
                styled.to_string()
            };
            let (stdout, stderr) = if e.use_stderr() {
                (String::new(), text)
            } else {
                (text, String::new())
            };
            Parsed::Exit {
                code: e.exit_code(),
                stdout,
                stderr,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::panic, reason = "tests")]
    use super::*;

    fn exit(argv: &[&str]) -> (i32, String, String) {
        match parse(argv.iter().copied(), None, false) {
            Parsed::Exit {
                code,
                stdout,
                stderr,
            } => (code, stdout, stderr),
            Parsed::Run(cli) => panic!("parsed: {cli:?}"),
        }
    }

    #[test]
    fn a_command_line_becomes_its_command_as_json() {
        let Parsed::Run(cli) = parse(
            ["imprint", "derive", "-p", "vllm", "-a", "variant=cu129"],
            None,
            false,
        ) else {
            panic!("not parsed");
        };
        let json = serde_json::to_value(&cli).unwrap_or_default();
        assert_eq!(json["command"]["command"], "derive");
        assert_eq!(json["command"]["context"]["policy"]["policy"], "vllm");
        assert_eq!(json["command"]["context"]["args"][0], "variant=cu129");
        assert_eq!(json["command"]["format"], "shell");
        assert_eq!(json["engine"], "native");
    }

    #[test]
    fn help_goes_to_stdout_and_usage_errors_to_stderr() {
        let (code, out, err) = exit(&["imprint", "--help"]);
        assert_eq!((code, err.as_str()), (0, ""));
        assert!(
            out.starts_with("Derive and enforce build provenance"),
            "{out}"
        );
        let (code, out, err) = exit(&["imprint", "derive", "--polcy", "x"]);
        assert_eq!((code, out.as_str()), (2, ""));
        assert!(
            err.starts_with("error: unexpected argument '--polcy' found"),
            "{err}"
        );
        assert!(
            err.contains("tip: a similar argument exists: '--policy'"),
            "{err}"
        );
    }
}
