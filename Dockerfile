# imprint as a container image: the lean native CLI (no wasmtime engine)
# on a small Debian base with git. This recipe is not built or tested on
# the project's machines (no image registry is reachable there): see the
# README's install section.
#
#   docker build -t imprint .
#   docker run --rm -v "$PWD:/src" imprint derive --policy default
#
# Build stage: the CLI without the `wasm-engine` feature (47 crates).
FROM rust:1.95-slim-bookworm AS build
WORKDIR /imprint
COPY . .
RUN cargo install --locked --path host --no-default-features --root /out

# Run stage: git for git facts; a non-root user; the checkout is mounted at
# /src. A mounted checkout is owned by the host's user, not this one, and
# git refuses such a "dubious ownership" checkout: /src is marked safe in
# the system git config (only /src: other paths keep git's check).
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends git ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && git config --system --add safe.directory /src \
 && useradd --uid 10001 --create-home --shell /usr/sbin/nologin imprint
COPY --from=build /out/bin/imprint /usr/local/bin/imprint
USER imprint
WORKDIR /src
# The entrypoint is the CLI itself and nothing else: arguments are
# imprint's, its exit status is the container's (0 ok, 1 a check failed,
# 2 error), and stdout carries only imprint's output.
ENTRYPOINT ["/usr/local/bin/imprint"]
CMD ["--help"]
