package compat

import (
	"fmt"
	"strconv"
	"strings"
)

// Level is a compatibility level. The zero value is invalid.
type Level int

// The compatibility levels, see the package documentation.
const (
	LevelNone Level = iota + 1
	LevelBackward
	LevelBackwardTransitive
	LevelForward
	LevelForwardTransitive
	LevelFull
	LevelFullTransitive
)

var levelNames = [...]string{
	LevelNone:               "NONE",
	LevelBackward:           "BACKWARD",
	LevelBackwardTransitive: "BACKWARD_TRANSITIVE",
	LevelForward:            "FORWARD",
	LevelForwardTransitive:  "FORWARD_TRANSITIVE",
	LevelFull:               "FULL",
	LevelFullTransitive:     "FULL_TRANSITIVE",
}

// ParseLevel parses a level name case-insensitively, as Confluent does.
func ParseLevel(s string) (Level, bool) {
	up := strings.ToUpper(s)
	for l := LevelNone; l <= LevelFullTransitive; l++ {
		if levelNames[l] == up {
			return l, true
		}
	}
	return 0, false
}

func (l Level) valid() bool { return l >= LevelNone && l <= LevelFullTransitive }

// String returns the upper-case wire name, e.g. "FULL_TRANSITIVE".
func (l Level) String() string {
	if !l.valid() {
		return "Level(" + strconv.Itoa(int(l)) + ")"
	}
	return levelNames[l]
}

// MarshalText encodes the wire name; an invalid level is an error.
func (l Level) MarshalText() ([]byte, error) {
	if !l.valid() {
		return nil, fmt.Errorf("compat: invalid compatibility level %d", int(l))
	}
	return []byte(levelNames[l]), nil
}

// UnmarshalText decodes a level name case-insensitively.
func (l *Level) UnmarshalText(b []byte) error {
	v, ok := ParseLevel(string(b))
	if !ok {
		return fmt.Errorf("compat: invalid compatibility level %q", b)
	}
	*l = v
	return nil
}

// Transitive reports whether l checks every previous version, not only the latest.
func (l Level) Transitive() bool {
	return l == LevelBackwardTransitive || l == LevelForwardTransitive || l == LevelFullTransitive
}

func (l Level) backward() bool {
	return l == LevelBackward || l == LevelBackwardTransitive || l == LevelFull || l == LevelFullTransitive
}

func (l Level) forward() bool {
	return l == LevelForward || l == LevelForwardTransitive || l == LevelFull || l == LevelFullTransitive
}
