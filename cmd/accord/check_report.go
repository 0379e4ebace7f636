package main

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/accord-registry/accord/compat"
)

// checkReport is the outcome of `accord check` in every output format.
type checkReport struct {
	File       string   `json:"file"`
	Against    string   `json:"against"`
	Level      string   `json:"level"`
	Compatible bool     `json:"compatible"`
	Changes    []change `json:"changes"`
	Messages   []string `json:"messages"` // the registry's messages, as Confluent words them
	// New is set for a file the git base revision does not have: nothing to check against.
	New        bool   `json:"new,omitempty"`
	absentFrom string // that revision, as given
}

// change is one incompatible difference, read out of a registry message.
type change struct {
	Kind        string `json:"kind"`           // Confluent's errorType or difference type
	Path        string `json:"path,omitempty"` // where in the schema
	Description string `json:"description"`
	Advice      string `json:"advice,omitempty"`
	Line        int    `json:"line,omitempty"` // best guess at the line of the new file
}

// newReport is the report on a file, with the line of each change guessed from the file,
// which is read as the check read it (inside the repository, in CI).
func (c *checkConfig) newReport(file, against, level string, r compat.Result) *checkReport {
	text, _ := c.readFile(file)
	return newReport(file, against, level, r, text)
}

func newReport(file, against, level string, r compat.Result, text []byte) *checkReport {
	rep := &checkReport{File: file, Against: against, Level: level, Compatible: r.Compatible,
		Messages: r.Messages, Changes: []change{}}
	for _, m := range r.Messages {
		if c, ok := parseChange(m); ok {
			c.Line = lineOf(string(text), c)
			rep.Changes = append(rep.Changes, c)
		}
	}
	return rep
}

var (
	kindPattern = regexp.MustCompile(`(?:errorType:["']|type=)([A-Z][A-Z_]+)`)
	pathPattern = regexp.MustCompile(`(?:path '|jsonPath='|fullPath=')([^']*)'`)
	namePattern = regexp.MustCompile(`(?:field|symbol|name) '([^']+)'`)
)

// parseChange reads the kind, path and description out of one message. The closing
// "{validateFields: ..., compatibility: ...}" message is not a change.
func parseChange(msg string) (change, bool) {
	kind := kindPattern.FindStringSubmatch(msg)
	if kind == nil {
		return change{}, false
	}
	c := change{Kind: kind[1], Description: msg, Advice: advice[kind[1]]}
	if c.Kind == "READER_FIELD_MISSING_DEFAULT_VALUE" && strings.Contains(msg, "missing in the new schema") {
		c.Advice = "keep the field, or give it a default in every version that still reads it (old readers fill it from their default)"
	}
	if p := pathPattern.FindStringSubmatch(msg); p != nil {
		c.Path = p[1]
	}
	c.Description = description(msg)
	return c, true
}

// description is the human part of a message, "{errorType:'…', description:'…',
// additionalInfo:'…'}" (Avro) or "{errorType:"…", description:"…'}" (JSON Schema and
// Protobuf, quoted as Confluent quotes them), with the additional information in parentheses.
func description(msg string) string {
	_, rest, ok := strings.Cut(msg, "description:")
	if !ok || rest == "" {
		return msg
	}
	rest = strings.TrimSuffix(strings.TrimSuffix(rest[1:], "}"), "'")
	rest = strings.TrimSuffix(rest, `"`)
	desc, info, _ := strings.Cut(rest, "', additionalInfo:'")
	if info != "" {
		desc += " (" + info + ")"
	}
	return desc
}

