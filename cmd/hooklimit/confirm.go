package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"

	"github.com/hooklimit/hooklimit/internal/exitcode"
)

// confirmSend asks on the terminal before sending load to target when it
// is not loopback, unless yes (--yes): the question says what will be
// sent ("send up to 500 requests to it within 1m"). With no terminal to
// ask on (CI, a pipe), it refuses with exit 2 and says to pass --yes;
// anything but y or yes refuses too. what names the command's action
// ("probe", "send to").
func confirmSend(ios *IOStreams, target string, yes bool, what, question string) error {
	u, err := url.Parse(target)
	if err != nil || yes || isLoopback(u.Hostname()) {
		return nil
	}
	if !ios.InIsTerminal {
		return exitcode.Usagef("%s is not a loopback address and there is no terminal to confirm on: nothing was sent (pass --yes to %s %s without asking)", u.Host, what, u.Host)
	}
	fmt.Fprintf(ios.ErrOut, "%s is not a loopback address: %s? [y/N] ", u.Host, question)
	line, err := bufio.NewReader(ios.In).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return exitcode.Runtimef("reading the confirmation: %v", err)
	}
	if a := strings.ToLower(strings.TrimSpace(line)); a != "y" && a != "yes" {
		fmt.Fprintln(ios.ErrOut)
		return exitcode.Usagef("not confirmed: nothing was sent (pass --yes to %s %s without asking)", what, u.Host)
	}
	return nil
}

// isLoopback reports whether host is localhost or a loopback address. Other
// names are not resolved: they count as not loopback.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
