// Package provider is a tiny stand-in for a provider shim whose version is
// set at link time, as AIRunway's Makefiles do:
//
//	go build -ldflags "-X github.com/example/provider.shimVersion=v1.2.3" ./cmd/provider
//
// host/tests/cli/go_binary.rs builds it and reads the binary's build info.
package provider

// Set with -X github.com/example/provider.shimVersion=….
var shimVersion = "dev"

// Set with -X github.com/example/provider.builtBy=….
var builtBy = ""

// Version is the shim version the binary was linked with.
func Version() string { return shimVersion }

// BuiltBy is who built the binary, when the build said.
func BuiltBy() string { return builtBy }
