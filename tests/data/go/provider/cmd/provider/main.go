// Command provider prints the version its module was linked with, then who
// built it, one per line.
package main

import (
	"os"

	"github.com/example/provider"
)

func main() {
	os.Stdout.WriteString(provider.Version() + "\n" + provider.BuiltBy() + "\n")
}
