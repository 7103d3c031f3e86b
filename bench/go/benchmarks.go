package main

import (
	"fmt"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// benchmark is one of go-store's benchmarks, written once for every engine.
// run returns an error instead of failing b so the table reports it.
type benchmark struct {
	name string
	file bool // on a file database instead of :memory:
	run  func(b *testing.B, s kv) error
}

func benchmarks() []benchmark {
	list := []benchmark{
		{name: "Set", run: benchSet},
		{name: "Get", run: benchGet},
		{name: "GetAll", run: getAllOf(10000)},
		{name: "Set_FileBacked", file: true, run: benchSet},
	}
	for _, n := range []int{10, 100, 1000, 10000} {
		list = append(list, benchmark{name: "GetAll_VaryingSize/" + strconv.Itoa(n), run: getAllOf(n)})
	}
	return append(list,
		benchmark{name: "SetGet_Parallel", run: benchSetGetParallel},
		benchmark{name: "Count_10K", run: benchCount},
		benchmark{name: "Delete", run: benchDelete},
		benchmark{name: "SetWithTTL", run: benchSetWithTTL},
		benchmark{name: "Render", run: benchRender},
	)
}

// Set: sequential Set of distinct keys in one group.
func benchSet(b *testing.B, s kv) error {
	for i := 0; b.Loop(); i++ {
		if err := s.Set("bench", "key-"+strconv.Itoa(i), "value"); err != nil {
			return err
		}
	}
	return nil
}

// Get: cycling over 10 000 pre-populated keys.
func benchGet(b *testing.B, s kv) error {
	if err := fill(s, "bench", 10000); err != nil {
		return err
	}
	ks := keys(10000)
	for i := 0; b.Loop(); i++ {
		if _, err := s.Get("bench", ks[i%len(ks)]); err != nil {
			return err
		}
	}
	return nil
}

// GetAll of an n-key group.
func getAllOf(n int) func(*testing.B, kv) error {
	return func(b *testing.B, s kv) error {
		if err := fill(s, "bench", n); err != nil {
			return err
		}
		for b.Loop() {
			all, err := s.GetAll("bench")
			if err != nil {
				return err
			}
			if len(all) != n {
				return fmt.Errorf("GetAll returned %d rows, want %d", len(all), n)
			}
		}
		return nil
	}
}

// SetGet_Parallel: Set+Get pairs from parallel goroutines with
// per-goroutine counters, so keys collide and Sets become upserts.
func benchSetGetParallel(b *testing.B, s kv) error {
	var failed atomic.Value
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			key := "key-" + strconv.Itoa(i)
			if err := s.Set("parallel", key, "value"); err != nil {
				failed.Store(err)
			}
			if _, err := s.Get("parallel", key); err != nil {
				failed.Store(err)
			}
			i++
		}
	})
	if err, _ := failed.Load().(error); err != nil {
		return err
	}
	return nil
}

// Count_10K: Count on a 10 000-key group.
func benchCount(b *testing.B, s kv) error {
	if err := fill(s, "bench", 10000); err != nil {
		return err
	}
	for b.Loop() {
		n, err := s.Count("bench")
		if err != nil {
			return err
		}
		if n != 10000 {
			return fmt.Errorf("Count %d", n)
		}
	}
	return nil
}

// Delete: deleting b.N pre-inserted keys.
func benchDelete(b *testing.B, s kv) error {
	ks := keys(b.N)
	for _, k := range ks {
		if err := s.Set("bench", k, "value"); err != nil {
			return err
		}
	}
	b.ResetTimer()
	for i := range b.N {
		if err := s.Delete("bench", ks[i]); err != nil {
			return err
		}
	}
	return nil
}

// SetWithTTL: upserts with a 60 s TTL.
func benchSetWithTTL(b *testing.B, s kv) error {
	for i := 0; b.Loop(); i++ {
		if err := s.SetWithTTL("bench", "key-"+strconv.Itoa(i), "value", 60*time.Second); err != nil {
			return err
		}
	}
	return nil
}

// Render: a 3-variable template against a 50-key group.
func benchRender(b *testing.B, s kv) error {
	for i := range 50 {
		if err := s.Set("render", "var"+strconv.Itoa(i), "value"+strconv.Itoa(i)); err != nil {
			return err
		}
	}
	for b.Loop() {
		out, err := s.Render("{{ .var0 }}-{{ .var1 }}-{{ .var2 }}", "render")
		if err != nil {
			return err
		}
		if out != "value0-value1-value2" {
			return fmt.Errorf("Render %q", out)
		}
	}
	return nil
}
