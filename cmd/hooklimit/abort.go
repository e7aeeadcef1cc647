package main

import (
	"io"
	"os"
	"sync"
)

// openFiles are the results files being written, which a second Ctrl-C
// closes (writing the whole lines they hold) before the process ends.
// The zero value is ready to use.
type openFiles struct {
	mu    sync.Mutex
	next  int
	files map[int]io.Closer
}

// add registers c until the returned function is called.
func (o *openFiles) add(c io.Closer) (remove func()) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.files == nil {
		o.files = map[int]io.Closer{}
	}
	id := o.next
	o.next++
	o.files[id] = c
	return func() {
		o.mu.Lock()
		defer o.mu.Unlock()
		delete(o.files, id)
	}
}

// closeAll closes every registered file.
func (o *openFiles) closeAll() {
	o.mu.Lock()
	defer o.mu.Unlock()
	for id, c := range o.files {
		_ = c.Close()
		delete(o.files, id)
	}
}

// watchSignals cancels the commands' context at the first signal on sigs
// (they stop, report and write what they have), and at the second calls
// abort, which closes the open results files and ends the process: a
// user who presses Ctrl-C twice gets the whole lines written so far, not
// a file cut in the middle of one. It returns when sigs is closed.
func watchSignals(sigs <-chan os.Signal, cancel, abort func()) {
	n := 0
	for range sigs {
		n++
		if n == 1 {
			cancel()
			continue
		}
		abort()
	}
}
