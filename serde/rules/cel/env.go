package cel

import (
	"net"
	"net/mail"
	"net/url"
	"strings"

	celgo "github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/ext"
	"github.com/google/uuid"
)

// newEnv is the environment every rule compiles in, the one Confluent's clients give their
// CEL executors: numbers of different types compare, the strings extension, and the string
// checks isEmail, isHostname, isIpv4, isIpv6, isUri, isUriRef and isUuid.
func newEnv() (*celgo.Env, error) {
	opts := []celgo.EnvOption{
		celgo.CrossTypeNumericComparisons(true),
		celgo.EagerlyValidateDeclarations(true),
		ext.Strings(ext.StringsValidateFormatCalls(true)),
	}
	for name, check := range stringChecks() {
		opts = append(opts, stringCheck(name, check))
	}
	return celgo.NewEnv(opts...)
}

// stringChecks are the string methods Confluent's CEL executors add, by name.
func stringChecks() map[string]func(string) bool {
	return map[string]func(string) bool{
		"isEmail":    isEmail,
		"isHostname": isHostname,
		"isIpv4":     func(s string) bool { ip := net.ParseIP(s); return ip != nil && ip.To4() != nil },
		"isIpv6":     func(s string) bool { ip := net.ParseIP(s); return ip != nil && ip.To4() == nil },
		"isUri":      func(s string) bool { u, err := url.Parse(s); return err == nil && u.IsAbs() },
		"isUriRef":   func(s string) bool { _, err := url.Parse(s); return err == nil },
		"isUuid":     func(s string) bool { _, err := uuid.Parse(s); return err == nil },
	}
}

// stringCheck declares name as a method of strings answering a bool: "x".isEmail().
func stringCheck(name string, check func(string) bool) celgo.EnvOption {
	return celgo.Function(name, celgo.MemberOverload("string_"+name+"_bool",
		[]*celgo.Type{celgo.StringType}, celgo.BoolType,
		celgo.UnaryBinding(func(v ref.Val) ref.Val {
			s, ok := v.Value().(string)
			return types.Bool(ok && check(s))
		})))
}

// isEmail accepts a bare address (no display name, no angle brackets) of at most 254
// characters whose local part has at most 64 and whose domain is a hostname.
func isEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || strings.ContainsRune(s, '<') || len(s) > 254 {
		return false
	}
	local, domain, _ := strings.Cut(s, "@")
	return len(local) <= 64 && isHostname(domain)
}

// isHostname accepts dot-separated labels of 1 to 63 letters, digits and inner hyphens, at
// most 253 characters, the last label not all digits; one trailing dot is allowed.
func isHostname(s string) bool {
	if len(s) > 253 {
		return false
	}
	labels := strings.Split(strings.ToLower(strings.TrimSuffix(s, ".")), ".")
	for _, l := range labels {
		if !isLabel(l) {
			return false
		}
	}
	return strings.Trim(labels[len(labels)-1], "0123456789") != ""
}

func isLabel(l string) bool {
	if len(l) == 0 || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
		return false
	}
	for _, c := range l {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			return false
		}
	}
	return true
}
