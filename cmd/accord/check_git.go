package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path"
	"strings"

	"github.com/accord-registry/accord/compat"
)

// With --git-base, each file is checked against what it was at a git revision: a pull
// request's check is `accord check --git-base origin/main schemas/*.avsc`. Transitive levels
// check against every version the file had in the history up to that revision, as a
// registry that received each of them would.

// againstGitFiles checks each file against its history.
func (c *checkConfig) againstGitFiles(ctx context.Context, files []string) ([]*checkReport, error) {
	if len(files) == 0 {
		return nil, errors.New("with --git-base, give the files to check")
	}
	repo, err := openGitRepo(ctx, c.gitBase, c.files)
	if err != nil {
		return nil, err
	}
	reports := make([]*checkReport, 0, len(files))
	for _, f := range files {
		r, err := c.againstGit(ctx, repo, f)
		if err != nil {
			return nil, err
		}
		reports = append(reports, r)
	}
	return reports, nil
}

// againstGit checks one file against its version at the base revision, or for a transitive
// level against each distinct version in the file's history up to it, oldest first. A file
// that did not exist at the base is new: there is nothing it must stay compatible with.
func (c *checkConfig) againstGit(ctx context.Context, repo *gitRepo, path string) (*checkReport, error) {
	level, err := c.levelOr(compat.LevelBackward)
	if err != nil {
		return nil, err
	}
	typ, err := c.typeOf(path)
	if err != nil {
		return nil, err
	}
	deps, err := c.references.fromFiles(typ, c.readFile)
	if err != nil {
		return nil, err
	}
	next, err := c.parseFile(path, typ, deps, true)
	if err != nil {
		return nil, err
	}
	rel, err := repo.files.rel(path)
	if err != nil {
		return nil, err
	}
	revisions := []string{repo.base}
	if level.Transitive() {
		if revisions, err = repo.history(ctx, rel); err != nil {
			return nil, err
		}
	}
	previous, err := c.gitVersions(ctx, repo, rel, typ, revisions)
	if err != nil {
		return nil, err
	}
	if len(previous) == 0 {
		r := c.newReport(path, "nothing: not in "+repo.baseName, level.String(), compat.Result{Compatible: true})
		r.New, r.absentFrom = true, repo.baseName
		return r, nil
	}
	against := repo.baseName + ":" + rel
	if level.Transitive() {
		against = fmt.Sprintf("%s of %s up to %s", plural(len(previous), "version"), rel, repo.baseName)
	}
	result, err := compat.Check(ctx, next, previous, compat.CheckOptions{Level: level})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c.newReport(path, against, level.String(), result), nil
}

// plural is "1 version", "2 versions".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// gitVersions parses the file's distinct versions at the revisions, skipping those where it
// did not exist. References are read at the same revision, or from the working tree where
// the revision does not have them.
func (c *checkConfig) gitVersions(ctx context.Context, repo *gitRepo, rel string, typ compat.SchemaType, revisions []string) ([]compat.Previous, error) {
	var previous []compat.Previous
	var last []byte
	for _, rev := range revisions {
		text, ok, err := repo.show(ctx, rev, rel)
		if err != nil {
			return nil, err
		}
		if !ok || (previous != nil && bytes.Equal(text, last)) {
			continue
		}
		deps, err := c.references.fromFiles(typ, repo.readerAt(ctx, rev))
		if err != nil {
			return nil, err
		}
		s, err := parseText(shortRev(rev)+":"+rel, text, typ, deps, false)
		if err != nil {
			return nil, err
		}
		previous = append(previous, compat.Previous{Schema: s, Version: len(previous) + 1})
		last = text
	}
	return previous, nil
}

// gitRepo runs git in the repository of the working directory.
type gitRepo struct {
	files    *repoFiles // the work tree
	top      string     // the work tree's root
	base     string     // the base revision's commit
	baseName string     // the base revision as given
}

