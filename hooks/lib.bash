#!/usr/bin/env bash
# Shared by the hooks: the plugin's configuration, read from the
# BUILDKITE_PLUGIN_IMPRINT_* variables Buildkite sets.

# The items of an array option NAME (BUILDKITE_PLUGIN_IMPRINT_NAME_0, _1, …),
# or of a plain string option given instead, one per line.
plugin_list() {
  local name="BUILDKITE_PLUGIN_IMPRINT_$1" i=0 var
  if [[ -n "${!name:-}" ]]; then
    printf '%s\n' "${!name}"
    return
  fi
  while var="${name}_${i}" && [[ -n "${!var+x}" ]]; do
    printf '%s\n' "${!var}"
    i=$((i + 1))
  done
}

# imprint's context options from the configuration: --arg and --allow-command.
context_options() {
  local item
  while IFS= read -r item; do
    [[ -n "$item" ]] && printf '%s\0%s\0' --arg "$item"
  done < <(plugin_list ARGS)
  while IFS= read -r item; do
    [[ -n "$item" ]] && printf '%s\0%s\0' --allow-command "$item"
  done < <(plugin_list ALLOW_COMMANDS)
}

# The policy option, or an error naming it.
plugin_policy() {
  if [[ -z "${BUILDKITE_PLUGIN_IMPRINT_POLICY:-}" ]]; then
    echo "imprint plugin: set the \`policy\` option (a builtin name or a policy file)" >&2
    return 2
  fi
  printf '%s' "$BUILDKITE_PLUGIN_IMPRINT_POLICY"
}

# Whether the boolean option NAME is true (default: $2).
plugin_bool() {
  local name="BUILDKITE_PLUGIN_IMPRINT_$1"
  case "${!name:-$2}" in
    true | 1 | on) return 0 ;;
    false | 0 | off) return 1 ;;
    *)
      echo "imprint plugin: option $1 must be true or false (it is \`${!name}\`)" >&2
      exit 2
      ;;
  esac
}
