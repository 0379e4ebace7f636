package filelog

import (
	"bufio"
	"errors"
	"io"

	"github.com/accord-registry/accord/store"
)

// maxReadBuffer is the read-ahead of a frame reader. Large enough that a full scan makes few
// syscalls, and shrunk for short ranges so reading the last few records stays cheap.
const maxReadBuffer = 256 << 10

// frameReader reads consecutive frames from a byte range of a file.
type frameReader struct {
	br    *bufio.Reader
	pos   int64  // file position of the next frame
	limit int64  // file position where the range ends
	frame []byte // the last frame read, header included: in br's buffer, or in own
	own   []byte // the buffer of frames larger than br's; reused
}

// newFrameReader reads frames from f starting at pos and ending at limit.
func newFrameReader(f io.ReaderAt, pos, limit int64) *frameReader {
	size := int(min(limit-pos, maxReadBuffer))
	return &frameReader{
		br:    bufio.NewReaderSize(io.NewSectionReader(f, pos, limit-pos), size),
		pos:   pos,
		limit: limit,
	}
}

// next reads the frame at r.pos and advances past it. The record's Key and Value alias a
// buffer the next call overwrites. It returns io.EOF exactly at the limit, a frame error (see
// [isFrameError]) when the bytes there are not one whole valid frame, or an I/O error. It never
// buffers more than the range holds, whatever a length field says.
func (r *frameReader) next() (store.Record, error) {
	remain := r.limit - r.pos
	if remain == 0 {
		return store.Record{}, io.EOF
	}
	if remain < frameHeaderSize {
		return store.Record{}, errShortFrame
	}
	h, err := r.br.Peek(frameHeaderSize)
	if err != nil {
		return store.Record{}, shortIfEOF(err)
	}
	n, err := payloadLength(h)
	if err != nil {
		return store.Record{}, err
	}
	if int64(n) > remain-frameHeaderSize {
		return store.Record{}, errShortFrame
	}
	if err := r.read(frameHeaderSize + n); err != nil {
		return store.Record{}, err
	}
	rec, size, err := decodeFrame(r.frame)
	if err != nil {
		return store.Record{}, err
	}
	r.pos += int64(size)
	return rec, nil
}

// read reads the next size bytes into r.frame: where br buffers them when they fit (most
// frames: a scan of the log copies each byte once, from the file into br), else into r.own.
func (r *frameReader) read(size int) error {
	if size <= r.br.Size() {
		frame, err := r.br.Peek(size)
		if err != nil {
			return shortIfEOF(err)
		}
		r.frame = frame
		_, err = r.br.Discard(size)
		return err
	}
	r.own = grow(r.own, size)
	r.frame = r.own
	_, err := io.ReadFull(r.br, r.own)
	return shortIfEOF(err)
}

// raw returns the bytes of the frame the last successful next returned.
func (r *frameReader) raw() []byte { return r.frame }

// grow returns b resized to n bytes, keeping its first bytes when it fits.
func grow(b []byte, n int) []byte {
	if cap(b) >= n {
		return b[:n]
	}
	nb := make([]byte, n)
	copy(nb, b)
	return nb
}

// shortIfEOF maps a file ending early (it shrank under the reader) to a short frame.
func shortIfEOF(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errShortFrame
	}
	return err
}

// cloneRecord copies r's key and value into one new allocation, so the caller may keep them.
// A non-nil empty value stays non-nil, since nil means tombstone.
func cloneRecord(r store.Record) store.Record {
	b := make([]byte, len(r.Key)+len(r.Value))
	k := copy(b, r.Key)
	copy(b[k:], r.Value)
	r.Key = b[:k:k]
	if r.Value != nil {
		r.Value = b[k:]
	}
	return r
}
