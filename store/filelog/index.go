package filelog

import "sort"

// indexInterval is the most bytes a read from an arbitrary offset scans before reaching the
// first frame it wants (plus at most one frame). A 30 MB log needs about a thousand entries.
const indexInterval = 32 << 10

// index is a sparse map from offset to file position: one entry per indexInterval bytes of
// frames, in offset order. Offsets are not contiguous after compaction, hence the pairs.
type index struct {
	entries []indexEntry
}

type indexEntry struct {
	offset int64 // offset of the frame at pos
	pos    int64 // file position of a frame
}

// add records that the frame for offset starts at pos, if the last entry is far enough back.
// Frames must be added in file order.
func (x *index) add(offset, pos int64) {
	n := len(x.entries)
	if n == 0 || pos-x.entries[n-1].pos >= indexInterval {
		x.entries = append(x.entries, indexEntry{offset: offset, pos: pos})
	}
}

// seek returns the position of the last indexed frame whose offset is at most from, or
// headerSize when there is none; every frame with an offset of from or more lies after it.
func (x *index) seek(from int64) int64 {
	i := sort.Search(len(x.entries), func(i int) bool { return x.entries[i].offset > from })
	if i == 0 {
		return headerSize
	}
	return x.entries[i-1].pos
}