func openGitRepo(ctx context.Context, base string, files *repoFiles) (*gitRepo, error) {
	top, err := git(ctx, "", "rev-parse", "--show-toplevel")
	if err != nil {
		return nil, fmt.Errorf("--git-base needs a git work tree: %w", err)
	}
	commit, err := git(ctx, "", "rev-parse", "--verify", "--quiet", base+"^{commit}")
	if err != nil {
		return nil, fmt.Errorf("--git-base %s is not a commit of this repository (in CI, fetch it first: git fetch origin %s)", base, base)
	}
	return &gitRepo{files: files, top: strings.TrimSpace(string(top)), base: strings.TrimSpace(string(commit)), baseName: base}, nil
}

// maxLinkHops bounds the symbolic links followed from one path of a tree, as the kernel
// bounds them (ELOOP).
const maxLinkHops = 8

// show returns a file's content at a revision; false when it does not exist there. A
// symbolic link in the revision's tree (mode 120000) is followed in the same tree while it
// stays inside the repository, and is an error when it leads out: git history is as much
// the pull request's as the work tree is.
func (g *gitRepo) show(ctx context.Context, rev, rel string) ([]byte, bool, error) {
	name := rel
	for hops := 0; ; hops++ {
		mode, object, ok, err := g.entry(ctx, rev, rel)
		if err != nil || !ok {
			return nil, false, err
		}
		text, err := git(ctx, g.top, "cat-file", "blob", object)
		if err != nil {
			return nil, false, err
		}
		if mode != "120000" {
			return text, true, nil
		}
		target := string(text)
		next := path.Join(path.Dir(rel), target)
		switch {
		case path.IsAbs(target) || next == ".." || strings.HasPrefix(next, "../"):
			return nil, false, fmt.Errorf("%s at %s is a symbolic link to %s, outside the repository: accord check reads files inside it only", name, shortRev(rev), printable(target))
		case hops == maxLinkHops:
			return nil, false, fmt.Errorf("%s at %s: more than %d symbolic links", name, shortRev(rev), maxLinkHops)
		}
		rel = next
	}
}

// entry is the mode and object of a path in a revision's tree; false when the tree has no
// file there (a directory is not one).
func (g *gitRepo) entry(ctx context.Context, rev, rel string) (mode, object string, ok bool, err error) {
	out, err := git(ctx, g.top, "ls-tree", "-z", rev, "--", rel)
	if err != nil {
		return "", "", false, err
	}
	// "<mode> SP <type> SP <object> TAB <path> NUL"
	fields := strings.Fields(strings.SplitN(string(out), "\t", 2)[0])
	if len(fields) != 3 || fields[1] != "blob" {
		return "", "", false, nil
	}
	return fields[0], fields[2], true, nil
}

// readerAt reads files at a revision, falling back to the work tree (inside the repository)
// for a file the revision does not have.
func (g *gitRepo) readerAt(ctx context.Context, rev string) func(string) ([]byte, error) {
	return func(path string) ([]byte, error) {
		rel, err := g.files.rel(path)
		if err != nil {
			return nil, err
		}
		text, ok, err := g.show(ctx, rev, rel)
		switch {
		case err != nil:
			return nil, err
		case !ok:
			return g.files.read(path)
		}
		return text, nil
	}
}

// history lists the commits up to the base that changed the file, oldest first.
func (g *gitRepo) history(ctx context.Context, rel string) ([]string, error) {
	out, err := git(ctx, g.top, "log", "--format=%H", "--reverse", g.base, "--", rel)
	if err != nil {
		return nil, err
	}
	return strings.Fields(string(out)), nil
}

// git runs a git command in dir (the working directory when empty) and returns its output.
func git(ctx context.Context, dir string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			return nil, fmt.Errorf("git %s: %s", args[0], msg)
		}
		return nil, fmt.Errorf("git %s: %w", args[0], err)
	}
	return out, nil
}

func shortRev(rev string) string {
	if len(rev) > 12 {
		return rev[:12]
	}
	return rev
}
