package main

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
)

// pipeListener is a net.Listener whose connections are in-memory pipes
// (net.Pipe) made by its Dial: a real http.Server and http.Transport talk
// through it with no socket, and inside a synctest bubble they block
// durably, so virtual time moves. Its address is a loopback one, as
// `hooklimit serve` prints.
type pipeListener struct {
	conns chan net.Conn
	once  sync.Once
	done  chan struct{}
	addr  *net.TCPAddr
}

func newPipeListener() *pipeListener {
	return &pipeListener{conns: make(chan net.Conn), done: make(chan struct{}),
		addr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 18080}}
}

func (l *pipeListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *pipeListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

func (l *pipeListener) Addr() net.Addr { return l.addr }

// DialContext connects to the listener, whatever the address.
func (l *pipeListener) DialContext(ctx context.Context, _, _ string) (net.Conn, error) {
	client, server := net.Pipe()
	select {
	case l.conns <- server:
		return client, nil
	case <-l.done:
		return nil, errors.New("connection refused")
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// listen is a serveOptions.listen that returns l.
func (l *pipeListener) listen(_, _ string) (net.Listener, error) { return l, nil }

// transport returns an http.Transport that dials l.
func (l *pipeListener) transport() *http.Transport {
	return &http.Transport{DialContext: l.DialContext, DisableCompression: true}
}
