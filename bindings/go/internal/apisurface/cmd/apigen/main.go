// Command apigen regenerates the API-surface files of the directory it is
// given (default: the current one) from its api.txt.
package main

import (
	"fmt"
	"os"

	"dappco.re/go/store/internal/apisurface/apigen"
)

func main() {
	dir := "."
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	if err := apigen.Write(dir); err != nil {
		fmt.Fprintln(os.Stderr, "apigen:", err)
		os.Exit(1)
	}
}
