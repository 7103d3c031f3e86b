package apisurface

import "testing"

// The generated files' compile-time checks run when this package builds;
// constant values can only be compared at run time.
func TestAPISurface_Constants_Good_Values(t *testing.T) {
	if len(constants) == 0 {
		t.Fatal("no constants were generated")
	}
	for _, c := range constants {
		if c.got != c.want {
			t.Errorf("%s = %#v, go-store has %#v", c.name, c.got, c.want)
		}
	}
}
