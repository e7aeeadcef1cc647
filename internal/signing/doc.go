// Package signing signs webhook requests and verifies their signatures as
// the Standard Webhooks specification defines for symmetric keys: the HTTP
// sender signs what it sends, and `hooklimit serve` verifies what it
// receives, with the same Signer.
package signing
