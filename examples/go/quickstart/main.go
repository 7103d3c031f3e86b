// The Quick Start of go-store, unchanged except for its import path, built
// against this repository's Go binding through one replace line in go.mod.
//
//	go run . [DATABASE]     (default /tmp/app.db, as in go-store's docs)
//
// Prints:
//
//	blue
//	map[colour:blue]
//	smtp.example.com:587
package main

import (
	"fmt"
	"os"
	"time"

	"dappco.re/go/store"
)

func main() {
	databasePath := "/tmp/app.db"
	if len(os.Args) > 1 {
		databasePath = os.Args[1]
	}

	// Open /tmp/app.db for persistence, or use ":memory:" for ephemeral data.
	storeInstance, err := store.NewConfigured(store.StoreConfig{
		DatabasePath:  databasePath,
		PurgeInterval: 30 * time.Second,
	})
	if err != nil {
		fail(err)
	}
	defer storeInstance.Close()

	// Store "blue" under config/colour and read it back.
	if err := storeInstance.Set("config", "colour", "blue"); err != nil {
		fail(err)
	}
	colourValue, err := storeInstance.Get("config", "colour")
	if err != nil {
		fail(err)
	}
	fmt.Println(colourValue) // "blue"

	// Store a session token that expires after 24 hours.
	if err := storeInstance.SetWithTTL("session", "token", "abc123", 24*time.Hour); err != nil {
		fail(err)
	}

	// Read config/colour back into a map.
	configEntries, err := storeInstance.GetAll("config")
	if err != nil {
		fail(err)
	}
	fmt.Println(configEntries) // map[colour:blue]

	// Render the mail host and port into smtp.example.com:587.
	if err := storeInstance.Set("mail", "host", "smtp.example.com"); err != nil {
		fail(err)
	}
	if err := storeInstance.Set("mail", "port", "587"); err != nil {
		fail(err)
	}
	renderedTemplate, err := storeInstance.Render(`{{ .host }}:{{ .port }}`, "mail")
	if err != nil {
		fail(err)
	}
	fmt.Println(renderedTemplate) // "smtp.example.com:587"

	// Store tenant-42 preferences under the tenant-42: namespace prefix.
	// (go-store's NewScoped returns nil for an invalid namespace.)
	scopedStore := store.NewScoped(storeInstance, "tenant-42")
	if scopedStore == nil {
		fail(fmt.Errorf("namespace tenant-42 rejected"))
	}
	if err := scopedStore.SetIn("preferences", "locale", "en-GB"); err != nil {
		fail(err)
	}
	// Stored internally as group "tenant-42:preferences", key "locale"

	// Cap tenant-99 at 100 keys and 5 groups.
	quotaScopedStore, err := store.NewScopedWithQuota(storeInstance, "tenant-99", store.QuotaConfig{MaxKeys: 100, MaxGroups: 5})
	if err != nil {
		fail(err)
	}
	// A write past the limit returns store.QuotaExceededError.
	if err := quotaScopedStore.SetIn("g", "k", "v"); err != nil {
		fail(err)
	}

	// Watch "config" changes and print each event as it arrives.
	events := storeInstance.Watch("config")
	defer storeInstance.Unwatch("config", events)
	go func() {
		for event := range events {
			fmt.Println("event", event.Type, event.Group, event.Key, event.Value)
		}
	}()

	// Or register a synchronous callback for the same mutations.
	unregister := storeInstance.OnChange(func(event store.Event) {
		fmt.Println("changed", event.Group, event.Key, event.Value)
	})
	defer unregister()
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "quickstart:", err)
	os.Exit(1)
}
