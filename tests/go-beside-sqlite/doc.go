// Package besidesqlite checks that the Go binding, linked statically
// (-tags store_static, so libstore.a goes into the binary), works in one
// program together with mattn/go-sqlite3, which compiles its own SQLite.
// Before libstore.a kept SQLite's symbols local, such a program failed to
// link with duplicate sqlite3_* definitions.
package besidesqlite
