package jackson

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf16"
)

// Java's number formatting and parsing, as far as schema text needs them:
// Jackson writes doubles with Double.toString, and Avro parses the string
// default of a float or double field with Double.parseDouble.

// FormatDouble formats f like Java's Double.toString (JDK 19+, shortest digits).
func FormatDouble(f float64) string { return javaFloating(f, 64) }

// FormatFloat formats f like Java's Float.toString.
func FormatFloat(f float32) string { return javaFloating(float64(f), 32) }

func javaFloating(f float64, bits int) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case f == 0 && math.Signbit(f):
		return "-0.0"
	case f == 0:
		return "0.0"
	}
	digits, exp := shortestDigits(f, bits)
	sign := ""
	if f < 0 {
		sign = "-"
	}
	return sign + javaLayout(digits, exp)
}

// shortestDigits returns the significant digits of |f| and the decimal
// exponent of the first one (f = 0.d1d2... * 10^(exp+1)). Like Java, when the
// shortest form has one digit a closer two-digit form is preferred.
func shortestDigits(f float64, bits int) (string, int) {
	f = math.Abs(f)
	s := strconv.FormatFloat(f, 'e', -1, bits)
	if mant, _, _ := strings.Cut(s, "e"); len(mant) == 1 {
		two := strconv.FormatFloat(f, 'e', 1, bits)
		if back, err := strconv.ParseFloat(two, bits); err == nil && back == f && !strings.HasPrefix(two[1:], ".0e") {
			s = two
		}
	}
	mant, expStr, _ := strings.Cut(s, "e")
	exp, _ := strconv.Atoi(expStr)
	digits := strings.TrimRight(strings.Replace(mant, ".", "", 1), "0")
	if digits == "" {
		digits = "0"
	}
	return digits, exp
}

// javaLayout places digits (value d1.d2d3... * 10^exp) in Java's layout:
// plain notation for 1e-3 <= x < 1e7, computerized scientific otherwise.
func javaLayout(digits string, exp int) string {
	if exp >= -3 && exp < 7 {
		if exp < 0 {
			return "0." + strings.Repeat("0", -exp-1) + digits
		}
		intPart, frac := digits, ""
		if len(digits) > exp+1 {
			intPart, frac = digits[:exp+1], digits[exp+1:]
		} else {
			intPart += strings.Repeat("0", exp+1-len(digits))
		}
		if frac == "" {
			frac = "0"
		}
		return intPart + "." + frac
	}
	frac := digits[1:]
	if frac == "" {
		frac = "0"
	}
	return digits[:1] + "." + frac + "E" + strconv.Itoa(exp)
}

// ParseDouble is Java's Double.parseDouble for the textual float/double
// field defaults Avro converts to numbers.
func ParseDouble(s string) (float64, error) {
	t := strings.TrimFunc(s, func(r rune) bool { return r <= ' ' })
	bad := fmt.Errorf("For input string: %q", s)
	if t == "" {
		return 0, errors.New("empty String")
	}
	body := strings.TrimLeft(t, "+-")
	if len(t)-len(body) > 1 {
		return 0, bad
	}
	neg := strings.HasPrefix(t, "-")
	switch body {
	case "NaN":
		return math.NaN(), nil
	case "Infinity":
		if neg {
			return math.Inf(-1), nil
		}
		return math.Inf(1), nil
	}
	if body != "" && strings.IndexByte("fFdD", body[len(body)-1]) >= 0 {
		body = body[:len(body)-1] // Java's optional type suffix
	}
	if !javaFloatLiteral(body) {
		return 0, bad
	}
	f, err := strconv.ParseFloat(body, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, bad
	}
	if neg {
		f = -f
	}
	return f, nil
}

// javaFloatLiteral accepts the unsigned forms Java's FloatingDecimal does:
// digits with optional point and exponent, or a hex significand with a
// binary exponent.
func javaFloatLiteral(s string) bool {
	if strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X") {
		mant, exp, ok := strings.Cut(strings.ToLower(s[2:]), "p")
		return ok && mant != "" && mant != "." && strings.Trim(mant, "0123456789abcdef.") == "" &&
			strings.Count(mant, ".") <= 1 && validExponent(exp)
	}
	mant, exp, hasExp := strings.Cut(strings.ToLower(s), "e")
	if mant == "" || mant == "." || strings.Trim(mant, "0123456789.") != "" || strings.Count(mant, ".") > 1 {
		return false
	}
	return !hasExp || validExponent(exp)
}

func validExponent(e string) bool {
	e = strings.TrimPrefix(strings.TrimPrefix(e, "+"), "-")
	return e != "" && strings.Trim(e, "0123456789") == ""
}

// CompareUTF16 orders strings as Java's String.compareTo does (by UTF-16
// code unit, which differs from Go's byte order above U+FFFF).
func CompareUTF16(a, b string) int {
	ua, ub := utf16.Encode([]rune(a)), utf16.Encode([]rune(b))
	for i := 0; i < len(ua) && i < len(ub); i++ {
		if ua[i] != ub[i] {
			return int(ua[i]) - int(ub[i])
		}
	}
	return len(ua) - len(ub)
}
