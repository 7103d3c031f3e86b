// Package apisurface is the API-surface test of the binding: the generated
// surface_*.go files reference every exported identifier of go-store
// (listed in api.txt) with its exact type, so this package compiles only
// while the binding offers them all. Regenerate after editing api.txt:
//
//	go generate ./internal/apisurface
package apisurface

//go:generate go run ./cmd/apigen .

// constant is one exported constant: the binding's value and go-store's.
type constant struct {
	name      string
	got, want any
}

// constants is filled by the generated files' init functions.
var constants []constant
