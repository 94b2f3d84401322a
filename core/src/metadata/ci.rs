//! The same tag scheme in any CI: a build's facts from GitHub Actions,
//! GitLab CI, Buildkite or a plain git checkout, turned into the GitHub
//! context metadata-action's rules read (event, ref, sha, the payload's
//! default branch and base ref), the repository's data and the commit's
//! date. Each CI is recognised by its own marker variable (`GITHUB_ACTIONS`,
//! `GITLAB_CI`, `BUILDKITE`); without one, the checkout's git facts are
//! used. What a CI does not say stays unknown: a rule that needs it skips
//! or fails as it does on GitHub.

use super::GitHubContext;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// A build's facts, as a host gathers them for [`github_context`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct CiFacts {
    /// The CI's environment variables (those named in the module docs of
    /// each CI; others are ignored).
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// Git facts of the checkout: `sha`, `branch` (empty when detached),
    /// `tags` (the tags on `HEAD`, one per line), `commit_date` (ISO 8601),
    /// `remote_url` (credentials stripped), `name` (the top-level
    /// directory's name), `default_branch` (what `origin/HEAD` names).
    #[serde(default)]
    pub git: BTreeMap<String, String>,
    /// GitHub's event payload (the JSON at `GITHUB_EVENT_PATH`).
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(type = "Record<string, unknown> | null"))]
    pub payload: Option<Value>,
}

/// What [`github_context`] gives.
#[derive(Debug, Clone, PartialEq)]
pub struct FromCi {
    /// Which CI the facts came from: `github`, `gitlab`, `buildkite`, `git`.
    pub ci: &'static str,
    /// The GitHub context metadata-action's rules read.
    pub github: GitHubContext,
    /// The repository's data, as far as the CI says (on GitHub, the event
    /// payload's `repository`).
    pub repo: Option<Value>,
    /// The commit's date, when the CI or git says.
    pub commit_date: Option<String>,
}

fn nonempty(m: &BTreeMap<String, String>, k: &str) -> Option<String> {
    m.get(k).filter(|v| !v.is_empty()).cloned()
}

/// `https://host/owner/repo` of a remote URL (`.git` dropped; an scp-like
/// `git@host:owner/repo.git` becomes https); `None` for other schemes.
fn web_url(remote: &str) -> Option<String> {
    let r = remote.trim().trim_end_matches('/');
    let r = r.strip_suffix(".git").unwrap_or(r);
    if let Some(rest) = r
        .strip_prefix("https://")
        .or_else(|| r.strip_prefix("http://"))
    {
        return Some(format!("https://{rest}"));
    }
    if let Some(rest) = r.strip_prefix("ssh://") {
        let rest = rest.split_once('@').map_or(rest, |(_, h)| h);
        let (host, path) = rest.split_once('/')?;
        let host = host.split(':').next().unwrap_or(host);
        return Some(format!("https://{host}/{path}"));
    }
    let (user_host, path) = r.split_once(':')?;
    let host = user_host.split_once('@').map_or(user_host, |(_, h)| h);
    (!host.contains('/') && !path.starts_with('/')).then(|| format!("https://{host}/{path}"))
}

