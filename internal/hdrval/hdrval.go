// Package hdrval holds ready-made HTTP header values, so that a server
// setting them on every response allocates nothing: h[key] = hdrval.Int(n)
// in place of h.Set(key, strconv.FormatInt(n, 10)), which allocates the
// value's slice (and, past 99, its string) each time.
//
// The values are shared by every response that uses them and must never
// be changed in place. Each has length and capacity 1, so that
// http.Header.Add on one copies it rather than writing into it.
package hdrval

import (
	"strconv"
	"sync"
)

// smallInts is how many integers, from 0, have a value made in advance.
const smallInts = 4096

var ints = sync.OnceValue(func() [][]string {
	vs := make([][]string, smallInts)
	strs := make([]string, smallInts) // one backing array for all of them
	for i := range vs {
		strs[i] = strconv.Itoa(i)
		vs[i] = strs[i : i+1 : i+1]
	}
	return vs
})

// Int returns the header value of n in decimal, as strconv.FormatInt
// writes it: shared for 0 to 4095, made afresh otherwise.
func Int(n int64) []string {
	if n >= 0 && n < smallInts {
		return ints()[n]
	}
	return []string{strconv.FormatInt(n, 10)}
}

// Of returns a value holding s, for a package to make its constant values
// once: var jsonType = hdrval.Of("application/json").
func Of(s string) []string { return []string{s}[:1:1] }
