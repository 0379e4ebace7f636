package jackson

import (
	"math"
	"testing"
)

func TestJavaNumbers(t *testing.T) {
	t.Parallel()
	for f, want := range map[float64]string{
		1: "1.0", 100: "100.0", 0.001: "0.001", 1e-4: "1.0E-4", 1e7: "1.0E7", 9999999: "9999999.0",
		1.5e10: "1.5E10", -0.0015: "-0.0015", math.Copysign(0, -1): "-0.0", 4.9e-324: "4.9E-324",
		math.MaxFloat64: "1.7976931348623157E308", 0.30000000000000004: "0.30000000000000004", math.Inf(-1): "-Infinity",
	} {
		if got := FormatDouble(f); got != want {
			t.Errorf("FormatDouble(%v) = %s, want %s", f, got, want)
		}
	}
	if got := FormatFloat(0.1); got != "0.1" {
		t.Errorf("FormatFloat(0.1) = %s", got)
	}
	for in, want := range map[string]float64{"1.5": 1.5, " 2f ": 2, "-1e3d": -1000, "0x1p3": 8, "+.5": 0.5} {
		if got, err := ParseDouble(in); err != nil || got != want {
			t.Errorf("ParseDouble(%q) = %v, %v", in, got, err)
		}
	}
	for _, in := range []string{"abc", "", "1e", "--1", "0x10", "1_0", "inf"} {
		if _, err := ParseDouble(in); err == nil {
			t.Errorf("ParseDouble(%q) should fail", in)
		}
	}
}
