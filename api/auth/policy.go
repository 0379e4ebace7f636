package auth

import (
	"fmt"
	"regexp"
	"strings"
)

// Access is what a rule grants, each level including the ones below it: read (fetch
// schemas, look them up, check compatibility), write (register, soft-delete) and admin
// (delete permanently, change configs and modes).
type Access int

// The access levels, in order.
const (
	Read Access = iota + 1
	Write
	Admin
)

func (a Access) String() string {
	switch a {
	case Read:
		return "Read"
	case Write:
		return "Write"
	case Admin:
		return "Admin"
	}
	return fmt.Sprintf("Access(%d)", int(a))
}

func parseAccess(s string) (Access, error) {
	switch strings.ToLower(s) {
	case "read":
		return Read, nil
	case "write":
		return Write, nil
	case "admin":
		return Admin, nil
	}
	return 0, fmt.Errorf("access %q: want read, write or admin", s)
}

// ruleFormat is one rule of the file:
//
//	rules:
//	  - principals: [payments-ci, "payments-app"]   # users, mTLS principals, or "*"
//	    subjects: ["payments-*", "re:^payments\\..*-value$"]
//	    access: write
//	  - principals: [ops]
//	    subjects: ["*", ":*:*"]
//	    keks: ["*"]                                # KEKs of the DEK Registry
//	    access: admin
//	    global: admin                              # the global config and mode
//
// Subject patterns are globs ("*" any run of characters, "?" one) or, after "re:", regular
// expressions; both must match the whole subject name. A subject in a context other than
// the default is named ":.ctx:subject", so patterns select contexts too. KEK patterns have
// the same syntax and match KEK names; access applies to the subjects and the KEKs alike.
type ruleFormat struct {
	Principals []string `yaml:"principals"`
	Subjects   []string `yaml:"subjects"`
	Keks       []string `yaml:"keks"`
	Access     string   `yaml:"access"`
	Global     string   `yaml:"global"`
}

// rule is a compiled rule.
type rule struct {
	anyone     bool
	principals map[string]bool
	subjects   []*regexp.Regexp
	keks       []*regexp.Regexp
	access     Access // on the subjects and KEKs; 0 when the rule names none
	global     Access // on the global config and mode; 0 for none
}

// policy is the rules of a file; nil means no rules: every authenticated caller may do
// everything.
type policy []rule

func compileRules(rules []ruleFormat) (policy, error) {
	out := make(policy, 0, len(rules))
	for i, r := range rules {
		c, err := compileRule(r)
		if err != nil {
			return nil, fmt.Errorf("rule %d: %w", i+1, err)
		}
		out = append(out, c)
	}
	return out, nil
}

func compileRule(r ruleFormat) (rule, error) {
	c := rule{principals: map[string]bool{}}
	if len(r.Principals) == 0 {
		return c, fmt.Errorf("no principals")
	}
	for _, p := range r.Principals {
		if p == "*" {
			c.anyone = true
		}
		c.principals[p] = true
	}
	if len(r.Subjects) == 0 && len(r.Keks) == 0 && r.Global == "" {
		return c, fmt.Errorf("grants nothing: give subjects or keks and access, or global")
	}
	if len(r.Subjects) > 0 || len(r.Keks) > 0 {
		var err error
		if c.access, err = parseAccess(r.Access); err != nil {
			return c, err
		}
		if c.subjects, err = patterns(r.Subjects); err != nil {
			return c, err
		}
		if c.keks, err = patterns(r.Keks); err != nil {
			return c, err
		}
	} else if r.Access != "" {
		return c, fmt.Errorf("access %q without subjects or keks", r.Access)
	}
	if r.Global != "" {
		var err error
		if c.global, err = parseAccess(r.Global); err != nil {
			return c, fmt.Errorf("global: %w", err)
		}
	}
	return c, nil
}

func patterns(ps []string) ([]*regexp.Regexp, error) {
	var out []*regexp.Regexp
	for _, p := range ps {
		re, err := subjectPattern(p)
		if err != nil {
			return nil, err
		}
		out = append(out, re)
	}
	return out, nil
}

// subjectPattern compiles a glob, or a regular expression after "re:", to match whole names.
func subjectPattern(p string) (*regexp.Regexp, error) {
	if expr, ok := strings.CutPrefix(p, "re:"); ok {
		re, err := regexp.Compile("^(?:" + expr + ")$")
		if err != nil {
			return nil, fmt.Errorf("subject pattern %q: %w", p, err)
		}
		return re, nil
	}
	var b strings.Builder
	b.WriteString("^")
	for _, r := range p {
		switch r {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString("$")
	return regexp.Compile(b.String())
}

func (r rule) applies(principal string) bool {
	return r.anyone || r.principals[principal]
}

// Restricts reports whether the file has rules; without, every authenticated caller may do
// everything, and the API skips the checks. It can change with every reload.
func (a *Authenticator) Restricts() bool { return a.users.Load().policy != nil }

// SubjectAllowed reports whether the principal may act on a subject at the given access.
func (a *Authenticator) SubjectAllowed(principal, subject string, access Access) bool {
	return a.allowed(principal, subject, access, func(r rule) []*regexp.Regexp { return r.subjects })
}

// KekAllowed reports whether the principal may act on a KEK of the DEK Registry at the
// given access.
func (a *Authenticator) KekAllowed(principal, kek string, access Access) bool {
	return a.allowed(principal, kek, access, func(r rule) []*regexp.Regexp { return r.keks })
}

func (a *Authenticator) allowed(principal, name string, access Access, patterns func(rule) []*regexp.Regexp) bool {
	p := a.users.Load().policy
	if p == nil {
		return true
	}
	for _, r := range p {
		if r.access >= access && r.applies(principal) {
			for _, re := range patterns(r) {
				if re.MatchString(name) {
					return true
				}
			}
		}
	}
	return false
}

// GlobalAllowed reports whether the principal may read (Read) or change (Write, Admin) the
// global config and mode.
func (a *Authenticator) GlobalAllowed(principal string, access Access) bool {
	p := a.users.Load().policy
	if p == nil {
		return true
	}
	for _, r := range p {
		if r.global >= access && r.applies(principal) {
			return true
		}
	}
	return false
}
