#!/usr/bin/env bash
# The baseline for `.ci/bench`: a hand-written bash equivalent of vLLM's
# .buildkite/scripts/docker-build-metadata-args.sh (newest version), written
# from ../shared/reference/upstream-behaviour.md section (a). It prints what
# `imprint derive --policy vllm --format shell` prints (for values without
# spaces or quotes; the bench checks both outputs are equal).
variant="${1:-}"
variant_suffix=""
if [ -n "$variant" ]; then variant_suffix="-${variant}"; fi
image_name="${VLLM_DOCKER_IMAGE_NAME:-vllm/vllm-openai}"
staging_repo="${VLLM_STAGING_IMAGE_REPO:-public.ecr.aws/q9t5s3a7/vllm-release-repo}"
build_commit="${VLLM_BUILD_COMMIT:-${BUILDKITE_COMMIT:-unknown}}"
build_pipeline="${VLLM_BUILD_PIPELINE:-${BUILDKITE_PIPELINE_ID:-${BUILDKITE_PIPELINE_SLUG:-local}}}"
build_url="${VLLM_BUILD_URL:-${BUILDKITE_BUILD_URL:-}}"
tag_commit="${BUILDKITE_COMMIT:-$build_commit}"

if [ -n "${BUILDKITE:-}" ] || [ -n "${BUILDKITE_COMMIT:-}" ]; then
  release_version="${RELEASE_VERSION:-}"
  if [ -z "$release_version" ] && command -v buildkite-agent >/dev/null 2>&1; then
    release_version="$(buildkite-agent meta-data get release-version 2>/dev/null)"
  fi
  release_version="${release_version#v}"
  if [ -z "$release_version" ]; then release_version="$tag_commit"; fi
  staging_ref="${staging_repo}:${tag_commit}-$(uname -m)${variant_suffix}"
  if [ "${NIGHTLY:-}" = "1" ]; then
    if [ -z "$variant" ]; then
      image_tag="${image_name}:nightly-${tag_commit}"
    elif [[ $variant == cu* ]]; then
      cuda_variant="${variant%%-*}"
      remaining_variant="${variant#"${cuda_variant}"}"
      image_tag="${image_name}:${cuda_variant}-nightly-${tag_commit}${remaining_variant}"
    else
      image_tag="${image_name}:nightly-${tag_commit}-${variant}"
    fi
  else
    image_tag="${image_name}:v${release_version}${variant_suffix}"
  fi
else
  image_tag="${VLLM_IMAGE_TAG:-local/vllm-openai:dev}"
  staging_ref="$image_tag"
fi

printf -- '--build-arg VLLM_BUILD_COMMIT=%s ' "$build_commit"
printf -- '--build-arg VLLM_BUILD_PIPELINE=%s ' "$build_pipeline"
printf -- '--build-arg VLLM_BUILD_URL=%s ' "$build_url"
printf -- '--build-arg VLLM_IMAGE_TAG=%s ' "$image_tag"
printf -- '--tag %s ' "$staging_ref"
