//go:build !cgo

package store

// The binding calls libstore through cgo, so it cannot be built with
// CGO_ENABLED=0. The names the cgo files would define are declared here in
// terms of an identifier that does not exist, so the build fails with one
// message that says what to do:
//
//	undefined: store_requires_cgo_set_CGO_ENABLED_1
type kvHandle = store_requires_cgo_set_CGO_ENABLED_1
