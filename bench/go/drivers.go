package main

import (
	_ "github.com/mattn/go-sqlite3" // registers "sqlite3"
	_ "modernc.org/sqlite"          // registers "sqlite", go-store's driver
)

// engine is one implementation under test.
type engine struct {
	name string
	open func(path string) (kv, error)
}

var engines = []engine{
	{"ours", openOurs},
	// go-store's engine: modernc.org/sqlite, one connection, SQL text per call.
	{"gostore-engine", func(path string) (kv, error) { return openSQL("sqlite", path, false) }},
	// mattn/go-sqlite3 (cgo SQLite), one connection, prepared statements.
	{"mattn", func(path string) (kv, error) { return openSQL("sqlite3", path, true) }},
}
