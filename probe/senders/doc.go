// Package senders holds the sender models of real webhook senders, as
// presets: each is a retry policy, a delivery discipline and the quirks of
// how the sender reads a Retry-After, with the numbers its vendor
// documents, the source quoted, and what is assumed where the vendor is
// silent. Parse reads what --sender takes: a preset's name, a sender spec
// (see probe.ParseSender), or a preset's name followed by spec items that
// change it.
package senders
