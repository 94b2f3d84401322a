#!/usr/bin/env bats
# The Buildkite plugin's hooks (plugin.yml, hooks/) as an agent runs them:
# configuration in BUILDKITE_PLUGIN_IMPRINT_* variables, the real imprint
# (target/release, or IMPRINT_BIN), and a stub buildkite-agent that records
# what it is asked to annotate.

setup() {
  ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
  BIN=${IMPRINT_BIN:-$ROOT/target/release/imprint}
  [ -x "$BIN" ] || skip "no imprint binary at $BIN (cargo build --release -p imprint-host)"
  STUBS=$BATS_TEST_TMPDIR/bin
  mkdir -p "$STUBS"
  ln -s "$BIN" "$STUBS/imprint"
  cat >"$STUBS/buildkite-agent" <<STUB
#!/usr/bin/env bash
printf '%s\n' "\$@" >"$BATS_TEST_TMPDIR/annotate.args"
cat >"$BATS_TEST_TMPDIR/annotate.md"
STUB
  chmod +x "$STUBS/buildkite-agent"
  export PATH="$STUBS:$PATH"
  REPO=$BATS_TEST_TMPDIR/repo
  mkdir -p "$REPO"
  git -C "$REPO" init -q
  git -C "$REPO" -c user.name=t -c user.email=t@example.com commit -q --allow-empty -m one
  git -C "$REPO" tag v1.2.0
  cd "$REPO"
  unset "${!BUILDKITE_PLUGIN_IMPRINT_@}" SOURCE_DATE_EPOCH
}

@test "environment exports each derived value with the prefix" {
  export BUILDKITE_PLUGIN_IMPRINT_POLICY=default
  export BUILDKITE_PLUGIN_IMPRINT_ARGS_0=image=ghcr.io/me/app
  export SOURCE_DATE_EPOCH=1700000000
  run bash -c '. "$0/hooks/environment" >/dev/null && printf "%s|%s|%s|%s" "$IMPRINT_VERSION" "$IMPRINT_IMAGE" "$IMPRINT_CREATED" "$IMPRINT_DIRTY"' "$ROOT"
  [ "$status" -eq 0 ]
  [ "$output" = "1.2.0|ghcr.io/me/app|2023-11-14T22:13:20Z|" ]
}

@test "environment takes another prefix, and any value survives the export" {
  cat >"$REPO/p.json" <<'JSON'
{"name": "p", "values": {"odd": {"from": [{"literal": "a b 'c' $HOME `x` \\"}]}}}
JSON
  export BUILDKITE_PLUGIN_IMPRINT_POLICY=p.json
  export BUILDKITE_PLUGIN_IMPRINT_PREFIX=BUILD_
  run bash -c '. "$0/hooks/environment" >/dev/null && printf "%s|%s" "$BUILD_ODD" "${IMPRINT_ODD-unset}"' "$ROOT"
  [ "$status" -eq 0 ]
  [ "$output" = "a b 'c' \$HOME \`x\` \\|unset" ]
}

@test "a failed derivation fails the step and exports nothing" {
  export BUILDKITE_PLUGIN_IMPRINT_POLICY=default
  export BUILDKITE_PLUGIN_IMPRINT_ARGS_0=nosuch=1
  run bash -c '. "$0/hooks/environment"; echo "exported: ${IMPRINT_VERSION-none}"' "$ROOT"
  [ "$status" -ne 0 ]
  [[ "$output" == *"nosuch"* ]]
  [[ "$output" != *"exported: 1.2.0"* ]]
}

@test "a missing policy option is an error naming it" {
  run "$ROOT/hooks/environment"
  [ "$status" -eq 2 ]
  [[ "$output" == *'set the `policy` option'* ]]
}

write_check_inputs() {
  cat >"$REPO/policy.json" <<'JSON'
{"name": "r", "values": {}, "rules": [{"id": "no-latest", "message": "`latest` names whatever was pushed last", "forbid": {"fact": "ref.tag", "equals": "latest"}}]}
JSON
  cat >"$REPO/inspect.json" <<'JSON'
[{"Id": "sha256:1", "RepoTags": ["ghcr.io/me/app:latest"], "Config": {"Labels": {}}}]
JSON
  export BUILDKITE_PLUGIN_IMPRINT_POLICY=policy.json
  export BUILDKITE_PLUGIN_IMPRINT_CHECK_0=inspect.json
}

@test "post-command annotates the build with the findings and fails on an error" {
  write_check_inputs
  run "$ROOT/hooks/post-command"
  [ "$status" -eq 1 ]
  [ "$(cat "$BATS_TEST_TMPDIR/annotate.args")" = "annotate
--style
error
--context
imprint-check" ]
  grep -q '^\*\*imprint check\*\* (policy r): 1 error, 0 warnings in 1 artifact$' "$BATS_TEST_TMPDIR/annotate.md"
  grep -qF '| error | ghcr.io/me/app:latest (inspect.json:1) | no-latest |' "$BATS_TEST_TMPDIR/annotate.md"
}

@test "post-command with fail-on-findings false annotates without failing" {
  write_check_inputs
  export BUILDKITE_PLUGIN_IMPRINT_FAIL_ON_FINDINGS=false
  run "$ROOT/hooks/post-command"
  [ "$status" -eq 0 ]
  [ -s "$BATS_TEST_TMPDIR/annotate.md" ]
}

@test "post-command without check paths does nothing" {
  export BUILDKITE_PLUGIN_IMPRINT_POLICY=default
  run "$ROOT/hooks/post-command"
  [ "$status" -eq 0 ]
  [ ! -e "$BATS_TEST_TMPDIR/annotate.args" ]
}

@test "post-command: an unreadable input is imprint's error, not an annotation" {
  export BUILDKITE_PLUGIN_IMPRINT_POLICY=default
  export BUILDKITE_PLUGIN_IMPRINT_CHECK_0=missing.json
  run "$ROOT/hooks/post-command"
  [ "$status" -eq 2 ]
  [[ "$output" == *"missing.json"* ]]
  [ ! -e "$BATS_TEST_TMPDIR/annotate.args" ]
}
