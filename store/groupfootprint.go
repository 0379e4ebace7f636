package store

// footprint is what a write on a shared log reads and changes, declared before it is decided,
// so that the group commit (see group.go) puts in one group only writes whose decisions cannot
// depend on one another. A write that declares nothing in particular is exclusive: it is
// decided alone, in a group of its own.
type footprint struct {
	exclusive bool
	// writes are the qualified subjects whose versions the write may add or change.
	writes []string
	// reads are the qualified subjects whose versions the write's decision looks at, beyond
	// its writes: the subjects its references name. A registration that references a subject
	// also changes what that subject's versions are referenced by, which a registration into
	// the referenced subject looks at; the conflict rule below covers both directions.
	reads []string
}

// exclusiveWrite is the footprint of every write but the plain registration.
var exclusiveWrite = footprint{exclusive: true}

// registrationFootprint is the footprint of a registration into subject (qualified, aliases
// resolved) of req: exclusive when it imports an id (the id is the request's, not the
// allocator's, and the checks it needs look at every version that holds it), otherwise the
// subject and the subjects its references name, in the subject's context.
func registrationFootprint(subject string, req SchemaRequest) footprint {
	if req.ID >= 0 {
		return exclusiveWrite
	}
	q := parseSubject(subject)
	fp := footprint{writes: []string{q.String()}}
	for _, ref := range req.References {
		fp.reads = append(fp.reads, parseSubject(qualifyRef(ref.Subject, q.ctx)).String())
	}
	return fp
}

// groupFootprint is the union of the footprints of a group's writes.
type groupFootprint struct {
	reads, writes map[string]bool
}

// admits reports whether fp can join the group: it is not exclusive, it changes nothing the
// group reads or changes, and it reads nothing the group changes.
func (g *groupFootprint) admits(fp footprint) bool {
	if fp.exclusive {
		return false
	}
	for _, s := range fp.writes {
		if g.writes[s] || g.reads[s] {
			return false
		}
	}
	for _, s := range fp.reads {
		if g.writes[s] {
			return false
		}
	}
	return true
}

func (g *groupFootprint) add(fp footprint) {
	if g.reads == nil {
		g.reads, g.writes = map[string]bool{}, map[string]bool{}
	}
	for _, s := range fp.writes {
		g.writes[s] = true
	}
	for _, s := range fp.reads {
		g.reads[s] = true
	}
}

// pendingGroup is what the writes of a group decided earlier in it, that a later one must
// see although no record of them has been read back yet: in each context, the ids allocated
// (so a later write allocates after them), the content each was allocated for (so the same
// schema registered twice in one group gets one id) and whether a CONTEXT record announces the
// context. Everything else a groupable write decides depends only on its footprint, which no
// earlier write of the group touched.
//
// A write stages what it allocates; the group accepts the stage once the write is in the
// group, or discards it when the write is put back for a later group.
type pendingGroup struct {
	contexts map[string]*pendingContext
	staged   *pendingID
}

type pendingContext struct {
	maxID  int
	hashes map[contentHash]int
}

type pendingID struct {
	ctx  string
	hash contentHash
	id   int
}

func newPendingGroup() *pendingGroup {
	return &pendingGroup{contexts: map[string]*pendingContext{}}
}

// idFor returns the id an earlier write of the group gave content in ctx, if any. A nil
// group (the embedded store, an exclusive write) has none.
func (g *pendingGroup) idFor(ctx string, h contentHash) (int, bool) {
	if g == nil || g.contexts[ctx] == nil {
		return 0, false
	}
	id, ok := g.contexts[ctx].hashes[h]
	return id, ok
}

// maxID returns the largest id the group allocated in ctx, 0 when none.
func (g *pendingGroup) maxID(ctx string) int {
	if g == nil || g.contexts[ctx] == nil {
		return 0
	}
	return g.contexts[ctx].maxID
}

// announced reports whether an earlier write of the group announced ctx.
func (g *pendingGroup) announced(ctx string) bool {
	return g != nil && g.contexts[ctx] != nil
}

// stage remembers the id a write is about to record for content in ctx.
func (g *pendingGroup) stage(ctx string, h contentHash, id int) {
	if g != nil {
		g.staged = &pendingID{ctx: ctx, hash: h, id: id}
	}
}

// accept makes the staged id part of the group.
func (g *pendingGroup) accept() {
	p := g.staged
	g.staged = nil
	if p == nil {
		return
	}
	c := g.contexts[p.ctx]
	if c == nil {
		c = &pendingContext{hashes: map[contentHash]int{}}
		g.contexts[p.ctx] = c
	}
	c.hashes[p.hash] = p.id
	c.maxID = max(c.maxID, p.id)
}

// discard forgets the staged id: its write was answered without records, or put back.
func (g *pendingGroup) discard() { g.staged = nil }