// advice says what to do about the common kinds of incompatible change.
var advice = map[string]string{
	"READER_FIELD_MISSING_DEFAULT_VALUE":              `give the new field a default, or make it optional: "type": ["null", ...], "default": null`,
	"TYPE_MISMATCH":                                   "keep the field's type (or a promotion Avro allows: int→long→float→double, string↔bytes); for a new type add a new field",
	"NAME_MISMATCH":                                   `keep the type's full name, or list the old name in "aliases"`,
	"MISSING_ENUM_SYMBOLS":                            `keep the removed symbols, or give the enum a "default" symbol`,
	"MISSING_UNION_BRANCH":                            "keep the removed branch of the union",
	"FIXED_SIZE_MISMATCH":                             "keep the fixed type's size; use a new field for another size",
	"TYPE_CHANGED":                                    "keep the property's type; add a new property for the new type",
	"TYPE_NARROWED":                                   "accept at least the values the old schema accepted",
	"OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL":   "old records may hold the property with any value: close the old schema's content model (additionalProperties: false) before adding properties",
	"REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL": "make the new property optional, or give it a default",
	"PROPERTY_ADDED_TO_CLOSED_CONTENT_MODEL":          "a closed object (additionalProperties: false) cannot gain properties under this level",
	"PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL":      "keep the property, or open the content model",
	"FIELD_KIND_CHANGED":                              "keep the field's kind; add a field with a new number instead",
	"FIELD_SCALAR_KIND_CHANGED":                       "keep the field's scalar type (or a wire-compatible one); add a field with a new number instead",
	"FIELD_NAMED_TYPE_CHANGED":                        "keep the field's message or enum type; add a field with a new number instead",
	"MESSAGE_REMOVED":                                 "keep the message (deprecate it instead of removing it)",
	"ONEOF_FIELD_REMOVED":                             "keep the field in the oneof",
	"MULTIPLE_FIELDS_MOVED_TO_ONEOF":                  "move at most one existing field into a new oneof",
	"REQUIRED_FIELD_ADDED":                            "add the field as optional",
	"REQUIRED_FIELD_REMOVED":                          "keep the required field",
}

// reportWriters are the output formats; each writes the reports of one run (a file, or
// every file of a --git-base or manifest run).
var reportWriters = map[string]func(io.Writer, []*checkReport) error{
	"text":   writeText,
	"json":   writeJSON,
	"junit":  writeJUnit,
	"github": writeGitHub,
}

func writeReport(w io.Writer, format string, reports []*checkReport) error {
	return reportWriters[format](w, reports)
}

// allCompatible is the verdict of a run.
func allCompatible(reports []*checkReport) bool {
	for _, r := range reports {
		if !r.Compatible {
			return false
		}
	}
	return true
}

func writeText(w io.Writer, reports []*checkReport) error {
	incompatible := 0
	for _, r := range reports {
		writeTextReport(w, r)
		if !r.Compatible {
			incompatible++
		}
	}
	if len(reports) > 1 {
		fmt.Fprintf(w, "%d schemas checked, %d incompatible\n", len(reports), incompatible)
	}
	return nil
}

func writeTextReport(w io.Writer, r *checkReport) {
	verdict := "compatible"
	if !r.Compatible {
		verdict = "INCOMPATIBLE"
	}
	file := printable(r.File)
	if r.New {
		fmt.Fprintf(w, "%s: %s\n", file, printable(r.newSummary()))
		return
	}
	fmt.Fprintf(w, "%s: %s with %s (%s)\n", file, verdict, printable(r.Against), printable(r.Level))
	for _, c := range r.Changes {
		where := ""
		if c.Path != "" {
			where = " at " + printable(c.Path)
		}
		fmt.Fprintf(w, "  %s:%d: %s%s: %s\n", file, c.Line, printable(c.Kind), where, printable(c.Description))
		if c.Advice != "" {
			fmt.Fprintf(w, "    fix: %s\n", c.Advice)
		}
	}
	if !r.Compatible && len(r.Changes) == 0 {
		for _, m := range r.Messages {
			fmt.Fprintf(w, "  %s\n", printable(m))
		}
	}
}

// newSummary says that a file is new: the base revision does not have it.
func (r *checkReport) newSummary() string {
	return "new: not in " + r.absentFrom + ", nothing to check against"
}

// jsonOutput is --format json: the run's verdict, and a report per schema checked.
type jsonOutput struct {
	Compatible bool           `json:"compatible"`
	Checks     []*checkReport `json:"checks"`
}

