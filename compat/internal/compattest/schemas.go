package compattest

import (
	"fmt"
	"strings"
)

// NestedCombined is the schema of the review's finding 9: combinations (criterion) nested
// depth deep with width members each, whose leaves are string schemas with distinct
// maxLength values wrapped by wrap (a format with one %d); the leaf numbered changed (-1 for
// none) has its maxLength lowered by one. Depth 6, width 5 and "anyOf" give about 650 KB.
func NestedCombined(criterion string, depth, width, changed int, wrap string) string {
	var b strings.Builder
	leaf := 0
	var walk func(d int)
	walk = func(d int) {
		if d == depth {
			n := 100000 + leaf
			if leaf == changed {
				n--
			}
			fmt.Fprintf(&b, wrap, n)
			leaf++
			return
		}
		fmt.Fprintf(&b, `{"%s":[`, criterion)
		for i := range width {
			if i > 0 {
				b.WriteByte(',')
			}
			walk(d + 1)
		}
		b.WriteString(`]}`)
	}
	walk(0)
	return b.String()
}
