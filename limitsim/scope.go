package limitsim

import (
	"fmt"
	"slices"
	"strings"
)

// The scopes a profile may have. A scope says which requests share one
// limiter (one Partition): the requests of one partition key for the
// per-key scopes, every request of one workspace for ScopeWorkspace, and
// every request of one environment of a workspace (such as DEV, TEST or
// PROD) for ScopeEnvironment.
const (
	ScopeKey       = "key"       // per partition key, the default
	ScopeTrigger   = "trigger"   // per webhook trigger (a key)
	ScopeWebhook   = "webhook"   // per webhook (a key)
	ScopeEndpoint  = "endpoint"  // per receiving endpoint (a key)
	ScopeTenant    = "tenant"    // per tenant (a key)
	ScopeDatabase  = "database"  // per database (a key)
	ScopeWorkspace = "workspace" // every key of a workspace together
	// ScopeEnvironment adds up every key of one environment of a
	// workspace. The request names its environment where a workspace
	// scope names the workspace (the same field, header or path): under
	// this scope the environment alone decides what adds up, so a value
	// such as "acme-prod" that names it is all the simulator needs.
	ScopeEnvironment = "environment"
)

// Scopes returns the scopes a profile file may name, in a stable order.
func Scopes() []string {
	return []string{ScopeKey, ScopeTrigger, ScopeWebhook, ScopeEndpoint, ScopeTenant, ScopeDatabase, ScopeWorkspace, ScopeEnvironment}
}

// AllTraffic is the partition label of a workspace- or environment-scoped
// profile's requests that name none: without a workspace field (or
// header), all traffic is one workspace (or environment).
const AllTraffic = "(all traffic)"

// Aggregates reports whether p's limits add up the requests of several
// partition keys: a workspace-scoped profile counts every key of a
// workspace against one limiter, an environment-scoped one every key of an
// environment. Any other scope, including an empty one or a custom word,
// is per partition key.
func (p *Profile) Aggregates() bool { return AggregateScope(p.Scope) }

// AggregateScope reports whether scope adds up several partition keys:
// ScopeWorkspace and ScopeEnvironment do.
func AggregateScope(scope string) bool {
	return scope == ScopeWorkspace || scope == ScopeEnvironment
}

// PartitionOf returns the partition that a request with partition key key,
// sent to workspace workspace, counts against under p: key itself for a
// per-key scope; for a workspace-scoped profile "workspace NAME", or
// "workspace (all traffic)" when workspace is empty; for an
// environment-scoped one "environment NAME" (workspace then names the
// environment), or "environment (all traffic)". Every consumer (the
// simulator, serve's handler, check's analysis, run's delivery judge)
// partitions requests with it, so they agree on what adds up; the result
// also names the partition in reports.
func (p *Profile) PartitionOf(key, workspace string) string {
	if !p.Aggregates() {
		return key
	}
	return AggregatePartition(p.Scope, workspace)
}

// AggregatePartition returns the partition label of one workspace or
// environment (scope): "workspace NAME", or "workspace (all traffic)" for
// the empty name.
func AggregatePartition(scope, name string) string {
	switch {
	case name != "":
		return scope + " " + name
	case scope == ScopeWorkspace: // made once: every request of a server without --workspace
		return ScopeWorkspace + " " + AllTraffic
	case scope == ScopeEnvironment:
		return ScopeEnvironment + " " + AllTraffic
	}
	return scope + " " + AllTraffic
}

// ScopeLabel returns what one partition of p is, for people: "workspace"
// or "trigger", and "key" for a profile without a scope.
func (p *Profile) ScopeLabel() string {
	if p.Scope == "" {
		return ScopeKey
	}
	return p.Scope
}

// validateScope checks that s is empty or one of Scopes.
func validateScope(s string) error {
	if s == "" || slices.Contains(Scopes(), s) {
		return nil
	}
	return fieldErr("scope", "unknown scope %q (want %s: workspace adds up every key of a workspace, environment every key of an environment, the others are per key)", s, strings.Join(Scopes(), ", "))
}

// ScopeDescription says what shares one limiter under p, for people:
// "one per workspace: every key of a workspace adds up", "one per
// environment: every key of an environment adds up" or "one per trigger
// (partition key)".
func (p *Profile) ScopeDescription() string {
	if p.Aggregates() {
		article := "a"
		if p.Scope == ScopeEnvironment {
			article = "an"
		}
		return fmt.Sprintf("one per %s: every key of %s %s adds up", p.ScopeLabel(), article, p.Scope)
	}
	return fmt.Sprintf("one per %s (partition key)", p.ScopeLabel())
}
