package scenarios

import (
	"container/heap"
	"errors"
	"io"
)

// MergeReaders returns a Reader that yields the records of all readers in
// time order, as when several workers' logs cover the same hours. Each
// reader must itself be in order (Open's readers are). Ties go to the
// reader listed first. Skipped and FirstSkipped add up the readers'.
func MergeReaders(readers ...Reader) Reader {
	if len(readers) == 1 {
		return readers[0]
	}
	return &mergedReader{readers: readers}
}

type mergedReader struct {
	readers []Reader
	h       recordHeap
	started bool
}

type headItem struct {
	rec Record
	src int
}

type recordHeap []headItem

func (h recordHeap) Len() int { return len(h) }
func (h recordHeap) Less(i, j int) bool {
	return h[i].rec.Time < h[j].rec.Time || (h[i].rec.Time == h[j].rec.Time && h[i].src < h[j].src)
}
func (h recordHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *recordHeap) Push(x any)   { *h = append(*h, x.(headItem)) }
func (h *recordHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// Next returns the earliest record any reader holds.
func (m *mergedReader) Next() (Record, error) {
	if !m.started {
		m.started = true
		for i, r := range m.readers {
			if err := m.fill(i, r); err != nil {
				return Record{}, err
			}
		}
		heap.Init(&m.h)
	}
	if len(m.h) == 0 {
		return Record{}, io.EOF
	}
	top := m.h[0]
	rec, err := m.readers[top.src].Next()
	switch {
	case err == nil:
		m.h[0].rec = rec
		heap.Fix(&m.h, 0)
	case errors.Is(err, io.EOF):
		heap.Pop(&m.h)
	default:
		return Record{}, err
	}
	return top.rec, nil
}

func (m *mergedReader) fill(i int, r Reader) error {
	rec, err := r.Next()
	switch {
	case err == nil:
		m.h = append(m.h, headItem{rec, i})
	case !errors.Is(err, io.EOF):
		return err
	}
	return nil
}

func (m *mergedReader) Skipped() int {
	n := 0
	for _, r := range m.readers {
		n += r.Skipped()
	}
	return n
}

func (m *mergedReader) FirstSkipped() []error {
	var out []error
	for _, r := range m.readers {
		out = append(out, r.FirstSkipped()...)
	}
	if len(out) > MaxFirstSkipped {
		out = out[:MaxFirstSkipped]
	}
	return out
}
