package scenarios

import (
	"errors"
	"io"
	"strings"
	"testing"
)

func TestMergeReaders(t *testing.T) {
	open := func(name, text string) Reader {
		r, err := NewReader(strings.NewReader(text), name, ReadOptions{Format: FormatJSONL})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	a := open("a", `{"time":1,"key":"a"}`+"\n"+`{"time":5,"key":"a"}`+"\n")
	b := open("b", `{"time":1,"key":"b"}`+"\n"+`{"time":3,"key":"b"}`+"\n"+`{"time":9,"key":"b"}`+"\n")
	m := MergeReaders(a, b)
	var got []string
	for {
		rec, err := m.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, rec.Key)
	}
	if want := "a b b a b"; strings.Join(got, " ") != want {
		t.Fatalf("merged keys %q, want %q", strings.Join(got, " "), want)
	}
}
