package report

import (
	"math/rand/v2"
	"testing"
)

// TestEventSetIsAMap puts, gets and deletes random events in an eventSet
// and in a map side by side: every answer and the count must be the
// map's. The events come as a run numbers them (a sliding span of
// neighbours), far apart (a server's ids), in spans wider than the
// largest ring, below the ring's span, and mixed, so that the ring
// starts, slides, grows, gives up to the map and takes events back.
func TestEventSetIsAMap(t *testing.T) {
	for _, tc := range []struct {
		name string
		next func(r *rand.Rand, i int) uint64
	}{
		{"sliding span", func(r *rand.Rand, i int) uint64 { return uint64(i/4) + r.Uint64N(50) }},
		{"growing span", func(r *rand.Rand, i int) uint64 { return r.Uint64N(uint64(i/2 + 1)) }},
		{"far apart", func(r *rand.Rand, i int) uint64 { return r.Uint64() }},
		{"wider than the ring", func(r *rand.Rand, i int) uint64 { return r.Uint64N(3 * maxEventRing) }},
		{"below the span", func(r *rand.Rand, i int) uint64 { return 1<<40 - uint64(i) + r.Uint64N(8) }},
		{"mixed", func(r *rand.Rand, i int) uint64 {
			switch r.IntN(4) {
			case 0:
				return r.Uint64()
			case 1:
				return ^uint64(0) - r.Uint64N(100) // near the top: spans wrap
			}
			return uint64(i/3) + r.Uint64N(200)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(5, uint64(len(tc.name))))
			var s eventSet
			ref := map[uint64]eventWindow{}
			for i := range 40_000 {
				e := tc.next(r, i)
				switch r.IntN(3) {
				case 0:
					w := eventWindow{window: window{from: int64(i), until: int64(i + r.IntN(9))}, followed: r.IntN(2) == 0}
					s.put(e, w)
					ref[e] = w
				case 1:
					s.del(e)
					delete(ref, e)
				}
				got, ok := s.get(e)
				want, wok := ref[e]
				if got != want || ok != wok {
					t.Fatalf("op %d, event %d: get = %+v, %v; the map has %+v, %v", i, e, got, ok, want, wok)
				}
				if s.len() != len(ref) {
					t.Fatalf("op %d: len = %d, the map has %d", i, s.len(), len(ref))
				}
			}
			for e, want := range ref {
				if got, ok := s.get(e); !ok || got != want {
					t.Fatalf("event %d: get = %+v, %v; want %+v", e, got, ok, want)
				}
			}
			if len(s.ring) > maxEventRing {
				t.Fatalf("the ring grew to %d slots, past %d", len(s.ring), maxEventRing)
			}
		})
	}
}