func writeJSON(w io.Writer, reports []*checkReport) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(jsonOutput{Compatible: allCompatible(reports), Checks: reports})
}

// writeGitHub prints GitHub Actions workflow commands: an error annotation per change, on
// the pull request's diff.
func writeGitHub(w io.Writer, reports []*checkReport) error {
	for _, r := range reports {
		writeGitHubReport(w, r)
	}
	return nil
}

func writeGitHubReport(w io.Writer, r *checkReport) {
	file := githubProperty(r.File)
	if r.New {
		fmt.Fprintf(w, "::notice file=%s::%s\n", file, githubData(r.newSummary()))
		return
	}
	if r.Compatible {
		fmt.Fprintf(w, "::notice file=%s::%s\n", file, githubData("compatible with "+r.Against+" ("+r.Level+")"))
		return
	}
	changes := r.Changes
	if len(changes) == 0 {
		changes = []change{{Kind: "INCOMPATIBLE", Description: strings.Join(r.Messages, "; "), Line: 1}}
	}
	title := githubProperty("incompatible with " + r.Against + " (" + r.Level + ")")
	for _, c := range changes {
		msg := c.Kind + ": " + c.Description
		if c.Advice != "" {
			msg += ". Fix: " + c.Advice
		}
		fmt.Fprintf(w, "::error file=%s,line=%d,title=%s::%s\n", file, c.Line, title, githubData(msg))
	}
}

// The runner reads every line of a job's output that starts with "::" as a workflow command,
// so text from files (names, schemas, a registry's messages) is escaped as GitHub's toolkit
// escapes it (escapeData, escapeProperty in @actions/core): a file name must not end a
// property and add another (",line=99"), nor end the line and start a command of its own
// ("\n::add-mask::"). Control characters are shown escaped first, as in text output: the
// log viewer renders ANSI sequences.
var (
	githubDataEscaper     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	githubPropertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

// githubData escapes a workflow command's message.
func githubData(s string) string { return githubDataEscaper.Replace(printable(s)) }

// githubProperty escapes the value of a workflow command's property (file=, title=).
func githubProperty(s string) string { return githubPropertyEscaper.Replace(printable(s)) }

// printable shows the control characters of s (C0 and C1, DEL, the bidirectional
// overrides, bytes that are not UTF-8) as Go escapes (\x1b, \u202e): text from files or a
// registry must not move a terminal's cursor, colour it, set its title, or reorder what is
// shown. Newlines in it are shown as \n, so that each line of output is one line.
func printable(s string) string {
	if strings.IndexFunc(s, needsEscape) < 0 && utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD"):
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case needsEscape(r):
			q := strconv.QuoteRuneToASCII(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func needsEscape(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r)
}

// printCheckError prints why a check could not run; in github format as an error
// annotation, escaped like the others.
func printCheckError(w io.Writer, format string, err error) {
	if format == "github" {
		fmt.Fprintf(w, "::error title=accord check::%s\n", githubData("accord check: "+err.Error()))
		return
	}
	fmt.Fprintf(w, "accord check: %s\n", printable(err.Error()))
}

type junitSuite struct {
	XMLName  xml.Name    `xml:"testsuite"`
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	ClassName string        `xml:"classname,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Body    string `xml:",chardata"`
}

// writeJUnit writes a JUnit XML test suite with a test case per schema checked, failed when
// incompatible, which CI systems show as test results.
func writeJUnit(w io.Writer, reports []*checkReport) error {
	suite := junitSuite{Name: "accord check", Tests: len(reports), Cases: []junitCase{}}
	for _, r := range reports {
		tc := junitCase{Name: printable(r.File), ClassName: "accord.check." + printable(r.Level)}
		if !r.Compatible {
			suite.Failures++
			var body strings.Builder
			writeTextReport(&body, r)
			tc.Failure = &junitFailure{Message: "incompatible with " + printable(r.Against), Body: body.String()}
		}
		suite.Cases = append(suite.Cases, tc)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(suite); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