/// The last path component of a URL or path, without `.git`.
fn repo_name(url: &str) -> Option<String> {
    let u = url.trim().trim_end_matches('/');
    let u = u.strip_suffix(".git").unwrap_or(u);
    u.rsplit(['/', ':'])
        .next()
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// The first tag on `HEAD` by semver precedence (the highest), else the
/// first listed.
fn head_tag(tags: Option<&String>) -> Option<String> {
    let tags = tags?;
    crate::semver::highest_tag(tags)
        .map(str::to_owned)
        .or_else(|| {
            tags.lines()
                .map(str::trim)
                .find(|t| !t.is_empty())
                .map(str::to_owned)
        })
}

/// A build as a CI's variables describe it.
#[derive(Default)]
struct Build {
    schedule: bool,
    tag: Option<String>,
    /// The pull (merge) request's number.
    pr: Option<String>,
    branch: Option<String>,
    sha: Option<String>,
    default_branch: Option<String>,
    /// The branch a pull request goes into.
    base: Option<String>,
}

impl Build {
    /// The GitHub context a GitHub workflow would have for this build: a
    /// tag wins over a pull request, which wins over a branch.
    fn context(self) -> GitHubContext {
        let event = match (self.schedule, &self.pr) {
            (true, _) => "schedule",
            (false, Some(_)) => "pull_request",
            (false, None) => "push",
        };
        let git_ref = match (self.tag, &self.pr, self.branch) {
            (Some(t), _, _) => Some(format!("refs/tags/{t}")),
            (None, Some(n), _) => Some(format!("refs/pull/{n}/merge")),
            (None, None, Some(b)) => Some(format!("refs/heads/{b}")),
            _ => None,
        };
        let mut payload = serde_json::Map::new();
        if let Some(b) = self.default_branch {
            payload.insert("repository".to_owned(), json!({ "default_branch": b }));
        }
        if let Some(base) = self.base {
            payload.insert(
                "pull_request".to_owned(),
                json!({ "base": { "ref": base } }),
            );
        }
        GitHubContext {
            event_name: Some(event.to_owned()),
            sha: self.sha,
            git_ref,
            payload: Value::Object(payload),
        }
    }
}

/// Repository data from a remote URL (credentials removed), a name and
/// a default branch.
fn repo_from_url(
    url: Option<String>,
    name: Option<String>,
    default_branch: Option<String>,
) -> Value {
    let url = url.map(|u| crate::strip_url_credentials(&u).into_owned());
    json!({
        "name": name.or_else(|| url.as_deref().and_then(repo_name)),
        "html_url": url.as_deref().and_then(web_url),
        "default_branch": default_branch,
    })
}

/// The GitHub context (and repository data, commit date) of `facts`.
pub fn github_context(facts: &CiFacts) -> FromCi {
    let env = &facts.env;
    let git = &facts.git;
    let var = |k: &str| nonempty(env, k);
    let marked = |k: &str| env.get(k).is_some_and(|v| v == "true");
    if marked("GITHUB_ACTIONS") {
        return FromCi {
            ci: "github",
            github: GitHubContext {
                event_name: env.get("GITHUB_EVENT_NAME").cloned(),
                sha: env.get("GITHUB_SHA").cloned(),
                git_ref: env.get("GITHUB_REF").cloned(),
                payload: facts.payload.clone().unwrap_or_else(|| json!({})),
            },
            // Without the API (a host may give its answer as `repo`).
            repo: facts
                .payload
                .as_ref()
                .and_then(|p| p.get("repository"))
                .cloned(),
            commit_date: None,
        };
    }
    if marked("GITLAB_CI") {
        let repo = json!({
            "name": var("CI_PROJECT_NAME"),
            "description": var("CI_PROJECT_DESCRIPTION"),
            "html_url": var("CI_PROJECT_URL"),
            "default_branch": var("CI_DEFAULT_BRANCH"),
        });
        let build = Build {
            schedule: var("CI_PIPELINE_SOURCE").as_deref() == Some("schedule"),
            tag: var("CI_COMMIT_TAG"),
            pr: var("CI_MERGE_REQUEST_IID"),
            branch: var("CI_COMMIT_BRANCH"),
            sha: var("CI_COMMIT_SHA"),
            default_branch: var("CI_DEFAULT_BRANCH"),
            base: var("CI_MERGE_REQUEST_TARGET_BRANCH_NAME"),
        };
        return FromCi {
            ci: "gitlab",
            github: build.context(),
            repo: Some(repo),
            commit_date: var("CI_COMMIT_TIMESTAMP").or_else(|| nonempty(git, "commit_date")),
        };
    }
    if marked("BUILDKITE") {
        let default_branch = var("BUILDKITE_PIPELINE_DEFAULT_BRANCH");
        let build = Build {
            schedule: var("BUILDKITE_SOURCE").as_deref() == Some("schedule"),
            tag: var("BUILDKITE_TAG"),
            pr: var("BUILDKITE_PULL_REQUEST").filter(|p| p != "false"),
            branch: var("BUILDKITE_BRANCH"),
            sha: var("BUILDKITE_COMMIT"),
            default_branch: default_branch.clone(),
            base: var("BUILDKITE_PULL_REQUEST_BASE_BRANCH"),
        };
        return FromCi {
            ci: "buildkite",
            github: build.context(),
            repo: Some(repo_from_url(var("BUILDKITE_REPO"), None, default_branch)),
            commit_date: nonempty(git, "commit_date"),
        };
    }
    // A plain checkout: a tag on HEAD makes it a tag build, else its branch.
    let default_branch = nonempty(git, "default_branch");
    let build = Build {
        tag: head_tag(git.get("tags")),
        branch: nonempty(git, "branch"),
        sha: nonempty(git, "sha"),
        default_branch: default_branch.clone(),
        ..Build::default()
    };
    FromCi {
        ci: "git",
        github: build.context(),
        repo: Some(repo_from_url(
            nonempty(git, "remote_url"),
            nonempty(git, "name"),
            default_branch,
        )),
        commit_date: nonempty(git, "commit_date"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_urls_become_web_urls() {
        assert_eq!(
            web_url("git@github.com:o/r.git").as_deref(),
            Some("https://github.com/o/r")
        );
        assert_eq!(
            web_url("https://gitlab.com/g/p.git").as_deref(),
            Some("https://gitlab.com/g/p")
        );
        assert_eq!(
            web_url("ssh://git@host:2222/o/r.git").as_deref(),
            Some("https://host/o/r")
        );
        assert_eq!(web_url("/srv/git/r.git"), None);
        assert_eq!(repo_name("git@github.com:o/r.git").as_deref(), Some("r"));
    }
}
