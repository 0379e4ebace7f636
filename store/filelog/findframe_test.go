package filelog

import (
	"bytes"
	"testing"
)

// naiveFindFrame is findFrame's specification: the first position at or after from where
// a whole valid frame with an offset above after decodes, or size.
func naiveFindFrame(data []byte, from, after int64) int64 {
	for p := from; p < int64(len(data)); p++ {
		if rec, _, err := decodeFrame(data[p:]); err == nil && rec.Offset > after {
			return p
		}
	}
	return int64(len(data))
}

// checkFindFrame fails unless findFrame agrees with naiveFindFrame on data.
func checkFindFrame(t *testing.T, data []byte, from, after int64) {
	t.Helper()
	got, rec, err := findFrame(bytes.NewReader(data), from, int64(len(data)), after)
	want := naiveFindFrame(data, from, after)
	if err != nil || got != want {
		t.Fatalf("findFrame(from %d, after %d) = %d, %v; want %d", from, after, got, err, want)
	}
	if got < int64(len(data)) && rec.Offset <= after {
		t.Fatalf("findFrame returned offset %d, not above %d", rec.Offset, after)
	}
}

// TestFindFrameAcrossWindows: a frame found after damage may start anywhere around the
// boundaries of the windows findFrame reads, tombstone or not, with an empty key or value.
func TestFindFrameAcrossWindows(t *testing.T) {
	frames := []*struct {
		key, value string
	}{{"k", "v"}, {"", ""}, {"key", ""}}
	for _, fr := range frames {
		r := rec(fr.key, fr.value)
		r.Offset = 9
		frame := appendFrame(nil, &r)
		for _, at := range []int{0, 1, resyncWindow - minFrameSize - 1, resyncWindow - frameHeaderSize, resyncWindow - 1, resyncWindow, resyncWindow + 1, 2*resyncWindow - 3} {
			data := append(bytes.Repeat([]byte{0xAA}, at), frame...)
			data = append(data, 0, 0, 0)
			checkFindFrame(t, data, 0, 8)
			checkFindFrame(t, data, 0, 9) // the frame's offset is not above after: not found
		}
	}
}

// FuzzFindFrame: findFrame, which passes over positions whose length field or fixed payload
// fields cannot be a frame's without reading the frame, finds what trying every position
// finds.
func FuzzFindFrame(f *testing.F) {
	r := rec("key", "value")
	r.Offset = 5
	frame := appendFrame(nil, &r)
	f.Add(frame, int64(0), int64(-1))
	f.Add(append([]byte("garbage"), frame...), int64(1), int64(4))
	f.Add(append(frame[:len(frame)-1:len(frame)-1], frame...), int64(0), int64(4))
	f.Fuzz(func(t *testing.T, data []byte, from, after int64) {
		if from < 0 || from > int64(len(data)) || after < -1 {
			return
		}
		checkFindFrame(t, data, from, after)
	})
}
